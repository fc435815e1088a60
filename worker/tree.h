/*
 * tree: igor_inotify_add_tree (SPEC.md, "Recursive watches"): the walks
 * that watch every directory below a root, the events of those watches,
 * the repair after an overflow, and the IGOR_RECRAWL flag.
 *
 * A walk is a stack of directories to scan, each scanned one entry per
 * step.  The walk inside igor_inotify_add_tree runs to its end and gives
 * the loop back with ctx_yield; every other walk (a directory that
 * appeared, a repair, a retry while degraded) belongs to its instance and
 * runs a share at each turn of the loop, stopping while the instance is
 * paused: events of the instance wait behind it, so the plugin sees them
 * in order.
 */
#ifndef IGOR_WORKER_TREE_H
#define IGOR_WORKER_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/inotify.h>

#include "ino.h"

/* The event bits of the kernel's mask of the watches of n's tree. */
uint32_t tree_kmask(const struct wnode *n);

/* The body of igor_inotify_add_tree. */
int tree_add(struct igor_inotify *in, const char *root, uint32_t mask);

/* A plain watch with IGOR_RECRAWL (wd of in's table): its entries are
 * delivered again after an overflow.  0, or -1 with errno. */
int tree_recrawl_plain(struct igor_inotify *in, int wd);

/* igor_inotify_rm_watch of a root: the whole tree goes; the root's
 * IN_IGNORED still reaches the plugin.  0, or -1 with errno. */
int tree_rm_root(struct igor_inotify *in, struct wnode *root);

/* A parentless node leaves the table: forget it as a top. */
void tree_forget_top(struct igor_inotify *in, int wd);

/* An event of a watch of a tree (n: its node). */
void tree_on_event(struct igor_inotify *in, struct wnode *n,
		   const struct inotify_event *ie);

/* IN_Q_OVERFLOW: starts the repair when in holds trees or recrawl
 * watches, which then delivers the overflow; false: deliver it now. */
bool tree_on_overflow(struct igor_inotify *in);

/* A walk of in is in progress: its events wait. */
bool tree_walking(const struct igor_inotify *in);

/* Runs in's walk for a share of the loop; true when none is left. */
bool tree_continue(struct igor_inotify *in);

/* An event of bytes was taken from in's queue (the window in which a
 * real IN_CREATE may repeat a synthetic one). */
void tree_account(struct igor_inotify *in, size_t bytes);

/* One of the events a walk's own scan of a directory causes (IN_OPEN,
 * IN_ACCESS, IN_CLOSE_NOWRITE of it): not delivered. */
bool tree_is_self(struct igor_inotify *in, const struct inotify_event *ie);

/* After that event was handled: the window may have closed. */
void tree_account_done(struct igor_inotify *in);

/* Decides which moved directories left their tree; returns ms until it
 * must look again, or -1. */
long long tree_settle(struct igor_inotify *in);

/* While degraded: walks in's trees again to add what is missing. */
void tree_retry(struct igor_inotify *in);

#endif /* IGOR_WORKER_TREE_H */
