/*
 * util: the error convention, and small fd, time and path helpers that
 * every program needs.
 *
 * Errors: one convention for all of igor.
 *
 *   - A function that acts returns int: 0 on success, -1 on failure with
 *     errno set, as the C library does.  A predicate returns bool and is
 *     named is_/has_.  Nothing returns a third value: a second result
 *     travels through an out-parameter.  Two kinds are not actions: a
 *     step that reads returns what read(2) would (a count, 0 at the end,
 *     -1 with errno), and an iterator returns 1 with an item, 0 when
 *     there is none yet, -1 on an error (rec_next).  A program's run
 *     (daemon_run, check_run) returns its exit status.
 *   - When the caller needs more than strerror(errno) (what was wrong with
 *     a record, why a plugin did not load), the function takes a
 *     struct why * as its last argument and fails with
 *         return why_set(why, EBADMSG, "unknown key %u", key);
 *     which fills the message, sets errno and returns -1.  The message
 *     says what failed first and quotes its subject, in git's grammar:
 *     "cannot open 'x.conf': Permission denied".
 *   - Config validators keep going after a problem, so that igor -t
 *     reports every one: they add FILE:LINE messages to a struct cfg_errs
 *     (cfg.h) and return -1 when they added one.
 *   - Logging and failing take one line (log.h):
 *         return log_errno(LOG_LVL_ERROR, "cannot open '%s'", path);
 */
#ifndef IGOR_UTIL_H
#define IGOR_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { WHY_MAX = 1024 };

/* Why something failed, for the caller to show; see above. */
struct why {
	char msg[WHY_MAX];
};

/* Fills why (may be NULL) from fmt, sets errno to err, returns -1. */
int why_set(struct why *why, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Closes fd when >= 0, keeps errno, and returns -1: fd = safe_close(fd). */
int safe_close(int fd);

/* Sets O_NONBLOCK / FD_CLOEXEC on fd.  Return 0, or -1 with errno. */
int fd_nonblock(int fd, bool on);
int fd_cloexec(int fd, bool on);

/* Milliseconds on CLOCK_MONOTONIC. */
int64_t now_ms(void);

/*
 * Joins dir and name with one '/' into a new string owned by the caller
 * (free()); an empty name gives a copy of dir.  NULL when out of memory.
 */
char *path_join(const char *dir, const char *name);

/* The directory part of path as a new string ("." for a bare name);
 * owned by the caller.  NULL when out of memory. */
char *path_dir(const char *path);

/* Writes all of buf, retrying short writes and EINTR.  0, or -1. */
int write_all(int fd, const void *buf, size_t len);

/*
 * In a child before exec: every signal to SIG_DFL and none blocked, so a
 * program never inherits igor's signal state (a blocked mask and ignored
 * signals survive exec).  Async-signal-safe.
 */
void sig_reset_all(void);

#endif /* IGOR_UTIL_H */
