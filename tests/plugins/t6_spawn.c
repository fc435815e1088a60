/*
 * t6_spawn.so: exercises the ABI's timers and child processes and logs
 * what it saw, for t640-abi-spawn-timer.sh.  Lines it logs:
 *   timers: A=2 B=0 C=1 D=0 early=0   fire counts once all are due
 *   enoent ok / einval ok             igor_spawn refused as documented
 *   line: TEXT                        a stdout line given to on_stdout
 *   exit: exited 7 after 2 lines      the exit callback, after the lines
 *   pid ok / killed: 15               igor_child_pid, igor_child_kill
 *   errline: TEXT                     a stderr line given to on_stderr
 *   status ok                         igor_status_set and _clear took
 *                                     their lines
 * A child spawned with the struct's older size (no on_stderr) writes
 * "old-size stderr" to stderr: it must reach the log, not the callback.
 */
#include <errno.h>
#include <stddef.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "igor/plugin.h"

const int igor_plugin_abi = IGOR_PLUGIN_ABI;

static igor_logger *log_;
static igor_inotify_factory *fac;
static int fired[4], lines, early;
static struct timespec c_armed;

enum { A, B, C, D };

static long long ms_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000LL +
	       (now.tv_nsec - t0->tv_nsec) / 1000000;
}

static void on_timer(igor_timer *t, void *arg)
{
	int which = (int)(long)arg;

	fired[which]++;
	if (which == A && fired[A] < 2)
		igor_timer_arm(t, 30);
	else if (which == A)
		igor_timer_free(t); /* from its own callback */
	if (which == C && ms_since(&c_armed) < 55)
		early++;
}

static void on_final(igor_timer *t, void *arg)
{
	(void)arg;
	igor_info(log_, "timers: A=%d B=%d C=%d D=%d early=%d", fired[A],
		  fired[B], fired[C], fired[D], early);
	igor_timer_free(t);
}

static void start_timers(void)
{
	igor_timer *a = igor_timer_new(fac, on_timer, (void *)(long)A);
	igor_timer *b = igor_timer_new(fac, on_timer, (void *)(long)B);
	igor_timer *c = igor_timer_new(fac, on_timer, (void *)(long)C);
	igor_timer *d = igor_timer_new(fac, on_timer, (void *)(long)D);
	igor_timer *f = igor_timer_new(fac, on_final, NULL);

	igor_timer_arm(a, 30);
	igor_timer_arm(b, 30);
	igor_timer_disarm(b);
	clock_gettime(CLOCK_MONOTONIC, &c_armed);
	igor_timer_arm(c, 5000);
	igor_timer_arm(c, 60); /* re-arming replaces */
	igor_timer_arm(d, 0);
	igor_timer_free(d);
	igor_timer_arm(f, 400);
}

static void on_line(igor_child *child, const char *line, void *arg)
{
	(void)child, (void)arg;
	lines++;
	igor_info(log_, "line: %s", line);
}

static void on_errline(igor_child *child, const char *line, void *arg)
{
	(void)child, (void)arg;
	igor_info(log_, "errline: %s", line);
}

static void on_exit_status(igor_child *child, int status, void *arg)
{
	(void)child, (void)arg;
	igor_info(log_, "exit: exited %d after %d lines",
		  WIFEXITED(status) ? WEXITSTATUS(status) : -1, lines);
}

static void on_killed(igor_child *child, int status, void *arg)
{
	(void)child, (void)arg;
	igor_info(log_, "killed: %d", WIFSIGNALED(status) ? WTERMSIG(status) : -1);
}

static void start_children(void)
{
	const char *missing[] = { "no-such-command-t6", NULL };
	const char *talk[] = { "sh", "-c",
		"echo one; echo three >&2; printf two; exit 7", NULL };
	const char *sleeper[] = { "sleep", "30", NULL };
	struct igor_spawn_args a = { .size = sizeof(a), .argv = missing };
	igor_child *c;

	if (!igor_spawn(fac, &a) && errno == ENOENT)
		igor_info(log_, "enoent ok");
	a.size = 0;
	if (!igor_spawn(fac, &a) && errno == EINVAL)
		igor_info(log_, "einval ok");
	a.size = sizeof(a);
	a.argv = talk;
	a.on_stdout = on_line;
	a.on_exit = on_exit_status;
	igor_spawn(fac, &a);
	a.argv = sleeper;
	a.on_stdout = NULL;
	a.on_exit = on_killed;
	c = igor_spawn(fac, &a);
	if (c && igor_child_pid(c) > 0)
		igor_info(log_, "pid ok");
	if (c)
		igor_child_kill(c, SIGTERM);
}

/* on_stderr, with the whole struct and with the size before it. */
static void start_stderr_children(void)
{
	const char *err[] = { "sh", "-c", "echo four >&2", NULL };
	const char *old[] = { "sh", "-c", "echo old-size stderr >&2", NULL };
	struct igor_spawn_args a = { .size = sizeof(a), .argv = err,
				     .on_stderr = on_errline };

	igor_spawn(fac, &a);
	a.size = offsetof(struct igor_spawn_args, on_stderr);
	a.argv = old;
	igor_spawn(fac, &a);
}

static void set_status(void)
{
	if (igor_status_set(log_, "t6", "spawned %d children", 5) == 0 &&
	    igor_status_set(log_, "t6 other", "running") == 0 &&
	    igor_status_clear(log_, "t6 other") == 0)
		igor_info(log_, "status ok");
	else
		igor_info(log_, "status failed: %s", strerror(errno));
}

int setup(const igor_config *conf, igor_logger *l, igor_inotify_factory *f)
{
	(void)conf;
	log_ = l;
	fac = f;
	start_timers();
	start_children();
	start_stderr_children();
	set_status();
	return 0;
}
