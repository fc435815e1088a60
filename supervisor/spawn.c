/*
 * spawn.c: see spawn.h.
 */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

/* In the child: put fds[i] at i.  Moves them out of the way first, so a
 * source already sitting on another target number is not clobbered. */
static int place_fds(const int fds[SPAWN_FDS])
{
	int high[SPAWN_FDS], i;

	for (i = 0; i < SPAWN_FDS; i++) {
		high[i] = fds[i] >= 0 ? fcntl(fds[i], F_DUPFD_CLOEXEC, 16)
				      : open("/dev/null", O_RDWR | O_CLOEXEC);
		if (high[i] < 0)
			return -1;
	}
	for (i = 0; i < SPAWN_FDS; i++)
		if (dup2(high[i], i) < 0) /* dup2 clears CLOEXEC on i */
			return -1;
	/* Whatever igor itself inherited without CLOEXEC stops here. */
	return close_range(SPAWN_FDS, ~0U, 0) < 0 && errno != ENOSYS ? -1 : 0;
}

static void exec_child(const char *path, char *const argv[],
		       const int fds[SPAWN_FDS], int report)
{
	int err;

	setpgid(0, 0);
	sig_reset_all();
	if (place_fds(fds) == 0)
		execv(path, argv);
	err = errno;
	(void)!write(report, &err, sizeof(err));
	_exit(127);
}

pid_t spawn_process(const char *path, char *const argv[],
		    const int fds[SPAWN_FDS])
{
	int report[2], err;
	ssize_t n;
	pid_t pid;

	if (pipe2(report, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		goto out_close;
	if (pid == 0)
		exec_child(path, argv, fds, report[1]);
	setpgid(pid, pid); /* also here: no window where a kill misses it */
	report[1] = safe_close(report[1]);
	do
		n = read(report[0], &err, sizeof(err));
	while (n < 0 && errno == EINTR);
	safe_close(report[0]);
	if (n == (ssize_t)sizeof(err)) {
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		errno = err;
		return -1;
	}
	return pid;
out_close:
	safe_close(report[0]);
	safe_close(report[1]);
	return -1;
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
