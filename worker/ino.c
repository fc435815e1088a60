/*
 * ino.c: see ino.h.  The ABI's igor_inotify_* functions live here.
 */
#include "ino.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ctx.h"
#include "emit.h"
#include "tree.h"
#include "util.h"

/* A large read buffer: fewer syscalls under load (see bench/).  Shared by
 * every instance: what one leaves unprocessed goes to its backlog. */
enum {
	INO_READ_BUF = 64 * 1024,
	INO_DRAIN_MIN = 16 * 1024,   /* a walk reads the queue past this */
	INO_DRAIN_MAX = 4096 * 1024, /* and keeps at most this much */
};
static char read_buf[INO_READ_BUF]
	__attribute__((aligned(__alignof__(struct inotify_event))));
/* ino_drain's: read_buf may be the one being processed. */
static char drain_buf[INO_READ_BUF]
	__attribute__((aligned(__alignof__(struct inotify_event))));

/* The path of the event being delivered: ev->path points here until the
 * callback returns (no delivery happens inside another). */
static struct wpath deliver_path;

igor_inotify_factory *ino_factory(void)
{
	return ctx_factory();
}

void ino_deliver(struct igor_inotify *in, const struct wnode *n,
		 uint32_t mask, uint32_t cookie, const char *name, size_t len)
{
	struct igor_event ev = { n->wd, mask, cookie, name, NULL };

	ev.path = wtable_path(n, name, len, &deliver_path);
	if (!ev.path)
		return; /* out of memory joining: nothing sane to deliver */
	emit_event(ev.wd, mask, cookie, ev.path, deliver_path.len);
	in->cb(&ev, in->arg);
}

void ino_deliver_overflow(struct igor_inotify *in)
{
	struct igor_event ev = { -1, IN_Q_OVERFLOW, 0, "", NULL };

	emit_overflow();
	in->cb(&ev, in->arg);
}

static size_t queued_bytes(const struct igor_inotify *in)
{
	int queued = 0;

	if (ioctl(in->fd, FIONREAD, &queued) < 0 || queued < 0)
		return 0;
	return (size_t)queued;
}

size_t ino_pending_bytes(const struct igor_inotify *in)
{
	size_t n = in->processing ? in->left : in->backlog.len - in->backlog.off;

	return n + in->drained.len + queued_bytes(in);
}

/* ---- processing, in order ------------------------------------------------ */

static void forget_plain(struct igor_inotify *in, int wd)
{
	struct wnode *n = wtable_find(&in->watches, wd);

	if (!n || (n->flags & WN_TREE))
		return;
	if (in->tree)
		tree_forget_top(in, wd);
	wtable_remove(&in->watches, n, NULL, NULL);
}

static void dispatch(struct igor_inotify *in, const struct inotify_event *ie)
{
	struct wnode *n;

	if (ie->mask & IN_Q_OVERFLOW) {
		if (!in->tree || !tree_on_overflow(in))
			ino_deliver_overflow(in);
		return;
	}
	n = wtable_find(&in->watches, ie->wd);
	if (!n)
		return; /* a late event of a watch already forgotten */
	if (in->tree && tree_is_self(in, ie))
		return; /* a walk's own reading of a directory */
	if (n->flags & WN_TREE) {
		tree_on_event(in, n, ie);
		return;
	}
	ino_deliver(in, n, ie->mask, ie->cookie, ie->len ? ie->name : "",
		    ie->len ? strlen(ie->name) : 0);
	if (ie->mask & IN_IGNORED)
		forget_plain(in, ie->wd);
}

/* Processes the events of buf from off, until the end, a pause or a walk
 * that has not finished; returns where it stopped. */
static size_t process(struct igor_inotify *in, const char *buf, size_t off,
		      size_t len)
{
	const struct inotify_event *ie;
	size_t size;

	in->processing = true;
	while (off < len && !in->paused && !tree_walking(in)) {
		ie = (const void *)(buf + off);
		size = sizeof(*ie) + ie->len;
		off += size;
		in->left = len - off;
		if (in->tree)
			tree_account(in, size);
		dispatch(in, ie);
		if (in->tree)
			tree_account_done(in);
	}
	in->processing = false;
	return off;
}

/* Appends len bytes of events to b; -1 on ENOMEM. */
static int backlog_append(struct ino_backlog *b, const char *p, size_t len)
{
	size_t have = b->len - b->off;
	char *buf;

	if (!len)
		return 0;
	buf = malloc(have + len);
	if (!buf)
		return -1;
	if (have)
		memcpy(buf, b->buf + b->off, have);
	memcpy(buf + have, p, len);
	free(b->buf);
	b->buf = buf;
	b->off = 0;
	b->len = have + len;
	return 0;
}

