/*
 * ctr_decide_test: containers.so's decision, one row per case: what the
 * link says and what runs, and what must happen next.
 */
#include "check.h"
#include "ctr_decide.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *const act_names[] = {
	[CTR_KEEP] = "keep", [CTR_ADOPT] = "adopt", [CTR_START] = "start",
	[CTR_STOP] = "stop", [CTR_FORGET] = "forget",
};

static const struct {
	const char *what;
	struct ctr_facts f;
	enum ctr_act want;
} rows[] = {
	{ "a new link, nothing runs: start",
	  { .want = true }, CTR_START },
	{ "a link that runs with its target: keep (a restart starts nothing)",
	  { .want = true, .runs = true, .known = true, .same = true }, CTR_KEEP },
	{ "a link whose name runs, target unknown (first list): adopt",
	  { .want = true, .runs = true }, CTR_ADOPT },
	{ "a link retargeted while it runs: stop first",
	  { .want = true, .runs = true, .known = true }, CTR_STOP },
	{ "a link whose container vanished: start again",
	  { .want = true, .known = true, .same = true }, CTR_START },
	{ "a link removed while it runs: stop",
	  { .runs = true, .known = true }, CTR_STOP },
	{ "a link removed, nothing runs (its start failed): forget, no stop",
	  { .known = true }, CTR_FORGET },
	{ "a removed link whose name another link wants: leave it running",
	  { .runs = true, .known = true, .elsewhere = true }, CTR_FORGET },
	{ "a dangling link, nothing runs: keep its entry, start nothing",
	  { .problem = true }, CTR_KEEP },
	{ "a link that became dangling while it runs: stop",
	  { .problem = true, .runs = true, .known = true }, CTR_STOP },
	{ "a stray that runs: stop",
	  { .stray = true, .runs = true }, CTR_STOP },
	{ "a stray that stopped running: forget",
	  { .stray = true }, CTR_FORGET },
};

int main(void)
{
	size_t i;
	enum ctr_act got;

	for (i = 0; i < NELEM(rows); i++) {
		got = ctr_decide(&rows[i].f);
		CHECK_STR(act_names[got], act_names[rows[i].want], "%s",
			  rows[i].what);
	}
	return check_done();
}
