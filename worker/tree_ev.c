/*
 * tree_ev.c: what an event of a tree's watch means (see tree.h), and the
 * walks an instance runs in turn: a directory that appeared, the repair
 * after an overflow, a retry while degraded.
 *
 * Moves.  A directory's IN_MOVED_FROM is kept, by cookie, until its
 * IN_MOVED_TO: one inside the same tree moves the node (its watches and
 * everything below stay).  inotify(7) does not promise the two are
 * adjacent or in one read, so a move out is decided only once the
 * instance's queue is empty and TREE_SETTLE_MS have passed without the
 * IN_MOVED_TO.  The inode decides too: a directory arriving without a
 * matching cookie whose inode the instance already watches (the kernel
 * answers with the existing wd) is that directory, moved.  Either way no
 * watch is lost: a directory that comes back after its watches went is
 * watched and scanned as any new one.
 *
 * Synthetic creates.  A scan reports what it finds; an entry created
 * after its directory's watch was added also has a real IN_CREATE, which
 * is not delivered again (recent.h says how long names are kept).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "degraded.h"
#include "emit.h"
#include "tree_int.h"
#include "util.h"

static struct wpath ev_path;

/* ---- what walks did lately (recent.h) ---------------------------------- */

void tree_account(struct igor_inotify *in, size_t bytes)
{
	recent_take(&in->tree->recent, bytes);
}

void tree_account_done(struct igor_inotify *in)
{
	/* The last event of the window was still checked: cleared after. */
	if (!in->tree->walk && recent_expired(&in->tree->recent))
		recent_clear(&in->tree->recent);
}

void tree_window(struct igor_inotify *in)
{
	struct recent *r = &in->tree->recent;

	if (recent_empty(r))
		return;
	recent_window(r, ino_pending_bytes(in));
	if (!in->processing && recent_expired(r))
		recent_clear(r);
}

bool tree_is_self(struct igor_inotify *in, const struct inotify_event *ie)
{
	uint32_t m = ie->mask & ~(uint32_t)IN_ISDIR;
	struct wnode *n, *c;

	if (!in->tree || !in->tree->recent.ndirs || !(ie->mask & IN_ISDIR) ||
	    (m != IN_OPEN && m != IN_ACCESS && m != IN_CLOSE_NOWRITE))
		return false;
	if (!ie->len)
		return recent_has_dir(&in->tree->recent, ie->wd);
	n = wtable_find(&in->watches, ie->wd);
	c = n ? wtable_child(&in->watches, n, ie->name, strlen(ie->name)) : NULL;
	return c && recent_has_dir(&in->tree->recent, c->wd);
}

/* ---- moves -------------------------------------------------------------- */

static void moves_add(struct igor_inotify *in, uint32_t cookie, int wd)
{
	struct tree_state *ts = in->tree;
	struct tree_move *more;

	tree_moves_forget(in, wd);
	more = realloc(ts->moves, (ts->nmoves + 1) * sizeof(*more));
	if (!more)
		return; /* then it is a new directory where it arrives */
	ts->moves = more;
	ts->moves[ts->nmoves].cookie = cookie;
	ts->moves[ts->nmoves].wd = wd;
	ts->moves[ts->nmoves++].since_ms = now_ms();
}

static bool moves_take(struct igor_inotify *in, uint32_t cookie, int *wd)
{
	struct tree_state *ts = in->tree;
	size_t i;

	for (i = 0; i < ts->nmoves; i++)
		if (ts->moves[i].cookie == cookie) {
			*wd = ts->moves[i].wd;
			ts->moves[i] = ts->moves[--ts->nmoves];
			return true;
		}
	return false;
}

void tree_moves_forget(struct igor_inotify *in, int wd)
{
	struct tree_state *ts = in->tree;
	size_t i;

	for (i = 0; ts && i < ts->nmoves;)
		if (ts->moves[i].wd == wd)
			ts->moves[i] = ts->moves[--ts->nmoves];
		else
			i++;
}

long long tree_settle(struct igor_inotify *in)
{
	struct tree_state *ts = in->tree;
	long long now = now_ms(), wait = -1, age;
	struct wnode *n;
	size_t i;

	if (!ts->nmoves || in->paused || ts->walk)
		return -1;
	if (ino_pending_bytes(in))
		return TREE_SETTLE_MS; /* its IN_MOVED_TO may be there */
	for (i = 0; i < ts->nmoves;) {
		age = now - ts->moves[i].since_ms;
		if (age < TREE_SETTLE_MS) {
			if (wait < TREE_SETTLE_MS - age)
				wait = TREE_SETTLE_MS - age;
			i++;
			continue;
		}
		n = wtable_find(&in->watches, ts->moves[i].wd);
		ts->moves[i] = ts->moves[--ts->nmoves];
		if (n && !(n->flags & WN_ROOT))
			tree_drop(in, n); /* moved out of the tree */
	}
	return wait;
}

