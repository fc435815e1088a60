/*
 * abi_spawn: the ABI's child processes (igor_spawn, igor_child_*).
 *
 * The worker's signal handling (main.c, a self-pipe) calls in here: on
 * SIGCHLD to reap, on SIGTERM or SIGINT to stop the children before the
 * loop stops.
 */
#ifndef IGOR_WORKER_ABI_SPAWN_H
#define IGOR_WORKER_ABI_SPAWN_H

/* Reaps every child of igor_spawn that has exited and calls its on_exit.
 * Children the plugin forked itself are left alone. */
void abi_spawn_on_sigchld(void);

/*
 * The worker was asked to stop: refuses new children, sends SIGTERM to
 * every child's process group, and stops the loop (loop_stop(0)) once
 * they are all reaped, or after SPAWN_STOP_GRACE_MS with SIGKILL to those
 * left.  With no child, stops the loop at once.
 */
void abi_spawn_stop(void);

#endif /* IGOR_WORKER_ABI_SPAWN_H */
