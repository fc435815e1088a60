/*
 * <igor/plugin.h>: the whole ABI between igor-worker and a plugin.
 *
 * A plugin is a shared object built with
 *     cc -shared -fPIC $(pkg-config --cflags igor) -o p.so p.c
 * that links against nothing: igor-worker provides every function declared
 * here, and nothing else is visible to the plugin.
 *
 * Rules of this header: it declares opaque handles only; declarations are
 * added, never changed; IGOR_PLUGIN_ABI moves only for an incompatible
 * change.  Every pointer crossing the boundary says who owns it.
 * igor-plugin(3) documents the same functions with the same sentences.
 */
#ifndef IGOR_PLUGIN_H
#define IGOR_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A plugin may export
 *     const int igor_plugin_abi = IGOR_PLUGIN_ABI;
 * igor refuses to load a plugin whose igor_plugin_abi differs from its own.
 */
#define IGOR_PLUGIN_ABI 1

/* Opaque handles; the worker owns all of them. */
typedef struct igor_config igor_config;
typedef struct igor_logger igor_logger;
typedef struct igor_inotify_factory igor_inotify_factory;
typedef struct igor_inotify igor_inotify;

/*
 * One inotify event as the callback sees it.  name and path are borrowed:
 * valid until the callback returns; copy them to keep them.
 */
struct igor_event {
	int wd;           /* -1 for IN_Q_OVERFLOW */
	uint32_t mask;    /* IN_* bits of <sys/inotify.h> */
	uint32_t cookie;  /* pairs IN_MOVED_FROM with IN_MOVED_TO */
	const char *name; /* entry name, "" when none */
	const char *path; /* watched path joined with name; NULL on overflow */
};

/* arg is the pointer given to igor_inotify_new, passed back unchanged. */
typedef void igor_event_fn(const struct igor_event *ev, void *arg);

/*
 * The plugin's entry point, "setup" unless the config names another symbol
 * (plugin: p.so:symbol).  config, logger and inotify are borrowed for the
 * life of the worker.  Returns 0 on success; non-zero fails the start,
 * which igor logs and retries with backoff.
 */
typedef int igor_setup_fn(const igor_config *config, igor_logger *logger,
			  igor_inotify_factory *inotify);

/* ---- inotify ---------------------------------------------------------- */

/*
 * Makes an inotify instance whose events go to cb(ev, arg), called from the
 * worker's event loop.  The instance is owned by the worker and lives as
 * long as the worker; there is no free.  Returns NULL with errno set
 * (EMFILE: fs.inotify.max_user_instances reached).
 */
igor_inotify *igor_inotify_new(igor_inotify_factory *f, igor_event_fn *cb,
			       void *arg);

/*
 * Adds or changes a watch, as inotify_add_watch(2).  path is copied.
 * Returns the watch descriptor, or -1 with errno set (ENOSPC:
 * fs.inotify.max_user_watches reached).
 */
int igor_inotify_add_watch(igor_inotify *in, const char *path, uint32_t mask);

/*
 * Removes a watch, as inotify_rm_watch(2); the IN_IGNORED event that
 * follows still reaches the callback.  Returns 0, or -1 with errno set.
 */
int igor_inotify_rm_watch(igor_inotify *in, int wd);

/* ---- trees, and pausing an instance ------------------------------------ */

/*
 * Bits of igor's own, outside the kernel's IN_* bits.  IGOR_SYNTHETIC is
 * set in the mask of an event the worker made itself: an IN_CREATE (with
 * IN_ISDIR for a directory) for an entry found in a directory that
 * appeared in a tree, or found again after an overflow.  IGOR_RECRAWL, in
 * the mask given to igor_inotify_add_tree or igor_inotify_add_watch, asks
 * that after an IN_Q_OVERFLOW every entry under that watch be delivered as
 * such a synthetic event before the overflow itself.
 */
#define IGOR_SYNTHETIC 0x00400000u
#define IGOR_RECRAWL 0x00200000u

/*
 * Watches root and every directory below it, and returns after the whole
 * walk (the worker keeps answering the watchdog meanwhile), so what is
 * created after it returns is seen.  root is copied.  Events whose bits
 * are outside mask are not delivered, except synthetic creates, the
 * root's IN_IGNORED and overflows; each carries the wd of the directory
 * it happened in and its full path.  A directory that appears in the tree
 * is watched first, then scanned, and each entry found there is delivered
 * as IN_CREATE | IGOR_SYNTHETIC (with IN_ISDIR for a directory), parents
 * before children, so every entry gets one IN_CREATE, real or synthetic.
 * igor_inotify_rm_watch of the returned wd removes the whole tree.
 * Returns the root's watch descriptor, or -1 with errno set (ENOSPC:
 * the watch limit; EEXIST: root is already watched otherwise by this
 * instance).
 */
