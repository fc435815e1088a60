/*
 * bench_out.h: what rawwatch and benchplugin record, in one place, so the
 * raw reader and the plugin do exactly the same work per event.
 *
 * Per event: one CLOCK_MONOTONIC read and a few counters; for the
 * IN_CLOSE_WRITE of gen's file "fNNNNNNN", the timestamp is kept at index
 * NNNNNNN.  The driver asks for the record with two files of its own:
 * "bench.sync" writes the counters to OUT.sync (cheap, so that the CPU
 * the driver reads next is the events' alone), "bench.end" writes it all
 * to OUT.  Each is written through a temporary file and a rename, so the
 * driver never reads half a file:
 *
 *     events N        every event but IN_Q_OVERFLOW
 *     gen_events N    the events of gen's files
 *     files N         IN_CLOSE_WRITE of gen's files seen
 *     overflows N     IN_Q_OVERFLOW seen
 *     first NS        CLOCK_MONOTONIC of the first event of gen's files
 *     last NS         ... and of the last
 *     INDEX NS        one line per file seen, in index order
 */
#ifndef BENCH_OUT_H
#define BENCH_OUT_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>

#define BENCH_SYNC "bench.sync"
#define BENCH_END "bench.end"

struct bench_rec {
	int64_t *ts; /* by file index; 0 when not seen */
	long max;
	unsigned long long events, gen_events, files, overflows;
	int64_t first, last;
};

static inline int64_t bench_now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static inline int bench_rec_init(struct bench_rec *b, long max)
{
	memset(b, 0, sizeof(*b));
	b->max = max > 0 ? max : 1;
	b->ts = calloc((size_t)b->max, sizeof(*b->ts));
	return b->ts ? 0 : -1;
}

/* gen's names are "f" and seven digits; -1 for any other name. */
static inline long bench_index(const char *name)
{
	long i = 0;
	int k;

	if (name[0] != 'f')
		return -1;
	for (k = 1; k <= 7; k++) {
		if (name[k] < '0' || name[k] > '9')
			return -1;
		i = i * 10 + (name[k] - '0');
	}
	return name[8] ? -1 : i;
}

static inline void bench_rec_event(struct bench_rec *b, uint32_t mask,
				   const char *name, int64_t t)
{
	long i = bench_index(name);

	b->events++;
	if (i < 0)
		return;
	b->gen_events++;
	if (!b->first)
		b->first = t;
	b->last = t;
	if ((mask & IN_CLOSE_WRITE) && i < b->max) {
		if (!b->ts[i])
			b->files++;
		b->ts[i] = t;
	}
}

static inline int bench_rec_write(const struct bench_rec *b, const char *out,
				  int with_times)
{
	char tmp[4200], dst[4100];
	FILE *f;
	long i;

	if (strlen(out) > 4000)
		return -1;
	snprintf(dst, sizeof(dst), "%s%s", out, with_times ? "" : ".sync");
	snprintf(tmp, sizeof(tmp), "%s.tmp", dst);
	f = fopen(tmp, "we");
	if (!f)
		return -1;
	fprintf(f, "events %llu\ngen_events %llu\nfiles %llu\noverflows %llu\n"
		   "first %lld\nlast %lld\n",
		b->events, b->gen_events, b->files, b->overflows,
		(long long)b->first, (long long)b->last);
	for (i = 0; with_times && i < b->max; i++)
		if (b->ts[i])
			fprintf(f, "%ld %lld\n", i, (long long)b->ts[i]);
	if (fclose(f) != 0)
		return -1;
	return rename(tmp, dst);
}

/* Writes what the driver asked for, if name is one of its files. */
static inline int bench_rec_answer(const struct bench_rec *b, uint32_t mask,
				   const char *name, const char *out)
{
	if (!(mask & IN_CLOSE_WRITE) || !out)
		return 0;
	if (strcmp(name, BENCH_SYNC) == 0)
		return bench_rec_write(b, out, 0);
	if (strcmp(name, BENCH_END) == 0)
		return bench_rec_write(b, out, 1);
	return 0;
}

/* "PID\n" into path, for the driver: the watch is in place. */
static inline int bench_ready(const char *path, long pid)
{
	FILE *f = fopen(path, "we");

	if (!f)
		return -1;
	fprintf(f, "%ld\n", pid);
	return fclose(f);
}

#endif /* BENCH_OUT_H */
