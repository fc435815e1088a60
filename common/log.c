/*
 * log.c: the line format and the stderr sink (see log.h).
 */
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static int threshold = LOG_LVL_CRITICAL;

void log_set_threshold(int level)
{
	threshold = level;
}

int log_threshold(void)
{
	return threshold;
}

int log_level_from_verbosity(int v)
{
	static const int by_count[] = { LOG_LVL_CRITICAL, LOG_LVL_ERROR,
					LOG_LVL_WARNING, LOG_LVL_INFO,
					LOG_LVL_DEBUG };

	if (v < 0)
		v = 0;
	if (v > 4)
		v = 4;
	return by_count[v];
}

static const struct {
	int level;
	const char *name;
	int priority; /* syslog(3)'s LOG_CRIT ... LOG_DEBUG */
} level_names[] = {
	{ LOG_LVL_CRITICAL, "CRITICAL", 2 }, { LOG_LVL_ERROR, "ERROR", 3 },
	{ LOG_LVL_WARNING, "WARNING", 4 },   { LOG_LVL_INFO, "INFO", 6 },
	{ LOG_LVL_DEBUG, "DEBUG", 7 },
};

int log_level_parse(const char *name)
{
	size_t i;

	for (i = 0; name && i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (strcasecmp(name, level_names[i].name) == 0)
			return level_names[i].level;
	return -1;
}

const char *log_level_name(int level)
{
	size_t i;

	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (level >= level_names[i].level)
			return level_names[i].name;
	return "DEBUG";
}

int log_level_priority(int level)
{
	size_t i;

	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (level >= level_names[i].level)
			return level_names[i].priority;
	return 7;
}

/*
 * The length of the valid UTF-8 sequence at s[0..len) (1 to 4), or 0 when
 * s[0] starts none: a stray continuation byte, an overlong form, a
 * surrogate, a code point above U+10FFFF or a sequence cut short.
 */
static size_t utf8_len(const unsigned char *s, size_t len)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	n = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	if (s[0] == 0xe0)
		lo = 0xa0; /* overlong below U+0800 */
	else if (s[0] == 0xed)
		hi = 0x9f; /* surrogates U+D800..U+DFFF */
	else if (s[0] == 0xf0)
		lo = 0x90; /* overlong below U+10000 */
	else if (s[0] == 0xf4)
		hi = 0x8f; /* above U+10FFFF */
	if (len < n || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

/* The escape of byte c: "\\n", "\\t", "\\r", "\\\\" or "\\xHH" in tmp. */
static const char *escape_of(unsigned char c, char tmp[5])
{
	switch (c) {
	case '\n': return "\\n";
	case '\t': return "\\t";
	case '\r': return "\\r";
	case '\\': return "\\\\";
	}
	snprintf(tmp, 5, "\\x%02x", c);
	return tmp;
}

/*
 * How many bytes at s[0..len) are written as they are: a printable ASCII
 * byte, or a whole valid UTF-8 sequence other than a C1 control (U+0080 to
 * U+009F: 0xc2 0x80..0x9f).  0 means s[0] is escaped, alone: so a C1
 * control becomes two escapes (its second byte is then a stray
 * continuation byte), and so does every byte outside valid UTF-8, which
 * keeps each line valid UTF-8.
 */
static size_t plain_len(const unsigned char *s, size_t len)
{
	size_t n = utf8_len(s, len);

	if (n == 1)
		return s[0] < 0x20 || s[0] == 0x7f || s[0] == '\\' ? 0 : 1;
	if (n == 2 && s[0] == 0xc2 && s[1] <= 0x9f)
		return 0;
	return n;
}

size_t log_escape(char *dst, size_t cap, const char *src, size_t len)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t n = 0, i = 0, plain, elen;
	const char *e = NULL;
	char tmp[5];

	if (!cap)
		return 0;
	while (i < len) {
		plain = plain_len(s + i, len - i);
		if (!plain)
			e = escape_of(s[i], tmp);
		elen = plain ? plain : strlen(e);
		if (n + elen >= cap)
			break;
		memcpy(dst + n, plain ? src + i : e, elen);
		n += elen;
		i += plain ? plain : 1;
	}
	dst[n] = '\0';
	return n;
}

/* "2026-11-25T15:04:05.123" in local time. */
static size_t format_time(char *dst, size_t cap, const struct timespec *ts)
{
	struct tm tm;
	size_t n;

	localtime_r(&ts->tv_sec, &tm);
	n = strftime(dst, cap, "%Y-%m-%dT%H:%M:%S", &tm);
	n += (size_t)snprintf(dst + n, cap - n, ".%03ld", ts->tv_nsec / 1000000);
	return n;
}

size_t log_format(char *line, const struct timespec *when, int level,
		  const char *source, const char *msg, size_t len)
{
	size_t n;

	n = format_time(line, LOG_LINE_MAX, when);
	n += (size_t)snprintf(line + n, LOG_LINE_MAX - n, " %s %s: ",
			      log_level_name(level), source);
	if (n >= LOG_LINE_MAX - 2)
		n = LOG_LINE_MAX - 2;
	n += log_escape(line + n, LOG_LINE_MAX - n - 1, msg, len);
	line[n++] = '\n';
	return n;
}

static log_output_fn *output;

void log_set_output(log_output_fn *fn)
{
	output = fn;
}

void log_line(int level, const char *source, const struct log_about *about,
	      const char *msg, size_t len)
{
	char line[LOG_LINE_MAX];
	struct timespec now;
	size_t n;
	ssize_t w;
	int saved = errno;

	clock_gettime(CLOCK_REALTIME, &now);
	if (output) {
		output(level, &now, source, about, msg, len);
		errno = saved;
		return;
	}
	n = log_format(line, &now, level, source, msg, len);
	do
		w = write(STDERR_FILENO, line, n);
	while (w < 0 && errno == EINTR);
	errno = saved;
}

void log_vabout(int level, const struct log_about *about, const char *fmt,
		va_list ap)
{
	char msg[8192];
	int n;

	if (!log_enabled(level))
		return;
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(msg))
		n = sizeof(msg) - 1;
	log_line(level, "igor", about, msg, (size_t)n);
}

void log_vmsg(int level, const char *fmt, va_list ap)
{
	log_vabout(level, NULL, fmt, ap);
}

void log_about(int level, const struct log_about *about, const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	log_vabout(level, about, fmt, ap);
	va_end(ap);
	errno = saved;
}

void log_msg(int level, const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
	errno = saved;
}

int log_errno(int level, const char *fmt, ...)
{
	char msg[8192];
	va_list ap;
	int saved = errno;

	if (log_enabled(level)) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		log_msg(level, "%s: %s", msg, strerror(saved));
	}
	errno = saved;
	return -1;
}