int igor_inotify_add_tree(igor_inotify *in, const char *root, uint32_t mask);

/*
 * Stops reading in: its events wait in the kernel's queue (up to
 * fs.inotify.max_queued_events, then IN_Q_OVERFLOW) until
 * igor_inotify_resume.  Events already read wait too, so no callback of in
 * follows the one that paused it.  Returns 0, or -1 with errno set.
 */
int igor_inotify_pause(igor_inotify *in);

/* Reads in again, from where it stopped.  Returns 0, or -1 with errno
 * set. */
int igor_inotify_resume(igor_inotify *in);

/* ---- config ----------------------------------------------------------- */

/*
 * The plugin's whole config file as a tree.  Every node and string
 * returned is borrowed for the life of the worker; never free one.
 */

/* The value of key in a mapping; NULL if absent or map is not a mapping. */
const igor_config *igor_config_get(const igor_config *map, const char *key);

/* The scalar text of key; fallback if absent or not a scalar. */
const char *igor_config_str(const igor_config *map, const char *key,
			    const char *fallback);

/* The integer value of key (decimal, 0x hex, 0o octal); fallback if absent
 * or not an integer. */
long long igor_config_int(const igor_config *map, const char *key,
			  long long fallback);

/* The YAML 1.1 boolean value of key (true/false, yes/no, on/off, any
 * case); fallback if absent or not a boolean. */
bool igor_config_bool(const igor_config *map, const char *key, bool fallback);

/* The number of items of a sequence; 0 if seq is not a sequence. */
size_t igor_config_len(const igor_config *seq);

/* Item i of a sequence; NULL if out of range or not a sequence. */
const igor_config *igor_config_at(const igor_config *seq, size_t i);

/* The text of a scalar; NULL if not a scalar. */
const char *igor_config_value(const igor_config *scalar);

/* ---- logging ---------------------------------------------------------- */

enum {
	IGOR_DEBUG = 10,
	IGOR_INFO = 20,
	IGOR_WARNING = 30,
	IGOR_ERROR = 40,
	IGOR_CRITICAL = 50
};

/*
 * Logs one line as "plugin NAME" at level.  fmt is printf's.  The line has
 * left the worker when igor_log returns, so it is kept even if the plugin
 * crashes next; when the supervisor is slow, igor_log waits rather than
 * drop the line.  A level above IGOR_CRITICAL is logged as CRITICAL, one
 * below IGOR_DEBUG as DEBUG.  May be called from any thread.
 */
