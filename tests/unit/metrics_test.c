/*
 * metrics_test: igorctl metrics' exposition, rendered from fixed figures
 * and compared whole: families, HELP and TYPE, one series per state, the
 * start time only while running, and label values escaped.
 */
#include "check.h"
#include "metrics.h"

#include <stdlib.h>
#include <string.h>

/* metrics_line_fn: appends line and a newline to a growing string. */
struct text {
	char *s;
	size_t len;
	int lines;
};

static int collect(void *to, const char *line)
{
	struct text *t = to;
	size_t n = strlen(line);
	char *s = realloc(t->s, t->len + n + 2);

	if (!s)
		return -1;
	memcpy(s + t->len, line, n);
	s[t->len + n] = '\n';
	s[t->len + n + 1] = '\0';
	t->s = s;
	t->len += n + 1;
	t->lines++;
	return 0;
}

static const char want_two[] =
	"# HELP igor_build_info The version of the igor that answers, as a label; always 1.\n"
	"# TYPE igor_build_info gauge\n"
	"igor_build_info{version=\"0.1.0\"} 1\n"
	"# HELP igor_log_lines_total Lines igor logged, its own and its plugins', by level.\n"
	"# TYPE igor_log_lines_total counter\n"
	"igor_log_lines_total{level=\"debug\"} 0\n"
	"igor_log_lines_total{level=\"info\"} 12\n"
	"igor_log_lines_total{level=\"warning\"} 3\n"
	"igor_log_lines_total{level=\"error\"} 1\n"
	"igor_log_lines_total{level=\"critical\"} 0\n"
	"# HELP igor_worker_up 1 when the plugin's worker is running (its setup returned 0), else 0.\n"
	"# TYPE igor_worker_up gauge\n"
	"igor_worker_up{name=\"containers\"} 1\n"
	"igor_worker_up{name=\"flaky\"} 0\n"
	"# HELP igor_worker_state The worker's state as igorctl status --json shows it: 1 for the current one, 0 for the others.\n"
	"# TYPE igor_worker_state gauge\n"
	"igor_worker_state{name=\"containers\",state=\"starting\"} 0\n"
	"igor_worker_state{name=\"containers\",state=\"running\"} 1\n"
	"igor_worker_state{name=\"containers\",state=\"backoff\"} 0\n"
	"igor_worker_state{name=\"containers\",state=\"stopping\"} 0\n"
	"igor_worker_state{name=\"containers\",state=\"failed\"} 0\n"
	"igor_worker_state{name=\"flaky\",state=\"starting\"} 0\n"
	"igor_worker_state{name=\"flaky\",state=\"running\"} 0\n"
	"igor_worker_state{name=\"flaky\",state=\"backoff\"} 1\n"
	"igor_worker_state{name=\"flaky\",state=\"stopping\"} 0\n"
	"igor_worker_state{name=\"flaky\",state=\"failed\"} 0\n"
	"# HELP igor_worker_degraded 1 when the worker runs with a watch problem (igorctl status shows it degraded), else 0.\n"
	"# TYPE igor_worker_degraded gauge\n"
	"igor_worker_degraded{name=\"containers\"} 1\n"
	"igor_worker_degraded{name=\"flaky\"} 0\n"
	"# HELP igor_worker_restarts_total Starts of the worker after its first, whatever the cause.\n"
	"# TYPE igor_worker_restarts_total counter\n"
	"igor_worker_restarts_total{name=\"containers\"} 0\n"
	"igor_worker_restarts_total{name=\"flaky\"} 7\n"
	"# HELP igor_events_total Filesystem events delivered to the plugin, the one whose callback crashed its worker included.\n"
	"# TYPE igor_events_total counter\n"
	"igor_events_total{name=\"containers\"} 1843\n"
	"igor_events_total{name=\"flaky\"} 12\n"
	"# HELP igor_overflows_total Inotify queue overflows (IN_Q_OVERFLOW) the worker saw: events were lost.\n"
	"# TYPE igor_overflows_total counter\n"
	"igor_overflows_total{name=\"containers\"} 2\n"
	"igor_overflows_total{name=\"flaky\"} 0\n"
	"# HELP igor_worker_start_time_seconds When the worker last became running, in seconds since the Unix epoch; absent while it is not running.\n"
	"# TYPE igor_worker_start_time_seconds gauge\n"
	"igor_worker_start_time_seconds{name=\"containers\"} 1764083045.007\n";

static void test_two_workers(void)
{
	struct metrics_worker v[2] = {
		{ { "containers", "running", 4121, 11520, 0, 1843, 2, "",
		    "a watch limit", true, NULL, 0 }, 1764083045007 },
		{ { "flaky", "backoff", 0, -1, 7, 12, 0, "signal SEGV", "x",
		    false, NULL, 0 }, -1 },
	};
	struct metrics m = { v, 2, { 0, 12, 3, 1, 0 }, "0.1.0" };
	struct text t = { NULL, 0, 0 };

	CHECK_INT(metrics_render(&m, collect, &t), 0, "two workers render");
	CHECK_STR(t.s ? t.s : "", want_two, "... as the exposition format wants");
	free(t.s);
}

static void test_no_worker(void)
{
	struct metrics m = { NULL, 0, { 0 }, "0.1.0" };
	struct text t = { NULL, 0, 0 };

	CHECK_INT(metrics_render(&m, collect, &t), 0, "no worker renders");
	CHECK_INT(t.lines, 2 * 9 + 1 + 5,
		  "... every family's HELP and TYPE, build_info and the levels");
	free(t.s);
}

static void test_escapes(void)
{
	struct metrics m = { NULL, 0, { 0 }, "1\"2\\3\n4" };
	struct text t = { NULL, 0, 0 };

	metrics_render(&m, collect, &t);
	CHECK(t.s && strstr(t.s, "igor_build_info{version=\"1\\\"2\\\\3\\n4\"} 1\n"),
	      "a label value escapes quote, backslash and line feed");
	free(t.s);
}

static int refuse(void *to, const char *line)
{
	(void)line;
	return ++*(int *)to == 3 ? -7 : 0;
}

static void test_emit_error(void)
{
	struct metrics m = { NULL, 0, { 0 }, "0.1.0" };
	int calls = 0;

	CHECK_INT(metrics_render(&m, refuse, &calls), -7,
		  "the first error of emit is returned");
	CHECK_INT(calls, 3, "... and nothing more is emitted");
}

int main(void)
{
	test_two_workers();
	test_no_worker();
	test_escapes();
	test_emit_error();
	return check_done();
}
