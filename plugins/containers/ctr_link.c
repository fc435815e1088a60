/*
 * ctr_link.c: the table of links (by whole name; strays apart), the set
 * of {name}s that run, and each link's status line.  Both sets are small
 * (a directory's worth) and looked up by name: lists will do.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctr.h"

static void on_link_timer(igor_timer *t, void *arg);

struct ctr_link *ctr_link_find(const char *name, bool stray)
{
	struct ctr_link *l;

	for (l = ctr.links; l; l = l->next)
		if (l->stray == stray && strcmp(l->name, name) == 0)
			return l;
	return NULL;
}

static char *name_without_ext(const char *name)
{
	const char *dot = strrchr(name, '.');
	size_t len = dot && dot != name ? (size_t)(dot - name) : strlen(name);

	return strndup(name, len);
}

struct ctr_link *ctr_link_add(const char *name, bool stray)
{
	struct ctr_link *l = calloc(1, sizeof(*l));

	if (!l)
		goto out_nomem;
	l->name = strdup(name);
	l->cname = stray ? strdup(name) : name_without_ext(name);
	if (!l->name || !l->cname)
		goto out_free;
	l->stray = stray;
	l->next = ctr.links;
	ctr.links = l;
	return l;
out_free:
	free(l->cname);
	free(l->name);
	free(l);
out_nomem:
	igor_error(ctr.log, "cannot track '%s': %s", name, strerror(errno));
	return NULL;
}

void ctr_link_forget(struct ctr_link *l)
{
	struct ctr_link **p;

	for (p = &ctr.links; *p && *p != l; p = &(*p)->next)
		;
	if (*p)
		*p = l->next;
	if (l->status[0]) {
		igor_status_clear(ctr.log, l->name);
		igor_debug(ctr.log, "status of '%s': (none)", l->name);
	}
	igor_timer_free(l->timer);
	free(l->cur_target);
	free(l->target);
	free(l->want);
	free(l->cname);
	free(l->name);
	free(l);
}

int ctr_link_arm(struct ctr_link *l, long long ms)
{
	if (!l->timer)
		l->timer = igor_timer_new(ctr.f, on_link_timer, l);
	if (!l->timer)
		return -1;
	return igor_timer_arm(l->timer, ms);
}

bool ctr_link_name_busy(const struct ctr_link *l)
{
	const struct ctr_link *o;

	for (o = ctr.links; o; o = o->next)
		if (o != l && o->cur && strcmp(o->cname, l->cname) == 0)
			return true;
	return false;
}

/* The settle, or else the retry: each ends in a look at the link.  The
 * timer goes with its expiry: a link at rest holds no fd. */
static void on_link_timer(igor_timer *t, void *arg)
{
	struct ctr_link *l = arg;

	igor_timer_free(t); /* safe from its own callback */
	l->timer = NULL;
	if (l->settling) {
		/* The link changed: what failed before may work now. */
		l->settling = false;
		l->failures = 0;
	}
	l->backoff = false;
	ctr_converge(l, NULL);
}

/* ---- what runs ----------------------------------------------------------- */

static struct ctr_name *name_find(const char *cname)
{
	struct ctr_name *n;

	for (n = ctr.runs; n; n = n->next)
		if (strcmp(n->name, cname) == 0)
			return n;
	return NULL;
}

bool ctr_runs(const char *cname)
{
	const struct ctr_name *n = name_find(cname);

	return n && n->runs;
}

bool ctr_ran(const char *cname)
{
	const struct ctr_name *n = name_find(cname);

	return n && n->ran;
}

unsigned long long ctr_runs_seq(const char *cname)
{
	const struct ctr_name *n = name_find(cname);

	return n ? n->seq : 0;
}

struct ctr_name *ctr_runs_get(const char *cname)
{
	struct ctr_name *n = name_find(cname);

	if (n)
		return n;
	n = calloc(1, sizeof(*n));
	if (n)
		n->name = strdup(cname);
	if (!n || !n->name) {
		free(n);
		igor_error(ctr.log, "cannot remember whether '%s' runs: %s",
			   cname, strerror(errno));
		return NULL;
	}
	n->next = ctr.runs;
	ctr.runs = n;
	return n;
}

void ctr_runs_set(const char *cname, bool on)
{
	struct ctr_name *n = ctr_runs_get(cname);

	if (n) {
		n->runs = on;
		n->seq = ctr.seq;
	}
}

void ctr_runs_mark(void)
{
	struct ctr_name *n;

	for (n = ctr.runs; n; n = n->next)
		n->ran = n->runs;
}

void ctr_runs_gc(unsigned long long seq)
{
	struct ctr_name **p = &ctr.runs, *n;

	while ((n = *p)) {
		if (n->runs || n->seq > seq) {
			p = &n->next;
			continue;
		}
		*p = n->next;
		free(n->name);
		free(n);
	}
}

/* ---- status lines -------------------------------------------------------- */

/* The line l shows now, in buf; false when it should show none. */
static bool status_text(const struct ctr_link *l, char *buf, size_t len)
{
	static const char *const doing[] = { "starting", "stopping", "" };
	char at[16];

	if (l->cur) {
		snprintf(buf, len, "%s", doing[l->cur_op]);
	} else if (l->backoff) {
		strftime(at, sizeof(at), "%H:%M:%S", localtime(&l->retry_at));
		snprintf(buf, len, "%s, retrying at %s", l->failure, at);
	} else if (l->stray) {
		return false;
	} else if (!l->want && l->problem[0]) {
		snprintf(buf, len, "ignored: %s", l->problem);
	} else if (ctr.running && !ctr.have_list) {
		snprintf(buf, len, "waiting for the list of running containers");
	} else if (l->want && ctr_runs(l->cname)) {
		snprintf(buf, len, "running");
	} else {
		return false;
	}
	return true;
}

void ctr_link_publish(struct ctr_link *l)
{
	char line[sizeof(l->status)];

	if (!status_text(l, line, sizeof(line)))
		line[0] = '\0';
	if (strcmp(line, l->status) == 0)
		return;
	if (!line[0]) {
		igor_status_clear(ctr.log, l->name);
	} else if (igor_status_set(ctr.log, l->name, "%s", line) < 0) {
		if (errno == ENOSPC && !ctr.status_full)
			igor_warning(ctr.log, "too many links for igorctl's status lines: '%s' and later ones have none",
				     l->name);
		ctr.status_full |= errno == ENOSPC;
		return;
	}
	igor_debug(ctr.log, "status of '%s': %s", l->name,
		   line[0] ? line : "(none)");
	memcpy(l->status, line, sizeof(line));
}
