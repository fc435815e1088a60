/*
 * proctree.c: see proctree.h.
 */
#include "proctree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pidset.h"

/* Looks at /proc at most this many times to close a subtree: each look
 * after stopping everyone found only what was forked before the stop,
 * so a handful is plenty; the bound keeps a pathological case finite. */
enum { PROCTREE_LOOKS = 16 };

/* "pid (comm) S ppid pgrp session ...": comm may hold spaces and ')',
 * so the fields are read after its last ')'. */
static int parse_stat(const char *buf, struct proc_entry *e)
{
	const char *p = strrchr(buf, ')');
	int ppid, pgid, sid;

	if (!p || sscanf(p + 1, " %c %d %d %d", &e->state, &ppid, &pgid,
			 &sid) != 4)
		return -1;
	e->ppid = ppid, e->pgid = pgid, e->sid = sid;
	return 0;
}

static int read_entry(const char *name, struct proc_entry *e)
{
	char path[64], buf[512];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/stat", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1; /* gone meanwhile */
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	e->pid = (pid_t)atoi(name);
	return parse_stat(buf, e);
}

static int by_pid(const void *a, const void *b)
{
	const struct proc_entry *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

static int append(struct proctree *t, size_t *cap, const struct proc_entry *e)
{
	struct proc_entry *nv;

	if (t->n == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		nv = realloc(t->v, *cap * sizeof(*nv));
		if (!nv)
			return -1;
		t->v = nv;
	}
	t->v[t->n++] = *e;
	return 0;
}

int proctree_read(struct proctree *t)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	struct proc_entry e;
	size_t cap = 0;

	proctree_release(t);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9' ||
		    read_entry(de->d_name, &e) < 0)
			continue;
		if (append(t, &cap, &e) < 0) {
			closedir(d);
			proctree_release(t);
			errno = ENOMEM;
			return -1;
		}
	}
	closedir(d);
	if (t->n)
		qsort(t->v, t->n, sizeof(*t->v), by_pid);
	return 0;
}

void proctree_release(struct proctree *t)
{
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

const struct proc_entry *proctree_find(const struct proctree *t, pid_t pid)
{
	struct proc_entry key = { .pid = pid };

	if (!t->n)
		return NULL;
	return bsearch(&key, t->v, t->n, sizeof(*t->v), by_pid);
}

bool proc_entry_has_ended(const struct proc_entry *e)
{
	return e->state == 'Z' || e->state == 'X' || e->state == 'x';
}

int proctree_children(const struct proctree *t, pid_t parent, pid_t **out,
		      size_t *n)
{
	size_t i, cap = 0;
	pid_t *nv;

	*out = NULL;
	*n = 0;
	for (i = 0; i < t->n; i++) {
		if (t->v[i].ppid != parent || proc_entry_has_ended(&t->v[i]))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			nv = realloc(*out, cap * sizeof(*nv));
			if (!nv) {
				free(*out);
				*out = NULL;
				*n = 0;
				return -1;
			}
			*out = nv;
		}
		(*out)[(*n)++] = t->v[i].pid;
	}
	return 0;
}

/* ---- ending a subtree ---------------------------------------------------- */

static bool is_spared(pid_t p)
{
	return p <= 1 || p == getpid();
}

/* Adds every live child of a member, to a fixed point within this look.
 * Returns how many were added, or -1 when out of memory. */
static long add_below(struct pidset *s, const struct proctree *t)
{
	long added = 0, round;
	size_t i;
	int r;

	do {
		round = 0;
		for (i = 0; i < t->n; i++) {
			const struct proc_entry *e = &t->v[i];

			if (proc_entry_has_ended(e) || is_spared(e->pid) ||
			    !pidset_has(s, e->ppid))
				continue;
			r = pidset_add(s, e->pid);
			if (r < 0)
				return -1;
			round += r;
		}
		added += round;
	} while (round);
	return added;
}

static void signal_all(const struct pidset *s, int sig)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		kill(s->v[i], sig);
}

size_t proctree_end(const pid_t *roots, size_t n)
{
	struct pidset s = { 0 };
	struct proctree t = { 0 };
	size_t i, killed;
	int look;

	for (i = 0; i < n; i++)
		if (!is_spared(roots[i]) && pidset_add(&s, roots[i]) < 0)
			break;
	for (look = 0; look < PROCTREE_LOOKS && s.n; look++) {
		/* Stopped first, then looked at: whatever a member forked
		 * before it stopped is in this look. */
		signal_all(&s, SIGSTOP);
		if (proctree_read(&t) < 0 || add_below(&s, &t) <= 0)
			break;
	}
	/* Also when out of memory: nothing is left stopped. */
	signal_all(&s, SIGKILL);
	killed = s.n;
	proctree_release(&t);
	pidset_release(&s);
	return killed;
}

bool proctree_has_children(void)
{
	siginfo_t si;

	/* WNOWAIT with WNOHANG: ECHILD only when there is no child at all. */
	return waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == 0 ||
	       errno != ECHILD;
}

/* One pass: proctree_end on the live children not in done (added to
 * it).  Returns how many got SIGKILL; *fresh says whether there were
 * such children. */
static size_t end_children_once(struct pidset *done, bool *fresh)
{
	struct proctree t = { 0 };
	pid_t *kids = NULL;
	size_t n = 0, i, j = 0, killed = 0;

	*fresh = false;
	if (proctree_read(&t) == 0 &&
	    proctree_children(&t, getpid(), &kids, &n) == 0) {
		for (i = 0; i < n; i++)
			if (pidset_add(done, kids[i]) > 0)
				kids[j++] = kids[i];
		*fresh = j > 0;
		if (j)
			killed = proctree_end(kids, j);
	}
	free(kids);
	proctree_release(&t);
	return killed;
}

size_t proctree_end_children(void)
{
	struct pidset done = { 0 };
	size_t killed = 0;
	bool fresh = true;
	int look;

	/* A member that exited by itself during a pass had its children
	 * reparented to us, out of the pass's reach: pass again until a
	 * pass finds no child it has not ended already. */
	for (look = 0; look < PROCTREE_LOOKS && fresh &&
		       proctree_has_children(); look++)
		killed += end_children_once(&done, &fresh);
	pidset_release(&done);
	return killed;
}
