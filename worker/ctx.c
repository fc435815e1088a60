/*
 * ctx.c: see ctx.h.
 */
#include "ctx.h"

#include <errno.h>
#include <stdlib.h>

#include "ev.h"
#include "util.h"

enum { CTX_YIELD_EVERY = 32 }; /* calls between two looks at the clock */

static struct igor_inotify_factory ctx;

igor_inotify_factory *ctx_factory(void)
{
	return &ctx;
}

int ctx_add_instance(struct igor_inotify *in)
{
	struct igor_inotify **more;

	more = realloc(ctx.inst, (ctx.n_inst + 1) * sizeof(*more));
	if (!more)
		return -1;
	ctx.inst = more;
	ctx.inst[ctx.n_inst++] = in;
	return 0;
}

bool ctx_gated(void)
{
	return ctx.gate > 0;
}

void ctx_yield(void)
{
	long long now;

	if (++ctx.yield_calls % CTX_YIELD_EVERY)
		return;
	now = now_ms();
	if (ctx.last_yield_ms && now - ctx.last_yield_ms < CTX_YIELD_MS)
		return;
	ctx.last_yield_ms = now;
	ctx.gate++;
	ev_once(0);
	ctx.gate--;
}
