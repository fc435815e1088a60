/*
 * ctl.c: the control protocol's schemas and its typed records (see ctl.h).
 *
 * Framing and CBOR stay in rec.c; this file only says which keys each
 * type carries and turns struct rec into owned, NUL-terminated fields,
 * refusing what rec's schema cannot express (names, embedded NULs).
 */
#include "ctl.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "plugname.h"

#define BIT(k) ((uint64_t)1 << (k))

enum {
	REQ_BASE = BIT(REC_K_TYPE) | BIT(CTL_K_VERSION),
	WORKER_REQ = BIT(REC_K_TYPE) | BIT(CTL_K_NAME) | BIT(CTL_K_STATE) |
		     BIT(CTL_K_RESTARTS) | BIT(CTL_K_EVENTS) |
		     BIT(CTL_K_OVERFLOWS),
	WORKER_OPT = BIT(CTL_K_PID) | BIT(CTL_K_UPTIME) |
		     BIT(CTL_K_LAST_EXIT) | BIT(CTL_K_ERROR) |
		     BIT(CTL_K_DEGRADED),
	LOGLINE_REQ = BIT(REC_K_TYPE) | BIT(CTL_K_TIME) | BIT(CTL_K_LEVEL) |
		      BIT(CTL_K_MSG),
	LEVEL_MIN = 10, /* log.h's DEBUG..CRITICAL, which common/ctl may not */
	LEVEL_MAX = 50, /* name without including log.h's whole API */
};

static const struct rec_schema request_types[REC_TYPE_MAX] = {
	[CTL_STATUS] = { REQ_BASE, 0 },
	[CTL_RESTART] = { REQ_BASE | BIT(CTL_K_NAME), 0 },
	[CTL_RELOAD] = { REQ_BASE, 0 },
	[CTL_LOG] = { REQ_BASE | BIT(CTL_K_LINES),
		      BIT(CTL_K_FOLLOW) | BIT(CTL_K_NAMES) },
	[CTL_METRICS] = { REQ_BASE, 0 },
};

static const struct rec_schema reply_types[REC_TYPE_MAX] = {
	[CTL_WORKER] = { WORKER_REQ, WORKER_OPT },
	[CTL_LINE] = { BIT(REC_K_TYPE) | BIT(CTL_K_MSG), 0 },
	[CTL_END] = { BIT(REC_K_TYPE), 0 },
	[CTL_ERROR] = { BIT(REC_K_TYPE) | BIT(CTL_K_MSG), 0 },
	[CTL_STATUS_LINE] = { BIT(REC_K_TYPE) | BIT(CTL_K_KEY) |
				      BIT(CTL_K_LINE) | BIT(CTL_K_SINCE), 0 },
	[CTL_LOGLINE] = { LOGLINE_REQ, BIT(CTL_K_NAME) },
	[CTL_MISSED] = { BIT(REC_K_TYPE) | BIT(CTL_K_COUNT), 0 },
};

static const struct rec_keydef ctl_keys[REC_KEYS] = {
	[REC_K_TYPE] = { false, 1, REC_TYPE_MAX - 1 },
	[CTL_K_VERSION] = { false, 0, INT32_MAX },
	[CTL_K_NAME] = { true, 0, PLUGNAME_MAX },
	[CTL_K_STATE] = { true, 0, CTL_STATE_MAX },
	[CTL_K_PID] = { false, 1, INT32_MAX },
	[CTL_K_UPTIME] = { false, 0, INT64_MAX },
	[CTL_K_RESTARTS] = { false, 0, INT64_MAX },
	[CTL_K_EVENTS] = { false, 0, INT64_MAX },
	[CTL_K_OVERFLOWS] = { false, 0, INT64_MAX },
	[CTL_K_LAST_EXIT] = { true, 0, CTL_EXIT_MAX },
	[CTL_K_ERROR] = { true, 0, CTL_ERROR_MAX },
	[CTL_K_MSG] = { true, 0, CTL_MSG_MAX },
	[CTL_K_DEGRADED] = { false, 0, 1 },
	[CTL_K_KEY] = { true, 0, CTL_STATUS_LEN },
	[CTL_K_LINE] = { true, 0, CTL_STATUS_LEN },
	[CTL_K_SINCE] = { false, 0, INT64_MAX },
	[CTL_K_LINES] = { false, 0, INT32_MAX },
	[CTL_K_FOLLOW] = { false, 0, 1 },
	[CTL_K_NAMES] = { true, 0, CTL_NAMES_MAX },
	[CTL_K_TIME] = { false, 0, INT64_MAX },
	[CTL_K_LEVEL] = { false, 10, 50 },
	[CTL_K_COUNT] = { false, 0, INT64_MAX },
};

