/*
 * wk.c: the worker table and the state machine (see wk.h).
 *
 * Transitions live in one table, wk_actions[state][event]; each action is
 * a small function.  Deadlines (a backoff ending, a stop timing out, a
 * watchdog question due) are one field per worker, and the loop sleeps
 * until the earliest: no deadline, no wakeup.
 */
#include "wk.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backoff.h"
#include "log.h"
#include "spawn.h"
#include "util.h"

static struct wk **table; /* sorted by name */
static size_t ntable;
static struct wk_settings settings;
static char *worker_exe;

/* ---- starting ------------------------------------------------------------ */

/* Forks and execs igor-worker for w; 0, or -1 with w->error set. */
static int spawn_worker(struct wk *w)
{
	int sp[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 };
	int fds[SPAWN_FDS] = { -1, -1, -1, -1, -1 }, cfd = -1, ret = -1, saved;
	char level[16], parent[16];
	char *argv[] = { "igor-worker", "-n", w->name, "-f", w->conf->file,
			 "-p", w->conf->plugin, "-s", w->conf->symbol,
			 "-l", level, "-P", parent, NULL };

	snprintf(level, sizeof(level), "%d", settings.log_level);
	snprintf(parent, sizeof(parent), "%d", (int)getpid());
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0 ||
	    pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0 ||
	    (cfd = spawn_data_fd(w->conf->bytes, w->conf->len)) < 0)
		goto out_close;
	fds[1] = out[1], fds[2] = err[1], fds[3] = sp[1], fds[4] = cfd;
	w->pid = spawn_process(worker_exe, argv, fds);
	if (w->pid < 0) {
		w->pid = 0;
		goto out_close;
	}
	sp[1] = safe_close(sp[1]);
	out[1] = safe_close(out[1]);
	err[1] = safe_close(err[1]);
	ret = wk_io_open(w, sp[0], out[0], err[0]);
	sp[0] = out[0] = err[0] = -1; /* taken by wk_io_open */
	if (ret < 0)
		goto out_kill;
out_close:
	if (ret < 0)
		snprintf(w->error, sizeof(w->error), "cannot start '%s': %s",
			 worker_exe, strerror(errno));
	safe_close(cfd);
	safe_close(sp[0]), safe_close(sp[1]);
	safe_close(out[0]), safe_close(out[1]);
	safe_close(err[0]), safe_close(err[1]);
	return ret;
out_kill:
	/* Unheard, it must not run on: it would be a second instance once
	 * the backoff starts another.  SIGKILL ends it at once. */
	saved = errno;
	wk_kill_group(w, SIGKILL);
	while (waitpid(w->pid, NULL, 0) < 0 && errno == EINTR)
		;
	w->pid = 0;
	errno = saved;
	goto out_close;
}

static void enter_backoff(struct wk *w, int64_t uptime_ms);

static void start(struct wk *w)
{
	if (w->next_conf) {
		plugin_conf_free(w->conf);
		w->conf = w->next_conf;
		w->next_conf = NULL;
	}
	w->fail_kind = 0;
	w->killed_by_watchdog = false;
	w->want_restart = false;
	w->started_ms = now_ms();
	w->ready_ms = 0;
	w->deadline_ms = 0;
	w->starts++;
	if (spawn_worker(w) < 0) {
		log_error("plugin '%s': %s", w->name, w->error);
		enter_backoff(w, 0);
		return;
	}
	w->error[0] = '\0';
	w->state = WK_STARTING;
	/* With a watchdog, a setup that never returns is a hang too. */
	if (w->conf->watchdog_ms)
		w->deadline_ms = w->started_ms + w->conf->watchdog_ms;
	log_info("plugin '%s' started (pid %d)", w->name, (int)w->pid);
}

/* ---- actions ------------------------------------------------------------- */

static void ignore(struct wk *w)
{
	(void)w;
}

static void ask_watchdog(struct wk *w)
{
	struct rec r;

	rec_init(&r, REC_PING);
	rec_set_num(&r, REC_K_SEQ, ++w->ping_seq);
	wk_send(w, &r);
	w->deadline_ms = now_ms() + w->conf->watchdog_ms;
}

static void become_running(struct wk *w)
{
	w->state = WK_RUNNING;
	w->ready_ms = now_ms();
	log_debug("plugin '%s' (pid %d) is ready", w->name, (int)w->pid);
	if (w->conf->watchdog_ms) {
		w->pong_seq = w->ping_seq = 0;
		ask_watchdog(w);
	}
}

