/*
 * containers.so: a symlink in the enabled directory means "this container
 * runs".  A link that appears starts it, a link that goes stops it, and
 * what runs is compared with the links at setup and every `resync`
 * seconds, as kubelet does with its static pods, so a restart, a lost
 * event or a container removed by hand all converge on what the
 * directory says.
 *
 *   name: containers
 *   plugin: containers.so
 *   enabled: containers-enabled
 *   start: [podman, kube, play, --replace, "{target}"]
 *   stop: [podman, pod, rm, --force, --ignore, "{name}"]
 *   running: [podman, pod, ps, --filter, status=running,
 *             --filter, label=igor=managed, --format, "{{.Name}}"]
 *   timeout: 300        # seconds a command may run; default none
 *   settle: 0.2         # seconds a link must stay put before igor acts
 *   resync: 30          # seconds between two looks; 0: never
 *   retry: {delay: 1, max_delay: 300}   # a failed start or stop
 *
 * This file reads the config and turns events into touches of a name;
 * plugins/containers/ holds the rest (see ctr.h).
 */
#include <errno.h>
#include <string.h>
#include <sys/inotify.h>

#include "cmd.h"
#include "ctr.h"
#include "evnames.h"
#include "igor/plugin.h"

const int igor_plugin_abi = IGOR_PLUGIN_ABI;

struct ctr ctr;

/* ---- events -------------------------------------------------------------- */

static void rescan(void)
{
	struct ctr_link *l, *next;

	igor_warning(ctr.log, "events were lost; looking at '%s' again",
		     ctr.enabled);
	/* ctr_touch may forget the link when it cannot arm its timer. */
	for (l = ctr.links; l; l = next) {
		next = l->next;
		if (!l->stray)
			ctr_touch(l->name); /* catches names now gone */
	}
	ctr_scan(true);
}

static void on_event(const struct igor_event *ev, void *arg)
{
	char names[128];

	(void)arg;
	igor_debug(ctr.log, "event %s %s",
		   evnames_format(ev->mask, names, sizeof(names)),
		   ev->path ? ev->path : "");
	if (ev->mask & IN_Q_OVERFLOW) {
		rescan();
		return;
	}
	if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) {
		if (ev->mask & IN_IGNORED)
			igor_error(ctr.log, "'%s' was removed or moved away; no longer watching it (restart the plugin once it is back)",
				   ctr.enabled);
		return;
	}
	if (ev->name[0])
		ctr_touch(ev->name);
}

/* ---- setup --------------------------------------------------------------- */

/* retry: {delay, max_delay}, seconds. */
static int read_retry(const igor_config *conf)
{
	const igor_config *retry = igor_config_get(conf, "retry");

	ctr.retry_ms = CTR_RETRY_MS;
	ctr.retry_max_ms = CTR_RETRY_MAX_MS;
	if (!retry)
		return 0;
	if (igor_config_value(retry) || igor_config_len(retry)) {
		igor_error(ctr.log, "'retry' must be a mapping such as {delay: 1, max_delay: 300}");
		return -1;
	}
	if (cmd_seconds(retry, "delay", CTR_RETRY_MS, &ctr.retry_ms,
			ctr.log) < 0 ||
	    cmd_seconds(retry, "max_delay", CTR_RETRY_MAX_MS,
			&ctr.retry_max_ms, ctr.log) < 0)
		return -1;
	if (ctr.retry_ms < 1 || ctr.retry_max_ms < ctr.retry_ms) {
		igor_error(ctr.log, "'retry': 'delay' must be at least 0.001 and 'max_delay' at least 'delay'");
		return -1;
	}
	return 0;
}

static int read_config(const igor_config *conf)
{
	ctr.enabled = igor_config_str(conf, "enabled", NULL);
	if (!ctr.enabled || !ctr.enabled[0]) {
		igor_error(ctr.log, "'enabled' must name the directory of links to watch");
		return -1;
	}
	if (cmd_check_argv(conf, "start", true, ctr.log) < 0 ||
	    cmd_check_argv(conf, "stop", true, ctr.log) < 0 ||
	    cmd_check_argv(conf, "running", false, ctr.log) < 0 ||
	    cmd_seconds(conf, "timeout", 0, &ctr.timeout_ms, ctr.log) < 0 ||
	    cmd_seconds(conf, "settle", CTR_SETTLE_MS, &ctr.settle_ms,
			ctr.log) < 0 ||
	    cmd_seconds(conf, "resync", CTR_RESYNC_MS, &ctr.resync_ms,
			ctr.log) < 0 ||
	    read_retry(conf) < 0)
		return -1;
	ctr.start = igor_config_get(conf, "start");
	ctr.stop = igor_config_get(conf, "stop");
	ctr.running = igor_config_get(conf, "running");
	return 0;
}

int setup(const igor_config *conf, igor_logger *log,
	  igor_inotify_factory *f)
{
	const uint32_t mask = IN_CREATE | IN_DELETE | IN_MOVED_FROM |
			      IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF |
			      IN_ONLYDIR;
	igor_inotify *in;

	ctr.log = log;
	ctr.f = f;
	if (read_config(conf) < 0)
		return 1;
	in = igor_inotify_new(f, on_event, NULL);
	if (!in) {
		igor_error(log, "cannot create an inotify instance: %s",
			   strerror(errno));
		return 1;
	}
	/* The watch first, then the look: no link can slip in between. */
	if (igor_inotify_add_watch(in, ctr.enabled, mask) < 0) {
		igor_error(log, "cannot watch '%s': %s", ctr.enabled,
			   strerror(errno));
		return 1;
	}
	igor_info(log, "watching '%s'", ctr.enabled);
	return ctr_resync_init() < 0 ? 1 : 0;
}
