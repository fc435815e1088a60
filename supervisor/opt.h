/*
 * opt: igor's command line, environment and their precedence: command
 * line, then environment, then the main config, then the default.
 */
#ifndef IGOR_SUP_OPT_H
#define IGOR_SUP_OPT_H

#include <stdbool.h>
#include <stdio.h>

#include "conf.h"
#include "paths.h"

struct opts {
	int verbose;        /* -v count */
	const char *config; /* -c */
	const char *socket; /* -s */
	bool check, env, version, help;
};

/* Where things are when igor runs from the build tree (or NULL). */
struct layout {
	char *exe_dir;    /* directory of the running igor */
	bool build_tree;  /* igor-worker and plugins/ beside it */
};

/* The settings in force. */
struct settings {
	char *main_file;  /* IGOR_CONFIG */
	char *config_dir; /* IGOR_CONFIG_DIR */
	char *socket;     /* IGOR_SOCKET */
	char *plugin_dir; /* IGOR_PLUGIN_DIR */
	char *worker;     /* the igor-worker executable */
	int log_level;
};

typedef paths_getenv_fn opt_getenv_fn;

/* Parses argv.  Returns 0, or -1 after printing a usage error. */
int opt_parse(int argc, char **argv, struct opts *o);

/* The main config file: -c, IGOR_CONFIG, $IGOR_CONFIG_DIR/igor.conf. */
char *opt_main_file(const struct opts *o, opt_getenv_fn *env);

/* Everything else, once the main config is read.  0, or -1 (ENOMEM). */
int opt_resolve(const struct opts *o, opt_getenv_fn *env,
		const struct main_conf *mc, const struct layout *lay,
		struct settings *s);
void settings_release(struct settings *s);

/* Defaults, for --env and the man page. */
char *opt_default_socket(opt_getenv_fn *env);
char *opt_default_plugin_dir(const struct layout *lay);

int layout_detect(struct layout *lay);
void layout_release(struct layout *lay);

/* Prints the --env lines for the settings s. */
void opt_print_env(const struct settings *s, opt_getenv_fn *env,
		   const struct layout *lay);

void opt_usage(FILE *to);

#endif /* IGOR_SUP_OPT_H */