static void enter_backoff(struct wk *w, int64_t uptime_ms)
{
	int64_t delay = backoff_delay(w->failures, uptime_ms, &settings.restart,
				      &w->failures);

	w->state = WK_BACKOFF;
	w->deadline_ms = now_ms() + delay;
	if (!w->error[0])
		snprintf(w->error, sizeof(w->error), "%s", w->last_exit);
	log_info("plugin '%s': starting again in %.10g s", w->name,
		 (double)delay / 1000);
}

/* The process ended without being asked to. */
static void exited(struct wk *w)
{
	/* "Stayed up" counts from ready: a setup that fails is no uptime. */
	int64_t uptime = w->ready_ms ? now_ms() - w->ready_ms : 0;
	bool final = w->fail_kind == REC_FAIL_LOAD ||
		     w->fail_kind == REC_FAIL_CONFIG;

	log_warning("plugin '%s' (pid %d) exited: %s%s%s%s", w->name,
		    (int)w->pid, w->last_exit,
		    w->error[0] ? " (" : "", w->error, w->error[0] ? ")" : "");
	w->pid = 0;
	if (final) {
		w->state = WK_FAILED;
		w->deadline_ms = 0;
		log_error("plugin '%s' failed: %s; not started again until igorctl restart or a reload",
			  w->name, w->error);
		return;
	}
	enter_backoff(w, uptime);
}

static void begin_stop(struct wk *w)
{
	log_info("stopping plugin '%s' (pid %d)", w->name, (int)w->pid);
	wk_kill_group(w, SIGTERM);
	w->state = WK_STOPPING;
	w->deadline_ms = now_ms() + settings.stop_timeout_ms;
}

static void begin_restart(struct wk *w)
{
	begin_stop(w);
	w->want_restart = true;
}

/* The process we asked to stop has ended. */
static void stopped(struct wk *w)
{
	log_info("plugin '%s' (pid %d) stopped: %s", w->name, (int)w->pid,
		 w->last_exit);
	w->pid = 0;
	w->deadline_ms = 0;
	w->state = WK_DOWN;
	if (w->want_restart && !w->want_remove)
		start(w);
}

static void go_down(struct wk *w)
{
	w->state = WK_DOWN;
	w->deadline_ms = 0;
}

static void start_now(struct wk *w)
{
	w->failures = 0;
	start(w);
}

static void kill_now(struct wk *w)
{
	wk_kill_group(w, SIGKILL);
	w->deadline_ms = 0;
}

static void stop_timed_out(struct wk *w)
{
	log_warning("plugin '%s' (pid %d) ignored SIGTERM for %.10g s; killing it",
		    w->name, (int)w->pid, (double)settings.stop_timeout_ms / 1000);
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
	log_error("plugin '%s' (pid %d): watchdog: no answer in %.10g s; killing it",
		  w->name, (int)w->pid, (double)w->conf->watchdog_ms / 1000);
	snprintf(w->error, sizeof(w->error), "watchdog: no answer in %.10g s",
		 (double)w->conf->watchdog_ms / 1000);
	w->killed_by_watchdog = true;
	kill_now(w);
}

static void setup_timed_out(struct wk *w)
{
	log_error("plugin '%s' (pid %d): watchdog: setup did not return in %.10g s; killing it",
		  w->name, (int)w->pid, (double)w->conf->watchdog_ms / 1000);
	snprintf(w->error, sizeof(w->error),
		 "watchdog: setup did not return in %.10g s",
		 (double)w->conf->watchdog_ms / 1000);
	w->killed_by_watchdog = true;
	kill_now(w);
}

static void mark_restart(struct wk *w)
{
	w->want_restart = true;
}

typedef void wk_action(struct wk *w);

static wk_action *const wk_actions[WK_NSTATES][WK_NEVENTS] = {
	[WK_STARTING] = { become_running, exited, setup_timed_out, begin_stop,
			  begin_restart, kill_now },
	[WK_RUNNING] = { ignore, exited, watchdog_tick, begin_stop,
			 begin_restart, kill_now },
	[WK_BACKOFF] = { ignore, ignore, start, go_down, start_now, ignore },
	[WK_STOPPING] = { ignore, stopped, stop_timed_out, ignore,
			  mark_restart, kill_now },
	[WK_FAILED] = { ignore, ignore, ignore, go_down, start_now, ignore },
	[WK_DOWN] = { ignore, ignore, ignore, ignore, start_now, ignore },
};

void wk_handle(struct wk *w, enum wk_event ev)
{
	wk_actions[w->state][ev](w);
}

const char *wk_state_name(enum wk_state s)
{
	static const char *const names[WK_NSTATES] = {
		"starting", "running", "backoff", "stopping", "failed", "stopped",
	};

	return s < WK_NSTATES ? names[s] : "?";
}

/* ---- the table ----------------------------------------------------------- */

