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
	int due;

	while (!stopping) {
		/* Queued event records wait a little, never past their due. */
		due = emit_due_ms();
		if (due == 0) {
			if (emit_flush() < 0)
				return 1; /* the supervisor is gone */
			due = -1;
		}
		if (ev_once(due) < 0)
			return 1;
	}
	emit_flush();
	return stop_status;
}
