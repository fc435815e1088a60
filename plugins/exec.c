/*
 * exec.so: runs a command for matching events, as incron does, under
 * igor's supervision.
 *
 *   name: thumbnails
 *   plugin: exec.so
 *   paths: [incoming]
 *   events: [close_write, moved_to]
 *   match: "*.jpg"             # optional shell glob on the entry name
 *   command: [make-thumbnail, "{path}"]
 *   timeout: 60                # seconds; SIGTERM, then SIGKILL 5 s later
 *   max_running: 4             # more wait in a queue of at most 1000
 *   recursive: false           # true: each path as a tree
 *
 * {path}, {name}, {dir} and {event} are replaced inside each argument, and
 * the command sees them as IGOR_PATH, IGOR_NAME, IGOR_DIR and IGOR_EVENT.
 * No shell ever sees them: a name is one argument, whatever it holds.
 * With recursive, {dir} is the configured path the event is below, and
 * {path} the event's full path.
 *
 * While the queue is full the inotify instance is paused: a burst waits
 * in the kernel's queue instead of being dropped here, and it resumes once
 * the queue is half empty.  Only an IN_Q_OVERFLOW loses events.
 * A plugin runs in its own worker, so its state is file-static.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>

#include "cmd.h"
#include "evnames.h"
#include "igor/plugin.h"

const int igor_plugin_abi = IGOR_PLUGIN_ABI;

enum {
	EXEC_TIMEOUT_MS = 60000,
	EXEC_MAX_RUNNING = 4,
	EXEC_QUEUE_MAX = 1000,
	EXEC_RESUME_AT = EXEC_QUEUE_MAX / 2, /* paused until the queue is
						 down to this */
};

/* The event's variables, in this order in vars[] and a job's env. */
enum { VAR_EVENT, VAR_PATH, VAR_NAME, VAR_DIR, EXEC_NENV };

/* One command to run: argv and environment, owned. */
struct job {
	char **argv;
	char **env;
	struct job *next;
};

/* A watched directory as configured: {dir}. */
struct dir {
	int wd;
	const char *path; /* borrowed from the config */
};

static struct {
	igor_logger *log;
	igor_inotify_factory *f;
	igor_inotify *in;
	const igor_config *command;
	const char *match;
	uint32_t events;
	long long timeout_ms, max_running;
	struct dir *dirs;
	size_t ndirs;
	long long running;
	struct job *queue, **queue_tail;
	size_t queued;
	bool recursive, paused;
	unsigned long long dropped, dropped_now;
} ex;

static void job_free(struct job *j)
{
	if (j) {
		cmd_free(j->argv);
		cmd_free(j->env);
		free(j);
	}
}

static void job_start_next(void);

/* The value of one of the job's IGOR_* variables. */
static const char *job_var(const struct job *j, int var)
{
	return strchr(j->env[var], '=') + 1;
}

static void job_exited(igor_child *child, int status, void *arg)
{
	struct job *j = arg;
	char how[64];

	(void)child;
	if (status != 0)
		igor_warning(ex.log, "'%s' for %s on '%s' %s", j->argv[0],
			     job_var(j, VAR_EVENT), job_var(j, VAR_PATH),
			     cmd_status(status, how, sizeof(how)));
	else
		igor_debug(ex.log, "'%s' for %s on '%s' exited 0", j->argv[0],
			   job_var(j, VAR_EVENT), job_var(j, VAR_PATH));
	job_free(j);
	ex.running--;
	job_start_next();
}

/* Starts j now; takes it (freed when it cannot start). */
static void job_start(struct job *j)
{
	struct igor_spawn_args a = { .size = sizeof(a) };

	a.argv = (const char *const *)j->argv;
	a.env = (const char *const *)j->env;
	a.timeout_ms = ex.timeout_ms;
	a.on_exit = job_exited;
	a.arg = j;
	if (igor_spawn(ex.f, &a)) {
		ex.running++;
		return;
	}
	if (errno != ESHUTDOWN) /* else the worker is stopping: quiet */
		igor_error(ex.log, "cannot run '%s' for '%s': %s", j->argv[0],
			   job_var(j, VAR_PATH), strerror(errno));
	job_free(j);
}

