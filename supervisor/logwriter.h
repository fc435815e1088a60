/*
 * logwriter: the writing end of igor's log, used by the sink's writer
 * thread alone (sink.h): one line at a time to the destination chosen
 * (logdest.h), and to stderr instead while that destination fails.
 *
 * stderr is written with blocking writes (fd 2's flags are shared with
 * whoever started igor: O_NONBLOCK is never set on it); the journal and
 * syslog are datagram sockets written without blocking, where EAGAIN is
 * back-pressure: logwriter_write says so, the line stays the caller's,
 * and logwriter_wait waits for room.  A missing or refusing socket is a
 * failure: the line and the ones after it go to stderr, igor says so
 * once, tries the destination again at most every retry_ms when a line
 * comes, and says when it is back.  No line is dropped on the way.
 *
 * Lines about the log itself ("cannot write to the journal ...", "...
 * is back") are written whatever the log's threshold: an administrator
 * must learn where the lines went.
 */
#ifndef IGOR_SUP_LOGWRITER_H
#define IGOR_SUP_LOGWRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "journal.h"
#include "logdest.h"
#include "rfc3164.h"
#include "sink.h"

enum { LOGWRITER_RETRY_MS = 10000 };

/* What the log is configured to be; copied by logwriter_set. */
struct logwriter_conf {
	enum log_dest dest; /* resolved: never LOG_DEST_AUTO */
	int facility;       /* syslog's, 0..23 */
	int threshold;      /* the log's: "the log goes to ..." is INFO */
};

struct logwriter {
	struct logwriter_conf conf;
	int err_fd;               /* stderr: borrowed */
	int fd;                   /* the destination's socket, or -1 */
	const char *journal_path; /* JOURNAL_SOCKET; a test may point */
	const char *syslog_path;  /* SYSLOG_SOCKET   them elsewhere */
	int64_t retry_ms;         /* LOGWRITER_RETRY_MS; likewise */
	bool failed;              /* on stderr until the destination is back */
	int64_t next_try;         /* now_ms() of the next try, when failed */
	size_t diverted;          /* lines written to stderr meanwhile */
	pid_t pid;                /* syslog's igor[PID] */
	struct journal_entry entry;
	char buf[RFC3164_MAX];    /* a formatted line or datagram */
};

/* Starts w on stderr, err_fd (borrowed, left open). */
void logwriter_init(struct logwriter *w, int err_fd);

/*
 * Goes to c's destination from the next line on, saying so at INFO on
 * the one it leaves (when c's threshold shows INFO); when c names the
 * destination already, only takes its facility and threshold.  A socket
 * that cannot be connected is a failure, as in logwriter_write.
 */
void logwriter_set(struct logwriter *w, const struct logwriter_conf *c);

/*
 * Writes r (borrowed) to the destination, or to stderr while it fails.
 * Returns 0 when written; -1 with errno EAGAIN when the destination has
 * no room now (nothing was written: call again after logwriter_wait);
 * -1 with another errno when stderr itself failed (the line is lost).
 */
int logwriter_write(struct logwriter *w, const struct sink_rec *r);

/* Do lines go to stderr now: it is the destination, or the destination
 * is failing? */
bool logwriter_is_on_stderr(const struct logwriter *w);

/*
 * Writes r to the destination once, without waiting and never to stderr
 * (igor's last line, at exit).  0 when sent, -1 otherwise: stderr is the
 * destination, it is failing or has no room.
 */
int logwriter_try(struct logwriter *w, const struct sink_rec *r);

/* Waits up to timeout_ms for room at the destination (1: room or an
 * error to report, 0: timeout). */
int logwriter_wait(struct logwriter *w, int timeout_ms);

/* Closes the socket and frees the buffers; w is on stderr again. */
void logwriter_release(struct logwriter *w);

#endif /* IGOR_SUP_LOGWRITER_H */
