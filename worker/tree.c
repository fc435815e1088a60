/*
 * tree.c: see tree.h.  Walks live here; what an event of a tree's watch
 * means is in tree_ev.c.
 */
#include "tree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctx.h"
#include "degraded.h"
#include "emit.h"
#include "tree_int.h"
#include "util.h"

/* Paths of the walks (opening, watching), apart from the one delivered. */
static struct wpath walk_path;

uint32_t tree_kmask(const struct wnode *n)
{
	return (wtable_root(n)->mask & IN_ALL_EVENTS) | TREE_KMASK;
}

int tree_state_get(struct igor_inotify *in)
{
	if (in->tree)
		return 0;
	if (ino_need_kick(in) < 0)
		return -1;
	in->tree = calloc(1, sizeof(*in->tree));
	return in->tree ? 0 : -1;
}

/* ---- tops: roots and plain watches with IGOR_RECRAWL ------------------- */

static int tops_add(struct tree_state *ts, int wd)
{
	int *more;
	size_t i;

	for (i = 0; i < ts->ntops; i++)
		if (ts->tops[i] == wd)
			return 0;
	more = realloc(ts->tops, (ts->ntops + 1) * sizeof(*more));
	if (!more)
		return -1;
	ts->tops = more;
	ts->tops[ts->ntops++] = wd;
	return 0;
}

void tree_forget_top(struct igor_inotify *in, int wd)
{
	struct tree_state *ts = in->tree;
	size_t i;

	for (i = 0; ts && i < ts->ntops; i++)
		if (ts->tops[i] == wd) {
			ts->tops[i] = ts->tops[--ts->ntops];
			return;
		}
}

int tree_recrawl_plain(struct igor_inotify *in, int wd)
{
	if (tree_state_get(in) < 0 || tops_add(in->tree, wd) < 0)
		return -1;
	return 0;
}

/* ---- removing watches --------------------------------------------------- */

static void rm_each(struct wnode *n, void *arg)
{
	struct igor_inotify *in = arg;

	/* Its IN_IGNORED then finds no node and is not delivered. */
	if (!(n->flags & WN_ROOT))
		inotify_rm_watch(in->fd, n->wd);
	tree_moves_forget(in, n->wd);
	ctx_yield();
}

size_t tree_drop(struct igor_inotify *in, struct wnode *n)
{
	if (n->flags & WN_ROOT)
		tree_forget_top(in, n->wd);
	return wtable_remove(&in->watches, n, rm_each, in);
}

int tree_rm_root(struct igor_inotify *in, struct wnode *root)
{
	int wd = root->wd;

	tree_forget_top(in, wd);
	root->flags |= WN_DYING;
	while (root->child)
		tree_drop(in, root->child);
	/* The root's node stays for its IN_IGNORED, delivered with its
	 * path; until then it is a tree of one watch. */
	return inotify_rm_watch(in->fd, wd);
}

/* ---- watching one directory --------------------------------------------- */

/*
 * Watches the directory path for a tree without ever changing a watch the
 * instance already has: 0 and *wd for a new watch, 1 and *wd for one it
 * already had (the same inode: a loop, or a directory that moved), or -1
 * with errno.
 */
static int watch_dir(struct igor_inotify *in, const char *path,
		     uint32_t kmask, int *wd)
{
	*wd = inotify_add_watch(in->fd, path, kmask | IN_MASK_CREATE);
	if (*wd >= 0)
		return 0;
	if (errno != EEXIST)
		return -1;
	/* IN_MASK_ADD of a bit every watch has changes nothing: its wd. */
	*wd = inotify_add_watch(in->fd, path, IN_MASK_ADD | IN_IGNORED |
				(kmask & (IN_ONLYDIR | IN_DONT_FOLLOW)));
	if (*wd < 0)
		return -1;
	if (wtable_find(&in->watches, *wd))
		return 1;
	/* Replaced in between: a new directory, whose watch gets its bits. */
	*wd = inotify_add_watch(in->fd, path, kmask);
	return *wd < 0 ? -1 : 0;
}

int tree_watch_new(struct igor_inotify *in, struct wnode *dir,
		   const char *name, size_t len, struct wnode **out)
{
	const char *path = wtable_path(dir, name, len, &walk_path);
	struct wnode *old, *n;
	int wd, r;

	*out = NULL;
	if (!path)
		return -1;
	r = watch_dir(in, path, tree_kmask(dir) | IN_ONLYDIR | IN_DONT_FOLLOW,
		      &wd);
	if (r < 0)
		return -1;
	if (r == 1) {
		*out = wtable_find(&in->watches, wd);
		return 1;
	}
	old = wtable_child(&in->watches, dir, name, len);
	if (old)
		tree_drop(in, old); /* the name holds another directory now */
	n = wtable_add(&in->watches, wd, dir, name, len);
	if (!n) {
		inotify_rm_watch(in->fd, wd);
		return -1;
	}
	n->flags = WN_TREE;
	*out = n;
	return 0;
}

