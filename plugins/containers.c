/*
 * containers.so: a symlink in the enabled directory means "this container
 * runs".  A link that appears starts it, a link that goes stops it, and at
 * setup every link present is started, so a restart of igor or of the host
 * converges on what the directory says.
 *
 *   name: containers
 *   plugin: containers.so
 *   enabled: containers-enabled
 *   start: [podman, kube, play, --replace, "{target}"]
 *   stop: [podman, kube, down, "{target}"]
 *   running: [podman, ps, --filter, label=igor, --format, "{{.Names}}"]
 *   timeout: 300        # seconds; default none
 *   settle: 0.2         # seconds a link must stay put before igor acts
 *
 * Every name is handled on its own: events only (re)arm its settle timer,
 * and when the timer fires the link is looked at as it is then.  So the
 * temporary link of `ln -sf` is gone again by the time it would act, and
 * a burst of events costs one look.  What igor last acted on (the target
 * it started) is kept per name; commands for one name run one at a time,
 * in the order they were decided.  A plugin runs in its own worker, so its
 * state is file-static.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "igor/plugin.h"

const int igor_plugin_abi = IGOR_PLUGIN_ABI;

enum { CTR_SETTLE_MS = 200 };

enum op_kind { OP_START, OP_STOP };

/* A command decided for a name, waiting for the one before it. */
struct op {
	enum op_kind kind;
	char **argv; /* owned */
	struct op *next;
};

/* One name in the directory, or a stray (running, with no link). */
struct link {
	char *name;         /* the link's whole name, or the stray's name */
	char *cname;        /* {name}: name without its last extension */
	char *target;       /* what igor last started; NULL: nothing */
	bool stray;
	bool settling;
	igor_timer *settle;
	struct op *ops, **ops_tail;
	struct op *cur;     /* running now, with child */
	struct link *next;
};

static struct {
	igor_logger *log;
	igor_inotify_factory *f;
	const igor_config *start, *stop, *running;
	const char *enabled;
	long long settle_ms, timeout_ms;
	igor_inotify *in;
	int wd;
	struct link *links;
} ctr;

static const char *const op_verb[] = { "start", "stop" };
static const char *const op_done_word[] = { "started", "stopped" };

static void link_settled(igor_timer *t, void *arg);
static void link_run_next(struct link *l);

/* ---- the table of names -------------------------------------------------- */

static char *name_without_ext(const char *name)
{
	const char *dot = strrchr(name, '.');
	size_t len = dot && dot != name ? (size_t)(dot - name) : strlen(name);

	return strndup(name, len);
}

static struct link *link_find(const char *name, bool stray)
{
	struct link *l;

	for (l = ctr.links; l; l = l->next)
		if (l->stray == stray && strcmp(l->name, name) == 0)
			return l;
	return NULL;
}

static struct link *link_add(const char *name, bool stray)
{
	struct link *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->name = strdup(name);
	l->cname = stray ? strdup(name) : name_without_ext(name);
	l->settle = stray ? NULL : igor_timer_new(ctr.f, link_settled, l);
	if (!l->name || !l->cname || (!stray && !l->settle))
		goto out_free;
	l->stray = stray;
	l->ops_tail = &l->ops;
	l->next = ctr.links;
	ctr.links = l;
	return l;
out_free:
	igor_timer_free(l->settle);
	free(l->cname);
	free(l->name);
	free(l);
	igor_error(ctr.log, "cannot track '%s': out of memory", name);
	return NULL;
}

/* Forgets a name that has nothing running, pending or settling. */
static void link_forget_if_idle(struct link *l)
{
	struct link **p;

	if (l->target || l->settling || l->ops || l->cur)
		return;
	for (p = &ctr.links; *p && *p != l; p = &(*p)->next)
		;
	if (*p)
		*p = l->next;
	igor_timer_free(l->settle); /* safe from its own callback */
	free(l->cname);
	free(l->name);
	free(l);
}

/* ---- commands, one at a time per name ------------------------------------ */

static void op_free(struct op *op)
{
	if (op) {
		cmd_free(op->argv);
		free(op);
	}
}

static void op_exited(igor_child *child, int status, void *arg)
{
	struct link *l = arg;
	struct op *op = l->cur;
	char how[64];

	(void)child;
	if (status == 0)
		igor_info(ctr.log, "%s %s", op_done_word[op->kind], l->cname);
	else
		igor_error(ctr.log, "cannot %s '%s': '%s' %s",
			   op_verb[op->kind], l->cname, op->argv[0],
			   cmd_status(status, how, sizeof(how)));
	l->cur = NULL;
	op_free(op);
	link_run_next(l);
	link_forget_if_idle(l);
}

