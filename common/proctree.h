/*
 * proctree: the machine's processes as /proc shows them (pid, parent,
 * process group, session, state), and ending a whole subtree of them.
 *
 * Without cgroups, the processes started on someone's behalf are found
 * only through their parent links, and those change while we look: a
 * process whose parent exits goes to the nearest child subreaper.  So
 * proctree_end stops a subtree from the top down before it kills it: a
 * stopped process cannot fork, and once every member is stopped and a
 * fresh look finds no child of one outside the set, the set is closed,
 * and SIGKILL reaches all of it with nothing born behind its back.
 *
 * Used by igor (what a dead worker left, what igor -t's constructors
 * forked) and by the worker (what its commands left, when it stops).
 */
#ifndef IGOR_PROCTREE_H
#define IGOR_PROCTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct proc_entry {
	pid_t pid, ppid, pgid, sid;
	char state; /* as /proc/PID/stat: 'R', 'S', 'D', 'T', 'Z', ... */
};

/* A look at /proc: entries sorted by pid. */
struct proctree {
	struct proc_entry *v;
	size_t n;
};

/* Reads every process of /proc into t (whatever t held is released).
 * 0, or -1 with errno; t is then empty. */
int proctree_read(struct proctree *t);
void proctree_release(struct proctree *t);

/* The entry of pid in t, or NULL. */
const struct proc_entry *proctree_find(const struct proctree *t, pid_t pid);

/* Has the process ended (a zombie waiting to be reaped, or dead)? */
bool proc_entry_has_ended(const struct proc_entry *e);

/* The children of parent in t that have not ended: *out is owned by the
 * caller (free()), NULL when there are none.  0, or -1 with errno. */
int proctree_children(const struct proctree *t, pid_t parent, pid_t **out,
		      size_t *n);

/* Stops, then kills with SIGKILL, the processes roots[0..n) and every
 * process below them (not the caller, not init).  Returns how many got
 * SIGKILL.  Processes it may not signal are left as they are. */
size_t proctree_end(const pid_t *roots, size_t n);

/* Does the calling process have a child, ended or not? */
bool proctree_has_children(void);

/* proctree_end on every child of the caller that has not ended: for a
 * child subreaper, all that is below it.  Returns how many got SIGKILL;
 * 0 also when /proc cannot be read. */
size_t proctree_end_children(void);

#endif /* IGOR_PROCTREE_H */
