/*
 * rec_test: the record codec, table by table.
 *
 * Payloads are written as hex CBOR, so each row shows exactly the bytes a
 * hostile worker could send.  A reject row names the errno and the why
 * that the supervisor logs; the version check is not here, since the
 * codec only carries VERSION and the supervisor (wkrec.c) compares it.
 */
#include "check.h"
#include "rec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Hex (spaces ignored) to bytes; returns the length. */
static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;
	unsigned v;

	while (*hex && n < cap) {
		if (*hex == ' ') {
			hex++;
			continue;
		}
		if (sscanf(hex, "%2x", &v) != 1)
			break;
		out[n++] = (uint8_t)v;
		hex += 2;
	}
	return n;
}

/* ---- decode: accepted payloads ------------------------------------------ */

struct accept_row {
	const char *what, *hex;
	unsigned type;
	unsigned key;  /* one key whose value is checked */
	int64_t num;   /* its number, or its byte count for a bytes key */
};

static const struct accept_row accepts[] = {
	{ "ready", "a1 00 02", REC_READY, REC_K_TYPE, REC_READY },
	{ "hello with a 16-bit pid", "a3 00 01 01 01 02 19 30 39", REC_HELLO,
	  REC_K_PID, 12345 },
	{ "hello with any version (the supervisor compares it)",
	  "a3 00 01 01 18 63 02 01", REC_HELLO, REC_K_VERSION, 99 },
	{ "keys in any order", "a3 02 01 01 01 00 01", REC_HELLO, REC_K_PID, 1 },
	{ "log with an empty message", "a3 00 04 04 14 05 40", REC_LOG,
	  REC_K_MSG, 0 },
	{ "fail with a message", "a3 00 03 03 02 05 42 68 69", REC_FAIL,
	  REC_K_MSG, 2 },
	{ "an overflow, a record of its own", "a1 00 0a", REC_OVERFLOW,
	  REC_K_TYPE, REC_OVERFLOW },
	{ "event with a mask of 32 bits",
	  "a5 00 05 06 01 07 1a ff ff ff ff 08 00 09 41 2f", REC_EVENT,
	  REC_K_MASK, 0xffffffffLL },
	{ "pong with a 64-bit sequence",
	  "a2 00 07 0a 1b 7f ff ff ff ff ff ff ff", REC_PONG, REC_K_SEQ,
	  INT64_MAX },
	{ "an integer in a longer encoding than needed",
	  "a3 00 04 04 19 00 28 05 40", REC_LOG, REC_K_LEVEL, 40 },
};

static void test_accepts(void)
{
	uint8_t p[256];
	struct rec r;
	struct why why = { "" };
	size_t i, n;
	int ret;

	for (i = 0; i < NELEM(accepts); i++) {
		const struct accept_row *t = &accepts[i];

		n = unhex(t->hex, p, sizeof(p));
		ret = rec_decode(p, n, &r, &rec_w2s_proto, &why);
		CHECK_INT(ret, 0, "decode accepts %s", t->what);
		if (ret < 0) {
			printf("# why: %s\n", why.msg);
			continue;
		}
		CHECK_INT(r.type, t->type, "decode %s: type", t->what);
		if (rec_w2s_proto.keys[t->key].bytes) {
			size_t len;

			rec_bytes(&r, t->key, &len);
			CHECK_INT(len, t->num, "decode %s: key %u length",
				  t->what, t->key);
		} else {
			CHECK_INT(rec_num(&r, t->key), t->num, "decode %s: key %u",
				  t->what, t->key);
		}
	}
}

/* ---- decode: rejected payloads ------------------------------------------ */

struct reject_row {
	const char *what, *hex;
	int err;
	const char *why;
};

