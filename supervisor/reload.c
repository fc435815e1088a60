/*
 * reload.c: see reload.h.  Every start and stop it asks for goes through
 * the state machine (wk.h).
 */
#include "reload.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "wktab.h"

static int by_name(const void *a, const void *b)
{
	const struct plugin_conf *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

/* pc replaces w's config at its next start, which it asks for now. */
static void restart_with(struct wk *w, struct plugin_conf *pc)
{
	plugin_conf_free(w->next_conf);
	w->next_conf = pc;
	wk_handle(w, WK_EV_RESTART);
}

/* A reload's verdict on one worker that is wanted, given its new conf
 * (taken; NULL when the set has none of its name). */
static void apply_one(struct wk *w, struct plugin_conf *pc,
		      const struct plugin_set *set, struct report *rep)
{
	if (!pc && plugin_set_is_broken(set, w->conf->file)) {
		log_error("reload: '%s' is broken; plugin '%s' keeps running its old config",
			  w->conf->file, w->name);
		report_add(rep, "kept %s: '%s' is broken", w->name,
			   w->conf->file);
		return;
	}
	if (!pc) {
		log_info("reload: plugin '%s' removed", w->name);
		report_add(rep, "stopped %s", w->name);
		wk_handle(w, WK_EV_STOP);
		return;
	}
	/* Compared with what the worker will run next: a restart already
	 * pending with an older change must not win over this file. */
	if (plugin_conf_equal(pc, w->next_conf ? w->next_conf : w->conf) &&
	    w->state != WK_FAILED) {
		plugin_conf_free(pc);
		return;
	}
	log_info("reload: plugin '%s' %s", w->name,
		 w->state == WK_FAILED ? "tried again" : "changed; restarting");
	report_add(rep, "restarted %s", w->name);
	restart_with(w, pc);
}

/* A worker still stopping after a removal whose file is back: it starts
 * again once stopped, rather than a second worker of that name running
 * beside it. */
static void revive(struct wk *w, struct plugin_conf *pc, struct report *rep)
{
	log_info("reload: plugin '%s' is back; restarting it once stopped",
		 w->name);
	report_add(rep, "restarted %s", w->name);
	restart_with(w, pc);
}

/* The worker table is in name order: with the set in name order too, one
 * walk pairs every worker with its new conf, however many there are. */
void reload_apply(struct plugin_set *set, struct report *rep)
{
	size_t i, j = 0, n = wktab_count();
	struct plugin_conf *pc;
	int cmp;

	if (set->n) /* an empty set may have no array: qsort wants one */
		qsort(set->v, set->n, sizeof(*set->v), by_name);
	for (i = 0; i < n; i++) {
		struct wk *w = wktab_at(i);

		pc = NULL;
		while (j < set->n && (cmp = strcmp(set->v[j]->name, w->name)) < 0)
			j++;
		if (j < set->n && cmp == 0) {
			pc = set->v[j];
			set->v[j++] = NULL;
		}
		if (wk_is_wanted(w))
			apply_one(w, pc, set, rep);
		else if (pc)
			revive(w, pc, rep);
	}
	for (i = 0; i < set->n; i++) {
		if (!set->v[i])
			continue;
		log_info("reload: plugin '%s' added", set->v[i]->name);
		report_add(rep, "started %s", set->v[i]->name);
		wktab_add(set->v[i]);
		set->v[i] = NULL;
	}
}
