/*
 * evnames.c: see evnames.h.
 */
#include "evnames.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/inotify.h>

static const struct {
	uint32_t bit;
	const char *name;
} names[] = {
	{ IN_ACCESS, "access" },           { IN_MODIFY, "modify" },
	{ IN_ATTRIB, "attrib" },           { IN_CLOSE_WRITE, "close_write" },
	{ IN_CLOSE_NOWRITE, "close_nowrite" }, { IN_OPEN, "open" },
	{ IN_MOVED_FROM, "moved_from" },   { IN_MOVED_TO, "moved_to" },
	{ IN_CREATE, "create" },           { IN_DELETE, "delete" },
	{ IN_DELETE_SELF, "delete_self" }, { IN_MOVE_SELF, "move_self" },
	{ IN_UNMOUNT, "unmount" },         { IN_Q_OVERFLOW, "q_overflow" },
	{ IN_IGNORED, "ignored" },         { IN_ISDIR, "isdir" },
};

char *evnames_format(uint32_t mask, char *buf, size_t len)
{
	size_t i, n = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(mask & names[i].bit))
			continue;
		n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s",
				      n ? "," : "", names[i].name);
		if (n >= len)
			break;
	}
	return buf;
}

uint32_t evnames_parse(const char *name)
{
	size_t i;

	if (strcasecmp(name, "close") == 0)
		return IN_CLOSE;
	if (strcasecmp(name, "move") == 0)
		return IN_MOVE;
	if (strcasecmp(name, "all") == 0)
		return IN_ALL_EVENTS;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(name, names[i].name) == 0)
			return names[i].bit;
	return 0;
}