/* ---- the walks of an instance ------------------------------------------- */

bool tree_walking(const struct igor_inotify *in)
{
	return in->tree && in->tree->walk;
}

/* Starts a walk of in's tops (REPAIR: all; RETRY: the roots), each
 * marked, so that the sweep at the end finds what the walk did not. */
static int walk_tops(struct igor_inotify *in, enum walk_kind kind)
{
	struct tree_state *ts = in->tree;
	struct walk *w = walk_new(kind);
	struct wnode *n;
	size_t i;

	if (!w || !(w->tops = malloc((ts->ntops + 1) * sizeof(int)))) {
		walk_free(w);
		return -1;
	}
	for (i = 0; i < ts->ntops; i++) {
		n = wtable_find(&in->watches, ts->tops[i]);
		if (!n || (kind == WALK_RETRY && !(n->flags & WN_ROOT)))
			continue;
		if (walk_push(w, n->wd, false) < 0) {
			walk_free(w);
			return -1;
		}
		n->flags |= WN_MARK;
		w->tops[w->ntops++] = n->wd;
	}
	ts->walk = w;
	return 0;
}

/* The node after cur in top's pre-order, not below cur. */
static struct wnode *next_skip(const struct wnode *top, const struct wnode *cur)
{
	for (; cur && cur != top; cur = cur->parent)
		if (cur->next)
			return cur->next;
	return NULL;
}

/* Drops what a repair did not find; clears the marks of what it did. */
static void sweep(struct igor_inotify *in, struct walk *w)
{
	struct wnode *top, *cur, *next;
	size_t i;

	for (i = 0; i < w->ntops; i++) {
		top = wtable_find(&in->watches, w->tops[i]);
		if (!top)
			continue;
		top->flags &= ~WN_MARK;
		for (cur = top->child; cur; cur = next) {
			if (cur->flags & WN_MARK) {
				cur->flags &= ~WN_MARK;
				next = wtable_next(top, cur);
			} else {
				next = next_skip(top, cur);
				w->dropped += (unsigned)tree_drop(in, cur);
			}
		}
	}
}

/* The path of the walk's first top, for messages. */
static const char *walk_root(struct igor_inotify *in, const struct walk *w,
			     const char *fallback)
{
	struct wnode *n = w->ntops ? wtable_find(&in->watches, w->tops[0]) : NULL;

	return n ? n->name : fallback;
}

static void walk_report(struct igor_inotify *in, struct walk *w)
{
	const char *first = w->first_left ? w->first_left : "?";

	if (w->kind == WALK_REPAIR)
		emit_logf(IGOR_WARNING, "inotify queue overflowed: walked %u directories of %zu watch(es) again in %lld ms: %u watch(es) added, %u dropped, %u moved, %u entries reported again",
			  w->dirs, w->ntops, now_ms() - w->started_ms,
			  w->added, w->dropped, w->moved, w->synthetic);
	else if (w->kind == WALK_RETRY && (w->added || w->dropped))
		emit_logf(IGOR_INFO, "walked %u directories again: %u watch(es) added, %u dropped",
			  w->dirs, w->added, w->dropped);
	if (w->left)
		degraded_left(in, walk_root(in, w, first), first, w->left);
	else if (w->kind >= WALK_REPAIR)
		degraded_clear(in);
}

static void walk_finish(struct igor_inotify *in)
{
	struct walk *w = in->tree->walk;

	in->tree->walk = NULL;
	if (w->kind >= WALK_REPAIR)
		sweep(in, w);
	tree_window(in);
	walk_report(in, w);
	if (w->overflow)
		ino_deliver_overflow(in);
	walk_free(w);
}

bool tree_continue(struct igor_inotify *in)
{
	struct tree_state *ts = in->tree;

	while (ts) {
		if (!ts->walk && ts->retry_due) {
			ts->retry_due = false;
			if (walk_tops(in, WALK_RETRY) < 0)
				return true;
		}
		if (!ts->walk)
			return true;
		if (!walk_run(in, ts->walk, TREE_STEPS))
			return false;
		walk_finish(in);
		ts = in->tree;
	}
	return true;
}

void tree_retry(struct igor_inotify *in)
{
	if (!in->tree)
		return;
	in->tree->retry_due = true;
	ino_kick(in, 0);
}

bool tree_on_overflow(struct igor_inotify *in)
{
	struct tree_state *ts = in->tree;

	if (!ts->ntops || ts->walk)
		return false;
	ts->nmoves = 0; /* their pairs went with the lost events */
	recent_clear(&ts->recent);
	if (walk_tops(in, WALK_REPAIR) < 0)
		return false; /* out of memory: the plugin is told at once */
	ts->walk->overflow = true;
	tree_continue(in);
	return true;
}

