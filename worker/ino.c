/*
 * ino.c: see ino.h.  The ABI's igor_inotify_* functions live here.
 */
#include "ino.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "emit.h"
#include "ev.h"
#include "util.h"

/* One watch: its descriptor and the path it was added with (owned). */
struct watch {
	int wd; /* 0: empty slot; wds start at 1 */
	char *path;
	size_t len; /* of path, so no event measures it again */
};

/* Open addressing, linear probing; cap is a power of two. */
struct watch_table {
	struct watch *v;
	size_t n, cap;
};

struct igor_inotify {
	struct ev_src src; /* first: the loop hands it back */
	int fd;
	igor_event_fn *cb;
	void *arg;
	struct watch_table watches;
};

struct igor_inotify_factory {
	int unused;
};

static struct igor_inotify_factory factory;

/* A large read buffer: fewer syscalls under load (see bench/). */
enum { INO_READ_BUF = 64 * 1024 };
static char read_buf[INO_READ_BUF]
	__attribute__((aligned(__alignof__(struct inotify_event))));

igor_inotify_factory *ino_factory(void)
{
	return &factory;
}

static size_t slot_of(const struct watch_table *t, int wd)
{
	size_t i = ((size_t)wd * 2654435761u) & (t->cap - 1);

	while (t->v[i].wd && t->v[i].wd != wd)
		i = (i + 1) & (t->cap - 1);
	return i;
}

static struct watch *watch_find(struct watch_table *t, int wd)
{
	struct watch *w;

	if (!t->cap)
		return NULL;
	w = &t->v[slot_of(t, wd)];
	return w->wd ? w : NULL;
}

static int watch_grow(struct watch_table *t)
{
	struct watch_table bigger = { NULL, 0, t->cap ? t->cap * 2 : 16 };
	size_t i;

	bigger.v = calloc(bigger.cap, sizeof(*bigger.v));
	if (!bigger.v)
		return -1;
	for (i = 0; i < t->cap; i++)
		if (t->v[i].wd)
			bigger.v[slot_of(&bigger, t->v[i].wd)] = t->v[i];
	bigger.n = t->n;
	free(t->v);
	*t = bigger;
	return 0;
}

/*
 * Paths replaced while a callback runs: its event may point at one
 * (plugin.h: valid until the callback returns), so they are freed after.
 */
static bool delivering;
static char **retired;
static size_t n_retired;

static int path_retire(char *path)
{
	char **more;

	if (!delivering) {
		free(path);
		return 0;
	}
	more = realloc(retired, (n_retired + 1) * sizeof(*retired));
	if (!more)
		return -1;
	retired = more;
	retired[n_retired++] = path;
	return 0;
}

static void paths_free_retired(void)
{
	while (n_retired)
		free(retired[--n_retired]);
}

/* Sets wd's path, taking path (freed on failure too). */
static int watch_set(struct watch_table *t, int wd, char *path)
{
	struct watch *w;

	if ((t->n + 1) * 4 > t->cap * 3 && watch_grow(t) < 0) {
		free(path);
		return -1;
	}
	w = &t->v[slot_of(t, wd)];
	if (w->wd && strcmp(w->path, path) == 0) {
		free(path); /* a new mask: the path an event may hold stays */
		return 0;
	}
	if (w->wd) {
		if (path_retire(w->path) < 0) {
			free(path); /* out of memory: the old name of the
				       same inode stays, and the watch */
			return 0;
		}
	} else {
		w->wd = wd;
		t->n++;
	}
	w->path = path;
	w->len = strlen(path);
	return 0;
}

/* Deletes wd, moving later entries of its probe run back into place. */
static void watch_forget(struct watch_table *t, int wd)
{
	size_t i, j;
	struct watch moved;

	if (!watch_find(t, wd))
		return;
	i = slot_of(t, wd);
	free(t->v[i].path);
	t->v[i].wd = 0;
	t->n--;
	for (j = (i + 1) & (t->cap - 1); t->v[j].wd; j = (j + 1) & (t->cap - 1)) {
		moved = t->v[j];
		t->v[j].wd = 0;
		t->v[slot_of(t, moved.wd)] = moved;
	}
}

/* A scratch buffer for joined paths, reused across events. */
static char *join_buf;
static size_t join_cap;

