/*
 * loop: the worker's run of the event loop (common/ev.h): before each
 * sleep it flushes the batched event records, so nothing waits in memory.
 */
#ifndef IGOR_WORKER_LOOP_H
#define IGOR_WORKER_LOOP_H

/* Runs until loop_stop; returns the status given to it. */
int loop_run(void);
void loop_stop(int status);

#endif /* IGOR_WORKER_LOOP_H */
