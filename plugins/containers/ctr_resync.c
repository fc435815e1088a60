/*
 * ctr_resync.c: the level-triggered half.  At setup, and then every
 * resync_ms, containers.so re-reads the enabled directory and, with
 * `running`, the engine's list of what runs, and every link converges
 * against them: what vanished is started again, a stray is stopped, a
 * dangling link whose target appeared is started.
 *
 * A list is a snapshot taken while commands may run: a link with a
 * command in flight, or one that ended after the list was asked for, is
 * left out of it (its command's result is newer than the list), else a
 * slow `kube play` would be taken for missing and run twice.  A failed
 * list is tried again with the retry backoff, since nothing starts until
 * a first list came.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "ctr.h"

static struct {
	igor_timer *timer;
	struct ctr_cmd *cmd;     /* the list in flight */
	unsigned long long seq;  /* ctr.seq when it was asked for */
	char **names;            /* what it printed so far */
	size_t n, cap;
	bool cut;                /* more than CTR_LIST_MAX names */
	int failures;
} rs;

static void names_clear(void)
{
	size_t i;

	for (i = 0; i < rs.n; i++)
		free(rs.names[i]);
	free(rs.names);
	rs.names = NULL;
	rs.n = rs.cap = 0;
	rs.cut = false;
}

/* One line of `running`: a {name}, blanks around it ignored; a line
 * longer than a file name is no {name}. */
static void on_name(const char *line, void *arg)
{
	size_t len;
	char **grown;

	(void)arg;
	line += strspn(line, " \t");
	len = strlen(line);
	while (len && strchr(" \t\r", line[len - 1]))
		len--;
	if (!len || len > NAME_MAX)
		return;
	if (rs.n == CTR_LIST_MAX) {
		rs.cut = true;
		return;
	}
	if (rs.n == rs.cap) {
		grown = realloc(rs.names, (rs.cap ? rs.cap * 2 : 16) *
						  sizeof(*grown));
		if (!grown) {
			rs.cut = true;
			return;
		}
		rs.names = grown;
		rs.cap = rs.cap ? rs.cap * 2 : 16;
	}
	rs.names[rs.n] = strndup(line, len);
	if (rs.names[rs.n])
		rs.n++;
	else
		rs.cut = true;
}

/* Whether a command's result for cname is newer than the list: one in
 * flight, or one that ended after the list was asked for (a link stopped
 * and forgotten since included). */
static bool is_newer(const char *cname)
{
	const struct ctr_link *l;

	if (ctr_runs_seq(cname) > rs.seq)
		return true;
	for (l = ctr.links; l; l = l->next)
		if (strcmp(l->cname, cname) == 0 &&
		    (l->cur || l->done_seq > rs.seq))
			return true;
	return false;
}

static bool has_entry(const char *cname)
{
	const struct ctr_link *l;

	for (l = ctr.links; l; l = l->next)
		if (strcmp(l->cname, cname) == 0)
			return true;
	return false;
}

/* What runs becomes the list, except where a result is newer; what ran
 * before is kept for the repairs' lines (ctr_ran). */
static void update_runs(void)
{
	struct ctr_name *n;
	size_t i;

	ctr_runs_mark();
	for (n = ctr.runs; n; n = n->next)
		if (!is_newer(n->name))
			n->runs = false;
	for (i = 0; i < rs.n; i++)
		if (!is_newer(rs.names[i]) && (n = ctr_runs_get(rs.names[i])))
			n->runs = true;
}

/* Every link converges; unless first, a start or stop is said as a
 * repair. */
static void converge_all(bool first)
{
	struct ctr_link *l, *next;
	struct ctr_before b;

	for (l = ctr.links; l; l = next) {
		next = l->next;
		if (l->cur || l->done_seq > rs.seq)
			continue;
		b.runs = ctr_ran(l->cname);
		b.want = l->want != NULL;
		ctr_converge(l, first ? NULL : &b);
	}
}

/* What runs with no entry at all is a stray: it is stopped. */
static void stop_strays(void)
{
	struct ctr_link *l;
	size_t i;

	for (i = 0; i < rs.n; i++) {
		if (has_entry(rs.names[i]) || !ctr_runs(rs.names[i]))
			continue;
		l = ctr_link_add(rs.names[i], true);
		if (l)
			ctr_converge(l, NULL);
	}
}

static void apply(void)
{
	bool first = !ctr.have_list;

	if (rs.cut)
		igor_warning(ctr.log, "'running' printed more than %d names, or memory ran out: only the first ones count",
			     CTR_LIST_MAX);
	ctr_scan(false);
	update_runs();
	ctr.have_list = true;
	converge_all(first);
	stop_strays();
	ctr_runs_gc(rs.seq);
}

static void arm(long long ms)
{
	if (ms > 0 && igor_timer_arm(rs.timer, ms) < 0)
		igor_error(ctr.log, "cannot arm the next resync: %s",
			   strerror(errno));
}

/* The list failed (how); it is asked again after the retry backoff. */
static void list_failed(const char *how)
{
	long long ms = ctr_retry_delay_ms(++rs.failures);

	igor_error(ctr.log, "cannot list the running containers: %s; trying again in %.3g s",
		   how, (double)ms / 1000);
	arm(ms);
}

static void on_list_done(struct ctr_cmd *cmd, int status, void *arg)
{
	char how[160], st[64];

	(void)arg;
	rs.cmd = NULL;
	if (status == 0) {
		igor_debug(ctr.log, "listed %zu running container(s) in %.3f s",
			   rs.n, (double)ctr_run_elapsed_ms(cmd) / 1000);
		rs.failures = 0;
		apply();
		arm(ctr.resync_ms);
	} else {
		snprintf(how, sizeof(how), "'%s' %s after %.3f s",
			 ctr_run_prog(cmd), cmd_status(status, st, sizeof(st)),
			 (double)ctr_run_elapsed_ms(cmd) / 1000);
		list_failed(how);
		ctr_run_log_tail(cmd, IGOR_WARNING);
	}
	names_clear();
	ctr_run_free(cmd);
}

static void list_start(void)
{
	char **argv = cmd_expand(ctr.running, NULL, 0);
	char how[160];

	rs.seq = ctr.seq;
	if (argv)
		rs.cmd = ctr_run(CTR_OP_LIST, "", argv, on_name, on_list_done,
				 NULL);
	if (rs.cmd || errno == ESHUTDOWN)
		return;
	snprintf(how, sizeof(how), "cannot run '%s': %s",
		 igor_config_value(igor_config_at(ctr.running, 0)),
		 strerror(errno));
	list_failed(how);
}

/* Without `running`: the directory only. */
static void look_again(bool first)
{
	rs.seq = ctr.seq;
	ctr_scan(false);
	ctr_runs_mark();
	converge_all(first);
	ctr_runs_gc(rs.seq);
	arm(ctr.resync_ms);
}

static void on_resync(igor_timer *t, void *arg)
{
	(void)t, (void)arg;
	if (!ctr.running)
		look_again(false);
	else if (!rs.cmd)
		list_start();
}

int ctr_resync_init(void)
{
	rs.timer = igor_timer_new(ctr.f, on_resync, NULL);
	if (!rs.timer) {
		igor_error(ctr.log, "cannot make the resync timer: %s",
			   strerror(errno));
		return -1;
	}
	if (ctr_scan(false) < 0)
		return -1;
	if (!ctr.running) {
		look_again(true);
		return 0;
	}
	converge_all(true); /* each waits for the list */
	list_start();
	return 0;
}
