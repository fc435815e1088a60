/*
 * counters: a worker's EVENTS and OVERFLOWS, read from the counter page
 * its process writes (wkargs.h), and kept across its restarts: counters
 * belong to the plugin's name, not to one process.
 *
 * The page is written by a process that may be broken or hostile, so its
 * numbers are untrusted: a count is taken only when it grows, and sums
 * saturate instead of wrapping.  A new page is made for each process, so
 * nothing a dead worker left behind (a child still holding the mapping)
 * can write into its successor's counts.
 */
#ifndef IGOR_SUP_COUNTERS_H
#define IGOR_SUP_COUNTERS_H

#include <stdint.h>

#include "wkargs.h"

struct counters {
	const volatile struct wkargs_counters *page; /* NULL: no process */
	uint64_t base_events, base_overflows; /* of earlier processes */
	uint64_t seen_events, seen_overflows; /* of this one, so far */
};

/* Zero-initialise a struct counters before first use. */

/*
 * A fresh page for a new process, after folding the last one's counts
 * into the totals.  Returns the page's fd for the child (owned by the
 * caller, who closes it once the child has it), or -1 with errno.
 */
int counters_open(struct counters *c);

/* The process is gone: folds its counts into the totals, drops the page. */
void counters_close(struct counters *c);

/* Totals so far, this process included. */
uint64_t counters_events(struct counters *c);
uint64_t counters_overflows(struct counters *c);

#endif /* IGOR_SUP_COUNTERS_H */
