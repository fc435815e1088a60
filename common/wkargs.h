/*
 * wkargs: how igor starts igor-worker, defined once for both sides: the
 * fds the worker inherits, its command line, and the counter page.
 *
 *   igor-worker [-t] [-k] -n NAME -f CONFIG -p PLUGIN -s SYMBOL -l LEVEL -P PPID
 *
 * With -t the worker loads the plugin, reports READY or FAIL and exits
 * without calling setup (igor -t).  With -k (descendants: keep) it leaves
 * alone what its commands leave behind; without, it ends it when it
 * stops.
 */
#ifndef IGOR_WKARGS_H
#define IGOR_WKARGS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* The worker's fds; every other fd is closed at its exec. */
enum {
	WKARGS_FD_NULL = 0,     /* /dev/null */
	WKARGS_FD_OUT = 1,      /* pipe to igor's log, lines at INFO */
	WKARGS_FD_ERR = 2,      /* pipe to igor's log, lines at WARNING */
	WKARGS_FD_REC = 3,      /* the record socket (rec.h), both ways */
	WKARGS_FD_CONFIG = 4,   /* memfd: the config file's bytes as igor
				   parsed them, so the worker runs exactly
				   what igor validated */
	WKARGS_FD_COUNTERS = 5, /* memfd: struct wkargs_counters, shared */
	WKARGS_NFDS = 6,
};

/*
 * The counter page, mapped shared by the worker (which writes it) and by
 * igor (which reads it).  Each event is counted here before its callback
 * runs, so a count survives the crash of that callback without a write to
 * the record socket per event.  igor reads these as untrusted numbers
 * from a process that may be broken: never trusted to grow, never to be
 * sane.
 */
struct wkargs_counters {
	uint64_t events;    /* delivered to a callback */
	uint64_t overflows; /* IN_Q_OVERFLOW seen by the worker */
};

/* The command line's values; strings borrowed from argv or the caller. */
struct wkargs {
	bool check;           /* -t */
	bool keep;            /* -k: descendants: keep */
	const char *name;     /* -n: the plugin's name */
	const char *file;     /* -f: its config file, as igor opened it */
	const char *plugin;   /* -p: the resolved plugin file */
	const char *symbol;   /* -s: its setup symbol */
	int level;            /* -l: igor's log threshold */
	pid_t parent;         /* -P: igor's pid, for the parent-death check */
};

enum { WKARGS_ARGV_MAX = 16 };

/* An argv built by wkargs_build: argv points into the struct itself and
 * at the strings of the struct wkargs given, borrowed from there. */
struct wkargs_argv {
	char *argv[WKARGS_ARGV_MAX];
	char level[16], parent[16];
};

void wkargs_build(const struct wkargs *a, struct wkargs_argv *out);

/* Parses the worker's command line.  Returns 0, or -1 when it is not one
 * igor builds. */
int wkargs_parse(int argc, char **argv, struct wkargs *a);

#endif /* IGOR_WKARGS_H */
