/*
 * ctr_converge.c: one link at a time, from what its link says and what
 * runs to one action (ctr_decide), and from the action's end back to a
 * look.  A failed start or stop is tried again after a delay that doubles
 * from retry_ms to retry_max_ms, until it succeeds or the link changes (an
 * event: the settle starts the count over).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "ctr.h"

static const char *const op_verb[] = { "start", "stop", "list" };
static const char *const op_done[] = { "started", "stopped", "listed" };

/* ---- looking at a link --------------------------------------------------- */

/* The target of the link at path into l->want, or why there is none
 * into problem (len bytes); l->gone when there is no entry at all. */
static void resolve(struct ctr_link *l, const char *path, char *problem,
		    size_t len)
{
	struct stat st;

	if (lstat(path, &st) < 0) {
		if (errno == ENOENT)
			l->gone = true;
		else
			snprintf(problem, len, "%s", strerror(errno));
		return;
	}
	if (!S_ISLNK(st.st_mode)) {
		snprintf(problem, len, "not a symlink");
		return;
	}
	l->want = realpath(path, NULL);
	if (!l->want)
		snprintf(problem, len, "dangling symlink (%s)", strerror(errno));
}

/* Looks at l's link now: l->want, l->gone, l->problem; a problem is said
 * once, when it appears or changes. */
static void look(struct ctr_link *l)
{
	char path[PATH_MAX], problem[sizeof(l->problem)] = "";
	int n;

	free(l->want);
	l->want = NULL;
	l->gone = false;
	n = snprintf(path, sizeof(path), "%s/%s", ctr.enabled, l->name);
	if (n < 0 || (size_t)n >= sizeof(path))
		snprintf(problem, sizeof(problem), "path too long");
	else
		resolve(l, path, problem, sizeof(problem));
	if (problem[0] && strcmp(problem, l->problem) != 0)
		igor_warning(ctr.log, "ignoring '%s': %s", path, problem);
	memcpy(l->problem, problem, sizeof(problem));
}

/* Whether another link resolves to a target for l's {name}. */
static bool wanted_elsewhere(const struct ctr_link *l)
{
	const struct ctr_link *o;

	for (o = ctr.links; o; o = o->next)
		if (o != l && !o->stray && (o->want || o->settling) &&
		    strcmp(o->cname, l->cname) == 0)
			return true;
	return false;
}

static enum ctr_act decide(const struct ctr_link *l)
{
	struct ctr_facts f = {
		.stray = l->stray,
		.want = l->want != NULL,
		.problem = l->problem[0] != '\0' && !l->gone,
		.runs = ctr_runs(l->cname),
		.known = l->target != NULL,
		.same = l->target && l->want && strcmp(l->target, l->want) == 0,
		.elsewhere = !l->stray && wanted_elsewhere(l),
	};

	return ctr_decide(&f);
}

/* ---- retries ------------------------------------------------------------- */

long long ctr_retry_delay_ms(int failures)
{
	long long ms = ctr.retry_ms;
	int i;

	for (i = 1; i < failures && ms < ctr.retry_max_ms; i++)
		ms *= 2;
	return ms < ctr.retry_max_ms ? ms : ctr.retry_max_ms;
}

/* Logs why op failed for l and arms its retry; how is the log's words,
 * short igorctl's ("exit 125"). */
static void failed(struct ctr_link *l, enum ctr_op op, const char *how,
		   const char *short_how)
{
	long long ms = ctr_retry_delay_ms(++l->failures);

	snprintf(l->failure, sizeof(l->failure), "%s failed (%s)",
		 op_verb[op], short_how);
	/* A link that changed meanwhile settles and looks again now. */
	if (l->settling) {
		igor_error(ctr.log, "cannot %s '%s': %s", op_verb[op],
			   l->cname, how);
		return;
	}
	igor_error(ctr.log, "cannot %s '%s': %s; retrying in %.3g s",
		   op_verb[op], l->cname, how, (double)ms / 1000);
	l->retry_at = time(NULL) + (time_t)((ms + 999) / 1000);
	l->backoff = ctr_link_arm(l, ms) == 0;
	if (!l->backoff)
		igor_error(ctr.log, "cannot arm the retry of '%s': %s",
			   l->cname, strerror(errno));
}

/* ---- commands ------------------------------------------------------------ */

static void converge_name(const char *cname);

static void succeeded(struct ctr_link *l, enum ctr_op op, long long ms)
{
	igor_info(ctr.log, "%s %s: exit 0 after %.3f s", op_done[op],
		  l->cname, (double)ms / 1000);
	l->failures = 0;
	free(l->target);
	l->target = NULL;
	if (op == CTR_OP_START) {
		l->target = l->cur_target;
		l->cur_target = NULL;
	}
	ctr_runs_set(l->cname, op == CTR_OP_START);
}

