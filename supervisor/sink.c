/*
 * sink.c: see sink.h.
 *
 * The queue is a list of lines, each one allocation holding its strings.
 * The loop's thread appends, the writer thread takes from the head; one
 * mutex guards the list and the counters, and is never held across a
 * write(2).  A line being written stays counted in bytes and lines until
 * its write returns, so the bounds and the drain see it.  A change of
 * destination is an entry of the queue too, of size 0 (counted in
 * neither), its struct logwriter_conf in data, so that every line goes
 * where the log went when it was logged.
 */
#include "sink.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "logring.h"
#include "logwriter.h"
#include "util.h"

/* How long the writer waits for room at a datagram destination before
 * it looks again whether igor is stopping. */
enum { SINK_WAIT_MS = 500 };

struct line {
	struct line *next;
	size_t size; /* counted against the bounds; 0: a destination */
	int level;
	struct timespec when;
	pid_t pid;
	char *plugin; /* into data, or NULL */
	char *msg;    /* into data */
	size_t len;
	char data[];  /* source NUL [plugin NUL] msg */
};

enum sink_state { SINK_CLOSED, SINK_OPEN, SINK_STOPPED };

/* The process's one sink: see sink.h.  state and fd belong to the loop's
 * thread, out to the writer thread while it runs; the rest is under
 * lock. */
static struct {
	enum sink_state state;
	int fd, efd;
	struct logwriter out;
	bool out_used; /* out holds what logwriter_release frees */
	pthread_t writer;
	pthread_mutex_t lock;
	pthread_cond_t more; /* the writer waits for lines */
	pthread_cond_t idle; /* sink_drain waits for an empty queue */
	struct line *head, **tail;
	size_t bytes, lines, lost;
	size_t soft, hard;
	bool busy;      /* the writer is writing a line */
	bool congested; /* above soft, until down to soft / 2 */
	bool stopping;
	bool direct_ok; /* the output may take a line from the loop itself */
} sink = { .fd = STDERR_FILENO, .efd = -1, .lock = PTHREAD_MUTEX_INITIALIZER };

/* Whether sink_drain gave up on the queue. */
static bool is_stopping(void)
{
	bool stopping;

	pthread_mutex_lock(&sink.lock);
	stopping = sink.stopping;
	pthread_mutex_unlock(&sink.lock);
	return stopping;
}

/* Writes l, waiting out the destination's back-pressure (the line stays
 * queued, counted against the bounds) until it has room or igor stops. */
static int write_line(const struct line *l)
{
	struct sink_rec r = { .level = l->level, .when = l->when,
			      .source = l->data, .plugin = l->plugin,
			      .pid = l->pid, .msg = l->msg, .len = l->len };

	while (logwriter_write(&sink.out, &r) < 0) {
		if (errno != EAGAIN || is_stopping())
			return -1;
		logwriter_wait(&sink.out, SINK_WAIT_MS);
	}
	return 0;
}

/* Under lock: the line the writer took is done with. */
static void line_done(struct line *l, bool written)
{
	uint64_t one = 1;

	sink.busy = false;
	if (!l->size)
		goto out;
	sink.bytes -= l->size;
	sink.lines--;
	if (!written && !sink.stopping) /* else sink_drain counted it */
		sink.lost++;
	if (sink.congested && sink.bytes <= sink.soft / 2) {
		sink.congested = false;
		(void)!write(sink.efd, &one, sizeof(one));
	}
out:
	if (!sink.head)
		pthread_cond_broadcast(&sink.idle);
}

/* An entry of size 0: the destination from here on. */
static int set_dest(const struct line *l)
{
	struct logwriter_conf c;

	memcpy(&c, l->data, sizeof(c));
	logwriter_set(&sink.out, &c);
	return 0;
}

