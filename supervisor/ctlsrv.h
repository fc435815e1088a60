/*
 * ctlsrv: the supervisor's end of the control socket (igorctl), once
 * ctlsock.h has made it; the protocol is common/ctl.h's.  It registers
 * its own sources with ev.h: the listening socket, one per client, and a
 * timerfd for the clients' idle deadlines, armed only while a client is
 * connected.  It listens to logring.h's ring for `igorctl log -f`.
 */
#ifndef IGOR_SUP_CTLSRV_H
#define IGOR_SUP_CTLSRV_H

#include <stddef.h>

#include "ctl.h"
#include "metrics.h"
#include "report.h"

/* What the control server asks of igor; arg is passed back. */
struct ctlsrv_ops {
	/* The status of every worker, in name order: *v owned by the
	 * caller (free()).  0, or -1 with errno. */
	int (*status)(void *arg, struct ctl_worker **v, size_t *n);
	/* igorctl restart NAME: 0, or -1 when there is no such plugin. */
	int (*restart)(void *arg, const char *name);
	/* igorctl reload: rep receives what it did.  0, or -1 when the
	 * reload was refused, the last line of rep then saying why. */
	int (*reload)(void *arg, struct report *rep);
	/* igorctl metrics: each line of the exposition to emit (metrics.h).
	 * 0, or -1 with errno, or emit's error. */
	int (*metrics)(void *arg, metrics_line_fn *emit, void *to);
	void *arg;
};

/*
 * Creates the socket (and its directory), refusing when a live igor
 * listens there; a stale socket is replaced.  ops is copied.  Returns 0,
 * or -1 after logging why.
 */
int ctlsrv_open(const char *path, const char *group,
		const struct ctlsrv_ops *ops);

/* Removes the socket and drops every client. */
void ctlsrv_close(void);

/* Frees clients that finished during the last loop round. */
void ctlsrv_sweep(void);

#endif /* IGOR_SUP_CTLSRV_H */
