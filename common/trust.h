/*
 * trust: sshd's StrictModes for the files igor takes code and settings
 * from.  igor runs as root and loads plugins: a plugin config or plugin
 * .so that anyone but root could change would hand that someone root.
 *
 * A path is trusted when the file and every directory above it, up to /,
 * are owned by root and writable by nobody else.  A directory writable by
 * all that is sticky and owned by root (/tmp) is allowed: others may add
 * entries there but not replace root's.  Symbolic links are followed (the
 * target is checked), and the directory holding the link is checked too.
 */
#ifndef IGOR_TRUST_H
#define IGOR_TRUST_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util.h"

/*
 * Is the check wanted: does this process run as root, or does the
 * supervisor that started it (pid > 0; a worker that dropped privileges
 * asks about its parent)?  A non-root igor trusts its user's files.
 */
bool trust_is_required(pid_t supervisor);

/*
 * Checks path as above.  Returns 0 when trusted or when path does not
 * exist (whoever opens it then says so).  Otherwise returns -1 with why
 * saying why, naming the file or directory at fault:
 *     'FILE' is writable by group or others
 *     'FILE' is owned by uid N, not root
 *     cannot check 'FILE': STRERROR
 */
int trust_check(const char *path, struct why *why);

#endif /* IGOR_TRUST_H */