void igor_log(igor_logger *l, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define igor_debug(l, ...) igor_log((l), IGOR_DEBUG, __VA_ARGS__)
#define igor_info(l, ...) igor_log((l), IGOR_INFO, __VA_ARGS__)
#define igor_warning(l, ...) igor_log((l), IGOR_WARNING, __VA_ARGS__)
#define igor_error(l, ...) igor_log((l), IGOR_ERROR, __VA_ARGS__)
#define igor_critical(l, ...) igor_log((l), IGOR_CRITICAL, __VA_ARGS__)

/* ---- timers ----------------------------------------------------------- */

/* Opaque; owned by the plugin from igor_timer_new to igor_timer_free. */
typedef struct igor_timer igor_timer;

/* t and arg as given to igor_timer_new; called from the worker's loop. */
typedef void igor_timer_fn(igor_timer *t, void *arg);

/*
 * Makes a one-shot timer, disarmed, that calls cb(t, arg) from the
 * worker's event loop when it expires.  The timer is owned by the plugin
 * until igor_timer_free; arg is the plugin's, never touched by the worker.
 * Call it and the other igor_timer_* functions from the loop's thread
 * (setup or a callback).  Returns NULL with errno set.
 */
igor_timer *igor_timer_new(igor_inotify_factory *f, igor_timer_fn *cb,
			   void *arg);

/*
 * Arms t to fire once, ms milliseconds from now (0 or less: at the next
 * turn of the loop), replacing any earlier arming; t may be re-armed from
 * its own callback.  Returns 0, or -1 with errno set.
 */
int igor_timer_arm(igor_timer *t, long long ms);

/* Disarms t: no callback follows, not even for an expiry already due.
 * Returns 0, or -1 with errno set. */
int igor_timer_disarm(igor_timer *t);

/*
 * Disarms and frees t, which is invalid afterwards; safe from any
 * callback, t's own included.  NULL is ignored.
 */
void igor_timer_free(igor_timer *t);

/* ---- child processes -------------------------------------------------- */

/*
 * Opaque; owned by the worker.  Borrowed by the plugin from igor_spawn
 * until its exit callback returns; invalid afterwards.
 */
typedef struct igor_child igor_child;

/*
 * Called once, from the worker's loop, when the child has exited and has
 * been reaped; status is waitpid(2)'s (WIFEXITED, WEXITSTATUS, ...).  The
 * child's output written before it exited has been delivered by then.
 */
typedef void igor_exit_fn(igor_child *child, int status, void *arg);

/* One line of the child's stdout (or stderr, for on_stderr), without its
 * newline; line is borrowed until the callback returns. */
typedef void igor_line_fn(igor_child *child, const char *line, void *arg);

/*
 * What to run.  The struct may grow: set size to sizeof(struct
 * igor_spawn_args) as your header has it; fields past size count as zero.
 * Every pointer is borrowed for the call only: igor_spawn copies what
 * it keeps.
 */
struct igor_spawn_args {
	size_t size;             /* sizeof(struct igor_spawn_args) */
	const char *const *argv; /* NULL-terminated; argv[0] found via PATH */
	const char *const *env;  /* NULL-terminated "NAME=VALUE" set on top
				    of the worker's environment ("NAME"
				    alone removes it), or NULL */
	long long timeout_ms;    /* > 0: SIGTERM to the child's process
				    group after this, SIGKILL 5 s later */
	igor_exit_fn *on_exit;   /* NULL: nobody is told */
	igor_line_fn *on_stdout; /* NULL: stdout lines go to the log at INFO */
	void *arg;               /* the plugin's, passed back unchanged */
	igor_line_fn *on_stderr; /* NULL: stderr lines go to the log at
				    WARNING */
};

/*
 * Starts argv without a shell and without waiting for it.  The child runs
 * in its own process group, in the worker's directory (the config file's),
 * with stdin from /dev/null, no signal blocked or ignored, and no fd of
 * the worker but 0-2.  Its stdout lines go to on_stdout or to the log at
 * INFO, its stderr lines to on_stderr or to the log at WARNING, both as
 * "plugin NAME".
 * The worker reaps it and calls on_exit.  When the worker is told to
 * stop, it sends SIGTERM to every child's process group and waits for
 * them up to 2 seconds before SIGKILL; a child of a worker that dies gets
 * SIGKILL.  Call it from the loop's thread.  Returns the child, or NULL
 * with errno set (ENOENT: argv[0] not found; EACCES; EINVAL: a bad size
 * or an empty argv; ESHUTDOWN: the worker is stopping); nothing was
 * started then.
 */
igor_child *igor_spawn(igor_inotify_factory *f,
		       const struct igor_spawn_args *args);

/* Sends sig to child's process group, as killpg(2).  Returns 0, or -1 with
 * errno set. */
int igor_child_kill(igor_child *child, int sig);

/* The child's process id, which is also its process group id. */
int igor_child_pid(const igor_child *child);

/* ---- status lines ----------------------------------------------------- */

/*
 * Publishes a short line under key (one per container, say), shown by
 * `igorctl status NAME` and in its JSON with the time the line's text
 * last changed; setting the same text again keeps that time.  key is
 * copied; fmt is printf's, and the line is cut at 200 bytes.  A worker
 * holds at most 256 keys, each of 1 to 200 bytes; its lines go when it
 * exits.  May be called from any thread.  Returns 0, or -1 with errno set
 * (EINVAL: a NULL, empty or longer key, or a NULL fmt; ENOSPC: 256 other
 * keys are held).
 */
int igor_status_set(igor_logger *l, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Removes key and its line; a key not held is no error.  Returns 0, or
 * -1 with errno set (EINVAL: a bad key, as igor_status_set).
 */
int igor_status_clear(igor_logger *l, const char *key);

#ifdef __cplusplus
}
#endif

#endif /* IGOR_PLUGIN_H */
