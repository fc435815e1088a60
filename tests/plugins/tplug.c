/*
 * tplug.so: the tests' plugin, misbehaving on request.  Every event is
 * logged at INFO as
 *     EV wd=W mask=0xM cookie=C name='N' path='P'
 * Keys (all optional):
 *   paths: [dir...]        watched with every event
 *   setup_return: N        setup returns N
 *   setup_hang: true       setup never returns
 *   setup_sleep_ms: N      setup takes N ms before it goes on
 *   log_then_crash: true   logs "last words" in setup, then segfaults
 *   quiet: true            logs no EV line (nothing leaves the worker
 *                          with an event but its count)
 *   crash_on: NAME         segfaults on an event whose name is NAME
 *   exit_on: NAME          exit(0) on an event whose name is NAME
 *   hang_on: NAME          loops forever on an event whose name is NAME
 *   garbage: true          writes garbage on the record fd (3) in setup
 *   flood: N               logs N numbered lines in setup
 *   ignore_term: true      ignores SIGTERM
 *   spawn: "sleep 1000"    forks and execs /bin/sh -c this in setup
 *   stdout: TEXT           prints TEXT to stdout in setup, stderr too
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "igor/plugin.h"

const int igor_plugin_abi = IGOR_PLUGIN_ABI;

static igor_logger *log_;
static const char *crash_on, *exit_on, *hang_on;
static bool quiet;

/* A real SEGV, also under UBSan, which would report the store and exit. */
__attribute__((no_sanitize("undefined"))) static void crash(void)
{
	*(volatile int *)0 = 1;
}

static int matches(const char *want, const struct igor_event *ev)
{
	return want && strcmp(want, ev->name) == 0;
}

static void on_event(const struct igor_event *ev, void *arg)
{
	(void)arg;
	if (!quiet)
		igor_info(log_, "EV wd=%d mask=0x%x cookie=%u name='%s' path='%s'",
			  ev->wd, ev->mask, ev->cookie, ev->name,
			  ev->path ? ev->path : "(null)");
	if (matches(crash_on, ev))
		crash();
	if (matches(exit_on, ev))
		exit(0);
	while (matches(hang_on, ev))
		pause();
}

static void misbehave_in_setup(const igor_config *c)
{
	long long i, flood = igor_config_int(c, "flood", 0);
	const char *spawn = igor_config_str(c, "spawn", NULL);
	const char *out = igor_config_str(c, "stdout", NULL);

	if (igor_config_bool(c, "ignore_term", false))
		signal(SIGTERM, SIG_IGN);
	if (out) {
		printf("%s\n", out);
		fprintf(stderr, "%s\n", out);
	}
	for (i = 0; i < flood; i++)
		igor_info(log_, "flood %lld", i);
	if (spawn && fork() == 0) {
		execl("/bin/sh", "sh", "-c", spawn, (char *)NULL);
		_exit(127);
	}
	if (igor_config_bool(c, "garbage", false))
		(void)!write(3, "\x00\x00\x00\x05garbage-garbage", 19);
	if (igor_config_bool(c, "log_then_crash", false)) {
		igor_error(log_, "last words");
		crash();
	}
}

int setup(const igor_config *c, igor_logger *l, igor_inotify_factory *f)
{
	const igor_config *paths = igor_config_get(c, "paths");
	igor_inotify *in;
	size_t i;

	log_ = l;
	crash_on = igor_config_str(c, "crash_on", NULL);
	exit_on = igor_config_str(c, "exit_on", NULL);
	hang_on = igor_config_str(c, "hang_on", NULL);
	quiet = igor_config_bool(c, "quiet", false);
	misbehave_in_setup(c);
	while (igor_config_bool(c, "setup_hang", false))
		pause();
	if (igor_config_int(c, "setup_sleep_ms", 0) > 0)
		usleep((useconds_t)igor_config_int(c, "setup_sleep_ms", 0) * 1000);
	if (igor_config_int(c, "setup_return", 0))
		return (int)igor_config_int(c, "setup_return", 0);
	in = igor_inotify_new(f, on_event, NULL);
	if (!in)
		return 1;
	for (i = 0; i < igor_config_len(paths); i++) {
		const char *p = igor_config_value(igor_config_at(paths, i));

		if (igor_inotify_add_watch(in, p, IN_ALL_EVENTS) < 0) {
			igor_error(l, "cannot watch '%s'", p);
			return 1;
		}
	}
	igor_info(l, "tplug watching %zu path(s)", igor_config_len(paths));
	return 0;
}
