/*
 * ctr_decide.c: see ctr_decide.h.  Level-triggered: the answer depends on
 * the state only, never on the event that led here, so a lost event, a
 * restart or a resync all end in the same place.
 */
#include "ctr_decide.h"

enum ctr_act ctr_decide(const struct ctr_facts *f)
{
	if (f->stray)
		return f->runs ? CTR_STOP : CTR_FORGET;
	if (f->want) {
		if (!f->runs)
			return CTR_START;
		if (!f->known)
			return CTR_ADOPT;
		/* Another target: stop it now, start this one after. */
		return f->same ? CTR_KEEP : CTR_STOP;
	}
	/* Not wanted by this link; another link of the same {name} may
	 * want it, and then what runs is that link's business. */
	if (f->runs && !f->elsewhere)
		return CTR_STOP;
	/* A name in the directory that is not a usable link is kept, so
	 * that its problem is said once, not at every resync. */
	return f->problem ? CTR_KEEP : CTR_FORGET;
}
