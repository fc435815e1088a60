/*
 * cgroup: a cgroup v2 directory for each worker process, so that all
 * that was started on its behalf ends with it, whatever process group or
 * session it moved to: systemd's KillMode=control-group, for one worker.
 *
 * Layout: igor finds its own cgroup (the 0:: line of /proc/self/cgroup,
 * under the cgroup2 mount of /proc/self/mountinfo) and makes one
 * directory below it for itself, igor-PID-NONCE (unique per instance:
 * two igors in one cgroup never meet), holding no process; below that,
 * one leaf per worker process, NAME.N (N: a number this igor never gives
 * twice, so a new process never waits for the last one's leaf to
 * empty).  A worker moves itself into its leaf before it execs
 * (spawn.h), so it has run no plugin code outside it.  When the worker has ended, cgroup.kill ends
 * the leaf whole and the leaf is removed once empty.
 *
 * igor stays in its own cgroup.  The kernel's no-internal-process rule
 * keeps processes out of a cgroup only once it hands domain controllers
 * to its children; igor enables none, its instance directory holds no
 * process and each worker's leaf is a leaf, so this works in any
 * delegated subtree (Delegate=yes), and a controller can still be
 * enabled on the instance directory.
 *
 * igor has one set of these, so the state is file-static.
 */
#ifndef IGOR_SUP_CGROUP_H
#define IGOR_SUP_CGROUP_H

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

/* Finds igor's cgroup and makes its instance directory there.  0 when
 * workers will have cgroups; -1 with why filled when they cannot (no
 * cgroup v2 hierarchy, not writable, no cgroup.kill). */
int cgroup_init(struct why *why);

/* Are workers started into cgroups of their own? */
bool cgroup_is_on(void);

/* The instance directory, for messages ("" when off). */
const char *cgroup_path(void);

/* From now on no worker gets a cgroup (a worker could not be placed in
 * one); the existing leaves are still ended and removed. */
void cgroup_turn_off(void);

/*
 * Makes a leaf NAME.N for a worker process about to start: *n receives N
 * (never 0), *procs an fd of its cgroup.procs (close-on-exec, owned by
 * the caller: close it once the child has started), for the child to
 * write "0" to.  0, or -1 with errno.
 */
int cgroup_make(const char *name, uint64_t *n, int *procs);

/* Ends what is left in leaf NAME.N (cgroup.kill) and removes the leaf,
 * now, or later when it is not empty yet (cgroup_tidy). */
void cgroup_end(const char *name, uint64_t n);

/* Removes the ended leaves that have emptied since. */
void cgroup_tidy(void);

/* At igor's stop, once every worker is gone: ends and removes what is
 * left, waiting a little for the last processes to exit, then removes
 * the instance directory; what cannot be removed is logged. */
void cgroup_release(void);

#endif /* IGOR_SUP_CGROUP_H */
