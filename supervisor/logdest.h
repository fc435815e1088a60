/*
 * logdest: where igor's log goes (igor.conf's `log:`), by name, and what
 * `auto` means here and now: the journal when igor's stderr is the
 * journal stream systemd connected (JOURNAL_STREAM names its device and
 * inode), else stderr.  The writing itself is logwriter.h's.
 */
#ifndef IGOR_SUP_LOGDEST_H
#define IGOR_SUP_LOGDEST_H

enum log_dest {
	LOG_DEST_AUTO,
	LOG_DEST_STDERR,
	LOG_DEST_JOURNAL,
	LOG_DEST_SYSLOG,
};

/* "auto", "stderr", "journal", "syslog" to a destination; -1 if none. */
int log_dest_parse(const char *name);

/* "stderr", "the journal", "syslog": as igor's lines name it. */
const char *log_dest_name(enum log_dest d);

/*
 * d itself, or for LOG_DEST_AUTO: LOG_DEST_JOURNAL when journal_stream
 * ("DEVICE:INODE", decimal; NULL when unset) is fd's device and inode,
 * else LOG_DEST_STDERR.
 */
enum log_dest log_dest_resolve(enum log_dest d, const char *journal_stream,
			       int fd);

/*
 * JOURNAL_STREAM as igor was started with it: notify.h keeps it once
 * notify_init has removed it from the environment; before that, the
 * environment has it.  NULL when unset.  Borrowed.
 */
const char *log_dest_journal_stream(void);

/*
 * Sends igor's log to d from now on (at start, and on a reload), `auto`
 * resolved against JOURNAL_STREAM and fd 2 now; facility is syslog's.
 * Without a sink (sink_open failed) the log stays on stderr and this
 * says so.  Called from the loop's thread.
 */
void log_dest_apply(enum log_dest d, int facility);

#endif /* IGOR_SUP_LOGDEST_H */
