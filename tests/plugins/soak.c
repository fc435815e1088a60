/*
 * soak.so: the soak's plugin (tests/soak/run.sh).  Every line it logs
 * that matters is numbered per process,
 *     seq PID K
 * K counting from 0 in the worker PID, so the soak can tell that no line
 * of a worker was lost or reordered, whatever happened to it.  It logs
 * one every `tick_ms` (default 50) and acts on the files created in the
 * directory of `paths`, by name:
 *   flood-N   logs N numbered lines at once
 *   crash     segfaults
 *   hang      never returns (the watchdog kills it)
 *   exit      exit(0)
 *   spawn     runs sh -c "sleep M & setsid -f sleep M", M being
 *             `marker`.PID: a background process and one in a session
 *             of its own, both to end when this worker ends
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "igor/plugin.h"

const int igor_plugin_abi = IGOR_PLUGIN_ABI;

static igor_logger *log_;
static igor_inotify_factory *fac;
static long long seq, tick_ms;
static const char *marker;

/* A real SEGV, also under UBSan, which would report the store and exit. */
__attribute__((no_sanitize("undefined"))) static void crash(void)
{
	*(volatile int *)0 = 1;
}

static void numbered(void)
{
	igor_info(log_, "seq %d %lld", (int)getpid(), seq);
	seq++; /* after: a line cut by a kill is never counted as sent */
}

static void spawn(void)
{
	char cmd[256];
	const char *argv[] = { "sh", "-c", cmd, NULL };
	struct igor_spawn_args a = { .size = sizeof(a), .argv = argv };

	snprintf(cmd, sizeof(cmd), "sleep %s.%d & setsid -f sleep %s.%d",
		 marker, (int)getpid(), marker, (int)getpid());
	if (!igor_spawn(fac, &a))
		igor_error(log_, "cannot spawn: %m");
}

static void on_event(const struct igor_event *ev, void *arg)
{
	long long i, n;

	(void)arg;
	if (!(ev->mask & IN_CREATE))
		return;
	if (strncmp(ev->name, "flood-", 6) == 0) {
		n = atoll(ev->name + 6);
		for (i = 0; i < n; i++)
			numbered();
	} else if (strncmp(ev->name, "crash", 5) == 0) {
		numbered();
		crash();
	} else if (strncmp(ev->name, "hang", 4) == 0) {
		for (;;)
			pause();
	} else if (strncmp(ev->name, "exit", 4) == 0) {
		exit(0);
	} else if (strncmp(ev->name, "spawn", 5) == 0) {
		spawn();
	}
}

static void on_tick(igor_timer *t, void *arg)
{
	(void)arg;
	numbered();
	igor_timer_arm(t, tick_ms);
}

int setup(const igor_config *c, igor_logger *l, igor_inotify_factory *f)
{
	const char *dir = igor_config_value(igor_config_at(igor_config_get(c, "paths"), 0));
	igor_inotify *in;
	igor_timer *t;

	log_ = l;
	fac = f;
	tick_ms = igor_config_int(c, "tick_ms", 50);
	marker = igor_config_str(c, "marker", "4242");
	in = igor_inotify_new(f, on_event, NULL);
	t = igor_timer_new(f, on_tick, NULL);
	if (!dir || !in || !t || igor_inotify_add_watch(in, dir, IN_CREATE) < 0)
		return 1;
	numbered();
	return igor_timer_arm(t, tick_ms) < 0;
}