/* ---- walks -------------------------------------------------------------- */

struct walk *walk_new(enum walk_kind kind)
{
	struct walk *w = calloc(1, sizeof(*w));

	if (w) {
		w->kind = kind;
		w->started_ms = now_ms();
	}
	return w;
}

void walk_free(struct walk *w)
{
	if (!w)
		return;
	if (w->dir)
		closedir(w->dir);
	free(w->stack);
	free(w->tops);
	free(w->first_left);
	free(w);
}

int walk_push(struct walk *w, int wd, bool fresh)
{
	struct walk_item *more;
	size_t cap;

	if (w->n == w->cap) {
		cap = w->cap ? w->cap * 2 : 64;
		more = realloc(w->stack, cap * sizeof(*more));
		if (!more)
			return -1;
		w->stack = more;
		w->cap = cap;
	}
	w->stack[w->n].wd = wd;
	w->stack[w->n++].fresh = fresh;
	return 0;
}

/* A directory left out at the watch limit. */
static void walk_left(struct walk *w, const char *path)
{
	if (!w->left++)
		w->first_left = strdup(path);
}

/* Scans of this directory's entries are reported as synthetic creates. */
static bool wants_synthetic(const struct walk *w, const struct wnode *dir)
{
	switch (w->kind) {
	case WALK_NEW:
	case WALK_RETRY:
		return w->dir_fresh;
	case WALK_REPAIR:
		return (wtable_root(dir)->mask & IGOR_RECRAWL) != 0;
	default:
		return false;
	}
}

/* A repair found n (a tree's watch) at dir/name: it is there now. */
static void walk_claim(struct igor_inotify *in, struct walk *w,
		       struct wnode *dir, const char *name, size_t len,
		       struct wnode *n)
{
	struct wnode *old;

	if ((n->flags & (WN_MARK | WN_ROOT)) || !(n->flags & WN_TREE) ||
	    wtable_is_below(dir, n))
		return; /* a loop, or another watch of the instance */
	if (n->parent != dir || strcmp(n->name, name) != 0) {
		old = wtable_child(&in->watches, dir, name, len);
		if (old)
			tree_drop(in, old);
		if (wtable_move(&in->watches, n, dir, name, len) < 0)
			return;
		w->moved++;
	}
	n->flags |= WN_MARK;
	walk_push(w, n->wd, false);
}

/* A subdirectory found by a scan of dir. */
static void walk_subdir(struct igor_inotify *in, struct walk *w,
			struct wnode *dir, const char *name, size_t len)
{
	struct wnode *n;
	int r = tree_watch_new(in, dir, name, len, &n);

	if (r < 0 && errno == ENOSPC)
		walk_left(w, walk_path.p);
	if (r < 0 || !n)
		return; /* gone already, or unreadable: not ours to watch */
	if (r == 0) {
		n->flags |= w->kind >= WALK_REPAIR ? WN_MARK : 0;
		w->added++;
		walk_push(w, n->wd, true);
	} else if (w->kind >= WALK_REPAIR) {
		walk_claim(in, w, dir, name, len, n);
	}
}

static bool entry_is_dir(DIR *d, const struct dirent *de)
{
	struct stat st;

	if (de->d_type != DT_UNKNOWN)
		return de->d_type == DT_DIR;
	return fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISDIR(st.st_mode);
}

static void walk_entry(struct igor_inotify *in, struct walk *w,
		       struct wnode *dir, const struct dirent *de)
{
	size_t len = strlen(de->d_name);
	bool is_dir = entry_is_dir(w->dir, de);
	int wd = dir->wd;

	if (is_dir && (dir->flags & WN_TREE))
		walk_subdir(in, w, dir, de->d_name, len);
	/* The callback may remove what the walk holds: look again. */
	dir = wtable_find(&in->watches, wd);
	if (dir && wants_synthetic(w, dir)) {
		recent_add_name(&in->tree->recent, wd, de->d_name, len);
		ino_deliver(in, dir, IN_CREATE | IGOR_SYNTHETIC |
			    (is_dir ? IN_ISDIR : 0), 0, de->d_name, len);
		w->synthetic++;
	}
}

