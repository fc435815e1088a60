/*
 * wk_test: the worker state machine, cell by cell, with a fake spawner:
 * every (state, event) pair of wk_actions has a row saying what the
 * worker becomes and what was done to the outside world, and the test
 * checks that no cell is left without one.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "wk.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

enum { FAKE_PID = 4242, FAKE_NOW = 1000000, WATCHDOG_MS = 500 };

/* What the fake outside world saw. */
static struct {
	int spawns, asks, last_signal;
	bool spawn_fails;
} seen;

static int fake_spawn(struct wk *w)
{
	seen.spawns++;
	if (seen.spawn_fails) {
		snprintf(w->error, sizeof(w->error), "cannot start: fake");
		return -1;
	}
	w->pid = FAKE_PID;
	return 0;
}

static void fake_signal(struct wk *w, int sig)
{
	(void)w;
	seen.last_signal = sig;
}

static void fake_ask(struct wk *w, int64_t seq)
{
	(void)w, (void)seq;
	seen.asks++;
}

static int64_t fake_now(void)
{
	return FAKE_NOW;
}

/* How a row sets the worker up before its event. */
enum {
	SET_WATCHDOG = 1,  /* the plugin has watchdog: 0.5 */
	SET_ANSWERED = 2,  /* the last watchdog question was answered */
	SET_LOAD_FAIL = 4, /* the process said the plugin cannot load */
	SET_SPAWN_FAILS = 8,
};

struct row {
	enum wk_state state;
	enum wk_event event;
	unsigned set;
	enum wk_state want;
	int spawns, asks, signal; /* signal 0: none sent */
	bool pid;                 /* has a process afterwards */
	bool deadline;            /* has a deadline afterwards */
};