static void *writer_main(void *arg)
{
	struct line *l;
	bool ok;

	(void)arg;
	pthread_mutex_lock(&sink.lock);
	for (;;) {
		while (!sink.head && !sink.stopping)
			pthread_cond_wait(&sink.more, &sink.lock);
		if (sink.stopping)
			break;
		l = sink.head;
		sink.head = l->next;
		if (!sink.head)
			sink.tail = &sink.head;
		sink.busy = true;
		pthread_mutex_unlock(&sink.lock);
		ok = l->size ? write_line(l) == 0 : set_dest(l) == 0;
		pthread_mutex_lock(&sink.lock);
		line_done(l, ok);
		free(l);
	}
	pthread_mutex_unlock(&sink.lock);
	return NULL;
}

/* log_line's output while the sink is installed.  A plugin's lines come
 * here only while the sink is not congested (the loop stops reading
 * workers above the soft bound), so the hard bound refuses igor's own
 * lines only, which are then counted. */
static void put_line(int level, const struct timespec *when,
		     const char *source, const struct log_about *about,
		     const char *msg, size_t len)
{
	struct sink_rec r = { .level = level, .when = *when,
			      .source = source, .msg = msg, .len = len };

	logring_put(level, when, source, msg, len);
	if (about) {
		r.plugin = about->plugin;
		r.pid = about->pid;
	}
	if (sink_put(&r) < 0)
		sink_count_lost(1);
}

/* A fork()'s child has no writer thread, and the lock may have been held
 * at the fork: whatever it logs goes straight to fd 2. */
static void close_in_child(void)
{
	sink.state = SINK_CLOSED;
	log_set_output(NULL);
}

/* The writer takes no signal: igor handles them in its loop (signalfd
 * needs them blocked in every thread). */
static int start_writer(void)
{
	sigset_t all, old;
	int err;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&sink.writer, NULL, writer_main, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = err;
	return err ? -1 : 0;
}

static int init_conds(void)
{
	pthread_condattr_t attr;
	int err;

	if ((err = pthread_condattr_init(&attr)))
		goto out;
	/* Deadlines are now_ms()'s, a CLOCK_MONOTONIC time. */
	if (!(err = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC)) &&
	    !(err = pthread_cond_init(&sink.idle, &attr)) &&
	    (err = pthread_cond_init(&sink.more, NULL)))
		pthread_cond_destroy(&sink.idle);
	pthread_condattr_destroy(&attr);
out:
	errno = err;
	return err ? -1 : 0;
}

/* A pipe, FIFO, file or socket: poll says truly whether a short line
 * fits now.  Not a tty: one stopped with ^S may poll writable with less
 * room than a line needs. */
static bool can_take_directly(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 &&
	       (S_ISFIFO(st.st_mode) || S_ISREG(st.st_mode) ||
		S_ISSOCK(st.st_mode));
}

int sink_open(int fd, size_t soft, size_t hard)
{
	static bool atfork_set;

	if (sink.state != SINK_CLOSED) {
		errno = EBUSY;
		return -1;
	}
	if (!atfork_set && (errno = pthread_atfork(NULL, NULL, close_in_child)))
		return -1;
	atfork_set = true;
	sink.efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (sink.efd < 0)
		return -1;
	if (init_conds() < 0)
		goto out_close;
	sink.fd = fd;
	sink.soft = soft ? soft : SINK_SOFT_BYTES;
	sink.hard = hard ? hard : SINK_HARD_BYTES;
	if (sink.hard < sink.soft)
		sink.hard = sink.soft;
	sink.head = NULL;
	sink.tail = &sink.head;
	sink.bytes = sink.lines = sink.lost = 0;
	sink.busy = sink.congested = sink.stopping = false;
	sink.direct_ok = can_take_directly(fd);
	if (sink.out_used)
		logwriter_release(&sink.out);
	logwriter_init(&sink.out, fd);
	sink.out_used = true;
	if (start_writer() < 0)
		goto out_conds;
	sink.state = SINK_OPEN;
	log_set_output(put_line);
	return sink.efd;
out_conds:
	pthread_cond_destroy(&sink.idle);
	pthread_cond_destroy(&sink.more);
out_close:
	sink.efd = safe_close(sink.efd);
	return -1;
}