static const struct reject_row rejects[] = {
	{ "an empty payload", "", EBADMSG, "record is not a CBOR map" },
	{ "an integer instead of a map", "01", EBADMSG,
	  "record is not a CBOR map" },
	{ "an array", "81 02", EBADMSG, "record is not a CBOR map" },
	{ "an indefinite-length map", "bf 00 02 ff", EBADMSG,
	  "record is not a CBOR map" },
	{ "a map declaring more pairs than bytes", "a5 00 02", EBADMSG,
	  "map declares more pairs than it can hold" },
	{ "a map declaring 2^32 pairs", "ba ff ff ff ff 00 02", EBADMSG,
	  "map declares more pairs than it can hold" },
	{ "a map declaring 2^64-1 pairs",
	  "bb ff ff ff ff ff ff ff ff 00 02", EBADMSG,
	  "map declares more pairs than it can hold" },
	{ "a map of more pairs than there are keys",
	  "b8 29 00 02 00 02 00 02 00 02 00 02 00 02 00 02 00 02 00 02 00 02"
	  " 00 02 00 02 00 02 00 02 00 02 00 02 00 02 00 02 00 02 00 02 00 02"
	  " 00 02 00 02 00 02 00 02 00 02 00 02 00 02 00 02 00 02 00 02 00 02"
	  " 00 02 00 02 00 02 00 02 00 02 00 02 00 02 00 02 00 02",
	  EBADMSG, "map declares more pairs than it can hold" },
	{ "a truncated value", "a2 00 04 04", EBADMSG,
	  "map declares more pairs than it can hold" },
	{ "a 2-byte integer cut short", "a2 00 08 04 19 00", EBADMSG,
	  "truncated or malformed CBOR item" },
	{ "a byte string longer than the payload",
	  "a3 00 03 03 01 05 45 61 62", EBADMSG,
	  "truncated or malformed CBOR item" },
	{ "a byte string declaring 2^64-1 bytes",
	  "a3 00 04 04 14 05 5b ff ff ff ff ff ff ff ff", EBADMSG,
	  "truncated or malformed CBOR item" },
	{ "the type as a byte string", "a1 00 41 02", EBADMSG,
	  "key 0 wants an integer" },
	{ "a message as an integer", "a3 00 04 04 14 05 01", EBADMSG,
	  "key 5 wants a byte string" },
	{ "a text string instead of a byte string",
	  "a3 00 04 04 14 05 62 68 69", EBADMSG, "key 5 wants a byte string" },
	{ "an indefinite-length byte string",
	  "a3 00 04 04 14 05 5f 41 61 ff", EBADMSG,
	  "key 5 wants a byte string" },
	{ "a float instead of an integer", "a2 00 04 04 f9 3c 00", EBADMSG,
	  "key 4 wants an integer" },
	{ "a tagged integer", "a2 00 04 04 c1 14", EBADMSG,
	  "key 4 wants an integer" },
	{ "null instead of an integer", "a2 00 04 04 f6", EBADMSG,
	  "key 4 wants an integer" },
	{ "a nested map as a value", "a2 00 04 04 a0", EBADMSG,
	  "key 4 wants an integer" },
	{ "an integer over INT64_MAX",
	  "a2 00 07 0a 1b 80 00 00 00 00 00 00 00", EBADMSG,
	  "key 10 wants an integer" },
	{ "a negative integer under INT64_MIN",
	  "a2 00 07 0a 3b 80 00 00 00 00 00 00 00", EBADMSG,
	  "key 10 wants an integer" },
	{ "an unknown key", "a2 00 02 0c 00", EBADMSG, "unknown key" },
	{ "a key past the last one", "a2 00 02 18 28 00", EBADMSG,
	  "unknown key" },
	{ "a control key in a worker record", "a2 00 02 10 00", EBADMSG,
	  "unknown key" },
	{ "a negative key", "a2 00 02 20 00", EBADMSG, "unknown key" },
	{ "a text key", "a2 00 02 61 61 00", EBADMSG, "unknown key" },
	{ "a retired key (REC_EVENTS's count)", "a2 00 02 0b 00", EBADMSG,
	  "unknown key" },
	{ "a repeated key", "a2 00 02 00 02", EBADMSG, "repeated key 0" },
	{ "a repeated message", "a4 00 04 04 14 05 40 05 40", EBADMSG,
	  "repeated key 5" },
	{ "a log without its message", "a2 00 04 04 14", EBADMSG,
	  "required key 5 missing in a record of type 4" },
	{ "a hello without its pid", "a2 00 01 01 01", EBADMSG,
	  "required key 2 missing in a record of type 1" },
	{ "an event without its path", "a4 00 05 06 01 07 00 08 00", EBADMSG,
	  "required key 9 missing in a record of type 5" },
	{ "a key the type does not allow", "a2 00 02 04 14", EBADMSG,
	  "key 4 not allowed in a record of type 2" },
	{ "a record without a type", "a1 04 14", EBADMSG,
	  "record has no type" },
	{ "an empty map", "a0", EBADMSG, "record has no type" },
	{ "type 0", "a1 00 00", EPROTO, "unknown record type 0" },
	{ "a retired type (REC_EVENTS)", "a1 00 09", EPROTO,
	  "unknown record type 9" },
	{ "a type igor sends, not workers (PING)", "a2 00 06 0a 01", EPROTO,
	  "unknown record type 6" },
	{ "a control type in a worker stream", "a1 00 18 20", EPROTO,
	  "unknown record type 32" },
	{ "a type past the last one", "a1 00 18 40", EPROTO,
	  "unknown record type 64" },
	{ "a negative type", "a1 00 20", EPROTO,
	  "unknown record type 4294967295" },
	{ "a pid of 0", "a3 00 01 01 01 02 00", EBADMSG,
	  "integer of key 2 out of range" },
	{ "a negative pid", "a3 00 01 01 01 02 20", EBADMSG,
	  "integer of key 2 out of range" },
	{ "a log level over CRITICAL (51)", "a3 00 04 04 18 33 05 40", EBADMSG,
	  "integer of key 4 out of range" },
	{ "a log level under DEBUG (9)", "a3 00 04 04 09 05 40", EBADMSG,
	  "integer of key 4 out of range" },
	{ "a wd of -1 (an overflow is a record of its own)",
	  "a5 00 05 06 20 07 00 08 00 09 40", EBADMSG,
	  "integer of key 6 out of range" },
	{ "a wd of 0", "a5 00 05 06 00 07 00 08 00 09 40", EBADMSG,
	  "integer of key 6 out of range" },
	{ "a mask over 32 bits",
	  "a5 00 05 06 01 07 1b 00 00 00 01 00 00 00 00 08 00 09 40", EBADMSG,
	  "integer of key 7 out of range" },
	{ "a negative sequence", "a2 00 07 0a 20", EBADMSG,
	  "integer of key 10 out of range" },
	{ "a fail kind out of its enum", "a3 00 03 03 04 05 40", EBADMSG,
	  "integer of key 3 out of range" },
	{ "trailing bytes", "a1 00 02 00", EBADMSG,
	  "trailing bytes after the record" },
	{ "a second map after the first", "a1 00 02 a1 00 02", EBADMSG,
	  "trailing bytes after the record" },
	{ "a break byte after the map", "a1 00 02 ff", EBADMSG,
	  "trailing bytes after the record" },
};

