/*
 * ctl_test: the control protocol's round trips and rejects, table by
 * table, and igorctl's UPTIME format.
 *
 * Hand-written frames are CBOR maps as in rec.h: A2 = map of 2 pairs,
 * 00 18 20 = type 32 (CTL_STATUS), 10 01 = version (key 16) 1.
 */
#include "check.h"
#include "ctl.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Feeds bytes to a fresh request reader; returns ctl_next_request's. */
static int feed_request(const uint8_t *p, size_t len, struct ctl_request *rq,
			struct why *why, int *err)
{
	struct rec_reader rd;
	int n;

	if (rec_reader_init(&rd, &ctl_request_proto) < 0)
		return -2;
	rec_reader_feed(&rd, p, len);
	errno = 0;
	why->msg[0] = '\0';
	n = ctl_next_request(&rd, rq, why);
	*err = errno;
	rec_reader_release(&rd);
	return n;
}

static int feed_reply(const struct rec_buf *b, struct ctl_reply *rp,
		      struct why *why)
{
	struct rec_reader rd;
	int n;

	if (rec_reader_init(&rd, &ctl_reply_proto) < 0)
		return -2;
	rec_reader_feed(&rd, b->data, b->len);
	why->msg[0] = '\0';
	n = ctl_next_reply(&rd, rp, why);
	rec_reader_release(&rd);
	return n;
}

/* The record after the first n of b (n from 0), as feed_reply. */
static int feed_nth(const struct rec_buf *b, size_t n, struct ctl_reply *rp,
		    struct why *why)
{
	struct rec_reader rd;
	int got = 0;

	if (rec_reader_init(&rd, &ctl_reply_proto) < 0)
		return -2;
	rec_reader_feed(&rd, b->data, b->len);
	why->msg[0] = '\0';
	do
		got = ctl_next_reply(&rd, rp, why);
	while (got > 0 && n--);
	rec_reader_release(&rd);
	return got;
}

static void test_request_round_trips(void)
{
	static const struct ctl_request cases[] = {
		{ .type = CTL_STATUS },
		{ .type = CTL_RELOAD },
		{ .type = CTL_METRICS },
		{ .type = CTL_RESTART, .name = "web" },
		{ .type = CTL_RESTART, .name = "a.b_c-9" },
		{ .type = CTL_RESTART, .name =
		  "x234567890123456789012345678901234567890123456789012345678901234" },
	};
	size_t i;

	for (i = 0; i < NELEM(cases); i++) {
		struct rec_buf b = { 0 };
		struct ctl_request got;
		struct why why = { "" };
		int err;

		CHECK_INT(ctl_encode_request(&b, &cases[i]), 0,
			  "request %zu (type %d '%s') encodes", i, cases[i].type,
			  cases[i].name);
		CHECK_INT(feed_request(b.data, b.len, &got, &why, &err), 1,
			  "request %zu decodes (%s)", i, why.msg);
		CHECK_INT(got.type, cases[i].type, "request %zu type", i);
		CHECK_STR(got.name, cases[i].name, "request %zu name", i);
		rec_buf_release(&b);
	}
}

static void test_request_encode_rejects(void)
{
	static const char *const names[] = {
		"", "-x", "a/b", "a b", "caf\xc3\xa9",
		"x2345678901234567890123456789012345678901234567890123456789012345",
	};
	size_t i;

	for (i = 0; i < NELEM(names); i++) {
		struct ctl_request rq = { .type = CTL_RESTART };
		struct rec_buf b = { 0 };

		snprintf(rq.name, sizeof(rq.name), "%s", names[i]);
		if (strlen(names[i]) > PLUGNAME_MAX)
			memcpy(rq.name, names[i], PLUGNAME_MAX + 1);
		errno = 0;
		CHECK_INT(ctl_encode_request(&b, &rq), -1,
			  "restart of invalid name '%s' is not encoded", names[i]);
		CHECK_INT(errno, EINVAL, "... with EINVAL");
		rec_buf_release(&b);
	}
}

struct reject {
	const char *what;
	const char *bytes; /* the whole frame, length prefix included */
	size_t len;
	int want;          /* ctl_next_request's return */
	int err;           /* errno when want is -1 */
};

#define F(s) s, sizeof(s) - 1