static const struct row rows[] = {
	{ WK_QUEUED, WK_EV_READY, 0, WK_QUEUED, 0, 0, 0, false, false },
	{ WK_QUEUED, WK_EV_EXIT, 0, WK_QUEUED, 0, 0, 0, false, false },
	{ WK_QUEUED, WK_EV_TIMER, 0, WK_QUEUED, 0, 0, 0, false, false },
	{ WK_QUEUED, WK_EV_STOP, 0, WK_GONE, 0, 0, 0, false, false },
	{ WK_QUEUED, WK_EV_RESTART, 0, WK_STARTING, 1, 0, 0, true, false },
	{ WK_QUEUED, WK_EV_KILL, 0, WK_QUEUED, 0, 0, 0, false, false },
	{ WK_QUEUED, WK_EV_TURN, 0, WK_STARTING, 1, 0, 0, true, false },
	{ WK_QUEUED, WK_EV_TURN, SET_SPAWN_FAILS, WK_BACKOFF, 1, 0, 0, false, true },

	{ WK_STARTING, WK_EV_READY, 0, WK_RUNNING, 0, 0, 0, true, false },
	{ WK_STARTING, WK_EV_READY, SET_WATCHDOG, WK_RUNNING, 0, 1, 0, true, true },
	{ WK_STARTING, WK_EV_EXIT, 0, WK_BACKOFF, 0, 0, 0, false, true },
	{ WK_STARTING, WK_EV_EXIT, SET_LOAD_FAIL, WK_FAILED, 0, 0, 0, false, false },
	{ WK_STARTING, WK_EV_TIMER, SET_WATCHDOG, WK_STARTING, 0, 0, SIGKILL, true, false },
	{ WK_STARTING, WK_EV_TIMER, SET_WATCHDOG | SET_ANSWERED, WK_STARTING, 0, 1, 0, true, true },
	{ WK_STARTING, WK_EV_STOP, 0, WK_STOPPING, 0, 0, SIGTERM, true, true },
	{ WK_STARTING, WK_EV_RESTART, 0, WK_RESTARTING, 0, 0, SIGTERM, true, true },
	{ WK_STARTING, WK_EV_KILL, 0, WK_STARTING, 0, 0, SIGKILL, true, false },
	{ WK_STARTING, WK_EV_TURN, 0, WK_STARTING, 0, 0, 0, true, false },

	{ WK_RUNNING, WK_EV_READY, 0, WK_RUNNING, 0, 0, 0, true, false },
	{ WK_RUNNING, WK_EV_EXIT, 0, WK_BACKOFF, 0, 0, 0, false, true },
	{ WK_RUNNING, WK_EV_TIMER, 0, WK_RUNNING, 0, 0, 0, true, false },
	{ WK_RUNNING, WK_EV_TIMER, SET_WATCHDOG | SET_ANSWERED, WK_RUNNING, 0, 1, 0, true, true },
	{ WK_RUNNING, WK_EV_TIMER, SET_WATCHDOG, WK_RUNNING, 0, 0, SIGKILL, true, false },
	{ WK_RUNNING, WK_EV_STOP, 0, WK_STOPPING, 0, 0, SIGTERM, true, true },
	{ WK_RUNNING, WK_EV_RESTART, 0, WK_RESTARTING, 0, 0, SIGTERM, true, true },
	{ WK_RUNNING, WK_EV_KILL, 0, WK_RUNNING, 0, 0, SIGKILL, true, false },
	{ WK_RUNNING, WK_EV_TURN, 0, WK_RUNNING, 0, 0, 0, true, false },

	{ WK_BACKOFF, WK_EV_READY, 0, WK_BACKOFF, 0, 0, 0, false, true },
	{ WK_BACKOFF, WK_EV_EXIT, 0, WK_BACKOFF, 0, 0, 0, false, true },
	{ WK_BACKOFF, WK_EV_TIMER, 0, WK_STARTING, 1, 0, 0, true, false },
	{ WK_BACKOFF, WK_EV_TIMER, SET_SPAWN_FAILS, WK_BACKOFF, 1, 0, 0, false, true },
	{ WK_BACKOFF, WK_EV_STOP, 0, WK_GONE, 0, 0, 0, false, false },
	{ WK_BACKOFF, WK_EV_RESTART, 0, WK_STARTING, 1, 0, 0, true, false },
	{ WK_BACKOFF, WK_EV_KILL, 0, WK_BACKOFF, 0, 0, 0, false, true },
	{ WK_BACKOFF, WK_EV_TURN, 0, WK_BACKOFF, 0, 0, 0, false, true },

	{ WK_STOPPING, WK_EV_READY, 0, WK_STOPPING, 0, 0, 0, true, true },
	{ WK_STOPPING, WK_EV_EXIT, 0, WK_GONE, 0, 0, 0, false, false },
	{ WK_STOPPING, WK_EV_TIMER, 0, WK_STOPPING, 0, 0, SIGKILL, true, false },
	{ WK_STOPPING, WK_EV_STOP, 0, WK_STOPPING, 0, 0, 0, true, true },
	{ WK_STOPPING, WK_EV_RESTART, 0, WK_RESTARTING, 0, 0, 0, true, true },
	{ WK_STOPPING, WK_EV_KILL, 0, WK_STOPPING, 0, 0, SIGKILL, true, false },
	{ WK_STOPPING, WK_EV_TURN, 0, WK_STOPPING, 0, 0, 0, true, true },

	{ WK_RESTARTING, WK_EV_READY, 0, WK_RESTARTING, 0, 0, 0, true, true },
	{ WK_RESTARTING, WK_EV_EXIT, 0, WK_STARTING, 1, 0, 0, true, false },
	{ WK_RESTARTING, WK_EV_TIMER, 0, WK_RESTARTING, 0, 0, SIGKILL, true, false },
	{ WK_RESTARTING, WK_EV_STOP, 0, WK_STOPPING, 0, 0, 0, true, true },
	{ WK_RESTARTING, WK_EV_RESTART, 0, WK_RESTARTING, 0, 0, 0, true, true },
	{ WK_RESTARTING, WK_EV_KILL, 0, WK_RESTARTING, 0, 0, SIGKILL, true, false },
	{ WK_RESTARTING, WK_EV_TURN, 0, WK_RESTARTING, 0, 0, 0, true, true },

	{ WK_FAILED, WK_EV_READY, 0, WK_FAILED, 0, 0, 0, false, false },
	{ WK_FAILED, WK_EV_EXIT, 0, WK_FAILED, 0, 0, 0, false, false },
	{ WK_FAILED, WK_EV_TIMER, 0, WK_FAILED, 0, 0, 0, false, false },
	{ WK_FAILED, WK_EV_STOP, 0, WK_GONE, 0, 0, 0, false, false },
	{ WK_FAILED, WK_EV_RESTART, 0, WK_STARTING, 1, 0, 0, true, false },
	{ WK_FAILED, WK_EV_KILL, 0, WK_FAILED, 0, 0, 0, false, false },
	{ WK_FAILED, WK_EV_TURN, 0, WK_FAILED, 0, 0, 0, false, false },

	{ WK_GONE, WK_EV_READY, 0, WK_GONE, 0, 0, 0, false, false },
	{ WK_GONE, WK_EV_EXIT, 0, WK_GONE, 0, 0, 0, false, false },
	{ WK_GONE, WK_EV_TIMER, 0, WK_GONE, 0, 0, 0, false, false },
	{ WK_GONE, WK_EV_STOP, 0, WK_GONE, 0, 0, 0, false, false },
	{ WK_GONE, WK_EV_RESTART, 0, WK_STARTING, 1, 0, 0, true, false },
	{ WK_GONE, WK_EV_RESTART, SET_WATCHDOG, WK_STARTING, 1, 1, 0, true, true },
	{ WK_GONE, WK_EV_RESTART, SET_SPAWN_FAILS, WK_BACKOFF, 1, 0, 0, false, true },
	{ WK_GONE, WK_EV_KILL, 0, WK_GONE, 0, 0, 0, false, false },
	{ WK_GONE, WK_EV_TURN, 0, WK_GONE, 0, 0, 0, false, false },
};

