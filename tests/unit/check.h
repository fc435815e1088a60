/*
 * check.h: the unit tests' assertions, in collectd's testing.h manner.
 *
 * Each CHECK prints a TAP line "ok N - what" or "not ok N - what: got X,
 * want Y"; check_done() prints the plan and returns the exit status.
 * tests/run.sh adds the lines of every test program to one total.
 */
#ifndef IGOR_TESTS_CHECK_H
#define IGOR_TESTS_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <stdarg.h>

static int check_n, check_failed;

/* Formats a title; long subjects are cut, which is fine for a title. */
static inline __attribute__((format(printf, 3, 4))) void
check_what(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

static inline int check_report(int ok, const char *what)
{
	check_n++;
	if (!ok)
		check_failed++;
	printf("%sok %d - %s", ok ? "" : "not ", check_n, what);
	return ok;
}

#define CHECK(cond, ...)                                                     \
	do {                                                                 \
		char what_[512];                                             \
		check_what(what_, sizeof(what_), __VA_ARGS__);                 \
		check_report(!!(cond), what_);                               \
		printf("\n");                                                \
	} while (0)

#define CHECK_INT(got, want, ...)                                            \
	do {                                                                 \
		long long g_ = (long long)(got), w_ = (long long)(want);     \
		char what_[512];                                             \
		check_what(what_, sizeof(what_), __VA_ARGS__);                 \
		if (check_report(g_ == w_, what_))                           \
			printf(" = %lld\n", g_);                             \
		else                                                         \
			printf(": got %lld, want %lld\n", g_, w_);           \
	} while (0)

#define CHECK_STR(got, want, ...)                                            \
	do {                                                                 \
		const char *g_ = (got), *w_ = (want);                        \
		char what_[512];                                             \
		check_what(what_, sizeof(what_), __VA_ARGS__);                 \
		int ok_ = (g_ == NULL && w_ == NULL) ||                      \
			  (g_ && w_ && strcmp(g_, w_) == 0);                 \
		if (check_report(ok_, what_))                                \
			printf("\n");                                        \
		else                                                         \
			printf(": got '%s', want '%s'\n", g_ ? g_ : "(null)", \
			       w_ ? w_ : "(null)");                          \
	} while (0)

static inline int check_done(void)
{
	printf("1..%d\n", check_n);
	return check_failed ? 1 : 0;
}

#endif /* IGOR_TESTS_CHECK_H */
