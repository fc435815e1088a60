/*
 * t15_tree.so: the recursive watch tests' plugin (issue 15).  Every event
 * is logged at INFO as
 *     EV wd=W mask=0xM cookie=C name='N' path='P'
 * with " synthetic" after the mask for IGOR_SYNTHETIC.  Keys (all
 * optional but root):
 *   root: DIR            igor_inotify_add_tree(root, mask)
 *   mask: N              default IN_ALL_EVENTS
 *   recrawl: true        adds IGOR_RECRAWL to the mask
 *   later: true          adds the tree from a timer after setup, in the
 *                        loop, where a long walk must answer the watchdog
 *   quiet: true          logs only overflows and the "tree" lines
 *   mute: PREFIX         does not log events of names starting with it
 *   sleep_us: N          sleeps N microseconds in each callback
 *   pause_on: NAME       igor_inotify_pause on an event named NAME ...
 *   resume_ms: N         ... and igor_inotify_resume N ms later, or
 *   resume_file: PATH    ... once PATH exists (looked for every 50 ms)
 *   rm_on: NAME          igor_inotify_rm_watch(root) on an event named NAME
 * After add_tree it logs "tree wd=W" (or "tree failed: ERRNO TEXT") and
 * the time the call took.
 */
#include <errno.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include "igor/plugin.h"

const int igor_plugin_abi = IGOR_PLUGIN_ABI;

static igor_logger *log_;
static igor_inotify *in;
static igor_timer *later, *resume;
static const char *root, *pause_on, *rm_on, *mute, *resume_file;
static uint32_t mask;
static long long sleep_us, resume_ms;
static int root_wd = -1;
static bool quiet;

static long long mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void add_tree(void)
{
	long long t0 = mono_ms();

	root_wd = igor_inotify_add_tree(in, root, mask);
	if (root_wd < 0)
		igor_error(log_, "tree failed: %s", strerror(errno));
	else
		igor_info(log_, "tree wd=%d in %lld ms", root_wd, mono_ms() - t0);
}

static void on_later(igor_timer *t, void *arg)
{
	(void)t, (void)arg;
	add_tree();
}

static void on_resume(igor_timer *t, void *arg)
{
	(void)arg;
	if (resume_file && access(resume_file, F_OK) != 0) {
		igor_timer_arm(t, 50);
		return;
	}
	igor_info(log_, "resume: %d", igor_inotify_resume(in));
}

static void on_event(const struct igor_event *ev, void *arg)
{
	(void)arg;
	if ((!quiet && !(mute && strncmp(ev->name, mute, strlen(mute)) == 0)) ||
	    (ev->mask & IN_Q_OVERFLOW))
		igor_info(log_, "EV wd=%d mask=0x%x%s cookie=%u name='%s' path='%s'",
			  ev->wd, ev->mask & ~IGOR_SYNTHETIC,
			  ev->mask & IGOR_SYNTHETIC ? " synthetic" : "",
			  ev->cookie, ev->name, ev->path ? ev->path : "(null)");
	if (sleep_us)
		usleep((useconds_t)sleep_us);
	if (pause_on && strcmp(ev->name, pause_on) == 0) {
		igor_info(log_, "pause: %d", igor_inotify_pause(in));
		igor_timer_arm(resume, resume_file ? 50 : resume_ms);
	}
	if (rm_on && strcmp(ev->name, rm_on) == 0)
		igor_info(log_, "rm: %d", igor_inotify_rm_watch(in, root_wd));
}

int setup(const igor_config *c, igor_logger *l, igor_inotify_factory *f)
{
	log_ = l;
	root = igor_config_str(c, "root", NULL);
	mask = (uint32_t)igor_config_int(c, "mask", IN_ALL_EVENTS);
	if (igor_config_bool(c, "recrawl", false))
		mask |= IGOR_RECRAWL;
	quiet = igor_config_bool(c, "quiet", false);
	mute = igor_config_str(c, "mute", NULL);
	sleep_us = igor_config_int(c, "sleep_us", 0);
	pause_on = igor_config_str(c, "pause_on", NULL);
	resume_ms = igor_config_int(c, "resume_ms", 100);
	resume_file = igor_config_str(c, "resume_file", NULL);
	rm_on = igor_config_str(c, "rm_on", NULL);
	in = igor_inotify_new(f, on_event, NULL);
	resume = igor_timer_new(f, on_resume, NULL);
	if (!root || !in || !resume)
		return 1;
	if (igor_config_bool(c, "later", false)) {
		later = igor_timer_new(f, on_later, NULL);
		return later ? igor_timer_arm(later, 0) : 1;
	}
	add_tree();
	return root_wd < 0;
}
