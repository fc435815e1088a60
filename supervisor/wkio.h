/*
 * wkio: a worker process's bytes: its record socket both ways, its stdout
 * and stderr as log lines, and the drain when it ends.  What the records
 * mean is wkrec's business.
 *
 * Nothing here ever blocks igor: every fd is nonblocking, what the worker
 * sends is read one buffer per fd per loop round, and what igor sends it
 * waits in a bounded queue until the socket takes it.
 */
#ifndef IGOR_SUP_WKIO_H
#define IGOR_SUP_WKIO_H

#include "wk.h"

/* igor's records to one worker, at most: past this the worker is not
 * reading its socket at all, and is killed as broken. */
enum { WKIO_TX_MAX = REC_MAX };

/* Takes the three fds, also on failure: then every one is closed.
 * Returns 0, or -1 with errno. */
int wkio_open(struct wk *w, int rec_fd, int out_fd, int err_fd);

/* The process is gone: logs what it wrote that is still buffered (only
 * that: an escaped helper holding a pipe must not hold igor), then
 * closes its fds. */
void wkio_drain_and_close(struct wk *w);

/* Reads the records the worker's socket holds now, and no more: before a
 * deadline is judged, what already came is heard (an answer that waited
 * while igor was busy), while a worker that keeps writing cannot hold
 * igor here. */
void wkio_read_buffered(struct wk *w);

/* Queues r for the worker and writes what its socket takes now.  Never
 * blocks and never drops: the rest goes when the socket has room.
 * Returns 0, or -1 when the worker has no socket or was killed for
 * leaving WKIO_TX_MAX bytes unread. */
int wkio_send(struct wk *w, const struct rec *r);

/*
 * igor's log is congested (sink.h): a worker is read no further until it
 * clears, so its lines wait in the worker and none is lost.  Its
 * watchdog deadlines are suspended meanwhile: the time it was not read
 * is added to them when it is read again.
 */
void wkio_resume(struct wk *w);
static inline bool wkio_is_paused(const struct wk *w)
{
	return w->paused;
}

/* wk_ops.ask: sends the watchdog question seq. */
void wkio_ask(struct wk *w, int64_t seq);

#endif /* IGOR_SUP_WKIO_H */
