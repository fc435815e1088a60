/*
 * wtable_test: the watch table alone (worker/wtable.c): lookups by wd and
 * by (parent, name), joined paths, renames that leave what is below in
 * place, removal of whole subtrees, and growth past many buckets.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "wtable.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static struct wpath buf;

static const char *path_of(const struct wnode *n, const char *name)
{
	const char *p = wtable_path(n, name, strlen(name), &buf);

	return p ? p : "(out of memory)";
}

static struct wnode *add(struct wtable *t, int wd, struct wnode *parent,
			 const char *name)
{
	return wtable_add(t, wd, parent, name, strlen(name));
}

static void test_paths(void)
{
	static const struct {
		const char *root, *child, *name, *want;
	} rows[] = {
		{ "/srv/in", "", "", "/srv/in" },
		{ "/srv/in", "", "f", "/srv/in/f" },
		{ "/srv/in", "sub", "", "/srv/in/sub" },
		{ "/srv/in", "sub", "f", "/srv/in/sub/f" },
		{ "/", "", "f", "/f" },
		{ "/", "sub", "f", "/sub/f" },
		{ "/", "sub", "", "/sub" },
		{ "rel/", "sub", "f", "rel/sub/f" },
		{ "rel", "", "", "rel" },
		{ "", "", "f", "f" },
	};
	struct wtable t;
	struct wnode *r, *c;
	size_t i;

	for (i = 0; i < NELEM(rows); i++) {
		wtable_init(&t);
		r = add(&t, 1, NULL, rows[i].root);
		c = rows[i].child[0] ? add(&t, 2, r, rows[i].child) : r;
		CHECK_STR(path_of(c, rows[i].name), rows[i].want,
			  "path of '%s' + '%s' + '%s'", rows[i].root,
			  rows[i].child, rows[i].name);
		wtable_release(&t);
	}
}

static void test_lookups(void)
{
	struct wtable t;
	struct wnode *r, *a, *b;

	wtable_init(&t);
	CHECK(wtable_find(&t, 1) == NULL, "an empty table finds nothing");
	r = add(&t, 1, NULL, "/r");
	a = add(&t, 2, r, "a");
	b = add(&t, 3, a, "b");
	CHECK(r && a && b, "three nodes added");
	CHECK(wtable_find(&t, 2) == a, "find by wd");
	CHECK(wtable_child(&t, r, "a", 1) == a, "find by (parent, name)");
	CHECK(wtable_child(&t, r, "b", 1) == NULL, "a name is looked up in its parent only");
	CHECK(wtable_child(&t, a, "bb", 1) == b, "the name's length counts, not what follows");
	CHECK(wtable_child(&t, a, "bb", 2) == NULL, "a longer name is another name");
	errno = 0;
	CHECK(add(&t, 2, r, "z") == NULL && errno == EEXIST, "a wd twice is EEXIST");
	errno = 0;
	CHECK(add(&t, 9, r, "a") == NULL && errno == EEXIST, "a name twice in one parent is EEXIST");
	CHECK(add(&t, 9, b, "a") != NULL, "the same name in another parent is fine");
	CHECK(wtable_root(b) == r, "root of a node two levels down");
	CHECK(wtable_is_below(b, r) && !wtable_is_below(r, b), "is_below");
	CHECK_INT(t.n, 4, "count");
	wtable_release(&t);
}

/* A chain root/d0/d1/.../d(depth-1) of wds 1.. plus a wide level. */
static void test_rename_keeps_below(void)
{
	enum { DEPTH = 20, WIDE = 10000 };
	struct wtable t;
	struct wnode *r, *top, *n, *bottom;
	char name[32];
	int i, wd = 1;

	wtable_init(&t);
	r = add(&t, wd++, NULL, "/r");
	top = add(&t, wd++, r, "top");
	for (i = 0; i < WIDE; i++) {
		snprintf(name, sizeof(name), "w%d", i);
		add(&t, wd++, top, name);
	}
	n = top;
	for (i = 0; i < DEPTH; i++) {
		snprintf(name, sizeof(name), "d%d", i);
		n = add(&t, wd++, n, name);
	}
	bottom = n;
	CHECK_INT(t.n, 2 + WIDE + DEPTH, "nodes of the wide and deep tree");
	CHECK(wtable_move(&t, top, r, "a-much-longer-name-than-top", 27) == 0,
	      "rename the top to a longer name");
	CHECK(wtable_find(&t, 2) == top, "the top keeps its wd");
	CHECK(wtable_child(&t, r, "top", 3) == NULL, "the old name is gone");
	CHECK(wtable_child(&t, r, "a-much-longer-name-than-top", 27) == top,
	      "the new name finds it");
	CHECK(wtable_child(&t, top, "w9999", 5) != NULL,
	      "children are found by name below the renamed node");
	CHECK_STR(path_of(bottom, "f"),
		  "/r/a-much-longer-name-than-top/d0/d1/d2/d3/d4/d5/d6/d7/d8/d9/d10/d11/d12/d13/d14/d15/d16/d17/d18/d19/f",
		  "a file at the bottom has the new path");
	CHECK(wtable_move(&t, top, r, "t", 1) == 0, "rename back to a short name");
	CHECK_STR(path_of(top, ""), "/r/t", "short name after a long one");
	errno = 0;
	CHECK(wtable_move(&t, top, bottom, "x", 1) < 0 && errno == ELOOP,
	      "a node cannot move below itself");
	n = wtable_child(&t, top, "d0", 2);
	CHECK(n && wtable_move(&t, n, r, "moved", 5) == 0, "move a subtree to another parent");
	CHECK_STR(path_of(bottom, ""), "/r/moved/d1/d2/d3/d4/d5/d6/d7/d8/d9/d10/d11/d12/d13/d14/d15/d16/d17/d18/d19",
		  "the bottom follows its subtree");
	CHECK(wtable_child(&t, top, "d0", 2) == NULL, "the old parent lost it");
	add(&t, wd++, r, "taken");
	errno = 0;
	CHECK(wtable_move(&t, n, r, "taken", 5) < 0 && errno == EEXIST,
	      "a move onto a name in use is EEXIST");
	CHECK_STR(path_of(n, ""), "/r/moved", "and changes nothing");
	wtable_release(&t);
}