const struct rec_proto ctl_request_proto = { request_types, ctl_keys };
const struct rec_proto ctl_reply_proto = { reply_types, ctl_keys };

/* ---- encoding ------------------------------------------------------------ */

/* Sets a string key, cut to the key's bound: a long message is better
 * shortened than lost. */
static void set_str(struct rec *r, unsigned key, const char *s)
{
	size_t len = strlen(s);

	if (len > (size_t)ctl_keys[key].max)
		len = (size_t)ctl_keys[key].max;
	rec_set_bytes(r, key, s, len);
}

static int64_t clamp_count(int64_t v)
{
	return v < 0 ? 0 : v;
}

/* "" or valid plugin names, one space between two. */
static bool are_names(const char *s, size_t len)
{
	const char *end = s + len, *sp;

	while (s < end) {
		sp = memchr(s, ' ', (size_t)(end - s));
		if (!sp)
			sp = end;
		if (!plugname_is_valid(s, (size_t)(sp - s)) ||
		    (sp < end && sp + 1 == end))
			return false;
		s = sp + 1;
	}
	return true;
}

bool ctl_names_has(const char *names, const char *name, size_t len)
{
	const char *p = names, *sp;

	while (*p) {
		sp = strchr(p, ' ');
		if (!sp)
			sp = p + strlen(p);
		if ((size_t)(sp - p) == len && memcmp(p, name, len) == 0)
			return true;
		p = *sp ? sp + 1 : sp;
	}
	return false;
}

int ctl_encode_request(struct rec_buf *out, const struct ctl_request *rq)
{
	struct rec r;

	rec_init(&r, rq->type);
	rec_set_num(&r, CTL_K_VERSION, CTL_VERSION);
	if (rq->type == CTL_RESTART) {
		if (!plugname_is_valid(rq->name, strlen(rq->name))) {
			errno = EINVAL;
			return -1;
		}
		set_str(&r, CTL_K_NAME, rq->name);
	}
	if (rq->type == CTL_LOG) {
		if (!are_names(rq->names, strlen(rq->names))) {
			errno = EINVAL;
			return -1;
		}
		rec_set_num(&r, CTL_K_LINES, rq->lines);
		if (rq->follow)
			rec_set_num(&r, CTL_K_FOLLOW, 1);
		if (rq->names[0])
			set_str(&r, CTL_K_NAMES, rq->names);
	}
	return rec_encode(out, &r, &ctl_request_proto);
}

int ctl_encode_worker(struct rec_buf *out, const struct ctl_worker *w)
{
	struct rec r;
	size_t i;

	rec_init(&r, CTL_WORKER);
	set_str(&r, CTL_K_NAME, w->name);
	set_str(&r, CTL_K_STATE, w->state);
	rec_set_num(&r, CTL_K_RESTARTS, clamp_count(w->restarts));
	rec_set_num(&r, CTL_K_EVENTS, clamp_count(w->events));
	rec_set_num(&r, CTL_K_OVERFLOWS, clamp_count(w->overflows));
	if (w->pid > 0)
		rec_set_num(&r, CTL_K_PID, w->pid);
	if (w->uptime_s >= 0)
		rec_set_num(&r, CTL_K_UPTIME, w->uptime_s);
	if (w->last_exit[0])
		set_str(&r, CTL_K_LAST_EXIT, w->last_exit);
	if (w->error[0])
		set_str(&r, CTL_K_ERROR, w->error);
	if (w->degraded)
		rec_set_num(&r, CTL_K_DEGRADED, 1);
	if (rec_encode(out, &r, &ctl_reply_proto) < 0)
		return -1;
	for (i = 0; i < w->nlines; i++) {
		rec_init(&r, CTL_STATUS_LINE);
		set_str(&r, CTL_K_KEY, w->lines[i].key);
		set_str(&r, CTL_K_LINE, w->lines[i].line);
		rec_set_num(&r, CTL_K_SINCE, clamp_count(w->lines[i].since));
		if (rec_encode(out, &r, &ctl_reply_proto) < 0)
			return -1;
	}
	return 0;
}

