/*
 * backoff.c: see backoff.h.
 */
#include "backoff.h"

int64_t backoff_delay(unsigned failures, int64_t uptime_ms,
		      const struct restart_policy *policy,
		      unsigned *next_failures)
{
	int64_t delay = policy->delay_ms;
	unsigned i;

	if (uptime_ms >= policy->reset_after_ms)
		failures = 0;
	/* Doubling stops at the cap, so the loop is short and cannot overflow. */
	for (i = 0; i < failures && delay < policy->max_delay_ms; i++)
		delay *= 2;
	if (delay > policy->max_delay_ms)
		delay = policy->max_delay_ms;
	*next_failures = failures + 1 < failures ? failures : failures + 1;
	return delay;
}
