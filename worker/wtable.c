/*
 * wtable.c: see wtable.h.
 *
 * Both indexes are chained hash tables sharing one bucket count, grown by
 * doubling when the nodes outnumber the buckets.  A node carries its name
 * inline; a rename to a longer name than fits moves the name to its own
 * allocation, so the node itself never moves and no pointer to it (its
 * children's, its siblings', the chains') ever needs fixing.
 */
#include "wtable.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { WTABLE_MIN_BUCKETS = 64 };

static size_t wd_slot(const struct wtable *t, int wd)
{
	return ((uint32_t)wd * 2654435761u) & (t->nbuckets - 1);
}

/* FNV-1a over the parent's wd and the name. */
static uint32_t name_hash(int parent_wd, const char *name, size_t len)
{
	uint32_t h = 2166136261u ^ (uint32_t)parent_wd;
	size_t i;

	h *= 16777619u;
	for (i = 0; i < len; i++) {
		h ^= (unsigned char)name[i];
		h *= 16777619u;
	}
	return h;
}

static bool name_is(const struct wnode *n, const char *name, size_t len)
{
	return strncmp(n->name, name, len) == 0 && n->name[len] == '\0';
}

void wtable_init(struct wtable *t)
{
	memset(t, 0, sizeof(*t));
}

static void link_wd(struct wtable *t, struct wnode *n)
{
	size_t i = wd_slot(t, n->wd);

	n->next_wd = t->by_wd[i];
	t->by_wd[i] = n;
}

static void link_name(struct wtable *t, struct wnode *n)
{
	size_t i = n->hash & (t->nbuckets - 1);

	n->next_name = t->by_name[i];
	t->by_name[i] = n;
}

static void unlink_wd(struct wtable *t, struct wnode *n)
{
	struct wnode **p = &t->by_wd[wd_slot(t, n->wd)];

	while (*p && *p != n)
		p = &(*p)->next_wd;
	if (*p)
		*p = n->next_wd;
}

static void unlink_name(struct wtable *t, struct wnode *n)
{
	struct wnode **p = &t->by_name[n->hash & (t->nbuckets - 1)];

	while (*p && *p != n)
		p = &(*p)->next_name;
	if (*p)
		*p = n->next_name;
}

/* Rehashes every node into twice the buckets (or the first ones). */
static int grow(struct wtable *t)
{
	size_t old = t->nbuckets, i;
	struct wnode **wd = t->by_wd, **nm = t->by_name, *n, *next;

	t->nbuckets = old ? old * 2 : WTABLE_MIN_BUCKETS;
	t->by_wd = calloc(t->nbuckets, sizeof(*t->by_wd));
	t->by_name = calloc(t->nbuckets, sizeof(*t->by_name));
	if (!t->by_wd || !t->by_name) {
		free(t->by_wd);
		free(t->by_name);
		t->by_wd = wd, t->by_name = nm, t->nbuckets = old;
		errno = ENOMEM;
		return -1;
	}
	for (i = 0; i < old; i++) {
		for (n = wd[i]; n; n = next) {
			next = n->next_wd;
			link_wd(t, n);
		}
		for (n = nm[i]; n; n = next) {
			next = n->next_name;
			link_name(t, n);
		}
	}
	free(wd);
	free(nm);
	return 0;
}

static void node_free(struct wnode *n)
{
	if (n->flags & WN_HEAP_NAME)
		free(n->name);
	free(n);
}

void wtable_release(struct wtable *t)
{
	size_t i;
	struct wnode *n, *next;

	for (i = 0; i < t->nbuckets; i++)
		for (n = t->by_wd[i]; n; n = next) {
			next = n->next_wd;
			node_free(n);
		}
	free(t->by_wd);
	free(t->by_name);
	wtable_init(t);
}

struct wnode *wtable_find(const struct wtable *t, int wd)
{
	struct wnode *n;

	if (!t->nbuckets)
		return NULL;
	for (n = t->by_wd[wd_slot(t, wd)]; n; n = n->next_wd)
		if (n->wd == wd)
			return n;
	return NULL;
}

struct wnode *wtable_child(const struct wtable *t, const struct wnode *parent,
			   const char *name, size_t len)
{
	uint32_t h;
	struct wnode *n;

	if (!t->nbuckets || !parent)
		return NULL;
	h = name_hash(parent->wd, name, len);
	for (n = t->by_name[h & (t->nbuckets - 1)]; n; n = n->next_name)
		if (n->hash == h && n->parent == parent && name_is(n, name, len))
			return n;
	return NULL;
}

static void attach(struct wnode *n, struct wnode *parent)
{
	n->parent = parent;
	n->prev = NULL;
	n->next = parent ? parent->child : NULL;
	if (n->next)
		n->next->prev = n;
	if (parent)
		parent->child = n;
}

static void detach(struct wnode *n)
{
	if (n->prev)
		n->prev->next = n->next;
	else if (n->parent)
		n->parent->child = n->next;
	if (n->next)
		n->next->prev = n->prev;
	n->parent = n->next = n->prev = NULL;
}

struct wnode *wtable_add(struct wtable *t, int wd, struct wnode *parent,
			 const char *name, size_t len)
{
	struct wnode *n;

	if (wtable_find(t, wd) || wtable_child(t, parent, name, len)) {
		errno = EEXIST;
		return NULL;
	}
	if (len >= UINT16_MAX) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	if (t->n >= t->nbuckets && grow(t) < 0)
		return NULL;
	n = calloc(1, sizeof(*n) + len + 1);
	if (!n)
		return NULL;
	n->wd = wd;
	n->name = n->inline_name;
	n->cap = (uint16_t)(len + 1);
	memcpy(n->name, name, len);
	link_wd(t, n);
	attach(n, parent);
	if (parent) {
		n->hash = name_hash(parent->wd, name, len);
		link_name(t, n);
	}
	t->n++;
	return n;
}

