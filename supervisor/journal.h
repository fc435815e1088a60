/*
 * journal: systemd's native journal protocol, spoken directly (SPEC says
 * why igor links no libsystemd): one datagram per entry to
 * /run/systemd/journal/socket, each field "NAME=value\n", or, for a value
 * holding a newline, the binary-safe form "NAME\n", the value's length
 * as 64-bit little-endian, the value, "\n".  An entry too large for one
 * datagram goes in a sealed memfd passed with SCM_RIGHTS and an empty
 * payload (systemd's "Native Journal Protocol" document, stable).
 *
 *   struct journal_entry e = { 0 };
 *   journal_entry_build(&e, &rec);      MESSAGE, PRIORITY, ... of a line
 *   journal_send(fd, &e);               fd from dgram_connect
 *   journal_entry_release(&e);
 */
#ifndef IGOR_SUP_JOURNAL_H
#define IGOR_SUP_JOURNAL_H

#include <stddef.h>

#include "sink.h"

#define JOURNAL_SOCKET "/run/systemd/journal/socket"

/* One entry as sent: its fields, encoded.  Zeroed is empty; the buffer
 * grows as needed and is kept for the next entry. */
struct journal_entry {
	char *buf;
	size_t len, cap;
};

/* Empties e, keeping its buffer. */
void journal_entry_clear(struct journal_entry *e);

/* Frees e's buffer; e is then empty. */
void journal_entry_release(struct journal_entry *e);

/*
 * Appends field name (a valid journal field name: capitals, digits and
 * '_', borrowed) with value val[0..len) (any bytes), in the plain form,
 * or in the binary-safe form when the value holds a newline.  Returns 0,
 * or -1 with errno ENOMEM (e unchanged).
 */
int journal_entry_add(struct journal_entry *e, const char *name,
		      const char *val, size_t len);

/*
 * Empties e and encodes one line of igor's log: MESSAGE ("plugin NAME:
 * text" for a plugin's line, the bare text for igor's own; never
 * escaped), PRIORITY (log_level_priority), SYSLOG_IDENTIFIER=igor, and
 * IGOR_PLUGIN and IGOR_WORKER_PID when r is from or about a plugin (r's
 * plugin, and its pid when not 0).  Returns 0, or -1 with errno ENOMEM.
 */
int journal_entry_build(struct journal_entry *e, const struct sink_rec *r);

/*
 * Sends e on fd (a connected, non-blocking datagram socket) without
 * blocking: as one datagram, or, when the kernel says it is too large
 * (EMSGSIZE, ENOBUFS), in a sealed memfd.  Returns 0 when sent; -1 with
 * errno EAGAIN when the journal has no room now (try again once
 * dgram_wait says so), or any other errno when the journal is gone or
 * refuses (ECONNREFUSED, ENOENT, ...) or a memfd could not be made.
 */
int journal_send(int fd, const struct journal_entry *e);

#endif /* IGOR_SUP_JOURNAL_H */