int wk_configure(const struct wk_settings *s)
{
	char *exe = strdup(s->worker_exe);

	if (!exe)
		return -1;
	free(worker_exe);
	worker_exe = exe;
	settings = *s;
	settings.worker_exe = worker_exe;
	return 0;
}

size_t wk_count(void)
{
	return ntable;
}

struct wk *wk_at(size_t i)
{
	return i < ntable ? table[i] : NULL;
}

struct wk *wk_find(const char *name)
{
	size_t i;

	for (i = 0; i < ntable; i++)
		if (strcmp(table[i]->name, name) == 0)
			return table[i];
	return NULL;
}

static void wk_free(struct wk *w)
{
	plugin_conf_free(w->conf);
	plugin_conf_free(w->next_conf);
	rec_reader_release(&w->rd);
	free(w->name);
	free(w);
}

static int insert_sorted(struct wk *w)
{
	struct wk **nt = realloc(table, (ntable + 1) * sizeof(*nt));
	size_t i;

	if (!nt)
		return -1;
	table = nt;
	for (i = ntable; i > 0 && strcmp(table[i - 1]->name, w->name) > 0; i--)
		table[i] = table[i - 1];
	table[i] = w;
	ntable++;
	return 0;
}

int wk_add(struct plugin_conf *pc)
{
	struct wk *w = calloc(1, sizeof(*w));

	if (!w || !(w->name = strdup(pc->name)) ||
	    rec_reader_init(&w->rd, &rec_worker_proto) < 0)
		goto out_free;
	w->conf = pc;
	w->rec.fd = w->out.fd = w->err.fd = -1;
	w->state = WK_DOWN;
	snprintf(w->source, sizeof(w->source), "plugin %s", pc->name);
	if (insert_sorted(w) < 0)
		goto out_free;
	start(w);
	return 0;
out_free:
	log_error("plugin '%s': out of memory", pc->name);
	if (w) {
		w->conf = NULL;
		wk_free(w);
	}
	plugin_conf_free(pc);
	return -1;
}

void wk_report_add(struct wk_report *rep, const char *fmt, ...)
{
	char **nl, *line;
	va_list ap;
	int n;

	if (!rep)
		return;
	va_start(ap, fmt);
	n = vasprintf(&line, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	nl = realloc(rep->lines, (rep->n + 1) * sizeof(*nl));
	if (!nl) {
		free(line);
		return;
	}
	rep->lines = nl;
	rep->lines[rep->n++] = line;
}

void wk_report_release(struct wk_report *rep)
{
	size_t i;

	for (i = 0; i < rep->n; i++)
		free(rep->lines[i]);
	free(rep->lines);
	rep->lines = NULL;
	rep->n = 0;
}

/* A reload's verdict on one existing worker, given the new set. */
static void apply_one(struct wk *w, struct plugin_set *set,
		      struct wk_report *rep)
{
	struct plugin_conf *pc = NULL;
	size_t i;

	for (i = 0; i < set->n && !pc; i++)
		if (set->v[i] && strcmp(set->v[i]->name, w->name) == 0) {
			pc = set->v[i];
			set->v[i] = NULL;
		}
	if (!pc && plugin_set_is_broken(set, w->conf->file)) {
		log_error("reload: '%s' is broken; plugin '%s' keeps running its old config",
			  w->conf->file, w->name);
		wk_report_add(rep, "kept %s: '%s' is broken", w->name,
			      w->conf->file);
		return;
	}
	if (!pc) {
		log_info("reload: plugin '%s' removed", w->name);
		wk_report_add(rep, "stopped %s", w->name);
		w->want_remove = true;
		wk_handle(w, WK_EV_STOP);
		return;
	}
	/* Compared with what the worker will run next: a restart already
	 * pending with an older change must not win over this file. */
	if (plugin_conf_equal(pc, w->next_conf ? w->next_conf : w->conf) &&
	    w->state != WK_FAILED) {
		plugin_conf_free(pc);
		return;
	}
	log_info("reload: plugin '%s' %s", w->name,
		 w->state == WK_FAILED ? "tried again" : "changed; restarting");
	wk_report_add(rep, "restarted %s", w->name);
	plugin_conf_free(w->next_conf);
	w->next_conf = pc;
	wk_handle(w, WK_EV_RESTART);
}

/* A worker still stopping after a removal whose file is back: it starts
 * again once stopped, rather than a second worker of that name running
 * beside it. */
static void revive(struct wk *w, struct plugin_set *set,
		   struct wk_report *rep)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		if (set->v[i] && strcmp(set->v[i]->name, w->name) == 0)
			break;
	if (i == set->n)
		return;
	log_info("reload: plugin '%s' is back; restarting it once stopped",
		 w->name);
	wk_report_add(rep, "restarted %s", w->name);
	plugin_conf_free(w->next_conf);
	w->next_conf = set->v[i];
	set->v[i] = NULL;
	w->want_remove = false;
	wk_handle(w, WK_EV_RESTART);
}