static void test_rejects(void)
{
	uint8_t p[256], *copy;
	struct rec r;
	struct why why;
	size_t i, n;
	int ret;

	for (i = 0; i < NELEM(rejects); i++) {
		const struct reject_row *t = &rejects[i];

		n = unhex(t->hex, p, sizeof(p));
		/* An exact-size copy, so ASan sees any read past the end. */
		copy = malloc(n ? n : 1);
		if (!copy)
			abort();
		memcpy(copy, p, n);
		why.msg[0] = '\0';
		errno = 0;
		ret = rec_decode(copy, n, &r, &rec_w2s_proto, &why);
		CHECK_INT(ret, -1, "decode rejects %s", t->what);
		CHECK_INT(errno, t->err, "decode of %s: errno", t->what);
		CHECK_STR(why.msg, t->why, "decode of %s: why", t->what);
		free(copy);
	}
}

/* Byte strings at and over their bound, built rather than written. */
static void test_long_bytes(void)
{
	static uint8_t p[REC_MAX];
	struct rec r;
	struct why why = { "" };
	size_t n;
	int ret;

	n = unhex("a3 00 04 04 14 05 59 20 00", p, sizeof(p)); /* 8192 bytes */
	memset(p + n, 'x', REC_MSG_MAX);
	ret = rec_decode(p, n + REC_MSG_MAX, &r, &rec_w2s_proto, &why);
	CHECK_INT(ret, 0, "decode accepts a message of REC_MSG_MAX bytes");
	n = unhex("a3 00 04 04 14 05 59 20 01", p, sizeof(p)); /* 8193 bytes */
	memset(p + n, 'x', REC_MSG_MAX + 1);
	ret = rec_decode(p, n + REC_MSG_MAX + 1, &r, &rec_w2s_proto, &why);
	CHECK_INT(ret, -1, "decode rejects a message of REC_MSG_MAX + 1 bytes");
	CHECK_STR(why.msg, "byte string of key 5 too long",
		  "decode of a long message: why");
}

