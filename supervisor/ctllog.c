/*
 * ctllog.c: see ctllog.h.
 */
#include "ctllog.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

bool ctllog_matches(const char *names, const struct logring_line *l)
{
	if (!names[0])
		return true;
	return l->plugin && ctl_names_has(names, l->plugin, strlen(l->plugin));
}

int ctllog_encode(struct rec_buf *out, const struct logring_line *l)
{
	struct ctl_logline cl;

	cl.time_ms = (int64_t)l->when.tv_sec * 1000 + l->when.tv_nsec / 1000000;
	cl.level = l->level;
	snprintf(cl.name, sizeof(cl.name), "%s", l->plugin ? l->plugin : "");
	cl.len = l->len > CTL_MSG_MAX ? CTL_MSG_MAX : l->len;
	memcpy(cl.msg, l->msg, cl.len);
	cl.msg[cl.len] = '\0';
	return ctl_encode_logline(out, &cl);
}

int ctllog_backlog(struct rec_buf *out, const struct ctl_request *rq)
{
	size_t i = logring_held();
	int64_t want = rq->lines;

	/* Back from the newest until enough lines match (i is then the
	 * oldest of them), then forward, oldest first. */
	while (i > 0 && want > 0)
		if (ctllog_matches(rq->names, logring_at(--i)))
			want--;
	for (; i < logring_held(); i++)
		if (ctllog_matches(rq->names, logring_at(i)) &&
		    ctllog_encode(out, logring_at(i)) < 0)
			return -1;
	return 0;
}

static bool is_held(const char *name, size_t len)
{
	const struct logring_line *l;
	size_t i;

	for (i = 0; i < logring_held(); i++) {
		l = logring_at(i);
		if (l->plugin && strlen(l->plugin) == len &&
		    memcmp(l->plugin, name, len) == 0)
			return true;
	}
	return false;
}

static bool is_worker(const char *name, size_t len,
		      const struct ctl_worker *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(v[i].name) == len && memcmp(v[i].name, name, len) == 0)
			return true;
	return false;
}

const char *ctllog_unknown(const char *names, const struct ctl_worker *v,
			   size_t n, char *buf)
{
	const char *p = names, *sp;
	size_t len;

	while (*p) {
		sp = strchr(p, ' ');
		len = sp ? (size_t)(sp - p) : strlen(p);
		if (!is_worker(p, len, v, n) && !is_held(p, len)) {
			snprintf(buf, PLUGNAME_MAX + 1, "%.*s", (int)len, p);
			return buf;
		}
		p += len + (sp ? 1 : 0);
	}
	return NULL;
}
