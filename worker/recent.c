/*
 * recent.c: see recent.h.  Adding never fails loudly: out of memory, an
 * entry is not kept, and at worst an event is delivered twice.
 */
#include "recent.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct recent_name {
	struct recent_name *next;
	int wd;
	char name[];
};

static uint32_t name_hash(int wd, const char *name, size_t len)
{
	uint32_t h = 2166136261u ^ (uint32_t)wd;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)name[i]) * 16777619u;
	return h;
}

/* The link that points at (wd, name), or at the end of its chain. */
static struct recent_name **name_link(const struct recent *r, int wd,
				      const char *name, size_t len)
{
	struct recent_name **p;

	p = &r->names[name_hash(wd, name, len) & (r->nbuckets - 1)];
	while (*p && !((*p)->wd == wd && strncmp((*p)->name, name, len) == 0 &&
		       (*p)->name[len] == '\0'))
		p = &(*p)->next;
	return p;
}

static int names_grow(struct recent *r)
{
	size_t nb = r->nbuckets ? r->nbuckets * 2 : 64, i, slot;
	struct recent_name **v = calloc(nb, sizeof(*v)), *e, *next;

	if (!v)
		return -1;
	for (i = 0; i < r->nbuckets; i++)
		for (e = r->names[i]; e; e = next) {
			next = e->next;
			slot = name_hash(e->wd, e->name, strlen(e->name)) & (nb - 1);
			e->next = v[slot];
			v[slot] = e;
		}
	free(r->names);
	r->names = v;
	r->nbuckets = nb;
	return 0;
}

void recent_add_name(struct recent *r, int wd, const char *name, size_t len)
{
	struct recent_name **p, *e;

	if (r->nnames >= r->nbuckets && names_grow(r) < 0)
		return;
	p = name_link(r, wd, name, len);
	if (*p)
		return;
	e = malloc(sizeof(*e) + len + 1);
	if (!e)
		return;
	e->next = NULL;
	e->wd = wd;
	memcpy(e->name, name, len);
	e->name[len] = '\0';
	*p = e;
	r->nnames++;
}

bool recent_has_name(const struct recent *r, int wd, const char *name,
		     size_t len)
{
	return r->nnames && *name_link(r, wd, name, len);
}

void recent_del_name(struct recent *r, int wd, const char *name, size_t len)
{
	struct recent_name **p, *e;

	if (!r->nnames)
		return;
	p = name_link(r, wd, name, len);
	e = *p;
	if (e) {
		*p = e->next;
		free(e);
		r->nnames--;
	}
}

static size_t dir_slot(size_t cap, int wd)
{
	return ((uint32_t)wd * 2654435761u) & (cap - 1);
}

static int dirs_grow(struct recent *r)
{
	size_t cap = r->dcap ? r->dcap * 2 : 256, i, j;
	int *v = calloc(cap, sizeof(*v));

	if (!v)
		return -1;
	for (i = 0; i < r->dcap; i++) {
		if (!r->dirs[i])
			continue;
		for (j = dir_slot(cap, r->dirs[i]); v[j]; j = (j + 1) & (cap - 1))
			;
		v[j] = r->dirs[i];
	}
	free(r->dirs);
	r->dirs = v;
	r->dcap = cap;
	return 0;
}

void recent_add_dir(struct recent *r, int wd)
{
	size_t j;

	if (wd <= 0 || recent_has_dir(r, wd))
		return;
	if ((r->ndirs + 1) * 2 > r->dcap && dirs_grow(r) < 0)
		return;
	for (j = dir_slot(r->dcap, wd); r->dirs[j]; j = (j + 1) & (r->dcap - 1))
		;
	r->dirs[j] = wd;
	r->ndirs++;
}

bool recent_has_dir(const struct recent *r, int wd)
{
	size_t j;

	if (!r->ndirs)
		return false;
	for (j = dir_slot(r->dcap, wd); r->dirs[j]; j = (j + 1) & (r->dcap - 1))
		if (r->dirs[j] == wd)
			return true;
	return false;
}

bool recent_empty(const struct recent *r)
{
	return !r->nnames && !r->ndirs;
}

void recent_window(struct recent *r, size_t pending)
{
	r->window = pending;
}

void recent_take(struct recent *r, size_t bytes)
{
	r->window = r->window > bytes ? r->window - bytes : 0;
}

bool recent_expired(const struct recent *r)
{
	return !r->window && !recent_empty(r);
}

void recent_clear(struct recent *r)
{
	struct recent_name *e, *next;
	size_t i;

	for (i = 0; i < r->nbuckets; i++)
		for (e = r->names[i]; e; e = next) {
			next = e->next;
			free(e);
		}
	free(r->names);
	free(r->dirs);
	memset(r, 0, sizeof(*r));
}
