/*
 * plugname: what a plugin name may be (SPEC.md, "Plugin configs"):
 * letters, digits, '.', '_' and '-', not starting with '-', 1 to
 * PLUGNAME_MAX bytes.  The config loader, the control protocol and igorctl
 * all ask here, so a name one accepts the others accept too.
 */
#ifndef IGOR_PLUGNAME_H
#define IGOR_PLUGNAME_H

#include <stdbool.h>
#include <stddef.h>

enum { PLUGNAME_MAX = 64 };

/* Is name[0..len) a valid plugin name?  name need not be NUL-terminated;
 * a NUL inside it makes it invalid. */
bool plugname_is_valid(const char *name, size_t len);

#endif /* IGOR_PLUGNAME_H */
