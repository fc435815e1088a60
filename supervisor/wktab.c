/*
 * wktab.c: see wktab.h.
 */
#include "wktab.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "sink.h"
#include "util.h"
#include "wkio.h"

/* epoll_wait takes an int of milliseconds: sleep at most an hour at a
 * time, which is no wakeup worth counting and far from overflowing. */
enum { WKTAB_MAX_SLEEP_MS = 3600 * 1000 };

/* Queued workers started per loop round, at most: each start waits for
 * its exec, so a round stays short and igorctl and signals are answered
 * between them. */
enum { WKTAB_STARTS_PER_ROUND = 8 };

static struct wk **table; /* sorted by name */
static size_t ntable;

size_t wktab_count(void)
{
	return ntable;
}

struct wk *wktab_at(size_t i)
{
	return i < ntable ? table[i] : NULL;
}

/* The table is in name order: a binary search. */
struct wk *wktab_find(const char *name)
{
	size_t lo = 0, hi = ntable, mid;
	int cmp;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		cmp = strcmp(table[mid]->name, name);
		if (cmp == 0)
			return table[mid];
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

struct wk *wktab_find_pid(pid_t pid)
{
	size_t i;

	for (i = 0; i < ntable; i++)
		if (table[i]->pid == pid)
			return table[i];
	return NULL;
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

int wktab_add(struct plugin_conf *pc)
{
	struct wk *w = wk_new(pc);

	if (!w)
		return -1;
	if (insert_sorted(w) < 0) {
		wk_log(w, LOG_LVL_ERROR, "plugin '%s': out of memory", w->name);
		wk_free(w);
		return -1;
	}
	wk_handle(w, WK_EV_RESTART);
	return 0;
}

int wktab_restart(const char *name)
{
	struct wk *w = wktab_find(name);

	if (!w || !wk_is_wanted(w))
		return -1;
	w->failures = 0;
	wk_handle(w, WK_EV_RESTART);
	return 0;
}

void wktab_rewalk_degraded(void)
{
	struct rec r;
	size_t i;

	rec_init(&r, REC_REWALK);
	for (i = 0; i < ntable; i++)
		if (table[i]->pid && table[i]->said.degraded[0])
			wkio_send(table[i], &r);
}

void wktab_broadcast_level(int level)
{
	struct rec r;
	size_t i;

	rec_init(&r, REC_LEVEL);
	rec_set_num(&r, REC_K_LEVEL, level);
	for (i = 0; i < ntable; i++)
		if (table[i]->pid)
			wkio_send(table[i], &r);
}

void wktab_stop_all(void)
{
	size_t i;

	for (i = 0; i < ntable; i++)
		wk_handle(table[i], WK_EV_STOP);
}

bool wktab_all_gone(void)
{
	size_t i;

	for (i = 0; i < ntable; i++)
		if (table[i]->pid)
			return false;
	return true;
}

/* A worker igor does not read has its watchdog suspended (wkio.h); its
 * other deadlines (a stop, a backoff) hold. */
static bool is_suspended(const struct wk *w)
{
	return wkio_is_paused(w) &&
	       (w->state == WK_STARTING || w->state == WK_RUNNING);
}

int wktab_next_timeout(int64_t now)
{
	int64_t soonest = -1;
	size_t i;

	if (wk_has_queued() && wk_has_room_to_start())
		return 0; /* more to start at the next round */

	for (i = 0; i < ntable; i++) {
		int64_t d = table[i]->deadline_ms;

		if (is_suspended(table[i]))
			continue;
		if (d && (soonest < 0 || d < soonest))
			soonest = d;
	}
	if (soonest < 0)
		return -1;
	if (soonest <= now)
		return 0;
	return soonest - now > WKTAB_MAX_SLEEP_MS ? WKTAB_MAX_SLEEP_MS
						  : (int)(soonest - now);
}

void wktab_run_timers(int64_t now)
{
	size_t i;

	for (i = 0; i < ntable; i++) {
		struct wk *w = table[i];

		if (!w->deadline_ms || w->deadline_ms > now || is_suspended(w))
			continue;
		/* An answer or a READY may be waiting unread because igor was
		 * busy when it came: hear it before judging the deadline. */
		if (w->pid)
			wkio_read_buffered(w);
		if (w->deadline_ms && w->deadline_ms <= now) {
			w->deadline_ms = 0;
			wk_handle(w, WK_EV_TIMER);
		}
	}
}

void wktab_run_queue(void)
{
	size_t i;
	int started = 0;

	for (i = 0; i < ntable && started < WKTAB_STARTS_PER_ROUND &&
		    wk_has_queued() && wk_has_room_to_start(); i++) {
		if (table[i]->state != WK_QUEUED)
			continue;
		wk_handle(table[i], WK_EV_TURN);
		started++;
	}
}

void wktab_resume_all(void)
{
	size_t i;

	for (i = 0; i < ntable && !sink_is_congested(); i++)
		wkio_resume(table[i]);
}

void wktab_sweep(void)
{
	size_t i, j = 0;

	for (i = 0; i < ntable; i++) {
		struct wk *w = table[i];

		if (w->state == WK_GONE && !w->pid)
			wk_free(w);
		else
			table[j++] = w;
	}
	ntable = j;
}

void wktab_release_all(void)
{
	size_t i;

	for (i = 0; i < ntable; i++)
		wk_free(table[i]);
	free(table);
	table = NULL;
	ntable = 0;
}

static int64_t as_count(uint64_t v)
{
	return v > INT64_MAX ? INT64_MAX : (int64_t)v;
}

static void snapshot_one(struct wk *w, struct ctl_worker *cw, int64_t now)
{
	memset(cw, 0, sizeof(*cw));
	cw->pid = w->pid;
	cw->uptime_s = w->state == WK_RUNNING ? (now - w->ready_ms) / 1000 : -1;
	cw->restarts = w->starts ? (int64_t)w->starts - 1 : 0;
	cw->events = as_count(counters_events(&w->counts));
	cw->overflows = as_count(counters_overflows(&w->counts));
	snprintf(cw->name, sizeof(cw->name), "%s", w->name);
	snprintf(cw->state, sizeof(cw->state), "%s", wk_state_shown(w->state));
	snprintf(cw->last_exit, sizeof(cw->last_exit), "%s", w->last_exit);
	if (w->state == WK_BACKOFF || w->state == WK_FAILED)
		snprintf(cw->error, sizeof(cw->error), "%s", w->error);
	cw->degraded = w->state == WK_RUNNING && w->said.degraded[0];
	if (cw->degraded)
		snprintf(cw->error, sizeof(cw->error), "%s", w->said.degraded);
	/* Borrowed from the worker: the snapshot is encoded at once. */
	cw->lines = w->said.lines;
	cw->nlines = w->said.n;
}

int wktab_snapshot(struct ctl_worker **v, size_t *n)
{
	int64_t now = now_ms();
	size_t i;

	*n = 0;
	*v = calloc(ntable ? ntable : 1, sizeof(**v));
	if (!*v)
		return -1;
	for (i = 0; i < ntable; i++)
		snapshot_one(table[i], &(*v)[(*n)++], now);
	return 0;
}
