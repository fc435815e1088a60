/*
 * report: what a reload did, as lines for igorctl reload's reply
 * ("started web", "stopped old", "restarted changed", "kept x: 'x.conf'
 * is broken", "refused FILE:LINE: message").
 */
#ifndef IGOR_SUP_REPORT_H
#define IGOR_SUP_REPORT_H

#include <stddef.h>

/* Zero-initialise; report_release when done. */
struct report {
	char **lines; /* owned */
	size_t n;
};

/* Adds one line; rep may be NULL (nobody asked).  A line that cannot be
 * added for want of memory is left out: the log has it anyway. */
void report_add(struct report *rep, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void report_release(struct report *rep);

#endif /* IGOR_SUP_REPORT_H */
