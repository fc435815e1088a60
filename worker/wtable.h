/*
 * wtable: one inotify instance's watches, as a forest of names.
 *
 * A node is one watch.  A plain watch (igor_inotify_add_watch) and the
 * root of a tree (igor_inotify_add_tree) have no parent and keep the path
 * the plugin gave; a directory below a root keeps its parent and its own
 * name only, so renaming a directory is O(1) however much lies below it,
 * and a path is joined from the names when an event is delivered.
 *
 * Two hash indexes: by watch descriptor (every node) and by (parent, name)
 * (nodes with a parent); both O(1) on average.  Pure: no system call, so
 * tests/unit/wtable_test.c runs it alone.  Not thread-safe; the worker's
 * loop thread owns every table.
 */
#ifndef IGOR_WORKER_WTABLE_H
#define IGOR_WORKER_WTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	WN_TREE = 1 << 0,      /* part of a tree (the root included) */
	WN_ROOT = 1 << 1,      /* the root of a tree */
	WN_MARK = 1 << 2,      /* visited by the repair walk in progress */
	WN_HEAP_NAME = 1 << 3, /* name lives in its own allocation */
	WN_DYING = 1 << 4,     /* a root removed, waiting for its IN_IGNORED */
};

struct wnode {
	struct wnode *parent, *child, *next, *prev; /* the tree: first child, siblings */
	struct wnode *next_wd, *next_name;          /* hash chains */
	char *name;    /* own name, or the whole path of a parentless node */
	int wd;
	uint32_t mask; /* the plugin's mask, of a root or a plain watch */
	uint16_t flags;
	uint16_t cap;  /* bytes of inline_name */
	uint32_t hash; /* of (parent's wd, name), for the name index */
	char inline_name[];
};

struct wtable {
	struct wnode **by_wd, **by_name; /* nbuckets each */
	size_t n, nbuckets;
};

/* A growable buffer for joined paths.  Zero-initialise; free p. */
struct wpath {
	char *p;
	size_t len, cap;
};

void wtable_init(struct wtable *t);

/* Frees every node and the indexes. */
void wtable_release(struct wtable *t);

struct wnode *wtable_find(const struct wtable *t, int wd);

/* parent's child named name (len bytes), or NULL. */
struct wnode *wtable_child(const struct wtable *t, const struct wnode *parent,
			   const char *name, size_t len);

/*
 * Adds a node for wd below parent (NULL: a parentless node), named name
 * (len bytes, copied).  Returns it, or NULL with errno (EEXIST: wd is
 * already in the table, or parent has a child of that name; ENOMEM).
 */
struct wnode *wtable_add(struct wtable *t, int wd, struct wnode *parent,
			 const char *name, size_t len);

/*
 * Moves n below parent under name (a rename): O(1) plus the name's
 * length, whatever lies below n.  Returns 0, or -1 with errno (EEXIST:
 * parent has a child of that name; ELOOP: parent is n or below it;
 * ENOMEM: n keeps its place).
 */
int wtable_move(struct wtable *t, struct wnode *n, struct wnode *parent,
		const char *name, size_t len);

/* Renames a node that has no parent (the path of a plain watch or a root).
 * 0, or -1 with errno (EINVAL: n has a parent; ENOMEM: the name stays). */
int wtable_set_name(struct wnode *n, const char *name, size_t len);

/* Called for each node wtable_remove frees, before it is freed. */
typedef void wtable_each_fn(struct wnode *n, void *arg);

/*
 * Removes n and every node below it, children before parents, calling
 * each(node, arg) first when each is not NULL.  Returns how many went.
 */
size_t wtable_remove(struct wtable *t, struct wnode *n, wtable_each_fn *each,
		     void *arg);

/* The root above n (n itself when it has no parent). */
struct wnode *wtable_root(const struct wnode *n);

/* Is n the node anc, or below it? */
bool wtable_is_below(const struct wnode *n, const struct wnode *anc);

/* The node after cur in a pre-order walk of the tree under top (cur ==
 * NULL: top itself); NULL at the end. */
struct wnode *wtable_next(const struct wnode *top, const struct wnode *cur);

/*
 * The path of n joined with name (len bytes; 0: n's own path) into buf:
 * the names from n's root down, '/' between them.  Returns buf->p (valid
 * until buf is next used), or NULL with errno ENOMEM.
 */
const char *wtable_path(const struct wnode *n, const char *name, size_t len,
			struct wpath *buf);

#endif /* IGOR_WORKER_WTABLE_H */
