/*
 * trust.c: see trust.h.
 */
#include "trust.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The effective uid of pid, from /proc; -1 when it cannot be read. */
static long uid_of(pid_t pid)
{
	char path[64], line[256];
	long ruid, euid = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Uid: %ld %ld", &ruid, &euid) == 2)
			break;
	fclose(f);
	return euid;
}

bool trust_is_required(pid_t supervisor)
{
	long uid;

	if (geteuid() == 0)
		return true;
	if (supervisor <= 0)
		return false;
	uid = uid_of(supervisor);
	/* Unreadable (hidepid): it runs as another user, and only root can
	 * have started a worker that runs as another user. */
	return uid <= 0;
}

/* One file or directory, named as shown; dir allows the sticky exception. */
static int check_one(const char *path, const char *shown, bool dir,
		     struct why *why)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return why_set(why, errno, "cannot check '%s': %s", shown,
			       strerror(errno));
	if (st.st_uid != 0)
		return why_set(why, EACCES, "'%s' is owned by uid %lu, not root",
			       shown, (unsigned long)st.st_uid);
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) &&
	    !(dir && S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX)))
		return why_set(why, EACCES, "'%s' is writable by group or others",
			       shown);
	return 0;
}

/* Every directory above real (an absolute path without links), to /. */
static int check_parents(char *real, struct why *why)
{
	char *slash;

	while ((slash = strrchr(real, '/'))) {
		if (slash == real) {
			real[1] = '\0';
			return check_one(real, real, true, why);
		}
		*slash = '\0';
		if (check_one(real, real, true, why) < 0)
			return -1;
	}
	return 0;
}

/* The directory holding path, resolved: where a link to it lives. */
static int check_link_dir(const char *path, struct why *why)
{
	char dir[PATH_MAX], real[PATH_MAX], *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (!realpath(dir, real))
		return why_set(why, errno, "cannot check '%s': %s", dir,
			       strerror(errno));
	if (check_one(real, real, true, why) < 0)
		return -1;
	return check_parents(real, why);
}

int trust_check(const char *path, struct why *why)
{
	char real[PATH_MAX];
	struct stat st;

	if (!realpath(path, real)) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		return why_set(why, errno, "cannot check '%s': %s", path,
			       strerror(errno));
	}
	if (check_one(real, path, false, why) < 0 ||
	    check_parents(real, why) < 0)
		return -1;
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
		return check_link_dir(path, why);
	return 0;
}
