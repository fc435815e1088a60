/*
 * reload: the difference between the running workers and a freshly
 * loaded set of plugin configs, acted on: new plugins start, removed
 * ones stop, changed ones restart, unchanged ones keep running
 * untouched, and a file that has become broken keeps its old plugin.
 */
#ifndef IGOR_SUP_RELOAD_H
#define IGOR_SUP_RELOAD_H

#include "conf.h"
#include "report.h"

/* Takes set's confs (set->v[i] become NULL); rep (may be NULL) receives
 * one line per change. */
void reload_apply(struct plugin_set *set, struct report *rep);

#endif /* IGOR_SUP_RELOAD_H */
