/*
 * sink_test: the non-blocking log sink against a real FIFO whose reader
 * stops reading: sink_put never blocks, congestion is reported and ends,
 * lines arrive complete and in order when the reader resumes, a drain
 * with a deadline counts what was not written, the count is said where it
 * can be, and a fork's child never waits for the writer's lock.
 *
 * A hang is a failure: alarm() ends the test.  No timing is asserted but
 * with wide bounds (the drain's deadline, 200-3000 ms for 300 ms).
 */
#include "check.h"
#include "log.h"
#include "sink.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[] = "/tmp/igor-sink-test.XXXXXX";
static char fifo[64];
static int rfd = -1, wfd = -1;

/* A FIFO with the smallest pipe buffer, so that it fills at once. */
static int fifo_open(void)
{
	snprintf(fifo, sizeof(fifo), "%s/err", dir);
	if (mkfifo(fifo, 0600) < 0)
		return -1;
	rfd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	wfd = open(fifo, O_WRONLY | O_CLOEXEC); /* blocking, as fd 2 is */
	if (rfd < 0 || wfd < 0)
		return -1;
	return fcntl(wfd, F_SETPIPE_SZ, 4096) < 0 ? -1 : 0;
}

/* What the reader got so far: whole lines are counted and checked. */
struct got {
	char buf[1 << 16];
	size_t n;
	long lines;     /* complete lines seen */
	long next;      /* the number the next "#N" must carry */
	bool in_order;  /* every "#N" came as 0, 1, 2, ... */
	bool said_lost; /* a "N lines could not be written" line came */
	long lost;
};

/* One complete line: numbered ones must come in order. */
static void got_line(struct got *g, const char *line)
{
	const char *m = strrchr(line, '#');
	const char *l = strstr(line, "ERROR igor: ");
	char *end;

	if (!*line)
		return; /* fill_fifo's */
	g->lines++;
	if (l && strstr(l, " lines could not be written")) {
		g->said_lost = true;
		g->lost = strtol(l + 12, NULL, 10);
		g->lines--; /* not one of ours */
		return;
	}
	if (!m || strtol(m + 1, &end, 10) != g->next || *end != '\0')
		g->in_order = false;
	g->next++;
}

/* Reads what is there now (non-blocking); returns bytes read. */
static size_t read_some(struct got *g)
{
	ssize_t r = read(rfd, g->buf + g->n, sizeof(g->buf) - g->n - 1);
	char *nl, *start;

	if (r <= 0)
		return 0;
	g->n += (size_t)r;
	g->buf[g->n] = '\0';
	start = g->buf;
	while ((nl = strchr(start, '\n'))) {
		*nl = '\0';
		got_line(g, start);
		start = nl + 1;
	}
	g->n -= (size_t)(start - g->buf);
	memmove(g->buf, start, g->n);
	return (size_t)r;
}

/* Reads until want lines came, or nothing came for quiet_ms. */
static void read_until(struct got *g, long want, int quiet_ms)
{
	struct pollfd p = { .fd = rfd, .events = POLLIN };

	while (g->lines < want && poll(&p, 1, quiet_ms) > 0)
		if (!read_some(g) && (p.revents & POLLHUP))
			break;
}

/* Fills what room the FIFO has left with empty lines, which the reader
 * skips: then nothing more fits, whatever the lines' lengths. */
static void fill_fifo(void)
{
	int fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);

	while (fd >= 0 && write(fd, "\n", 1) == 1)
		;
	if (fd >= 0)
		close(fd);
}

static int put_line(long i, const char *plugin)
{
	char msg[96];
	struct sink_rec r = { .level = LOG_LVL_INFO,
			      .source = plugin ? "plugin p" : "igor",
			      .plugin = plugin, .pid = plugin ? 42 : 0,
			      .msg = msg };

	clock_gettime(CLOCK_REALTIME, &r.when);
	/* Padding makes each line about 100 bytes in the FIFO. */
	r.len = (size_t)snprintf(msg, sizeof(msg), "%-40s #%ld",
				 "padding padding padding", i);
	return sink_put(&r);
}

static bool readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1;
}

/* The reader stops: puts never block; congested above soft; refused at
 * hard; then the reader resumes and gets every line, in order. */
static void test_stuck_then_resumed(void)
{
	struct got *g = calloc(1, sizeof(*g));
	bool congested = false;
	int64_t t0;
	uint64_t v;
	long i;
	int efd;

	fill_fifo(); /* the writer is stuck from its first line on */
	efd = sink_open(wfd, 16 * 1024, 64 * 1024);
	t0 = now_ms();
	CHECK(efd >= 0, "sink_open on a FIFO gives an eventfd");
	CHECK(fcntl(efd, F_GETFD) & FD_CLOEXEC, "the eventfd is close-on-exec");
	g->in_order = true;
	for (i = 0; put_line(i, i % 2 ? "p" : NULL) == 0; i++)
		congested |= sink_is_congested();
	CHECK_INT(errno, EAGAIN, "a plugin's line is refused with EAGAIN");
	CHECK(i % 2 == 1 && i > 300 && i < 750,
	      "%ld lines taken before a plugin's line was refused, at three quarters of the hard bound",
	      i);
	while (put_line(i, NULL) == 0)
		i++;
	CHECK_INT(errno, EAGAIN, "igor's own lines are refused at the hard bound");
	CHECK(i > 400 && i < 1000, "%ld lines taken before the hard bound", i);
	CHECK(congested && sink_is_congested(), "congested above the soft bound");
	CHECK(now_ms() - t0 < 5000, "no sink_put blocked on the stuck reader");
	log_info("#%ld", i); /* above the hard bound: counted, not taken */
	CHECK(!readable(efd, 0), "no room freed while the reader is stopped");

	read_until(g, i, 5000);
	CHECK_INT(g->lines, i, "every line taken reached the reader");
	CHECK(g->in_order, "lines arrived whole and in order");
	CHECK(readable(efd, 5000), "the eventfd says room was freed");
	CHECK(read(efd, &v, sizeof(v)) == sizeof(v), "the eventfd is read");
	CHECK(!sink_is_congested(), "no longer congested");
	CHECK_INT(sink_drain(now_ms() + 2000), 1,
		  "drain counts the one line refused above the hard bound");
	free(g);
}

