/*
 * ev.c: see ev.h.
 */
#include "ev.h"

#include <errno.h>
#include <stddef.h>
#include <sys/epoll.h>

enum { EV_BATCH = 64 };

static int epfd = -1;

int ev_init(void)
{
	epfd = epoll_create1(EPOLL_CLOEXEC);
	return epfd < 0 ? -1 : 0;
}

int ev_add(int fd, struct ev_src *src)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = src };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

int ev_mod(int fd, struct ev_src *src, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = src };

	return epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev);
}

int ev_del(int fd)
{
	return epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
}

int ev_once(int timeout_ms)
{
	struct epoll_event evs[EV_BATCH];
	int n, i;

	n = epoll_wait(epfd, evs, EV_BATCH, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -1;
	for (i = 0; i < n; i++) {
		struct ev_src *src = evs[i].data.ptr;

		src->on_ready(src, evs[i].events);
	}
	return 0;
}
