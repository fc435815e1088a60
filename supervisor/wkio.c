/*
 * wkio.c: see wkio.h.
 */
#include "wkio.h"

#include <errno.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "log.h"
#include "sink.h"
#include "util.h"
#include "wkrec.h"

static void io_close(struct wk_io *io)
{
	if (io->fd < 0)
		return;
	ev_del(io->fd);
	io->fd = safe_close(io->fd);
}

/* Watches what io needs now: records are always read; a queue waiting
 * for the socket adds EPOLLOUT. */
static int io_watch(struct wk_io *io, uint32_t want)
{
	if (io->fd < 0 || want == io->events)
		return 0;
	if (ev_mod(io->fd, &io->src, want) < 0)
		return -1;
	io->events = want;
	return 0;
}

/* What the record socket is watched for: records, unless paused, and
 * room to write while something is queued. */
static uint32_t rec_wants(const struct wk *w)
{
	return (w->paused ? 0 : EPOLLIN) |
	       (rec_buf_pending(&w->tx) ? EPOLLOUT : 0);
}

static void watch_all(struct wk *w)
{
	if (io_watch(&w->rec, rec_wants(w)) < 0 ||
	    io_watch(&w->out, w->paused ? 0 : EPOLLIN) < 0 ||
	    io_watch(&w->err, w->paused ? 0 : EPOLLIN) < 0)
		log_errno(LOG_LVL_ERROR, "plugin '%s': cannot watch its fds",
			  w->name);
}

/* The log is congested: read w no further until it clears. */
static void pause_reading(struct wk *w)
{
	if (w->paused)
		return;
	w->paused = true;
	w->paused_since = now_ms();
	watch_all(w);
}

/*
 * Decodes every whole record held; -1 after a protocol error.  Heeding
 * the sink, it stops (and pauses the worker) while the log is congested,
 * leaving the rest held; a dead worker's last records are taken whatever
 * the sink says.
 */
static int process_records(struct wk *w, bool heed_sink)
{
	struct why why;
	struct rec r;
	int got = 0;

	while (!(heed_sink && sink_is_congested()) &&
	       (got = rec_next(&w->rd, &r, &why)) > 0)
		if (wkrec_handle(w, &r) < 0)
			return -1;
	if (got < 0) {
		wkrec_protocol_error(w, why.msg);
		return -1;
	}
	if (heed_sink && sink_is_congested())
		pause_reading(w);
	return 0;
}

/* Reads once; returns bytes read, 0 at end or error, -1 on EAGAIN. */
static long read_records(struct wk *w, bool heed_sink)
{
	long n = rec_reader_fill(&w->rd, w->rec.fd);

	if (n < 0 && errno == EAGAIN)
		return -1;
	if (n <= 0) {
		if (rec_reader_pending(&w->rd))
			wkrec_protocol_error(w, "stream ends inside a record");
		io_close(&w->rec);
		return 0;
	}
	if (process_records(w, heed_sink) < 0) {
		io_close(&w->rec);
		return 0;
	}
	return n;
}

/* Writes what the socket takes; stops watching for room once empty. */
static void write_records(struct wk *w)
{
	if (rec_buf_write_some(&w->tx, w->rec.fd) < 0) {
		/* The worker's end is gone: its exit comes through SIGCHLD. */
		w->tx.len = w->tx.off = 0;
	}
	if (io_watch(&w->rec, rec_wants(w)) < 0)
		log_errno(LOG_LVL_ERROR, "plugin '%s': cannot watch its socket",
			  w->name);
}

