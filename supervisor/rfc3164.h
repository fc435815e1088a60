/*
 * rfc3164: igor's lines as BSD syslog datagrams (RFC 3164), the form
 * every syslog daemon reads on /dev/log:
 *
 *   <PRI>Mmm dd hh:mm:ss igor[PID]: plugin NAME: text
 *
 * PRI is facility * 8 + severity (log_level_priority); the time is local,
 * the day padded with a space ("Dec  7"), the month in English whatever
 * the locale; no hostname (the local daemon adds its own); the text
 * escaped as on stderr (log_escape), so one line is one line.  igor does
 * not use syslog(3): it blocks its caller when the syslog daemon stalls.
 */
#ifndef IGOR_SUP_RFC3164_H
#define IGOR_SUP_RFC3164_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "log.h"
#include "sink.h"

#define SYSLOG_SOCKET "/dev/log"

/* syslog_facility's default: daemon. */
enum { RFC3164_DAEMON = 3 };

/* A datagram's size at most: the header, and a message escaped. */
enum { RFC3164_MAX = 64 + LOG_LINE_MAX };

/* syslog_facility's names: "daemon" 3, "user" 1, "local0".."local7" 16..23
 * (syslog(3)'s LOG_DAEMON >> 3 ...); -1 for any other name. */
int rfc3164_facility_parse(const char *name);

/* "Mmm dd hh:mm:ss" of t in local time, into dst (16 bytes: 15 and a
 * NUL).  Returns 15. */
size_t rfc3164_timestamp(char dst[16], time_t t);

/*
 * Formats r as one datagram into dst (RFC3164_MAX bytes; no NUL, no
 * newline) for facility (0..23) and igor's pid.  Returns its length.
 */
size_t rfc3164_format(char *dst, int facility, pid_t pid,
		      const struct sink_rec *r);

#endif /* IGOR_SUP_RFC3164_H */
