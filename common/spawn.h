/*
 * spawn: the one fork and exec of igor, for the supervisor's workers and
 * for the commands a plugin runs: a clean child (only the fds given, a
 * clean signal mask, default dispositions, its own process group), and a
 * failed exec reported through a close-on-exec pipe, as s6-supervise's
 * trystart does: the child writes its errno there only if exec fails, so
 * reading nothing means the exec worked.
 */
#ifndef IGOR_SPAWN_H
#define IGOR_SPAWN_H

#include <sys/types.h>

/* What to start; every pointer is borrowed for the call. */
struct spawn_req {
	const char *path;   /* the program; NULL: argv[0], looked up in PATH */
	char *const *argv;  /* NULL-terminated */
	char *const *envp;  /* NULL: the caller's environment */
	const int *fds;     /* the child's fd i is fds[i] (-1: /dev/null) */
	int nfds;           /* fds[0..nfds); every other fd is closed */
	pid_t die_with;     /* > 0: the child gets SIGKILL when this
			       process, its parent, dies (PR_SET_PDEATHSIG) */
};

/*
 * Starts the child and waits for its exec.  Returns its pid (also its
 * process group id), or -1 with errno set: the exec's errno when the
 * exec failed, the child then reaped.
 */
pid_t spawn_start(const struct spawn_req *rq);

/*
 * A close-on-exec memfd holding len bytes of buf, for a child to read at
 * its own pace (a worker's config).  Returns the fd, or -1 with errno.
 */
int spawn_data_fd(const void *buf, size_t len);

#endif /* IGOR_SPAWN_H */
