/*
 * t8_limits.so: asks for more inotify than the tests' lowered limits
 * allow, and logs every failure with its errno, as a plugin should:
 *   instances: N     igor_inotify_new N times
 *   paths: [dir...]  each watched on the first instance
 * Logs "instance I: ERRNO TEXT" and "watch 'P': ERRNO TEXT" at WARNING,
 * then "t8_limits: K instance(s), W watch(es)", and stays running with
 * what it got: every event on those is logged as "EV name='N'".
 */
#include <errno.h>
#include <string.h>
#include <sys/inotify.h>

#include "igor/plugin.h"

const int igor_plugin_abi = IGOR_PLUGIN_ABI;

static igor_logger *log_;

static void on_event(const struct igor_event *ev, void *arg)
{
	(void)arg;
	igor_info(log_, "EV name='%s'", ev->name);
}

int setup(const igor_config *c, igor_logger *l, igor_inotify_factory *f)
{
	const igor_config *paths = igor_config_get(c, "paths");
	long long i, n = igor_config_int(c, "instances", 1), got = 0, wds = 0;
	igor_inotify *first = NULL, *in;
	const char *p;

	log_ = l;
	for (i = 1; i <= n; i++) {
		in = igor_inotify_new(f, on_event, NULL);
		if (!in) {
			igor_warning(l, "instance %lld: %s", i, strerror(errno));
			continue;
		}
		got++;
		if (!first)
			first = in;
	}
	for (i = 0; first && i < (long long)igor_config_len(paths); i++) {
		p = igor_config_value(igor_config_at(paths, (size_t)i));
		if (igor_inotify_add_watch(first, p, IN_CREATE) < 0)
			igor_warning(l, "watch '%s': %s", p, strerror(errno));
		else
			wds++;
	}
	igor_info(l, "t8_limits: %lld instance(s), %lld watch(es)", got, wds);
	return 0;
}