int ctl_encode_msg(struct rec_buf *out, enum ctl_type type, const char *msg)
{
	struct rec r;

	rec_init(&r, type);
	set_str(&r, CTL_K_MSG, msg);
	return rec_encode(out, &r, &ctl_reply_proto);
}

int ctl_encode_end(struct rec_buf *out)
{
	struct rec r;

	rec_init(&r, CTL_END);
	return rec_encode(out, &r, &ctl_reply_proto);
}

int ctl_encode_logline(struct rec_buf *out, const struct ctl_logline *l)
{
	struct rec r;

	if (l->name[0] && !plugname_is_valid(l->name, strlen(l->name))) {
		errno = EINVAL;
		return -1;
	}
	rec_init(&r, CTL_LOGLINE);
	rec_set_num(&r, CTL_K_TIME, clamp_count(l->time_ms));
	rec_set_num(&r, CTL_K_LEVEL, l->level < LEVEL_MIN ? LEVEL_MIN
				     : l->level > LEVEL_MAX ? LEVEL_MAX
							    : l->level);
	rec_set_bytes(&r, CTL_K_MSG, l->msg,
		      l->len > CTL_MSG_MAX ? CTL_MSG_MAX : l->len);
	if (l->name[0])
		set_str(&r, CTL_K_NAME, l->name);
	return rec_encode(out, &r, &ctl_reply_proto);
}

int ctl_encode_missed(struct rec_buf *out, int64_t count)
{
	struct rec r;

	rec_init(&r, CTL_MISSED);
	rec_set_num(&r, CTL_K_COUNT, clamp_count(count));
	return rec_encode(out, &r, &ctl_reply_proto);
}

/* ---- decoding ------------------------------------------------------------ */

/*
 * Copies a byte-string key into dst (cap bytes, NUL included); a NUL
 * inside would silently cut the string, so it is refused.  An absent key
 * gives "".
 */
static int get_str(const struct rec *r, unsigned key, char *dst, size_t cap,
		   struct why *why)
{
	size_t len;
	const uint8_t *p = rec_bytes(r, key, &len);

	if (len >= cap || (len && memchr(p, '\0', len)))
		return why_set(why, EINVAL,
			       "string of key %u holds a NUL byte or is too long",
			       key);
	if (len)
		memcpy(dst, p, len);
	dst[len] = '\0';
	return 0;
}

/* The name under key must be a plugin name. */
static int get_name(const struct rec *r, unsigned key, char *dst, size_t cap,
		    struct why *why)
{
	size_t len;
	const uint8_t *p = rec_bytes(r, key, &len);

	if (!plugname_is_valid((const char *)p, len))
		return why_set(why, EINVAL, "invalid plugin name");
	return get_str(r, key, dst, cap, why);
}

static int log_request_from_rec(const struct rec *r, struct ctl_request *rq,
				struct why *why)
{
	size_t len;
	const uint8_t *p = rec_bytes(r, CTL_K_NAMES, &len);

	rq->lines = rec_num(r, CTL_K_LINES);
	rq->follow = rec_num(r, CTL_K_FOLLOW) == 1;
	if (rec_has(r, CTL_K_NAMES) && (!len || !are_names((const char *)p, len)))
		return why_set(why, EINVAL, "invalid plugin names");
	return get_str(r, CTL_K_NAMES, rq->names, sizeof(rq->names), why);
}

static int request_from_rec(const struct rec *r, struct ctl_request *rq,
			    struct why *why)
{
	memset(rq, 0, sizeof(*rq));
	rq->type = (enum ctl_type)r->type;
	if (rec_num(r, CTL_K_VERSION) != CTL_VERSION)
		return why_set(why, EPROTONOSUPPORT,
			       "unsupported control protocol version %lld",
			       (long long)rec_num(r, CTL_K_VERSION));
	if (rq->type == CTL_LOG)
		return log_request_from_rec(r, rq, why);
	if (rq->type != CTL_RESTART)
		return 0;
	return get_name(r, CTL_K_NAME, rq->name, sizeof(rq->name), why);
}

int ctl_next_request(struct rec_reader *rd, struct ctl_request *rq,
		     struct why *why)
{
	struct rec r;
	int n = rec_next(rd, &r, why);

	if (n <= 0)
		return n;
	return request_from_rec(&r, rq, why) < 0 ? -1 : 1;
}

int ctl_decode_request(const uint8_t *p, size_t len, struct ctl_request *rq,
		       struct why *why)
{
	struct rec r;

