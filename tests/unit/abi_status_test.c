/*
 * abi_status_test: igor_status_set and igor_status_clear as a plugin sees
 * them (return values, errno) and as the supervisor sees them (the
 * REC_STATUS records on the stream, read back from a pipe).
 */
#include "abi_log.h"
#include "check.h"
#include "emit.h"
#include "igor/plugin.h"
#include "rec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static struct rec_reader rd;
static int rfd = -1;

/* The next record on the stream, or type 0 when none waits. */
static struct rec next_rec(void)
{
	struct rec r = { 0 };
	struct why why;

	for (;;) {
		if (rec_next(&rd, &r, &why) > 0)
			return r;
		if (rec_reader_fill(&rd, rfd) <= 0) {
			r.type = 0;
			return r;
		}
	}
}

static bool bytes_are(const struct rec *r, unsigned key, const char *want)
{
	return rec_has(r, key) && r->len[key] == strlen(want) &&
	       memcmp(r->bytes[key], want, r->len[key]) == 0;
}

static void test_set_and_repeat(igor_logger *l)
{
	struct rec r;
	int64_t before = (int64_t)time(NULL);

	CHECK_INT(igor_status_set(l, "web.yaml", "start failed (exit %d)", 125),
		  0, "a line is set");
	r = next_rec();
	CHECK_INT(r.type, REC_STATUS, "it goes out as REC_STATUS");
	CHECK(bytes_are(&r, REC_K_KEY, "web.yaml"), "with its key");
	CHECK(bytes_are(&r, REC_K_LINE, "start failed (exit 125)"),
	      "with its formatted line");
	CHECK(rec_has(&r, REC_K_SINCE) && r.num[REC_K_SINCE] >= before &&
		      r.num[REC_K_SINCE] <= (int64_t)time(NULL),
	      "with the time of the change");
	CHECK_INT(igor_status_set(l, "web.yaml", "start failed (exit 125)"), 0,
		  "the same text again is fine");
	CHECK_INT(igor_status_set(l, "web.yml", "running"), 0,
		  "another key, another line");
	r = next_rec();
	CHECK(bytes_are(&r, REC_K_KEY, "web.yml"),
	      "the same text sent nothing: the next record is the other key");
	CHECK_INT(igor_status_set(l, "web.yaml", "running"), 0,
		  "a changed text");
	r = next_rec();
	CHECK(bytes_are(&r, REC_K_KEY, "web.yaml") &&
		      bytes_are(&r, REC_K_LINE, "running"),
	      "a changed text is sent");
}

static void test_clear(igor_logger *l)
{
	struct rec r;

	CHECK_INT(igor_status_clear(l, "web.yml"), 0, "a key is cleared");
	r = next_rec();
	CHECK(r.type == REC_STATUS && bytes_are(&r, REC_K_KEY, "web.yml") &&
		      !rec_has(&r, REC_K_LINE) && rec_has(&r, REC_K_SINCE),
	      "a clear goes out as REC_STATUS without a line");
	CHECK_INT(igor_status_clear(l, "web.yml"), 0,
		  "clearing a key not held is no error");
	CHECK_INT(igor_status_clear(l, "web.yaml"), 0, "the other one too");
	r = next_rec();
	CHECK(bytes_are(&r, REC_K_KEY, "web.yaml"),
	      "a key not held sent nothing");
}

static void test_bad_keys(igor_logger *l)
{
	char long_key[REC_STATUS_LEN + 2];

	memset(long_key, 'k', sizeof(long_key) - 1);
	long_key[sizeof(long_key) - 1] = '\0';
	errno = 0;
	CHECK_INT(igor_status_set(l, NULL, "x"), -1, "a NULL key is refused");
	CHECK_INT(errno, EINVAL, "with EINVAL");
	errno = 0;
	CHECK_INT(igor_status_set(l, "", "x"), -1, "an empty key is refused");
	CHECK_INT(errno, EINVAL, "with EINVAL");
	errno = 0;
	CHECK_INT(igor_status_set(l, long_key, "x"), -1,
		  "a key of 201 bytes is refused");
	CHECK_INT(errno, EINVAL, "with EINVAL");
	errno = 0;
	CHECK_INT(igor_status_clear(l, long_key), -1,
		  "clear refuses it too");
	CHECK_INT(errno, EINVAL, "with EINVAL");
	long_key[REC_STATUS_LEN] = '\0';
	CHECK_INT(igor_status_set(l, long_key, "x"), 0,
		  "a key of 200 bytes is fine");
	CHECK_INT(igor_status_clear(l, long_key), 0, "and cleared");
	next_rec();
	next_rec();
}

static void test_long_line(igor_logger *l)
{
	char text[300];
	struct rec r;

	/* 199 ASCII bytes, then a 2-byte character across the cut. */
	memset(text, 'a', 199);
	strcpy(text + 199, "\xc3\xa9 and more");
	CHECK_INT(igor_status_set(l, "long", "%s", text), 0,
		  "a line over 200 bytes is set");
	r = next_rec();
	CHECK_INT(r.len[REC_K_LINE], 199,
		  "cut at 200 bytes, before a character it would split");
	igor_status_clear(l, "long");
	next_rec();
}

static void test_bound(igor_logger *l)
{
	char key[16];
	int i, fails = 0;

	for (i = 0; i < REC_STATUS_KEYS; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		if (igor_status_set(l, key, "line %d", i) < 0)
			fails++;
		next_rec();
	}
	CHECK_INT(fails, 0, "256 keys are held");
	errno = 0;
	CHECK_INT(igor_status_set(l, "one-more", "x"), -1,
		  "the 257th key is refused");
	CHECK_INT(errno, ENOSPC, "with ENOSPC");
	CHECK_INT(igor_status_set(l, "k7", "changed"), 0,
		  "a held key still changes at the bound");
	next_rec();
	CHECK_INT(igor_status_clear(l, "k7"), 0, "one is cleared");
	next_rec();
	CHECK_INT(igor_status_set(l, "one-more", "x"), 0,
		  "then a new key fits");
	next_rec();
}

int main(void)
{
	int p[2];
	igor_logger *l = abi_logger(IGOR_DEBUG, IGOR_DEBUG);

	if (pipe2(p, O_CLOEXEC) < 0 || rec_reader_init(&rd, &rec_w2s_proto) < 0)
		return 1;
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	rfd = p[0];
	emit_init(p[1]);
	test_set_and_repeat(l);
	test_clear(l);
	test_bad_keys(l);
	test_long_line(l);
	test_bound(l);
	errno = 0;
	CHECK_INT(igor_status_set(NULL, "k", "x"), -1, "a NULL logger");
	CHECK_INT(errno, EINVAL, "is EINVAL");
	rec_reader_release(&rd);
	close(p[0]);
	close(p[1]);
	return check_done();
}
