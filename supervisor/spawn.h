/*
 * spawn: fork and exec with a clean child: only the given fds, a clean
 * signal mask, default dispositions, its own process group.  A failed exec
 * is reported through a close-on-exec pipe, as s6-supervise does.
 */
#ifndef IGOR_SUP_SPAWN_H
#define IGOR_SUP_SPAWN_H

#include <sys/types.h>

enum { SPAWN_FDS = 5 };

/*
 * Starts path with argv; the child's fd i is fds[i] (borrowed; -1 opens
 * /dev/null), every other fd is closed by exec (all are CLOEXEC).
 * Returns the pid, or -1 with errno set (the exec's errno when it failed;
 * the child is then reaped).
 */
pid_t spawn_process(const char *path, char *const argv[],
		    const int fds[SPAWN_FDS]);

/*
 * A close-on-exec memfd holding len bytes of buf, for a child to read at
 * its own pace (a worker's config).  Returns the fd, or -1 with errno.
 */
int spawn_data_fd(const void *buf, size_t len);

#endif /* IGOR_SUP_SPAWN_H */
