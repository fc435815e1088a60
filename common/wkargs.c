/*
 * wkargs.c: see wkargs.h.
 */
#include "wkargs.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void wkargs_build(const struct wkargs *a, struct wkargs_argv *out)
{
	char **v = out->argv;

	snprintf(out->level, sizeof(out->level), "%d", a->level);
	snprintf(out->parent, sizeof(out->parent), "%d", (int)a->parent);
	*v++ = "igor-worker";
	if (a->check)
		*v++ = "-t";
	if (a->keep)
		*v++ = "-k";
	*v++ = "-n", *v++ = (char *)a->name;
	*v++ = "-f", *v++ = (char *)a->file;
	*v++ = "-p", *v++ = (char *)a->plugin;
	*v++ = "-s", *v++ = (char *)a->symbol;
	*v++ = "-l", *v++ = out->level;
	*v++ = "-P", *v++ = out->parent;
	*v = NULL;
}

/* A whole decimal number in [min, max]; -1 when it is not. */
static long number(const char *s, long min, long max)
{
	char *end;
	long v = strtol(s, &end, 10);

	return *s && !*end && v >= min && v <= max ? v : -1;
}

int wkargs_parse(int argc, char **argv, struct wkargs *a)
{
	int c;

	memset(a, 0, sizeof(*a));
	a->level = -1;
	optind = 1;
	opterr = 0;
	while ((c = getopt(argc, argv, "tkn:f:p:s:l:P:")) != -1) {
		switch (c) {
		case 't': a->check = true; break;
		case 'k': a->keep = true; break;
		case 'n': a->name = optarg; break;
		case 'f': a->file = optarg; break;
		case 'p': a->plugin = optarg; break;
		case 's': a->symbol = optarg; break;
		case 'l': a->level = (int)number(optarg, 0, 100); break;
		case 'P': a->parent = (pid_t)number(optarg, 1, INT32_MAX); break;
		default: return -1;
		}
	}
	return optind == argc && a->name && a->file && a->plugin &&
		       a->symbol && a->level >= 0 && a->parent > 0 ? 0 : -1;
}
