/*
 * wkproc: a worker's process: starting igor-worker with its fds
 * (wkargs.h), signalling it and what it started, and reaping it.
 */
#ifndef IGOR_SUP_WKPROC_H
#define IGOR_SUP_WKPROC_H

#include <stddef.h>

#include "wk.h"

/* What starting a worker needs; copied by wkproc_configure. */
struct wkproc_settings {
	const char *worker_exe; /* igor-worker */
	int log_level;          /* igor's threshold, handed to the worker */
};

int wkproc_configure(const struct wkproc_settings *s);

/* Chooses how what a worker leaves behind is ended: a cgroup per worker
 * where igor can make one, else child subreapers (wkproc.c); logged. */
void wkproc_init_descendants(void);

/* Also ends and removes the workers' cgroups that are left. */
void wkproc_release(void);

/* wk_ops.spawn: forks and execs igor-worker for w; 0, or -1 with
 * w->error set. */
int wkproc_spawn(struct wk *w);

/* wk_ops.signal: sig to w's process group. */
void wkproc_signal(struct wk *w, int sig);

/* SIGCHLD: reaps every child that ended; a worker's end is its EXIT
 * event, after what it wrote has been logged. */
void wkproc_reap(void);

/* "exit 3", "signal SEGV" from a wait status. */
void wkproc_describe_status(int status, char *buf, size_t len);

#endif /* IGOR_SUP_WKPROC_H */
