/*
 * emit.c: see emit.h.  The stream is the process's single channel to the
 * supervisor, so its state is file-static.
 */
#include "emit.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "rec.h"
#include "util.h"
#include "wkargs.h"

/* A batch is written once it holds this much, not only when due. */
enum { EMIT_BATCH = 32 * 1024 };

static int emit_fd = -1;
static pthread_mutex_t emit_lock = PTHREAD_MUTEX_INITIALIZER;
static struct rec_buf batch;
static int64_t batch_since_ms; /* when the oldest queued record came */

/*
 * Only the loop's thread delivers events and learns the level, so the
 * counting below takes no lock: each event costs one store to the
 * counter page, which igor reads (wkargs.h).  Until the page is mapped,
 * and in igor -t, the counts go to a private stand-in.
 */
static bool each_event = true;
static struct wkargs_counters no_page;
static struct wkargs_counters *page = &no_page;

void emit_set_each_event(bool on)
{
	each_event = on;
}

int emit_map_counters(int fd)
{
	void *p = mmap(NULL, sizeof(*page), PROT_READ | PROT_WRITE,
		       MAP_SHARED, fd, 0);

	close(fd);
	if (p == MAP_FAILED)
		return -1;
	page = p;
	return 0;
}

/* One more in a counter igor reads: a single writer, so a relaxed store
 * of the whole value is all igor needs never to see it torn. */
static void count(uint64_t *c)
{
	__atomic_store_n(c, *c + 1, __ATOMIC_RELAXED);
}

static bool has_queued_locked(void)
{
	return batch.len != 0;
}

int emit_init(int fd)
{
	emit_fd = fd;
	return 0;
}

/* Called with emit_lock held. */
static int flush_locked(void)
{
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
	ret = rec_encode(&batch, r, &rec_w2s_proto);
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

int emit_overflow(void)
{
	struct rec r;

	count(&page->overflows);
	rec_init(&r, REC_OVERFLOW);
	return send_now(&r);
}

int emit_event(int wd, uint32_t mask, uint32_t cookie, const char *path,
	       size_t len)
{
	struct rec r;
	int ret;

	count(&page->events);
	if (!each_event)
		return 0;
	rec_init(&r, REC_EVENT);
	rec_set_num(&r, REC_K_WD, wd);
	rec_set_num(&r, REC_K_MASK, mask);
	rec_set_num(&r, REC_K_COOKIE, cookie);
	rec_set_bytes(&r, REC_K_PATH, path, len);
	pthread_mutex_lock(&emit_lock);
	if (!has_queued_locked())
		batch_since_ms = now_ms();
	ret = rec_encode(&batch, &r, &rec_w2s_proto);
	if (ret == 0 && batch.len >= EMIT_BATCH)
		ret = flush_locked();
	pthread_mutex_unlock(&emit_lock);
	return ret;
}
