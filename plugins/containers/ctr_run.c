/*
 * ctr_run.c: one engine command.  Quiet while it succeeds, loud when it
 * fails: the command line is logged when it starts, its output at DEBUG as
 * it comes, and the last CTR_TAIL_LINES lines of that output are kept so
 * that a failure can show them at WARNING (ctr_run_log_tail).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "ctr.h"

static const char *const op_verb[] = { "start", "stop", "list" };

struct ctr_cmd {
	enum ctr_op op;
	char *what;   /* {name}, or "" for a list */
	char **argv;
	long long t0_ms;
	ctr_out_fn *on_stdout;
	ctr_done_fn *done;
	void *arg;
	char *tail[CTR_TAIL_LINES]; /* a ring, oldest at head */
	size_t head, n;
};

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* "start web: " or "list: ", the prefix of every line about cmd. */
static const char *what_sep(const struct ctr_cmd *cmd)
{
	return cmd->what[0] ? " " : "";
}

static void tail_push(struct ctr_cmd *cmd, const char *line)
{
	char *copy = strndup(line, CTR_TAIL_LINE_MAX);
	size_t at;

	if (!copy)
		return; /* only the tail of a failure loses a line */
	if (cmd->n == CTR_TAIL_LINES) {
		free(cmd->tail[cmd->head]);
		cmd->tail[cmd->head] = copy;
		cmd->head = (cmd->head + 1) % CTR_TAIL_LINES;
		return;
	}
	at = (cmd->head + cmd->n++) % CTR_TAIL_LINES;
	cmd->tail[at] = copy;
}

static void on_output(igor_child *child, const char *line, void *arg)
{
	struct ctr_cmd *cmd = arg;

	(void)child;
	igor_debug(ctr.log, "%s%s%s: %s", op_verb[cmd->op], what_sep(cmd),
		   cmd->what, line);
	tail_push(cmd, line);
}

static void on_stdout_line(igor_child *child, const char *line, void *arg)
{
	struct ctr_cmd *cmd = arg;

	if (cmd->on_stdout)
		cmd->on_stdout(line, cmd->arg);
	else
		on_output(child, line, arg);
}

static void on_exit_status(igor_child *child, int status, void *arg)
{
	struct ctr_cmd *cmd = arg;

	(void)child;
	cmd->done(cmd, status, cmd->arg);
}

/* Says what is about to run, argv whole, as a shell would read it. */
static void log_start(const struct ctr_cmd *cmd)
{
	char *line = cmd_join((const char *const *)cmd->argv);

	igor_log(ctr.log, cmd->op == CTR_OP_LIST ? IGOR_DEBUG : IGOR_INFO,
		 "%s%s%s: %s", op_verb[cmd->op], what_sep(cmd), cmd->what,
		 line ? line : cmd->argv[0]);
	free(line);
}

struct ctr_cmd *ctr_run(enum ctr_op op, const char *what, char **argv,
			ctr_out_fn *on_stdout, ctr_done_fn *done, void *arg)
{
	struct igor_spawn_args a = { .size = sizeof(a) };
	struct ctr_cmd *cmd = calloc(1, sizeof(*cmd));
	int err;

	if (!cmd || !(cmd->what = strdup(what))) {
		err = errno;
		goto out_free;
	}
	cmd->op = op;
	cmd->argv = argv;
	cmd->on_stdout = on_stdout;
	cmd->done = done;
	cmd->arg = arg;
	log_start(cmd);
	a.argv = (const char *const *)argv;
	a.timeout_ms = ctr.timeout_ms;
	a.on_exit = on_exit_status;
	a.on_stdout = on_stdout_line;
	a.on_stderr = on_output;
	a.arg = cmd;
	cmd->t0_ms = mono_ms();
	if (igor_spawn(ctr.f, &a))
		return cmd;
	err = errno;
	argv = NULL; /* cmd has it */
out_free:
	ctr_run_free(cmd);
	cmd_free(argv);
	errno = err;
	return NULL;
}

long long ctr_run_elapsed_ms(const struct ctr_cmd *cmd)
{
	return mono_ms() - cmd->t0_ms;
}

const char *ctr_run_prog(const struct ctr_cmd *cmd)
{
	return cmd->argv[0];
}

void ctr_run_log_tail(const struct ctr_cmd *cmd, int level)
{
	size_t i;

	for (i = 0; i < cmd->n; i++)
		igor_log(ctr.log, level, "%s%s%s: %s", op_verb[cmd->op],
			 what_sep(cmd), cmd->what,
			 cmd->tail[(cmd->head + i) % CTR_TAIL_LINES]);
}

void ctr_run_free(struct ctr_cmd *cmd)
{
	size_t i;

	if (!cmd)
		return;
	for (i = 0; i < cmd->n; i++)
		free(cmd->tail[(cmd->head + i) % CTR_TAIL_LINES]);
	cmd_free(cmd->argv);
	free(cmd->what);
	free(cmd);
}
