/*
 * fuzz_rec: raw bytes, as a worker could write them on its record fd,
 * into the supervisor's incremental reader (rec_reader_feed + rec_next
 * with rec_w2s_proto), then every field of each record it accepts,
 * through the accessors the supervisor uses.
 *
 * The first byte picks the size of the pieces the input is fed in, so
 * frames split across reads are fuzzed as well as whole ones.
 *
 *   clang -g -fsanitize=fuzzer,address,undefined -Icommon \
 *	tests/fuzz/fuzz_rec.c common/rec.c -lcbor
 *   ./a.out tests/fuzz/corpus_rec
 */
#include "rec.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Keeps the compiler from dropping reads whose results are unused. */
static volatile uint64_t sink;

/* Reads every present key, as the supervisor's handlers do. */
static void touch(const struct rec *r)
{
	unsigned k;
	size_t i;

	const uint8_t *p;
	size_t len;

	sink += r->type;
	for (k = 0; k < REC_KEYS; k++) {
		if (!rec_w2s_proto.keys[k].bytes) {
			sink += (uint64_t)rec_num(r, k);
			continue;
		}
		p = rec_bytes(r, k, &len);
		for (i = 0; i < len; i++)
			sink += p[i];
	}
}

/* Takes every whole record; -1 once the stream is broken. */
static int drain(struct rec_reader *rd)
{
	struct why why;
	struct rec r;
	int got;

	while ((got = rec_next(rd, &r, &why)) > 0)
		touch(&r);
	if (got < 0)
		sink += (unsigned char)why.msg[0];
	return got;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rec_reader rd;
	size_t step, n;

	if (!rd.buf && rec_reader_init(&rd, &rec_w2s_proto) < 0)
		abort();
	rec_reader_reset(&rd);
	if (size == 0)
		return 0;
	step = data[0] ? data[0] : REC_HDR + REC_MAX;
	data++, size--;
	while (size) {
		n = rec_reader_feed(&rd, data, size < step ? size : step);
		data += n, size -= n;
		if (drain(&rd) < 0)
			break; /* the supervisor kills the worker here */
		if (!n)
			abort(); /* a drained reader always has room */
	}
	sink += rec_reader_pending(&rd);
	return 0;
}