static struct line *line_new(const struct sink_rec *r)
{
	size_t slen = strlen(r->source) + 1;
	size_t plen = r->plugin ? strlen(r->plugin) + 1 : 0;
	size_t size = sizeof(struct line) + slen + plen + r->len;
	struct line *l = malloc(size);

	if (!l)
		return NULL;
	*l = (struct line){ .size = size, .level = r->level, .when = r->when,
			    .pid = r->pid, .len = r->len };
	memcpy(l->data, r->source, slen);
	if (plen) {
		l->plugin = l->data + slen;
		memcpy(l->plugin, r->plugin, plen);
	}
	l->msg = l->data + slen + plen;
	if (r->len)
		memcpy(l->msg, r->msg, r->len);
	return l;
}

/* The most a line's prefix (time, level, "plugin NAME: ") adds; a
 * message escapes to at most four times its bytes. */
enum { SINK_PREFIX_MAX = 128 };

/*
 * The short way, when nothing waits: the loop's thread writes the line
 * itself (the writer thread is idle, so its logwriter is free), so a
 * reader that keeps up sees every line at once, in order.  To stderr
 * only when poll says the output takes it now: a line of at most
 * PIPE_BUF bytes goes whole into a pipe or FIFO with a free slot, and
 * into a socket that polls writable; a file always does.  Anything else,
 * and any doubt, takes the queue and the writer thread.
 */
static bool wrote_directly(const struct sink_rec *r)
{
	struct pollfd p = { .fd = sink.fd, .events = POLLOUT };
	bool done = false;

	pthread_mutex_lock(&sink.lock);
	if (sink.busy || sink.head)
		goto out_unlock;
	/* The journal and syslog take a datagram without blocking or say
	 * EAGAIN; stderr only when poll says a short line fits. */
	if (logwriter_is_on_stderr(&sink.out) &&
	    (!sink.direct_ok || 4 * r->len + SINK_PREFIX_MAX > PIPE_BUF ||
	     poll(&p, 1, 0) != 1 ||
	     (p.revents & (POLLERR | POLLHUP | POLLNVAL))))
		goto out_unlock;
	done = logwriter_write(&sink.out, r) == 0;
out_unlock:
	pthread_mutex_unlock(&sink.lock);
	return done;
}

int sink_put(const struct sink_rec *r)
{
	struct line *l;
	size_t limit;
	bool full;

	if (sink.state != SINK_OPEN) {
		errno = EPIPE;
		return -1;
	}
	if (wrote_directly(r))
		return 0;
	l = line_new(r);
	if (!l)
		return -1;
	limit = strcmp(r->source, "igor") == 0 ? sink.hard
					       : sink.hard - sink.hard / 4;
	pthread_mutex_lock(&sink.lock);
	full = sink.bytes + l->size > limit;
	if (!full) {
		*sink.tail = l;
		sink.tail = &l->next;
		sink.bytes += l->size;
		sink.lines++;
		if (sink.bytes > sink.soft)
			sink.congested = true;
		pthread_cond_signal(&sink.more);
	}
	pthread_mutex_unlock(&sink.lock);
	if (!full)
		return 0;
	free(l);
	errno = EAGAIN;
	return -1;
}

int sink_set_dest(enum log_dest dest, int facility, int threshold)
{
	struct line *l;
	struct logwriter_conf c = { .dest = dest, .facility = facility,
				    .threshold = threshold };

	if (sink.state != SINK_OPEN) {
		errno = EPIPE;
		return -1;
	}
	l = calloc(1, sizeof(*l) + sizeof(c));
	if (!l)
		return -1;
	memcpy(l->data, &c, sizeof(c)); /* size 0: not a line */
	pthread_mutex_lock(&sink.lock);
	*sink.tail = l; /* whatever the bounds: it is no line */
	sink.tail = &l->next;
	pthread_cond_signal(&sink.more);
	pthread_mutex_unlock(&sink.lock);
	return 0;
}

