/*
 * wkrec.c: see wkrec.h.
 */
#include "wkrec.h"

#include <errno.h>
#include <stdio.h>

#include "log.h"

void wkrec_protocol_error(struct wk *w, const char *why)
{
	wk_log(w, LOG_LVL_ERROR, "plugin '%s' (pid %d): protocol error: %s; killing it",
	       w->name, (int)w->pid, why);
	snprintf(w->error, sizeof(w->error), "protocol error: %s", why);
	wk_handle(w, WK_EV_KILL);
}

void wkrec_log_line(struct wk *w, int level, const void *msg, size_t len)
{
	struct log_about about = { w->name, (int)w->pid };

	if (level < log_threshold() || level < w->conf->log_level)
		return;
	log_line(level, w->source, &about, msg, len);
}

static void on_event(struct wk *w, const struct rec *r)
{
	const uint8_t *path;
	size_t len;

	if (!log_enabled(LOG_LVL_DEBUG))
		return;
	path = rec_bytes(r, REC_K_PATH, &len);
	wk_log(w, LOG_LVL_DEBUG, "plugin '%s': event mask 0x%llx %.*s", w->name,
	       (unsigned long long)rec_num(r, REC_K_MASK), (int)len,
	       (const char *)path);
}

static void on_fail(struct wk *w, const struct rec *r)
{
	const uint8_t *msg;
	size_t len;

	msg = rec_bytes(r, REC_K_MSG, &len);
	w->fail_kind = (int)rec_num(r, REC_K_KIND);
	if (w->fail_kind == REC_FAIL_LOAD &&
	    conf_explain_missing(w->conf, w->error, sizeof(w->error)))
		return;
	snprintf(w->error, sizeof(w->error), "%.*s", (int)len,
		 (const char *)msg);
}

static int on_status(struct wk *w, const struct rec *r)
{
	const uint8_t *key, *line;
	size_t klen, llen;

	key = rec_bytes(r, REC_K_KEY, &klen);
	line = rec_bytes(r, REC_K_LINE, &llen);
	if (wkstatus_set(&w->said, key, klen, line, llen,
			 rec_num(r, REC_K_SINCE)) == 0)
		return 0;
	wkrec_protocol_error(w, errno == EPROTO
				       ? "a status line past the protocol's bounds"
				       : "out of memory for a status line");
	return -1;
}

static int on_hello(struct wk *w, const struct rec *r)
{
	if (w->hello) {
		wkrec_protocol_error(w, "second HELLO");
		return -1;
	}
	if (rec_num(r, REC_K_VERSION) != REC_VERSION) {
		wkrec_protocol_error(w, "protocol version mismatch");
		return -1;
	}
	w->hello = true;
	return 0;
}

int wkrec_handle(struct wk *w, const struct rec *r)
{
	const uint8_t *msg;
	size_t len;

	if (!w->hello && r->type != REC_HELLO) {
		wkrec_protocol_error(w, "first record is not HELLO");
		return -1;
	}
	switch (r->type) {
	case REC_HELLO:
		return on_hello(w, r);
	case REC_READY:
		wk_handle(w, WK_EV_READY);
		return 0;
	case REC_FAIL:
		on_fail(w, r);
		return 0;
	case REC_LOG:
		msg = rec_bytes(r, REC_K_MSG, &len);
		wkrec_log_line(w, (int)rec_num(r, REC_K_LEVEL), msg, len);
		return 0;
	case REC_EVENT:
		on_event(w, r);
		return 0;
	case REC_OVERFLOW:
		wk_log(w, LOG_LVL_WARNING, "plugin '%s': inotify queue overflowed; events were lost (raise fs.inotify.max_queued_events)",
		       w->name);
		return 0;
	case REC_PONG:
		w->pong_seq = rec_num(r, REC_K_SEQ);
		return 0;
	case REC_STATUS:
		return on_status(w, r);
	case REC_DEGRADED:
		msg = rec_bytes(r, REC_K_MSG, &len);
		wkstatus_degraded(&w->said, msg, len);
		return 0;
	}
	wkrec_protocol_error(w, "record type not sent by workers");
	return -1;
}