static void job_start_next(void)
{
	struct job *j;

	while (ex.running < ex.max_running && (j = ex.queue)) {
		ex.queue = j->next;
		if (!ex.queue)
			ex.queue_tail = &ex.queue;
		ex.queued--;
		job_start(j);
	}
	if (ex.paused && ex.queued <= EXEC_RESUME_AT) {
		if (igor_inotify_resume(ex.in) == 0)
			ex.paused = false;
		igor_info(ex.log, "the queue is down to %zu: reading events again",
			   ex.queued);
	}
	if (ex.dropped_now && ex.queued < EXEC_QUEUE_MAX) {
		igor_warning(ex.log, "the queue has room again; %llu events were dropped while it was full (%llu in all)",
			     ex.dropped_now, ex.dropped);
		ex.dropped_now = 0;
	}
}

/* Stops reading events while the queue is full: they wait in the
 * kernel's queue. */
static void queue_full(void)
{
	if (ex.paused)
		return;
	if (igor_inotify_pause(ex.in) < 0) {
		igor_warning(ex.log, "cannot pause the inotify instance: %s",
			     strerror(errno));
		return;
	}
	ex.paused = true;
	igor_info(ex.log, "queue full (%d waiting, %lld running): events wait in the kernel's queue until it is half empty",
		  EXEC_QUEUE_MAX, ex.running);
}

/* Runs j now, or queues it; drops it only when the queue is full anyway
 * (a pause that failed). */
static void job_submit(struct job *j)
{
	if (ex.running < ex.max_running) {
		job_start(j);
		return;
	}
	if (ex.queued >= EXEC_QUEUE_MAX) {
		if (!ex.dropped_now++)
			igor_warning(ex.log, "queue full (%d waiting, %lld running): dropping events until it has room",
				     EXEC_QUEUE_MAX, ex.running);
		ex.dropped++;
		job_free(j);
		return;
	}
	j->next = NULL;
	*ex.queue_tail = j;
	ex.queue_tail = &j->next;
	if (++ex.queued >= EXEC_QUEUE_MAX)
		queue_full();
}

/* "NAME=value" strings of the event, in a NULL-terminated array. */
static char **job_env(const struct cmd_var *vars)
{
	static const char *const names[EXEC_NENV] = {
		[VAR_EVENT] = "IGOR_EVENT", [VAR_PATH] = "IGOR_PATH",
		[VAR_NAME] = "IGOR_NAME", [VAR_DIR] = "IGOR_DIR",
	};
	char *strs[EXEC_NENV] = { NULL };
	char **env = NULL;
	int i;

	for (i = 0; i < EXEC_NENV; i++)
		if (asprintf(&strs[i], "%s=%s", names[i], vars[i].value) < 0)
			goto out_free;
	env = cmd_strv((const char *const *)strs, EXEC_NENV);
out_free:
	for (i = 0; i < EXEC_NENV; i++)
		if (strs[i])
			free(strs[i]);
	return env;
}

/* The job for ev on the watched directory dir; NULL when out of memory. */
static struct job *job_new(const struct igor_event *ev, const char *dir)
{
	char event[256];
	struct cmd_var vars[EXEC_NENV] = {
		[VAR_EVENT] = { "event",
				evnames_format(ev->mask, event, sizeof(event)) },
		[VAR_PATH] = { "path", ev->path },
		[VAR_NAME] = { "name", ev->name },
		[VAR_DIR] = { "dir", dir },
	};
	struct job *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->argv = cmd_expand(ex.command, vars, EXEC_NENV);
	j->env = job_env(vars);
	if (!j->argv || !j->env) {
		job_free(j);
		return NULL;
	}
	return j;
}

/* The configured directory of ev: its watch's, or with recursive the
 * longest configured path its path is below. */
static const char *dir_of(const struct igor_event *ev)
{
	const char *best = NULL;
	size_t i, len, best_len = 0;

	for (i = 0; i < ex.ndirs; i++)
		if (ex.dirs[i].wd == ev->wd)
			return ex.dirs[i].path;
	for (i = 0; ex.recursive && ev->path && i < ex.ndirs; i++) {
		len = strlen(ex.dirs[i].path);
		if (len > best_len && strncmp(ev->path, ex.dirs[i].path, len) == 0 &&
		    (ev->path[len] == '/' || ex.dirs[i].path[len - 1] == '/')) {
			best = ex.dirs[i].path;
			best_len = len;
		}
	}
	return best;
}

/* Logs an overflow with what the instance watches. */
static void log_overflow(void)
{
	char paths[1024];
	size_t i, n = 0;

	paths[0] = '\0';
	for (i = 0; i < ex.ndirs && n < sizeof(paths); i++)
		n += (size_t)snprintf(paths + n, sizeof(paths) - n, "%s'%s'",
				      i ? ", " : "", ex.dirs[i].path);
	igor_warning(ex.log, "events were lost (the kernel's inotify queue overflowed): their commands did not run; watched: %s",
		     paths);
}

