/*
 * receiver.h: the unit tests' stand-in for journald or a syslog daemon: a
 * real AF_UNIX datagram socket bound in a temporary directory, read (or
 * left unread) by the test.
 */
#ifndef IGOR_TESTS_RECEIVER_H
#define IGOR_TESTS_RECEIVER_H

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* A datagram socket bound at path (non-blocking, CLOEXEC), or -1. */
static inline int receiver_bind(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0 || strlen(path) >= sizeof(sa.sun_path))
		return -1;
	strcpy(sa.sun_path, path);
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Receives one datagram, waiting up to 2 s; its length, or -1.  The fd
 * passed with it, if any, lands in *passed (else -1) when passed is not
 * NULL. */
static inline long receiver_get(int fd, char *buf, size_t cap, int *passed)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int) * 4)];
	} ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = cap };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = ctl.buf,
			     .msg_controllen = sizeof(ctl.buf) };
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct cmsghdr *c;
	ssize_t n;

	if (passed)
		*passed = -1;
	if (poll(&p, 1, 2000) != 1)
		return -1;
	n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
	for (c = CMSG_FIRSTHDR(&mh); n >= 0 && c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    passed)
			memcpy(passed, CMSG_DATA(c), sizeof(int));
	return (long)n;
}

#endif /* IGOR_TESTS_RECEIVER_H */