static void on_rec_ready(struct ev_src *src, uint32_t events)
{
	struct wk_io *io = (struct wk_io *)src;
	struct wk *w = io->wk;

	if (io->fd >= 0 && (events & EPOLLOUT))
		write_records(w);
	if (io->fd < 0 || !(events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		return;
	if (sink_is_congested())
		pause_reading(w);
	else
		read_records(w, true);
}

int wkio_send(struct wk *w, const struct rec *r)
{
	if (w->rec.fd < 0)
		return -1;
	if (rec_buf_pending(&w->tx) > WKIO_TX_MAX) {
		wkrec_protocol_error(w, "it does not read what igor sends");
		return -1;
	}
	if (rec_encode(&w->tx, r, &rec_s2w_proto) < 0) {
		log_errno(LOG_LVL_ERROR, "plugin '%s': cannot encode a record",
			  w->name);
		return -1;
	}
	write_records(w);
	return 0;
}

void wkio_ask(struct wk *w, int64_t seq)
{
	struct rec r;

	rec_init(&r, REC_PING);
	rec_set_num(&r, REC_K_SEQ, seq);
	wkio_send(w, &r);
}

/* ---- stdout and stderr ---------------------------------------------------- */

static void on_line(void *arg, char *line, size_t len)
{
	struct wk_io *io = arg;

	wkrec_log_line(io->wk, io->level, line, len);
}

/* Reads once; like read_records. */
static long read_lines(struct wk_io *io)
{
	long n = linebuf_read(&io->lines, io->fd, on_line, io);

	if (n < 0 && errno == EAGAIN)
		return -1;
	if (n <= 0) {
		linebuf_flush(&io->lines, on_line, io);
		io_close(io);
		return 0;
	}
	return n;
}

static void on_line_ready(struct ev_src *src, uint32_t events)
{
	struct wk_io *io = (struct wk_io *)src;

	(void)events;
	if (io->fd < 0)
		return;
	if (sink_is_congested())
		pause_reading(io->wk);
	else
		read_lines(io);
}

static int io_open(struct wk_io *io, struct wk *w, int fd,
		   void (*fn)(struct ev_src *, uint32_t), int level)
{
	io->src.on_ready = fn;
	io->wk = w;
	io->fd = fd;
	io->level = level;
	io->events = EPOLLIN;
	linebuf_init(&io->lines);
	if (fd_nonblock(fd, true) < 0 || ev_add(fd, &io->src) < 0) {
		io->fd = safe_close(fd);
		return -1;
	}
	return 0;
}

int wkio_open(struct wk *w, int rec_fd, int out_fd, int err_fd)
{
	int saved;

	w->hello = false;
	w->paused = false;
	rec_reader_reset(&w->rd);
	w->tx.len = w->tx.off = 0;
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

/* ---- the end --------------------------------------------------------------- */

static int buffered(const struct wk_io *io)
{
	int n = 0;

	if (io->fd < 0 || ioctl(io->fd, FIONREAD, &n) < 0)
		return 0;
	return n;
}

/* Reads the lines io holds now and no more: a writer still holding the
 * pipe cannot keep igor here. */
static void drain_lines(struct wk_io *io)
{
	long left, n;

	for (left = buffered(io); left > 0 && io->fd >= 0; left -= n)
		if ((n = read_lines(io)) <= 0)
			break;
	linebuf_flush(&io->lines, on_line, io);
}

/* Reads what the socket holds now; a dead worker's whatever the sink
 * says (heed_sink false). */
static void read_held(struct wk *w, bool heed_sink)
{
	long left, n;

	for (left = buffered(&w->rec); left > 0 && w->rec.fd >= 0; left -= n)
		if ((n = read_records(w, heed_sink)) <= 0)
			break;
}

void wkio_read_buffered(struct wk *w)
{
	if (!w->paused)
		read_held(w, true);
}

void wkio_resume(struct wk *w)
{
	int64_t off;

	if (!w->paused || sink_is_congested())
		return;
	off = now_ms() - w->paused_since;
	w->paused = false;
	if (w->deadline_ms && (w->state == WK_STARTING ||
			       w->state == WK_RUNNING))
		w->deadline_ms += off;
	/* What was read before the pause is held already: no event will
	 * say so, so take it now. */
	if (process_records(w, true) < 0) {
		io_close(&w->rec);
		return;
	}
	watch_all(w);
}

void wkio_drain_and_close(struct wk *w)
{
	w->paused = false;
	read_held(w, false);
	if (w->rec.fd >= 0)
		process_records(w, false);
	if (w->rec.fd >= 0 && rec_reader_pending(&w->rd))
		wkrec_protocol_error(w, "stream ends inside a record");
	drain_lines(&w->out);
	drain_lines(&w->err);
	io_close(&w->rec);
	io_close(&w->out);
	io_close(&w->err);
	w->tx.len = w->tx.off = 0;
}
