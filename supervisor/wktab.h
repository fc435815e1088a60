/*
 * wktab: the table of workers, sorted by name, and what is done to all of
 * them at once (deadlines, shutdown, the log level, the status snapshot).
 * igor has one table, so it is file-static in wktab.c.
 */
#ifndef IGOR_SUP_WKTAB_H
#define IGOR_SUP_WKTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "ctl.h"
#include "wk.h"

/* Adds a worker for pc (taken) and starts it.  0, or -1 (logged). */
int wktab_add(struct plugin_conf *pc);

size_t wktab_count(void);
struct wk *wktab_at(size_t i);
struct wk *wktab_find(const char *name);
struct wk *wktab_find_pid(pid_t pid);

/* igorctl restart: restarts now, clearing the backoff.  -1: no such
 * name (or one being removed). */
int wktab_restart(const char *name);

/* Tells every worker with a process the supervisor's log threshold. */
void wktab_broadcast_level(int level);

/* A reload: every worker with a watch problem walks its trees again. */
void wktab_rewalk_degraded(void);

/* Shutdown: stops every worker; wktab_all_gone says when it is done. */
void wktab_stop_all(void);
bool wktab_all_gone(void);

/* Milliseconds until the earliest deadline, or -1 when none. */
int wktab_next_timeout(int64_t now);
void wktab_run_timers(int64_t now);

/* Gives queued workers their turn while there is room to start them:
 * at most WK_MAX_STARTING starting at once, a few per round.  Called
 * between loop rounds. */
void wktab_run_queue(void);

/* igor's log has room again: reads the workers it paused (wkio.h). */
void wktab_resume_all(void);

/* Frees the workers that are gone; called between loop rounds. */
void wktab_sweep(void);
void wktab_release_all(void);

/* The status of every worker in name order, for igorctl: *v is owned by
 * the caller (free()); the status lines it points to are the workers',
 * borrowed until the loop runs again.  0, or -1 with errno. */
int wktab_snapshot(struct ctl_worker **v, size_t *n);

#endif /* IGOR_SUP_WKTAB_H */
