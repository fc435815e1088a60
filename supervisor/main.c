/*
 * igor: the supervisor.  Parses the command line and runs one of its
 * modes: --help, --version, --env, -t (check.c) or the daemon (daemon.c).
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "check.h"
#include "conf.h"
#include "daemon.h"
#include "log.h"
#include "opt.h"
#include "spawn.h"
#include "util.h"

/* --env needs the main config: config_dir and socket may come from it. */
static int print_env(const struct opts *o, const struct layout *lay)
{
	struct cfg_errs errs = { 0 };
	struct main_conf mc;
	struct settings s;
	char *main_file = opt_main_file(o, paths_getenv);

	if (!main_file)
		return 1;
	conf_load_main(main_file, &mc, &errs, &errs);
	free(main_file);
	cfg_errs_release(&errs);
	if (opt_resolve(o, paths_getenv, &mc, lay, &s) < 0) {
		main_conf_release(&mc);
		return 1;
	}
	opt_print_env(&s, paths_getenv, lay);
	settings_release(&s);
	main_conf_release(&mc);
	return 0;
}

/*
 * igor holds three fds per worker, so it raises its soft RLIMIT_NOFILE to
 * the hard limit; every child it starts gets back the limit igor was
 * started with, as programs that use select(2) expect (systemd's advice
 * for daemons).
 */
static void raise_nofile(void)
{
	struct rlimit rl, up;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return;
	spawn_set_child_nofile(&rl);
	if (rl.rlim_cur == rl.rlim_max)
		return;
	up.rlim_cur = up.rlim_max = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &up);
}

/* Started with 0, 1 or 2 closed, igor's own fds would land there and be
 * taken for stdio, by us and by every child. */
static void keep_stdio_open(void)
{
	int fd;

	do
		fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	while (fd >= 0 && fd <= 2 && fd_cloexec(fd, false) == 0);
	if (fd > 2)
		close(fd);
}

int main(int argc, char **argv)
{
	struct opts o;
	struct layout lay;
	int ret;

	keep_stdio_open();
	if (opt_parse(argc, argv, &o) < 0)
		return 2;
	if (o.help) {
		opt_usage(stdout);
		return 0;
	}
	if (o.version) {
		printf("igor %s\n", IGOR_VERSION);
		return 0;
	}
	/* Until the config says otherwise, -v alone decides. */
	log_set_threshold(log_level_from_verbosity(o.verbose));
	layout_detect(&lay);
	raise_nofile();
	if (o.env)
		ret = print_env(&o, &lay);
	else if (o.check)
		ret = check_run(&o, &lay);
	else
		ret = daemon_run(&o, &lay);
	layout_release(&lay);
	return ret;
}
