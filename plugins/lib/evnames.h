/*
 * evnames: inotify mask bits <-> names ("create", "close_write", ...),
 * shared by the shipped plugins (compiled into each: plugins see only the
 * public header, never igor's internals).
 */
#ifndef IGOR_PLUGINS_EVNAMES_H
#define IGOR_PLUGINS_EVNAMES_H

#include <stddef.h>
#include <stdint.h>

/*
 * Writes the names of mask's bits, lower case without IN_, joined by
 * commas ("create,isdir"), into buf (len bytes, NUL-terminated).
 * Returns buf.
 */
char *evnames_format(uint32_t mask, char *buf, size_t len);

/* The bit(s) of one name ("close" and "move" are two bits); 0 if unknown. */
uint32_t evnames_parse(const char *name);

#endif /* IGOR_PLUGINS_EVNAMES_H */
