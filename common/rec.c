/*
 * rec.c: framing and CBOR codec of records (see rec.h for the format).
 *
 * Encoding uses libcbor's allocation-free encoders; decoding uses its
 * streaming decoder, one item per call, so a declared count or length is
 * never trusted before the bytes behind it are known to be there.
 */
#include "rec.h"

#include <cbor.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BIT(k) ((uint64_t)1 << (k))

static const struct rec_schema worker_types[REC_TYPE_MAX] = {
	[REC_HELLO] = { BIT(REC_K_TYPE) | BIT(REC_K_VERSION) | BIT(REC_K_PID), 0 },
	[REC_READY] = { BIT(REC_K_TYPE), 0 },
	[REC_FAIL] = { BIT(REC_K_TYPE) | BIT(REC_K_KIND) | BIT(REC_K_MSG), 0 },
	[REC_LOG] = { BIT(REC_K_TYPE) | BIT(REC_K_LEVEL) | BIT(REC_K_MSG), 0 },
	[REC_EVENT] = { BIT(REC_K_TYPE) | BIT(REC_K_WD) | BIT(REC_K_MASK) |
				BIT(REC_K_COOKIE),
			BIT(REC_K_PATH) },
	[REC_PING] = { BIT(REC_K_TYPE) | BIT(REC_K_SEQ), 0 },
	[REC_PONG] = { BIT(REC_K_TYPE) | BIT(REC_K_SEQ), 0 },
	[REC_LEVEL] = { BIT(REC_K_TYPE) | BIT(REC_K_LEVEL), 0 },
	[REC_EVENTS] = { BIT(REC_K_TYPE) | BIT(REC_K_COUNT) |
				 BIT(REC_K_OVERFLOWS), 0 },
	[REC_DEGRADED] = { BIT(REC_K_TYPE), BIT(REC_K_MSG) },
	[REC_REWALK] = { BIT(REC_K_TYPE), 0 },
};

static const struct rec_keydef worker_keys[REC_KEYS] = {
	[REC_K_TYPE] = { false, 1, REC_TYPE_MAX - 1 },
	[REC_K_VERSION] = { false, 0, INT32_MAX },
	[REC_K_PID] = { false, 1, INT32_MAX },
	[REC_K_KIND] = { false, REC_FAIL_LOAD, REC_FAIL_CONFIG },
	[REC_K_LEVEL] = { false, 0, 100 },
	[REC_K_MSG] = { true, 0, REC_MSG_MAX },
	[REC_K_WD] = { false, -1, INT32_MAX },
	[REC_K_MASK] = { false, 0, UINT32_MAX },
	[REC_K_COOKIE] = { false, 0, UINT32_MAX },
	[REC_K_PATH] = { true, 0, 4 * 4096 },
	[REC_K_SEQ] = { false, 0, INT64_MAX },
	[REC_K_COUNT] = { false, 0, INT64_MAX },
	[REC_K_OVERFLOWS] = { false, 0, INT64_MAX },
};

const struct rec_proto rec_worker_proto = { worker_types, worker_keys };

void rec_init(struct rec *r, unsigned type)
{
	r->type = type;
	r->present = BIT(REC_K_TYPE);
	r->num[REC_K_TYPE] = type;
}

void rec_set_num(struct rec *r, unsigned key, int64_t v)
{
	if (key >= REC_KEYS)
		return;
	r->present |= BIT(key);
	r->num[key] = v;
}

void rec_set_bytes(struct rec *r, unsigned key, const void *p, size_t len)
{
	if (key >= REC_KEYS)
		return;
	r->present |= BIT(key);
	r->bytes[key] = p;
	r->len[key] = len;
}

