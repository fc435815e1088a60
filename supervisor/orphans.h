/*
 * orphans: what igor does, without a cgroup for a worker, with the
 * processes that worker leaves behind.
 *
 * igor and every worker are child subreapers.  While a worker lives, all
 * that was started on its behalf stays below it whatever group or
 * session it moved to: an orphan goes to the worker, not to igor, so a
 * command's `cmd &` lives as long as its worker.  When the worker ends,
 * its remaining descendants are reparented to igor in the same instant
 * (the kernel does it in the exit, before igor can see the worker
 * ended).  So a process igor finds adopted, and had not seen before, came
 * from a worker that ended since igor last looked.  igor looks after
 * each round of reaping that saw a worker end (wkproc_reap), and:
 *
 *   - when only workers with `descendants: kill` ended, it ends every
 *     such process and all below it (proctree_end);
 *   - when only workers with `descendants: keep` ended, it keeps them,
 *     and remembers their pids (and sessions), so a later look does not
 *     take them, or what they later leave, for a dead worker's;
 *   - when both kinds ended in the same round, it cannot tell whose a
 *     process is, and keeps it (a container's monitor is worth more than
 *     a stray), logging a warning.
 *
 * A kept process stays igor's child until it exits, so its pid cannot be
 * reused before igor reaps it and forgets it (orphans_forget).
 * igor has one such set, so the state is file-static.
 */
#ifndef IGOR_SUP_ORPHANS_H
#define IGOR_SUP_ORPHANS_H

#include <stdbool.h>
#include <sys/types.h>

/* A worker without a cgroup of its own ended (keep: its plugin has
 * `descendants: keep`). */
void orphans_note_end(const char *name, bool keep);

/* Has a worker ended since the last orphans_settle? */
bool orphans_has_ends(void);

/* Looks at igor's children now; orphans_settle acts on this look. */
void orphans_look(void);

/* Ends or keeps what the last look found adopted, as above. */
void orphans_settle(void);

/* A child of igor that is not a worker was reaped: one that igor ended
 * or kept counts as an end of that kind, since its own orphans came to
 * igor as it ended. */
void orphans_reaped(pid_t pid);

void orphans_release(void);

#endif /* IGOR_SUP_ORPHANS_H */
