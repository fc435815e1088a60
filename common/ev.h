/*
 * ev: the epoll loop both igor and igor-worker run; one callback shape for
 * every source (as redis's ae).  A process has one loop, so its state is
 * file-static.  Level-triggered: a handler that reads one buffer per call
 * is called again on the next round, which keeps sources fair.
 */
#ifndef IGOR_EV_H
#define IGOR_EV_H

#include <stdint.h>

/* Embed first in whatever owns the fd; borrowed while registered.  A
 * handler must not free another source during a round (defer it). */
struct ev_src {
	void (*on_ready)(struct ev_src *src, uint32_t events);
};

int ev_init(void);
int ev_add(int fd, struct ev_src *src); /* EPOLLIN */
int ev_del(int fd);

/* Changes what fd is watched for (EPOLLIN, EPOLLOUT, or 0 for only the
 * errors epoll always reports); src as for ev_add. */
int ev_mod(int fd, struct ev_src *src, uint32_t events);

/* Waits at most timeout_ms (-1: until something happens; nothing wakes
 * the process otherwise) and runs the handlers of what is ready.
 * Returns 0, or -1 with errno (EINTR is not an error). */
int ev_once(int timeout_ms);

#endif /* IGOR_EV_H */
