/*
 * wkstatus: what a worker told igor about itself beyond its records'
 * flow: the status lines its plugin published (igor_status_set), and its
 * watch problem (a tree left partly unwatched: "degraded").  Both belong
 * to the process and go when it exits.
 *
 * The worker bounds its lines itself (REC_STATUS_KEYS keys); a worker
 * that sends more, or bytes a C string cannot hold, is broken, and the
 * caller makes that a protocol error.
 */
#ifndef IGOR_SUP_WKSTATUS_H
#define IGOR_SUP_WKSTATUS_H

#include <stddef.h>
#include <stdint.h>

#include "ctl.h"

struct wkstatus {
	struct ctl_status_line *lines; /* owned, in key order */
	size_t n;
	char degraded[CTL_ERROR_MAX + 1]; /* the watch problem; "" when none */
};

/* Sets key's line (line NULL: clears key).  key and line are borrowed
 * bytes of klen and llen.  Returns 0, or -1 with errno (EPROTO: more
 * keys than the protocol allows, or a NUL byte; ENOMEM). */
int wkstatus_set(struct wkstatus *st, const uint8_t *key, size_t klen,
		 const uint8_t *line, size_t llen, int64_t since);

/* Sets the watch problem (msg, len bytes) or, with msg NULL, clears it. */
void wkstatus_degraded(struct wkstatus *st, const uint8_t *msg, size_t len);

/* The process is gone: everything it said goes with it. */
void wkstatus_release(struct wkstatus *st);

#endif /* IGOR_SUP_WKSTATUS_H */