static void on_done(struct ctr_cmd *cmd, int status, void *arg)
{
	struct ctr_link *l = arg;
	enum ctr_op op = l->cur_op;
	char how[128], st[64], *cname;
	long long ms = ctr_run_elapsed_ms(cmd);

	l->cur = NULL;
	l->done_seq = ++ctr.seq;
	if (status == 0) {
		succeeded(l, op, ms);
	} else {
		snprintf(how, sizeof(how), "'%s' %s after %.3f s",
			 ctr_run_prog(cmd), cmd_status(status, st, sizeof(st)),
			 (double)ms / 1000);
		failed(l, op, how, cmd_status_short(status, st, sizeof(st)));
		ctr_run_log_tail(cmd, IGOR_WARNING);
	}
	ctr_run_free(cmd);
	free(l->cur_target);
	l->cur_target = NULL;
	ctr_link_publish(l);
	/* l, and every entry of its {name} that waited for it. */
	cname = strdup(l->cname);
	if (cname)
		converge_name(cname);
	else
		ctr_converge(l, NULL);
	free(cname);
}

static const igor_config *op_argv(enum ctr_op op)
{
	return op == CTR_OP_START ? ctr.start : ctr.stop;
}

/* Runs op for l, with {target}. */
static void run(struct ctr_link *l, enum ctr_op op, const char *target)
{
	struct cmd_var vars[] = {
		{ "name", l->cname },
		{ "link", l->stray ? "" : l->name },
		{ "target", target },
	};
	char **argv = cmd_expand(op_argv(op), vars, 3);
	char how[300];
	int err;

	l->cur_op = op;
	l->cur_target = strdup(target);
	if (argv && l->cur_target)
		l->cur = ctr_run(op, l->cname, argv, NULL, on_done, l);
	else
		cmd_free(argv);
	if (l->cur)
		return;
	err = errno;
	free(l->cur_target);
	l->cur_target = NULL;
	if (err == ESHUTDOWN) /* the worker is stopping: quiet */
		return;
	snprintf(how, sizeof(how), "cannot run '%s': %s",
		 igor_config_value(igor_config_at(op_argv(op), 0)),
		 strerror(err));
	failed(l, op, how, strerror(err));
}

/* ---- converging ---------------------------------------------------------- */

/* The INFO line of a repair found by a resync: what was found, and done. */
static void say_repair(const struct ctr_link *l, enum ctr_act a,
		       const struct ctr_before *before)
{
	const char *n = l->name, *c = l->cname;

	if (a == CTR_START && before->runs)
		igor_info(ctr.log, "resync: '%s' of '%s' no longer runs: starting it again",
			  c, n);
	else if (a == CTR_START && !before->want)
		igor_info(ctr.log, "resync: '%s' now resolves to '%s': starting '%s'",
			  n, l->want, c);
	else if (a == CTR_START)
		igor_info(ctr.log, "resync: '%s' is enabled and '%s' does not run: starting it",
			  n, c);
	else if (a == CTR_STOP && l->want)
		igor_info(ctr.log, "resync: '%s' now resolves to '%s': stopping '%s' to start that",
			  n, l->want, c);
	else if (a == CTR_STOP)
		igor_info(ctr.log, "resync: '%s' is gone and '%s' runs: stopping it",
			  n, c);
}

static void act(struct ctr_link *l, enum ctr_act a)
{
	switch (a) {
	case CTR_KEEP:
		break;
	case CTR_ADOPT:
		igor_debug(ctr.log, "'%s' of '%s' runs already: not starting it",
			   l->cname, l->name);
		l->target = strdup(l->want); /* NULL: adopted again next time */
		break;
	case CTR_START:
		run(l, CTR_OP_START, l->want);
		break;
	case CTR_STOP:
		if (l->stray)
			igor_info(ctr.log, "'%s' runs but is not enabled: stopping it",
				  l->cname);
		run(l, CTR_OP_STOP, l->target ? l->target : "");
		break;
	case CTR_FORGET:
		ctr_link_forget(l);
		return;
	}
	ctr_link_publish(l);
}

void ctr_converge(struct ctr_link *l, const struct ctr_before *before)
{
	enum ctr_act a;

	if (l->cur || l->settling || l->backoff || ctr_link_name_busy(l))
		return;
	if (!l->stray)
		look(l);
	if (ctr.running && !ctr.have_list) { /* the first list decides */
		ctr_link_publish(l);
		return;
	}
	a = decide(l);
	if (before && !l->stray)
		say_repair(l, a, before);
	act(l, a);
}

/* Every entry of cname (each may be freed). */
static void converge_name(const char *cname)
{
	struct ctr_link *o, *next;

	for (o = ctr.links; o; o = next) {
		next = o->next;
		if (strcmp(o->cname, cname) == 0)
			ctr_converge(o, NULL);
	}
}

/* ---- events and the directory --------------------------------------------- */

void ctr_touch(const char *name)
{
	struct ctr_link *l = ctr_link_find(name, false);

	if (!l)
		l = ctr_link_add(name, false);
	if (!l)
		return;
	l->settling = true;
	l->backoff = false;
	if (ctr_link_arm(l, ctr.settle_ms) < 0) {
		l->settling = false; /* act now rather than never */
		l->failures = 0;
		ctr_converge(l, NULL);
	}
}

int ctr_scan(bool settle)
{
	DIR *d = opendir(ctr.enabled);
	struct dirent *de;

	if (!d) {
		igor_error(ctr.log, "cannot read '%s': %s", ctr.enabled,
			   strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (settle)
			ctr_touch(de->d_name);
		else if (!ctr_link_find(de->d_name, false))
			ctr_link_add(de->d_name, false);
	}
	closedir(d);
	return 0;
}