static const struct reject rejects[] = {
	{ "well-formed status (control row)",
	  F("\0\0\0\6\xa2\x00\x18\x20\x10\x01"), 1, 0 },
	{ "version 2", F("\0\0\0\6\xa2\x00\x18\x20\x10\x02"), -1,
	  EPROTONOSUPPORT },
	{ "version 0", F("\0\0\0\6\xa2\x00\x18\x20\x10\x00"), -1,
	  EPROTONOSUPPORT },
	{ "no version", F("\0\0\0\4\xa1\x00\x18\x20"), -1, EBADMSG },
	{ "reply type END sent as a request",
	  F("\0\0\0\6\xa2\x00\x18\x2a\x10\x01"), -1, EPROTO },
	{ "worker type 1 (HELLO) on the control socket",
	  F("\0\0\0\5\xa2\x00\x01\x10\x01"), -1, EPROTO },
	{ "type 0", F("\0\0\0\5\xa2\x00\x00\x10\x01"), -1, EPROTO },
	{ "restart without a name", F("\0\0\0\6\xa2\x00\x18\x21\x10\x01"),
	  -1, EBADMSG },
	{ "restart with an empty name",
	  F("\0\0\0\x08\xa3\x00\x18\x21\x10\x01\x11\x40"), -1, EINVAL },
	{ "restart of '-x'",
	  F("\0\0\0\x0a\xa3\x00\x18\x21\x10\x01\x11\x42-x"), -1, EINVAL },
	{ "restart of 'a/b'",
	  F("\0\0\0\x0b\xa3\x00\x18\x21\x10\x01\x11\x43" "a/b"), -1, EINVAL },
	{ "restart of a name with a NUL",
	  F("\0\0\0\x0a\xa3\x00\x18\x21\x10\x01\x11\x42" "a\0"), -1, EINVAL },
	{ "name as a text string, not bytes",
	  F("\0\0\0\x09\xa3\x00\x18\x21\x10\x01\x11\x61w"), -1, EBADMSG },
	{ "version as bytes", F("\0\0\0\7\xa2\x00\x18\x20\x10\x41\x01"), -1,
	  EBADMSG },
	{ "status with a name",
	  F("\0\0\0\x09\xa3\x00\x18\x20\x10\x01\x11\x41w"), -1, EBADMSG },
	{ "unknown key 39", F("\0\0\0\x09\xa3\x00\x18\x20\x10\x01\x18\x27\x00"),
	  -1, EBADMSG },
	{ "repeated version",
	  F("\0\0\0\x08\xa3\x00\x18\x20\x10\x01\x10\x01"), -1, EBADMSG },
	{ "array, not a map", F("\0\0\0\2\x81\x00"), -1, EBADMSG },
	{ "indefinite map",
	  F("\0\0\0\7\xbf\x00\x18\x20\x10\x01\xff"), -1, EBADMSG },
	{ "map declaring 200 pairs", F("\0\0\0\3\xb8\xc8\x00"), -1, EBADMSG },
	{ "trailing byte", F("\0\0\0\7\xa2\x00\x18\x20\x10\x01\x00"), -1,
	  EBADMSG },
	{ "length over REC_MAX", F("\0\1\0\1\xa2"), -1, EMSGSIZE },
	{ "length 2^32-1", F("\xff\xff\xff\xff"), -1, EMSGSIZE },
	{ "truncated header", F("\0\0"), 0, 0 },
	{ "truncated payload", F("\0\0\0\6\xa2\x00\x18"), 0, 0 },
	{ "empty payload", F("\0\0\0\0"), -1, EBADMSG },
	{ "a tag", F("\0\0\0\7\xc1\xa2\x00\x18\x20\x10\x01"), -1, EBADMSG },
};

static void test_request_rejects(void)
{
	size_t i;

	for (i = 0; i < NELEM(rejects); i++) {
		const struct reject *t = &rejects[i];
		struct ctl_request rq;
		struct why why = { "" };
		int err, n;

		n = feed_request((const uint8_t *)t->bytes, t->len, &rq, &why,
				 &err);
		CHECK_INT(n, t->want, "%s: returns %d (%s)", t->what, t->want,
			  why.msg);
		if (t->want < 0)
			CHECK_INT(err, t->err, "%s: errno", t->what);
	}
}

