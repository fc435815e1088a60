/*
 * trust_test: StrictModes for plugin files (common/trust.c), on files made
 * in a temporary directory.  Rows that need chown run only as root.
 */
#include "check.h"
#include "trust.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

struct row {
	const char *what;
	mode_t dir_mode, file_mode;
	uid_t dir_uid, file_uid;
	const char *want; /* %s: the directory or the file; NULL: trusted */
	bool on_dir;      /* want names the directory */
};

static const struct row rows[] = {
	{ "a root file 0644 in a root directory 0755", 0755, 0644, 0, 0, NULL,
	  false },
	{ "a root file 0600 in a root directory 0700", 0700, 0600, 0, 0, NULL,
	  false },
	{ "a group-writable file", 0755, 0664, 0, 0,
	  "'%s' is writable by group or others", false },
	{ "a world-writable file", 0755, 0646, 0, 0,
	  "'%s' is writable by group or others", false },
	{ "a file owned by uid 65534", 0755, 0644, 0, 65534,
	  "'%s' is owned by uid 65534, not root", false },
	{ "a world-writable directory", 0777, 0644, 0, 0,
	  "'%s' is writable by group or others", true },
	{ "a group-writable directory", 0775, 0644, 0, 0,
	  "'%s' is writable by group or others", true },
	{ "a sticky world-writable root directory, like /tmp", 01777, 0644, 0,
	  0, NULL, false },
	{ "a sticky directory owned by uid 65534", 01777, 0644, 65534, 0,
	  "'%s' is owned by uid 65534, not root", true },
	{ "a directory owned by uid 65534", 0755, 0644, 65534, 0,
	  "'%s' is owned by uid 65534, not root", true },
};

static void run_row(const char *top, const struct row *t)
{
	char dir[256], file[PATH_MAX], want[PATH_MAX + 128];
	struct why why;
	int fd, ret;

	snprintf(dir, sizeof(dir), "%s/d", top);
	snprintf(file, sizeof(file), "%s/p.so", dir);
	if (mkdir(dir, 0700) < 0 || (fd = open(file, O_CREAT | O_WRONLY |
				    O_CLOEXEC, 0600)) < 0)
		abort();
	close(fd);
	if (chown(file, t->file_uid, 0) < 0 || chmod(file, t->file_mode) < 0 ||
	    chown(dir, t->dir_uid, 0) < 0 || chmod(dir, t->dir_mode) < 0)
		abort();
	why.msg[0] = '\0';
	ret = trust_check(file, &why);
	if (!t->want) {
		CHECK_INT(ret, 0, "trusted: %s", t->what);
	} else {
		snprintf(want, sizeof(want), t->want, t->on_dir ? dir : file);
		CHECK_INT(ret, -1, "refused: %s", t->what);
		CHECK_STR(why.msg, want, "refused: %s: message", t->what);
	}
	if (unlink(file) < 0 || rmdir(dir) < 0)
		abort();
}

/* A link is followed, and the directory holding it must be safe too. */
static void test_links(const char *top)
{
	char good[256], bad[256], target[PATH_MAX], link[PATH_MAX];
	char want[PATH_MAX + 64];
	struct why why;
	int fd;

	snprintf(good, sizeof(good), "%s/good", top);
	snprintf(bad, sizeof(bad), "%s/bad", top);
	snprintf(target, sizeof(target), "%s/p.so", good);
	snprintf(link, sizeof(link), "%s/p.so", bad);
	if (mkdir(good, 0755) < 0 || mkdir(bad, 0755) < 0 ||
	    (fd = open(target, O_CREAT | O_WRONLY | O_CLOEXEC, 0644)) < 0)
		abort();
	close(fd);
	if (symlink(target, link) < 0)
		abort();
	CHECK_INT(trust_check(link, &why), 0,
		  "trusted: a link in a safe directory to a safe file");
	chmod(bad, 0777);
	snprintf(want, sizeof(want), "'%s' is writable by group or others", bad);
	CHECK_INT(trust_check(link, &why), -1,
		  "refused: a link in a world-writable directory");
	CHECK_STR(why.msg, want, "refused: a link in a world-writable directory: message");
	chmod(bad, 0755);
	chmod(target, 0666);
	snprintf(want, sizeof(want), "'%s' is writable by group or others", link);
	CHECK_INT(trust_check(link, &why), -1,
		  "refused: a link to a world-writable file");
	CHECK_STR(why.msg, want, "refused: a link to a world-writable file: message");
	unlink(link);
	unlink(target);
	rmdir(good);
	rmdir(bad);
}

int main(void)
{
	char top[] = "/tmp/igor-trust.XXXXXX";
	struct why why;
	size_t i;

	CHECK_INT(trust_check("/nonexistent/p.so", &why), 0,
		  "a missing file is left for dlopen to report");
	CHECK(trust_is_required(0) == (geteuid() == 0),
	      "the check is wanted exactly when running as root");
	if (geteuid() != 0) {
		printf("ok %d # skip file ownership rows (not root)\n", ++check_n);
		return check_done();
	}
	if (!mkdtemp(top) || chmod(top, 0755) < 0)
		abort();
	for (i = 0; i < NELEM(rows); i++)
		run_row(top, &rows[i]);
	test_links(top);
	rmdir(top);
	return check_done();
}
