/*
 * ctl: the one definition of the control protocol between igorctl and
 * igor, on top of rec.h's framing and codec (documented in igorctl(8)).
 *
 * A client connects to the control socket, sends one or more requests
 * and reads, for each request in order, zero or more records ending in
 * exactly one CTL_END or CTL_ERROR.  Every request carries CTL_VERSION,
 * so the first one already tells the supervisor which protocol the
 * client speaks; a mismatch is answered with CTL_ERROR and the
 * connection ends.
 *
 *   CTL_STATUS  VERSION      -> CTL_WORKER per worker, in name order, each
 *                               followed by its CTL_STATUS_LINEs; END
 *   CTL_RESTART VERSION NAME -> CTL_LINE saying what it did; END, or ERROR
 *                               (no such name, refused)
 *   CTL_RELOAD  VERSION      -> CTL_LINE per change; END, or ERROR
 *   CTL_LOG     VERSION LINES [FOLLOW] [NAMES]
 *                            -> CTL_LOGLINE per line, oldest first: the
 *                               last LINES of the log; then END, or with
 *                               FOLLOW every later line as it is logged,
 *                               until igor stops (END) or the reader falls
 *                               behind (CTL_MISSED, and the connection
 *                               ends); ERROR for a name igor never heard of
 *   CTL_METRICS VERSION      -> CTL_LINE per line of the Prometheus text
 *                               exposition; END
 *
 * Requests and replies are decoded against two schemas, so a reply type
 * sent as a request (or the other way round) is an unknown type.
 *
 * CTL_VERSION changes only when a record's meaning changes.  Types and
 * optional keys are added without changing it: an igor that does not know
 * a new request answers it with CTL_ERROR (an unknown type), and a client
 * takes what it does not know for an unknown type too.  Numbers, once
 * given, are never reused.
 */
#ifndef IGOR_CTL_H
#define IGOR_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plugname.h"
#include "rec.h"

#define CTL_VERSION 1

enum {
	CTL_STATE_MAX = 16, /* bytes of a state name */
	CTL_EXIT_MAX = 63,  /* bytes of "signal SEGV (watchdog)" and such */
	CTL_ERROR_MAX = 1023,
	CTL_MSG_MAX = REC_MSG_MAX,
	CTL_STATUS_LEN = REC_STATUS_LEN, /* bytes of a status key or line */
	/* bytes of CTL_LOG's names, one space between two: 64 names of the
	 * longest, more of shorter ones */
	CTL_NAMES_MAX = 64 * (PLUGNAME_MAX + 1) - 1,
};

enum ctl_type {
	/* requests: client to supervisor */
	CTL_STATUS = REC_CTL_BASE, /* VERSION */
	CTL_RESTART,               /* VERSION, NAME */
	CTL_RELOAD,                /* VERSION */
	CTL_LOG,                   /* VERSION, LINES, [FOLLOW, NAMES] */
	CTL_METRICS,               /* VERSION */
	/* replies: supervisor to client */
	CTL_WORKER = REC_CTL_BASE + 8, /* NAME, STATE, RESTARTS, EVENTS,
					  OVERFLOWS, [PID, UPTIME,
					  LAST_EXIT, ERROR, DEGRADED] */
	CTL_LINE,                      /* MSG: one line of a reload's or a
					  restart's report, or of metrics */
	CTL_END,                       /* the request is done */
	CTL_ERROR,                     /* MSG: the request failed, and why */
	CTL_STATUS_LINE,               /* KEY, LINE, SINCE: a status line of
					  the CTL_WORKER before it */
	CTL_LOGLINE,                   /* TIME, LEVEL, MSG, [NAME]: one line
					  of igor's log; NAME is the plugin
					  whose line it is, absent for
					  igor's own */
	CTL_MISSED,                    /* COUNT: a follower was cut off,
					  having missed COUNT lines */
};

enum ctl_key {
	CTL_K_VERSION = REC_K_CTL_BASE,
	CTL_K_NAME,      /* bytes */
	CTL_K_STATE,     /* bytes */
	CTL_K_PID,       /* absent: no process */
	CTL_K_UPTIME,    /* seconds; absent: not running */
	CTL_K_RESTARTS,
	CTL_K_EVENTS,
	CTL_K_OVERFLOWS,
	CTL_K_LAST_EXIT, /* bytes; absent: never exited */
	CTL_K_ERROR,     /* bytes; absent: no failure to report */
	CTL_K_MSG,       /* bytes */
	CTL_K_DEGRADED,  /* 1: running with a watch problem; absent: 0 */
	CTL_K_KEY,       /* bytes: a status line's key */
	CTL_K_LINE,      /* bytes: its text */
	CTL_K_SINCE,     /* unix seconds: when its text last changed */
	CTL_K_LINES,     /* how many of the last lines */
	CTL_K_FOLLOW,    /* 1: keep following; absent or 0: do not */
	CTL_K_NAMES,     /* bytes: plugin names, one space between two;
			    absent: every line */
	CTL_K_TIME,      /* milliseconds since the Unix epoch */
	CTL_K_LEVEL,     /* 10 DEBUG ... 50 CRITICAL, as log.h's */
	CTL_K_COUNT,
};

