/*
 * log_test: the log line's escaping and level names, table by table.
 *
 * Inputs are byte strings (with their length, so NUL counts); wants are
 * the escaped text as log_escape writes it.
 */
#include "check.h"
#include "log.h"

#include <string.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define IN(lit) lit, sizeof(lit) - 1

static const struct {
	const char *what;
	const char *in;
	size_t len;
	const char *want;
} escapes[] = {
	{ "plain ASCII", IN("started web"), "started web" },
	{ "C0 escapes", IN("a\nb\tc\rd"), "a\\nb\\tc\\rd" },
	{ "backslash", IN("C:\\x"), "C:\\\\x" },
	{ "ESC", IN("\x1b[31m"), "\\x1b[31m" },
	{ "NUL", IN("a\0b"), "a\\x00b" },
	{ "DEL", IN("\x7f"), "\\x7f" },
	{ "U+009B (CSI) as UTF-8", IN("\xc2\x9b" "2J"), "\\xc2\\x9b2J" },
	{ "U+0080, first C1", IN("\xc2\x80"), "\\xc2\\x80" },
	{ "U+009F, last C1", IN("\xc2\x9f"), "\\xc2\\x9f" },
	{ "U+00A0 passes", IN("\xc2\xa0"), "\xc2\xa0" },
	{ "U+00E9 passes", IN("caf\xc3\xa9"), "caf\xc3\xa9" },
	{ "3-byte UTF-8 passes", IN("\xe2\x82\xac"), "\xe2\x82\xac" },
	{ "4-byte UTF-8 passes", IN("\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80" },
	{ "U+2028 passes", IN("\xe2\x80\xa8"), "\xe2\x80\xa8" },
	{ "raw 0x9b", IN("\x9b" "2J"), "\\x9b2J" },
	{ "raw 0x80 and 0x9f", IN("\x80\x9f"), "\\x80\\x9f" },
	{ "raw 0xe9 (Latin-1 e acute)", IN("caf\xe9"), "caf\\xe9" },
	{ "raw 0xa0 and 0xff", IN("\xa0\xff"), "\\xa0\\xff" },
	{ "lead byte cut short", IN("a\xc3"), "a\\xc3" },
	{ "3-byte sequence cut short", IN("\xe2\x82z"), "\\xe2\\x82z" },
	{ "overlong NUL", IN("\xc0\x80"), "\\xc0\\x80" },
	{ "overlong slash", IN("\xe0\x80\xaf"), "\\xe0\\x80\\xaf" },
	{ "surrogate U+D800", IN("\xed\xa0\x80"), "\\xed\\xa0\\x80" },
	{ "above U+10FFFF", IN("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80" },
	{ "0xf5 never starts UTF-8", IN("\xf5\x80\x80\x80"),
	  "\\xf5\\x80\\x80\\x80" },
	{ "C1 after a cut sequence", IN("\xe2\xc2\x9b"), "\\xe2\\xc2\\x9b" },
};

static void test_escapes(void)
{
	char got[256];
	size_t i, n;

	for (i = 0; i < NELEM(escapes); i++) {
		n = log_escape(got, sizeof(got), escapes[i].in, escapes[i].len);
		CHECK_STR(got, escapes[i].want, "escape: %s", escapes[i].what);
		CHECK_INT(n, strlen(escapes[i].want), "escape: %s: length",
			  escapes[i].what);
	}
}

/* A short buffer cuts before an escape or a sequence, never inside. */
static const struct {
	const char *what;
	const char *in;
	size_t len, cap;
	const char *want;
} cuts[] = {
	{ "escape does not fit", IN("ab\x1b"), 6, "ab" },
	{ "escape just fits", IN("ab\x1b"), 7, "ab\\x1b" },
	{ "C1 cut between its two escapes", IN("a\xc2\x9b"), 9, "a\\xc2" },
	{ "UTF-8 sequence does not fit", IN("a\xe2\x82\xac"), 4, "a" },
	{ "no room at all", IN("abc"), 1, "" },
};

static void test_cuts(void)
{
	char got[64];
	size_t i;

	for (i = 0; i < NELEM(cuts); i++) {
		memset(got, 'X', sizeof(got));
		log_escape(got, cuts[i].cap, cuts[i].in, cuts[i].len);
		CHECK_STR(got, cuts[i].want, "cut: %s", cuts[i].what);
	}
}

/* Names, and the syslog severities the journal and syslog carry. */
static const struct {
	int level;
	const char *want;
	int priority;
} names[] = {
	{ LOG_LVL_DEBUG, "DEBUG", 7 },	     { LOG_LVL_INFO, "INFO", 6 },
	{ LOG_LVL_WARNING, "WARNING", 4 },   { LOG_LVL_ERROR, "ERROR", 3 },
	{ LOG_LVL_CRITICAL, "CRITICAL", 2 }, { 25, "INFO", 6 },
	{ 51, "CRITICAL", 2 },		     { 200, "CRITICAL", 2 },
	{ 9, "DEBUG", 7 },		     { 0, "DEBUG", 7 },
	{ -5, "DEBUG", 7 },
};

static void test_level_names(void)
{
	size_t i;

	for (i = 0; i < NELEM(names); i++) {
		CHECK_STR(log_level_name(names[i].level), names[i].want,
			  "level %d is named", names[i].level);
		CHECK_INT(log_level_priority(names[i].level), names[i].priority,
			  "level %d has the syslog priority", names[i].level);
	}
}

int main(void)
{
	test_escapes();
	test_cuts();
	test_level_names();
	return check_done();
}
