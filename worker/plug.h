/*
 * plug: what happens between exec and the plugin's setup: dropping
 * privileges, entering the config's directory, loading the plugin.
 * Each step names what failed in why and returns -1.
 */
#ifndef IGOR_WORKER_PLUG_H
#define IGOR_WORKER_PLUG_H

#include <stddef.h>
#include <sys/types.h>

#include "cfg.h"
#include "igor/plugin.h"
#include "util.h"

/*
 * Drops to the config's user: and group: (supplementary groups, then
 * group, then user, each checked), re-arms the parent-death signal and
 * sets no_new_privs unless no_new_privs: false.
 */
int plug_drop_privileges(const struct cfg_node *conf, pid_t parent,
			 struct why *why);

/*
 * dlopens path (RTLD_NOW), checks igor_plugin_abi when exported, and finds
 * symbol.  On success *setup is the entry point; the handle stays open for
 * the life of the worker.
 */
int plug_load(const char *path, const char *symbol, igor_setup_fn **setup,
	      struct why *why);

/* Kills this process when parent dies; fails when it already has. */
int plug_watch_parent(pid_t parent);

#endif /* IGOR_WORKER_PLUG_H */
