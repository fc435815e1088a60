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
#include <sys/socket.h>
#include <unistd.h>

#define BIT(k) ((uint64_t)1 << (k))

static const struct rec_schema w2s_types[REC_TYPE_MAX] = {
	[REC_HELLO] = { BIT(REC_K_TYPE) | BIT(REC_K_VERSION) | BIT(REC_K_PID), 0 },
	[REC_READY] = { BIT(REC_K_TYPE), 0 },
	[REC_FAIL] = { BIT(REC_K_TYPE) | BIT(REC_K_KIND) | BIT(REC_K_MSG), 0 },
	[REC_LOG] = { BIT(REC_K_TYPE) | BIT(REC_K_LEVEL) | BIT(REC_K_MSG), 0 },
	[REC_EVENT] = { BIT(REC_K_TYPE) | BIT(REC_K_WD) | BIT(REC_K_MASK) |
				BIT(REC_K_COOKIE) | BIT(REC_K_PATH), 0 },
	[REC_PONG] = { BIT(REC_K_TYPE) | BIT(REC_K_SEQ), 0 },
	[REC_OVERFLOW] = { BIT(REC_K_TYPE), 0 },
	[REC_STATUS] = { BIT(REC_K_TYPE) | BIT(REC_K_KEY) | BIT(REC_K_SINCE),
			 BIT(REC_K_LINE) },
	[REC_DEGRADED] = { BIT(REC_K_TYPE), BIT(REC_K_MSG) },
};

static const struct rec_schema s2w_types[REC_TYPE_MAX] = {
	[REC_PING] = { BIT(REC_K_TYPE) | BIT(REC_K_SEQ), 0 },
	[REC_LEVEL] = { BIT(REC_K_TYPE) | BIT(REC_K_LEVEL), 0 },
	[REC_REWALK] = { BIT(REC_K_TYPE), 0 },
};

/* Both directions share the key numbers and their kinds. */
static const struct rec_keydef worker_keys[REC_KEYS] = {
	[REC_K_TYPE] = { false, 1, REC_TYPE_MAX - 1 },
	[REC_K_VERSION] = { false, 0, INT32_MAX },
	[REC_K_PID] = { false, 1, INT32_MAX },
	[REC_K_KIND] = { false, REC_FAIL_LOAD, REC_FAIL_CONFIG },
	[REC_K_LEVEL] = { false, 10, 50 }, /* DEBUG..CRITICAL; igor_log clamps */
	[REC_K_MSG] = { true, 0, REC_MSG_MAX },
	[REC_K_WD] = { false, 1, INT32_MAX },
	[REC_K_MASK] = { false, 0, UINT32_MAX },
	[REC_K_COOKIE] = { false, 0, UINT32_MAX },
	[REC_K_PATH] = { true, 0, REC_PATH_MAX },
	[REC_K_SEQ] = { false, 0, INT64_MAX },
	[REC_K_KEY] = { true, 0, REC_STATUS_LEN },
	[REC_K_LINE] = { true, 0, REC_STATUS_LEN },
	[REC_K_SINCE] = { false, 0, INT64_MAX },
};

const struct rec_proto rec_w2s_proto = { w2s_types, worker_keys };
const struct rec_proto rec_s2w_proto = { s2w_types, worker_keys };

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
			struct why *why)
{
	const struct rec_schema *s;
	uint64_t m;
	unsigned k;

	if (r->type >= REC_TYPE_MAX || !proto->types[r->type].required)
		return why_set(why, EPROTO, "unknown record type %u", r->type);
	s = &proto->types[r->type];
	if ((r->present & s->required) != s->required)
		return why_set(why, EBADMSG, "required key %d missing in a record of type %u",
			       __builtin_ctzll(s->required & ~r->present), r->type);
	if (r->present & ~(s->required | s->optional))
		return why_set(why, EBADMSG, "key %d not allowed in a record of type %u",
			       __builtin_ctzll(r->present & ~(s->required | s->optional)),
			       r->type);
	/* Only the keys present: a record has a handful of the REC_KEYS. */
	for (m = r->present; m; m &= m - 1) {
		const struct rec_keydef *d;

		k = (unsigned)__builtin_ctzll(m);
		d = &proto->keys[k];
		if (d->bytes && r->len[k] > (uint64_t)d->max)
			return why_set(why, EBADMSG, "byte string of key %u too long",
				       k);
		if (!d->bytes && (r->num[k] < d->min || r->num[k] > d->max))
			return why_set(why, EBADMSG, "integer of key %u out of range",
				       k);
	}
	return 0;
}

