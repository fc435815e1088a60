/*
 * util: small fd, time and path helpers that every program needs.
 */
#ifndef IGOR_UTIL_H
#define IGOR_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