/* Checks r against the protocol; *why says what is wrong. */
static int check_schema(const struct rec *r, const struct rec_proto *proto,
			const char **why)
{
	const struct rec_schema *s;
	uint64_t m;
	unsigned k;

	if (r->type >= REC_TYPE_MAX || !proto->types[r->type].required) {
		*why = "unknown record type";
		errno = EPROTO;
		return -1;
	}
	s = &proto->types[r->type];
	if ((r->present & s->required) != s->required) {
		*why = "required key missing";
		goto out_bad;
	}
	if (r->present & ~(s->required | s->optional)) {
		*why = "key not allowed in this record type";
		goto out_bad;
	}
	/* Only the keys present: a record has a handful of the REC_KEYS. */
	for (m = r->present; m; m &= m - 1) {
		const struct rec_keydef *d;

		k = (unsigned)__builtin_ctzll(m);
		d = &proto->keys[k];
		if (d->bytes ? r->len[k] > (uint64_t)d->max
			     : r->num[k] < d->min || r->num[k] > d->max) {
			*why = d->bytes ? "byte string too long"
					: "integer out of range";
			goto out_bad;
		}
	}
	return 0;
out_bad:
	errno = EBADMSG;
	return -1;
}

static int buf_reserve(struct rec_buf *b, size_t more)
{
	uint8_t *p;
	size_t cap;

	if (b->cap - b->len >= more)
		return 0;
	cap = b->cap ? b->cap : 4096;
	while (cap - b->len < more)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p)
		return -1; /* realloc set ENOMEM */
	b->data = p;
	b->cap = cap;
	return 0;
}

/* Appends one integer item; the space was reserved by the caller. */
static size_t put_int(uint8_t *p, size_t avail, int64_t v)
{
	if (v >= 0)
		return cbor_encode_uint((uint64_t)v, p, avail);
	return cbor_encode_negint((uint64_t)(-1 - v), p, avail);
}

/* The payload is at most REC_MAX bytes plus one item's overshoot. */
enum { ENCODE_SLACK = 64 };