static void backlog_free(struct ino_backlog *b)
{
	free(b->buf);
	memset(b, 0, sizeof(*b));
}

/* Keeps events for later; on ENOMEM they are lost, and the plugin is told
 * as for an overflow. */
static void backlog_keep(struct igor_inotify *in, const char *p, size_t len)
{
	if (backlog_append(&in->backlog, p, len) == 0)
		return;
	emit_logf(IGOR_ERROR, "out of memory: %zu bytes of inotify events lost",
		  len);
	ino_deliver_overflow(in);
}

/* What a walk drained goes after the backlog, once nothing iterates it. */
static void backlog_merge(struct igor_inotify *in)
{
	struct ino_backlog *d = &in->drained;

	if (!d->len)
		return;
	backlog_keep(in, d->buf, d->len);
	backlog_free(d);
}

void ino_drain(struct igor_inotify *in)
{
	const struct inotify_event *ie;
	size_t off, size, start;
	ssize_t n;

	while (!in->paused && in->drained.len < INO_DRAIN_MAX &&
	       queued_bytes(in) >= INO_DRAIN_MIN) {
		n = read(in->fd, drain_buf, sizeof(drain_buf));
		if (n <= 0)
			return;
		/* Runs of events to keep, copied at once. */
		for (off = start = 0; off < (size_t)n; off += size) {
			ie = (const void *)(drain_buf + off);
			size = sizeof(*ie) + ie->len;
			if (!tree_is_self(in, ie))
				continue;
			backlog_append(&in->drained, drain_buf + start, off - start);
			start = off + size;
		}
		backlog_append(&in->drained, drain_buf + start, (size_t)n - start);
	}
	if (in->drained.len)
		ino_kick(in, 0);
}

/* True once the backlog is empty. */
static bool drain_backlog(struct igor_inotify *in)
{
	struct ino_backlog *b = &in->backlog;

	if (!b->len)
		return true;
	b->off = process(in, b->buf, b->off, b->len);
	if (b->off < b->len) {
		backlog_merge(in);
		return false;
	}
	backlog_free(b);
	backlog_merge(in);
	return !b->len;
}

static void read_events(struct igor_inotify *in)
{
	ssize_t n = read(in->fd, read_buf, sizeof(read_buf));
	size_t off;

	if (n <= 0)
		return; /* EAGAIN or EINTR: the loop comes back */
	off = process(in, read_buf, 0, (size_t)n);
	if (off < (size_t)n)
		backlog_keep(in, read_buf + off, (size_t)n - off);
	backlog_merge(in);
}

/* Its walk, then its backlog, then one read (when the fd is ready). */
static void ino_run(struct igor_inotify *in, bool readable)
{
	long long ms = -1;

	if (in->running || in->paused)
		return;
	in->running = true;
	backlog_merge(in);
	if (tree_continue(in) && drain_backlog(in) && readable)
		read_events(in);
	if (in->tree)
		ms = tree_settle(in);
	if (!in->paused && (tree_walking(in) || in->backlog.len))
		ms = 0;
	if (ms >= 0)
		ino_kick(in, ms);
	in->running = false;
}

static void on_inotify_ready(struct ev_src *src, uint32_t events)
{
	(void)events;
	if (!ctx_gated())
		ino_run((struct igor_inotify *)src, true);
}

static void on_kick(igor_timer *t, void *arg)
{
	(void)t;
	ino_run(arg, false);
}

int ino_need_kick(struct igor_inotify *in)
{
	if (!in->kick)
		in->kick = igor_timer_new(ctx_factory(), on_kick, in);
	return in->kick ? 0 : -1;
}

void ino_kick(struct igor_inotify *in, long long ms)
{
	if (in->kick)
		igor_timer_arm(in->kick, ms);
}

/* ---- the ABI ------------------------------------------------------------ */

/*
 * A kernel limit the plugin hit: the plugin gets its errno, and igor's log
 * gets one line naming the sysctl to raise, once per worker per limit,
 * since a plugin retrying in a loop must not flood the log.
 */
