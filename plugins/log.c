/*
 * log.so: logs every event on the configured paths at INFO, as its names
 * and its path -- the Python tool's inotify.conf example.
 *
 *   name: inotify
 *   plugin: log.so
 *   paths: [watched]           # directories or files
 *   events: [create, delete]   # optional; default: every event
 *   recursive: true            # optional: each path as a tree
 */
#include <errno.h>
#include <string.h>
#include <sys/inotify.h>

#include "evnames.h"
#include "igor/plugin.h"

const int igor_plugin_abi = IGOR_PLUGIN_ABI;

static void on_event(const struct igor_event *ev, void *arg)
{
	igor_logger *log = arg;
	char names[256];

	evnames_format(ev->mask, names, sizeof(names));
	if (ev->mask & IN_Q_OVERFLOW)
		igor_warning(log, "%s: events were lost; looking again is up to you",
			     names);
	else
		igor_info(log, "%s %s", names, ev->path);
}

/* The mask of the events: list, or every event when absent. */
static int events_mask(const igor_config *config, igor_logger *log,
		       uint32_t *mask)
{
	const igor_config *events = igor_config_get(config, "events");
	size_t i;

	*mask = events ? 0 : IN_ALL_EVENTS;
	for (i = 0; i < igor_config_len(events); i++) {
		const char *name = igor_config_value(igor_config_at(events, i));
		uint32_t bit = name ? evnames_parse(name) : 0;

		if (!bit) {
			igor_error(log, "unknown event '%s' in 'events'",
				   name ? name : "(not a name)");
			return -1;
		}
		*mask |= bit;
	}
	return 0;
}

int setup(const igor_config *config, igor_logger *log,
	  igor_inotify_factory *inotify)
{
	const igor_config *paths = igor_config_get(config, "paths");
	bool tree = igor_config_bool(config, "recursive", false);
	igor_inotify *in;
	uint32_t mask;
	size_t i;

	if (!igor_config_len(paths)) {
		igor_error(log, "'paths' must be a list of paths to watch");
		return 1;
	}
	if (events_mask(config, log, &mask) < 0)
		return 1;
	in = igor_inotify_new(inotify, on_event, log);
	if (!in) {
		igor_error(log, "cannot create an inotify instance: %s",
			   strerror(errno));
		return 1;
	}
	for (i = 0; i < igor_config_len(paths); i++) {
		const char *path = igor_config_value(igor_config_at(paths, i));

		if (!path || (tree ? igor_inotify_add_tree(in, path, mask)
				   : igor_inotify_add_watch(in, path, mask)) < 0) {
			igor_error(log, "cannot watch '%s': %s",
				   path ? path : "(not a path)", strerror(errno));
			return 1;
		}
		igor_info(log, tree ? "watching '%s' and every directory below it"
				    : "watching '%s'", path);
	}
	return 0;
}
