/*
 * wkio.c: a worker's bytes: its record stream (decoded defensively: any
 * protocol error kills that worker, never the supervisor), its stdout and
 * stderr as log lines, and the description of how it ended.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "util.h"
#include "wk.h"

void wk_describe_status(int status, char *buf, size_t len)
{
	const char *name;

	if (WIFEXITED(status)) {
		snprintf(buf, len, "exit %d", WEXITSTATUS(status));
		return;
	}
	name = WIFSIGNALED(status) ? sigabbrev_np(WTERMSIG(status)) : NULL;
	if (name)
		snprintf(buf, len, "signal %s", name);
	else
		snprintf(buf, len, "signal %d", WTERMSIG(status));
}

void wk_kill_group(struct wk *w, int sig)
{
	if (w->pid > 0)
		kill(-w->pid, sig);
}

/* A protocol error: logged with the worker's name, and the worker dies. */
static void protocol_error(struct wk *w, const char *why)
{
	log_error("plugin '%s' (pid %d): protocol error: %s; killing it",
		  w->name, (int)w->pid, why);
	snprintf(w->error, sizeof(w->error), "protocol error: %s", why);
	wk_handle(w, WK_EV_KILL);
}

static void log_plugin_line(struct wk *w, int level, const void *msg,
			    size_t len)
{
	if (level < log_threshold() || level < w->conf->log_level)
		return;
	log_line(level, w->source, msg, len);
}

static void on_events_count(struct wk *w, int64_t events, int64_t overflows)
{
	w->events += (uint64_t)events;
	w->overflows += (uint64_t)overflows;
	if (overflows)
		log_warning("plugin '%s': inotify queue overflowed; events were lost (raise fs.inotify.max_queued_events)",
			    w->name);
}

static void on_event_record(struct wk *w, const struct rec *r)
{
	if (r->num[REC_K_WD] == -1)
		on_events_count(w, 0, 1);
	else
		on_events_count(w, 1, 0);
	if (log_enabled(LOG_LVL_DEBUG))
		log_debug("plugin '%s': event mask 0x%llx %.*s", w->name,
			  (unsigned long long)r->num[REC_K_MASK],
			  (int)r->len[REC_K_PATH],
			  rec_has(r, REC_K_PATH) ? (const char *)r->bytes[REC_K_PATH] : "");
}

/* Returns -1 when the record is a protocol error (already handled). */
static int on_record(struct wk *w, const struct rec *r)
{
	if (!w->hello && r->type != REC_HELLO) {
		protocol_error(w, "first record is not HELLO");
		return -1;
	}
	switch (r->type) {
	case REC_HELLO:
		if (w->hello || r->num[REC_K_VERSION] != REC_VERSION) {
			protocol_error(w, w->hello ? "second HELLO"
						   : "protocol version mismatch");
			return -1;
		}
		w->hello = true;
		return 0;
	case REC_READY:
		wk_handle(w, WK_EV_READY);
		return 0;
	case REC_FAIL:
		w->fail_kind = (int)r->num[REC_K_KIND];
		snprintf(w->error, sizeof(w->error), "%.*s",
			 (int)r->len[REC_K_MSG], (const char *)r->bytes[REC_K_MSG]);
		return 0;
	case REC_LOG:
		log_plugin_line(w, (int)r->num[REC_K_LEVEL], r->bytes[REC_K_MSG],
				r->len[REC_K_MSG]);
		return 0;
	case REC_EVENT:
		on_event_record(w, r);
		return 0;
	case REC_EVENTS:
		on_events_count(w, r->num[REC_K_COUNT], r->num[REC_K_OVERFLOWS]);
		return 0;
	case REC_DEGRADED: return 0; /* the lead wires igorctl status */
	case REC_PONG:
		w->pong_seq = r->num[REC_K_SEQ];
		return 0;
	}
	protocol_error(w, "record type not sent by workers");
	return -1;
}

/* Decodes every whole record held; -1 after a protocol error. */
static int process_records(struct wk *w)
{
	const char *why;
	struct rec r;
	int got;

	while ((got = rec_next(&w->rd, &r, &why)) > 0)
		if (on_record(w, &r) < 0)
			return -1;
	if (got < 0) {
		protocol_error(w, why);
		return -1;
	}
	return 0;
}

static void io_close(struct wk_io *io)
{
	if (io->fd < 0)
		return;
	ev_del(io->fd);
	io->fd = safe_close(io->fd);
}

/* Reads once; returns bytes read, 0 at end or error, -1 on EAGAIN. */
static long read_records(struct wk *w)
{
	long n = rec_reader_fill(&w->rd, w->rec.fd);

	if (n < 0 && errno == EAGAIN)
		return -1;
	if (n <= 0) {
		if (rec_reader_pending(&w->rd))
			protocol_error(w, "stream ends inside a record");
		io_close(&w->rec);
		return 0;
	}
	if (process_records(w) < 0) {
		io_close(&w->rec);
		return 0;
	}
	return n;
}

