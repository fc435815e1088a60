/*
 * sink: igor's own output, written without ever blocking its loop (SPEC,
 * "igor never blocks its loop on its own output").
 *
 * Lines are queued in a bounded buffer; a writer thread writes them to
 * the log's destination (logwriter.h): to the output fd, formatted
 * (common/log.c's line), with blocking writes, which works for files,
 * pipes, FIFOs, ttys and sockets alike and never sets O_NONBLOCK on fd 2,
 * whose flags are shared with the shell that started igor; or to the
 * journal or syslog, whose sockets never block and whose EAGAIN keeps
 * the line queued.  When the reader is slow the queue grows: above the
 * soft bound the sink is congested and the loop stops reading the
 * workers' records (they wait in igor_log, losing nothing); igor's own
 * lines are still taken up to the hard bound, beyond which they are
 * counted as not written.  A plugin's lines stop a quarter short of the
 * hard bound: what a dead worker left in its pipes is logged whatever
 * the congestion, and must not crowd out igor's own line saying that
 * it died.  The writer says through an eventfd when room
 * was freed.
 *
 * One sink per process (it is the process's log output, as log.c's
 * threshold is its log threshold); every sink_* is called from the loop's
 * thread.  Fork: the child of a fork() finds the sink closed and log.c
 * back on direct writes, so sink_* in it wait for no lock the writer held;
 * the child must still log nothing before exec (the writer formats times
 * with localtime_r, which holds libc's time-zone lock), as spawn.c's
 * child does not: it makes async-signal-safe calls only.
 */
#ifndef IGOR_SUP_SINK_H
#define IGOR_SUP_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "logdest.h"

enum {
	SINK_SOFT_BYTES = 512 * 1024,      /* congested above this */
	SINK_HARD_BYTES = 8 * 1024 * 1024, /* nothing more taken above this */
};

/* One line, as logged.  Every pointer is borrowed for the sink_put call:
 * the sink keeps a copy. */
struct sink_rec {
	int level;
	struct timespec when;  /* CLOCK_REALTIME when the line was logged */
	const char *source;    /* "igor" or "plugin NAME" */
	const char *plugin;    /* the plugin it is from or about, or NULL */
	pid_t pid;             /* that plugin's worker, or 0 */
	const char *msg;       /* raw bytes, not escaped, not NUL-terminated */
	size_t len;
};

/*
 * Starts the writer thread on fd (STDERR_FILENO in igor; borrowed, left
 * open) with the bounds in bytes (0: SINK_SOFT_BYTES, SINK_HARD_BYTES),
 * and routes log_line (so log_msg, log_error, ...) through the sink.
 * Returns an eventfd (owned by the sink, CLOEXEC, non-blocking) that
 * becomes readable when the congestion ends; the loop reads it to reset
 * it.  -1 with errno set on failure, when nothing was changed.
 */
int sink_open(int fd, size_t soft, size_t hard);

/*
 * Queues a copy of r without blocking.  Returns 0, or -1 with errno
 * EAGAIN when the hard bound is reached (three quarters of it for a
 * plugin's line, whose source is not "igor") (or ENOMEM, or EPIPE after
 * sink_drain): nothing was taken, and the caller keeps a worker's record
 * for later or counts igor's own line with sink_count_lost.
 */
int sink_put(const struct sink_rec *r);

/*
 * Sends every line queued after this call to dest (resolved: not
 * LOG_DEST_AUTO; facility for syslog, 0..23; threshold the log's, which
 * decides whether "the log goes to ..." is said), the lines before it
 * still going where they were going.  Returns 0, or -1 with errno set
 * (EPIPE: the sink is not open; ENOMEM).  At sink_open the destination is
 * the output fd.
 */
int sink_set_dest(enum log_dest dest, int facility, int threshold);

/* Above the soft bound (until the writer brought it down to half of it):
 * read no worker's records. */
bool sink_is_congested(void);

/* Lines the caller gave up on, counted among those not written. */
void sink_count_lost(size_t n);

/*
 * On stop: waits until every line is written or deadline_ms (now_ms()'s
 * clock) passes, then stops the sink: routes log_line back to direct
 * writes when everything was written (the writer thread is then gone),
 * else drops every later line, counting it.  Returns the number of lines
 * not written: still queued or being written at the deadline, refused
 * above the hard bound, or failed (EPIPE, EIO...).
 */
size_t sink_drain(int64_t deadline_ms);

/*
 * Says "N lines could not be written" (N = n, nothing when 0) where it
 * can without blocking: to the journal or syslog when that is where the
 * log went and it takes the line now; else one write through a separate,
 * non-blocking open of the output when it is a FIFO, a pipe, a file or a
 * tty (never O_NONBLOCK on the shared fd 2), else nowhere.  At ERROR, or at
 * CRITICAL when only CRITICAL is shown: the line is always shown.
 * Returns 0 when said, -1 when it could not be.
 */
int sink_say_lost(size_t n);

#endif /* IGOR_SUP_SINK_H */
