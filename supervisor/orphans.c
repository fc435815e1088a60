/*
 * orphans.c: see orphans.h.
 */
#include "orphans.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "pidset.h"
#include "plugname.h"
#include "proctree.h"
#include "wktab.h"

/* What a message names of the processes it is about. */
enum { ORPHANS_PIDS_SHOWN = 8 };

static struct proctree look;
static bool looked;
/* Ends since the last settle: of workers (named in messages), and of
 * adopted processes, whose own orphans come to igor as they end. */
static unsigned ends_kill, ends_keep, workers_ended;
static char last_name[PLUGNAME_MAX + 1];

/* Adopted processes left alone, and those ended (until reaped). */
static struct pidset kept, doomed;

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

static bool is_in(const pid_t *v, size_t n, pid_t p)
{
	return n && bsearch(&p, v, n, sizeof(*v), cmp_pid);
}

void orphans_note_end(const char *name, bool keep)
{
	if (keep)
		ends_keep++;
	else
		ends_kill++;
	workers_ended++;
	snprintf(last_name, sizeof(last_name), "%s", name);
}

bool orphans_has_ends(void)
{
	return ends_kill || ends_keep;
}

void orphans_look(void)
{
	looked = proctree_read(&look) == 0;
	if (!looked)
		log_errno(LOG_LVL_ERROR, "cannot look for the processes ended workers left: /proc");
}

/* An adopted process was reaped.  Its own orphans came to igor as it
 * ended: they share its fate. */
void orphans_reaped(pid_t pid)
{
	if (pidset_remove(&doomed, pid))
		ends_kill++;
	else if (pidset_remove(&kept, pid))
		ends_keep++;
}

/* The pids of the workers' processes, sorted; owned by the caller. */
static pid_t *worker_pids(size_t *n)
{
	size_t i, total = wktab_count();
	pid_t *v = malloc((total ? total : 1) * sizeof(*v));

	*n = 0;
	if (!v)
		return NULL;
	for (i = 0; i < total; i++)
		if (wktab_at(i)->pid > 0)
			v[(*n)++] = wktab_at(i)->pid;
	qsort(v, *n, sizeof(*v), cmp_pid);
	return v;
}

/* Adopted processes not seen before: igor's children that are neither
 * workers nor kept.  *out owned by the caller; 0, or -1. */
static int adopted_since(pid_t **out, size_t *n)
{
	size_t i, j = 0, nw;
	pid_t *w = worker_pids(&nw);

	if (!w || proctree_children(&look, getpid(), out, n) < 0) {
		free(w);
		return -1;
	}
	for (i = 0; i < *n; i++)
		if (!is_in(w, nw, (*out)[i]) && !pidset_has(&kept, (*out)[i]) &&
		    !pidset_has(&doomed, (*out)[i]))
			(*out)[j++] = (*out)[i];
	*n = j;
	free(w);
	return 0;
}

/* Did p come from a kept process (in a session of one, not igor's)?
 * Then it is kept too, though it arrived with a dead worker's. */
static bool is_from_kept(pid_t p)
{
	const struct proc_entry *e = proctree_find(&look, p), *k;
	pid_t own = getsid(0);
	size_t i;

	if (!e || e->sid == own)
		return false;
	for (i = 0; i < kept.n; i++) {
		k = proctree_find(&look, kept.v[i]);
		if (k && k->sid == e->sid)
			return true;
	}
	return false;
}

/* "4121 4122 4130 ..." into buf. */
static void list_pids(char *buf, size_t len, const pid_t *v, size_t n)
{
	size_t i, at = 0;

	buf[0] = '\0';
	for (i = 0; i < n && i < ORPHANS_PIDS_SHOWN && at < len; i++)
		at += (size_t)snprintf(buf + at, len - at, "%s%d", i ? " " : "",
				       (int)v[i]);
	if (n > ORPHANS_PIDS_SHOWN && at < len)
		snprintf(buf + at, len - at, " ...");
}

static void say(const pid_t *v, size_t n, int level, const char *what)
{
	char pids[128];

	list_pids(pids, sizeof(pids), v, n);
	if (workers_ended == 1)
		log_msg(level, "plugin '%s' ended: %s %zu process(es) it left behind (pid %s)",
			last_name, what, n, pids);
	else if (workers_ended)
		log_msg(level, "%u plugins ended: %s %zu process(es) they left behind (pid %s)",
			workers_ended, what, n, pids);
	else
		log_msg(level, "%s %zu more process(es) that ended plugins left behind (pid %s)",
			what, n, pids);
}

void orphans_settle(void)
{
	pid_t *adopted = NULL, t;
	size_t n = 0, i, ndoomed = 0;
	bool mixed = ends_kill && ends_keep;

	if (!looked || adopted_since(&adopted, &n) < 0)
		goto out;
	/* The doomed to the front, the kept behind them. */
	for (i = 0; i < n; i++) {
		if (ends_kill && !mixed && !is_from_kept(adopted[i])) {
			t = adopted[ndoomed];
			adopted[ndoomed] = adopted[i];
			adopted[i] = t;
			pidset_add(&doomed, adopted[ndoomed++]);
		} else {
			pidset_add(&kept, adopted[i]);
		}
	}
	if (ndoomed) {
		say(adopted, ndoomed, LOG_LVL_INFO, "ending");
		proctree_end(adopted, ndoomed);
	}
	if (mixed && n)
		say(adopted, n, LOG_LVL_WARNING,
		    "with 'descendants: kill' and 'keep' among them, whose is whose cannot be told: keeping");
	else if (n > ndoomed)
		say(adopted + ndoomed, n - ndoomed, LOG_LVL_DEBUG, "keeping");
out:
	free(adopted);
	proctree_release(&look);
	looked = false;
	ends_kill = ends_keep = workers_ended = 0;
}

void orphans_release(void)
{
	proctree_release(&look);
	looked = false;
	pidset_release(&kept);
	pidset_release(&doomed);
	ends_kill = ends_keep = workers_ended = 0;
}
