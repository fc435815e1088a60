/*
 * ctr.h: containers.so's state and its modules.
 *
 * containers.so converges as kubelet does with static pods: the links in
 * the enabled directory are the desired state, what runs is the actual
 * one, and each link is brought from one to the other by ctr_converge,
 * which acts on the difference only (ctr_decide).  What runs is a set of
 * {name}s: what the last `running` listed, plus what was started
 * successfully since, less what was stopped since (without `running`:
 * what igor started).  Events, the settle and retry timers, the end of a
 * command and the resync all end in ctr_converge.
 *
 * A plugin runs alone in its worker, so its state is one process-wide
 * struct, shared by the modules below (one file each):
 *
 *   ctr_link.c      the table of links and the set of what runs;
 *                   status lines
 *   ctr_run.c       one command: its log lines, its output's tail
 *   ctr_converge.c  looking at a link, acting on it, retrying
 *   ctr_resync.c    `running` and the periodic re-list
 *   ctr_decide.c    the decision itself, pure
 */
#ifndef IGOR_CTR_H
#define IGOR_CTR_H

#include <stdbool.h>
#include <time.h>

#include "ctr_decide.h"
#include "igor/plugin.h"

enum {
	CTR_SETTLE_MS = 200,
	CTR_RESYNC_MS = 30000,
	CTR_RETRY_MS = 1000,
	CTR_RETRY_MAX_MS = 300000,
	CTR_TAIL_LINES = 20,     /* output lines logged when a command fails */
	CTR_TAIL_LINE_MAX = 1024, /* bytes kept of each */
	CTR_LIST_MAX = 10000,    /* names taken from one `running` */
};

enum ctr_op { CTR_OP_START, CTR_OP_STOP, CTR_OP_LIST };

struct ctr_cmd;

/* One name in the enabled directory, or a stray (runs, with no link).
 * Its strings and its timer are owned; ctr_link_forget frees them. */
struct ctr_link {
	char *name;       /* the link's whole name; a stray's bare name */
	char *cname;      /* {name}: name without its last extension */
	bool stray;
	char *want;       /* absolute target at the last look; NULL: none */
	char *target;     /* target of what igor started (or adopted) for it */
	char problem[96]; /* why the last look found no target; "" if none */
	bool gone;        /* the last look found no entry at all */
	igor_timer *timer;      /* the settle, or else the retry; NULL when
				   neither is armed */
	bool settling, backoff; /* which of the two is armed */
	int failures;           /* in a row, for the backoff */
	time_t retry_at;
	char failure[96];       /* "start failed (exit 125)" */
	char status[160];       /* the status line published; "" if none */
	struct ctr_cmd *cur;    /* the command in flight, or NULL */
	enum ctr_op cur_op;
	char *cur_target;       /* {target} of cur */
	unsigned long long done_seq; /* ctr.seq when its last command ended */
	struct ctr_link *next;
};

/* A {name} igor knows of: whether it runs, and who said so last. */
struct ctr_name {
	char *name;              /* owned */
	bool runs;
	bool ran;                /* runs, before the list being applied */
	unsigned long long seq;  /* ctr.seq of the command that set runs;
				    0: a list */
	struct ctr_name *next;
};

struct ctr {
	igor_logger *log;
	igor_inotify_factory *f;
	const igor_config *start, *stop, *running; /* argv lists */
	const char *enabled;
	long long settle_ms, timeout_ms, resync_ms, retry_ms, retry_max_ms;
	struct ctr_link *links;
	struct ctr_name *runs;   /* what runs (and what stopped lately) */
	unsigned long long seq;  /* counts the commands that ended */
	bool have_list;          /* with `running`: a first list came */
	bool status_full;        /* the status lines' bound was said */
};

extern struct ctr ctr;

/* ---- ctr_link.c ---------------------------------------------------------- */

struct ctr_link *ctr_link_find(const char *name, bool stray);

/* A new entry (with its timer), at the head of ctr.links; NULL (logged)
 * when out of memory. */
struct ctr_link *ctr_link_add(const char *name, bool stray);