static int buf_reserve(struct rec_buf *b, size_t more)
{
	uint8_t *p;
	size_t cap;

	if (b->cap - b->len >= more)
		return 0;
	/* What was written goes first: a buffer that is never quite empty
	 * (a follower of igor's log) must not grow for ever. */
	if (b->off) {
		memmove(b->data, b->data + b->off, b->len - b->off);
		b->len -= b->off;
		b->off = 0;
		if (b->cap - b->len >= more)
			return 0;
	}
	cap = b->cap ? b->cap : 256;
	while (cap - b->len < more)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p)
		return -1; /* realloc set ENOMEM */
	b->data = p;
	b->cap = cap;
	return 0;
}

/* Bytes of a CBOR item head carrying the argument u (RFC 8949, 3). */
static size_t head_size(uint64_t u)
{
	if (u < 24)
		return 1;
	if (u <= UINT8_MAX)
		return 2;
	if (u <= UINT16_MAX)
		return 3;
	return u <= UINT32_MAX ? 5 : 9;
}

/* The CBOR argument of an integer: v, or -1 - v for a negative one. */
static uint64_t int_arg(int64_t v)
{
	return v >= 0 ? (uint64_t)v : (uint64_t)(-1 - v);
}

/* Bytes of r's payload: the map head, then each key and its value. */
static size_t payload_size(const struct rec *r, const struct rec_proto *proto)
{
	size_t n = head_size((uint64_t)__builtin_popcountll(r->present));
	uint64_t m;
	unsigned k;

	for (m = r->present; m; m &= m - 1) {
		k = (unsigned)__builtin_ctzll(m);
		n += head_size(k);
		if (proto->keys[k].bytes)
			n += head_size(r->len[k]) + r->len[k];
		else
			n += head_size(int_arg(r->num[k]));
	}
	return n;
}

/* Encodes one integer item into exactly the space payload_size counted;
 * libcbor returns 0 when it does not fit. */
static size_t put_int(uint8_t *p, size_t avail, int64_t v)
{
	if (v >= 0)
		return cbor_encode_uint((uint64_t)v, p, avail);
	return cbor_encode_negint(int_arg(v), p, avail);
}

/* One key and its value at p; the bytes written, or 0 when they do not
 * fit in avail (never, when avail came from payload_size). */
static size_t put_pair(uint8_t *p, size_t avail, const struct rec *r,
		       unsigned k, bool bytes)
{
	size_t n = cbor_encode_uint(k, p, avail), v;

	if (!n)
		return 0;
	if (!bytes) {
		v = put_int(p + n, avail - n, r->num[k]);
		return v ? n + v : 0;
	}
	v = cbor_encode_bytestring_start(r->len[k], p + n, avail - n);
	if (!v || avail - n - v < r->len[k])
		return 0;
	memcpy(p + n + v, r->bytes[k], r->len[k]);
	return n + v + r->len[k];
}

