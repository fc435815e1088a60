/*
 * tree_int.h: what tree.c (walks) and tree_ev.c (events, moves, repairs)
 * share.  Not for the rest of the worker: see tree.h.
 */
#ifndef IGOR_WORKER_TREE_INT_H
#define IGOR_WORKER_TREE_INT_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ino.h"
#include "recent.h"
#include "tree.h"
#include "wtable.h"

enum {
	TREE_STEPS = 4096,   /* entries a walk takes per turn of the loop, */
	TREE_SHARE_MS = 50,  /* or milliseconds, whichever comes first */
	TREE_DRAIN_DIRS = 16, /* a walk reads the queue this often */
	TREE_SETTLE_MS = 10, /* a directory whose IN_MOVED_TO has not come
				by then, with the queue empty, left its tree */
	/* What the walks need of every directory, whatever the mask. */
	TREE_KMASK = IN_CREATE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE,
};

enum walk_kind {
	WALK_ADD,    /* igor_inotify_add_tree: nothing synthetic */
	WALK_NEW,    /* a directory appeared: all it holds, synthetic */
	WALK_REPAIR, /* after an overflow: IGOR_RECRAWL's entries, synthetic */
	WALK_RETRY,  /* while degraded: entries of newly watched directories */
};

/* A directory to scan; fresh: this walk added its watch. */
struct walk_item {
	int wd;
	bool fresh;
};

struct walk {
	enum walk_kind kind;
	struct walk_item *stack;
	size_t n, cap;
	DIR *dir;       /* the directory being scanned, or NULL */
	int dir_wd;
	bool dir_fresh;
	int *tops;      /* REPAIR, RETRY: the tops walked, swept at the end */
	size_t ntops;
	bool overflow;  /* delivers IN_Q_OVERFLOW when done */
	unsigned dirs, added, dropped, moved, left, synthetic;
	char *first_left; /* the first directory left out at the limit */
	long long started_ms;
};

/* A directory's IN_MOVED_FROM, waiting for its IN_MOVED_TO. */
struct tree_move {
	uint32_t cookie;
	int wd;
	long long since_ms;
};

struct tree_state {
	struct walk *walk; /* the instance's walk in progress, or NULL */
	struct tree_move *moves;
	size_t nmoves;
	struct recent recent;
	int *tops;         /* roots, and plain watches with IGOR_RECRAWL */
	size_t ntops;
	bool retry_due;    /* a retry asked for while a walk ran */
};

/* tree.c */
int tree_state_get(struct igor_inotify *in);
size_t tree_drop(struct igor_inotify *in, struct wnode *n);
int tree_watch_new(struct igor_inotify *in, struct wnode *dir,
		   const char *name, size_t len, struct wnode **out);
struct walk *walk_new(enum walk_kind kind);
void walk_free(struct walk *w);
int walk_push(struct walk *w, int wd, bool fresh);
/* Runs w for budget steps (0: to its end, with ctx_yield); true when done. */
bool walk_run(struct igor_inotify *in, struct walk *w, unsigned budget);

/* tree_ev.c */
void tree_moves_forget(struct igor_inotify *in, int wd);
/* A walk ended: what it did is kept for the events waiting now. */
void tree_window(struct igor_inotify *in);
/* Starts the walk of a directory that appeared (wd: its new watch). */
void tree_walk_new(struct igor_inotify *in, int wd);

#endif /* IGOR_WORKER_TREE_INT_H */
