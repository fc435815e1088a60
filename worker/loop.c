/*
 * loop.c: see loop.h.
 */
#include "loop.h"

#include <stdbool.h>

#include "emit.h"
#include "ev.h"

static bool stopping;
static int stop_status;

void loop_stop(int status)
{
	stopping = true;
	stop_status = status;
}

int loop_run(void)
{
	while (!stopping) {
		if (emit_flush() < 0)
			return 1; /* the supervisor is gone */
		if (ev_once(-1) < 0)
			return 1;
	}
	emit_flush();
	return stop_status;
}
