/*
 * wk.c: the worker state machine (see wk.h).
 *
 * Deadlines (a backoff ending, a stop timing out, a watchdog question due)
 * are one field per worker, and the loop sleeps until the earliest: no
 * deadline, no wakeup.  The settings and the ops are the process's one
 * set, so they are file-static.
 */
#include "wk.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoff.h"
#include "log.h"
#include "util.h"

static struct wk_settings settings;
static struct wk_ops ops;

/* Workers in WK_STARTING and WK_QUEUED, kept by wk_handle and wk_free
 * from the transitions themselves. */
static long n_starting, n_queued;
static unsigned long changes;

unsigned long wk_changes(void)
{
	return changes;
}

void wk_configure(const struct wk_settings *s, const struct wk_ops *o)
{
	settings = *s;
	if (!settings.max_starting)
		settings.max_starting = WK_MAX_STARTING;
	if (o)
		ops = *o;
}

bool wk_has_queued(void)
{
	return n_queued > 0;
}

bool wk_has_room_to_start(void)
{
	return n_starting < (long)settings.max_starting;
}

static void count(enum wk_state s, long d)
{
	if (s == WK_STARTING)
		n_starting += d;
	else if (s == WK_QUEUED)
		n_queued += d;
}

void wk_log(const struct wk *w, int level, const char *fmt, ...)
{
	struct log_about about = { w->name, (int)w->pid };
	va_list ap;

	va_start(ap, fmt);
	log_vabout(level, &about, fmt, ap);
	va_end(ap);
}

static double seconds(int64_t ms)
{
	return (double)ms / 1000;
}

/* ---- actions ------------------------------------------------------------- */

static void ignore(struct wk *w)
{
	(void)w;
}

static void enter_backoff(struct wk *w, int64_t uptime_ms)
{
	int64_t delay = backoff_delay(w->failures, uptime_ms, &settings.restart,
				      &w->failures);

	w->state = WK_BACKOFF;
	w->deadline_ms = ops.now() + delay;
	if (!w->error[0])
		snprintf(w->error, sizeof(w->error), "%s", w->last_exit);
	wk_log(w, LOG_LVL_INFO, "plugin '%s': starting again in %.10g s", w->name,
	       seconds(delay));
}

/* Did the process (or its start) say that trying again cannot help: the
 * plugin or the worker cannot be loaded, or its config is bad? */
static bool has_given_up(const struct wk *w)
{
	return w->fail_kind == REC_FAIL_LOAD || w->fail_kind == REC_FAIL_CONFIG;
}

static void become_failed(struct wk *w)
{
	w->state = WK_FAILED;
	w->deadline_ms = 0;
	wk_log(w, LOG_LVL_ERROR, "plugin '%s' failed: %s; not started again until igorctl restart or a reload",
	       w->name, w->error);
}

static void ask_watchdog(struct wk *w)
{
	ops.ask(w, ++w->ping_seq);
	w->deadline_ms = ops.now() + w->conf->watchdog_ms;
}

static void start(struct wk *w)
{
	if (w->next_conf) {
		plugin_conf_free(w->conf);
		w->conf = w->next_conf;
		w->next_conf = NULL;
	}
	w->deadline_ms = 0;
	if (!wk_has_room_to_start()) {
		w->state = WK_QUEUED;
		return;
	}
	w->fail_kind = 0;
	w->killed_by_watchdog = false;
	w->started_ms = ops.now();
	w->ready_ms = 0;
	w->deadline_ms = 0;
	w->starts++;
	if (ops.spawn(w) < 0) {
		wk_log(w, LOG_LVL_ERROR, "plugin '%s': %s", w->name, w->error);
		if (has_given_up(w))
			become_failed(w);
		else
			enter_backoff(w, 0);
		return;
	}
	w->error[0] = '\0';
	w->state = WK_STARTING;
	/* With a watchdog, a setup that never returns is a hang too: it is
	 * asked as the loop is, and one that gives the loop back (a long
	 * walk of a tree) answers. */
	w->pong_seq = w->ping_seq = 0;
	if (w->conf->watchdog_ms)
		ask_watchdog(w);
	wk_log(w, LOG_LVL_INFO, "plugin '%s' started (pid %d)", w->name,
	       (int)w->pid);
}

static void start_now(struct wk *w)
{
	w->failures = 0;
	start(w);
}


