/*
 * loop.c: see loop.h.
 *
 * The flush deadline of queued event records is a timerfd armed once per
 * batch, not a timeout on every epoll_wait: a worker that keeps pace with
 * a stream of events wakes often, and a timed wait arms a kernel timer
 * each time.
 */
#include "loop.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "emit.h"
#include "ev.h"
#include "util.h"

static bool stopping;
static int stop_status;

static struct flush_timer {
	struct ev_src src;
	int fd;
	bool armed;
} flush_timer = { .fd = -1 };

void loop_stop(int status)
{
	stopping = true;
	stop_status = status;
}

static void on_flush_timer(struct ev_src *src, uint32_t events)
{
	struct flush_timer *t = (struct flush_timer *)src;
	uint64_t ticks;

	(void)events;
	(void)!read(t->fd, &ticks, sizeof(ticks));
	t->armed = false; /* the loop flushes what is due */
}

static int flush_timer_init(void)
{
	flush_timer.src.on_ready = on_flush_timer;
	flush_timer.fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (flush_timer.fd < 0)
		return -1;
	if (ev_add(flush_timer.fd, &flush_timer.src) < 0) {
		flush_timer.fd = safe_close(flush_timer.fd);
		return -1;
	}
	return 0;
}

static void flush_timer_arm(int ms)
{
	struct itimerspec it = { .it_value = { ms / 1000, (ms % 1000) * 1000000L } };

	if (flush_timer.armed)
		return;
	if (timerfd_settime(flush_timer.fd, 0, &it, NULL) == 0)
		flush_timer.armed = true;
}

int loop_run(void)
{
	int due;

	if (flush_timer_init() < 0)
		return 1;
	while (!stopping) {
		/* Queued event records wait a little, never past their due. */
		due = emit_due_ms();
		if (due == 0 && emit_flush() < 0)
			return 1; /* the supervisor is gone */
		if (due > 0)
			flush_timer_arm(due);
		if (ev_once(-1) < 0)
			return 1;
	}
	emit_flush();
	return stop_status;
}
