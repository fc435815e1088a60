/*
 * ctr_decide: what containers.so does next for one link, from what it
 * knows; a pure function, so that every case is a row of a unit test
 * (tests/unit/ctr_decide_test.c).
 */
#ifndef IGOR_CTR_DECIDE_H
#define IGOR_CTR_DECIDE_H

#include <stdbool.h>

/* What is known of a link (or stray) once its turn has come. */
struct ctr_facts {
	bool stray;        /* runs with no link: only a stop is possible */
	bool want;         /* the link resolves to a target */
	bool problem;      /* the link is there but unusable (dangling...) */
	bool runs;         /* its {name} runs (see ctr.h: what runs) */
	bool known;        /* igor knows the target of what runs for it */
	bool same;         /* ...and it is the target the link resolves to */
	bool elsewhere;    /* another link resolves to a target for {name} */
};

enum ctr_act {
	CTR_KEEP,   /* as it should be: nothing to do */
	CTR_ADOPT,  /* runs already, target unknown: take the link's */
	CTR_START,
	CTR_STOP,   /* stops what runs (with the target it was started with) */
	CTR_FORGET, /* nothing runs and nothing is wanted: drop the entry */
};

enum ctr_act ctr_decide(const struct ctr_facts *f);

#endif /* IGOR_CTR_DECIDE_H */
