/*
 * ctlsock: the control socket in the file system: its directory (made
 * 0750 in socket_group when missing, refused when another user could
 * replace what is in it: sockdir.h), a stale socket replaced, a live igor
 * refused, the socket bound 0660 in socket_group from the start, and
 * removed only while it is still the one igor bound.
 */
#ifndef IGOR_SUP_CTLSOCK_H
#define IGOR_SUP_CTLSOCK_H

#include <sys/types.h>

/* Which socket file igor bound: what ctlsock_unlink removes. */
struct ctlsock_id {
	dev_t dev;
	ino_t ino;
};

/*
 * Creates the socket at path, group socket_group ("" or NULL: igor's own
 * group), listening with backlog.  Returns the listening fd (nonblocking,
 * close-on-exec) with *id set, or -1 after logging why at CRITICAL.
 */
int ctlsock_listen(const char *path, const char *group, int backlog,
		   struct ctlsock_id *id);

/* Removes path if it is still the socket id names: another igor may have
 * replaced it, and its socket is not ours to remove. */
void ctlsock_unlink(const char *path, const struct ctlsock_id *id);

#endif /* IGOR_SUP_CTLSOCK_H */
