/*
 * emit.c: see emit.h.  The stream is the process's single channel to the
 * supervisor, so its state is file-static.
 */
#include "emit.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "rec.h"
#include "util.h"

/* A batch is written once it holds this much, not only when due. */
enum { EMIT_BATCH = 32 * 1024 };

static int emit_fd = -1;
static pthread_mutex_t emit_lock = PTHREAD_MUTEX_INITIALIZER;
static struct rec_buf batch;
static int64_t batch_since_ms; /* when the oldest queued record came */
static bool each_event = true;
static int64_t counted_events, counted_overflows; /* not yet sent */

void emit_set_each_event(bool on)
{
	pthread_mutex_lock(&emit_lock);
	each_event = on;
	pthread_mutex_unlock(&emit_lock);
}

/* Called with emit_lock held: the counted events as one record. */
static int put_counts_locked(void)
{
	struct rec r;

	if (!counted_events && !counted_overflows)
		return 0;
	rec_init(&r, REC_EVENTS);
	rec_set_num(&r, REC_K_COUNT, counted_events);
	rec_set_num(&r, REC_K_OVERFLOWS, counted_overflows);
	counted_events = counted_overflows = 0;
	return rec_encode(&batch, &r, &rec_worker_proto);
}

static bool has_queued_locked(void)
{
	return batch.len || counted_events || counted_overflows;
}

int emit_init(int fd)
{
	emit_fd = fd;
	return 0;
}

/* Called with emit_lock held. */
static int flush_locked(void)
{
	if (put_counts_locked() < 0)
		return -1;
	if (!batch.len)
		return 0;
	return rec_buf_flush(&batch, emit_fd);
}

int emit_flush(void)
{
	int r;

	pthread_mutex_lock(&emit_lock);
	r = flush_locked();
	pthread_mutex_unlock(&emit_lock);
	return r;
}

/* Appends r after what is queued and writes everything now. */
static int send_now(const struct rec *r)
{
	int ret;

	pthread_mutex_lock(&emit_lock);
	ret = put_counts_locked(); /* events delivered before this record */
	if (ret == 0)
		ret = rec_encode(&batch, r, &rec_worker_proto);
	if (ret == 0)
		ret = flush_locked();
	pthread_mutex_unlock(&emit_lock);
	return ret;
}

int emit_record(const struct rec *r)
{
	return send_now(r);
}

int emit_hello(void)
{
	struct rec r;

	rec_init(&r, REC_HELLO);
	rec_set_num(&r, REC_K_VERSION, REC_VERSION);
	rec_set_num(&r, REC_K_PID, getpid());
	return send_now(&r);
}

int emit_ready(void)
{
	struct rec r;

	rec_init(&r, REC_READY);
	return send_now(&r);
}

int emit_fail(int kind, const char *msg)
{
	struct rec r;
	size_t len = strlen(msg);

	rec_init(&r, REC_FAIL);
	rec_set_num(&r, REC_K_KIND, kind);
	rec_set_bytes(&r, REC_K_MSG, msg, len > REC_MSG_MAX ? REC_MSG_MAX : len);
	return send_now(&r);
}

int emit_log(int level, const char *msg, size_t len)
{
	struct rec r;

	rec_init(&r, REC_LOG);
	rec_set_num(&r, REC_K_LEVEL, level);
	rec_set_bytes(&r, REC_K_MSG, msg, len > REC_MSG_MAX ? REC_MSG_MAX : len);
	return send_now(&r);
}

int emit_vlogf(int level, const char *fmt, va_list ap)
{
	char msg[REC_MSG_MAX + 1];
	int n = vsnprintf(msg, sizeof(msg), fmt, ap);

	if (n < 0)
		return -1;
	return emit_log(level, msg, (size_t)n < sizeof(msg) ? (size_t)n
							    : sizeof(msg) - 1);
}

int emit_logf(int level, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = emit_vlogf(level, fmt, ap);
	va_end(ap);
	return ret;
}

int emit_pong(int64_t seq)
{
	struct rec r;

	rec_init(&r, REC_PONG);
	rec_set_num(&r, REC_K_SEQ, seq);
	return send_now(&r);
}

int emit_due_ms(void)
{
	int64_t due = -1;

	pthread_mutex_lock(&emit_lock);
	if (has_queued_locked()) {
		due = batch_since_ms + EMIT_DELAY_MS - now_ms();
		if (due < 0)
			due = 0;
	}
	pthread_mutex_unlock(&emit_lock);
	return (int)due;
}

int emit_event(int wd, uint32_t mask, uint32_t cookie, const char *path,
	       size_t len)
{
	struct rec r;
	int ret;

	pthread_mutex_lock(&emit_lock);
	if (!each_event) {
		if (!has_queued_locked())
			batch_since_ms = now_ms();
		if (wd == -1)
			counted_overflows++;
		else
			counted_events++;
		pthread_mutex_unlock(&emit_lock);
		return 0;
	}
	pthread_mutex_unlock(&emit_lock);
	rec_init(&r, REC_EVENT);
	rec_set_num(&r, REC_K_WD, wd);
	rec_set_num(&r, REC_K_MASK, mask);
	rec_set_num(&r, REC_K_COOKIE, cookie);
	if (path)
		rec_set_bytes(&r, REC_K_PATH, path, len);
	pthread_mutex_lock(&emit_lock);
	if (!has_queued_locked())
		batch_since_ms = now_ms();
	ret = rec_encode(&batch, &r, &rec_worker_proto);
	if (ret == 0 && batch.len >= EMIT_BATCH)
		ret = flush_locked();
	pthread_mutex_unlock(&emit_lock);
	return ret;
}