/* ---- encode ------------------------------------------------------------- */

/* One record of each worker type, as the worker builds it. */
static void build(struct rec *r, unsigned type)
{
	static const char path[] = "/watched/dir\n\xff name";

	rec_init(r, type);
	switch (type) {
	case REC_HELLO:
		rec_set_num(r, REC_K_VERSION, REC_VERSION);
		rec_set_num(r, REC_K_PID, INT32_MAX);
		break;
	case REC_FAIL:
		rec_set_num(r, REC_K_KIND, REC_FAIL_CONFIG);
		rec_set_bytes(r, REC_K_MSG, "cannot load", 11);
		break;
	case REC_LOG:
		rec_set_num(r, REC_K_LEVEL, 40);
		rec_set_bytes(r, REC_K_MSG, "a\0b", 3);
		break;
	case REC_EVENT:
		rec_set_num(r, REC_K_WD, 1);
		rec_set_num(r, REC_K_MASK, UINT32_MAX);
		rec_set_num(r, REC_K_COOKIE, 7);
		rec_set_bytes(r, REC_K_PATH, path, sizeof(path) - 1);
		break;
	case REC_PING:
	case REC_PONG:
		rec_set_num(r, REC_K_SEQ, INT64_MAX);
		break;
	case REC_LEVEL:
		rec_set_num(r, REC_K_LEVEL, 10);
		break;
	case REC_STATUS:
		rec_set_bytes(r, REC_K_KEY, "web.yaml", 8);
		rec_set_bytes(r, REC_K_LINE, "running", 7);
		rec_set_num(r, REC_K_SINCE, 1795000000);
		break;
	case REC_DEGRADED:
		rec_set_bytes(r, REC_K_MSG, "limit reached", 13);
		break;
	}
}

static bool rec_same(const struct rec *a, const struct rec *b)
{
	unsigned k;

	if (a->type != b->type || a->present != b->present)
		return false;
	for (k = 0; k < REC_KEYS; k++) {
		if (!rec_has(a, k))
			continue;
		if (rec_w2s_proto.keys[k].bytes
			    ? a->len[k] != b->len[k] ||
				      memcmp(a->bytes[k], b->bytes[k], a->len[k])
			    : a->num[k] != b->num[k])
			return false;
	}
	return true;
}

/* Every record type, with the direction that may send it. */
static const struct {
	unsigned type;
	const char *name;
	const struct rec_proto *proto;
} all_types[] = {
	{ REC_HELLO, "hello", &rec_w2s_proto },
	{ REC_READY, "ready", &rec_w2s_proto },
	{ REC_FAIL, "fail", &rec_w2s_proto },
	{ REC_LOG, "log", &rec_w2s_proto },
	{ REC_EVENT, "event", &rec_w2s_proto },
	{ REC_PONG, "pong", &rec_w2s_proto },
	{ REC_OVERFLOW, "overflow", &rec_w2s_proto },
	{ REC_STATUS, "status", &rec_w2s_proto },
	{ REC_PING, "ping", &rec_s2w_proto },
	{ REC_LEVEL, "level", &rec_s2w_proto },
	{ REC_DEGRADED, "degraded", &rec_w2s_proto },
	{ REC_REWALK, "rewalk", &rec_s2w_proto },
};

static void test_round_trips(void)
{
	struct rec_buf b = { 0 };
	struct rec in, out;
	struct why why = { "" };
	size_t i;
	int ret;

	for (i = 0; i < NELEM(all_types); i++) {
		build(&in, all_types[i].type);
		b.len = 0;
		ret = rec_encode(&b, &in, all_types[i].proto);
		CHECK_INT(ret, 0, "encode %s", all_types[i].name);
		if (ret < 0 || b.len < REC_HDR)
			continue;
		ret = rec_decode(b.data + REC_HDR, b.len - REC_HDR, &out,
				 all_types[i].proto, &why);
		CHECK_INT(ret, 0, "decode what encode made of %s (%s)",
			  all_types[i].name, why.msg);
		CHECK(ret == 0 && rec_same(&in, &out),
		      "%s round-trips with every key intact", all_types[i].name);
		ret = rec_decode(b.data + REC_HDR, b.len - REC_HDR, &out,
				 all_types[i].proto == &rec_w2s_proto
					 ? &rec_s2w_proto : &rec_w2s_proto,
				 &why);
		CHECK(ret < 0 && errno == EPROTO,
		      "%s is refused when it comes the wrong way",
		      all_types[i].name);
	}
	rec_buf_release(&b);
}

