/*
 * fuzz_ctl: raw bytes into the control socket's request decoder, as igor
 * reads them from a client: through a rec_reader, split where the input's
 * first byte says, then every request until the stream ends or breaks.
 * The whole input is also decoded as one bare payload, and read as
 * igorctl reads igor's replies (log lines, with bytes of any kind, and
 * counts included).
 *
 *   clang -g -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Icommon \
 *	tests/fuzz/fuzz_ctl.c common/ctl.c common/rec.c -lcbor
 *   ./a.out tests/fuzz/corpus_ctl
 */
#include "ctl.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Keeps the compiler from dropping what it decoded. */
static volatile size_t sink;

/* "" or valid names, one space between two, as ctl.h promises. */
static void check_names(const char *names)
{
	const char *p = names, *sp;

	while (*p) {
		sp = strchr(p, ' ');
		if (!plugname_is_valid(p, sp ? (size_t)(sp - p) : strlen(p)))
			abort();
		if (sp && !sp[1])
			abort();
		p = sp ? sp + 1 : p + strlen(p);
	}
}

static void check_request(const struct ctl_request *rq)
{
	/* What igor acts on must be what the protocol allows. */
	if (rq->type != CTL_STATUS && rq->type != CTL_RESTART &&
	    rq->type != CTL_RELOAD && rq->type != CTL_LOG &&
	    rq->type != CTL_METRICS)
		abort();
	if (rq->type == CTL_RESTART &&
	    !plugname_is_valid(rq->name, strlen(rq->name)))
		abort();
	if (rq->lines < 0 || rq->lines > INT32_MAX)
		abort();
	check_names(rq->names);
	sink += strlen(rq->name) + strlen(rq->names);
}

/* What igorctl prints must be what the protocol allows. */
static void check_reply(const struct ctl_reply *rp)
{
	if (rp->type == CTL_LOGLINE) {
		if (rp->log.len > CTL_MSG_MAX || rp->log.msg[rp->log.len] ||
		    rp->log.level < 10 || rp->log.level > 50 ||
		    (rp->log.name[0] &&
		     !plugname_is_valid(rp->log.name, strlen(rp->log.name))))
			abort();
		sink += rp->log.len;
	}
	if (rp->type == CTL_MISSED && rp->count < 0)
		abort();
}

static void read_replies(const uint8_t *data, size_t size)
{
	struct ctl_reply *rp = malloc(sizeof(*rp));
	struct rec_reader rd;
	struct why why;
	int n;

	if (!rp || rec_reader_init(&rd, &ctl_reply_proto) < 0) {
		free(rp);
		return;
	}
	rec_reader_feed(&rd, data, size);
	while ((n = ctl_next_reply(&rd, rp, &why)) > 0)
		check_reply(rp);
	rec_reader_release(&rd);
	free(rp);
}

/* Feeds the stream in two parts, as two reads of a client would be. */
static void read_stream(const uint8_t *data, size_t size, size_t split)
{
	struct rec_reader rd;
	struct ctl_request rq;
	struct why why;
	size_t off = 0, end = split;
	int n;

	if (rec_reader_init(&rd, &ctl_request_proto) < 0)
		return;
	while (off < size) {
		off += rec_reader_feed(&rd, data + off, end - off);
		while ((n = ctl_next_request(&rd, &rq, &why)) > 0)
			check_request(&rq);
		if (n < 0)
			break;
		end = size;
	}
	sink += rec_reader_pending(&rd);
	rec_reader_release(&rd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctl_request rq;
	struct why why;

	if (ctl_decode_request(data, size, &rq, &why) == 0)
		check_request(&rq);
	read_stream(data, size, size ? data[0] % (size + 1) : 0);
	read_replies(data, size);
	return 0;
}
