/*
 * notify: systemd's readiness protocol (sd_notify(3)), spoken directly,
 * without libsystemd: one datagram of "KEY=VALUE" lines to the socket
 * named by NOTIFY_SOCKET.  SPEC, "Running under a service manager", says
 * what igor sends and when; this module only knows how.
 *
 * Without NOTIFY_SOCKET (s6, runit, a terminal) every call is a no-op
 * that succeeds, so callers never test whether a service manager is
 * there.  Sending never blocks igor: the socket is non-blocking, and a
 * message the service manager has no room for is dropped (EAGAIN).
 *
 *   notify_init();                  at start, before the first fork
 *   notify_send("READY=1");
 *   notify_sendf("STATUS=%u running, %u backoff", run, back);
 *   if (notify_watchdog_usec())     send "WATCHDOG=1" every half of it
 *   notify_close();                 at exit
 */
#ifndef IGOR_NOTIFY_H
#define IGOR_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Reads NOTIFY_SOCKET (an absolute path, or "@name" for an abstract
 * socket), WATCHDOG_USEC and WATCHDOG_PID and JOURNAL_STREAM, then
 * removes them and every LISTEN_* variable from the environment
 * (notify_scrub_env), so that no worker or command igor starts inherits
 * them.  Returns 0, with notifications on when NOTIFY_SOCKET was set and
 * off when it was not; -1 with errno set when NOTIFY_SOCKET is set but
 * cannot be used (EAFNOSUPPORT: neither "/..." nor "@..."; ENAMETOOLONG;
 * or socket(2)'s error): notifications are then off, and igor runs on.
 * The environment is scrubbed in every case.  Calling it again first
 * closes what the previous call opened.
 */
int notify_init(void);

/*
 * Sends state, one or more "KEY=VALUE" lines ("READY=1",
 * "STATUS=...\n"), as one datagram, without blocking.  state is borrowed
 * for the call.  Returns 0 when sent or when notifications are off; -1
 * with errno set otherwise: EAGAIN when the service manager's queue is
 * full (the message is dropped), ECONNREFUSED or ENOENT when nobody
 * listens any more.
 */
int notify_send(const char *state);

/* notify_send of a formatted state; EMSGSIZE past 4096 bytes. */
int notify_sendf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Whether NOTIFY_SOCKET was set and usable at notify_init. */
bool notify_is_enabled(void);

/*
 * The watchdog interval the service manager asked of igor, in
 * microseconds: WATCHDOG_USEC when notifications are on, it is a
 * positive decimal number and WATCHDOG_PID is unset or igor's pid; 0
 * otherwise (no watchdog).  igor sends "WATCHDOG=1" every half of it.
 */
uint64_t notify_watchdog_usec(void);

/*
 * JOURNAL_STREAM as it was at notify_init ("DEVICE:INODE" of the journal
 * stream systemd connected to stderr), or NULL when unset.  Borrowed:
 * valid until notify_init or notify_close.  The log's `auto` destination
 * compares it with fd 2.
 */
const char *notify_journal_stream(void);

/*
 * Removes NOTIFY_SOCKET, WATCHDOG_USEC, WATCHDOG_PID, JOURNAL_STREAM and
 * every variable whose name starts with LISTEN_ from the environment;
 * leaves every other variable (XDG_RUNTIME_DIR included).  Not
 * thread-safe (setenv's rule); igor is single-threaded.
 */
void notify_scrub_env(void);

/* Closes the socket; notifications are off until the next notify_init. */
void notify_close(void);

#endif /* IGOR_NOTIFY_H */
