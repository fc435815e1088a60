/*
 * benchplugin.so: rawwatch's work, inside igor.  Built out of tree against
 * the installed <igor/plugin.h>, exactly as a stranger's plugin:
 *     cc -shared -fPIC $(pkg-config --cflags igor) -o benchplugin.so benchplugin.c
 *
 * Keys (all optional):
 *   paths: [DIR]       watched for every event; none: no inotify instance
 *   recursive: BOOL    each path as a tree (igor_inotify_add_tree)
 *   mask: N            the events watched (default IN_ALL_EVENTS)
 *   recrawl: BOOL      adds IGOR_RECRAWL: after an overflow every entry
 *                      comes again as a synthetic create, which counts
 *                      as the file seen
 *   setup_out: FILE    gets "ns N": how long adding the watches took
 *   out: FILE          where the record goes (bench_out.h)
 *   ready_file: FILE   gets the worker's pid once the watch is in place
 *   max: N             file indexes kept (gen's -n)
 *   crash_on: NAME     on IN_CLOSE_WRITE of NAME: appends CLOCK_REALTIME in
 *                      ns to crash_log, then segfaults
 *   crash_log: FILE
 *   crash_any: BOOL    the same on any event
 *   log_on: NAME       on IN_CLOSE_WRITE of NAME: logs log_lines lines
 *   log_lines: N       "L0000000" ... at INFO
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <igor/plugin.h>

#include "bench_out.h"

const int igor_plugin_abi = IGOR_PLUGIN_ABI;

static struct bench_rec rec;
static igor_logger *logger;
static const char *out, *crash_on, *crash_log, *log_on;
static bool crash_any;
static long long log_lines;

static bool is_close_of(const struct igor_event *ev, const char *name)
{
	return name && (ev->mask & IN_CLOSE_WRITE) && strcmp(ev->name, name) == 0;
}

static void crash(void)
{
	struct timespec t;
	char line[32];
	int fd, n;

	clock_gettime(CLOCK_REALTIME, &t);
	n = snprintf(line, sizeof(line), "%lld\n",
		     (long long)t.tv_sec * 1000000000 + t.tv_nsec);
	fd = open(crash_log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0) {
		(void)!write(fd, line, (size_t)n);
		close(fd);
	}
	*(volatile int *)0 = 1;
}

static void on_event(const struct igor_event *ev, void *arg)
{
	long long i;

	(void)arg;
	if (ev->mask & IN_Q_OVERFLOW) {
		rec.overflows++;
		return;
	}
	/* A synthetic create stands for a file written before its directory
	 * was crawled again: the file is seen. */
	bench_rec_event(&rec, ev->mask & IGOR_SYNTHETIC ? ev->mask | IN_CLOSE_WRITE
							: ev->mask,
			ev->name, bench_now_ns());
	if (bench_rec_answer(&rec, ev->mask, ev->name, out) < 0)
		igor_error(logger, "cannot write '%s'", out);
	if ((crash_any || is_close_of(ev, crash_on)) && crash_log)
		crash();
	if (is_close_of(ev, log_on))
		for (i = 0; i < log_lines; i++)
			igor_info(logger, "L%07lld", i);
}

static int ready(const igor_config *config, igor_logger *log)
{
	const char *path = igor_config_str(config, "ready_file", NULL);

	if (path && bench_ready(path, (long)getpid()) < 0) {
		igor_error(log, "cannot write '%s'", path);
		return 1;
	}
	return 0;
}

/* "ns N" into path: how long adding the watches took. */
static void setup_time(const igor_config *config, int64_t ns)
{
	const char *path = igor_config_str(config, "setup_out", NULL);
	FILE *f = path ? fopen(path, "we") : NULL;

	if (f) {
		fprintf(f, "ns %lld\n", (long long)ns);
		fclose(f);
	}
}

int setup(const igor_config *config, igor_logger *log,
	  igor_inotify_factory *inotify)
{
	const igor_config *paths = igor_config_get(config, "paths");
	bool tree = igor_config_bool(config, "recursive", false);
	uint32_t mask = (uint32_t)igor_config_int(config, "mask", IN_ALL_EVENTS);
	igor_inotify *in;
	int64_t t0;
	size_t i;

	logger = log;
	out = igor_config_str(config, "out", NULL);
	crash_on = igor_config_str(config, "crash_on", NULL);
	crash_log = igor_config_str(config, "crash_log", NULL);
	crash_any = igor_config_bool(config, "crash_any", false);
	log_on = igor_config_str(config, "log_on", NULL);
	log_lines = igor_config_int(config, "log_lines", 0);
	if (bench_rec_init(&rec, (long)igor_config_int(config, "max", 1)) < 0)
		return 1;
	if (!igor_config_len(paths))
		return ready(config, log);
	if (igor_config_bool(config, "recrawl", false))
		mask |= IGOR_RECRAWL;
	in = igor_inotify_new(inotify, on_event, NULL);
	if (!in)
		return 1;
	t0 = bench_now_ns();
	for (i = 0; i < igor_config_len(paths); i++) {
		const char *path = igor_config_value(igor_config_at(paths, i));

		if (!path || (tree ? igor_inotify_add_tree(in, path, mask)
				   : igor_inotify_add_watch(in, path, mask)) < 0) {
			igor_error(log, "cannot watch '%s'", path ? path : "?");
			return 1;
		}
	}
	setup_time(config, bench_now_ns() - t0);
	return ready(config, log);
}
