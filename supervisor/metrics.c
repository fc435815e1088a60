/*
 * metrics.c: see metrics.h.
 *
 * The text format (prometheus.io, "Exposition formats"): each family is
 * one group of lines, its HELP and TYPE first; a label value escapes
 * backslash, double quote and line feed; HELP text escapes backslash and
 * line feed.  Names follow Prometheus's conventions: the igor_ prefix,
 * counters end in _total, a time is in _seconds, a constant carrying
 * labels is a gauge named _info.
 */
#include "metrics.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "logring.h"
#include "util.h"
#include "wktab.h"

enum { METRICS_LINE_MAX = 1024 };

/* The states igorctl status --json shows, in SPEC.md's order.  A degraded
 * worker's state is running: igor_worker_degraded says the rest, as
 * status --json does. */
static const char *const states[] = {
	"starting", "running", "backoff", "stopping", "failed",
};

static const char *const level_names[METRICS_LEVELS] = {
	"debug", "info", "warning", "error", "critical",
};

/* The output and its first error. */
struct out {
	metrics_line_fn *emit;
	void *to;
	int err;
};

static void emitf(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void emitf(struct out *o, const char *fmt, ...)
{
	char line[METRICS_LINE_MAX];
	va_list ap;
	int n;

	if (o->err)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	o->err = n < 0 || (size_t)n >= sizeof(line) ? -1
						     : o->emit(o->to, line);
}

/* s as a label value: \ " and LF escaped.  buf holds twice s, at most. */
static const char *label_value(const char *s, char *buf, size_t cap)
{
	size_t n = 0;

	for (; *s && n + 3 < cap; s++) {
		if (*s == '\\' || *s == '"' || *s == '\n') {
			buf[n++] = '\\';
			buf[n++] = *s == '\n' ? 'n' : *s;
		} else {
			buf[n++] = *s;
		}
	}
	buf[n] = '\0';
	return buf;
}

static void family(struct out *o, const char *name, const char *type,
		   const char *help)
{
	emitf(o, "# HELP %s %s", name, help);
	emitf(o, "# TYPE %s %s", name, type);
}

static void igor_families(struct out *o, const struct metrics *m)
{
	char v[2 * 64 + 1];
	size_t i;

	family(o, "igor_build_info", "gauge",
	       "The version of the igor that answers, as a label; always 1.");
	emitf(o, "igor_build_info{version=\"%s\"} 1",
	      label_value(m->version, v, sizeof(v)));
	family(o, "igor_log_lines_total", "counter",
	       "Lines igor logged, its own and its plugins', by level.");
	for (i = 0; i < METRICS_LEVELS; i++)
		emitf(o, "igor_log_lines_total{level=\"%s\"} %" PRIu64,
		      level_names[i], m->lines[i]);
}

/* One sample per worker: the value of worker i. */
typedef int64_t value_fn(const struct metrics_worker *w);

static int64_t up_of(const struct metrics_worker *w)
{
	return strcmp(w->st.state, "running") == 0;
}

static int64_t restarts_of(const struct metrics_worker *w)
{
	return w->st.restarts;
}

static int64_t events_of(const struct metrics_worker *w)
{
	return w->st.events;
}

static int64_t overflows_of(const struct metrics_worker *w)
{
	return w->st.overflows;
}

static int64_t degraded_of(const struct metrics_worker *w)
{
	return w->st.degraded;
}

static void per_worker(struct out *o, const struct metrics *m,
		       const char *name, const char *type, const char *help,
		       value_fn *value)
{
	char v[2 * PLUGNAME_MAX + 1];
	size_t i;

	family(o, name, type, help);
	for (i = 0; i < m->n; i++)
		emitf(o, "%s{name=\"%s\"} %" PRId64, name,
		      label_value(m->v[i].st.name, v, sizeof(v)),
		      value(&m->v[i]));
}

static void state_family(struct out *o, const struct metrics *m)
{
	char v[2 * PLUGNAME_MAX + 1];
	size_t i, s;

	family(o, "igor_worker_state", "gauge",
	       "The worker's state as igorctl status --json shows it: 1 for the current one, 0 for the others.");
	for (i = 0; i < m->n; i++)
		for (s = 0; s < sizeof(states) / sizeof(states[0]); s++)
			emitf(o, "igor_worker_state{name=\"%s\",state=\"%s\"} %d",
			      label_value(m->v[i].st.name, v, sizeof(v)),
			      states[s], strcmp(m->v[i].st.state, states[s]) == 0);
}

/* Only the running workers: a start time of 0 would read as 56 years of
 * uptime. */
static void start_family(struct out *o, const struct metrics *m)
{
	char v[2 * PLUGNAME_MAX + 1];
	size_t i;

	family(o, "igor_worker_start_time_seconds", "gauge",
	       "When the worker last became running, in seconds since the Unix epoch; absent while it is not running.");
	for (i = 0; i < m->n; i++)
		if (m->v[i].start_ms >= 0)
			emitf(o, "igor_worker_start_time_seconds{name=\"%s\"} %" PRId64 ".%03" PRId64,
			      label_value(m->v[i].st.name, v, sizeof(v)),
			      m->v[i].start_ms / 1000, m->v[i].start_ms % 1000);
}

int metrics_render(const struct metrics *m, metrics_line_fn *emit, void *to)
{
	struct out o = { emit, to, 0 };

	igor_families(&o, m);
	per_worker(&o, m, "igor_worker_up", "gauge",
		   "1 when the plugin's worker is running (its setup returned 0), else 0.",
		   up_of);
	state_family(&o, m);
	per_worker(&o, m, "igor_worker_degraded", "gauge",
		   "1 when the worker runs with a watch problem (igorctl status shows it degraded), else 0.",
		   degraded_of);
	per_worker(&o, m, "igor_worker_restarts_total", "counter",
		   "Starts of the worker after its first, whatever the cause.",
		   restarts_of);
	per_worker(&o, m, "igor_events_total", "counter",
		   "Filesystem events delivered to the plugin, the one whose callback crashed its worker included.",
		   events_of);
	per_worker(&o, m, "igor_overflows_total", "counter",
		   "Inotify queue overflows (IN_Q_OVERFLOW) the worker saw: events were lost.",
		   overflows_of);
	start_family(&o, m);
	return o.err;
}

/* A worker's start on the wall clock, from its monotonic ready time. */
static int64_t start_of(const struct wk *w, int64_t now_mono,
			int64_t now_real)
{
	if (w->state != WK_RUNNING)
		return -1;
	return now_real - (now_mono - w->ready_ms);
}

int metrics_write(metrics_line_fn *emit, void *to)
{
	static const int levels[METRICS_LEVELS] = {
		LOG_LVL_DEBUG, LOG_LVL_INFO, LOG_LVL_WARNING, LOG_LVL_ERROR,
		LOG_LVL_CRITICAL,
	};
	struct metrics m = { .version = IGOR_VERSION };
	struct metrics_worker *v;
	struct ctl_worker *st;
	struct timespec ts;
	int64_t now_mono = now_ms(), now_real;
	size_t i, n;
	int ret;

	if (wktab_snapshot(&st, &n) < 0)
		return -1;
	v = calloc(n ? n : 1, sizeof(*v));
	if (!v) {
		free(st);
		return -1;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	now_real = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	for (i = 0; i < n; i++) {
		v[i].st = st[i];
		v[i].start_ms = start_of(wktab_at(i), now_mono, now_real);
	}
	for (i = 0; i < METRICS_LEVELS; i++)
		m.lines[i] = logring_count(levels[i]);
	m.v = v;
	m.n = n;
	ret = metrics_render(&m, emit, to);
	free(v);
	free(st);
	return ret;
}