/* Opens the next directory of the stack; false when none is left. */
static bool walk_open(struct igor_inotify *in, struct walk *w)
{
	struct walk_item it;
	struct wnode *n;
	const char *path;
	int fd;

	while (w->n) {
		it = w->stack[--w->n];
		n = wtable_find(&in->watches, it.wd);
		path = n ? wtable_path(n, "", 0, &walk_path) : NULL;
		if (!path)
			continue;
		fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
			  (n->parent ? O_NOFOLLOW : 0));
		w->dir = fd >= 0 ? fdopendir(fd) : NULL;
		if (!w->dir) {
			if (fd >= 0)
				close(fd);
			continue; /* gone since: its IN_IGNORED will come */
		}
		w->dir_wd = it.wd;
		w->dir_fresh = it.fresh;
		recent_add_dir(&in->tree->recent, it.wd);
		/* Its own reads fill the queue: take them out as it goes. */
		if (++w->dirs % TREE_DRAIN_DIRS == 0)
			ino_drain(in);
		return true;
	}
	return false;
}

/* One entry, or the next directory; false when the walk is done. */
static bool walk_step(struct igor_inotify *in, struct walk *w)
{
	struct wnode *dir;
	struct dirent *de;

	if (!w->dir && !walk_open(in, w))
		return false;
	dir = wtable_find(&in->watches, w->dir_wd);
	de = dir ? readdir(w->dir) : NULL;
	if (!de) {
		closedir(w->dir);
		w->dir = NULL;
		return true;
	}
	if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
		walk_entry(in, w, dir, de);
	return true;
}

bool walk_run(struct igor_inotify *in, struct walk *w, unsigned budget)
{
	long long until = now_ms() + TREE_SHARE_MS;
	unsigned i;

	for (i = 0; !budget || i < budget; i++) {
		if (budget && in->paused)
			return false;
		if (!walk_step(in, w))
			return true;
		if (!budget)
			ctx_yield();
		else if (i % 64 == 63 && now_ms() >= until)
			return false; /* slow callbacks: the loop's turn */
	}
	return false;
}

/* ---- the ABI's add_tree ------------------------------------------------- */

/*
 * A root added again: its new mask decides what is delivered; bits it
 * adds are added to the kernel's mask of every directory of the tree
 * (those it drops are filtered out, not taken away).
 */
static void tree_widen(struct igor_inotify *in, struct wnode *root,
		       uint32_t mask)
{
	uint32_t more = mask & IN_ALL_EVENTS & ~tree_kmask(root);
	struct wnode *n = NULL;
	const char *path;
	int wd;

	root->mask = mask;
	while (more && (n = wtable_next(root, n))) {
		path = wtable_path(n, "", 0, &walk_path);
		wd = path ? inotify_add_watch(in->fd, path, IN_MASK_ADD | more |
					      IN_ONLYDIR |
					      (n->parent ? IN_DONT_FOLLOW : 0)) : -1;
		if (wd >= 0 && wd != n->wd && !wtable_find(&in->watches, wd))
			inotify_rm_watch(in->fd, wd); /* moved meanwhile */
		ctx_yield();
	}
}

/* The watch of a new root; -1 with errno when root cannot be one. */
static struct wnode *root_watch(struct igor_inotify *in, const char *root,
				uint32_t mask)
{
	uint32_t kmask = (mask & IN_ALL_EVENTS) | TREE_KMASK | IN_ONLYDIR;
	struct wnode *n;
	int wd;

	if (watch_dir(in, root, kmask, &wd) < 0)
		return NULL;
	n = wtable_find(&in->watches, wd);
	if (n) {
		if (!(n->flags & WN_ROOT)) {
			errno = EEXIST;
			return NULL;
		}
		tree_widen(in, n, mask);
		return n;
	}
	n = wtable_add(&in->watches, wd, NULL, root, strlen(root));
	if (!n || tops_add(in->tree, wd) < 0) {
		if (n)
			wtable_remove(&in->watches, n, NULL, NULL);
		inotify_rm_watch(in->fd, wd);
		errno = ENOMEM;
		return NULL;
	}
	n->flags = WN_TREE | WN_ROOT;
	n->mask = mask;
	return n;
}

int tree_add(struct igor_inotify *in, const char *root, uint32_t mask)
{
	struct walk *w;
	struct wnode *n;
	char limit[96];
	int wd;

	if (tree_state_get(in) < 0)
		return -1;
	n = root_watch(in, root, mask);
	if (!n && errno == ENOSPC && !ctx_factory()->said_watches) {
		ctx_factory()->said_watches = true;
		emit_logf(IGOR_ERROR, "cannot watch '%s': inotify watch limit reached (%s)",
			  root, degraded_limit(limit, sizeof(limit)));
		errno = ENOSPC;
	}
	if (!n)
		return -1;
	wd = n->wd;
	w = walk_new(WALK_ADD);
	if (!w || walk_push(w, wd, true) < 0) {
		walk_free(w);
		tree_rm_root(in, n);
		errno = ENOMEM;
		return -1;
	}
	walk_run(in, w, 0);
	tree_window(in);
	if (w->left)
		degraded_left(in, root, w->first_left ? w->first_left : root,
			      w->left);
	walk_free(w);
	return wd;
}
