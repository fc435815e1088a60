/*
 * ctx: the worker's one context, which the factory handle given to the
 * plugin's setup points to.  It holds every inotify instance (the event
 * sources a plugin made) and the gate that keeps plugin callbacks from
 * running inside work that gives the loop back (ctx_yield).
 *
 * A worker runs one plugin, so there is one context, file-static in
 * ctx.c; code reaches it through ctx_factory().
 */
#ifndef IGOR_WORKER_CTX_H
#define IGOR_WORKER_CTX_H

#include <stdbool.h>
#include <stddef.h>

#include "igor/plugin.h"

enum {
	CTX_YIELD_MS = 20, /* a long walk gives the loop back this often */
};

struct igor_inotify_factory {
	struct igor_inotify **inst; /* every instance: they live as long as
				       the worker, and the leak checkers
				       must see them reachable */
	size_t n_inst;
	int gate;                   /* > 0 inside ctx_yield */
	long long last_yield_ms;
	unsigned yield_calls;
	bool said_instances, said_watches; /* limit lines logged once */
};

/* The worker's one context; what setup's factory argument points to. */
igor_inotify_factory *ctx_factory(void);

/* Remembers in for the worker's life.  0, or -1 with errno ENOMEM. */
int ctx_add_instance(struct igor_inotify *in);

/*
 * True while ctx_yield runs a turn of the loop: a source whose handler
 * would call into the plugin (inotify instances, timers, children) returns
 * at once and leaves its fd ready, so the loop comes back to it once the
 * walk is over, and no callback runs inside another.
 */
bool ctx_gated(void);

/*
 * For long synchronous work (a walk inside igor_inotify_add_tree, the
 * removal of a large tree): cheap to call often; every CTX_YIELD_MS it
 * runs one turn of the loop without waiting, with plugin callbacks gated,
 * so that the supervisor's watchdog questions are answered.
 */
void ctx_yield(void);

#endif /* IGOR_WORKER_CTX_H */
