/*
 * ctlclient: igorctl's end of the control socket: which socket (as igor
 * chooses it), the connection, and the requests and their replies (the
 * protocol is common/ctl.h's).  A client of common/ only, as igorctl is.
 *
 * Every problem is said on stderr as "igorctl: ..." where it happens, so
 * callers only decide the exit status.
 */
#ifndef IGOR_SUP_CTLCLIENT_H
#define IGOR_SUP_CTLCLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "ctl.h"

enum { CTLCLIENT_TIMEOUT_S = 30 }; /* a stuck igor must not hang scripts */

/* Called per reply record with the index of its request. */
typedef void ctlclient_reply_fn(const struct ctl_reply *rp, size_t req,
				void *arg);

struct ctlclient {
	int fd;
	struct rec_reader rd;
	int errors; /* CTL_ERROR replies */
};

/*
 * Finds the socket (sock: -s, or NULL), connects and sends the nreq
 * requests; the replies are then ctlclient_read's.  With wait, replies
 * are waited for without a timeout.  0, or -1 after saying why (with a
 * next step when igor is not there).
 */
int ctlclient_open(struct ctlclient *s, const char *sock,
		   const struct ctl_request *rq, size_t nreq, bool wait);

/* Reads replies until nreq requests have ended (CTL_END, CTL_ERROR, or
 * CTL_MISSED, after which igor closes); each record goes to fn.  Says
 * every CTL_ERROR.  0, or -1 after saying why (stdout could not be
 * written: silently when the reader is gone). */
int ctlclient_read(struct ctlclient *s, size_t nreq, ctlclient_reply_fn *fn,
		   void *arg);

void ctlclient_close(struct ctlclient *s);

#endif /* IGOR_SUP_CTLCLIENT_H */
