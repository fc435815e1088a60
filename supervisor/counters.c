/*
 * counters.c: see counters.h.
 */
#include "counters.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util.h"

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

/* Takes what the page says now, if it grew. */
static void look(struct counters *c)
{
	uint64_t v;

	if (!c->page)
		return;
	v = c->page->events;
	if (v > c->seen_events)
		c->seen_events = v;
	v = c->page->overflows;
	if (v > c->seen_overflows)
		c->seen_overflows = v;
}

void counters_close(struct counters *c)
{
	look(c);
	c->base_events = sat_add(c->base_events, c->seen_events);
	c->base_overflows = sat_add(c->base_overflows, c->seen_overflows);
	c->seen_events = c->seen_overflows = 0;
	if (c->page)
		munmap((void *)c->page, sizeof(*c->page));
	c->page = NULL;
}

int counters_open(struct counters *c)
{
	int fd = memfd_create("igor-counters", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	void *p;

	counters_close(c);
	if (fd < 0)
		return -1;
	/* A zero page of the right size, which the worker maps shared.  Its
	 * size is sealed: a worker that could shrink it would make igor's
	 * next read of the mapping a SIGBUS. */
	if (ftruncate(fd, sizeof(*c->page)) < 0 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0)
		return safe_close(fd);
	p = mmap(NULL, sizeof(*c->page), PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return safe_close(fd);
	c->page = p;
	return fd;
}

uint64_t counters_events(struct counters *c)
{
	look(c);
	return sat_add(c->base_events, c->seen_events);
}

uint64_t counters_overflows(struct counters *c)
{
	look(c);
	return sat_add(c->base_overflows, c->seen_overflows);
}
