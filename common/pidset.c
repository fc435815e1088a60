/*
 * pidset.c: see pidset.h.
 */
#include "pidset.h"

#include <stdlib.h>
#include <string.h>

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

static pid_t *find(const struct pidset *s, pid_t p)
{
	return s->n ? bsearch(&p, s->v, s->n, sizeof(*s->v), cmp_pid) : NULL;
}

bool pidset_has(const struct pidset *s, pid_t p)
{
	return find(s, p) != NULL;
}

int pidset_add(struct pidset *s, pid_t p)
{
	pid_t *nv;
	size_t i;

	if (find(s, p))
		return 0;
	if (s->n == s->cap) {
		nv = realloc(s->v, (s->cap ? s->cap * 2 : 32) * sizeof(*nv));
		if (!nv)
			return -1;
		s->v = nv;
		s->cap = s->cap ? s->cap * 2 : 32;
	}
	for (i = s->n; i > 0 && s->v[i - 1] > p; i--)
		s->v[i] = s->v[i - 1];
	s->v[i] = p;
	s->n++;
	return 1;
}

bool pidset_remove(struct pidset *s, pid_t p)
{
	pid_t *at = find(s, p);

	if (!at)
		return false;
	memmove(at, at + 1, (size_t)(s->v + s->n - at - 1) * sizeof(*at));
	s->n--;
	return true;
}

void pidset_release(struct pidset *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}