/* An encode reserves what its record needs: a watchdog question is a few
 * bytes, not a REC_MAX buffer. */
static void test_encode_reserves(void)
{
	static const char msg[REC_MSG_MAX];
	struct rec_buf b = { 0 };
	struct rec r;

	build(&r, REC_PING);
	CHECK_INT(rec_encode(&b, &r, &rec_s2w_proto), 0, "encode a ping");
	CHECK(b.cap <= 256, "a ping reserves at most 256 bytes (got %zu)",
	      b.cap);
	rec_buf_release(&b);
	rec_init(&r, REC_LOG);
	rec_set_num(&r, REC_K_LEVEL, 20);
	rec_set_bytes(&r, REC_K_MSG, msg, sizeof(msg));
	CHECK_INT(rec_encode(&b, &r, &rec_w2s_proto), 0,
		  "encode a message of REC_MSG_MAX bytes");
	CHECK(b.cap < 2 * (REC_MSG_MAX + 64),
	      "a long message reserves about its size (got %zu)", b.cap);
	CHECK_INT(b.len, REC_HDR + 1 + 2 + 2 + 1 + 3 + REC_MSG_MAX,
		  "the frame is exactly header, map, type, level, message");
	rec_buf_release(&b);
}

struct encode_reject_row {
	const char *what;
	unsigned type, key;
	int64_t num;
	size_t len; /* bytes key: this many bytes */
	int err;
};

static const struct encode_reject_row encode_rejects[] = {
	{ "a log without its message", REC_LOG, REC_K_LEVEL, 20, 0, EINVAL },
	{ "a level out of range", REC_LOG, REC_K_LEVEL, 51, 0, EINVAL },
	{ "an unknown type", 9, REC_K_SEQ, 1, 0, EINVAL },
	{ "a type the worker does not send", REC_PING, REC_K_SEQ, 1, 0,
	  EINVAL },
	{ "a message over REC_MSG_MAX", REC_LOG, REC_K_MSG, 0,
	  REC_MSG_MAX + 1, EINVAL },
	{ "a key the type does not allow", REC_READY, REC_K_SEQ, 1, 0, EINVAL },
	{ "a status without its key", REC_STATUS, REC_K_SINCE, 1, 0, EINVAL },
	{ "a status key over REC_STATUS_LEN", REC_STATUS, REC_K_KEY, 0,
	  REC_STATUS_LEN + 1, EINVAL },
};

static void test_encode_rejects(void)
{
	static const char big[REC_MSG_MAX + 1];
	struct rec_buf b = { 0 };
	struct rec r;
	size_t i;
	int ret;

	for (i = 0; i < NELEM(encode_rejects); i++) {
		const struct encode_reject_row *t = &encode_rejects[i];

		rec_init(&r, t->type);
		if (t->type == REC_LOG && t->key == REC_K_MSG)
			rec_set_num(&r, REC_K_LEVEL, 20);
		if (t->type == REC_LOG && t->key == REC_K_LEVEL && t->num > 50)
			rec_set_bytes(&r, REC_K_MSG, "", 0);
		if (t->type == REC_STATUS && t->key == REC_K_KEY)
			rec_set_num(&r, REC_K_SINCE, 1);
		if (t->len)
			rec_set_bytes(&r, t->key, big, t->len);
		else
			rec_set_num(&r, t->key, t->num);
		errno = 0;
		ret = rec_encode(&b, &r, &rec_w2s_proto);
		CHECK_INT(ret, -1, "encode refuses %s", t->what);
		CHECK_INT(errno, t->err, "encode of %s: errno", t->what);
		CHECK_INT(b.len, 0, "encode of %s leaves the buffer as it was",
			  t->what);
	}
	rec_buf_release(&b);
}

/* ---- the incremental reader --------------------------------------------- */

