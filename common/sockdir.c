/*
 * sockdir.c: see sockdir.h.
 */
#include "sockdir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

static const char *process_getenv(const char *name)
{
	return getenv(name);
}

bool sockdir_is_user_default(const char *path, paths_getenv_fn *env)
{
	char *def;
	bool same;

	if (geteuid() == 0)
		return false;
	def = paths_default_socket(env ? env : process_getenv);
	same = def && strcmp(def, path) == 0;
	free(def);
	return same;
}

/* Fills why for a refusal of dir; returns -1 with errno err. */
static int refuse(char *why, size_t len, const char *dir, int err,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int refuse(char *why, size_t len, const char *dir, int err,
		  const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(why, len, "cannot use '%s' for the socket: ", dir);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < len)
		vsnprintf(why + n, len - (size_t)n, fmt, ap);
	va_end(ap);
	errno = err;
	return -1;
}

static int cannot_check(char *why, size_t len, const char *dir)
{
	int err = errno;

	snprintf(why, len, "cannot check '%s': %s", dir, strerror(err));
	errno = err;
	return -1;
}

/*
 * The user's default: the directory itself is opened, never a link to
 * one, and what was opened is judged (no window between look and use).
 * O_PATH needs no read permission, so another user's 0700 directory is
 * refused for its owner, not for EACCES.
 */
static int judge_strict(const char *dir, char *why, size_t len)
{
	struct stat st;
	int fd = open(dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT)
		return -1;
	if (fd < 0 && (errno == ELOOP || errno == ENOTDIR) &&
	    lstat(dir, &st) == 0)
		return S_ISLNK(st.st_mode) ?
			refuse(why, len, dir, ELOOP, "a symbolic link") :
			refuse(why, len, dir, ENOTDIR, "not a directory");
	if (fd < 0)
		return cannot_check(why, len, dir);
	if (fstat(fd, &st) < 0) {
		cannot_check(why, len, dir);
		return safe_close(fd);
	}
	close(fd);
	if (st.st_uid != geteuid())
		return refuse(why, len, dir, EPERM, "owned by uid %u, not uid %u",
			      (unsigned)st.st_uid, (unsigned)geteuid());
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return refuse(why, len, dir, EPERM,
			      "writable by group or others");
	return 0;
}

/* A named socket: whoever owns the directory, others must not be able to
 * replace entries in it (sticky /tmp is fine). */
static int judge_named(const char *dir, char *why, size_t len)
{
	struct stat st;

	if (stat(dir, &st) < 0)
		return errno == ENOENT ? -1 : cannot_check(why, len, dir);
	if (!S_ISDIR(st.st_mode))
		return refuse(why, len, dir, ENOTDIR, "not a directory");
	if ((st.st_mode & S_IWOTH) && !(st.st_mode & S_ISVTX))
		return refuse(why, len, dir, EPERM, "writable by others");
	return 0;
}

int sockdir_check(const char *path, bool strict, char *why, size_t why_len)
{
	char *dir = path_dir(path);
	int ret, err;

	if (!dir) {
		snprintf(why, why_len, "cannot check the directory of '%s': %s",
			 path, strerror(errno));
		return -1;
	}
	errno = 0;
	if (strict)
		ret = judge_strict(dir, why, why_len);
	else
		ret = judge_named(dir, why, why_len);
	err = errno;
	if (ret < 0 && err == ENOENT)
		snprintf(why, why_len, "'%s' does not exist", dir);
	free(dir);
	errno = err;
	return ret;
}