/* ---- events ------------------------------------------------------------- */

static void deliver_if(struct igor_inotify *in, struct wnode *n,
		       const struct inotify_event *ie, size_t len)
{
	if (ie->mask & wtable_root(n)->mask & IN_ALL_EVENTS)
		ino_deliver(in, n, ie->mask, ie->cookie, len ? ie->name : "",
			    len);
}

static void on_ignored(struct igor_inotify *in, struct wnode *n,
		       const struct inotify_event *ie)
{
	int wd = n->wd;

	if (!(n->flags & WN_ROOT)) {
		tree_drop(in, n); /* the tree's own business */
		return;
	}
	tree_forget_top(in, wd);
	ino_deliver(in, n, ie->mask, 0, "", 0);
	n = wtable_find(&in->watches, wd);
	if (n)
		tree_drop(in, n);
}

/* A directory that appeared below n: moved within the tree, or new. */
static void on_dir_arrived(struct igor_inotify *in, struct wnode *n,
			   const struct inotify_event *ie, size_t len)
{
	struct wnode *c = wtable_child(&in->watches, n, ie->name, len), *m;
	int wd, r;

	if ((ie->mask & IN_MOVED_TO) && moves_take(in, ie->cookie, &wd) &&
	    (m = wtable_find(&in->watches, wd)) != NULL) {
		if (wtable_root(m) == wtable_root(n) && !wtable_is_below(n, m)) {
			if (c && c != m)
				tree_drop(in, c);
			if (wtable_move(&in->watches, m, n, ie->name, len) == 0) {
				deliver_if(in, n, ie, len);
				return;
			}
		}
		tree_drop(in, m); /* from another tree: watched anew here */
		c = wtable_child(&in->watches, n, ie->name, len);
	}
	if (c) {
		deliver_if(in, n, ie, len); /* a walk watched it already */
		return;
	}
	r = tree_watch_new(in, n, ie->name, len, &c);
	if (r < 0 && errno == ENOSPC)
		degraded_left(in, wtable_root(n)->name,
			      wtable_path(n, ie->name, len, &ev_path), 1);
	if (r == 1 && c && (c->flags & WN_TREE) && !(c->flags & WN_ROOT) &&
	    wtable_root(c) == wtable_root(n) && !wtable_is_below(n, c) &&
	    wtable_move(&in->watches, c, n, ie->name, len) == 0)
		tree_moves_forget(in, c->wd); /* known by its inode: moved */
	wd = r == 0 && c ? c->wd : -1;
	deliver_if(in, n, ie, len);
	if (wd >= 0)
		tree_walk_new(in, wd);
}

void tree_walk_new(struct igor_inotify *in, int wd)
{
	struct walk *w = walk_new(WALK_NEW);

	if (!w || walk_push(w, wd, true) < 0) {
		walk_free(w);
		return; /* out of memory: watched, not scanned */
	}
	in->tree->walk = w;
	tree_continue(in);
}

void tree_on_event(struct igor_inotify *in, struct wnode *n,
		   const struct inotify_event *ie)
{
	size_t len = ie->len ? strlen(ie->name) : 0;
	uint32_t m = ie->mask;
	struct wnode *c;

	if (m & IN_IGNORED) {
		on_ignored(in, n, ie);
		return;
	}
	if (m & IN_UNMOUNT) {
		if (n->flags & WN_ROOT)
			ino_deliver(in, n, m, 0, "", 0);
		return;
	}
	if (wtable_root(n)->flags & WN_DYING) {
		deliver_if(in, n, ie, len); /* queued before the removal */
		return;
	}
	if (len && (m & (IN_CREATE | IN_MOVED_TO)) && (m & IN_ISDIR)) {
		if ((m & IN_CREATE) && recent_has_name(&in->tree->recent, n->wd, ie->name, len))
			return; /* reported by a scan already */
		on_dir_arrived(in, n, ie, len);
		return;
	}
	if (len && (m & IN_CREATE) && recent_has_name(&in->tree->recent, n->wd, ie->name, len))
		return;
	if (len && (m & (IN_DELETE | IN_MOVED_FROM))) {
		recent_del_name(&in->tree->recent, n->wd, ie->name, len);
		c = (m & IN_ISDIR) ? wtable_child(&in->watches, n, ie->name, len) : NULL;
		if (c && (m & IN_MOVED_FROM))
			moves_add(in, ie->cookie, c->wd);
		else if (c)
			tree_drop(in, c);
	}
	deliver_if(in, n, ie, len);
}
