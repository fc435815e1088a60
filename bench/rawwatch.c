/*
 * rawwatch: the physical limit igor is measured against.  One inotify
 * instance, one watch, a large read buffer and a blocking read: nothing
 * else stands between the kernel's queue and the timestamp.
 *
 *   rawwatch DIR OUT MAX
 *
 * Watches DIR for every event.  For each event it takes a CLOCK_MONOTONIC
 * timestamp; an IN_CLOSE_WRITE of "fNNNNNNN" (gen's names) keeps it in
 * memory at index NNNNNNN (< MAX).  Once the watch is in place it writes
 * its pid to OUT.ready.  "bench.sync" and "bench.end" write the record
 * (see bench_out.h); it keeps reading after them, so that the driver can
 * read this process's /proc figures before it sends SIGTERM.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "bench_out.h"

/* Room for about 4000 events of gen's names per read. */
enum { READ_BUF = 256 * 1024 };

static char buf[READ_BUF]
	__attribute__((aligned(__alignof__(struct inotify_event))));

static void on_event(struct bench_rec *b, const struct inotify_event *ie,
		     int64_t t, const char *out)
{
	if (ie->mask & IN_Q_OVERFLOW) {
		b->overflows++;
		return;
	}
	bench_rec_event(b, ie->mask, ie->len ? ie->name : "", t);
	if (bench_rec_answer(b, ie->mask, ie->len ? ie->name : "", out) < 0)
		fprintf(stderr, "rawwatch: cannot write '%s': %s\n", out,
			strerror(errno));
}

int main(int argc, char **argv)
{
	struct bench_rec b;
	char ready[4096];
	ssize_t n;
	char *p;
	int fd;

	if (argc != 4) {
		fprintf(stderr, "usage: rawwatch DIR OUT MAX\n");
		return 2;
	}
	if (bench_rec_init(&b, strtol(argv[3], NULL, 10)) < 0)
		return perror("rawwatch: memory"), 1;
	fd = inotify_init1(IN_CLOEXEC);
	if (fd < 0 || inotify_add_watch(fd, argv[1], IN_ALL_EVENTS) < 0) {
		fprintf(stderr, "rawwatch: cannot watch '%s': %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	snprintf(ready, sizeof(ready), "%s.ready", argv[2]);
	if (bench_ready(ready, (long)getpid()) < 0) {
		fprintf(stderr, "rawwatch: cannot write '%s': %s\n", ready,
			strerror(errno));
		return 1;
	}
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (p = buf; p < buf + n;) {
			const struct inotify_event *ie = (const void *)p;

			/* One clock read per event, as the plugin does. */
			on_event(&b, ie, bench_now_ns(), argv[2]);
			p += sizeof(*ie) + ie->len;
		}
	}
	perror("rawwatch: read");
	return 1;
}
