/*
 * announce: what igor tells its service manager, and when (SPEC, "Running
 * under a service manager"); notify.h says how.
 *
 *   READY=1          once the control socket listens and every worker's
 *                    first start is decided: running, failed, in backoff
 *                    after its first exit, or in setup for over 30 s;
 *                    again after each reload
 *   EXTEND_TIMEOUT_USEC=  before READY, while paced starts are queued, so
 *                    a slow start of many workers is not killed
 *   STATUS=          kept current: "3 running, 1 backoff"
 *   RELOADING=1, STOPPING=1
 *   WATCHDOG=1       every half WATCHDOG_USEC, from the loop, so a hung
 *                    igor is restarted
 *
 * Without a service manager every call costs next to nothing.  igor has
 * one service manager, so the state is file-static.
 */
#ifndef IGOR_SUP_ANNOUNCE_H
#define IGOR_SUP_ANNOUNCE_H

#include <stdint.h>

/* How long a setup may run before its worker's first start counts as
 * decided anyway: a plugin slow to set up must not hold igor's
 * readiness back for ever. */
enum { ANNOUNCE_SETUP_DECIDED_MS = 30000 };

/* The control socket listens and the first workers are in the table. */
void announce_started(void);

/* Called every loop round: sends what is due.  Returns the milliseconds
 * until something will be due, or -1 when nothing will. */
int announce_tick(int64_t now);

void announce_reloading(void);
void announce_reloaded(void);
void announce_stopping(void);

#endif /* IGOR_SUP_ANNOUNCE_H */