static const char *const event_names[WK_NEVENTS] = {
	"ready", "exit", "timer", "stop", "restart", "kill", "turn",
};

static struct plugin_conf *make_conf(unsigned set)
{
	struct plugin_conf *pc = calloc(1, sizeof(*pc));

	if (!pc || !(pc->name = strdup("t")) || !(pc->file = strdup("t.conf")))
		abort();
	pc->watchdog_ms = set & SET_WATCHDOG ? WATCHDOG_MS : 0;
	return pc;
}

/* A worker as it is in state s: with a process where s has one, with a
 * deadline where s keeps one. */
static struct wk *make_worker(const struct row *t)
{
	struct wk *w = wk_new(make_conf(t->set));
	bool has_pid = t->state == WK_STARTING || t->state == WK_RUNNING ||
		       t->state == WK_STOPPING || t->state == WK_RESTARTING;

	if (!w)
		abort();
	w->state = t->state;
	w->pid = has_pid ? FAKE_PID : 0;
	w->failures = 3;
	if (t->state == WK_BACKOFF || t->state == WK_STOPPING ||
	    t->state == WK_RESTARTING)
		w->deadline_ms = FAKE_NOW + 100;
	if (t->state == WK_RUNNING)
		w->ready_ms = FAKE_NOW - 10;
	w->ping_seq = 5;
	w->pong_seq = t->set & SET_ANSWERED ? 5 : 4;
	w->fail_kind = t->set & SET_LOAD_FAIL ? REC_FAIL_LOAD : 0;
	snprintf(w->last_exit, sizeof(w->last_exit), "exit 1");
	return w;
}

