/*
 * paths.c: see paths.h.
 */
#include "paths.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

const char *paths_getenv(const char *name)
{
	return getenv(name);
}

const char *paths_env(paths_getenv_fn *env, const char *name)
{
	const char *v = env(name);

	return v && *v ? v : NULL;
}

char *paths_main_config(const char *cli, paths_getenv_fn *env)
{
	const char *f = cli ? cli : paths_env(env, "IGOR_CONFIG");
	const char *dir = paths_env(env, "IGOR_CONFIG_DIR");

	if (f)
		return strdup(f);
	return path_join(dir ? dir : PATHS_CONFIG_DIR, "igor.conf");
}

char *paths_default_socket(paths_getenv_fn *env)
{
	const char *xdg = paths_env(env, "XDG_RUNTIME_DIR");
	char buf[64];

	if (geteuid() == 0)
		return strdup(PATHS_ROOT_SOCKET);
	if (xdg)
		return path_join(xdg, "igor.sock");
	snprintf(buf, sizeof(buf), "/tmp/igor-%u/igor.sock", (unsigned)geteuid());
	return strdup(buf);
}