extern const struct rec_proto ctl_request_proto;
extern const struct rec_proto ctl_reply_proto;

struct ctl_request {
	enum ctl_type type;
	char name[PLUGNAME_MAX + 1]; /* CTL_RESTART */
	/* CTL_LOG: the last lines lines (at most INT32_MAX), then follow or
	 * not; names: "" for every line, else valid plugin names, one
	 * space between two */
	int64_t lines;
	bool follow;
	char names[CTL_NAMES_MAX + 1];
};

/* One line of igor's log, as CTL_LOGLINE carries it. */
struct ctl_logline {
	int64_t time_ms;             /* since the Unix epoch */
	int level;
	char name[PLUGNAME_MAX + 1]; /* the plugin's, or "" for igor's own */
	char msg[CTL_MSG_MAX + 1];   /* raw bytes, not escaped, NULs allowed;
					 a NUL follows the len bytes */
	size_t len;
};

/* A line a plugin published about something it manages (igor-plugin(3),
 * igor_status_set). */
struct ctl_status_line {
	char key[CTL_STATUS_LEN + 1];
	char line[CTL_STATUS_LEN + 1];
	int64_t since;
};

/* One worker's status; "" and -1 stand for the JSON nulls. */
struct ctl_worker {
	char name[PLUGNAME_MAX + 1];
	char state[CTL_STATE_MAX + 1];
	int64_t pid;      /* 0: none */
	int64_t uptime_s; /* -1: not running */
	int64_t restarts, events, overflows;
	char last_exit[CTL_EXIT_MAX + 1];
	char error[CTL_ERROR_MAX + 1];
	bool degraded;
	/* For ctl_encode_worker: its status lines, borrowed for the call
	 * and sent after it.  A decoded worker has none here: they arrive
	 * as CTL_STATUS_LINE replies of their own. */
	const struct ctl_status_line *lines;
	size_t nlines;
};

struct ctl_reply {
	enum ctl_type type;
	struct ctl_worker w;         /* CTL_WORKER */
	char msg[CTL_MSG_MAX + 1];   /* CTL_LINE, CTL_ERROR */
	struct ctl_status_line line; /* CTL_STATUS_LINE */
	struct ctl_logline log;      /* CTL_LOGLINE */
	int64_t count;               /* CTL_MISSED */
};

/*
 * Append one frame to out.  Return 0, or -1 with errno (EINVAL: a field
 * the schema refuses, such as an invalid name; ENOMEM).  Strings that are
 * too long are cut rather than refused, except names.
 */
int ctl_encode_request(struct rec_buf *out, const struct ctl_request *rq);
/* The worker, then each of its lines as a CTL_STATUS_LINE. */
int ctl_encode_worker(struct rec_buf *out, const struct ctl_worker *w);
int ctl_encode_msg(struct rec_buf *out, enum ctl_type type, const char *msg);
int ctl_encode_end(struct rec_buf *out);
int ctl_encode_logline(struct rec_buf *out, const struct ctl_logline *l);
int ctl_encode_missed(struct rec_buf *out, int64_t count);

/* Is name one of the space-separated names (a CTL_LOG filter)? */
bool ctl_names_has(const char *names, const char *name, size_t len);

/*
 * Take the next request (or reply) from rd, which must have been set up
 * with the matching proto.  Return 1 with *rq filled (owned by the
 * caller, no pointers into rd), 0 when more input is needed, -1 on a
 * protocol error with errno set and why filled (EBADMSG, EPROTO, EMSGSIZE as
 * rec_next; EPROTONOSUPPORT for another CTL_VERSION; EINVAL for a value
 * that decodes but makes no sense, such as an invalid name).  After -1
 * the stream is unusable.
 */
int ctl_next_request(struct rec_reader *rd, struct ctl_request *rq,
		     struct why *why);
int ctl_next_reply(struct rec_reader *rd, struct ctl_reply *rp,
		   struct why *why);

/* Decode one payload without its length prefix; as ctl_next_request. */
int ctl_decode_request(const uint8_t *p, size_t len, struct ctl_request *rq,
		       struct why *why);

/* Format seconds as igorctl's UPTIME: "42s", "12m5s", "3h12m", "2d4h".
 * Always NUL-terminates buf; returns buf. */
char *ctl_uptime_str(int64_t s, char *buf, size_t len);

#endif /* IGOR_CTL_H */
