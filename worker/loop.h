/*
 * loop: the worker's run of the event loop (common/ev.h).  Batched event
 * records leave within EMIT_DELAY_MS (emit.h): the loop sleeps no longer
 * than that while some wait, and not at all otherwise.
 */
#ifndef IGOR_WORKER_LOOP_H
#define IGOR_WORKER_LOOP_H

/* Runs until loop_stop; returns the status given to it. */
int loop_run(void);
void loop_stop(int status);

#endif /* IGOR_WORKER_LOOP_H */
