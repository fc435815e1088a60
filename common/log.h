/*
 * log: levels, the one line format with its escaping, and where lines go:
 * straight to stderr, or to the output a program installs (igor's sink).
 *
 * A line reads "2026-11-25T15:04:05.123 INFO plugin web: message": local
 * time to the millisecond, the level, the source ("igor" or "plugin
 * NAME"), a colon and the message, with control characters and
 * backslashes written as C escapes so one record is always one line.
 *
 * The threshold and the output hook are process-wide state, as is ev.c's
 * loop (and spawn.c's limit for children): a process has one log, one
 * loop and one set of limits.
 */
#ifndef IGOR_LOG_H
#define IGOR_LOG_H

#include <stdarg.h>
#include <stddef.h>
#include <time.h>

/* The values of the ABI's IGOR_DEBUG...IGOR_CRITICAL. */
enum log_level {
	LOG_LVL_DEBUG = 10,
	LOG_LVL_INFO = 20,
	LOG_LVL_WARNING = 30,
	LOG_LVL_ERROR = 40,
	LOG_LVL_CRITICAL = 50,
};

enum { LOG_LINE_MAX = 4 * 8192 + 128 }; /* escaped message + prefix */

/* Lines below level are dropped; default LOG_LVL_CRITICAL. */
void log_set_threshold(int level);
int log_threshold(void);
static inline int log_enabled(int level)
{
	return level >= log_threshold();
}

/* -v count to level: 0 CRITICAL, 1 ERROR, 2 WARNING, 3 INFO, 4+ DEBUG. */
int log_level_from_verbosity(int v);

/* "info", "INFO", ... to a level; -1 when not a level name. */
int log_level_parse(const char *name);

/* "INFO"...; a level between names takes the name below it. */
const char *log_level_name(int level);

/*
 * The syslog(3) severity of a level, as the journal's PRIORITY and
 * syslog's PRI carry it: CRITICAL 2, ERROR 3, WARNING 4, INFO 6, DEBUG 7;
 * a level between names takes the name below it, as log_level_name.
 */
int log_level_priority(int level);

/*
 * Writes src[0..len) into dst (cap bytes) with C escapes for control
 * characters (C0, DEL and C1: U+0080..U+009F), backslash, and every byte
 * that is not part of valid UTF-8: "\n", "\t", "\r", "\\", else "\xHH"
 * per byte (U+009B is "\xc2\x9b", a stray 0x9b "\x9b", a stray 0xe9
 * "\xe9").  Other valid UTF-8 passes through, so a line is always valid
 * UTF-8 and drives no terminal.  Always NUL-terminates when cap > 0.
 * Returns the length written; stops early rather than split an escape or
 * a UTF-8 sequence.
 */
size_t log_escape(char *dst, size_t cap, const char *src, size_t len);

/*
 * Formats one line into line (LOG_LINE_MAX bytes): when in local time,
 * the level's name, source, ": ", msg[0..len) escaped, '\n'.  Returns its
 * length, the newline included (no NUL).
 */
size_t log_format(char *line, const struct timespec *when, int level,
		  const char *source, const char *msg, size_t len);

/*
 * Whom a line is from or about, beyond its source: a plugin's own lines,
 * and igor's lines about one (its start, its exit), carry the plugin's
 * name and its worker's pid, which the journal records as IGOR_PLUGIN and
 * IGOR_WORKER_PID.  NULL (or a NULL plugin) for igor's other lines.
 */
struct log_about {
	const char *plugin;
	int pid; /* 0: no process */
};

/*
 * Formats and writes one line to stderr with a single write(2), whatever
 * the threshold (the caller filtered), or hands it to the output set with
 * log_set_output.  msg need not be NUL-terminated; about may be NULL.
 */
void log_line(int level, const char *source, const struct log_about *about,
	      const char *msg, size_t len);

/*
 * Where log_line's lines go instead of a direct write to fd 2: the
 * supervisor's sink (supervisor/sink.h), so that igor's loop never blocks
 * on its own output.  when is the time the line was logged; source,
 * about and msg are borrowed for the call.  igorctl, igor -t and the
 * worker set none and write directly.
 */
typedef void log_output_fn(int level, const struct timespec *when,
			   const char *source, const struct log_about *about,
			   const char *msg, size_t len);

/* Installs fn (NULL: back to the direct write).  Not thread-safe: called
 * by the supervisor's loop thread, as every log_* is. */
void log_set_output(log_output_fn *fn);

/* printf-style: logs as source "igor" when level passes the threshold. */
void log_msg(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void log_vmsg(int level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* As log_msg, for a line of igor's about a plugin (about may be NULL). */
void log_about(int level, const struct log_about *about, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void log_vabout(int level, const struct log_about *about, const char *fmt,
		va_list ap) __attribute__((format(printf, 3, 0)));

/* As log_msg, with ": strerror(errno)" added; returns -1, errno kept. */
int log_errno(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_LVL_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_LVL_WARNING, __VA_ARGS__)
#define log_error(...) log_msg(LOG_LVL_ERROR, __VA_ARGS__)
#define log_critical(...) log_msg(LOG_LVL_CRITICAL, __VA_ARGS__)

#endif /* IGOR_LOG_H */
