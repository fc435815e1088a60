/*
 * sockdir.c: see sockdir.h.
 */
#include "sockdir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

bool sockdir_is_user_default(const char *path, paths_getenv_fn *env)
{
	char *def;
	bool same;

	if (geteuid() == 0)
		return false;
	def = paths_default_socket(env ? env : paths_getenv);
	same = def && strcmp(def, path) == 0;
	free(def);
	return same;
}

/* Fills why for a refusal of dir; returns -1 with errno err. */
static int refuse(struct why *why, const char *dir, int err, const char *what)
{
	return why_set(why, err, "cannot use '%s' for the socket: %s", dir,
		       what);
}

static int cannot_check(struct why *why, const char *dir)
{
	return why_set(why, errno, "cannot check '%s': %s", dir,
		       strerror(errno));
}

/*
 * The user's default: the directory itself is opened, never a link to
 * one, and what was opened is judged (no window between look and use).
 * O_PATH needs no read permission, so another user's 0700 directory is
 * refused for its owner, not for EACCES.
 */
static int judge_strict(const char *dir, struct why *why)
{
	struct stat st;
	int fd = open(dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT)
		return -1;
	if (fd < 0 && (errno == ELOOP || errno == ENOTDIR) &&
	    lstat(dir, &st) == 0)
		return S_ISLNK(st.st_mode) ?
			refuse(why, dir, ELOOP, "a symbolic link") :
			refuse(why, dir, ENOTDIR, "not a directory");
	if (fd < 0)
		return cannot_check(why, dir);
	if (fstat(fd, &st) < 0) {
		cannot_check(why, dir);
		return safe_close(fd);
	}
	close(fd);
	if (st.st_uid != geteuid())
		return why_set(why, EPERM,
			       "cannot use '%s' for the socket: owned by uid %u, not uid %u",
			       dir, (unsigned)st.st_uid, (unsigned)geteuid());
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return refuse(why, dir, EPERM, "writable by group or others");
	return 0;
}

/* A named socket: whoever owns the directory, others must not be able to
 * replace entries in it (sticky /tmp is fine). */
static int judge_named(const char *dir, struct why *why)
{
	struct stat st;

	if (stat(dir, &st) < 0)
		return errno == ENOENT ? -1 : cannot_check(why, dir);
	if (!S_ISDIR(st.st_mode))
		return refuse(why, dir, ENOTDIR, "not a directory");
	if ((st.st_mode & S_IWOTH) && !(st.st_mode & S_ISVTX))
		return refuse(why, dir, EPERM, "writable by others");
	return 0;
}

int sockdir_check(const char *path, bool strict, struct why *why)
{
	char *dir = path_dir(path);
	int ret, err;

	if (!dir)
		return why_set(why, errno,
			       "cannot check the directory of '%s': %s", path,
			       strerror(errno));
	errno = 0;
	ret = strict ? judge_strict(dir, why) : judge_named(dir, why);
	err = errno;
	if (ret < 0 && err == ENOENT)
		why_set(why, ENOENT, "'%s' does not exist", dir);
	free(dir);
	errno = err;
	return ret;
}
