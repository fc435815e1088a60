/*
 * rec: the one definition of the record protocol between igor-worker and
 * igor (documented in igor-protocol(7)), and of the framing and codec that
 * the control protocol (ctl.h) reuses with its own types.
 *
 * Framing: a stream of frames.  A frame is a 4-byte big-endian payload
 * length, then that many bytes holding exactly one CBOR map.  The length
 * is checked against REC_MAX before anything is read or allocated.
 *
 * Payload: a definite-length CBOR map of at most REC_KEYS pairs whose keys
 * are small unsigned integers (enum rec_key).  Key 0 is the record type.
 * Each key has one value kind, an integer (CBOR major type 0 or 1, fitting
 * int64) or a byte string (major type 2; names and paths are bytes, not
 * UTF-8).  Each type has a set of required and optional keys.  Anything
 * else (another major type, an indefinite length, a tag, an unknown or
 * repeated key, a missing required key, trailing bytes) is malformed.
 *
 * The decoder uses libcbor's streaming decoder: it allocates nothing and
 * byte strings in a decoded struct rec point into the frame (borrowed:
 * valid until the reader is next used).
 */
#ifndef IGOR_REC_H
#define IGOR_REC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define REC_VERSION 2

enum {
	REC_HDR = 4,        /* bytes of the length prefix */
	REC_MAX = 65536,    /* bytes of one payload, at most */
	REC_MSG_MAX = 8192, /* bytes of a log message; longer ones are cut */
	REC_PATH_MAX = 4 * 4096, /* bytes of an event's path: PATH_MAX four
				    times over, room for any joined path */
	REC_STATUS_KEYS = 256, /* status lines a worker may hold at once */
	REC_STATUS_LEN = 200,  /* bytes of a status key, and of its line */
};

/* Record types.  W->S: worker to supervisor; S->W: the other way.  Each
 * direction has its own schema (rec_w2s_proto, rec_s2w_proto), so a type
 * sent the wrong way is an unknown type. */
enum rec_type {
	REC_HELLO = 1, /* W->S first record: VERSION, PID */
	REC_READY,     /* W->S setup returned 0 (or, with -t, plugin loads) */
	REC_FAIL,      /* W->S KIND (enum rec_fail), MSG: why it stops */
	REC_LOG,       /* W->S LEVEL, MSG: one line of the plugin's log */
	REC_EVENT,     /* W->S WD, MASK, COOKIE, PATH: one delivered event,
			  sent only while the supervisor logs DEBUG (the
			  counts are in the counter page, wkargs.h) */
	REC_PING,      /* S->W SEQ: watchdog question */
	REC_PONG,      /* W->S SEQ: answer from the event loop */
	REC_LEVEL,     /* S->W LEVEL: the supervisor's log threshold */
	/* 9 is retired: a batched event count, which the counter page replaced */
	REC_OVERFLOW = 10, /* W->S an instance's queue overflowed (its
			      IN_Q_OVERFLOW): events were lost */
	REC_STATUS,    /* W->S KEY, [LINE], SINCE: a plugin's status line;
			  no LINE: the key is cleared */
	REC_DEGRADED,  /* W->S [MSG]: with MSG, directories are left unwatched
			  (why); without, every one is watched again */
	REC_REWALK,    /* S->W: walk the trees again if degraded (reload) */
	/* the control protocol's types (ctl.h) start here */
	REC_CTL_BASE = 32,
	REC_TYPE_MAX = 64
};

/* Keys; each has one value kind (see struct rec_keydef). */
enum rec_key {
	REC_K_TYPE = 0,
	REC_K_VERSION,
	REC_K_PID,
	REC_K_KIND,
	REC_K_LEVEL,
	REC_K_MSG,    /* bytes */
	REC_K_WD,
	REC_K_MASK,
	REC_K_COOKIE,
	REC_K_PATH,   /* bytes */
	REC_K_SEQ,
	/* 11 and 12 are retired: the batched count's keys */
	REC_K_KEY = 13, /* bytes */
	REC_K_LINE,     /* bytes */
	REC_K_SINCE,
	/* the control protocol's keys (ctl.h) start here */
	REC_K_CTL_BASE = 16,
	REC_KEYS = 40
};

/* Why a worker stops before running (REC_FAIL's KIND). */
enum rec_fail {
	REC_FAIL_LOAD = 1, /* plugin cannot be loaded: state failed */
	REC_FAIL_SETUP,    /* setup returned non-zero: retried with backoff */
	REC_FAIL_CONFIG,   /* config or privilege drop failed: state failed */
};

/*
 * One decoded or to-be-encoded record.  Build it with rec_init and
 * rec_set_*; read it with rec_has, rec_num and rec_bytes only: a key
 * that is absent is never read (its slot holds whatever was there).
 */
struct rec {
	unsigned type;
	uint64_t present; /* bit k set when key k is present */
	int64_t num[REC_KEYS];
	const uint8_t *bytes[REC_KEYS]; /* borrowed */
	size_t len[REC_KEYS];
};

/* The set of keys a type requires and allows; bit k for key k. */
struct rec_schema {
	uint64_t required, optional;
};

