/*
 * pidset: a sorted set of pids, for the few hundred processes a sweep
 * deals with at once (proctree.c, supervisor/orphans.c).
 */
#ifndef IGOR_PIDSET_H
#define IGOR_PIDSET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct pidset {
	pid_t *v; /* sorted; owned */
	size_t n, cap;
};

bool pidset_has(const struct pidset *s, pid_t p);

/* Adds p: 1 when added, 0 when already there, -1 when out of memory. */
int pidset_add(struct pidset *s, pid_t p);

/* Removes p; true when it was there. */
bool pidset_remove(struct pidset *s, pid_t p);

void pidset_release(struct pidset *s);

#endif /* IGOR_PIDSET_H */
