/*
 * gen: the bench's load.  Creates, writes and closes files, as fast as it
 * can or at a fixed rate, and timestamps each close.
 *
 *   gen -d DIR -n N [-r PER_SECOND] [-s BYTES] [-o TIMES] [-f FIRST]
 *   gen -d DIR -t NAME        one create, write and close of DIR/NAME
 *   gen -C                    prints CLOCK_MONOTONIC in ns
 *
 * Files are named "f%07d" from FIRST (default 0).  TIMES gets one line
 * "INDEX NS" per file: CLOCK_MONOTONIC just before close(2), the syscall
 * that queues IN_CLOSE_WRITE.  Stdout gets "start NS", "end NS" and
 * "files N" on CLOCK_MONOTONIC.  A rate is kept against absolute
 * deadlines, so a late file does not shift the ones after it.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_out.h"

struct opts {
	const char *dir, *times, *touch;
	long n, first, rate, size;
	int clock;
};

/* By path, not openat(dirfd): an open directory would add its own
 * IN_OPEN and IN_CLOSE_NOWRITE to what the watchers count. */
static int one_file(const char *dir, const char *name, const char *data,
		    size_t size, int64_t *closed)
{
	char path[4096];
	int fd;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return -1;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return -1;
	}
	if (closed)
		*closed = bench_now_ns();
	return close(fd);
}

static void wait_until(int64_t ns)
{
	struct timespec t = { ns / 1000000000, ns % 1000000000 };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL) == EINTR)
		;
}

static int run(const struct opts *o, int64_t *closed)
{
	char name[32], data[4096];
	int64_t start = bench_now_ns();
	long i;

	memset(data, 'x', sizeof(data));
	for (i = 0; i < o->n; i++) {
		if (o->rate)
			wait_until(start + (int64_t)i * 1000000000 / o->rate);
		snprintf(name, sizeof(name), "f%07ld", o->first + i);
		if (one_file(o->dir, name, data, (size_t)o->size, &closed[i]) < 0) {
			fprintf(stderr, "gen: cannot write '%s/%s': %s\n",
				o->dir, name, strerror(errno));
			return -1;
		}
	}
	printf("start %lld\nend %lld\nfiles %ld\n", (long long)start,
	       (long long)bench_now_ns(), o->n);
	return 0;
}

static int write_times(const struct opts *o, const int64_t *closed)
{
	FILE *f = fopen(o->times, "we");
	long i;

	if (!f)
		return -1;
	for (i = 0; i < o->n; i++)
		fprintf(f, "%ld %lld\n", o->first + i, (long long)closed[i]);
	return fclose(f);
}

static int parse(int argc, char **argv, struct opts *o)
{
	int c;

	while ((c = getopt(argc, argv, "d:n:r:s:o:f:t:C")) != -1) {
		switch (c) {
		case 'C': o->clock = 1; break;
		case 'd': o->dir = optarg; break;
		case 'n': o->n = atol(optarg); break;
		case 'r': o->rate = atol(optarg); break;
		case 's': o->size = atol(optarg); break;
		case 'o': o->times = optarg; break;
		case 'f': o->first = atol(optarg); break;
		case 't': o->touch = optarg; break;
		default: return -1;
		}
	}
	if (o->size < 0 || o->size > 4096 || o->n < 0 || o->rate < 0)
		return -1;
	return o->clock || (o->dir && (o->touch || o->n)) ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct opts o = { .size = 64 };
	int64_t *closed;

	if (parse(argc, argv, &o) < 0) {
		fprintf(stderr, "usage: gen -d DIR -n N [-r RATE] [-s BYTES] [-o TIMES] [-f FIRST]\n"
				"       gen -d DIR -t NAME\n       gen -C\n");
		return 2;
	}
	if (o.clock)
		return printf("%lld\n", (long long)bench_now_ns()) < 0;
	if (o.touch) {
		if (one_file(o.dir, o.touch, "x", 1, NULL) == 0)
			return 0;
		fprintf(stderr, "gen: cannot write '%s/%s': %s\n", o.dir,
			o.touch, strerror(errno));
		return 1;
	}
	closed = calloc((size_t)o.n, sizeof(*closed));
	if (!closed || run(&o, closed) < 0)
		return 1;
	if (o.times && write_times(&o, closed) < 0) {
		fprintf(stderr, "gen: cannot write '%s': %s\n", o.times, strerror(errno));
		return 1;
	}
	return 0;
}
