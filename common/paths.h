/*
 * paths: where igor's files are by default, as igor and igorctl both
 * find them (see igor(8), ENVIRONMENT).
 */
#ifndef IGOR_PATHS_H
#define IGOR_PATHS_H

#define PATHS_CONFIG_DIR "/etc/igor"
#define PATHS_ROOT_SOCKET "/run/igor/igor.sock"

/* getenv, or a stand-in for tests. */
typedef const char *paths_getenv_fn(const char *name);

/* The real one: getenv(3) as a paths_getenv_fn. */
const char *paths_getenv(const char *name);

/* env(name) when set and not empty, else NULL. */
const char *paths_env(paths_getenv_fn *env, const char *name);

/* The main config file: cli (-c) when not NULL, else IGOR_CONFIG, else
 * $IGOR_CONFIG_DIR/igor.conf.  Owned by the caller; NULL when out of
 * memory. */
char *paths_main_config(const char *cli, paths_getenv_fn *env);

/* The default socket: PATHS_ROOT_SOCKET as root, else
 * $XDG_RUNTIME_DIR/igor.sock, else /tmp/igor-UID/igor.sock.  Owned by the
 * caller; NULL when out of memory. */
char *paths_default_socket(paths_getenv_fn *env);

#endif /* IGOR_PATHS_H */
