/*
 * metrics: igor's figures in the Prometheus text exposition format, for
 * `igorctl metrics` and node_exporter's textfile collector: per worker
 * igor_worker_up, igor_worker_state (one series per state),
 * igor_worker_restarts_total, igor_events_total, igor_overflows_total,
 * igor_worker_start_time_seconds and igor_worker_degraded, labelled
 * name; igor_log_lines_total{level} and igor_build_info{version}.
 *
 * Rendering is a pure function of struct metrics, so the unit test and
 * `promtool check metrics` see exactly what igorctl prints.
 */
#ifndef IGOR_SUP_METRICS_H
#define IGOR_SUP_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctl.h"

/* One worker's figures. */
struct metrics_worker {
	struct ctl_worker st; /* as igorctl status shows them, degraded
				 included */
	int64_t start_ms;     /* when it last became running, in ms since
				 the Unix epoch; -1 while not running */
};

/* The log levels, lowest first, as igor_log_lines_total's labels. */
enum { METRICS_LEVELS = 5 };

struct metrics {
	const struct metrics_worker *v; /* in name order */
	size_t n;
	uint64_t lines[METRICS_LEVELS]; /* debug, info, warning, error,
					   critical */
	const char *version;
};

/* Takes one line of the output, without its newline (borrowed for the
 * call).  0 to go on, else the error to stop with. */
typedef int metrics_line_fn(void *to, const char *line);

/* Renders m, one emit per line.  Returns 0, or the first non-zero that
 * emit returned (-1 when a line could not be formatted). */
int metrics_render(const struct metrics *m, metrics_line_fn *emit, void *to);

/* Gathers igor's figures now (the worker table and the log's counts)
 * and renders them.  0, or -1 with errno, or emit's error. */
int metrics_write(metrics_line_fn *emit, void *to);

#endif /* IGOR_SUP_METRICS_H */
