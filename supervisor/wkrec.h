/*
 * wkrec: what a worker's records mean: the protocol's rules (HELLO first,
 * one version), the state machine's events (READY), the verdicts (FAIL),
 * the plugin's log lines, the watchdog's answers.  Any breach is a
 * protocol error that kills that worker, never igor.
 */
#ifndef IGOR_SUP_WKREC_H
#define IGOR_SUP_WKREC_H

#include <stddef.h>

#include "wk.h"

/* Acts on one record.  Returns 0, or -1 after a protocol error (logged,
 * the worker being killed): read nothing more from it. */
int wkrec_handle(struct wk *w, const struct rec *r);

/* Logs the protocol error why and kills the worker. */
void wkrec_protocol_error(struct wk *w, const char *why);

/* Logs one line the plugin wrote (a record or its stdout/stderr) when
 * level passes both igor's threshold and the plugin's log_level. */
void wkrec_log_line(struct wk *w, int level, const void *msg, size_t len);

#endif /* IGOR_SUP_WKREC_H */