static void test_decode_payload(void)
{
	static const uint8_t reload[] = { 0xa2, 0x00, 0x18, 0x22, 0x10, 0x01 };
	struct ctl_request rq;
	struct why why = { "" };

	CHECK_INT(ctl_decode_request(reload, sizeof(reload), &rq, &why), 0,
		  "a bare reload payload decodes (%s)", why.msg);
	CHECK_INT(rq.type, CTL_RELOAD, "... as CTL_RELOAD");
	CHECK_INT(ctl_decode_request(reload, sizeof(reload) - 1, &rq, &why), -1,
		  "a cut payload does not");
}

static void test_worker_round_trips(void)
{
	static const struct ctl_status_line lines[] = {
		{ "web.yaml", "running", 1795000000 },
		{ "bad.yaml", "start failed (exit 125), retrying", 0 },
	};
	static const struct ctl_worker cases[] = {
		{ "containers", "running", 4121, 11520, 0, 1843, 2, "", "",
		  false, lines, 2 },
		{ "flaky", "backoff", 0, -1, 7, 12, 0, "signal SEGV (watchdog)",
		  "setup returned 1", false, NULL, 0 },
		{ "new", "starting", 99, -1, 0, 0, 0, "", "", false, NULL, 0 },
		{ "big", "running", 1, 0, INT64_MAX, INT64_MAX, INT64_MAX,
		  "exit 255", "inotify watch limit reached", true, NULL, 0 },
	};
	size_t j;
	size_t i;

	for (i = 0; i < NELEM(cases); i++) {
		const struct ctl_worker *w = &cases[i];
		struct rec_buf b = { 0 };
		struct ctl_reply *rp = calloc(1, sizeof(*rp));
		struct why why = { "" };

		if (!rp)
			return;
		CHECK_INT(ctl_encode_worker(&b, w), 0, "worker %zu encodes", i);
		CHECK_INT(feed_reply(&b, rp, &why), 1, "worker %zu decodes (%s)",
			  i, why.msg);
		CHECK_INT(rp->type, CTL_WORKER, "... as CTL_WORKER");
		CHECK_STR(rp->w.name, w->name, "... name");
		CHECK_STR(rp->w.state, w->state, "... state");
		CHECK_INT(rp->w.pid, w->pid, "... pid");
		CHECK_INT(rp->w.uptime_s, w->uptime_s, "... uptime");
		CHECK_INT(rp->w.restarts, w->restarts, "... restarts");
		CHECK_INT(rp->w.events, w->events, "... events");
		CHECK_INT(rp->w.overflows, w->overflows, "... overflows");
		CHECK_STR(rp->w.last_exit, w->last_exit, "... last_exit");
		CHECK_STR(rp->w.error, w->error, "... error");
		CHECK_INT(rp->w.degraded, w->degraded, "... degraded");
		for (j = 0; j < w->nlines; j++) {
			CHECK_INT(feed_nth(&b, j + 1, rp, &why), 1,
				  "... its status line %zu decodes (%s)", j,
				  why.msg);
			CHECK_INT(rp->type, CTL_STATUS_LINE,
				  "... as CTL_STATUS_LINE");
			CHECK_STR(rp->line.key, w->lines[j].key, "... key");
			CHECK_STR(rp->line.line, w->lines[j].line, "... line");
			CHECK_INT(rp->line.since, w->lines[j].since, "... since");
		}
		rec_buf_release(&b);
		free(rp);
	}
}

static void test_msg_round_trips(void)
{
	static const struct {
		enum ctl_type type;
		const char *msg;
	} cases[] = {
		{ CTL_LINE, "started web" },
		{ CTL_LINE, "refused /etc/igor/x.conf:3: missing key 'plugin'" },
		{ CTL_ERROR, "no plugin named 'nope'" },
		{ CTL_ERROR, "" },
	};
	struct ctl_reply *rp = calloc(1, sizeof(*rp));
	struct rec_buf b = { 0 };
	struct why why = { "" };
	size_t i;

	if (!rp)
		return;
	for (i = 0; i < NELEM(cases); i++) {
		b.len = 0;
		CHECK_INT(ctl_encode_msg(&b, cases[i].type, cases[i].msg), 0,
			  "message '%s' encodes", cases[i].msg);
		CHECK_INT(feed_reply(&b, rp, &why), 1, "... decodes (%s)", why.msg);
		CHECK_INT(rp->type, cases[i].type, "... type");
		CHECK_STR(rp->msg, cases[i].msg, "... text");
	}
	b.len = 0;
	CHECK_INT(ctl_encode_end(&b), 0, "END encodes");
	CHECK_INT(feed_reply(&b, rp, &why), 1, "END decodes");
	CHECK_INT(rp->type, CTL_END, "... as CTL_END");
	rec_buf_release(&b);
	free(rp);
}

