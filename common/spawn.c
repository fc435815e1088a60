/*
 * spawn.c: see spawn.h.  Between fork and exec the child makes only
 * async-signal-safe calls: the parent may have threads.
 */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

extern char **environ;

/* What every child gets back of RLIMIT_NOFILE; the process's one
 * setting, so file-static. */
static struct rlimit child_nofile;
static bool has_child_nofile;

void spawn_set_child_nofile(const struct rlimit *rl)
{
	child_nofile = *rl;
	has_child_nofile = true;
}

/* In the child: put fds[i] at i.  Moves them out of the way first, to
 * numbers >= nfds, so a source already sitting on another target number
 * is not clobbered (and the lowest free numbers, so a low fd limit is no
 * obstacle). */
static int place_fds(const int *fds, int nfds)
{
	int high[nfds > 0 ? nfds : 1], i, null = -1;

	for (i = 0; i < nfds; i++) {
		if (fds[i] < 0 && null < 0)
			null = open("/dev/null", O_RDWR | O_CLOEXEC);
		high[i] = fcntl(fds[i] >= 0 ? fds[i] : null, F_DUPFD_CLOEXEC,
				nfds);
		if (high[i] < 0)
			return -1;
	}
	for (i = 0; i < nfds; i++)
		if (dup2(high[i], i) < 0) /* dup2 clears CLOEXEC on i */
			return -1;
	/* Whatever the parent inherited or opened without CLOEXEC stops at
	 * exec; closing only at exec keeps the report pipe open until then. */
	if (close_range((unsigned)nfds, ~0U, CLOSE_RANGE_CLOEXEC) < 0 &&
	    errno != ENOSYS && errno != EINVAL)
		return -1;
	return 0;
}

/* In the child: tells the parent which step failed, and why. */
static void __attribute__((noreturn)) fail_child(int report,
						 enum spawn_step step)
{
	int msg[2] = { (int)step, errno };

	(void)!write(report, msg, sizeof(msg));
	_exit(127);
}

static void exec_child(const struct spawn_req *rq, int report, pid_t parent)
{
	char *const *envp = rq->envp ? rq->envp : environ;

	/* First: whatever the child does next, it does in its cgroup. */
	if (rq->cgroup_procs > 0 && write(rq->cgroup_procs, "0", 1) != 1)
		fail_child(report, SPAWN_STEP_CGROUP);
	setpgid(0, 0);
	if (rq->die_with > 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127); /* the parent died before the line above */
	}
	sig_reset_all();
	if (place_fds(rq->fds, rq->nfds) == 0) {
		/* After place_fds, which may need numbers above the child's
		 * limit; exec closes all but the first nfds anyway. */
		if (has_child_nofile)
			setrlimit(RLIMIT_NOFILE, &child_nofile);
		if (rq->path)
			execve(rq->path, rq->argv, envp);
		else
			execvpe(rq->argv[0], rq->argv, envp);
	}
	fail_child(report, SPAWN_STEP_EXEC);
}

pid_t spawn_start_nowait(const struct spawn_req *rq, int *report)
{
	int fds[2];
	pid_t pid, self = getpid();

	*report = -1;
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid == 0)
		exec_child(rq, fds[1], self);
	if (pid > 0)
		setpgid(pid, pid); /* also here: no window where a kill misses */
	safe_close(fds[1]);
	if (pid < 0)
		return safe_close(fds[0]);
	*report = fds[0];
	return pid;
}

int spawn_exec_result(int report, enum spawn_step *step, int *err)
{
	ssize_t n;
	int msg[2];

	do
		n = read(report, msg, sizeof(msg));
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return 0;
	if (n != (ssize_t)sizeof(msg))
		return 1; /* end of file: exec closed the child's end */
	*step = msg[0] == SPAWN_STEP_CGROUP ? SPAWN_STEP_CGROUP
					    : SPAWN_STEP_EXEC;
	*err = msg[1];
	return -1;
}

pid_t spawn_start(const struct spawn_req *rq, enum spawn_step *failed)
{
	enum spawn_step step = SPAWN_STEP_FORK;
	int report, err = 0;
	pid_t pid;

	pid = spawn_start_nowait(rq, &report);
	if (pid > 0 && spawn_exec_result(report, &step, &err) < 0) {
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		errno = err;
		pid = -1;
	}
	safe_close(report);
	if (failed)
		*failed = step;
	return pid;
}

int spawn_data_fd(const void *buf, size_t len)
{
	int fd = memfd_create("igor-data", MFD_CLOEXEC);

	if (fd < 0)
		return -1;
	if (write_all(fd, buf, len) < 0)
		return safe_close(fd);
	return fd;
}