static void become_running(struct wk *w)
{
	w->state = WK_RUNNING;
	w->ready_ms = ops.now();
	w->deadline_ms = 0;
	wk_log(w, LOG_LVL_DEBUG, "plugin '%s' (pid %d) is ready", w->name,
	       (int)w->pid);
	if (w->conf->watchdog_ms)
		ask_watchdog(w);
}

/* The process ended without being asked to. */
static void exited(struct wk *w)
{
	/* "Stayed up" counts from ready: a setup that fails is no uptime. */
	int64_t uptime = w->ready_ms ? ops.now() - w->ready_ms : 0;

	wk_log(w, LOG_LVL_WARNING, "plugin '%s' (pid %d) exited: %s%s%s%s", w->name,
	       (int)w->pid, w->last_exit,
	       w->error[0] ? " (" : "", w->error, w->error[0] ? ")" : "");
	w->pid = 0;
	if (has_given_up(w))
		become_failed(w);
	else
		enter_backoff(w, uptime);
}

static void begin_stop(struct wk *w)
{
	wk_log(w, LOG_LVL_INFO, "stopping plugin '%s' (pid %d)", w->name,
	       (int)w->pid);
	ops.signal(w, SIGTERM);
	w->state = WK_STOPPING;
	w->deadline_ms = ops.now() + settings.stop_timeout_ms;
}

static void begin_restart(struct wk *w)
{
	begin_stop(w);
	w->state = WK_RESTARTING;
}

/* A stop under way will be followed by a start, or will no longer be. */
static void then_restart(struct wk *w)
{
	w->state = WK_RESTARTING;
}

static void then_stay_down(struct wk *w)
{
	w->state = WK_STOPPING;
}

/* The process we asked to stop has ended. */
static void stopped(struct wk *w)
{
	wk_log(w, LOG_LVL_INFO, "plugin '%s' (pid %d) stopped: %s", w->name,
	       (int)w->pid, w->last_exit);
	w->pid = 0;
	w->deadline_ms = 0;
	w->state = WK_GONE;
}

static void stopped_then_start(struct wk *w)
{
	stopped(w);
	start(w);
}

static void go_gone(struct wk *w)
{
	w->state = WK_GONE;
	w->deadline_ms = 0;
}

static void kill_now(struct wk *w)
{
	ops.signal(w, SIGKILL);
	w->deadline_ms = 0;
}

static void stop_timed_out(struct wk *w)
{
	wk_log(w, LOG_LVL_WARNING, "plugin '%s' (pid %d) ignored SIGTERM for %.10g s; killing it",
	       w->name, (int)w->pid, seconds(settings.stop_timeout_ms));
	kill_now(w);
}

static void watchdog_kill(struct wk *w, const char *what)
{
	wk_log(w, LOG_LVL_ERROR, "plugin '%s' (pid %d): watchdog: %s in %.10g s; killing it",
	       w->name, (int)w->pid, what, seconds(w->conf->watchdog_ms));
	snprintf(w->error, sizeof(w->error), "watchdog: %s in %.10g s", what,
		 seconds(w->conf->watchdog_ms));
	w->killed_by_watchdog = true;
	kill_now(w);
}

static void watchdog_tick(struct wk *w)
{
	if (!w->conf->watchdog_ms) {
		w->deadline_ms = 0;
		return;
	}
	if (w->pong_seq == w->ping_seq) {
		ask_watchdog(w);
		return;
	}
	watchdog_kill(w, "no answer");
}

static void setup_tick(struct wk *w)
{
	if (!w->conf->watchdog_ms) {
		w->deadline_ms = 0;
		return;
	}
	if (w->pong_seq == w->ping_seq) {
		ask_watchdog(w);
		return;
	}
	watchdog_kill(w, "setup did not return");
}

typedef void wk_action(struct wk *w);

