/*
 * wk: the worker table and each worker's state machine.
 *
 * Every worker is in one state; every change goes through one table,
 * wk_actions[state][event] (wk.c), of small functions, as s6-supervise
 * does.  wk.c is the supervisor's single state machine, so the table of
 * workers is file-static there.  wkio.c moves the bytes: records, output
 * lines and the exit of the process.
 */
#ifndef IGOR_SUP_WK_H
#define IGOR_SUP_WK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "conf.h"
#include "ev.h"
#include "rec.h"

enum wk_state {
	WK_STARTING, /* started, setup not yet returned */
	WK_RUNNING,
	WK_BACKOFF,  /* waiting to start again */
	WK_STOPPING,
	WK_FAILED,   /* will not start until restart or reload */
	WK_DOWN,     /* stopped on purpose: shutting down or removed */
	WK_NSTATES
};

enum wk_event {
	WK_EV_READY,   /* READY record */
	WK_EV_EXIT,    /* the process ended and its output is drained */
	WK_EV_TIMER,   /* the worker's deadline passed */
	WK_EV_STOP,    /* stop it (shutdown, removal) */
	WK_EV_RESTART, /* igorctl restart, changed config, reload of failed */
	WK_EV_KILL,    /* protocol error or watchdog: SIGKILL now */
	WK_NEVENTS
};

struct wk;

/* One of the worker's three fds: records, stdout, stderr. */
struct wk_io {
	struct ev_src src; /* first: the loop hands it back */
	struct wk *wk;
	int fd;            /* -1 when closed */
	int level;         /* stdout INFO, stderr WARNING */
	char line[4096];   /* a partial output line */
	size_t len;
};

struct wk {
	char *name;
	char source[CONF_NAME_MAX + 8]; /* "plugin NAME" */
	struct plugin_conf *conf;       /* owned */
	struct plugin_conf *next_conf;  /* owned: replaces conf at next start */
	enum wk_state state;
	pid_t pid;                      /* 0 when none */
	struct wk_io rec, out, err;
	struct rec_reader rd;
	bool hello;                     /* HELLO seen from this process */
	int64_t started_ms, ready_ms;
	int64_t deadline_ms;            /* 0: no deadline */
	unsigned failures;              /* consecutive, for the backoff */
	uint64_t starts, events, overflows;
	int fail_kind;                  /* REC_FAIL_* of this process, or 0 */
	char error[1024];               /* why it is in backoff or failed */
	char last_exit[64];             /* "exit 3", "signal SEGV", "" */
	bool want_restart, want_remove, killed_by_watchdog;
	int64_t ping_seq, pong_seq;
};

/* What the state machine needs from the settings; copied. */
struct wk_settings {
	const char *worker_exe;
	struct restart_policy restart;
	int64_t stop_timeout_ms;
	int log_level;
};

int wk_configure(const struct wk_settings *s);
void wk_release_all(void);

/* Adds a worker for pc (taken) and starts it. */
int wk_add(struct plugin_conf *pc);

/* What a reload did, as lines for igorctl reload's reply ("started web",
 * "stopped old", "restarted changed", "kept x: 'x.conf' is broken",
 * "refused FILE:LINE: message").  Zero-initialise; release when done. */
struct wk_report {
	char **lines;
	size_t n;
};

void wk_report_add(struct wk_report *rep, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void wk_report_release(struct wk_report *rep);

/* Reload: starts the new, stops the removed, restarts the changed, keeps
 * the unchanged; a broken file keeps its old plugin.  Takes set's confs.
 * rep (may be NULL) receives one line per change. */
void wk_apply(struct plugin_set *set, struct wk_report *rep);

/* igorctl restart: restarts now, clearing the backoff.  -1: no such name. */
int wk_restart(const char *name);

/* Tells every worker the supervisor's new log threshold. */
void wk_broadcast_level(int level);

/* Shutdown: stops every worker; wk_all_down says when it is done. */
void wk_stop_all(void);
bool wk_all_down(void);

/* SIGCHLD: reaps every child that ended. */
void wk_reap(void);

/* Milliseconds until the earliest deadline, or -1 when none. */
int wk_next_timeout(int64_t now);
void wk_run_timers(int64_t now);

/* Frees removed workers; called between loop rounds. */
void wk_sweep(void);

size_t wk_count(void);
struct wk *wk_at(size_t i);
struct wk *wk_find(const char *name);
const char *wk_state_name(enum wk_state s);

/* Drives the state machine (wk.c). */
void wk_handle(struct wk *w, enum wk_event ev);

/* wkio.c: the bytes. */
int wk_io_open(struct wk *w, int rec_fd, int out_fd, int err_fd);
void wk_io_drain_and_close(struct wk *w);
int wk_send(struct wk *w, const struct rec *r);
void wk_kill_group(struct wk *w, int sig);
void wk_describe_status(int status, char *buf, size_t len);

#endif /* IGOR_SUP_WK_H */