bool sink_is_congested(void)
{
	bool c;

	if (sink.state != SINK_OPEN)
		return false;
	pthread_mutex_lock(&sink.lock);
	c = sink.congested;
	pthread_mutex_unlock(&sink.lock);
	return c;
}

void sink_count_lost(size_t n)
{
	pthread_mutex_lock(&sink.lock);
	sink.lost += n;
	pthread_mutex_unlock(&sink.lock);
}

/* Under lock: waits until the queue is empty and the writer idle, or the
 * deadline.  Returns whether it is. */
static bool wait_idle(int64_t deadline_ms)
{
	struct timespec ts = { .tv_sec = deadline_ms / 1000,
			       .tv_nsec = deadline_ms % 1000 * 1000000 };

	while ((sink.head || sink.busy) && now_ms() < deadline_ms)
		pthread_cond_timedwait(&sink.idle, &sink.lock, &ts);
	return !sink.head && !sink.busy;
}

/* Under lock: frees the lines the writer will not take. */
static void drop_queue(void)
{
	struct line *l;

	while ((l = sink.head)) {
		sink.head = l->next;
		free(l);
	}
	sink.tail = &sink.head;
}

size_t sink_drain(int64_t deadline_ms)
{
	size_t n;
	bool idle;

	if (sink.state != SINK_OPEN)
		return sink.lost;
	pthread_mutex_lock(&sink.lock);
	idle = wait_idle(deadline_ms);
	n = sink.lines + sink.lost;
	sink.lost = n; /* what is said later, counted with later losses */
	sink.stopping = true;
	drop_queue();
	pthread_cond_broadcast(&sink.more);
	pthread_mutex_unlock(&sink.lock);
	sink.state = SINK_STOPPED;
	if (!idle)
		return n; /* the writer is stuck in write(2): igor exits anyway */
	pthread_join(sink.writer, NULL);
	if (!n) { /* else sink_say_lost says it there first */
		logwriter_release(&sink.out);
		sink.out_used = false;
	}
	pthread_cond_destroy(&sink.idle);
	pthread_cond_destroy(&sink.more);
	sink.efd = safe_close(sink.efd);
	sink.state = SINK_CLOSED;
	log_set_output(NULL);
	return n;
}

/* A new open file description of the output, non-blocking; -1 when the
 * output is not something that can be opened again (a socket). */
static int reopen_output(void)
{
	char path[64];
	struct stat st;
	int flags = O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;

	if (fstat(sink.fd, &st) < 0)
		return -1;
	if (!S_ISFIFO(st.st_mode) && !S_ISREG(st.st_mode) &&
	    !S_ISCHR(st.st_mode)) {
		errno = ENOTSUP;
		return -1;
	}
	if (S_ISREG(st.st_mode))
		flags |= O_APPEND; /* where the next line would go */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", sink.fd);
	return open(path, flags);
}

/* The writer is gone (sink_drain joined it): the line goes to the
 * journal or syslog when that is where the log went and it takes it now. */
static int say_at_dest(const struct sink_rec *r)
{
	int ret;

	if (sink.state != SINK_CLOSED || !sink.out_used)
		return -1;
	ret = logwriter_try(&sink.out, r);
	logwriter_release(&sink.out);
	sink.out_used = false;
	return ret;
}

int sink_say_lost(size_t n)
{
	char line[LOG_LINE_MAX], msg[64];
	struct sink_rec r = { .source = "igor", .msg = msg };
	int fd, len;
	size_t size;
	ssize_t w;

	if (!n)
		return 0;
	r.level = log_threshold() > LOG_LVL_ERROR ? log_threshold() : LOG_LVL_ERROR;
	len = snprintf(msg, sizeof(msg), "%zu lines could not be written", n);
	r.len = (size_t)len;
	clock_gettime(CLOCK_REALTIME, &r.when);
	if (say_at_dest(&r) == 0)
		return 0;
	fd = reopen_output();
	if (fd < 0)
		return -1;
	size = log_format(line, &r.when, r.level, "igor", msg, r.len);
	w = write(fd, line, size);
	close(fd);
	return w == (ssize_t)size ? 0 : -1;
}
