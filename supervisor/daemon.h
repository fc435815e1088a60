/*
 * daemon: igor's run: load the configs, start the workers, and serve the
 * event loop until SIGTERM or SIGINT.  Signals arrive through a signalfd.
 */
#ifndef IGOR_SUP_DAEMON_H
#define IGOR_SUP_DAEMON_H

#include "opt.h"
#include "wk.h"

/* Returns the exit status: 0 after a clean stop, 1 when igor cannot run. */
int daemon_run(const struct opts *o, const struct layout *lay);

/* Loads and logs the main config and the plugin configs (also used by
 * reload).  Returns 0 with *mc, *s and *set filled; 1 when they are
 * filled but the config directory could not be read (set is empty); -1
 * when the main config is broken (then nothing is filled). */
int daemon_load(const struct opts *o, const struct layout *lay,
		struct main_conf *mc, struct settings *s,
		struct plugin_set *set, struct wk_report *rep);

#endif /* IGOR_SUP_DAEMON_H */