static void on_rec_ready(struct ev_src *src, uint32_t events)
{
	struct wk_io *io = (struct wk_io *)src;

	(void)events;
	if (io->fd >= 0)
		read_records(io->wk);
}

/* Logs every whole line held, and the rest when flush_all. */
static void emit_lines(struct wk_io *io, bool flush_all)
{
	char *nl, *start = io->line;
	size_t left = io->len;

	while ((nl = memchr(start, '\n', left))) {
		log_plugin_line(io->wk, io->level, start, (size_t)(nl - start));
		left -= (size_t)(nl - start) + 1;
		start = nl + 1;
	}
	/* A line longer than the buffer is logged in pieces. */
	if (left && (flush_all || left == sizeof(io->line))) {
		log_plugin_line(io->wk, io->level, start, left);
		left = 0;
	}
	memmove(io->line, start, left);
	io->len = left;
}

/* Reads once; like read_records. */
static long read_lines(struct wk_io *io)
{
	ssize_t n;

	do
		n = read(io->fd, io->line + io->len, sizeof(io->line) - io->len);
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return -1;
	if (n <= 0) {
		emit_lines(io, true);
		io_close(io);
		return 0;
	}
	io->len += (size_t)n;
	emit_lines(io, false);
	return n;
}

static void on_line_ready(struct ev_src *src, uint32_t events)
{
	struct wk_io *io = (struct wk_io *)src;

	(void)events;
	if (io->fd >= 0)
		read_lines(io);
}

static int io_open(struct wk_io *io, struct wk *w, int fd,
		   void (*fn)(struct ev_src *, uint32_t), int level)
{
	io->src.on_ready = fn;
	io->wk = w;
	io->fd = fd;
	io->level = level;
	io->len = 0;
	if (fd_nonblock(fd, true) < 0 || ev_add(fd, &io->src) < 0) {
		io->fd = safe_close(fd);
		return -1;
	}
	return 0;
}

/* Takes the three fds, also on failure: then every one is closed. */
int wk_io_open(struct wk *w, int rec_fd, int out_fd, int err_fd)
{
	int saved;

	w->hello = false;
	w->rd.len = w->rd.off = 0;
	if (io_open(&w->rec, w, rec_fd, on_rec_ready, 0) < 0)
		goto out_close_out;
	if (io_open(&w->out, w, out_fd, on_line_ready, LOG_LVL_INFO) < 0)
		goto out_close_err;
	if (io_open(&w->err, w, err_fd, on_line_ready, LOG_LVL_WARNING) < 0)
		goto out_close_opened;
	return 0;
out_close_out:
	safe_close(out_fd);
out_close_err:
	safe_close(err_fd);
out_close_opened:
	saved = errno;
	io_close(&w->rec);
	io_close(&w->out);
	errno = saved;
	return -1;
}

static int buffered(const struct wk_io *io)
{
	int n = 0;

	if (io->fd < 0 || ioctl(io->fd, FIONREAD, &n) < 0)
		return 0;
	return n;
}

/* The process is gone: whatever it wrote is still in the kernel's
 * buffers; log it before its exit, so a crash report is never lost.
 * Only what is buffered now: a helper that escaped the worker's group
 * may hold the other end and write for ever, and must not hold us. */
void wk_io_drain_and_close(struct wk *w)
{
	long left, n;

	for (left = buffered(&w->rec); left > 0 && w->rec.fd >= 0; left -= n)
		if ((n = read_records(w)) <= 0)
			break;
	if (w->rec.fd >= 0 && rec_reader_pending(&w->rd))
		protocol_error(w, "stream ends inside a record");
	for (left = buffered(&w->out); left > 0 && w->out.fd >= 0; left -= n)
		if ((n = read_lines(&w->out)) <= 0)
			break;
	for (left = buffered(&w->err); left > 0 && w->err.fd >= 0; left -= n)
		if ((n = read_lines(&w->err)) <= 0)
			break;
	if (w->out.len)
		emit_lines(&w->out, true);
	if (w->err.len)
		emit_lines(&w->err, true);
	io_close(&w->rec);
	io_close(&w->out);
	io_close(&w->err);
}

int wk_send(struct wk *w, const struct rec *r)
{
	struct rec_buf b = { 0 };
	ssize_t n;
	int ret = -1;

	if (w->rec.fd < 0 || rec_encode(&b, r, &rec_worker_proto) < 0)
		goto out;
	/* Never block on a worker: a question that does not fit is dropped
	 * and asked again later.  These records are a few bytes, one skb on
	 * an AF_UNIX stream: sent whole or not at all, never cut. */
	n = send(w->rec.fd, b.data, b.len, MSG_DONTWAIT | MSG_NOSIGNAL);
	ret = n == (ssize_t)b.len ? 0 : -1;
out:
	rec_buf_release(&b);
	return ret;
}