static void log_limit(bool *said, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void log_limit(bool *said, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	if (*said)
		return;
	*said = true;
	va_start(ap, fmt);
	emit_vlogf(IGOR_ERROR, fmt, ap);
	va_end(ap);
	errno = saved;
}

igor_inotify *igor_inotify_new(igor_inotify_factory *f, igor_event_fn *cb,
			       void *arg)
{
	struct igor_inotify *in;

	if (f != ctx_factory() || !cb) {
		errno = EINVAL;
		return NULL;
	}
	in = calloc(1, sizeof(*in));
	if (!in)
		return NULL;
	in->src.on_ready = on_inotify_ready;
	in->cb = cb;
	in->arg = arg;
	wtable_init(&in->watches);
	in->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (in->fd < 0 && errno == EMFILE)
		log_limit(&f->said_instances,
			  "cannot create an inotify instance: %s (raise sysctl fs.inotify.max_user_instances, or the open file limit)",
			  strerror(errno));
	if (in->fd < 0)
		goto out_free;
	if (ev_add(in->fd, &in->src) < 0 || ctx_add_instance(in) < 0)
		goto out_close;
	return in;
out_close:
	ev_del(in->fd);
	safe_close(in->fd);
out_free:
	free(in);
	return NULL;
}

/* The watch is a directory of one of in's trees: it stays the tree's, so
 * the tree's own bits go back at once (path resolved as the plugin asked,
 * so that it names the same inode again). */
static int keep_tree_watch(struct igor_inotify *in, const char *path,
			   uint32_t mask, struct wnode *n)
{
	if (inotify_add_watch(in->fd, path, tree_kmask(n) |
			      (mask & (IN_ONLYDIR | IN_DONT_FOLLOW))) < 0)
		return -1;
	return n->wd;
}

int igor_inotify_add_watch(igor_inotify *in, const char *path, uint32_t mask)
{
	uint32_t kmask = mask & ~(uint32_t)(IGOR_SYNTHETIC | IGOR_RECRAWL);
	struct wnode *n;
	int wd;

	if (!in || !path) {
		errno = EINVAL;
		return -1;
	}
	wd = inotify_add_watch(in->fd, path, kmask);
	if (wd < 0 && errno == ENOSPC)
		log_limit(&ctx_factory()->said_watches,
			  "cannot watch '%s': inotify watch limit reached (raise sysctl fs.inotify.max_user_watches)",
			  path);
	if (wd < 0)
		return -1;
	n = wtable_find(&in->watches, wd);
	if (n && (n->flags & WN_TREE))
		return keep_tree_watch(in, path, kmask, n);
	if (!n)
		n = wtable_add(&in->watches, wd, NULL, path, strlen(path));
	else if (strcmp(n->name, path) != 0)
		(void)wtable_set_name(n, path, strlen(path)); /* out of
			memory: the old name of the same inode stays */
	if (!n) {
		inotify_rm_watch(in->fd, wd);
		errno = ENOMEM;
		return -1;
	}
	n->mask = kmask & IN_MASK_ADD ? n->mask | mask : mask;
	if ((mask & IGOR_RECRAWL) && tree_recrawl_plain(in, wd) < 0)
		return -1;
	return wd;
}

int igor_inotify_add_tree(igor_inotify *in, const char *root, uint32_t mask)
{
	if (!in || !root) {
		errno = EINVAL;
		return -1;
	}
	return tree_add(in, root, mask);
}

int igor_inotify_rm_watch(igor_inotify *in, int wd)
{
	struct wnode *n;

	if (!in) {
		errno = EINVAL;
		return -1;
	}
	n = wtable_find(&in->watches, wd);
	if (n && (n->flags & WN_ROOT))
		return tree_rm_root(in, n);
	if (n && (n->flags & WN_TREE)) {
		errno = EINVAL; /* a directory below a root is the tree's */
		return -1;
	}
	/* The table entry goes with the IN_IGNORED event that follows. */
	return inotify_rm_watch(in->fd, wd);
}

int igor_inotify_pause(igor_inotify *in)
{
	if (!in) {
		errno = EINVAL;
		return -1;
	}
	if (in->paused)
		return 0;
	if (ino_need_kick(in) < 0 || ev_mod(in->fd, &in->src, 0) < 0)
		return -1;
	in->paused = true;
	return 0;
}

int igor_inotify_resume(igor_inotify *in)
{
	if (!in) {
		errno = EINVAL;
		return -1;
	}
	if (!in->paused)
		return 0;
	if (ev_mod(in->fd, &in->src, EPOLLIN) < 0)
		return -1;
	in->paused = false;
	ino_kick(in, 0); /* what waited: a walk, the backlog, moves */
	return 0;
}