static void test_long_msg_is_cut(void)
{
	struct ctl_reply *rp = calloc(1, sizeof(*rp));
	char *msg = malloc(CTL_MSG_MAX + 100);
	struct rec_buf b = { 0 };
	struct why why = { "" };

	if (!rp || !msg)
		goto out;
	memset(msg, 'm', CTL_MSG_MAX + 99);
	msg[CTL_MSG_MAX + 99] = '\0';
	CHECK_INT(ctl_encode_msg(&b, CTL_LINE, msg), 0,
		  "a message over CTL_MSG_MAX encodes");
	CHECK_INT(feed_reply(&b, rp, &why), 1, "... decodes");
	CHECK_INT(strlen(rp->msg), CTL_MSG_MAX, "... cut to CTL_MSG_MAX");
out:
	rec_buf_release(&b);
	free(msg);
	free(rp);
}

static void test_reply_rejects(void)
{
	static const struct {
		const char *what;
		const char *bytes;
		size_t len;
	} cases[] = {
		{ "status request sent as a reply",
		  F("\0\0\0\6\xa2\x00\x18\x20\x10\x01") },
		{ "worker without counters",
		  F("\0\0\0\x10\xa3\x00\x18\x28\x11\x41w\x12\x47running") },
		{ "worker with a state in capitals",
		  F("\0\0\0\x11\xa6\x00\x18\x28\x11\x41w\x12\x42UP\x15\x00\x16\x00\x17\x00") },
		{ "worker with an invalid name",
		  F("\0\0\0\x11\xa6\x00\x18\x28\x11\x41/\x12\x42up\x15\x00\x16\x00\x17\x00") },
		{ "message with a NUL", F("\0\0\0\x08\xa2\x00\x18\x29\x1a\x42x\0") },
	};
	struct ctl_reply *rp = calloc(1, sizeof(*rp));
	size_t i;

	if (!rp)
		return;
	for (i = 0; i < NELEM(cases); i++) {
		struct rec_buf b = { (uint8_t *)cases[i].bytes, cases[i].len, 0, 0 };
		struct why why = { "" };

		CHECK_INT(feed_reply(&b, rp, &why), -1, "reply %s is refused (%s)",
			  cases[i].what, why.msg);
	}
	free(rp);
}

static void test_uptime(void)
{
	static const struct {
		int64_t s;
		const char *want;
	} cases[] = {
		{ 0, "0s" }, { 42, "42s" }, { 59, "59s" }, { 60, "1m0s" },
		{ 725, "12m5s" }, { 3599, "59m59s" }, { 3600, "1h0m" },
		{ 11520, "3h12m" }, { 86399, "23h59m" }, { 86400, "1d0h" },
		{ 187200, "2d4h" }, { -5, "0s" },
	};
	char buf[32];
	size_t i;

	for (i = 0; i < NELEM(cases); i++)
		CHECK_STR(ctl_uptime_str(cases[i].s, buf, sizeof(buf)),
			  cases[i].want, "uptime %lld s", (long long)cases[i].s);
}

static void test_names(void)
{
	static const struct {
		const char *name;
		bool want;
	} cases[] = {
		{ "web", true }, { "a.b_c-D9", true }, { "x-", true },
		{ "-x", false }, { "", false }, { "a b", false },
		{ "a/b", false }, { "a:b", false },
	};
	size_t i;

	for (i = 0; i < NELEM(cases); i++)
		CHECK_INT(plugname_is_valid(cases[i].name, strlen(cases[i].name)),
			  cases[i].want, "name '%s' valid", cases[i].name);
}

