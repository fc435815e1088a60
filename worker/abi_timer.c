/*
 * abi_timer.c: the ABI's one-shot timers (igor_timer_*), one timerfd each
 * in the worker's loop.
 *
 * A freed timer is not given back to malloc: it goes, disarmed and still
 * registered, to a free list that igor_timer_new reuses.  The loop may hold
 * a timer's pointer in the batch it is running (ev.h: a handler must not
 * free another source during a round), so the memory must stay valid; a
 * stale wake-up finds nothing to read, or no callback, and does nothing.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "ctx.h"
#include "ev.h"
#include "igor/plugin.h"
#include "util.h"

struct igor_timer {
	struct ev_src src; /* first: the loop hands it back */
	int fd;
	igor_timer_fn *cb; /* NULL while on the free list */
	void *arg;
	struct igor_timer *next_free;
	struct igor_timer *next_all;
};

static struct igor_timer *free_timers;
/* Every timer ever made: they live as long as the worker, and the leak
 * checkers must see them reachable at exit. */
static struct igor_timer *all_timers;

static void on_timer_ready(struct ev_src *src, uint32_t events)
{
	struct igor_timer *t = (struct igor_timer *)src;
	uint64_t ticks;

	(void)events;
	if (ctx_gated())
		return; /* inside a walk: it stays ready for the loop */
	/* Disarming resets the count: a cancelled expiry reads EAGAIN. */
	if (read(t->fd, &ticks, sizeof(ticks)) != (ssize_t)sizeof(ticks))
		return;
	if (t->cb)
		t->cb(t, t->arg);
}

static struct igor_timer *timer_alloc(void)
{
	struct igor_timer *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->src.on_ready = on_timer_ready;
	t->fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (t->fd < 0)
		goto out_free;
	if (ev_add(t->fd, &t->src) < 0)
		goto out_close;
	t->next_all = all_timers;
	all_timers = t;
	return t;
out_close:
	safe_close(t->fd);
out_free:
	free(t);
	return NULL;
}

igor_timer *igor_timer_new(igor_inotify_factory *f, igor_timer_fn *cb,
			   void *arg)
{
	struct igor_timer *t;

	if (f != ctx_factory() || !cb) {
		errno = EINVAL;
		return NULL;
	}
	t = free_timers;
	if (t)
		free_timers = t->next_free;
	else
		t = timer_alloc();
	if (!t)
		return NULL;
	t->next_free = NULL;
	t->cb = cb;
	t->arg = arg;
	return t;
}

int igor_timer_arm(igor_timer *t, long long ms)
{
	struct itimerspec its = { 0 };

	if (!t || !t->cb) {
		errno = EINVAL;
		return -1;
	}
	if (ms <= 0) {
		its.it_value.tv_nsec = 1; /* all zero would disarm */
	} else {
		its.it_value.tv_sec = ms / 1000;
		its.it_value.tv_nsec = (ms % 1000) * 1000000;
	}
	return timerfd_settime(t->fd, 0, &its, NULL);
}

int igor_timer_disarm(igor_timer *t)
{
	struct itimerspec off = { 0 };

	if (!t) {
		errno = EINVAL;
		return -1;
	}
	return timerfd_settime(t->fd, 0, &off, NULL);
}

void igor_timer_free(igor_timer *t)
{
	if (!t || !t->cb)
		return;
	igor_timer_disarm(t);
	t->cb = NULL;
	t->arg = NULL;
	t->next_free = free_timers;
	free_timers = t;
}
