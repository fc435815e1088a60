/*
 * logwriter.c: see logwriter.h.
 */
#include "logwriter.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dgram.h"
#include "log.h"
#include "util.h"

void logwriter_init(struct logwriter *w, int err_fd)
{
	*w = (struct logwriter){
		.conf = { .dest = LOG_DEST_STDERR, .facility = RFC3164_DAEMON,
			  .threshold = LOG_LVL_CRITICAL },
		.err_fd = err_fd,
		.fd = -1,
		.journal_path = JOURNAL_SOCKET,
		.syslog_path = SYSLOG_SOCKET,
		.retry_ms = LOGWRITER_RETRY_MS,
		.pid = getpid(),
	};
}

void logwriter_release(struct logwriter *w)
{
	w->fd = safe_close(w->fd);
	journal_entry_release(&w->entry);
	w->conf.dest = LOG_DEST_STDERR;
	w->failed = false;
}

/* Writes all of buf on a blocking fd; waits out an O_NONBLOCK someone
 * else set on the shared file description. */
static int write_blocking(int fd, const char *buf, size_t len)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	ssize_t w;

	while (len) {
		w = write(fd, buf, len);
		if (w < 0 && errno == EAGAIN && poll(&p, 1, -1) >= 0)
			continue;
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

static int write_stderr(struct logwriter *w, const struct sink_rec *r)
{
	size_t n = log_format(w->buf, &r->when, r->level, r->source, r->msg,
			      r->len);

	return write_blocking(w->err_fd, w->buf, n);
}

static int send_syslog(struct logwriter *w, const struct sink_rec *r)
{
	size_t n = rfc3164_format(w->buf, w->conf.facility, w->pid, r);
	ssize_t s;

	do
		s = send(w->fd, w->buf, n, MSG_DONTWAIT | MSG_NOSIGNAL);
	while (s < 0 && errno == EINTR);
	return s < 0 ? -1 : 0;
}

/* One line to the destination's socket; errno EAGAIN: no room now. */
static int send_rec(struct logwriter *w, const struct sink_rec *r)
{
	if (w->conf.dest == LOG_DEST_SYSLOG)
		return send_syslog(w, r);
	if (journal_entry_build(&w->entry, r) < 0)
		return -1;
	return journal_send(w->fd, &w->entry);
}

static const char *dest_path(const struct logwriter *w)
{
	return w->conf.dest == LOG_DEST_SYSLOG ? w->syslog_path
					       : w->journal_path;
}

static bool has_socket(const struct logwriter *w)
{
	return w->conf.dest == LOG_DEST_JOURNAL ||
	       w->conf.dest == LOG_DEST_SYSLOG;
}

/* One of igor's lines about its log, on stderr or (to_dest) on the
 * destination; a notice that cannot be sent there is not retried. */
static int notice(struct logwriter *w, int level, bool to_dest,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int notice(struct logwriter *w, int level, bool to_dest,
		  const char *fmt, ...)
{
	char msg[512];
	struct sink_rec r = { .level = level, .source = "igor", .msg = msg };
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r.len = n < 0 ? 0 : (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1;
	clock_gettime(CLOCK_REALTIME, &r.when);
	return to_dest ? send_rec(w, &r) : write_stderr(w, &r);
}

/* The destination failed with err: stderr until it is back. */
static void fail(struct logwriter *w, int err)
{
	w->fd = safe_close(w->fd);
	w->failed = true;
	w->diverted = 0;
	w->next_try = now_ms() + w->retry_ms;
	notice(w, LOG_LVL_ERROR, false,
	       "cannot write to %s (%s: %s); writing to stderr until it is back",
	       log_dest_name(w->conf.dest), dest_path(w), strerror(err));
}

/* Connects to the destination; a failure is fail()'s. */
static void connect_dest(struct logwriter *w)
{
	w->fd = dgram_connect(dest_path(w));
	if (w->fd < 0)
		fail(w, errno);
}

/* Failed, and retry_ms passed: is it back? */
static void try_again(struct logwriter *w)
{
	int fd = dgram_connect(dest_path(w));

	if (fd < 0) {
		w->next_try = now_ms() + w->retry_ms;
		return;
	}
	w->fd = fd;
	w->failed = false;
	notice(w, LOG_LVL_INFO, false, "%s is back; writing there again",
	       log_dest_name(w->conf.dest));
	if (notice(w, LOG_LVL_INFO, true,
		   "%s is back; %zu lines went to stderr meanwhile",
		   log_dest_name(w->conf.dest), w->diverted) < 0 &&
	    errno != EAGAIN)
		fail(w, errno);
}

void logwriter_set(struct logwriter *w, const struct logwriter_conf *c)
{
	if (c->dest == w->conf.dest) { /* another facility or threshold */
		w->conf = *c;
		return;
	}
	if (c->threshold <= LOG_LVL_INFO)
		notice(w, LOG_LVL_INFO, has_socket(w) && !w->failed,
		       "the log goes to %s from now on", log_dest_name(c->dest));
	w->fd = safe_close(w->fd);
	w->failed = false;
	w->conf = *c;
	if (has_socket(w))
		connect_dest(w);
}

int logwriter_write(struct logwriter *w, const struct sink_rec *r)
{
	if (!has_socket(w))
		return write_stderr(w, r);
	if (w->failed && now_ms() >= w->next_try)
		try_again(w);
	if (!w->failed) {
		if (send_rec(w, r) == 0)
			return 0;
		if (errno == EAGAIN)
			return -1;
		fail(w, errno);
	}
	w->diverted++;
	return write_stderr(w, r);
}

bool logwriter_is_on_stderr(const struct logwriter *w)
{
	return !has_socket(w) || w->failed;
}

int logwriter_try(struct logwriter *w, const struct sink_rec *r)
{
	if (!has_socket(w) || w->failed) {
		errno = ENOTCONN;
		return -1;
	}
	return send_rec(w, r);
}

int logwriter_wait(struct logwriter *w, int timeout_ms)
{
	if (w->fd < 0)
		return 1;
	return dgram_wait(w->fd, timeout_ms);
}
