/*
 * ctlsrv: the supervisor's end of the control socket (igorctl); the
 * protocol is common/ctl.h's.  It registers its own sources with ev.h:
 * the listening socket, one per client, and a timerfd for the clients'
 * idle deadlines, armed only while a client is connected.
 */
#ifndef IGOR_SUP_CTLSRV_H
#define IGOR_SUP_CTLSRV_H

struct daemon;

/*
 * Creates the socket (and its directory), refusing when a live igor
 * listens there; a stale socket is replaced.  daemon is borrowed for
 * reload requests.  Returns 0, or -1 after logging why.
 */
int ctlsrv_open(const char *path, const char *group, struct daemon *d);

/* Removes the socket and drops every client. */
void ctlsrv_close(void);

/* Frees clients that finished during the last loop round. */
void ctlsrv_sweep(void);

struct wk_report;

/* The daemon's reload, for `igorctl reload` (daemon.c); rep (may be NULL)
 * receives what it did.  Returns 0, or -1 when the reload was refused,
 * the last line of rep then saying why. */
int daemon_reload(struct daemon *d, struct wk_report *rep);

#endif /* IGOR_SUP_CTLSRV_H */
