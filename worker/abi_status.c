/*
 * abi_status.c: the ABI's status lines (igor_status_set, _clear).
 *
 * The worker keeps its plugin's lines in a fixed table so that it can
 * refuse the 257th key (the bound is the plugin's to see, not the
 * supervisor's to enforce after the fact) and tell a changed line from a
 * repeated one: only a change goes out as a REC_STATUS record, with a new
 * SINCE.  The supervisor keeps what it is sent and forgets it all when the
 * worker exits.  The table is the process's one set of lines, so it is
 * file-static; a mutex covers it, since igor_status_set may be called from
 * any thread, and is held while the record goes out so that records leave
 * in the order the table changed.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "emit.h"
#include "igor/plugin.h"
#include "rec.h"

struct status_line {
	bool used;
	size_t key_len, line_len;
	int64_t since; /* unix seconds of the last change of the text */
	char key[REC_STATUS_LEN];
	char line[REC_STATUS_LEN];
};

static struct status_line lines[REC_STATUS_KEYS];
static pthread_mutex_t status_lock = PTHREAD_MUTEX_INITIALIZER;

/* The key's length, or 0 when it is not a key (NULL, empty, too long). */
static size_t key_length(const char *key)
{
	size_t len = key ? strnlen(key, REC_STATUS_LEN + 1) : 0;

	return len > REC_STATUS_LEN ? 0 : len;
}

/* The entry of key, or NULL; *free_slot gets a free entry, if any. */
static struct status_line *find_locked(const char *key, size_t len,
				       struct status_line **free_slot)
{
	struct status_line *s;

	*free_slot = NULL;
	for (s = lines; s < lines + REC_STATUS_KEYS; s++) {
		if (!s->used) {
			if (!*free_slot)
				*free_slot = s;
			continue;
		}
		if (s->key_len == len && memcmp(s->key, key, len) == 0)
			return s;
	}
	return NULL;
}

static int send_locked(const struct status_line *s, bool clear)
{
	struct rec r;

	rec_init(&r, REC_STATUS);
	rec_set_bytes(&r, REC_K_KEY, s->key, s->key_len);
	if (!clear)
		rec_set_bytes(&r, REC_K_LINE, s->line, s->line_len);
	rec_set_num(&r, REC_K_SINCE, s->since);
	return emit_record(&r);
}

/* The length of text cut to at most REC_STATUS_LEN bytes, never inside a
 * UTF-8 sequence. */
static size_t cut_length(const char *text, size_t len)
{
	if (len <= REC_STATUS_LEN)
		return len;
	len = REC_STATUS_LEN;
	while (len && ((unsigned char)text[len] & 0xc0) == 0x80)
		len--;
	return len;
}

/* Stores the line of key, sending it when its text changed. */
static int status_store(const char *key, size_t key_len, const char *text,
			size_t len)
{
	struct status_line *s, *slot;
	int ret = 0;

	pthread_mutex_lock(&status_lock);
	s = find_locked(key, key_len, &slot);
	if (!s && !slot) {
		pthread_mutex_unlock(&status_lock);
		errno = ENOSPC;
		return -1;
	}
	if (!s) {
		s = slot;
		s->used = true;
		s->key_len = key_len;
		memcpy(s->key, key, key_len);
		s->line_len = (size_t)-1; /* no text yet: differs from any */
	}
	if (s->line_len != len || memcmp(s->line, text, len) != 0) {
		memcpy(s->line, text, len);
		s->line_len = len;
		s->since = (int64_t)time(NULL);
		ret = send_locked(s, false);
	}
	pthread_mutex_unlock(&status_lock);
	return ret;
}

int igor_status_set(igor_logger *l, const char *key, const char *fmt, ...)
{
	char text[REC_STATUS_LEN * 2 + 1];
	size_t key_len = key_length(key);
	va_list ap;
	int n;

	if (!l || !key_len || !fmt) {
		errno = EINVAL;
		return -1;
	}
	va_start(ap, fmt);
	n = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	/* One more than kept, so that the cut can see the next byte. */
	return status_store(key, key_len, text,
			    cut_length(text, strnlen(text, sizeof(text) - 1)));
}

int igor_status_clear(igor_logger *l, const char *key)
{
	struct status_line *s, *slot;
	size_t key_len = key_length(key);
	int ret = 0;

	if (!l || !key_len) {
		errno = EINVAL;
		return -1;
	}
	pthread_mutex_lock(&status_lock);
	s = find_locked(key, key_len, &slot);
	if (s) {
		s->since = (int64_t)time(NULL);
		ret = send_locked(s, true);
		s->used = false;
	}
	pthread_mutex_unlock(&status_lock);
	return ret;
}
