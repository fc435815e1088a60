/*
 * linebuf: turns a byte stream (a child's stdout or stderr) into lines.
 * Used for a worker's output in the supervisor and for a command's
 * output in the worker: one splitter, one rule for long lines.
 *
 * A line is handed out without its newline, NUL-terminated in place.  A
 * line longer than LINEBUF_MAX is handed out in pieces of LINEBUF_MAX
 * bytes, so a writer that never sends a newline cannot grow memory.
 */
#ifndef IGOR_LINEBUF_H
#define IGOR_LINEBUF_H

#include <stddef.h>

enum { LINEBUF_MAX = 4096 };

struct linebuf {
	size_t len;                 /* bytes of a partial line held */
	char buf[LINEBUF_MAX + 1];  /* + 1: room for the NUL */
};

/* Called once per line; line is borrowed until the call returns, and
 * may be modified in place. */
typedef void linebuf_fn(void *arg, char *line, size_t len);

static inline void linebuf_init(struct linebuf *lb)
{
	lb->len = 0;
}

/*
 * Reads once from fd (retrying EINTR) and hands out every whole line.
 * Returns the bytes read; 0 at end of file, after handing out the partial
 * line left; -1 with errno on an error (EAGAIN: nothing to read now).
 */
long linebuf_read(struct linebuf *lb, int fd, linebuf_fn *fn, void *arg);

/* Hands out the partial line held, if any (the writer is gone). */
void linebuf_flush(struct linebuf *lb, linebuf_fn *fn, void *arg);

#endif /* IGOR_LINEBUF_H */