/* What one key carries: bytes of at most max bytes, or an integer in
 * [min, max].  A key with max == 0 and !bytes is unused. */
struct rec_keydef {
	bool bytes;
	int64_t min, max;
};

/* A protocol: its schema per type and its keys. */
struct rec_proto {
	const struct rec_schema *types; /* REC_TYPE_MAX; required == 0: unknown */
	const struct rec_keydef *keys;  /* REC_KEYS */
};

/* What a worker may send, and what the supervisor may send it. */
extern const struct rec_proto rec_w2s_proto;
extern const struct rec_proto rec_s2w_proto;

/* Building: rec_init, then rec_set_num/rec_set_bytes per key (bytes are
 * borrowed until encoded). */
void rec_init(struct rec *r, unsigned type);
void rec_set_num(struct rec *r, unsigned key, int64_t v);
void rec_set_bytes(struct rec *r, unsigned key, const void *p, size_t len);

static inline bool rec_has(const struct rec *r, unsigned key)
{
	return key < REC_KEYS && (r->present >> key) & 1;
}

/* The integer under key, or 0 when the key is absent. */
static inline int64_t rec_num(const struct rec *r, unsigned key)
{
	return rec_has(r, key) ? r->num[key] : 0;
}

/* The bytes under key (borrowed as the record is) and their length in
 * *len, or NULL and 0 when the key is absent. */
static inline const uint8_t *rec_bytes(const struct rec *r, unsigned key,
				       size_t *len)
{
	*len = rec_has(r, key) ? r->len[key] : 0;
	return rec_has(r, key) ? r->bytes[key] : NULL;
}

/*
 * A growable output buffer of whole frames, written out as the fd takes
 * them.  Zero-initialise; rec_buf_release frees it.
 */
struct rec_buf {
	uint8_t *data;
	size_t len, cap;
	size_t off; /* bytes already written by rec_buf_write_some */
};

/*
 * Appends r as one frame, reserving exactly what it needs.  Returns 0, or
 * -1 with errno: EINVAL when r does not match its schema, EMSGSIZE when
 * the payload exceeds REC_MAX, ENOMEM.  Nothing is appended on failure.
 */
int rec_encode(struct rec_buf *out, const struct rec *r,
	       const struct rec_proto *proto);
void rec_buf_release(struct rec_buf *b);

/* Bytes waiting to be written. */
static inline size_t rec_buf_pending(const struct rec_buf *b)
{
	return b->len - b->off;
}

/*
 * Writes the whole buffer to a blocking fd, retrying on EINTR and short
 * writes, then empties it.  Returns 0, or -1 with errno (EPIPE...).
 */
int rec_buf_flush(struct rec_buf *b, int fd);

/*
 * Writes what a nonblocking socket takes now, never blocking and never
 * raising SIGPIPE; empties the buffer once all is written.  Returns 0
 * (rec_buf_pending says what is left), or -1 with errno when the peer is
 * gone or the write failed otherwise.
 */
int rec_buf_write_some(struct rec_buf *b, int fd);

/*
 * Decodes one payload (without its length prefix).  Returns 0, or -1
 * with errno EBADMSG (malformed CBOR or schema mismatch) or EPROTO
 * (unknown type), why then saying what, for the log.
 */
int rec_decode(const uint8_t *p, size_t len, struct rec *r,
	       const struct rec_proto *proto, struct why *why);

/*
 * An incremental, bounded reader: frames may arrive split across reads or
 * several in one read.  Holds at most REC_HDR + REC_MAX bytes.
 */
struct rec_reader {
	uint8_t *buf; /* REC_HDR + REC_MAX bytes, allocated by rec_reader_init */
	size_t len;   /* bytes held */
	size_t off;   /* start of the next frame */
	const struct rec_proto *proto;
};

int rec_reader_init(struct rec_reader *rd, const struct rec_proto *proto);
void rec_reader_release(struct rec_reader *rd);

/* Forgets what is held: a new stream starts (a restarted worker). */
void rec_reader_reset(struct rec_reader *rd);

/*
 * Reads what the fd has, at most the free space, once.  Returns the bytes
 * read (0 at end of file), or -1 with errno (EAGAIN when none waits).
 */
long rec_reader_fill(struct rec_reader *rd, int fd);

/*
 * Appends bytes (as rec_reader_fill does, from memory).  Returns the bytes
 * taken: at most the free space.
 */
size_t rec_reader_feed(struct rec_reader *rd, const void *p, size_t len);

/*
 * Takes the next whole record.  Returns 1 with *r filled (its bytes
 * borrowed until the next call), 0 when more input is needed, -1 on a
 * protocol error with errno (EMSGSIZE: length over REC_MAX; EBADMSG,
 * EPROTO as rec_decode) and why filled.  After -1 the stream is unusable.
 */
int rec_next(struct rec_reader *rd, struct rec *r, struct why *why);

/* Bytes held that do not yet make a whole frame (at end of file: a
 * truncated record). */
size_t rec_reader_pending(const struct rec_reader *rd);

#endif /* IGOR_REC_H */
