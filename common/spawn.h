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

#include <stdbool.h>
#include <sys/resource.h>
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
	int cgroup_procs;   /* > 0: an fd of a cgroup's cgroup.procs; the
			       child moves itself there first, so it runs
			       nothing outside that cgroup (0: stays) */
};

/* Which step of a start failed. */
enum spawn_step {
	SPAWN_STEP_FORK,   /* igor's own pipe or fork */
	SPAWN_STEP_CGROUP, /* the child's move into its cgroup */
	SPAWN_STEP_EXEC,   /* the exec */
};

/*
 * Starts the child and waits for its exec.  Returns its pid (also its
 * process group id), or -1 with errno set; *failed (may be NULL) then
 * says which step failed: for the child's own steps errno is the
 * child's, and the child was reaped.
 */
pid_t spawn_start(const struct spawn_req *rq, enum spawn_step *failed);

/*
 * Starts the child without waiting for its exec.  Returns its pid, with
 * *report the read end of the exec-failure pipe (owned by the caller,
 * CLOEXEC; blocking until made otherwise), or -1 with errno (igor's own
 * pipe or fork failed).
 */
pid_t spawn_start_nowait(const struct spawn_req *rq, int *report);

/*
 * What report says of the start: 1 it worked (end of file: exec closed
 * the child's end), 0 not known yet (a nonblocking report with nothing to
 * read), -1 it failed, with the step in *step and the child's errno in
 * *err; the child then exits 127, for its parent to reap.
 */
int spawn_exec_result(int report, enum spawn_step *step, int *err);

/*
 * The RLIMIT_NOFILE every child gets, from now on: igor raises its own
 * soft limit to the hard one and gives children the limit it was started
 * with, as a program that uses select(2) expects.  rl is copied.
 */
void spawn_set_child_nofile(const struct rlimit *rl);

/*
 * A close-on-exec memfd holding len bytes of buf, for a child to read at
 * its own pace (a worker's config).  Returns the fd, or -1 with errno.
 */
int spawn_data_fd(const void *buf, size_t len);

#endif /* IGOR_SPAWN_H */