/* Drops l (its timer, its status line); l must be idle. */
void ctr_link_forget(struct ctr_link *l);

/* Arms l's one timer (made on demand, freed when it fires) for ms: the
 * settle or the retry, as l->settling says.  0, or -1 with errno. */
int ctr_link_arm(struct ctr_link *l, long long ms);

/* Whether a command of another entry with l's {name} is in flight. */
bool ctr_link_name_busy(const struct ctr_link *l);

/* Publishes l's status line from its state. */
void ctr_link_publish(struct ctr_link *l);

/* Whether cname runs; what ran before the list being applied. */
bool ctr_runs(const char *cname);
bool ctr_ran(const char *cname);

/* A command's result: cname runs, or not, as of ctr.seq. */
void ctr_runs_set(const char *cname, bool on);

/* ctr.seq when a command last said whether cname runs; 0 if none did. */
unsigned long long ctr_runs_seq(const char *cname);

/* The list says cname runs (a command's newer result is the caller's to
 * keep): the entry, or NULL when out of memory. */
struct ctr_name *ctr_runs_get(const char *cname);

/* Remembers what runs now as what ran (ctr_ran), before a list. */
void ctr_runs_mark(void);

/* Forgets what does not run and no command said after seq. */
void ctr_runs_gc(unsigned long long seq);

/* ---- ctr_run.c ----------------------------------------------------------- */

/* Called once, from the loop, when the command ended; status as
 * waitpid's. */
typedef void ctr_done_fn(struct ctr_cmd *cmd, int status, void *arg);
typedef void ctr_out_fn(const char *line, void *arg);

/*
 * Runs argv (taken: freed here, whatever happens) as op for what (a
 * {name}, for the log).  Logs the command at INFO (DEBUG for a list),
 * each output line at DEBUG, and keeps the last CTR_TAIL_LINES of it;
 * stdout lines go to on_stdout instead, when set.  done is called from
 * the loop, never from in here.  Returns the command, or NULL with errno
 * when it could not start (ENOENT, ESHUTDOWN...: the caller says so).
 */
struct ctr_cmd *ctr_run(enum ctr_op op, const char *what, char **argv,
			ctr_out_fn *on_stdout, ctr_done_fn *done, void *arg);

/* Milliseconds since cmd started. */
long long ctr_run_elapsed_ms(const struct ctr_cmd *cmd);

/* argv[0] of cmd; borrowed until ctr_run_free. */
const char *ctr_run_prog(const struct ctr_cmd *cmd);

/* Logs the kept output lines at level, each prefixed as at DEBUG. */
void ctr_run_log_tail(const struct ctr_cmd *cmd, int level);

/* Frees cmd once it has ended; NULL is ignored. */
void ctr_run_free(struct ctr_cmd *cmd);

/* ---- ctr_converge.c ------------------------------------------------------ */

/* What resync saw before it updated what runs: the reason of a repair. */
struct ctr_before {
	bool runs;  /* {name} ran before this list */
	bool want;  /* the link resolved to a target before this look */
};

/*
 * Brings l in line: looks at its link, decides, acts (starts, stops,
 * forgets).  Does nothing while l settles, waits for a retry, has a
 * command in flight or waits for the first list.  With before (a resync),
 * a start or stop is said at INFO with what was found.  l may be freed.
 */
void ctr_converge(struct ctr_link *l, const struct ctr_before *before);

/* The delay before retry number failures (from 1): retry_ms doubling
 * up to retry_max_ms. */
long long ctr_retry_delay_ms(int failures);

/* An event touched name: (re)arms its settle; a changed link starts its
 * retries over. */
void ctr_touch(const char *name);

/* Every name in the enabled directory gets an entry; with settle, each is
 * touched, else each is only created.  Returns 0, or -1 (logged). */
int ctr_scan(bool settle);

/* ---- ctr_resync.c -------------------------------------------------------- */

/* The first look at setup, then every resync_ms (0: never): the
 * directory and `running`, then every link converges against them.
 * Returns 0, or -1 (logged). */
int ctr_resync_init(void);

#endif /* IGOR_CTR_H */