/* The worker's types, in the order a stream of them is checked. */
static const unsigned w2s_types[] = {
	REC_HELLO, REC_READY, REC_FAIL, REC_LOG, REC_EVENT, REC_PONG,
	REC_OVERFLOW, REC_STATUS, REC_DEGRADED,
};

/* Encodes one of each worker type into b; returns how many. */
static unsigned encode_all(struct rec_buf *b)
{
	struct rec r;
	unsigned n = 0;
	size_t i;

	for (i = 0; i < NELEM(w2s_types); i++) {
		build(&r, w2s_types[i]);
		if (rec_encode(b, &r, &rec_w2s_proto) == 0)
			n++;
	}
	return n;
}

/* Feeds len bytes in pieces of step, taking every record; the count. */
static int feed_in_steps(const uint8_t *p, size_t len, size_t step,
			 unsigned *got)
{
	struct rec_reader rd;
	struct rec r;
	struct why why;
	size_t off = 0, n;
	int ret = 0;
	unsigned want = 0;

	if (rec_reader_init(&rd, &rec_w2s_proto) < 0)
		return -1;
	*got = 0;
	while (off < len && ret >= 0) {
		n = rec_reader_feed(&rd, p + off, len - off < step ? len - off
								 : step);
		off += n;
		while ((ret = rec_next(&rd, &r, &why)) > 0) {
			struct rec exp;

			if (want >= NELEM(w2s_types)) {
				ret = -1;
				break;
			}
			build(&exp, w2s_types[want++]);
			if (!rec_same(&r, &exp))
				ret = -1;
			else
				(*got)++;
		}
	}
	if (rec_reader_pending(&rd))
		ret = -1;
	rec_reader_release(&rd);
	return ret;
}

static void test_reader_feeds(void)
{
	static const size_t steps[] = { 1, 2, 3, 7, 64, 4096, REC_HDR + REC_MAX };
	struct rec_buf b = { 0 };
	unsigned want = encode_all(&b), got = 0;
	size_t i;
	int ret;

	CHECK_INT(want, NELEM(w2s_types), "every worker type encodes");
	for (i = 0; i < NELEM(steps); i++) {
		ret = feed_in_steps(b.data, b.len, steps[i], &got);
		CHECK_INT(ret, 0, "reader fed %zu byte(s) at a time: no error",
			  steps[i]);
		CHECK_INT(got, want,
			  "reader fed %zu byte(s) at a time: every record, in order",
			  steps[i]);
	}
	rec_buf_release(&b);
}

struct frame_row {
	const char *what, *hex;
	int ret;        /* rec_next's first result */
	int err;        /* its errno when -1 */
	size_t pending; /* rec_reader_pending after it */
};

static const struct frame_row frames[] = {
	{ "a partial header", "00 00 00", 0, 0, 3 },
	{ "a header alone", "00 00 00 03", 0, 0, 4 },
	{ "a frame missing its last byte", "00 00 00 03 a1 00", 0, 0, 6 },
	{ "a whole frame", "00 00 00 03 a1 00 02", 1, 0, 0 },
	{ "a frame and part of the next", "00 00 00 03 a1 00 02 00 00", 1, 0, 2 },
	{ "a length of REC_MAX, bytes not yet there", "00 01 00 00", 0, 0, 4 },
	{ "a length of REC_MAX + 1, refused from the header alone",
	  "00 01 00 01", -1, EMSGSIZE, 4 },
	{ "a length of 2^32 - 1, refused from the header alone",
	  "ff ff ff ff", -1, EMSGSIZE, 4 },
	{ "a zero-length frame", "00 00 00 00", -1, EBADMSG, 0 },
	{ "tplug's garbage", "00 00 00 05 67 61 72 62 61 67 65", -1, EBADMSG,
	  2 },
};

static void test_frames(void)
{
	struct rec_reader rd;
	uint8_t p[64];
	struct rec r;
	struct why why;
	size_t i, n;
	int ret;

	for (i = 0; i < NELEM(frames); i++) {
		const struct frame_row *t = &frames[i];

		if (rec_reader_init(&rd, &rec_w2s_proto) < 0)
			abort();
		n = unhex(t->hex, p, sizeof(p));
		rec_reader_feed(&rd, p, n);
		errno = 0;
		ret = rec_next(&rd, &r, &why);
		CHECK_INT(ret, t->ret, "reader given %s", t->what);
		if (t->ret < 0)
			CHECK_INT(errno, t->err, "reader given %s: errno", t->what);
		CHECK_INT(rec_reader_pending(&rd), t->pending,
			  "reader given %s: bytes pending", t->what);
		rec_reader_release(&rd);
	}
}