void wk_apply(struct plugin_set *set, struct wk_report *rep)
{
	size_t i, n = ntable;

	for (i = 0; i < n; i++)
		if (!table[i]->want_remove)
			apply_one(table[i], set, rep);
		else
			revive(table[i], set, rep);
	for (i = 0; i < set->n; i++) {
		if (!set->v[i])
			continue;
		log_info("reload: plugin '%s' added", set->v[i]->name);
		wk_report_add(rep, "started %s", set->v[i]->name);
		wk_add(set->v[i]);
		set->v[i] = NULL;
	}
}

int wk_restart(const char *name)
{
	struct wk *w = wk_find(name);

	if (!w || w->want_remove)
		return -1;
	w->failures = 0;
	wk_handle(w, WK_EV_RESTART);
	return 0;
}

void wk_broadcast_level(int level)
{
	struct rec r;
	size_t i;

	rec_init(&r, REC_LEVEL);
	rec_set_num(&r, REC_K_LEVEL, level);
	for (i = 0; i < ntable; i++)
		if (table[i]->pid)
			wk_send(table[i], &r);
}

void wk_stop_all(void)
{
	size_t i;

	for (i = 0; i < ntable; i++) {
		table[i]->want_remove = true;
		wk_handle(table[i], WK_EV_STOP);
	}
}

bool wk_all_down(void)
{
	size_t i;

	for (i = 0; i < ntable; i++)
		if (table[i]->pid)
			return false;
	return true;
}

static struct wk *find_pid(pid_t pid)
{
	size_t i;

	for (i = 0; i < ntable; i++)
		if (table[i]->pid == pid)
			return table[i];
	return NULL;
}

/* One ended worker: clean its group while the zombie still holds the
 * group id, reap it, drain what it wrote, then let the table decide. */
static void ended(struct wk *w)
{
	siginfo_t si = { 0 };

	wk_kill_group(w, SIGKILL);
	if (waitid(P_PID, (id_t)w->pid, &si, WEXITED | WNOHANG) < 0)
		return;
	wk_describe_status(si.si_code == CLD_EXITED ? W_EXITCODE(si.si_status, 0)
						     : si.si_status,
			   w->last_exit, sizeof(w->last_exit));
	if (w->killed_by_watchdog)
		strncat(w->last_exit, " (watchdog)",
			sizeof(w->last_exit) - strlen(w->last_exit) - 1);
	wk_io_drain_and_close(w);
	wk_handle(w, WK_EV_EXIT);
}

void wk_reap(void)
{
	siginfo_t si;
	struct wk *w;

	for (;;) {
		memset(&si, 0, sizeof(si));
		/* WNOWAIT: look first, so a worker's group is killed before
		 * its id can be reused. */
		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) < 0 ||
		    si.si_pid == 0)
			return;
		w = find_pid(si.si_pid);
		if (w) {
			ended(w);
			continue;
		}
		/* A stray: an orphan of a worker (we are the subreaper). */
		waitpid(si.si_pid, NULL, WNOHANG);
	}
}

int wk_next_timeout(int64_t now)
{
	int64_t soonest = -1;
	size_t i;

	for (i = 0; i < ntable; i++) {
		int64_t d = table[i]->deadline_ms;

		if (d && (soonest < 0 || d < soonest))
			soonest = d;
	}
	if (soonest < 0)
		return -1;
	return soonest <= now ? 0 : (int)(soonest - now > 3600000 ? 3600000
								  : soonest - now);
}

void wk_run_timers(int64_t now)
{
	size_t i;

	for (i = 0; i < ntable; i++) {
		struct wk *w = table[i];

		if (w->deadline_ms && w->deadline_ms <= now) {
			w->deadline_ms = 0;
			wk_handle(w, WK_EV_TIMER);
		}
	}
}

void wk_sweep(void)
{
	size_t i, j = 0;

	for (i = 0; i < ntable; i++) {
		struct wk *w = table[i];

		if (w->want_remove && w->state == WK_DOWN && !w->pid)
			wk_free(w);
		else
			table[j++] = w;
	}
	ntable = j;
}

void wk_release_all(void)
{
	size_t i;

	for (i = 0; i < ntable; i++)
		wk_free(table[i]);
	free(table);
	table = NULL;
	ntable = 0;
	free(worker_exe);
	worker_exe = NULL;
}