static void test_log_request_round_trips(void)
{
	static const struct {
		int64_t lines;
		bool follow;
		const char *names;
	} cases[] = {
		{ 20, false, "" }, { 0, true, "" }, { INT32_MAX, true, "web" },
		{ 5, false, "a.b_c-9 web x" },
	};
	size_t i;

	for (i = 0; i < NELEM(cases); i++) {
		struct ctl_request *rq = calloc(1, sizeof(*rq));
		struct ctl_request *got = calloc(1, sizeof(*got));
		struct rec_buf b = { 0 };
		struct why why = { "" };
		int err;

		if (!rq || !got)
			return;
		rq->type = CTL_LOG;
		rq->lines = cases[i].lines;
		rq->follow = cases[i].follow;
		strcpy(rq->names, cases[i].names);
		CHECK_INT(ctl_encode_request(&b, rq), 0, "log request %zu encodes", i);
		CHECK_INT(feed_request(b.data, b.len, got, &why, &err), 1,
			  "log request %zu decodes (%s)", i, why.msg);
		CHECK_INT(got->type, CTL_LOG, "... as CTL_LOG");
		CHECK_INT(got->lines, cases[i].lines, "... lines");
		CHECK_INT(got->follow, cases[i].follow, "... follow");
		CHECK_STR(got->names, cases[i].names, "... names");
		rec_buf_release(&b);
		free(rq);
		free(got);
	}
}

/* A CTL_LOG frame whose NAMES are given raw: the encoder refuses bad
 * names, a hostile client does not. */
static int feed_log_names(const char *names, size_t len, int *err)
{
	struct ctl_request *rq = calloc(1, sizeof(*rq));
	struct rec_buf b = { 0 };
	struct why why = { "" };
	struct rec r;
	int n = -2;

	if (!rq)
		return -2;
	rec_init(&r, CTL_LOG);
	rec_set_num(&r, CTL_K_VERSION, CTL_VERSION);
	rec_set_num(&r, CTL_K_LINES, 1);
	rec_set_bytes(&r, CTL_K_NAMES, names, len);
	if (rec_encode(&b, &r, &ctl_request_proto) == 0)
		n = feed_request(b.data, b.len, rq, &why, err);
	rec_buf_release(&b);
	free(rq);
	return n;
}

/* As feed_log_names, the frame made by hand, so that the encoder's own
 * bound does not stop it: a4 (4 pairs) type 35, VERSION 1, LINES 1,
 * NAMES as bytes with a 2-byte length. */
static int feed_raw_names(const char *names, size_t len, int *err)
{
	static const uint8_t head[] = { 0xa4, 0x00, 0x18, 0x23, 0x10, 0x01,
					0x18, 0x1f, 0x01, 0x18, 0x21, 0x59 };
	size_t plen = sizeof(head) + 2 + len;
	uint8_t *f = malloc(4 + plen);
	struct ctl_request *rq = calloc(1, sizeof(*rq));
	struct why why = { "" };
	int n = -2;

	if (f && rq) {
		f[0] = 0, f[1] = 0, f[2] = (uint8_t)(plen >> 8), f[3] = (uint8_t)plen;
		memcpy(f + 4, head, sizeof(head));
		f[4 + sizeof(head)] = (uint8_t)(len >> 8);
		f[5 + sizeof(head)] = (uint8_t)len;
		memcpy(f + 6 + sizeof(head), names, len);
		n = feed_request(f, 4 + plen, rq, &why, err);
	}
	free(f);
	free(rq);
	return n;
}

static void test_log_request_rejects(void)
{
	static const struct {
		const char *names;
		size_t len;
	} bad[] = {
		{ F("") }, { F(" web") }, { F("web ") }, { F("a  b") },
		{ F("a/b") }, { F("-x") }, { F("a\0b") }, { F("a\tb") },
	};
	char *many = malloc(CTL_NAMES_MAX + 2);
	size_t i;
	int err;

	for (i = 0; i < NELEM(bad); i++) {
		CHECK_INT(feed_log_names(bad[i].names, bad[i].len, &err), -1,
			  "log names '%s' are refused", bad[i].names);
		CHECK_INT(err, EINVAL, "... with EINVAL");
	}
	if (!many)
		return;
	memset(many, 'a', CTL_NAMES_MAX + 1);
	for (i = 64; i < CTL_NAMES_MAX + 1; i += 65)
		many[i] = ' ';
	CHECK_INT(feed_log_names(many, CTL_NAMES_MAX, &err), 1,
		  "CTL_NAMES_MAX bytes of names are taken");
	CHECK_INT(feed_raw_names(many, CTL_NAMES_MAX + 1, &err), -1,
		  "one byte more is not");
	CHECK_INT(err, EBADMSG, "... as malformed");
	CHECK_INT(feed_raw_names(many, CTL_NAMES_MAX, &err), 1,
		  "(the frame made by hand is right)");
	free(many);
	CHECK_INT(feed_request((const uint8_t *)"\0\0\0\6\xa2\x00\x18\x23\x10\x01",
			       10, &(struct ctl_request){ 0 }, &(struct why){ "" }, &err),
		  -1, "a log request without LINES is refused");
	CHECK_INT(err, EBADMSG, "... as malformed");
	CHECK_INT(feed_request((const uint8_t *)"\0\0\0\x0c\xa4\x00\x18\x23\x10\x01\x18\x1f\x01\x18\x20\x02",
			       16, &(struct ctl_request){ 0 }, &(struct why){ "" }, &err),
		  -1, "FOLLOW 2 is refused");
	CHECK_INT(feed_request((const uint8_t *)"\0\0\0\x0a\xa3\x00\x18\x23\x10\x01\x18\x1f\x20",
			       14, &(struct ctl_request){ 0 }, &(struct why){ "" }, &err),
		  -1, "LINES -1 is refused");
	CHECK_INT(feed_request((const uint8_t *)"\0\0\0\x06\xa2\x00\x18\x24\x10\x01",
			       10, &(struct ctl_request){ 0 }, &(struct why){ "" }, &err),
		  1, "a metrics request is taken");
}