static void link_run_next(struct link *l)
{
	struct igor_spawn_args a = { .size = sizeof(a) };
	struct op *op;

	while (!l->cur && (op = l->ops)) {
		l->ops = op->next;
		if (!l->ops)
			l->ops_tail = &l->ops;
		a.argv = (const char *const *)op->argv;
		a.timeout_ms = ctr.timeout_ms;
		a.on_exit = op_exited;
		a.arg = l;
		igor_debug(ctr.log, "%s %s: running '%s'", op_verb[op->kind],
			   l->cname, op->argv[0]);
		l->cur = op;
		if (igor_spawn(ctr.f, &a))
			return;
		if (errno != ESHUTDOWN) /* else the worker is stopping: quiet */
			igor_error(ctr.log, "cannot %s '%s': cannot run '%s': %s",
				   op_verb[op->kind], l->cname, op->argv[0],
				   strerror(errno));
		l->cur = NULL;
		op_free(op);
	}
}

/* Queues the start or stop of l, target being {target} ("" for none). */
static void link_queue(struct link *l, enum op_kind kind, const char *target)
{
	struct cmd_var vars[] = {
		{ "name", l->cname },
		{ "link", l->stray ? "" : l->name },
		{ "target", target },
	};
	struct op *op = calloc(1, sizeof(*op));

	if (op)
		op->argv = cmd_expand(kind == OP_START ? ctr.start : ctr.stop,
				      vars, 3);
	if (!op || !op->argv) {
		free(op);
		igor_error(ctr.log, "cannot %s '%s': out of memory",
			   op_verb[kind], l->cname);
		return;
	}
	op->kind = kind;
	*l->ops_tail = op;
	l->ops_tail = &op->next;
	link_run_next(l);
}

/* ---- looking at a name --------------------------------------------------- */

/*
 * The absolute target of the link name in the enabled directory, owned by
 * the caller; NULL when there is no usable link there (said in the log).
 */
