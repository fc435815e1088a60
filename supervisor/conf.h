/*
 * conf: the main config (igor.conf) and the plugin configs, loaded and
 * validated.  Every problem is collected as FILE:LINE: message; a broken
 * plugin config is skipped whole and the others are kept.
 */
#ifndef IGOR_SUP_CONF_H
#define IGOR_SUP_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfg.h"
#include "logdest.h"
#include "rfc3164.h"

struct restart_policy {
	int64_t delay_ms, max_delay_ms, reset_after_ms;
};

/* igor.conf's default stop_timeout, and syslog_facility's. */
enum {
	CONF_STOP_TIMEOUT_MS = 10000,
	CONF_SYSLOG_FACILITY = RFC3164_DAEMON,
};

struct main_conf {
	char *file;         /* as opened */
	bool found;         /* false: the file does not exist, all defaults */
	char *config_dir;   /* NULL when not set; likewise the next three */
	char *socket;
	char *socket_group;
	int log_level;      /* -1 when not set */
	enum log_dest log;  /* LOG_DEST_AUTO unless set */
	int syslog_facility; /* 0..23; CONF_SYSLOG_FACILITY unless set */
	int64_t stop_timeout_ms;
	struct restart_policy restart;
};

struct plugin_conf {
	char *file;      /* config file as opened */
	char *name;
	char *plugin;    /* resolved plugin path */
	char *plugin_tried; /* a bare name not beside the config: the path
			       tried there first, else NULL */
	char *symbol;    /* "setup" unless given */
	unsigned line;   /* of the mapping */
	unsigned plugin_line;
	int log_level;   /* 0 when not set */
	int64_t watchdog_ms; /* 0 when not set */
	bool keep_descendants; /* descendants: keep (default kill) */
	char *bytes;     /* the file as read: handed to the worker */
	size_t len;
	struct cfg_node *tree;
};

/* Plugin configs in file-name order, and the files that were refused. */
struct plugin_set {
	struct plugin_conf **v;
	size_t n;
	char **broken; /* files with a problem (owned) */
	size_t nbroken;
};

/*
 * Loads the main config; a missing file gives the defaults (found false).
 * Problems go to errs, unknown keys to warns.  Returns 0, or -1 when the
 * file exists but is broken (mc then holds the defaults).
 */
int conf_load_main(const char *file, struct main_conf *mc,
		   struct cfg_errs *errs, struct cfg_errs *warns);
void main_conf_release(struct main_conf *mc);
void main_conf_defaults(struct main_conf *mc);

/*
 * Loads every *.conf of dir in byte order of names, except igor.conf and
 * main_file; bare plugin names not beside the config are looked up in
 * plugin_dir.  Returns 0 when dir could be read (each bad file is then
 * in errs and set->broken), or -1 with errs holding why not.
 */
int conf_load_plugins(const char *dir, const char *main_file,
		      const char *plugin_dir, struct plugin_set *set,
		      struct cfg_errs *errs);
void plugin_set_release(struct plugin_set *set);
void plugin_conf_free(struct plugin_conf *pc);

/*
 * When pc's plugin is a bare name found neither beside its config nor in
 * the plugin directory, says so in msg (cap bytes), naming both places,
 * and returns true: the worker could only name the last place tried.
 */
bool conf_explain_missing(const struct plugin_conf *pc, char *msg,
			  size_t cap);

/* Does file appear in set->broken? */
bool plugin_set_is_broken(const struct plugin_set *set, const char *file);

/* Same name, same resolved plugin, same parsed config? */
bool plugin_conf_equal(const struct plugin_conf *a,
		       const struct plugin_conf *b);

#endif /* IGOR_SUP_CONF_H */
