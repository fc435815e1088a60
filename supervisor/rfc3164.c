/*
 * rfc3164.c: see rfc3164.h.
 */
#include "rfc3164.h"

#include <stdio.h>
#include <string.h>

#include "log.h"

int rfc3164_facility_parse(const char *name)
{
	if (strcmp(name, "daemon") == 0)
		return 3;
	if (strcmp(name, "user") == 0)
		return 1;
	if (strncmp(name, "local", 5) == 0 && name[5] >= '0' &&
	    name[5] <= '7' && name[6] == '\0')
		return 16 + (name[5] - '0');
	return -1;
}

size_t rfc3164_timestamp(char dst[16], time_t t)
{
	static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr",
					    "May", "Jun", "Jul", "Aug",
					    "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;

	localtime_r(&t, &tm);
	snprintf(dst, 16, "%s %2d %02d:%02d:%02d", months[tm.tm_mon % 12],
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return 15;
}

size_t rfc3164_format(char *dst, int facility, pid_t pid,
		      const struct sink_rec *r)
{
	char stamp[16];
	int n;

	rfc3164_timestamp(stamp, r->when.tv_sec);
	n = snprintf(dst, RFC3164_MAX, "<%d>%s igor[%ld]: ",
		     facility * 8 + log_level_priority(r->level), stamp,
		     (long)pid);
	if (strcmp(r->source, "igor") != 0)
		n += snprintf(dst + n, RFC3164_MAX - (size_t)n, "%.80s: ",
			      r->source);
	return (size_t)n + log_escape(dst + n, RFC3164_MAX - (size_t)n,
				      r->msg, r->len);
}
