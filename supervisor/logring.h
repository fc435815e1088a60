/*
 * logring: the last lines igor logged, kept in memory for `igorctl log`,
 * and the count of every line logged, by level, for `igorctl metrics`.
 *
 * Every line igor logs, its own and its plugins', enters here from the
 * sink's output hook (sink.c's put_line), whatever the log's destination,
 * so `igorctl log` shows the same lines on a host with a journal as on
 * one without.  The ring holds at most LOGRING_LINES lines and
 * LOGRING_BYTES bytes; the oldest go first.  One listener (the control
 * server) hears of each line as it is stored, to feed the followers.
 *
 * igor has one log, so the ring is file-static, as wktab's table is; every
 * logring_* is called from the loop's thread, as every log_* is.
 */
#ifndef IGOR_SUP_LOGRING_H
#define IGOR_SUP_LOGRING_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum {
	LOGRING_LINES = 1000,
	LOGRING_BYTES = 1024 * 1024, /* lines' bytes, their bookkeeping
					included */
};

/* One line held: borrowed, valid until the next logring_put. */
struct logring_line {
	uint64_t seq;         /* 0 for the first line igor logged */
	int level;
	struct timespec when; /* CLOCK_REALTIME */
	const char *plugin;   /* the plugin whose line it is (its source is
				 "plugin NAME"), or NULL for igor's own */
	const char *msg;      /* raw bytes, not escaped */
	size_t len;
};

/* Stores a copy of one line whose source is "igor" or "plugin NAME"
 * (borrowed for the call), counts it, and tells the listener.  A line
 * that cannot be stored (no memory) is counted all the same. */
void logring_put(int level, const struct timespec *when, const char *source,
		 const char *msg, size_t len);

/* Lines held, and the i-th of them (0: the oldest), or NULL. */
size_t logring_held(void);
const struct logring_line *logring_at(size_t i);

/* Lines logged since igor started at level (LOG_LVL_*; a level between
 * two names counts under the lower, as log_level_name names it). */
uint64_t logring_count(int level);

/* Called with each line once it is stored (l borrowed for the call).  A
 * line the listener itself logs is stored but not told to it. */
typedef void logring_fn(const struct logring_line *l, void *arg);
void logring_listen(logring_fn *fn, void *arg);

/* Frees every line held (at exit); the counts stay. */
void logring_release(void);

#endif /* IGOR_SUP_LOGRING_H */
