/*
 * wkproc_test: a worker's start when the loop refuses the worker's
 * fds.  The event loop is never initialised here, so ev_add fails (EBADF)
 * as it would on an exhausted epoll watch limit: the process just forked
 * must not run on unheard, and none of its fds may stay open.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "util.h"
#include "wkio.h"
#include "wkproc.h"
#include "wktab.h"

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n - 1; /* the directory's own fd */
}

static struct plugin_conf *make_conf(void)
{
	struct plugin_conf *pc = calloc(1, sizeof(*pc));

	pc->file = strdup("/nonexistent/t.conf");
	pc->name = strdup("t");
	pc->plugin = strdup("/nonexistent/t.so");
	pc->symbol = strdup("setup");
	pc->bytes = strdup("name: t\n");
	pc->len = strlen(pc->bytes);
	return pc;
}

int main(void)
{
	char dir[] = "/tmp/wk_test.XXXXXX", exe[64];
	struct wk_settings s = {
		.restart = { 100000, 100000, 60000 },
		.stop_timeout_ms = 1000,
	};
	struct wkproc_settings ps = { .worker_exe = exe, .log_level = 50 };
	struct wk_ops ops = {
		.spawn = wkproc_spawn, .signal = wkproc_signal,
		.ask = wkio_ask, .now = now_ms,
	};
	struct wk *w;
	FILE *f;
	int before, after;

	if (!mkdtemp(dir))
		return 1;
	snprintf(exe, sizeof(exe), "%s/worker", dir);
	f = fopen(exe, "w");
	if (!f)
		return 1;
	fputs("#!/bin/sh\nexec sleep 30\n", f);
	fclose(f);
	chmod(exe, 0755);

	wk_configure(&s, &ops);
	CHECK_INT(wkproc_configure(&ps), 0, "wkproc_configure");
	before = count_fds();
	CHECK_INT(wktab_add(make_conf()), 0, "wktab_add takes the config");
	after = count_fds();
	w = wktab_find("t");
	CHECK(w != NULL, "the worker is in the table");
	if (w) {
		CHECK_INT(w->state, WK_BACKOFF,
			  "a worker whose fds the loop refused backs off");
		CHECK_INT(w->pid, 0, "and has no process");
		CHECK(strstr(w->error, "cannot start") != NULL,
		      "and says why: '%s'", w->error);
	}
	CHECK_INT(after, before, "no fd of the failed start stays open");
	errno = 0;
	CHECK_INT(waitpid(-1, NULL, WNOHANG), -1,
		  "no process of the failed start is left, running or unreaped");
	CHECK_INT(errno, ECHILD, "waitpid says there is no child");

	wktab_release_all();
	wkproc_release();
	unlink(exe);
	rmdir(dir);
	return check_done();
}
