/*
 * degraded.c: see degraded.h.  The worker has one degraded state, so it
 * is file-static.
 */
#include "degraded.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "ctx.h"
#include "emit.h"
#include "ino.h"
#include "rec.h"
#include "tree.h"

static bool degraded;
static igor_timer *retry;

/* A sysctl's value from /proc/sys, or -1. */
static long long sysctl_value(const char *path)
{
	long long v = -1;
	FILE *f = fopen(path, "re");

	if (f) {
		if (fscanf(f, "%lld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

const char *degraded_limit(char *buf, size_t len)
{
	long long fs = sysctl_value("/proc/sys/fs/inotify/max_user_watches");
	long long ns = sysctl_value("/proc/sys/user/max_inotify_watches");

	if (ns >= 0 && (fs < 0 || ns < fs))
		snprintf(buf, len, "user.max_inotify_watches = %lld", ns);
	else if (fs >= 0)
		snprintf(buf, len, "fs.inotify.max_user_watches = %lld", fs);
	else
		snprintf(buf, len, "fs.inotify.max_user_watches");
	return buf;
}

/* Tells igor the worker's watch problem (msg), or that it is gone
 * (NULL), after what emit has queued. */
static void send_degraded(const char *msg)
{
	struct rec r;
	size_t len = msg ? strlen(msg) : 0;

	rec_init(&r, REC_DEGRADED);
	if (msg)
		rec_set_bytes(&r, REC_K_MSG, msg,
			      len > REC_MSG_MAX ? REC_MSG_MAX : len);
	emit_record(&r);
}

static void on_retry(igor_timer *t, void *arg)
{
	igor_inotify_factory *ctx = ctx_factory();
	size_t i;

	(void)arg;
	if (!degraded)
		return;
	igor_timer_arm(t, DEGRADED_RETRY_MS);
	for (i = 0; i < ctx->n_inst; i++)
		if (ctx->inst[i]->degraded)
			tree_retry(ctx->inst[i]);
}

void degraded_left(struct igor_inotify *in, const char *root,
		   const char *first, unsigned n)
{
	char limit[96], msg[REC_MSG_MAX];

	in->degraded = true;
	if (degraded)
		return; /* said once, until healthy again */
	degraded = true;
	degraded_limit(limit, sizeof(limit));
	if (n > 1)
		snprintf(msg, sizeof(msg),
			 "inotify watch limit reached (%s): '%s' and %u other directories are not watched",
			 limit, first, n - 1);
	else
		snprintf(msg, sizeof(msg),
			 "inotify watch limit reached (%s): '%s' is not watched",
			 limit, first);
	emit_logf(IGOR_ERROR, "cannot watch all of '%s': %s; trying again every %d s",
		  root, msg, DEGRADED_RETRY_MS / 1000);
	send_degraded(msg);
	if (!retry)
		retry = igor_timer_new(ctx_factory(), on_retry, NULL);
	if (retry)
		igor_timer_arm(retry, DEGRADED_RETRY_MS);
}

void degraded_clear(struct igor_inotify *in)
{
	igor_inotify_factory *ctx = ctx_factory();
	size_t i;

	in->degraded = false;
	if (!degraded)
		return;
	for (i = 0; i < ctx->n_inst; i++)
		if (ctx->inst[i]->degraded)
			return;
	degraded = false;
	if (retry)
		igor_timer_disarm(retry);
	emit_logf(IGOR_INFO, "every directory of every tree is watched again");
	send_degraded(NULL);
}

void degraded_rewalk(void)
{
	if (degraded && retry)
		igor_timer_arm(retry, 0);
}
