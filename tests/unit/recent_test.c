/*
 * recent_test: what a walk did lately (worker/recent.c): names reported
 * by synthetic creates, directories scanned, and the window of bytes
 * after which none of them can be repeated.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "recent.h"

static void test_names(void)
{
	struct recent r = { 0 };
	char name[16];
	int i, bad = 0;

	CHECK(recent_empty(&r), "a new set is empty");
	CHECK(!recent_has_name(&r, 1, "a", 1), "an empty set has no name");
	recent_add_name(&r, 1, "abc", 3);
	CHECK(recent_has_name(&r, 1, "abc", 3), "a name added is there");
	CHECK(!recent_has_name(&r, 2, "abc", 3), "under its directory's wd only");
	CHECK(!recent_has_name(&r, 1, "ab", 2), "a prefix is another name");
	CHECK(recent_has_name(&r, 1, "abcd", 3), "the length given counts");
	recent_add_name(&r, 1, "abc", 3);
	CHECK_INT(r.nnames, 1, "a name added twice is kept once");
	recent_del_name(&r, 1, "abc", 3);
	CHECK(!recent_has_name(&r, 1, "abc", 3), "a name deleted is gone");
	for (i = 0; i < 10000; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		recent_add_name(&r, i % 7, name, strlen(name));
	}
	for (i = 0; i < 10000; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		bad += !recent_has_name(&r, i % 7, name, strlen(name));
	}
	CHECK_INT(bad, 0, "10 000 names found after the set grew");
	recent_clear(&r);
	CHECK(recent_empty(&r) && !recent_has_name(&r, 0, "n0", 2),
	      "cleared: empty");
}

static void test_dirs(void)
{
	struct recent r = { 0 };
	int i, bad = 0;

	recent_add_dir(&r, 5);
	CHECK(recent_has_dir(&r, 5) && !recent_has_dir(&r, 6), "a dir added is there");
	recent_add_dir(&r, 0);
	recent_add_dir(&r, -1);
	CHECK_INT(r.ndirs, 1, "no wd below 1 is kept");
	for (i = 1; i <= 100000; i++)
		recent_add_dir(&r, i * 3);
	for (i = 1; i <= 100000; i++)
		bad += !recent_has_dir(&r, i * 3) || recent_has_dir(&r, i * 3 + 1);
	CHECK_INT(bad, 0, "100 000 dirs after growth, and no others");
	recent_clear(&r);
}

static void test_window(void)
{
	struct recent r = { 0 };

	CHECK(!recent_expired(&r), "an empty set never expires");
	recent_add_name(&r, 1, "x", 1);
	recent_window(&r, 100);
	CHECK(!recent_expired(&r), "bytes waiting: not expired");
	recent_take(&r, 60);
	CHECK(!recent_expired(&r), "40 bytes still waiting");
	recent_take(&r, 60);
	CHECK(recent_expired(&r), "all taken (and more): expired");
	recent_window(&r, 0);
	CHECK(recent_expired(&r), "a window of 0: expired at once");
	recent_clear(&r);
}

int main(void)
{
	test_names();
	test_dirs();
	test_window();
	return check_done();
}