/* Cells not named here cannot happen or change nothing: ignore. */
static wk_action *const wk_actions[WK_NSTATES][WK_NEVENTS] = {
	[WK_QUEUED] = {
		[WK_EV_STOP] = go_gone,
		[WK_EV_RESTART] = start_now,
		[WK_EV_TURN] = start,
	},
	[WK_STARTING] = {
		[WK_EV_READY] = become_running,
		[WK_EV_EXIT] = exited,
		[WK_EV_TIMER] = setup_tick,
		[WK_EV_STOP] = begin_stop,
		[WK_EV_RESTART] = begin_restart,
		[WK_EV_KILL] = kill_now,
	},
	[WK_RUNNING] = {
		[WK_EV_EXIT] = exited,
		[WK_EV_TIMER] = watchdog_tick,
		[WK_EV_STOP] = begin_stop,
		[WK_EV_RESTART] = begin_restart,
		[WK_EV_KILL] = kill_now,
	},
	[WK_BACKOFF] = {
		[WK_EV_TIMER] = start,
		[WK_EV_STOP] = go_gone,
		[WK_EV_RESTART] = start_now,
	},
	[WK_STOPPING] = {
		[WK_EV_EXIT] = stopped,
		[WK_EV_TIMER] = stop_timed_out,
		[WK_EV_RESTART] = then_restart,
		[WK_EV_KILL] = kill_now,
	},
	[WK_RESTARTING] = {
		[WK_EV_EXIT] = stopped_then_start,
		[WK_EV_TIMER] = stop_timed_out,
		[WK_EV_STOP] = then_stay_down,
		[WK_EV_KILL] = kill_now,
	},
	[WK_FAILED] = {
		[WK_EV_STOP] = go_gone,
		[WK_EV_RESTART] = start_now,
	},
	[WK_GONE] = {
		[WK_EV_RESTART] = start_now,
	},
};

static const char *const event_names[WK_NEVENTS] = {
	[WK_EV_READY] = "ready", [WK_EV_EXIT] = "exit",
	[WK_EV_TIMER] = "timer", [WK_EV_STOP] = "stop",
	[WK_EV_RESTART] = "restart", [WK_EV_KILL] = "kill",
	[WK_EV_TURN] = "turn",
};

void wk_handle(struct wk *w, enum wk_event ev)
{
	enum wk_state from = w->state;
	wk_action *act;

	if (from >= WK_NSTATES || ev >= WK_NEVENTS)
		return;
	act = wk_actions[from][ev];
	if (!act)
		act = ignore;
	act(w);
	if (w->state == from)
		return;
	count(from, -1);
	count(w->state, +1);
	changes++;
	wk_log(w, LOG_LVL_DEBUG, "plugin '%s': %s -> %s on %s", w->name,
	       wk_state_name(from), wk_state_name(w->state), event_names[ev]);
}

const char *wk_state_name(enum wk_state s)
{
	static const char *const names[WK_NSTATES] = {
		[WK_QUEUED] = "queued", [WK_STARTING] = "starting",
		[WK_RUNNING] = "running",
		[WK_BACKOFF] = "backoff", [WK_STOPPING] = "stopping",
		[WK_RESTARTING] = "restarting", [WK_FAILED] = "failed",
		[WK_GONE] = "gone",
	};

	return s < WK_NSTATES ? names[s] : "?";
}

const char *wk_state_shown(enum wk_state s)
{
	switch (s) {
	case WK_QUEUED:
		return "starting";
	case WK_RESTARTING:
	case WK_GONE: /* about to be freed, or to start again */
		return "stopping";
	default:
		return wk_state_name(s);
	}
}

bool wk_is_wanted(const struct wk *w)
{
	return w->state != WK_STOPPING && w->state != WK_GONE;
}

/* ---- life ---------------------------------------------------------------- */

struct wk *wk_new(struct plugin_conf *pc)
{
	struct wk *w = calloc(1, sizeof(*w));

	if (!w || !(w->name = strdup(pc->name)) ||
	    rec_reader_init(&w->rd, &rec_w2s_proto) < 0)
		goto out_free;
	w->conf = pc;
	w->rec.fd = w->out.fd = w->err.fd = w->exec_fd = -1;
	w->state = WK_GONE;
	snprintf(w->source, sizeof(w->source), "plugin %s", pc->name);
	return w;
out_free:
	log_error("plugin '%s': out of memory", pc->name);
	if (w) {
		rec_reader_release(&w->rd);
		free(w->name);
		free(w);
	}
	plugin_conf_free(pc);
	return NULL;
}

void wk_free(struct wk *w)
{
	if (!w)
		return;
	count(w->state, -1);
	plugin_conf_free(w->conf);
	plugin_conf_free(w->next_conf);
	rec_reader_release(&w->rd);
	rec_buf_release(&w->tx);
	counters_close(&w->counts);
	wkstatus_release(&w->said);
	safe_close(w->exec_fd);
	free(w->name);
	free(w);
}
