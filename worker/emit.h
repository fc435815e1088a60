/*
 * emit: the worker's side of the record stream (fd 3, see rec.h).
 *
 * Event records are batched in memory and written by emit_flush, which the
 * loop calls before it sleeps; every other record is written at once, after
 * the batch, so order is kept and a log line has left the process when
 * emit_log returns.  Writes block when the supervisor is slow: backpressure,
 * never loss.  Thread-safe, since igor_log may be called from any thread.
 */
#ifndef IGOR_WORKER_EMIT_H
#define IGOR_WORKER_EMIT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rec;

enum { EMIT_DELAY_MS = 10 };

/* Starts emitting on fd (kept open by emit).  0, or -1 with errno. */
int emit_init(int fd);

int emit_hello(void);
int emit_ready(void);
int emit_fail(int kind, const char *msg);
int emit_log(int level, const char *msg, size_t len);

/* emit_log of a printf-formatted line, cut at REC_MSG_MAX bytes. */
int emit_vlogf(int level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
int emit_logf(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int emit_pong(int64_t seq);

/* Sends r (its bytes borrowed for the call) after what is queued, now;
 * for records built elsewhere, such as abi_status's. */
int emit_record(const struct rec *r);

/*
 * Each event as its own record (with its path), or only counted: the
 * supervisor needs each event only when it logs at DEBUG (its threshold,
 * which the worker knows).  Called from the loop's thread only.
 */
void emit_set_each_event(bool on);

/* Maps the counter page igor handed over (fd, taken: closed here).
 * 0, or -1 with errno; events are then counted in a private stand-in. */
int emit_map_counters(int fd);

/*
 * One event about to reach a callback: counted in the counter page now,
 * before the callback runs, so a crash in it cannot lose the count; and
 * queued as a record when each event is wanted.  path (len bytes) is
 * borrowed for the call.  Called from the loop's thread only.
 */
int emit_event(int wd, uint32_t mask, uint32_t cookie, const char *path,
	       size_t len);

/* An IN_Q_OVERFLOW about to reach the callbacks: counted, and sent now
 * so igor can say events were lost. */
int emit_overflow(void);

/* Writes what is queued.  0, or -1 with errno (EPIPE: supervisor gone). */
int emit_flush(void);

/*
 * Milliseconds until the queued event records are due (0: now), or -1
 * when none are queued.  Event records wait up to EMIT_DELAY_MS so that
 * a worker keeping pace with a stream of events does not wake the
 * supervisor for every few of them; any other record flushes them first.
 */
int emit_due_ms(void);

#endif /* IGOR_WORKER_EMIT_H */
