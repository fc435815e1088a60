/*
 * logring.c: see logring.h.
 *
 * A circular array of LOGRING_LINES slots, each one allocation holding a
 * line and its strings.  Storing a line into a full ring reuses the
 * oldest line's allocation as it is when the line fits and does not leave
 * most of it unused, so a busy log of lines of like lengths allocates
 * nothing once the ring is full; the allocations' sizes, not the lines',
 * count against LOGRING_BYTES.
 */
#include "logring.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

struct entry {
	struct logring_line l;
	size_t size;  /* of the allocation, counted against LOGRING_BYTES */
	char data[];  /* [plugin NUL] msg */
};

enum { LOGRING_GRAIN = 64 }; /* allocations are multiples of this */

/* The one ring of igor's log: see logring.h. */
static struct {
	struct entry *v[LOGRING_LINES];
	size_t first, n; /* index of the oldest, lines held */
	size_t bytes;
	uint64_t seq;    /* the next line's */
	uint64_t counts[5];
	logring_fn *fn;
	void *arg;
	bool telling;    /* in the listener: what it logs is not told */
} ring;

/* The index in counts of level's name: DEBUG 0 ... CRITICAL 4. */
static size_t count_index(int level)
{
	static const int levels[] = { LOG_LVL_DEBUG, LOG_LVL_INFO,
				      LOG_LVL_WARNING, LOG_LVL_ERROR,
				      LOG_LVL_CRITICAL };
	size_t i = 4;

	while (i > 0 && level < levels[i])
		i--;
	return i;
}

uint64_t logring_count(int level)
{
	return ring.counts[count_index(level)];
}

static struct entry *slot_of(size_t i)
{
	return ring.v[(ring.first + i) % LOGRING_LINES];
}

size_t logring_held(void)
{
	return ring.n;
}

const struct logring_line *logring_at(size_t i)
{
	return i < ring.n ? &slot_of(i)->l : NULL;
}

/* Takes the oldest line out of the ring; the caller owns it. */
static struct entry *take_oldest(void)
{
	struct entry *e = ring.v[ring.first];

	ring.v[ring.first] = NULL;
	ring.first = (ring.first + 1) % LOGRING_LINES;
	ring.n--;
	ring.bytes -= e->size;
	return e;
}

/* Can e hold need bytes without wasting most of its allocation? */
static bool is_reusable(const struct entry *e, size_t need)
{
	return e->size >= need && e->size <= 2 * need + LOGRING_GRAIN;
}

/* Room for a line of need bytes: the entry of the last line dropped to
 * make room, when one was (grown or shrunk when it must be), else a new
 * one; its size set.  NULL when out of memory. */
static struct entry *entry_for(size_t need)
{
	size_t size = (need + LOGRING_GRAIN - 1) / LOGRING_GRAIN * LOGRING_GRAIN;
	struct entry *old = NULL, *e;

	while (ring.n && (ring.n == LOGRING_LINES ||
			  ring.bytes + size > LOGRING_BYTES)) {
		free(old);
		old = take_oldest();
	}
	if (old && is_reusable(old, need))
		return old;
	e = realloc(old, size);
	if (!e) {
		free(old);
		return NULL;
	}
	e->size = size;
	return e;
}

/* "plugin NAME" is a plugin's line; anything else is igor's. */
static const char *plugin_of(const char *source)
{
	return strncmp(source, "plugin ", 7) == 0 ? source + 7 : NULL;
}

void logring_put(int level, const struct timespec *when, const char *source,
		 const char *msg, size_t len)
{
	const char *plugin = plugin_of(source);
	size_t plen = plugin ? strlen(plugin) + 1 : 0;
	size_t need = sizeof(struct entry) + plen + len;
	struct entry *e;

	ring.counts[count_index(level)]++;
	if (need > LOGRING_BYTES / 2 || !(e = entry_for(need))) {
		ring.seq++; /* gone before it was held */
		return;
	}
	e->l = (struct logring_line){ .seq = ring.seq++, .level = level,
				      .when = *when, .len = len };
	if (plen) {
		memcpy(e->data, plugin, plen);
		e->l.plugin = e->data;
	}
	if (len)
		memcpy(e->data + plen, msg, len);
	e->l.msg = e->data + plen;
	ring.v[(ring.first + ring.n++) % LOGRING_LINES] = e;
	ring.bytes += e->size;
	if (ring.fn && !ring.telling) {
		ring.telling = true;
		ring.fn(&e->l, ring.arg);
		ring.telling = false;
	}
}

void logring_listen(logring_fn *fn, void *arg)
{
	ring.fn = fn;
	ring.arg = arg;
}

void logring_release(void)
{
	while (ring.n)
		free(take_oldest());
	ring.first = 0;
}
