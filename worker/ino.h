/*
 * ino: the ABI's inotify instances: reading each one's fd in the loop,
 * pausing and resuming it, and delivering its events, counted first
 * (emit_event), to the plugin's callback.  Plain watches are handled
 * here; the watches of trees (igor_inotify_add_tree) by tree.c, over the
 * same table (wtable.h).
 *
 * An instance processes its work in order, one piece at a time: a walk in
 * progress (tree.c), then events already read (the backlog), then one
 * read of its fd.  Any of them may stop early (the plugin paused the
 * instance, a walk used its share of the loop); the rest waits and the
 * instance's kick timer brings it back at the loop's next turn.
 */
#ifndef IGOR_WORKER_INO_H
#define IGOR_WORKER_INO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/inotify.h>

#include "ev.h"
#include "igor/plugin.h"
#include "wtable.h"

struct tree_state;

/* Events read from the fd but not yet processed (owned, malloc'ed). */
struct ino_backlog {
	char *buf;
	size_t off, len;
};

struct igor_inotify {
	struct ev_src src; /* first: the loop hands it back */
	int fd;
	igor_event_fn *cb;
	void *arg;
	struct wtable watches;
	struct tree_state *tree; /* NULL until a tree or a recrawl flag */
	struct ino_backlog backlog;
	struct ino_backlog drained; /* read by a walk while events were
				       processed: after the backlog */
	igor_timer *kick;        /* NULL until first needed */
	size_t left;             /* bytes read and not processed, after the
				    event being processed */
	bool paused, running, processing;
	bool degraded;           /* a walk left directories unwatched */
};

/* The worker's one factory (ctx_factory(), under its older name). */
igor_inotify_factory *ino_factory(void);

/*
 * Delivers one event of node n (name: len bytes, "" when none) to the
 * callback, counted first; path is n's path joined with name.
 */
void ino_deliver(struct igor_inotify *in, const struct wnode *n,
		 uint32_t mask, uint32_t cookie, const char *name, size_t len);

/* Delivers IN_Q_OVERFLOW (wd -1, path NULL), counted first. */
void ino_deliver_overflow(struct igor_inotify *in);

/* Bytes of events waiting for in: read and not processed, and in the
 * kernel's queue. */
size_t ino_pending_bytes(const struct igor_inotify *in);

/*
 * During a walk: reads what in's queue holds (when it holds much) into
 * memory, dropping the events the walk's own reads caused, so that they
 * never overflow the queue; stops at INO_DRAIN_MAX bytes kept.  A paused
 * instance is not read.
 */
void ino_drain(struct igor_inotify *in);

/* Makes sure in has its kick timer.  0, or -1 with errno. */
int ino_need_kick(struct igor_inotify *in);

/* Runs in again at the loop's next turn (after ms > 0 milliseconds). */
void ino_kick(struct igor_inotify *in, long long ms);

#endif /* IGOR_WORKER_INO_H */
