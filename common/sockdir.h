/*
 * sockdir: may igor listen, and igorctl connect, in the control socket's
 * directory?  One judgement for both programs (SPEC, "Environment and
 * files"; tmux's and ssh-agent's rule).
 *
 * The default socket's directory of a non-root user (/tmp/igor-UID, or
 * $XDG_RUNTIME_DIR itself) sits where others may create things first: it
 * is used only when it is a real directory (opened with O_NOFOLLOW, then
 * judged by fstat), owned by the user and not writable by group or
 * others.  A socket the user named (-s, IGOR_SOCKET, socket:), and root's
 * default, need only a directory that others may not write to without
 * the sticky bit: whoever can write there can replace the socket.
 */
#ifndef IGOR_SOCKDIR_H
#define IGOR_SOCKDIR_H

#include <stdbool.h>
#include <stddef.h>

#include "paths.h"
#include "util.h"

/* Is path this user's default socket, which the strict rule guards?  Root's
 * default (/run/igor, which only root can create) is not.  env NULL reads
 * the process's environment. */
bool sockdir_is_user_default(const char *path, paths_getenv_fn *env);

/*
 * Judges the directory of the socket path (strict: as the user's default).
 * Returns 0 when usable.  Returns -1 with errno ENOENT when the directory
 * does not exist (no refusal: igor creates it; why then says so), or with
 * another errno and why saying, with the path, why it is refused:
 *     cannot use 'DIR' for the socket: a symbolic link
 *     cannot use 'DIR' for the socket: not a directory
 *     cannot use 'DIR' for the socket: owned by uid N, not uid M
 *     cannot use 'DIR' for the socket: writable by group or others
 *     cannot use 'DIR' for the socket: writable by others
 *     cannot check 'DIR': STRERROR
 */
int sockdir_check(const char *path, bool strict, struct why *why);

#endif /* IGOR_SOCKDIR_H */
