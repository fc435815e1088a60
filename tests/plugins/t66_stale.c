/*
 * t66_stale.so: for t660-abi-stale-batch.sh.  Makes two children exit
 * while the loop is busy, so that one round of the loop holds the
 * SIGCHLD wake-up ahead of the second child's pipe wake-ups; each exit
 * callback then asks igor_spawn for a command that does not exist, which
 * recycles the just-released child struct inside that same round.  Logs
 * "spawn refused: ENOENT" for each refusal and "survived" at the end.
 */
#include <errno.h>
#include <time.h>

#include "igor/plugin.h"

const int igor_plugin_abi = IGOR_PLUGIN_ABI;

static igor_logger *log_;
static igor_inotify_factory *fac;
static int exits;

/* Sleeps the whole ms, through the worker's signals. */
static void busy_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&t, &t) < 0 && errno == EINTR)
		;
}

static void on_done(igor_timer *t, void *arg)
{
	(void)arg;
	igor_info(log_, "survived: %d exits", exits);
	igor_timer_free(t);
}

static void on_exit_cb(igor_child *c, int status, void *arg)
{
	const char *argv[] = { "/nonexistent/t66-no-such-command", NULL };
	struct igor_spawn_args a = { .size = sizeof(a), .argv = argv };
	igor_timer *t;

	(void)c, (void)status, (void)arg;
	if (!igor_spawn(fac, &a) && errno == ENOENT)
		igor_info(log_, "spawn refused: ENOENT");
	if (++exits == 2) {
		t = igor_timer_new(fac, on_done, NULL);
		igor_timer_arm(t, 300);
	}
}

static void spawn_true(void)
{
	const char *argv[] = { "true", NULL };
	struct igor_spawn_args a = { .size = sizeof(a), .argv = argv,
				     .on_exit = on_exit_cb };

	if (!igor_spawn(fac, &a))
		igor_error(log_, "cannot spawn true");
}

static void on_go(igor_timer *t, void *arg)
{
	(void)arg;
	igor_timer_free(t);
	spawn_true();
	busy_ms(300); /* it exits: its pipes, then SIGCHLD, are ready */
	spawn_true();
	busy_ms(300); /* the second one's pipes queue after the SIGCHLD */
}

int setup(const igor_config *conf, igor_logger *l, igor_inotify_factory *f)
{
	igor_timer *t;

	(void)conf;
	log_ = l;
	fac = f;
	t = igor_timer_new(f, on_go, NULL);
	return !t || igor_timer_arm(t, 0) < 0;
}