/* dir + '/' + name in join_buf; its length in *len. */
static const char *join(const char *dir, size_t dlen, const char *name,
			size_t nlen, size_t *len)
{
	size_t need = dlen + 1 + nlen + 1;
	char *p;

	if (need > join_cap) {
		p = realloc(join_buf, need);
		if (!p)
			return NULL;
		join_buf = p;
		join_cap = need;
	}
	memcpy(join_buf, dir, dlen);
	p = join_buf + dlen;
	if (dlen && dir[dlen - 1] != '/')
		*p++ = '/';
	memcpy(p, name, nlen);
	p[nlen] = '\0';
	*len = (size_t)(p - join_buf) + nlen;
	return join_buf;
}

static void deliver(struct igor_inotify *in, const struct inotify_event *ie)
{
	struct igor_event ev = { ie->wd, ie->mask, ie->cookie, "", NULL };
	struct watch *w = NULL;
	size_t len = 0;

	if (ie->wd >= 0)
		w = watch_find(&in->watches, ie->wd);
	if (ie->len)
		ev.name = ie->name;
	if (w && ie->len)
		ev.path = join(w->path, w->len, ie->name, strlen(ie->name), &len);
	else if (w)
		ev.path = w->path, len = w->len;
	if (ie->mask & IN_Q_OVERFLOW)
		ev.wd = -1;
	else if (!w)
		return; /* a late event of a watch already forgotten */
	if (ev.wd >= 0 && !ev.path)
		return; /* out of memory joining: nothing sane to deliver */
	if (ev.wd == -1)
		emit_overflow();
	else
		emit_event(ev.wd, ev.mask, ev.cookie, ev.path, len);
	delivering = true;
	in->cb(&ev, in->arg);
	delivering = false;
	paths_free_retired();
	if (ie->mask & IN_IGNORED)
		watch_forget(&in->watches, ie->wd);
}

static void on_inotify_ready(struct ev_src *src, uint32_t events)
{
	struct igor_inotify *in = (struct igor_inotify *)src;
	ssize_t n;
	char *p;

	(void)events;
	n = read(in->fd, read_buf, sizeof(read_buf));
	if (n <= 0)
		return; /* EAGAIN or EINTR: the loop comes back */
	for (p = read_buf; p < read_buf + n;) {
		const struct inotify_event *ie = (const void *)p;

		deliver(in, ie);
		p += sizeof(*ie) + ie->len;
	}
}

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

static bool said_instances, said_watches;

igor_inotify *igor_inotify_new(igor_inotify_factory *f, igor_event_fn *cb,
			       void *arg)
{
	/*
	 * Instances live as long as the worker (plugin.h), and the loop
	 * holds them only in epoll's kernel-side data: this list keeps them
	 * reachable, so that LeakSanitizer and valgrind report no leak.
	 */
	static struct igor_inotify **all;
	static size_t n_all;
	struct igor_inotify *in, **more;

	if (f != &factory || !cb) {
		errno = EINVAL;
		return NULL;
	}
	more = realloc(all, (n_all + 1) * sizeof(*all));
	if (!more)
		return NULL;
	all = more;
	in = calloc(1, sizeof(*in));
	if (!in)
		return NULL;
	in->src.on_ready = on_inotify_ready;
	in->cb = cb;
	in->arg = arg;
	in->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (in->fd < 0 && errno == EMFILE)
		log_limit(&said_instances,
			  "cannot create an inotify instance: %s (raise sysctl fs.inotify.max_user_instances, or the open file limit)",
			  strerror(errno));
	if (in->fd < 0)
		goto out_free;
	if (ev_add(in->fd, &in->src) < 0)
		goto out_close;
	all[n_all++] = in;
	return in;
out_close:
	safe_close(in->fd);
out_free:
	free(in);
	return NULL;
}

int igor_inotify_add_watch(igor_inotify *in, const char *path, uint32_t mask)
{
	char *copy;
	int wd;

	if (!in || !path) {
		errno = EINVAL;
		return -1;
	}
	copy = strdup(path);
	if (!copy)
		return -1;
	wd = inotify_add_watch(in->fd, path, mask);
	if (wd < 0 && errno == ENOSPC)
		log_limit(&said_watches,
			  "cannot watch '%s': inotify watch limit reached (raise sysctl fs.inotify.max_user_watches)",
			  path);
	if (wd < 0) {
		free(copy);
		return -1;
	}
	if (watch_set(&in->watches, wd, copy) < 0) {
		inotify_rm_watch(in->fd, wd);
		errno = ENOMEM;
		return -1;
	}
	return wd;
}

int igor_inotify_rm_watch(igor_inotify *in, int wd)
{
	if (!in) {
		errno = EINVAL;
		return -1;
	}
	/* The table entry goes with the IN_IGNORED event that follows. */
	return inotify_rm_watch(in->fd, wd);
}
