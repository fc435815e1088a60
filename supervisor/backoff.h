/*
 * backoff: the restart delay, as pure arithmetic (no clock): the delay
 * starts at policy->delay_ms, doubles after each consecutive failure up to
 * max_delay_ms, and a worker that stayed up reset_after_ms starts over.
 */
#ifndef IGOR_SUP_BACKOFF_H
#define IGOR_SUP_BACKOFF_H

#include <stdint.h>

#include "conf.h"

/*
 * failures: consecutive failures before this one; uptime_ms: how long the
 * worker that just ended ran.  Returns the delay before the next start and
 * stores the new count of consecutive failures in *next_failures.
 */
int64_t backoff_delay(unsigned failures, int64_t uptime_ms,
		      const struct restart_policy *policy,
		      unsigned *next_failures);

#endif /* IGOR_SUP_BACKOFF_H */