/* The reader holds one frame at most: a feed takes only what fits. */
static void test_reader_bound(void)
{
	static uint8_t big[REC_HDR + REC_MAX + 100];
	struct rec_reader rd;
	struct rec r;
	struct why why;
	size_t n;

	if (rec_reader_init(&rd, &rec_w2s_proto) < 0)
		abort();
	big[1] = 0x01; /* a header declaring REC_MAX bytes */
	n = rec_reader_feed(&rd, big, sizeof(big));
	CHECK_INT(n, REC_HDR + REC_MAX, "a feed takes at most one whole frame");
	CHECK_INT(rec_reader_feed(&rd, big, 1), 0,
		  "a full reader takes nothing more");
	CHECK_INT(rec_next(&rd, &r, &why), -1,
		  "a frame of REC_MAX zero bytes is read and refused");
	CHECK_INT(rec_reader_feed(&rd, big, 10), 10,
		  "the reader has room again after the frame was taken");
	rec_reader_release(&rd);
}

/* Through a real pipe: flush writes frames, fill reads them, 0 at EOF. */
static void test_pipe(void)
{
	struct rec_buf b = { 0 };
	struct rec_reader rd;
	struct rec r;
	struct why why;
	unsigned want, got = 0;
	int fds[2];
	long n;

	if (pipe2(fds, O_CLOEXEC) < 0 || rec_reader_init(&rd, &rec_w2s_proto) < 0)
		abort();
	want = encode_all(&b);
	CHECK_INT(rec_buf_flush(&b, fds[1]), 0, "flush writes every frame");
	CHECK_INT(b.len, 0, "flush empties the buffer");
	close(fds[1]);
	while ((n = rec_reader_fill(&rd, fds[0])) > 0)
		while (rec_next(&rd, &r, &why) > 0)
			got++;
	CHECK_INT(n, 0, "fill returns 0 at end of file");
	CHECK_INT(got, want, "every flushed record is read back");
	CHECK_INT(rec_reader_pending(&rd), 0, "nothing is left pending");
	close(fds[0]);
	rec_reader_release(&rd);
	rec_buf_release(&b);
}

/* The queued writer: a socket that takes nothing now loses nothing; what
 * is queued goes out, whole and in order, as the socket takes it. */
static void test_write_some(void)
{
	struct rec_buf b = { 0 };
	struct rec_reader rd;
	struct rec r;
	struct why why;
	int sp[2], i, got = 0, want = 0, small = 4096;
	bool blocked = false;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0,
		       sp) < 0 || rec_reader_init(&rd, &rec_s2w_proto) < 0)
		abort();
	setsockopt(sp[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
	for (i = 0; i < 5000; i++) {
		rec_init(&r, REC_PING);
		rec_set_num(&r, REC_K_SEQ, i);
		if (rec_encode(&b, &r, &rec_s2w_proto) < 0 ||
		    rec_buf_write_some(&b, sp[0]) < 0)
			break;
		want++;
		blocked |= rec_buf_pending(&b) > 0;
	}
	CHECK_INT(want, 5000, "5000 questions queued without an error");
	CHECK(blocked, "the socket filled up on the way (else the test "
		       "proves nothing)");
	while (got < want) {
		long n = rec_reader_fill(&rd, sp[1]);

		while (rec_next(&rd, &r, &why) > 0)
			if (rec_num(&r, REC_K_SEQ) == got)
				got++;
		if (rec_buf_write_some(&b, sp[0]) < 0 || (n <= 0 && errno != EAGAIN))
			break;
	}
	CHECK_INT(got, want, "every question arrived, in order");
	CHECK_INT(rec_buf_pending(&b), 0, "and the queue is empty");
	close(sp[0]);
	close(sp[1]);
	rec_reader_release(&rd);
	rec_buf_release(&b);
}

int main(void)
{
	test_accepts();
	test_rejects();
	test_long_bytes();
	test_round_trips();
	test_encode_reserves();
	test_encode_rejects();
	test_reader_feeds();
	test_frames();
	test_reader_bound();
	test_pipe();
	test_write_some();
	return check_done();
}
