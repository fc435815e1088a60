/*
 * wkstatus.c: see wkstatus.h.
 */
#include "wkstatus.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The index of key in st, or where it would go (*found false). */
static size_t find(const struct wkstatus *st, const char *key, bool *found)
{
	size_t lo = 0, hi = st->n, mid;
	int cmp;

	*found = false;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		cmp = strcmp(st->lines[mid].key, key);
		if (cmp == 0) {
			*found = true;
			return mid;
		}
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int insert_at(struct wkstatus *st, size_t i)
{
	struct ctl_status_line *v;

	if (st->n >= REC_STATUS_KEYS) {
		errno = EPROTO;
		return -1;
	}
	v = realloc(st->lines, (st->n + 1) * sizeof(*v));
	if (!v)
		return -1;
	st->lines = v;
	memmove(v + i + 1, v + i, (st->n - i) * sizeof(*v));
	st->n++;
	return 0;
}

int wkstatus_set(struct wkstatus *st, const uint8_t *key, size_t klen,
		 const uint8_t *line, size_t llen, int64_t since)
{
	char k[CTL_STATUS_LEN + 1];
	bool found;
	size_t i;

	if (!klen || klen > CTL_STATUS_LEN || memchr(key, '\0', klen) ||
	    llen > CTL_STATUS_LEN || (line && memchr(line, '\0', llen))) {
		errno = EPROTO;
		return -1;
	}
	memcpy(k, key, klen);
	k[klen] = '\0';
	i = find(st, k, &found);
	if (!line) {
		if (found) {
			memmove(st->lines + i, st->lines + i + 1,
				(st->n - i - 1) * sizeof(*st->lines));
			st->n--;
		}
		return 0;
	}
	if (!found && insert_at(st, i) < 0)
		return -1;
	memcpy(st->lines[i].key, k, klen + 1);
	memcpy(st->lines[i].line, line, llen);
	st->lines[i].line[llen] = '\0';
	st->lines[i].since = since;
	return 0;
}

void wkstatus_degraded(struct wkstatus *st, const uint8_t *msg, size_t len)
{
	if (!msg) {
		st->degraded[0] = '\0';
		return;
	}
	if (len >= sizeof(st->degraded))
		len = sizeof(st->degraded) - 1;
	memcpy(st->degraded, msg, len);
	st->degraded[len] = '\0';
	/* An empty problem is still one: say so rather than lose it. */
	if (!st->degraded[0])
		snprintf(st->degraded, sizeof(st->degraded),
			 "directories left unwatched");
}

void wkstatus_release(struct wkstatus *st)
{
	free(st->lines);
	st->lines = NULL;
	st->n = 0;
	st->degraded[0] = '\0';
}