static void on_event(const struct igor_event *ev, void *arg)
{
	const char *dir = dir_of(ev);
	struct job *j;

	(void)arg;
	if (ev->mask & IN_Q_OVERFLOW) {
		log_overflow();
		return;
	}
	if (!(ev->mask & ex.events) || !dir || !ev->path)
		return;
	if (ex.match && fnmatch(ex.match, ev->name, FNM_PERIOD) != 0)
		return;
	j = job_new(ev, dir);
	if (!j) {
		igor_error(ex.log, "cannot run a command for '%s': out of memory",
			   ev->path);
		return;
	}
	job_submit(j);
}

/* ---- setup --------------------------------------------------------------- */

static int read_events(const igor_config *conf)
{
	const igor_config *list = igor_config_get(conf, "events");
	size_t i, n = igor_config_len(list);
	const char *name;
	uint32_t bit;

	if (!n) {
		igor_error(ex.log, "'events' must be a list of event names (create, close_write, moved_to, ...)");
		return -1;
	}
	for (i = 0; i < n; i++) {
		name = igor_config_value(igor_config_at(list, i));
		bit = name ? evnames_parse(name) : 0;
		if (!bit) {
			igor_error(ex.log, "unknown event '%s' in 'events'",
				   name ? name : "(not a name)");
			return -1;
		}
		ex.events |= bit;
	}
	return 0;
}

static int read_config(const igor_config *conf)
{
	const igor_config *match = igor_config_get(conf, "match");

	if (read_events(conf) < 0 ||
	    cmd_check_argv(conf, "command", true, ex.log) < 0 ||
	    cmd_seconds(conf, "timeout", EXEC_TIMEOUT_MS, &ex.timeout_ms,
			ex.log) < 0)
		return -1;
	ex.command = igor_config_get(conf, "command");
	ex.match = match ? igor_config_value(match) : NULL;
	if (match && !ex.match) {
		igor_error(ex.log, "'match' must be a shell glob such as '*.txt'");
		return -1;
	}
	ex.recursive = igor_config_bool(conf, "recursive", false);
	ex.max_running = igor_config_int(conf, "max_running", EXEC_MAX_RUNNING);
	if (igor_config_get(conf, "max_running") &&
	    igor_config_int(conf, "max_running", 0) < 1) {
		igor_error(ex.log, "'max_running' must be a whole number from 1 up, not '%s'",
			   igor_config_str(conf, "max_running", "?"));
		return -1;
	}
	return 0;
}

static int watch_paths(const igor_config *paths, uint32_t mask)
{
	size_t i;

	ex.in = igor_inotify_new(ex.f, on_event, NULL);
	if (!ex.in) {
		igor_error(ex.log, "cannot create an inotify instance: %s",
			   strerror(errno));
		return -1;
	}
	for (i = 0; i < ex.ndirs; i++) {
		const char *path = igor_config_value(igor_config_at(paths, i));

		ex.dirs[i].path = path;
		ex.dirs[i].wd = !path ? -1
			: ex.recursive ? igor_inotify_add_tree(ex.in, path, mask)
				       : igor_inotify_add_watch(ex.in, path, mask);
		if (ex.dirs[i].wd < 0) {
			igor_error(ex.log, "cannot watch '%s': %s",
				   path ? path : "(not a path)",
				   path ? strerror(errno) : "not a string");
			return -1;
		}
		igor_info(ex.log, ex.recursive
			  ? "watching '%s' and every directory below it"
			  : "watching '%s'", path);
	}
	return 0;
}

int setup(const igor_config *conf, igor_logger *log, igor_inotify_factory *f)
{
	const igor_config *paths = igor_config_get(conf, "paths");

	ex.log = log;
	ex.f = f;
	ex.queue_tail = &ex.queue;
	ex.ndirs = igor_config_len(paths);
	if (!ex.ndirs) {
		igor_error(log, "'paths' must be a list of directories to watch");
		return 1;
	}
	if (read_config(conf) < 0)
		return 1;
	ex.dirs = calloc(ex.ndirs, sizeof(*ex.dirs));
	if (!ex.dirs) {
		igor_error(log, "cannot watch 'paths': out of memory");
		return 1;
	}
	if (watch_paths(paths, ex.events) < 0)
		return 1;
	return 0;
}
