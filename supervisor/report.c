/*
 * report.c: see report.h.
 */
#include "report.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void report_add(struct report *rep, const char *fmt, ...)
{
	char **nl, *line;
	va_list ap;
	int n;

	if (!rep)
		return;
	va_start(ap, fmt);
	n = vasprintf(&line, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	nl = realloc(rep->lines, (rep->n + 1) * sizeof(*nl));
	if (!nl) {
		free(line);
		return;
	}
	rep->lines = nl;
	rep->lines[rep->n++] = line;
}

void report_release(struct report *rep)
{
	size_t i;

	for (i = 0; i < rep->n; i++)
		free(rep->lines[i]);
	free(rep->lines);
	rep->lines = NULL;
	rep->n = 0;
}
