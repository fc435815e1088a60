/*
 * degraded: the worker's watch problem (SPEC.md, "Recursive watches").
 *
 * A walk that reaches the inotify watch limit (ENOSPC) leaves directories
 * of a tree unwatched; what it did watch keeps working.  The worker is
 * then degraded: one ERROR names the limit with its value and the first
 * directory left out, and the supervisor is told with REC_DEGRADED and
 * the reason (igorctl status shows it).  The trees of every degraded
 * instance are walked again every DEGRADED_RETRY_MS, on REC_REWALK (sent
 * on a reload) and after an overflow; once every degraded instance had a
 * whole walk that left nothing out, one INFO line and a REC_DEGRADED
 * without a reason say the worker is healthy again.
 */
#ifndef IGOR_WORKER_DEGRADED_H
#define IGOR_WORKER_DEGRADED_H

#include <stddef.h>

struct igor_inotify;

enum { DEGRADED_RETRY_MS = 60000 };

/* A walk of in under root left n directories unwatched at the watch
 * limit, first of them first. */
void degraded_left(struct igor_inotify *in, const char *root,
		   const char *first, unsigned n);

/* A walk of all of in's trees left nothing out. */
void degraded_clear(struct igor_inotify *in);

/* REC_REWALK: when degraded, walks again at the loop's next turn. */
void degraded_rewalk(void);

/*
 * The watch limit this worker is under, "NAME = VALUE", in buf: in a user
 * namespace whose user.max_inotify_watches is below the machine's
 * fs.inotify.max_user_watches, that one, since it is the one reached.
 */
const char *degraded_limit(char *buf, size_t len);

#endif /* IGOR_WORKER_DEGRADED_H */
