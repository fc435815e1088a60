/*
 * announce.c: see announce.h.
 */
#include "announce.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "notify.h"
#include "wktab.h"

enum {
	/* What each EXTEND_TIMEOUT_USEC asks for, and how often it is said
	 * again while starts are queued: well inside what it asks. */
	ANNOUNCE_EXTEND_MS = 30000,
	ANNOUNCE_EXTEND_EVERY_MS = 10000,
	/* STATUS= is said at most this often, however busy igor is. */
	ANNOUNCE_STATUS_EVERY_MS = 1000,
};

static struct {
	bool started, ready;
	int64_t watchdog_ms; /* half of WATCHDOG_USEC; 0: none */
	int64_t next_watchdog, next_extend, status_sent_at;
	unsigned long changes; /* wk_changes() when STATUS was composed */
	char status[128];
} an;

/* Sooner of two "milliseconds until" (-1: never). */
static int64_t sooner(int64_t a, int64_t b)
{
	if (a < 0)
		return b;
	return b < 0 || a < b ? a : b;
}

/* Is every worker's first start decided?  When not, *until is when the
 * earliest setup still running will count as decided, or -1. */
static bool all_decided(int64_t now, int64_t *until)
{
	bool all = true;
	size_t i;

	*until = -1;
	for (i = 0; i < wktab_count(); i++) {
		const struct wk *w = wktab_at(i);
		int64_t at = w->started_ms + ANNOUNCE_SETUP_DECIDED_MS;

		if (w->state == WK_QUEUED) {
			all = false;
		} else if (w->state == WK_STARTING && at > now) {
			all = false;
			*until = sooner(*until, at - now);
		}
	}
	return all;
}

static void compose_status(char *buf, size_t len)
{
	static const char *const shown[] = { "running", "starting", "backoff",
					     "failed", "stopping" };
	size_t count[5] = { 0 }, i, j, n = 0;

	for (i = 0; i < wktab_count(); i++)
		for (j = 0; j < 5; j++)
			if (strcmp(wk_state_shown(wktab_at(i)->state), shown[j]) == 0)
				count[j]++;
	buf[0] = '\0';
	for (j = 0; j < 5; j++)
		if (count[j] || (j == 0 && !wktab_count()))
			n += (size_t)snprintf(buf + n, len - n, "%s%zu %s",
					      n ? ", " : "", count[j], shown[j]);
}

/* STATUS=, when the states changed and it was not said in the last
 * second; returns the milliseconds until it may be said, or -1. */
static int64_t tick_status(int64_t now)
{
	char status[sizeof(an.status)];
	int64_t wait = an.status_sent_at + ANNOUNCE_STATUS_EVERY_MS - now;

	if (an.changes == wk_changes() && an.status[0])
		return -1;
	if (wait > 0 && an.status[0])
		return wait;
	an.changes = wk_changes();
	compose_status(status, sizeof(status));
	if (strcmp(status, an.status) == 0)
		return -1;
	snprintf(an.status, sizeof(an.status), "%s", status);
	notify_sendf("STATUS=%s", status);
	an.status_sent_at = now;
	return -1;
}

static int64_t tick_ready(int64_t now)
{
	int64_t until;

	if (an.ready)
		return -1;
	if (all_decided(now, &until)) {
		notify_send("READY=1");
		an.ready = true;
		return -1;
	}
	if (!wk_has_queued())
		return until;
	if (now >= an.next_extend) {
		notify_sendf("EXTEND_TIMEOUT_USEC=%llu",
			     (unsigned long long)ANNOUNCE_EXTEND_MS * 1000);
		an.next_extend = now + ANNOUNCE_EXTEND_EVERY_MS;
	}
	return sooner(until, an.next_extend - now);
}

static int64_t tick_watchdog(int64_t now)
{
	if (!an.watchdog_ms)
		return -1;
	if (now >= an.next_watchdog) {
		notify_send("WATCHDOG=1");
		an.next_watchdog = now + an.watchdog_ms;
	}
	return an.next_watchdog - now;
}

void announce_started(void)
{
	an.started = true;
	an.watchdog_ms = (int64_t)(notify_watchdog_usec() / 2000);
}

int announce_tick(int64_t now)
{
	int64_t next;

	if (!notify_is_enabled() || !an.started)
		return -1;
	next = tick_watchdog(now);
	next = sooner(next, tick_ready(now));
	next = sooner(next, tick_status(now));
	return next > 3600 * 1000 ? 3600 * 1000 : (int)next;
}

/* Before the first READY=1 a reload is part of starting: nothing to say. */
void announce_reloading(void)
{
	if (an.ready)
		notify_send("RELOADING=1");
}

void announce_reloaded(void)
{
	if (an.ready)
		notify_send("READY=1");
}

void announce_stopping(void)
{
	notify_send("STOPPING=1");
}