static char *link_resolve(const char *name)
{
	char path[PATH_MAX], *target;
	struct stat st;
	int n;

	n = snprintf(path, sizeof(path), "%s/%s", ctr.enabled, name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return NULL;
	if (lstat(path, &st) < 0) {
		if (errno != ENOENT)
			igor_warning(ctr.log, "ignoring '%s': %s", path,
				     strerror(errno));
		return NULL;
	}
	if (!S_ISLNK(st.st_mode)) {
		igor_warning(ctr.log, "ignoring '%s': not a symlink", path);
		return NULL;
	}
	target = realpath(path, NULL);
	if (!target)
		igor_warning(ctr.log, "ignoring '%s': dangling symlink (%s)",
			     path, strerror(errno));
	return target;
}

/* Brings what runs for l in line with what its link says now. */
static void link_converge(struct link *l)
{
	char *want = link_resolve(l->name);

	if ((!want && !l->target) ||
	    (want && l->target && strcmp(want, l->target) == 0)) {
		free(want);
		return;
	}
	if (l->target)
		link_queue(l, OP_STOP, l->target);
	free(l->target);
	l->target = want;
	if (want)
		link_queue(l, OP_START, want);
}

static void link_settled(igor_timer *t, void *arg)
{
	struct link *l = arg;

	(void)t;
	l->settling = false;
	link_converge(l);
	link_forget_if_idle(l);
}

/* Something happened to name: look at it once it has been still a while. */
static void name_touched(const char *name)
{
	struct link *l = link_find(name, false);

	if (!l)
		l = link_add(name, false);
	if (!l)
		return;
	l->settling = true;
	if (igor_timer_arm(l->settle, ctr.settle_ms) < 0) {
		l->settling = false;
		link_converge(l); /* act now rather than never */
		link_forget_if_idle(l);
	}
}

/* Every name in the directory, now (at setup) or after a settle. */
static int scan(bool now)
{
	DIR *d = opendir(ctr.enabled);
	struct dirent *de;
	struct link *l;

	if (!d) {
		igor_error(ctr.log, "cannot read '%s': %s", ctr.enabled,
			   strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (!now) {
			name_touched(de->d_name);
			continue;
		}
		l = link_find(de->d_name, false);
		l = l ? l : link_add(de->d_name, false);
		if (l) {
			link_converge(l);
			link_forget_if_idle(l);
		}
	}
	closedir(d);
	return 0;
}

/* ---- events -------------------------------------------------------------- */

static void rescan(void)
{
	struct link *l, *next;

	igor_warning(ctr.log, "events were lost; looking at '%s' again",
		     ctr.enabled);
	/* name_touched may forget the link when it cannot arm its timer. */
	for (l = ctr.links; l; l = next) {
		next = l->next;
		if (!l->stray)
			name_touched(l->name); /* catches names now gone */
	}
	scan(false);
}

static void on_event(const struct igor_event *ev, void *arg)
{
	(void)arg;
	if (ev->mask & IN_Q_OVERFLOW) {
		rescan();
		return;
	}
	if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) {
		if (ev->mask & IN_IGNORED)
			igor_error(ctr.log, "'%s' was removed or moved away; no longer watching it (restart the plugin once it is back)",
				   ctr.enabled);
		return;
	}
	if (ev->name[0])
		name_touched(ev->name);
}

/* ---- strays: running with no link ---------------------------------------- */

/* Whether a link (running or about to be looked at) has this {name}. */
static bool is_enabled(const char *cname)
{
	struct link *l;

	for (l = ctr.links; l; l = l->next)
		if (!l->stray && (l->target || l->settling) &&
		    strcmp(l->cname, cname) == 0)
			return true;
	return false;
}

static void on_running_line(igor_child *child, const char *line, void *arg)
{
	size_t len;
	char *name;
	struct link *l;

	(void)child, (void)arg;
	line += strspn(line, " \t");
	len = strlen(line);
	while (len && strchr(" \t\r", line[len - 1]))
		len--;
	name = strndup(line, len);
	if (!name || !name[0] || is_enabled(name) || link_find(name, true)) {
		free(name);
		return;
	}
	l = link_add(name, true);
	if (l) {
		igor_info(ctr.log, "'%s' runs but is not enabled: stopping it",
			  name);
		link_queue(l, OP_STOP, "");
	}
	free(name);
}

static void on_running_exit(igor_child *child, int status, void *arg)
{
	char how[64];

	(void)child, (void)arg;
	if (status != 0)
		igor_error(ctr.log, "cannot list the running containers: '%s' %s",
			   igor_config_value(igor_config_at(ctr.running, 0)),
			   cmd_status(status, how, sizeof(how)));
}

/* Runs `running`; each name it prints with no link is stopped. */
static void stop_strays(void)
{
	struct igor_spawn_args a = { .size = sizeof(a) };
	char **argv = cmd_expand(ctr.running, NULL, 0);

	if (!argv)
		return;
	a.argv = (const char *const *)argv;
	a.timeout_ms = ctr.timeout_ms;
	a.on_exit = on_running_exit;
	a.on_stdout = on_running_line;
	if (!igor_spawn(ctr.f, &a))
		igor_error(ctr.log, "cannot list the running containers: cannot run '%s': %s",
			   argv[0], strerror(errno));
	cmd_free(argv);
}

/* ---- setup --------------------------------------------------------------- */

static int read_config(const igor_config *conf)
{
	ctr.enabled = igor_config_str(conf, "enabled", NULL);
	if (!ctr.enabled || !ctr.enabled[0]) {
		igor_error(ctr.log, "'enabled' must name the directory of links to watch");
		return -1;
	}
	if (cmd_check_argv(conf, "start", true, ctr.log) < 0 ||
	    cmd_check_argv(conf, "stop", true, ctr.log) < 0 ||
	    cmd_check_argv(conf, "running", false, ctr.log) < 0 ||
	    cmd_seconds(conf, "timeout", 0, &ctr.timeout_ms, ctr.log) < 0 ||
	    cmd_seconds(conf, "settle", CTR_SETTLE_MS, &ctr.settle_ms,
			ctr.log) < 0)
		return -1;
	ctr.start = igor_config_get(conf, "start");
	ctr.stop = igor_config_get(conf, "stop");
	ctr.running = igor_config_get(conf, "running");
	return 0;
}

int setup(const igor_config *conf, igor_logger *log,
	  igor_inotify_factory *f)
{
	const uint32_t mask = IN_CREATE | IN_DELETE | IN_MOVED_FROM |
			      IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF |
			      IN_ONLYDIR;

	ctr.log = log;
	ctr.f = f;
	if (read_config(conf) < 0)
		return 1;
	ctr.in = igor_inotify_new(f, on_event, NULL);
	if (!ctr.in) {
		igor_error(log, "cannot create an inotify instance: %s",
			   strerror(errno));
		return 1;
	}
	/* The watch first, then the look: no link can slip in between. */
	ctr.wd = igor_inotify_add_watch(ctr.in, ctr.enabled, mask);
	if (ctr.wd < 0) {
		igor_error(log, "cannot watch '%s': %s", ctr.enabled,
			   strerror(errno));
		return 1;
	}
	igor_info(log, "watching '%s'", ctr.enabled);
	if (scan(true) < 0)
		return 1;
	if (ctr.running)
		stop_strays();
	return 0;
}