static void run_row(const struct row *t)
{
	struct wk *w = make_worker(t);
	const char *from = wk_state_name(t->state);
	const char *ev = event_names[t->event];

	memset(&seen, 0, sizeof(seen));
	seen.spawn_fails = t->set & SET_SPAWN_FAILS;
	wk_handle(w, t->event);
	CHECK_STR(wk_state_name(w->state), wk_state_name(t->want),
		  "%s on %s (set %u): state", from, ev, t->set);
	CHECK_INT(seen.spawns, t->spawns, "%s on %s (set %u): spawns", from,
		  ev, t->set);
	CHECK_INT(seen.asks, t->asks, "%s on %s (set %u): watchdog questions",
		  from, ev, t->set);
	CHECK_INT(seen.last_signal, t->signal, "%s on %s (set %u): signal",
		  from, ev, t->set);
	CHECK_INT(w->pid != 0, t->pid, "%s on %s (set %u): has a process",
		  from, ev, t->set);
	CHECK_INT(w->deadline_ms != 0, t->deadline,
		  "%s on %s (set %u): has a deadline", from, ev, t->set);
	if (t->event == WK_EV_RESTART && t->spawns && t->pid)
		CHECK_INT(w->failures, 0,
			  "%s on %s: a restart asked for clears the backoff",
			  from, ev);
	wk_free(w);
}

/* Every cell of the table has a row: a new state or event cannot be
 * added without saying what it does everywhere. */
static void check_coverage(void)
{
	bool covered[WK_NSTATES][WK_NEVENTS] = { { false } };
	size_t i;
	int s, e;

	for (i = 0; i < NELEM(rows); i++)
		covered[rows[i].state][rows[i].event] = true;
	for (s = 0; s < WK_NSTATES; s++)
		for (e = 0; e < WK_NEVENTS; e++)
			CHECK(covered[s][e], "cell %s x %s has a row",
			      wk_state_name(s), event_names[e]);
}

/* Starts are paced: past max_starting, a worker waits in WK_QUEUED, shown
 * as starting with no process, until one of those starting is ready. */
static void check_pacing(void)
{
	struct wk *w[3];
	int i;

	for (i = 0; i < 3; i++) {
		w[i] = wk_new(make_conf(0));
		if (!w[i])
			abort();
	}
	memset(&seen, 0, sizeof(seen));
	for (i = 0; i < 3; i++)
		wk_handle(w[i], WK_EV_RESTART);
	CHECK_INT(seen.spawns, 2, "pacing: two of three start (max_starting 2)");
	CHECK_STR(wk_state_name(w[2]->state), "queued",
		  "pacing: the third waits for its turn");
	CHECK_STR(wk_state_shown(w[2]->state), "starting",
		  "pacing: shown as starting");
	CHECK_INT(w[2]->pid, 0, "pacing: with no process");
	CHECK(wk_has_queued() && !wk_has_room_to_start(),
	      "pacing: one queued, no room");
	wk_handle(w[0], WK_EV_READY);
	CHECK(wk_has_room_to_start(), "pacing: a ready worker makes room");
	wk_handle(w[2], WK_EV_TURN);
	CHECK_INT(seen.spawns, 3, "pacing: its turn starts the third");
	CHECK(!wk_has_queued(), "pacing: none queued any more");
	for (i = 0; i < 3; i++)
		wk_free(w[i]);
	CHECK(wk_has_room_to_start() && !wk_has_queued(),
	      "pacing: freed workers leave no count behind");
}

/* igorctl shows only SPEC.md's states. */
static void check_shown(void)
{
	static const char *const spec[] = { "starting", "running", "backoff",
					    "stopping", "failed" };
	size_t j;
	int s;

	for (s = 0; s < WK_NSTATES; s++) {
		bool ok = false;

		for (j = 0; j < NELEM(spec); j++)
			ok |= strcmp(wk_state_shown(s), spec[j]) == 0;
		CHECK(ok, "state %s is shown as one of SPEC's (%s)",
		      wk_state_name(s), wk_state_shown(s));
	}
}

int main(void)
{
	struct wk_settings s = {
		.restart = { 100, 30000, 60000 },
		.stop_timeout_ms = 1000,
	};
	struct wk_ops ops = { fake_spawn, fake_signal, fake_ask, fake_now };
	size_t i;

	s.max_starting = 2;
	wk_configure(&s, &ops);
	check_pacing();
	s.max_starting = 0;
	wk_configure(&s, &ops);
	for (i = 0; i < NELEM(rows); i++)
		run_row(&rows[i]);
	check_coverage();
	check_shown();
	return check_done();
}
