/*
 * rfc3164_test: syslog datagrams as igor sends them to /dev/log: the
 * facility names of syslog_facility, PRI = facility * 8 + severity, the
 * "Mmm dd hh:mm:ss" timestamp (day padded with a space, English months),
 * no hostname, igor[PID], and the message escaped as on stderr.
 */
#include "check.h"
#include "log.h"
#include "rfc3164.h"

#include <stdlib.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	const char *name;
	int want;
} facilities[] = {
	{ "daemon", 3 },  { "user", 1 },    { "local0", 16 }, { "local1", 17 },
	{ "local6", 22 }, { "local7", 23 }, { "local8", -1 }, { "local", -1 },
	{ "local00", -1 }, { "Daemon", -1 }, { "kern", -1 },  { "", -1 },
	{ "auth", -1 },
};

static void test_facilities(void)
{
	size_t i;

	for (i = 0; i < NELEM(facilities); i++)
		CHECK_INT(rfc3164_facility_parse(facilities[i].name),
			  facilities[i].want, "facility '%s'", facilities[i].name);
}

static const struct {
	time_t t;
	const char *want;
} stamps[] = {
	{ 0, "Jan  1 00:00:00" },
	{ 1700000000, "Nov 14 22:13:20" },
	{ 1709251199, "Feb 29 23:59:59" },
	{ 1717200000, "Jun  1 00:00:00" },
};

static void test_timestamps(void)
{
	char buf[16];
	size_t i;

	for (i = 0; i < NELEM(stamps); i++) {
		CHECK_INT(rfc3164_timestamp(buf, stamps[i].t), 15,
			  "timestamp of %lld is 15 bytes", (long long)stamps[i].t);
		CHECK_STR(buf, stamps[i].want, "timestamp of %lld",
			  (long long)stamps[i].t);
	}
}

static const struct {
	int level, facility;
	const char *source, *msg, *want;
} lines[] = {
	{ LOG_LVL_WARNING, 3, "plugin web", "a\nb\x1b\\ \xc3\xa9",
	  "<28>Nov 14 22:13:20 igor[42]: plugin web: a\\nb\\x1b\\\\ \xc3\xa9" },
	{ LOG_LVL_CRITICAL, 23, "igor", "stopped",
	  "<186>Nov 14 22:13:20 igor[42]: stopped" },
	{ LOG_LVL_DEBUG, 1, "plugin x", "raw \x9b",
	  "<15>Nov 14 22:13:20 igor[42]: plugin x: raw \\x9b" },
	{ LOG_LVL_INFO, 16, "igor", "", "<134>Nov 14 22:13:20 igor[42]: " },
	{ LOG_LVL_ERROR, 3, "igor", "e", "<27>Nov 14 22:13:20 igor[42]: e" },
};

static void test_lines(void)
{
	char buf[RFC3164_MAX + 1];
	struct sink_rec r = { .when = { .tv_sec = 1700000000 } };
	size_t i, n;

	for (i = 0; i < NELEM(lines); i++) {
		r.level = lines[i].level;
		r.source = lines[i].source;
		r.msg = lines[i].msg;
		r.len = strlen(lines[i].msg);
		n = rfc3164_format(buf, lines[i].facility, 42, &r);
		buf[n] = '\0';
		CHECK_STR(buf, lines[i].want, "datagram %zu", i);
	}
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	test_facilities();
	test_timestamps();
	test_lines();
	return check_done();
}
