/*
 * wk: one worker and its state machine.
 *
 * A worker is in one state; what an event does in a state is one cell of
 * the table wk_actions[state][event] (wk.c), a small function, as in
 * s6-supervise.  Every start and every stop goes through the table, and
 * every change of state is one DEBUG line ("plugin 'x': running ->
 * backoff on exit").  The table does nothing itself to the outside
 * world: it starts, signals and questions a worker through struct
 * wk_ops, which the daemon fills with the real thing (wkproc.c, wkio.c)
 * and the unit test with fakes.
 *
 * One thing a worker carries besides its state is the verdict its process
 * sent about itself (fail_kind: a FAIL record saying the plugin cannot
 * load, or its config is bad); it is read when that process exits, to
 * choose failed over backoff.  It belongs to the process, not to the
 * worker, which is why it is not a state.
 */
#ifndef IGOR_SUP_WK_H
#define IGOR_SUP_WK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "conf.h"
#include "counters.h"
#include "ev.h"
#include "linebuf.h"
#include "plugname.h"
#include "rec.h"
#include "wkstatus.h"

enum wk_state {
	WK_QUEUED,     /* to start, waiting for its turn: shown as starting,
			  with no process yet (starts are paced) */
	WK_STARTING,   /* started, setup not yet returned */
	WK_RUNNING,
	WK_BACKOFF,    /* waiting to start again */
	WK_STOPPING,   /* asked to stop; gone once it has */
	WK_RESTARTING, /* asked to stop; started again once it has */
	WK_FAILED,     /* will not start until restart or reload */
	WK_GONE,       /* no process, none wanted: freed at the next sweep
			  unless started again */
	WK_NSTATES
};

enum wk_event {
	WK_EV_READY,   /* READY record: setup returned 0 */
	WK_EV_EXIT,    /* the process ended and its output is drained */
	WK_EV_TIMER,   /* the worker's deadline passed */
	WK_EV_STOP,    /* stop it for good (shutdown, removal) */
	WK_EV_RESTART, /* start it (again): new, igorctl restart, a changed
			  or restored config, reload of a failed one */
	WK_EV_KILL,    /* protocol error: SIGKILL now */
	WK_EV_TURN,    /* a queued worker's turn to start has come */
	WK_NEVENTS
};

struct wk;

/* One of a worker's three fds: records, stdout, stderr (wkio.c). */
struct wk_io {
	struct ev_src src; /* first: the loop hands it back */
	struct wk *wk;
	int fd;            /* -1 when closed */
	int level;         /* stdout INFO, stderr WARNING */
	uint32_t events;   /* what epoll watches now */
	struct linebuf lines;
};

struct wk {
	char *name;
	char source[PLUGNAME_MAX + 8];  /* "plugin NAME" */
	struct plugin_conf *conf;       /* owned */
	struct plugin_conf *next_conf;  /* owned: replaces conf at next start */
	enum wk_state state;
	pid_t pid;                      /* 0 when none */
	uint64_t cgroup;                /* N of the process's own cgroup
					   NAME.N (cgroup.h); 0: none */
	int64_t started_ms, ready_ms;
	int64_t deadline_ms;            /* 0: no deadline */
	unsigned failures;              /* consecutive, for the backoff */
	uint64_t starts;
	int fail_kind;                  /* REC_FAIL_* of this process, or 0 */
	bool killed_by_watchdog;        /* for last_exit's " (watchdog)" */
	int64_t ping_seq, pong_seq;
	char error[1024];               /* why it is in backoff or failed */
	char last_exit[64];             /* "exit 3", "signal SEGV", "" */
	/* the process's exec report (wkproc.c), bytes (wkio.c) and
	 * counters (counters.h) */
	struct ev_src exec_src;
	int exec_fd;                    /* -1 once the exec is known */
	struct wk_io rec, out, err;
	struct rec_reader rd;
	struct rec_buf tx;              /* records queued for the worker */
	bool hello;                     /* HELLO seen from this process */
	bool paused;                    /* not read: igor's log is congested */
	int64_t paused_since;
	struct counters counts;
	struct wkstatus said;           /* its status lines and watch problem */
};

/* What the table does to the outside world; see above. */
struct wk_ops {
	/* Starts w's process: 0 with w->pid set, or -1 with w->error set. */
	int (*spawn)(struct wk *w);
	/* Sends sig to w's process and what it started. */
	void (*signal)(struct wk *w, int sig);
	/* Sends the watchdog question seq to w. */
	void (*ask)(struct wk *w, int64_t seq);
	/* Milliseconds on a monotonic clock. */
	int64_t (*now)(void);
};

/* What the state machine needs to know; copied by wk_configure. */
struct wk_settings {
	struct restart_policy restart;
	int64_t stop_timeout_ms;
	unsigned max_starting; /* workers starting at once; 0: WK_MAX_STARTING */
};

/* How many workers may be starting (spawned, setup not yet returned) at
 * once: the rest wait in WK_QUEUED, so that thousands of plugins start
 * without igor's loop stalling or all of their costs landing at once. */
enum { WK_MAX_STARTING = 32 };

void wk_configure(const struct wk_settings *s, const struct wk_ops *ops);

/* A new worker for pc (taken, also on failure), in state WK_GONE: hand
 * it WK_EV_RESTART to start it.  NULL when out of memory. */
struct wk *wk_new(struct plugin_conf *pc);
void wk_free(struct wk *w);

/* Drives the state machine. */
void wk_handle(struct wk *w, enum wk_event ev);

/* The state as igorctl shows it: SPEC.md's names only (starting,
 * running, backoff, stopping, failed). */
const char *wk_state_shown(enum wk_state s);

/* The state's own name, for DEBUG lines. */
const char *wk_state_name(enum wk_state s);

/* Logs a line of igor's about w, which the journal files under the
 * plugin's name (log.h, struct log_about). */
void wk_log(const struct wk *w, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Does w still hold or want a process (not stopping for good, not gone)? */
bool wk_is_wanted(const struct wk *w);

/* How many times a worker changed state so far: who reports states
 * (announce.c) looks again only when this moved. */
unsigned long wk_changes(void);

/* Is a worker waiting for its turn, and is there room for one to start? */
bool wk_has_queued(void);
bool wk_has_room_to_start(void);

#endif /* IGOR_SUP_WK_H */
