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

#define REC_VERSION 1

enum {
	REC_HDR = 4,        /* bytes of the length prefix */
	REC_MAX = 65536,    /* bytes of one payload, at most */
	REC_MSG_MAX = 8192, /* bytes of a log message; longer ones are cut */
};

/* Record types.  W->S: worker to supervisor; S->W: the other way. */
enum rec_type {
	REC_HELLO = 1, /* W->S first record: VERSION, PID */
	REC_READY,     /* W->S setup returned 0 (or, with -t, plugin loads) */
	REC_FAIL,      /* W->S KIND (enum rec_fail), MSG: why it stops */
	REC_LOG,       /* W->S LEVEL, MSG: one line of the plugin's log */
	REC_EVENT,     /* W->S WD, MASK, COOKIE, [PATH]: delivered event */
	REC_PING,      /* S->W SEQ: watchdog question */
	REC_PONG,      /* W->S SEQ: answer from the event loop */
	REC_LEVEL,     /* S->W LEVEL: the supervisor's log threshold */
	REC_EVENTS,    /* W->S COUNT, OVERFLOWS: events delivered since the
			  last record, when the supervisor logs no DEBUG */
	REC_DEGRADED,  /* W->S [MSG]: with MSG, directories are left unwatched
			  (why); without, every one is watched again */
	REC_REWALK,    /* S->W: walk the trees again if degraded (reload) */
	REC_WORKER_TYPES,
	/* the control protocol's types (ctl.h) start here */
	REC_CTL_BASE = 32,
	REC_TYPE_MAX = 64
};

/* Keys; each has one value kind (rec_key_is_bytes). */
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
	REC_K_COUNT,
	REC_K_OVERFLOWS,
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

/* One decoded or to-be-encoded record. */
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

extern const struct rec_proto rec_worker_proto;

/* Building: rec_init, then rec_set_num/rec_set_bytes per key (bytes are
 * borrowed until encoded). */
void rec_init(struct rec *r, unsigned type);
void rec_set_num(struct rec *r, unsigned key, int64_t v);
void rec_set_bytes(struct rec *r, unsigned key, const void *p, size_t len);
static inline bool rec_has(const struct rec *r, unsigned key)
{
	return key < REC_KEYS && (r->present >> key) & 1;
}

/*
 * A growable output buffer of whole frames.  Zero-initialise;
 * rec_buf_release frees it.
 */
struct rec_buf {
	uint8_t *data;
	size_t len, cap;
};

/*
 * Appends r as one frame.  Returns 0, or -1 with errno: EINVAL when r does
 * not match its schema, EMSGSIZE when the payload exceeds REC_MAX, ENOMEM.
 */
int rec_encode(struct rec_buf *out, const struct rec *r,
	       const struct rec_proto *proto);
void rec_buf_release(struct rec_buf *b);

/*
 * Writes the whole buffer to a blocking fd, retrying on EINTR and short
 * writes, then empties it.  Returns 0, or -1 with errno (EPIPE...).
 */
int rec_buf_flush(struct rec_buf *b, int fd);

/*
 * Decodes one payload (without its length prefix).  Returns 0, or -1
 * with errno EBADMSG (malformed CBOR or schema mismatch) or EPROTO
 * (unknown type); *why then says what, for the log.
 */
int rec_decode(const uint8_t *p, size_t len, struct rec *r,
	       const struct rec_proto *proto, const char **why);

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
 * EPROTO as rec_decode) and *why set.  After -1 the stream is unusable.
 */
int rec_next(struct rec_reader *rd, struct rec *r, const char **why);

/* Bytes held that do not yet make a whole frame (at end of file: a
 * truncated record). */
size_t rec_reader_pending(const struct rec_reader *rd);

#endif /* IGOR_REC_H */