	if (rec_decode(p, len, &r, &ctl_request_proto, why) < 0)
		return -1;
	return request_from_rec(&r, rq, why);
}

static bool is_state_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!(*s >= 'a' && *s <= 'z') && *s != '-')
			return false;
	return true;
}

static int worker_from_rec(const struct rec *r, struct ctl_worker *w,
			   struct why *why)
{
	if (get_name(r, CTL_K_NAME, w->name, sizeof(w->name), why) < 0 ||
	    get_str(r, CTL_K_STATE, w->state, sizeof(w->state), why) < 0 ||
	    get_str(r, CTL_K_LAST_EXIT, w->last_exit, sizeof(w->last_exit),
		    why) < 0 ||
	    get_str(r, CTL_K_ERROR, w->error, sizeof(w->error), why) < 0)
		return -1;
	if (!is_state_name(w->state))
		return why_set(why, EINVAL, "invalid state name");
	w->pid = rec_num(r, CTL_K_PID);
	w->uptime_s = rec_has(r, CTL_K_UPTIME) ? rec_num(r, CTL_K_UPTIME) : -1;
	w->restarts = rec_num(r, CTL_K_RESTARTS);
	w->events = rec_num(r, CTL_K_EVENTS);
	w->overflows = rec_num(r, CTL_K_OVERFLOWS);
	w->degraded = rec_num(r, CTL_K_DEGRADED) == 1;
	w->lines = NULL;
	w->nlines = 0;
	return 0;
}

static int status_line_from_rec(const struct rec *r, struct ctl_status_line *l,
				struct why *why)
{
	if (get_str(r, CTL_K_KEY, l->key, sizeof(l->key), why) < 0 ||
	    get_str(r, CTL_K_LINE, l->line, sizeof(l->line), why) < 0)
		return -1;
	l->since = rec_num(r, CTL_K_SINCE);
	return 0;
}

/* A log message is bytes, NULs included (a plugin's stdout may hold
 * them): copied whole, not as a string. */
static int logline_from_rec(const struct rec *r, struct ctl_logline *l,
			    struct why *why)
{
	const uint8_t *p = rec_bytes(r, CTL_K_MSG, &l->len);

	if (rec_has(r, CTL_K_NAME) &&
	    get_name(r, CTL_K_NAME, l->name, sizeof(l->name), why) < 0)
		return -1;
	if (!rec_has(r, CTL_K_NAME))
		l->name[0] = '\0';
	l->time_ms = rec_num(r, CTL_K_TIME);
	l->level = (int)rec_num(r, CTL_K_LEVEL);
	if (l->len)
		memcpy(l->msg, p, l->len);
	l->msg[l->len] = '\0';
	return 0;
}

int ctl_next_reply(struct rec_reader *rd, struct ctl_reply *rp,
		   struct why *why)
{
	struct rec r;
	int n = rec_next(rd, &r, why);

	if (n <= 0)
		return n;
	rp->type = (enum ctl_type)r.type;
	rp->msg[0] = '\0';
	switch (rp->type) {
	case CTL_WORKER:
		return worker_from_rec(&r, &rp->w, why) < 0 ? -1 : 1;
	case CTL_LINE:
	case CTL_ERROR:
		return get_str(&r, CTL_K_MSG, rp->msg, sizeof(rp->msg), why) < 0
			       ? -1 : 1;
	case CTL_STATUS_LINE:
		return status_line_from_rec(&r, &rp->line, why) < 0 ? -1 : 1;
	case CTL_LOGLINE:
		return logline_from_rec(&r, &rp->log, why) < 0 ? -1 : 1;
	case CTL_MISSED:
		rp->count = rec_num(&r, CTL_K_COUNT);
		return 1;
	default:
		return 1;
	}
}

/* ---- presentation ---------------------------------------------------------- */

char *ctl_uptime_str(int64_t s, char *buf, size_t len)
{
	if (s < 0)
		s = 0;
	if (s < 60)
		snprintf(buf, len, "%" PRId64 "s", s);
	else if (s < 3600)
		snprintf(buf, len, "%" PRId64 "m%" PRId64 "s", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%" PRId64 "h%" PRId64 "m", s / 3600,
			 s % 3600 / 60);
	else
		snprintf(buf, len, "%" PRId64 "d%" PRId64 "h", s / 86400,
			 s % 86400 / 3600);
	return buf;
}
