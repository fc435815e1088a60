/*
 * sockdir_test: the socket directory rule on real directories made in a
 * temporary directory, one row per case: strict (a user's default) or
 * named, and the message or errno wanted.
 */
#include "check.h"
#include "sockdir.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static char top[] = "/tmp/igor-sockdir-test.XXXXXX";

enum kind { DIR_, LINK, FILE_, NONE };

static const struct {
	const char *name;
	enum kind kind;
	mode_t mode;
	bool strict;
	const char *want; /* message after "'DIR' ", or NULL when usable */
	int err;          /* errno when refused */
} rows[] = {
	{ "own0700", DIR_, 0700, true, NULL, 0 },
	{ "own0750", DIR_, 0750, true, NULL, 0 },
	{ "own0755", DIR_, 0755, true, NULL, 0 },
	{ "grpw", DIR_, 0770, true, "for the socket: writable by group or others", EPERM },
	{ "othw", DIR_, 0702, true, "for the socket: writable by group or others", EPERM },
	{ "sticky", DIR_, 01777, true, "for the socket: writable by group or others", EPERM },
	{ "link", LINK, 0, true, "for the socket: a symbolic link", ELOOP },
	{ "file", FILE_, 0600, true, "for the socket: not a directory", ENOTDIR },
	{ "none", NONE, 0, true, "does not exist", ENOENT },
	{ "n-grpw", DIR_, 0770, false, NULL, 0 },
	{ "n-open", DIR_, 0777, false, "for the socket: writable by others", EPERM },
	{ "n-sticky", DIR_, 01777, false, NULL, 0 },
	{ "n-link", LINK, 0, false, NULL, 0 },
	{ "n-file", FILE_, 0600, false, "for the socket: not a directory", ENOTDIR },
	{ "n-none", NONE, 0, false, "does not exist", ENOENT },
};

static int make(const char *path, enum kind kind, mode_t mode)
{
	char target[256];
	FILE *f;

	switch (kind) {
	case DIR_:
		return mkdir(path, 0700) < 0 ? -1 : chmod(path, mode);
	case LINK:
		snprintf(target, sizeof(target), "%s/own0700", top);
		return symlink(target, path);
	case FILE_:
		f = fopen(path, "w");
		return f ? fclose(f) : -1;
	case NONE:
		return 0;
	}
	return -1;
}

static void test_rows(void)
{
	char dir[256], sock[300], want[600];
	struct why why;
	size_t i;
	int ret;

	for (i = 0; i < NELEM(rows); i++) {
		snprintf(dir, sizeof(dir), "%s/%s", top, rows[i].name);
		snprintf(sock, sizeof(sock), "%s/igor.sock", dir);
		if (make(dir, rows[i].kind, rows[i].mode) < 0) {
			CHECK(0, "%s: made: %s", rows[i].name, strerror(errno));
			continue;
		}
		strcpy(why.msg, "(unset)");
		errno = 0;
		ret = sockdir_check(sock, rows[i].strict, &why);
		CHECK_INT(ret, rows[i].want ? -1 : 0, "%s", rows[i].name);
		if (!rows[i].want)
			continue;
		CHECK_INT(errno, rows[i].err, "%s: errno", rows[i].name);
		snprintf(want, sizeof(want), "%s'%s' %s",
			 rows[i].err == ENOENT ? "" : "cannot use ", dir,
			 rows[i].want);
		CHECK_STR(why.msg, want, "%s: why", rows[i].name);
	}
}

/* As root, a directory of another user: refused for the default only. */
static void test_owner(void)
{
	char dir[256], sock[300], want[600];
	struct why why;

	if (geteuid() != 0) {
		printf("ok %d # skip another user's directory (needs root)\n",
		       ++check_n);
		return;
	}
	snprintf(dir, sizeof(dir), "%s/theirs", top);
	snprintf(sock, sizeof(sock), "%s/igor.sock", dir);
	if (mkdir(dir, 0755) < 0 || chown(dir, 65534, 65534) < 0) {
		CHECK(0, "theirs: made: %s", strerror(errno));
		return;
	}
	CHECK_INT(sockdir_check(sock, true, &why), -1, "theirs, strict");
	snprintf(want, sizeof(want),
		 "cannot use '%s' for the socket: owned by uid 65534, not uid 0",
		 dir);
	CHECK_STR(why.msg, want, "theirs, strict: why");
	CHECK_INT(sockdir_check(sock, false, &why), 0, "theirs, named");
}

static const char *xdg_env(const char *name)
{
	return strcmp(name, "XDG_RUNTIME_DIR") == 0 ? "/run/user/x" : NULL;
}

static const char *no_env(const char *name)
{
	(void)name;
	return NULL;
}

static void test_is_default(void)
{
	char tmp[64];

	snprintf(tmp, sizeof(tmp), "/tmp/igor-%u/igor.sock", (unsigned)geteuid());
	if (geteuid() == 0) {
		CHECK(!sockdir_is_user_default("/run/igor/igor.sock", no_env),
		      "root's default takes the named rule");
		return;
	}
	CHECK(sockdir_is_user_default(tmp, no_env), "%s is the default", tmp);
	CHECK(sockdir_is_user_default("/run/user/x/igor.sock", xdg_env),
	      "$XDG_RUNTIME_DIR/igor.sock is the default");
	CHECK(!sockdir_is_user_default(tmp, xdg_env),
	      "/tmp/igor-UID is not the default with XDG_RUNTIME_DIR");
	CHECK(!sockdir_is_user_default("/srv/igor.sock", no_env),
	      "a named socket is not the default");
}

int main(void)
{
	char cmd[128];
	int ret;

	if (!mkdtemp(top)) {
		perror("mkdtemp");
		return 1;
	}
	test_rows();
	test_owner();
	test_is_default();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", top);
	ret = check_done();
	return ret;
}
