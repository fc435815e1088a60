/*
 * logdest.c: see logdest.h.
 */
#include "logdest.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "notify.h"
#include "sink.h"

static const char *const names[] = {
	[LOG_DEST_AUTO] = "auto",
	[LOG_DEST_STDERR] = "stderr",
	[LOG_DEST_JOURNAL] = "journal",
	[LOG_DEST_SYSLOG] = "syslog",
};

int log_dest_parse(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0)
			return (int)i;
	return -1;
}

const char *log_dest_name(enum log_dest d)
{
	switch (d) {
	case LOG_DEST_JOURNAL: return "the journal";
	case LOG_DEST_SYSLOG: return "syslog";
	case LOG_DEST_STDERR: return "stderr";
	default: return "auto";
	}
}

/* "DEVICE:INODE", both decimal, nothing else. */
static int parse_stream(const char *s, uintmax_t *dev, uintmax_t *ino)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*dev = strtoumax(s, &end, 10);
	if (errno || *end != ':' || end[1] < '0' || end[1] > '9')
		return -1;
	*ino = strtoumax(end + 1, &end, 10);
	return errno || *end ? -1 : 0;
}

enum log_dest log_dest_resolve(enum log_dest d, const char *journal_stream,
			       int fd)
{
	uintmax_t dev, ino;
	struct stat st;

	if (d != LOG_DEST_AUTO)
		return d;
	if (journal_stream && parse_stream(journal_stream, &dev, &ino) == 0 &&
	    fstat(fd, &st) == 0 && (uintmax_t)st.st_dev == dev &&
	    (uintmax_t)st.st_ino == ino)
		return LOG_DEST_JOURNAL;
	return LOG_DEST_STDERR;
}

const char *log_dest_journal_stream(void)
{
	const char *s = notify_journal_stream();

	return s ? s : getenv("JOURNAL_STREAM");
}

void log_dest_apply(enum log_dest d, int facility)
{
	enum log_dest to = log_dest_resolve(d, log_dest_journal_stream(),
					    STDERR_FILENO);

	if (sink_set_dest(to, facility, log_threshold()) == 0 ||
	    to == LOG_DEST_STDERR)
		return;
	if (errno == EPIPE) /* open_sink said why */
		log_error("the log stays on stderr: igor's log writer is not running");
	else
		log_errno(LOG_LVL_ERROR, "cannot send the log to %s; it stays on stderr",
			  log_dest_name(to));
}