int rec_encode(struct rec_buf *out, const struct rec *r,
	       const struct rec_proto *proto)
{
	size_t n, got, plen;
	uint64_t m;
	unsigned k;
	uint8_t *p;

	if (check_schema(r, proto, NULL) < 0) {
		errno = EINVAL;
		return -1;
	}
	plen = payload_size(r, proto);
	if (plen > REC_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	if (buf_reserve(out, REC_HDR + plen) < 0)
		return -1;
	p = out->data + out->len;
	p[0] = (uint8_t)(plen >> 24);
	p[1] = (uint8_t)(plen >> 16);
	p[2] = (uint8_t)(plen >> 8);
	p[3] = (uint8_t)plen;
	p += REC_HDR;
	n = cbor_encode_map_start((size_t)__builtin_popcountll(r->present), p,
				  plen);
	for (m = r->present; n && m; m &= m - 1) {
		k = (unsigned)__builtin_ctzll(m);
		got = put_pair(p + n, plen - n, r, k, proto->keys[k].bytes);
		n = got ? n + got : 0;
	}
	/* payload_size and libcbor disagreeing is a bug here, not bad input:
	 * refuse the record rather than send a frame that lies. */
	if (n != plen) {
		errno = EMSGSIZE;
		return -1;
	}
	out->len += REC_HDR + plen;
	return 0;
}

void rec_buf_release(struct rec_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = b->off = 0;
}

int rec_buf_flush(struct rec_buf *b, int fd)
{
	while (b->off < b->len) {
		ssize_t w = write(fd, b->data + b->off, b->len - b->off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		b->off += (size_t)w;
	}
	b->len = b->off = 0;
	return 0;
}

int rec_buf_write_some(struct rec_buf *b, int fd)
{
	while (b->off < b->len) {
		ssize_t w = send(fd, b->data + b->off, b->len - b->off,
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return errno == EAGAIN ? 0 : -1;
		b->off += (size_t)w;
	}
	b->len = b->off = 0;
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

/* Stores one value under key k; why says what is wrong. */
static int store_value(struct rec *r, unsigned k, const struct item *v,
		       const struct rec_proto *proto, struct why *why)
{
	if (proto->keys[k].bytes) {
		if (v->kind != ITEM_BYTES)
			return why_set(why, EBADMSG, "key %u wants a byte string", k);
		rec_set_bytes(r, k, v->p, v->len);
		return 0;
	}
	if ((v->kind != ITEM_UINT && v->kind != ITEM_NEGINT) ||
	    v->u > INT64_MAX)
		return why_set(why, EBADMSG, "key %u wants an integer", k);
	rec_set_num(r, k, v->kind == ITEM_UINT ? (int64_t)v->u
					       : -1 - (int64_t)v->u);
	return 0;
}

static int decode_pairs(const uint8_t *p, size_t len, size_t *off,
			uint64_t pairs, struct rec *r,
			const struct rec_proto *proto, struct why *why)
{
	struct item key, val;

	while (pairs--) {
		if (next_item(p, len, off, &key) < 0 ||
		    next_item(p, len, off, &val) < 0)
			return why_set(why, EBADMSG, "truncated or malformed CBOR item");
		if (key.kind != ITEM_UINT || key.u >= REC_KEYS ||
		    (!proto->keys[key.u].bytes && !proto->keys[key.u].max))
			return why_set(why, EBADMSG, "unknown key");
		if (rec_has(r, (unsigned)key.u))
			return why_set(why, EBADMSG, "repeated key %u",
				       (unsigned)key.u);
		if (store_value(r, (unsigned)key.u, &val, proto, why) < 0)
			return -1;
	}
	return 0;
}

int rec_decode(const uint8_t *p, size_t len, struct rec *r,
	       const struct rec_proto *proto, struct why *why)
{
	struct item top;
	size_t off = 0;

	r->present = 0;
	r->type = 0;
	if (next_item(p, len, &off, &top) < 0 || top.kind != ITEM_MAP)
		return why_set(why, EBADMSG, "record is not a CBOR map");
	/* Each pair takes at least two bytes: a cheap bound before looping. */
	if (top.u > REC_KEYS || top.u * 2 > len - off)
		return why_set(why, EBADMSG, "map declares more pairs than it can hold");
	if (decode_pairs(p, len, &off, top.u, r, proto, why) < 0)
		return -1;
	if (off != len)
		return why_set(why, EBADMSG, "trailing bytes after the record");
	if (!rec_has(r, REC_K_TYPE))
		return why_set(why, EBADMSG, "record has no type");
	r->type = (unsigned)r->num[REC_K_TYPE];
	return check_schema(r, proto, why);
}

/* ---- incremental reader ------------------------------------------------ */

int rec_reader_init(struct rec_reader *rd, const struct rec_proto *proto)
{
	rd->buf = malloc(REC_HDR + REC_MAX);
	rd->len = rd->off = 0;
	rd->proto = proto;
	return rd->buf ? 0 : -1;
}

void rec_reader_reset(struct rec_reader *rd)
{
	rd->len = rd->off = 0;
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

int rec_next(struct rec_reader *rd, struct rec *r, struct why *why)
{
	const uint8_t *h = rd->buf + rd->off;
	size_t avail = rd->len - rd->off, plen;

	if (avail < REC_HDR)
		return 0;
	plen = (size_t)h[0] << 24 | (size_t)h[1] << 16 | (size_t)h[2] << 8 | h[3];
	if (plen > REC_MAX)
		return why_set(why, EMSGSIZE,
			       "record of %zu bytes is longer than the protocol allows",
			       plen);
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