static void count_each(struct wnode *n, void *arg)
{
	int *seen = arg;

	/* Children before parents: none of n's children is left. */
	if (n->child)
		seen[0] = -100000;
	seen[0]++;
}

static void test_remove(void)
{
	struct wtable t;
	struct wnode *r, *a, *n;
	int seen[1] = { 0 }, i, wd = 1;
	char name[16];

	wtable_init(&t);
	r = add(&t, wd++, NULL, "/r");
	a = add(&t, wd++, r, "a");
	add(&t, wd++, r, "keep");
	n = a;
	for (i = 0; i < 5000; i++) { /* deep: no recursion may blow up */
		snprintf(name, sizeof(name), "%d", i);
		n = add(&t, wd++, n, name);
		add(&t, wd++, n, "leaf");
	}
	CHECK_INT(wtable_remove(&t, a, count_each, seen), 10001,
		  "removing a subtree removes all below it");
	CHECK_INT(seen[0], 10001, "each node seen once, children first");
	CHECK_INT(t.n, 2, "what is not below stays");
	CHECK(wtable_find(&t, 2) == NULL && wtable_find(&t, 5) == NULL,
	      "removed wds are gone");
	CHECK(wtable_child(&t, r, "a", 1) == NULL, "and their names");
	CHECK(wtable_child(&t, r, "keep", 4) != NULL, "the sibling stays");
	CHECK(add(&t, 2, r, "a") != NULL, "a wd can come back");
	wtable_release(&t);
}

static void test_walk_order(void)
{
	struct wtable t;
	struct wnode *r, *n;
	char got[64] = "";

	wtable_init(&t);
	r = add(&t, 1, NULL, "r");
	n = add(&t, 2, r, "a");
	add(&t, 3, n, "b");
	add(&t, 4, r, "c");
	for (n = NULL; (n = wtable_next(r, n));)
		strcat(got, n->name);
	/* Children are linked newest first. */
	CHECK_STR(got, "rcab", "pre-order: every node once, parents first");
	n = wtable_find(&t, 2);
	strcpy(got, "");
	for (r = NULL; (r = wtable_next(n, r));)
		strcat(got, r->name);
	CHECK_STR(got, "ab", "a walk of a subtree stays in it");
	wtable_release(&t);
}

static void test_many(void)
{
	enum { N = 200000 };
	struct wtable t;
	struct wnode *r;
	char name[16];
	int i, bad = 0;

	wtable_init(&t);
	r = add(&t, 1000000, NULL, "/r");
	for (i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		if (!add(&t, i + 1, r, name))
			bad++;
	}
	CHECK_INT(bad, 0, "%d nodes added", N);
	CHECK(t.nbuckets >= t.n, "buckets grew with the nodes");
	for (i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		if (wtable_find(&t, i + 1) != wtable_child(&t, r, name, strlen(name)))
			bad++;
	}
	CHECK_INT(bad, 0, "each found by wd and by name after growth");
	wtable_release(&t);
}

int main(void)
{
	test_paths();
	test_lookups();
	test_rename_keeps_below();
	test_remove();
	test_walk_order();
	test_many();
	free(buf.p);
	return check_done();
}