static void test_logline_round_trips(void)
{
	static const struct {
		int64_t time_ms;
		int level;
		const char *name, *msg;
		size_t len;
	} cases[] = {
		{ 1764083045123, 20, "containers", F("started web") },
		{ 0, 50, "", F("igor's own") },
		{ 1, 10, "x", F("a NUL \0 and \x1b[31m bytes\n") },
		{ 2, 30, "web", F("") },
	};
	struct ctl_reply *rp = calloc(1, sizeof(*rp));
	struct ctl_logline *l = calloc(1, sizeof(*l));
	struct rec_buf b = { 0 };
	struct why why = { "" };
	size_t i;

	if (!rp || !l)
		goto out;
	for (i = 0; i < NELEM(cases); i++) {
		b.len = 0;
		l->time_ms = cases[i].time_ms;
		l->level = cases[i].level;
		strcpy(l->name, cases[i].name);
		memcpy(l->msg, cases[i].msg, cases[i].len);
		l->len = cases[i].len;
		CHECK_INT(ctl_encode_logline(&b, l), 0, "log line %zu encodes", i);
		CHECK_INT(feed_reply(&b, rp, &why), 1, "... decodes (%s)", why.msg);
		CHECK_INT(rp->type, CTL_LOGLINE, "... as CTL_LOGLINE");
		CHECK_INT(rp->log.time_ms, cases[i].time_ms, "... time");
		CHECK_INT(rp->log.level, cases[i].level, "... level");
		CHECK_STR(rp->log.name, cases[i].name, "... name");
		CHECK_INT(rp->log.len, cases[i].len, "... length");
		CHECK(memcmp(rp->log.msg, cases[i].msg, cases[i].len) == 0,
		      "... bytes, NULs included");
	}
	b.len = 0;
	CHECK_INT(ctl_encode_missed(&b, 123456), 0, "CTL_MISSED encodes");
	CHECK_INT(feed_reply(&b, rp, &why), 1, "... decodes");
	CHECK_INT(rp->type, CTL_MISSED, "... as CTL_MISSED");
	CHECK_INT(rp->count, 123456, "... with its count");
	b.len = 0;
	strcpy(l->name, "a/b");
	CHECK_INT(ctl_encode_logline(&b, l), -1,
		  "a log line of an invalid plugin name is not encoded");
out:
	rec_buf_release(&b);
	free(l);
	free(rp);
}

static void test_names_has(void)
{
	CHECK(ctl_names_has("web db", "db", 2), "'db' is in 'web db'");
	CHECK(ctl_names_has("web db", "web", 3), "'web' is in 'web db'");
	CHECK(!ctl_names_has("web db", "we", 2), "'we' is not");
	CHECK(!ctl_names_has("web db", "web db", 6), "'web db' is not one name");
	CHECK(!ctl_names_has("", "web", 3), "nothing is in ''");
}

int main(void)
{
	test_request_round_trips();
	test_request_encode_rejects();
	test_request_rejects();
	test_decode_payload();
	test_worker_round_trips();
	test_msg_round_trips();
	test_long_msg_is_cut();
	test_reply_rejects();
	test_uptime();
	test_names();
	test_log_request_round_trips();
	test_log_request_rejects();
	test_logline_round_trips();
	test_names_has();
	return check_done();
}