/* Gives n the name (len bytes): in place when it fits. */
static int rename_node(struct wnode *n, const char *name, size_t len)
{
	char *heap;

	if (len < n->cap && !(n->flags & WN_HEAP_NAME)) {
		memcpy(n->name, name, len);
		n->name[len] = '\0';
		return 0;
	}
	heap = malloc(len + 1);
	if (!heap)
		return -1;
	memcpy(heap, name, len);
	heap[len] = '\0';
	if (n->flags & WN_HEAP_NAME)
		free(n->name);
	n->name = heap;
	n->flags |= WN_HEAP_NAME;
	return 0;
}

int wtable_set_name(struct wnode *n, const char *name, size_t len)
{
	if (n->parent) {
		errno = EINVAL;
		return -1;
	}
	return rename_node(n, name, len);
}

bool wtable_is_below(const struct wnode *n, const struct wnode *anc)
{
	for (; n; n = n->parent)
		if (n == anc)
			return true;
	return false;
}

int wtable_move(struct wtable *t, struct wnode *n, struct wnode *parent,
		const char *name, size_t len)
{
	struct wnode *there = wtable_child(t, parent, name, len);

	if (there == n)
		return 0;
	if (there || !parent) {
		errno = EEXIST;
		return -1;
	}
	if (wtable_is_below(parent, n)) {
		errno = ELOOP;
		return -1;
	}
	if (rename_node(n, name, len) < 0)
		return -1;
	if (n->parent)
		unlink_name(t, n);
	detach(n);
	attach(n, parent);
	n->hash = name_hash(parent->wd, name, len);
	link_name(t, n);
	return 0;
}

/* Unlinks and frees one node that has no child. */
static void remove_leaf(struct wtable *t, struct wnode *n)
{
	unlink_wd(t, n);
	if (n->parent)
		unlink_name(t, n);
	detach(n);
	node_free(n);
	t->n--;
}

size_t wtable_remove(struct wtable *t, struct wnode *n, wtable_each_fn *each,
		     void *arg)
{
	struct wnode *cur = n, *up;
	size_t count = 0;

	/* Always the first child's deepest first child: no recursion, so a
	 * tree 100 000 levels deep needs no stack. */
	for (;;) {
		while (cur->child)
			cur = cur->child;
		up = cur == n ? NULL : cur->parent;
		if (each)
			each(cur, arg);
		remove_leaf(t, cur);
		count++;
		if (!up)
			return count;
		cur = up;
	}
}

struct wnode *wtable_root(const struct wnode *n)
{
	while (n->parent)
		n = n->parent;
	return (struct wnode *)n;
}

struct wnode *wtable_next(const struct wnode *top, const struct wnode *cur)
{
	if (!cur)
		return (struct wnode *)top;
	if (cur->child)
		return cur->child;
	for (; cur && cur != top; cur = cur->parent)
		if (cur->next)
			return cur->next;
	return NULL;
}

static int path_reserve(struct wpath *buf, size_t need)
{
	char *p;
	size_t cap = buf->cap ? buf->cap : 256;

	if (need <= buf->cap)
		return 0;
	while (cap < need)
		cap *= 2;
	p = realloc(buf->p, cap);
	if (!p)
		return -1;
	buf->p = p;
	buf->cap = cap;
	return 0;
}

/*
 * Two passes up the chain: measure, then fill from the end.  A root path
 * ending in '/' ("/", "dir/") or empty joins without another '/', as
 * paths of plain watches always did.
 */
/* The common case, a plain watch: one pass. */
static const char *path_of_top(const struct wnode *n, const char *name,
			       size_t len, struct wpath *buf)
{
	size_t l = strlen(n->name), total = l;
	bool slash = len && l && n->name[l - 1] != '/';

	total += len + slash;
	if (path_reserve(buf, total + 1) < 0)
		return NULL;
	memcpy(buf->p, n->name, l);
	buf->p[l] = '/';
	memcpy(buf->p + l + slash, name, len);
	buf->p[total] = '\0';
	buf->len = total;
	return buf->p;
}

const char *wtable_path(const struct wnode *n, const char *name, size_t len,
			struct wpath *buf)
{
	const struct wnode *m;
	size_t total = 0, l;
	bool bare; /* the root needs no '/' after it */
	char *end;

	if (!n->parent)
		return path_of_top(n, name, len, buf);

	for (m = n; m->parent; m = m->parent)
		total += strlen(m->name) + 1;
	l = strlen(m->name);
	bare = l == 0 || m->name[l - 1] == '/';
	total += l + (len ? len + 1 : 0);
	if (bare && (len || n->parent))
		total--;
	if (path_reserve(buf, total + 1) < 0)
		return NULL;
	end = buf->p + total;
	*end = '\0';
	if (len) {
		end -= len;
		memcpy(end, name, len);
		if (!(bare && !n->parent))
			*--end = '/';
	}
	for (m = n; m->parent; m = m->parent) {
		l = strlen(m->name);
		end -= l;
		memcpy(end, m->name, l);
		if (!(bare && !m->parent->parent))
			*--end = '/';
	}
	memcpy(buf->p, m->name, (size_t)(end - buf->p));
	buf->len = total;
	return buf->p;
}
