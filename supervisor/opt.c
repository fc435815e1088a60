/*
 * opt.c: see opt.h.
 */
#include "opt.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "paths.h"
#include "util.h"


void opt_usage(FILE *to)
{
	fputs("usage: igor [-v]... [-c FILE] [-s SOCKET] [-t] [--env] [--version] [-h | --help]\n"
	      "\n"
	      "Runs plugins that act on filesystem events, each in a supervised worker.\n"
	      "\n"
	      "  -v           log more: -v ERROR, -vv WARNING, -vvv INFO, -vvvv DEBUG\n"
	      "  -c FILE      main config file (default $IGOR_CONFIG_DIR/igor.conf)\n"
	      "  -s SOCKET    control socket\n"
	      "  -t, --check  validate every config and plugin, print each problem, exit\n"
	      "  --env        print the environment variables igor reads and their values\n"
	      "  --version    print the version and exit\n"
	      "  -h, --help   print this help and exit\n"
	      "\n"
	      "See igor(8).\n", to);
}

/* The option getopt refused: inside a cluster ("-xv") optind has not
 * moved past it, so the short letter names it, not argv[optind - 1]. */
static const char *bad_option(const char *arg, char buf[3])
{
	if (strncmp(arg, "--", 2) == 0 || optopt <= 0 || optopt > 255)
		return arg;
	buf[0] = '-', buf[1] = (char)optopt, buf[2] = '\0';
	return buf;
}

int opt_parse(int argc, char **argv, struct opts *o)
{
	enum { OPT_ENV = 256, OPT_VERSION };
	static const struct option longs[] = {
		{ "check", no_argument, NULL, 't' },
		{ "env", no_argument, NULL, OPT_ENV },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char optbuf[3];
	int c;

	memset(o, 0, sizeof(*o));
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":vc:s:th", longs, NULL)) != -1) {
		switch (c) {
		case 'v': o->verbose++; break;
		case 'c': o->config = optarg; break;
		case 's': o->socket = optarg; break;
		case 't': o->check = true; break;
		case 'h': o->help = true; break;
		case OPT_ENV: o->env = true; break;
		case OPT_VERSION: o->version = true; break;
		case ':':
			fprintf(stderr, "igor: option '%s' needs an argument\n",
				bad_option(argv[optind - 1], optbuf));
			goto out_usage;
		default:
			fprintf(stderr, "igor: unknown option '%s'\n",
				bad_option(argv[optind - 1], optbuf));
			goto out_usage;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "igor: unexpected argument '%s'\n", argv[optind]);
		goto out_usage;
	}
	return 0;
out_usage:
	opt_usage(stderr);
	return -1;
}

char *opt_main_file(const struct opts *o, opt_getenv_fn *env)
{
	return paths_main_config(o->config, env);
}

char *opt_default_socket(opt_getenv_fn *env)
{
	return paths_default_socket(env);
}

char *opt_default_plugin_dir(const struct layout *lay)
{
	if (lay && lay->build_tree)
		return path_join(lay->exe_dir, "plugins");
	return strdup(IGOR_PLUGINDIR);
}

/* First non-NULL of the command line, environment and main config. */
static char *pick(const char *cli, const char *envv, const char *conf)
{
	return cli ? strdup(cli) : envv ? strdup(envv) : conf ? strdup(conf) : NULL;
}

int opt_resolve(const struct opts *o, opt_getenv_fn *env,
		const struct main_conf *mc, const struct layout *lay,
		struct settings *s)
{
	memset(s, 0, sizeof(*s));
	s->main_file = opt_main_file(o, env);
	s->config_dir = pick(NULL, paths_env(env, "IGOR_CONFIG_DIR"),
			     mc->config_dir);
	if (!s->config_dir)
		s->config_dir = strdup(PATHS_CONFIG_DIR);
	s->socket = pick(o->socket, paths_env(env, "IGOR_SOCKET"), mc->socket);
	if (!s->socket)
		s->socket = opt_default_socket(env);
	s->plugin_dir = pick(NULL, paths_env(env, "IGOR_PLUGIN_DIR"), NULL);
	if (!s->plugin_dir)
		s->plugin_dir = opt_default_plugin_dir(lay);
	if (lay && lay->build_tree)
		s->worker = path_join(lay->exe_dir, "igor-worker");
	else
		s->worker = strdup(IGOR_LIBEXECDIR "/igor-worker");
	if (o->verbose)
		s->log_level = log_level_from_verbosity(o->verbose);
	else if (mc->log_level > 0)
		s->log_level = mc->log_level;
	else
		s->log_level = LOG_LVL_CRITICAL;
	if (!s->main_file || !s->config_dir || !s->socket || !s->plugin_dir ||
	    !s->worker) {
		settings_release(s);
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void settings_release(struct settings *s)
{
	free(s->main_file);
	free(s->config_dir);
	free(s->socket);
	free(s->plugin_dir);
	free(s->worker);
	memset(s, 0, sizeof(*s));
}

int layout_detect(struct layout *lay)
{
	char exe[4096], *worker, *plugins;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	memset(lay, 0, sizeof(*lay));
	if (n <= 0)
		return -1;
	exe[n] = '\0';
	lay->exe_dir = path_dir(exe);
	if (!lay->exe_dir)
		return -1;
	/* Installed, igor-worker lives in libexec; beside igor only in a build. */
	worker = path_join(lay->exe_dir, "igor-worker");
	plugins = path_join(lay->exe_dir, "plugins");
	lay->build_tree = worker && plugins && access(worker, X_OK) == 0 &&
			  access(plugins, F_OK) == 0;
	free(worker);
	free(plugins);
	return 0;
}

void layout_release(struct layout *lay)
{
	free(lay->exe_dir);
	memset(lay, 0, sizeof(*lay));
}

void opt_print_env(const struct settings *s, opt_getenv_fn *env,
		   const struct layout *lay)
{
	char *sock = opt_default_socket(env), *pdir = opt_default_plugin_dir(lay);

	printf("IGOR_CONFIG_DIR=%s  # default: %s; directory holding the plugin configs\n",
	       s->config_dir, PATHS_CONFIG_DIR);
	printf("IGOR_CONFIG=%s  # default: $IGOR_CONFIG_DIR/igor.conf; main config file\n",
	       s->main_file);
	printf("IGOR_SOCKET=%s  # default: %s; control socket\n", s->socket,
	       sock ? sock : "?");
	printf("IGOR_PLUGIN_DIR=%s  # default: %s; where a bare plugin file name is looked up\n",
	       s->plugin_dir, pdir ? pdir : "?");
	free(sock);
	free(pdir);
}
