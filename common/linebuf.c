/*
 * linebuf.c: see linebuf.h.
 */
#include "linebuf.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

/* Hands out every whole line held, and the rest when it fills the
 * buffer (a piece of a long line). */
static void emit_lines(struct linebuf *lb, linebuf_fn *fn, void *arg)
{
	char *start = lb->buf, *nl;
	size_t left = lb->len, n;

	while ((nl = memchr(start, '\n', left))) {
		n = (size_t)(nl - start);
		start[n] = '\0';
		fn(arg, start, n);
		left -= n + 1;
		start = nl + 1;
	}
	if (left == LINEBUF_MAX) {
		start[left] = '\0';
		fn(arg, start, left);
		left = 0;
	}
	memmove(lb->buf, start, left);
	lb->len = left;
}

void linebuf_flush(struct linebuf *lb, linebuf_fn *fn, void *arg)
{
	if (!lb->len)
		return;
	lb->buf[lb->len] = '\0';
	fn(arg, lb->buf, lb->len);
	lb->len = 0;
}

long linebuf_read(struct linebuf *lb, int fd, linebuf_fn *fn, void *arg)
{
	ssize_t n;

	do
		n = read(fd, lb->buf + lb->len, LINEBUF_MAX - lb->len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if (n == 0) {
		linebuf_flush(lb, fn, arg);
		return 0;
	}
	lb->len += (size_t)n;
	emit_lines(lb, fn, arg);
	return n;
}
