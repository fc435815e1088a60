/*
 * logring_test: the ring of igor's last log lines (igorctl log) and the
 * counts by level (igorctl metrics): what is kept, in which order, the
 * two bounds, and the listener that feeds the followers.
 */
#include "check.h"
#include "log.h"
#include "logring.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct timespec when = { 1764083045, 123000000 };

static void put(int level, const char *source, const char *msg)
{
	logring_put(level, &when, source, msg, strlen(msg));
}

static void test_order_and_sources(void)
{
	const struct logring_line *l;

	put(LOG_LVL_INFO, "igor", "started");
	put(LOG_LVL_WARNING, "plugin web", "a\0b");
	logring_put(LOG_LVL_ERROR, &when, "plugin web", "x\0y", 3);
	CHECK_INT(logring_held(), 3, "three lines held");
	l = logring_at(0);
	CHECK(l && !l->plugin && l->len == 7 && !memcmp(l->msg, "started", 7),
	      "the oldest first: igor's own, with no plugin");
	CHECK_INT(l ? (long long)l->seq : -1, 0, "... seq 0");
	CHECK_INT(l ? l->when.tv_nsec : 0, 123000000, "... its time kept");
	l = logring_at(2);
	CHECK(l && l->plugin && !strcmp(l->plugin, "web"),
	      "a plugin's line names the plugin");
	CHECK(l && l->len == 3 && !memcmp(l->msg, "x\0y", 3),
	      "... its bytes kept, NUL included");
	CHECK(logring_at(3) == NULL, "past the newest: NULL");
	logring_release();
	CHECK_INT(logring_held(), 0, "released: nothing held");
}

static void test_line_bound(void)
{
	char msg[32];
	int i;

	for (i = 0; i < LOGRING_LINES + 500; i++) {
		snprintf(msg, sizeof(msg), "line %d", i);
		put(LOG_LVL_INFO, "igor", msg);
	}
	CHECK_INT(logring_held(), LOGRING_LINES, "at most LOGRING_LINES held");
	snprintf(msg, sizeof(msg), "line %d", 500);
	CHECK(logring_at(0)->len == strlen(msg) &&
	      !memcmp(logring_at(0)->msg, msg, strlen(msg)),
	      "the oldest went first: 'line 500' is the oldest");
	CHECK_INT(logring_at(LOGRING_LINES - 1)->seq - logring_at(0)->seq,
		  LOGRING_LINES - 1, "seqs follow one another");
	logring_release();
}

static void test_byte_bound(void)
{
	size_t len = 8192, i, bytes = 0;
	char *msg = malloc(len);

	if (!msg)
		return;
	memset(msg, 'm', len);
	for (i = 0; i < 300; i++)
		logring_put(LOG_LVL_INFO, &when, "plugin big", msg, len);
	for (i = 0; i < logring_held(); i++)
		bytes += logring_at(i)->len;
	CHECK(logring_held() < 128 && logring_held() > 100,
	      "8 KiB lines: about 1 MiB worth held (%zu lines)", logring_held());
	CHECK(bytes <= LOGRING_BYTES, "their messages fit in LOGRING_BYTES");
	put(LOG_LVL_INFO, "igor", "small");
	CHECK(!memcmp(logring_at(logring_held() - 1)->msg, "small", 5),
	      "a small line after them is the newest");
	logring_release();
	free(msg);
}

static void test_counts(void)
{
	uint64_t info = logring_count(LOG_LVL_INFO);
	uint64_t debug = logring_count(LOG_LVL_DEBUG);
	uint64_t crit = logring_count(LOG_LVL_CRITICAL);

	put(LOG_LVL_INFO, "igor", "i");
	put(25, "plugin p", "between INFO and WARNING");
	put(LOG_LVL_DEBUG, "igor", "d");
	put(LOG_LVL_CRITICAL, "igor", "c");
	CHECK_INT(logring_count(LOG_LVL_INFO) - info, 2,
		  "INFO counts its lines and those between INFO and WARNING");
	CHECK_INT(logring_count(LOG_LVL_DEBUG) - debug, 1, "DEBUG counted");
	CHECK_INT(logring_count(LOG_LVL_CRITICAL) - crit, 1, "CRITICAL counted");
	logring_release();
	CHECK_INT(logring_count(LOG_LVL_INFO) - info, 2,
		  "counts outlive the lines");
}

struct heard {
	int n;
	uint64_t last_seq;
};

static void on_line(const struct logring_line *l, void *arg)
{
	struct heard *h = arg;

	h->n++;
	h->last_seq = l->seq;
	/* What the listener logs is kept, not told to it again. */
	put(LOG_LVL_INFO, "igor", "said by the listener");
}

static void test_listener(void)
{
	struct heard h = { 0, 0 };

	logring_listen(on_line, &h);
	put(LOG_LVL_INFO, "igor", "one");
	put(LOG_LVL_INFO, "plugin web", "two");
	logring_listen(NULL, NULL);
	put(LOG_LVL_INFO, "igor", "three");
	CHECK_INT(h.n, 2, "the listener heard the two lines while it listened");
	CHECK_INT(logring_held(), 5, "its own lines were kept, not told to it");
	CHECK_INT(h.last_seq, logring_at(2)->seq, "... it heard each as stored");
	logring_release();
}

int main(void)
{
	test_order_and_sources();
	test_line_bound();
	test_byte_bound();
	test_counts();
	test_listener();
	return check_done();
}
