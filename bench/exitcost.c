/*
 * exitcost: the raw reference for the restart figure.  A child that holds
 * one inotify watch on DIR crashes on its first event, as the bench's
 * plugin does; the parent times crash -> waitpid.  Closing an inotify
 * instance waits for the kernel to free its marks (an SRCU grace period,
 * slow right after events went through), so this is a floor no
 * supervisor can go below.
 *
 *   exitcost DIR N LIVE     prints N times in ms, one a line; each child
 *                           lives LIVE ms before its event comes
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_out.h"

struct shared {
	volatile int64_t crashed;
	volatile int watching;
};

static void child(const char *dir, struct shared *sh)
{
	char buf[4096];
	int fd = inotify_init1(IN_CLOEXEC);

	if (fd < 0 || inotify_add_watch(fd, dir, IN_CLOSE_WRITE) < 0)
		_exit(1);
	sh->watching = 1;
	if (read(fd, buf, sizeof(buf)) <= 0)
		_exit(1);
	sh->crashed = bench_now_ns();
	*(volatile int *)0 = 1;
}

/* Lets the child's watch come up, waits LIVE ms, writes its event. */
static int poke(const char *dir, long live_ms, struct shared *sh)
{
	char path[4096];
	int i, fd;

	for (i = 0; i < 5000 && !sh->watching; i++)
		usleep(1000);
	usleep((useconds_t)live_ms * 1000);
	snprintf(path, sizeof(path), "%s/exitcost.poke", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	return fd < 0 ? -1 : close(fd);
}

int main(int argc, char **argv)
{
	struct shared *sh;
	long i, n;
	pid_t pid;
	int st;

	if (argc != 4 || (n = atol(argv[2])) <= 0) {
		fprintf(stderr, "usage: exitcost DIR N LIVE\n");
		return 2;
	}
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return perror("exitcost: mmap"), 1;
	for (i = 0; i < n; i++) {
		sh->crashed = 0;
		sh->watching = 0;
		pid = fork();
		if (pid < 0)
			return perror("exitcost: fork"), 1;
		if (pid == 0)
			child(argv[1], sh);
		if (poke(argv[1], atol(argv[3]), sh) < 0)
			perror("exitcost: poke");
		if (waitpid(pid, &st, 0) < 0)
			return perror("exitcost: waitpid"), 1;
		if (!WIFSIGNALED(st) || !sh->crashed) {
			fprintf(stderr, "exitcost: cannot watch '%s'\n", argv[1]);
			return 1;
		}
		printf("%.3f\n", (double)(bench_now_ns() - sh->crashed) / 1e6);
	}
	return 0;
}