/* Keeps reading the FIFO (so the writer keeps taking its lock) until
 * told to stop. */
static volatile bool reader_stop;

static void *reader_main(void *arg)
{
	struct got *g = arg;

	while (!reader_stop)
		if (readable(rfd, 20))
			read_some(g);
	return NULL;
}

/* Did pid exit 0 within ms?  Killed and reaped anyway. */
static bool exits_within(pid_t pid, int ms)
{
	int64_t end = now_ms() + ms;
	int status;

	while (now_ms() < end) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) && WEXITSTATUS(status) == 0;
		usleep(1000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return false;
}

/*
 * Forks while the writer runs (taking its lock for every line): the child
 * finds the sink closed, so sink_put refuses at once (EPIPE) without the
 * lock or malloc, and sink_is_congested says no: nothing in a child waits
 * for the writer.  The child then does only what spawn.c's child does:
 * async-signal-safe calls, then _exit or exec.
 */
static void test_fork_while_writing(void)
{
	struct got *g = calloc(1, sizeof(*g));
	struct sink_rec r = { .level = LOG_LVL_INFO, .source = "igor",
			      .msg = "child", .len = 5 };
	int failed = 0, forks = 200, i, j;
	pthread_t reader;
	pid_t pid;

	g->in_order = true;
	reader_stop = false;
	CHECK(sink_open(wfd, 0, 0) >= 0, "sink_open again after a drain");
	pthread_create(&reader, NULL, reader_main, g);
	for (i = 0; i < forks; i++) {
		for (j = 0; j < 20; j++)
			log_info("#%ld", (long)(i * 20 + j));
		pid = fork();
		if (pid == 0)
			_exit(sink_put(&r) == -1 && errno == EPIPE &&
			      !sink_is_congested() ? 0 : 1);
		if (pid < 0 || !exits_within(pid, 2000))
			failed++;
	}
	CHECK_INT(failed, 0, "children of %d forks during writes find the sink closed",
		  forks);
	CHECK_INT(sink_drain(now_ms() + 5000), 0, "drain: every line written");
	reader_stop = true;
	pthread_join(reader, NULL);
	read_until(g, (long)forks * 20, 200);
	CHECK_INT(g->lines, (long)forks * 20, "the parent's lines all came");
	CHECK(g->in_order, "in order; no child's line among them");
	free(g);
}

/* The reader stops for good: a drain ends at its deadline and counts
 * what is not written; the count is said once the FIFO has room. */
static void test_drain_deadline(void)
{
	struct got *g = calloc(1, sizeof(*g));
	long total = 300, i;
	int64_t t0;
	size_t n;

	g->in_order = true;
	CHECK(sink_open(wfd, 16 * 1024, 64 * 1024) >= 0, "sink_open");
	for (i = 0; i < total; i++)
		put_line(i, NULL);
	t0 = now_ms();
	n = sink_drain(t0 + 300);
	CHECK(now_ms() - t0 >= 200 && now_ms() - t0 < 3000,
	      "drain returns at its deadline (%lld ms)",
	      (long long)(now_ms() - t0));
	CHECK(n > 0 && n < (size_t)total, "%zu of %ld lines not written", n,
	      total);
	fill_fifo();
	CHECK_INT(sink_say_lost(n), -1, "the count cannot be said into a full FIFO");
	CHECK_INT(put_line(total, NULL), -1, "nothing is taken after the drain");

	read_until(g, total, 300);
	/* The line being written at the deadline may still get out: it is
	 * counted, since igor exits right after the drain. */
	CHECK(g->lines == total - (long)n || g->lines == total - (long)n + 1,
	      "the reader got the %ld lines written (%ld)", total - (long)n,
	      g->lines);
	CHECK(g->in_order, "those came whole and in order");
	CHECK_INT(sink_say_lost(n), 0, "the count is said once there is room");
	read_until(g, total + 1, 300);
	CHECK(g->said_lost && g->lost == (long)n,
	      "'%zu lines could not be written' reached the reader", n);
	free(g);
}

int main(void)
{
	char cmd[128];

	alarm(60); /* a blocked test is a failed test */
	signal(SIGPIPE, SIG_IGN);
	log_set_threshold(LOG_LVL_DEBUG);
	if (!mkdtemp(dir) || fifo_open() < 0) {
		perror("sink_test setup");
		return 1;
	}
	test_stuck_then_resumed();
	test_fork_while_writing();
	test_drain_deadline();
	close(rfd);
	close(wfd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	return check_done();
}