int rec_encode(struct rec_buf *out, const struct rec *r,
	       const struct rec_proto *proto)
{
	const char *why;
	uint8_t *p;
	size_t n = 0, avail, pairs, plen;
	uint64_t m;
	unsigned k;

	if (check_schema(r, proto, &why) < 0) {
		errno = EINVAL;
		return -1;
	}
	if (buf_reserve(out, REC_HDR + REC_MAX + ENCODE_SLACK) < 0)
		return -1;
	p = out->data + out->len + REC_HDR;
	avail = REC_MAX + ENCODE_SLACK;
	pairs = (size_t)__builtin_popcountll(r->present);
	n += cbor_encode_map_start(pairs, p + n, avail - n);
	for (m = r->present; m; m &= m - 1) {
		k = (unsigned)__builtin_ctzll(m);
		if (!proto->keys[k].bytes) {
			n += cbor_encode_uint(k, p + n, avail - n);
			n += put_int(p + n, avail - n, r->num[k]);
			continue;
		}
		if (avail - n < 20 + r->len[k]) {
			errno = EMSGSIZE;
			return -1;
		}
		n += cbor_encode_uint(k, p + n, avail - n);
		n += cbor_encode_bytestring_start(r->len[k], p + n, avail - n);
		memcpy(p + n, r->bytes[k], r->len[k]);
		n += r->len[k];
	}
	plen = n;
	if (plen > REC_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	p -= REC_HDR;
	p[0] = (uint8_t)(plen >> 24);
	p[1] = (uint8_t)(plen >> 16);
	p[2] = (uint8_t)(plen >> 8);
	p[3] = (uint8_t)plen;
	out->len += REC_HDR + plen;
	return 0;
}

void rec_buf_release(struct rec_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

int rec_buf_flush(struct rec_buf *b, int fd)
{
	size_t off = 0;

	while (off < b->len) {
		ssize_t w = write(fd, b->data + off, b->len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		off += (size_t)w;
	}
	b->len = 0;
	return 0;
}

/* ---- decoding ---------------------------------------------------------- */

enum item_kind { ITEM_OTHER, ITEM_UINT, ITEM_NEGINT, ITEM_BYTES, ITEM_MAP };

/* The one item the last cbor_stream_decode call reported. */
struct item {
	enum item_kind kind;
	uint64_t u; /* ITEM_UINT, ITEM_NEGINT (-1 - u), ITEM_MAP (pairs) */
	const uint8_t *p;
	size_t len;
};

static void on_u8(void *c, uint8_t v) { *(struct item *)c = (struct item){ ITEM_UINT, v, 0, 0 }; }
static void on_u16(void *c, uint16_t v) { *(struct item *)c = (struct item){ ITEM_UINT, v, 0, 0 }; }
static void on_u32(void *c, uint32_t v) { *(struct item *)c = (struct item){ ITEM_UINT, v, 0, 0 }; }
static void on_u64(void *c, uint64_t v) { *(struct item *)c = (struct item){ ITEM_UINT, v, 0, 0 }; }
static void on_n8(void *c, uint8_t v) { *(struct item *)c = (struct item){ ITEM_NEGINT, v, 0, 0 }; }
static void on_n16(void *c, uint16_t v) { *(struct item *)c = (struct item){ ITEM_NEGINT, v, 0, 0 }; }
static void on_n32(void *c, uint32_t v) { *(struct item *)c = (struct item){ ITEM_NEGINT, v, 0, 0 }; }
static void on_n64(void *c, uint64_t v) { *(struct item *)c = (struct item){ ITEM_NEGINT, v, 0, 0 }; }

static void on_bytes(void *c, cbor_data p, size_t len)
{
	*(struct item *)c = (struct item){ ITEM_BYTES, 0, p, len };
}

static void on_map(void *c, size_t pairs)
{
	*(struct item *)c = (struct item){ ITEM_MAP, pairs, 0, 0 };
}

/* Everything else is not part of the protocol. */
static void on_other(void *c) { ((struct item *)c)->kind = ITEM_OTHER; }
static void on_other_str(void *c, cbor_data p, size_t l) { (void)p, (void)l; on_other(c); }
static void on_other_coll(void *c, size_t n) { (void)n; on_other(c); }
static void on_other_u64(void *c, uint64_t v) { (void)v; on_other(c); }
static void on_other_f(void *c, float v) { (void)v; on_other(c); }
static void on_other_d(void *c, double v) { (void)v; on_other(c); }
static void on_other_b(void *c, bool v) { (void)v; on_other(c); }

static const struct cbor_callbacks item_callbacks = {
	.uint8 = on_u8, .uint16 = on_u16, .uint32 = on_u32, .uint64 = on_u64,
	.negint8 = on_n8, .negint16 = on_n16, .negint32 = on_n32,
	.negint64 = on_n64,
	.byte_string = on_bytes, .byte_string_start = on_other,
	.string = on_other_str, .string_start = on_other,
	.array_start = on_other_coll, .indef_array_start = on_other,
	.map_start = on_map, .indef_map_start = on_other,
	.tag = on_other_u64,
	.float2 = on_other_f, .float4 = on_other_f, .float8 = on_other_d,
	.undefined = on_other, .null = on_other, .boolean = on_other_b,
	.indef_break = on_other,
};

/* Decodes the item at *off; a short or bad item is an error. */
static int next_item(const uint8_t *p, size_t len, size_t *off,
		     struct item *it)
{
	struct cbor_decoder_result res;

	if (*off >= len)
		return -1;
	it->kind = ITEM_OTHER;
	res = cbor_stream_decode(p + *off, len - *off, &item_callbacks, it);
	if (res.status != CBOR_DECODER_FINISHED)
		return -1;
	*off += res.read;
	return 0;
}

/* Stores one value under key k; *why says what is wrong. */
static int store_value(struct rec *r, unsigned k, const struct item *v,
		       const struct rec_proto *proto, const char **why)
{
	if (proto->keys[k].bytes) {
		if (v->kind != ITEM_BYTES) {
			*why = "key wants a byte string";
			return -1;
		}
		rec_set_bytes(r, k, v->p, v->len);
		return 0;
	}
	if ((v->kind != ITEM_UINT && v->kind != ITEM_NEGINT) ||
	    v->u > INT64_MAX) {
		*why = "key wants an integer";
		return -1;
	}
	rec_set_num(r, k, v->kind == ITEM_UINT ? (int64_t)v->u
					       : -1 - (int64_t)v->u);
	return 0;
}

static int decode_pairs(const uint8_t *p, size_t len, size_t *off,
			uint64_t pairs, struct rec *r,
			const struct rec_proto *proto, const char **why)
{
	struct item key, val;

	while (pairs--) {
		if (next_item(p, len, off, &key) < 0 ||
		    next_item(p, len, off, &val) < 0) {
			*why = "truncated or malformed CBOR item";
			return -1;
		}
		if (key.kind != ITEM_UINT || key.u >= REC_KEYS ||
		    (!proto->keys[key.u].bytes && !proto->keys[key.u].max)) {
			*why = "unknown key";
			return -1;
		}
		if (rec_has(r, (unsigned)key.u)) {
			*why = "repeated key";
			return -1;
		}
		if (store_value(r, (unsigned)key.u, &val, proto, why) < 0)
			return -1;
	}
	return 0;
}

int rec_decode(const uint8_t *p, size_t len, struct rec *r,
	       const struct rec_proto *proto, const char **why)
{
	struct item top;
	size_t off = 0;

	r->present = 0;
	r->type = 0;
	if (next_item(p, len, &off, &top) < 0 || top.kind != ITEM_MAP) {
		*why = "record is not a CBOR map";
		goto out_bad;
	}
	/* Each pair takes at least two bytes: a cheap bound before looping. */
	if (top.u > REC_KEYS || top.u * 2 > len - off) {
		*why = "map declares more pairs than it can hold";
		goto out_bad;
	}
	if (decode_pairs(p, len, &off, top.u, r, proto, why) < 0)
		goto out_bad;
	if (off != len) {
		*why = "trailing bytes after the record";
		goto out_bad;
	}
	if (!rec_has(r, REC_K_TYPE)) {
		*why = "record has no type";
		goto out_bad;
	}
	r->type = (unsigned)r->num[REC_K_TYPE];
	return check_schema(r, proto, why);
out_bad:
	errno = EBADMSG;
	return -1;
}

/* ---- incremental reader ------------------------------------------------ */

int rec_reader_init(struct rec_reader *rd, const struct rec_proto *proto)
{
	rd->buf = malloc(REC_HDR + REC_MAX);
	rd->len = rd->off = 0;
	rd->proto = proto;
	return rd->buf ? 0 : -1;
}

void rec_reader_release(struct rec_reader *rd)
{
	free(rd->buf);
	rd->buf = NULL;
	rd->len = rd->off = 0;
}

/* Moves the unread tail to the front, making room for more input. */
static void compact(struct rec_reader *rd)
{
	if (!rd->off)
		return;
	memmove(rd->buf, rd->buf + rd->off, rd->len - rd->off);
	rd->len -= rd->off;
	rd->off = 0;
}

long rec_reader_fill(struct rec_reader *rd, int fd)
{
	ssize_t n;

	compact(rd);
	do
		n = read(fd, rd->buf + rd->len, REC_HDR + REC_MAX - rd->len);
	while (n < 0 && errno == EINTR);
	if (n > 0)
		rd->len += (size_t)n;
	return n;
}

size_t rec_reader_feed(struct rec_reader *rd, const void *p, size_t len)
{
	size_t room;

	compact(rd);
	room = REC_HDR + REC_MAX - rd->len;
	if (len > room)
		len = room;
	memcpy(rd->buf + rd->len, p, len);
	rd->len += len;
	return len;
}

int rec_next(struct rec_reader *rd, struct rec *r, const char **why)
{
	const uint8_t *h = rd->buf + rd->off;
	size_t avail = rd->len - rd->off, plen;

	if (avail < REC_HDR)
		return 0;
	plen = (size_t)h[0] << 24 | (size_t)h[1] << 16 | (size_t)h[2] << 8 | h[3];
	if (plen > REC_MAX) {
		*why = "record longer than the protocol allows";
		errno = EMSGSIZE;
		return -1;
	}
	if (avail < REC_HDR + plen)
		return 0;
	rd->off += REC_HDR + plen;
	if (rec_decode(h + REC_HDR, plen, r, rd->proto, why) < 0)
		return -1;
	return 1;
}

size_t rec_reader_pending(const struct rec_reader *rd)
{
	return rd->len - rd->off;
}
