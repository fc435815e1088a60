/*
 * backoff_test: the restart delay as pure arithmetic.
 */
#include "backoff.h"
#include "check.h"

static const struct restart_policy spec = { 100, 30000, 60000 };

int main(void)
{
	static const struct {
		unsigned failures;
		long long uptime_ms, want_delay;
		unsigned want_next;
	} t[] = {
		{ 0, 0, 100, 1 },         { 1, 5, 200, 2 },
		{ 2, 5, 400, 3 },         { 3, 5, 800, 4 },
		{ 8, 5, 25600, 9 },       { 9, 5, 30000, 10 },
		{ 10, 5, 30000, 11 },     { 4000000000u, 5, 30000, 4000000001u },
		{ 12, 59999, 30000, 13 }, { 12, 60000, 100, 1 },
		{ 3, 600000, 100, 1 },
	};
	struct restart_policy tiny = { 1, 1, 10 };
	unsigned next, i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		long long d = backoff_delay(t[i].failures, t[i].uptime_ms, &spec,
					    &next);

		CHECK_INT(d, t[i].want_delay, "delay after %u failures, up %lld ms",
			  t[i].failures, t[i].uptime_ms);
		CHECK_INT(next, t[i].want_next, "failures counted after %u",
			  t[i].failures);
	}
	CHECK_INT(backoff_delay(0xffffffffu, 0, &spec, &next), 30000,
		  "no overflow at the largest count");
	CHECK_INT(next, 0xffffffffu, "the count saturates");
	CHECK_INT(backoff_delay(5, 0, &tiny, &next), 1, "a 1 ms policy stays 1 ms");
	return check_done();
}
