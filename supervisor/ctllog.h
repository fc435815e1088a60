/*
 * ctllog: the lines of `igorctl log`, from logring.h's ring to a control
 * client's reply: which lines a request asks for, and how each is sent.
 * Following (the client, its bound, what it missed) is ctlsrv.c's.
 */
#ifndef IGOR_SUP_CTLLOG_H
#define IGOR_SUP_CTLLOG_H

#include <stdbool.h>
#include <stddef.h>

#include "ctl.h"
#include "logring.h"

/* Is l asked for by names ("": every line; else a plugin's line whose
 * plugin is among them)? */
bool ctllog_matches(const char *names, const struct logring_line *l);

/* Appends l to out as one CTL_LOGLINE.  0, or -1 with errno. */
int ctllog_encode(struct rec_buf *out, const struct logring_line *l);

/* Appends the last rq->lines lines held that rq->names asks for, oldest
 * first.  0, or -1 with errno (ENOMEM). */
int ctllog_backlog(struct rec_buf *out, const struct ctl_request *rq);

/*
 * The first of rq->names that is neither one of the n workers of v nor
 * the plugin of a line held, copied into buf (PLUGNAME_MAX + 1 bytes):
 * a name igor never heard of is more likely a typo than a plugin whose
 * lines are still to come.  NULL when every name is known.
 */
const char *ctllog_unknown(const char *names, const struct ctl_worker *v,
			   size_t n, char *buf);

#endif /* IGOR_SUP_CTLLOG_H */
