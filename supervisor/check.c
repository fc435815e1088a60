/*
 * check.c: see check.h.
 */
#include "check.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "proctree.h"
#include "rec.h"
#include "spawn.h"
#include "util.h"
#include "wkargs.h"

/* A plugin's constructor that hangs must not hang igor -t; what it
 * forked is waited for this long once killed (SIGKILL takes
 * milliseconds unless a process sleeps uninterruptibly). */
enum { CHECK_TIMEOUT_MS = 10000, CHECK_REAP_MS = 2000 };

static void print_problems(const struct cfg_errs *errs)
{
	char where[CFG_WHERE_MAX];
	size_t i;

	for (i = 0; i < errs->n; i++)
		fprintf(stderr, "%s: %s\n",
			cfg_err_where(&errs->v[i], where, sizeof(where)),
			errs->v[i].msg);
}

/* Reads the worker's records until READY, FAIL, end or timeout; why
 * receives the problem, "" when the plugin loads. */
static void await_verdict(int fd, struct why *why)
{
	struct rec_reader rd;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int64_t deadline = now_ms() + CHECK_TIMEOUT_MS, left;
	const uint8_t *msg;
	struct why err;
	struct rec r;
	size_t len;
	int got;

	snprintf(why->msg, sizeof(why->msg), "the worker ended without a verdict");
	if (rec_reader_init(&rd, &rec_w2s_proto) < 0)
		return;
	/* The deadline holds however often the worker writes; a negative
	 * timeout would make poll wait for ever. */
	while ((left = deadline - now_ms()) > 0 && poll(&p, 1, (int)left) > 0) {
		if (rec_reader_fill(&rd, fd) <= 0)
			break;
		while ((got = rec_next(&rd, &r, &err)) > 0) {
			if (r.type == REC_READY) {
				why->msg[0] = '\0';
				goto out;
			}
			if (r.type == REC_FAIL) {
				msg = rec_bytes(&r, REC_K_MSG, &len);
				snprintf(why->msg, sizeof(why->msg), "%.*s",
					 (int)len, (const char *)msg);
				goto out;
			}
		}
		if (got < 0) {
			snprintf(why->msg, sizeof(why->msg),
				 "protocol error: %.900s", err.msg);
			goto out;
		}
	}
	if (now_ms() >= deadline)
		snprintf(why->msg, sizeof(why->msg),
			 "loading took more than %d s", CHECK_TIMEOUT_MS / 1000);
out:
	rec_reader_release(&rd);
}

/* Starts igor-worker -t for pc: its pid, or -1 with errno. */
static pid_t start_checker(const struct plugin_conf *pc, const char *worker,
			   int rec_fd, int config_fd)
{
	/* The worker logs nothing of its own in check mode: CRITICAL is the
	 * quietest threshold. */
	struct wkargs a = {
		.check = true, .name = pc->name, .file = pc->file,
		.plugin = pc->plugin, .symbol = pc->symbol,
		.level = LOG_LVL_CRITICAL, .parent = getpid(),
	};
	int fds[WKARGS_NFDS] = {
		[WKARGS_FD_NULL] = -1, [WKARGS_FD_OUT] = -1,
		[WKARGS_FD_ERR] = -1, [WKARGS_FD_REC] = rec_fd,
		[WKARGS_FD_CONFIG] = config_fd, [WKARGS_FD_COUNTERS] = -1,
	};
	struct wkargs_argv av;
	struct spawn_req rq = {
		.path = worker, .argv = av.argv, .fds = fds,
		.nfds = WKARGS_NFDS,
	};

	wkargs_build(&a, &av);
	return spawn_start(&rq, NULL);
}

/*
 * A plugin's constructor runs at dlopen, in the check too, and may fork,
 * and its child may leave the worker's process group and session.  igor
 * -t is a child subreaper, so whatever the check started is below it
 * whatever it did (the worker is a subreaper too, until it exits): end
 * it all, and reap it.
 */
static void end_leftovers(void)
{
	int64_t until = now_ms() + CHECK_REAP_MS;
	const struct timespec pause = { 0, 5 * 1000000L };
	pid_t r;

	proctree_end_children();
	while ((r = waitpid(-1, NULL, WNOHANG)) >= 0) {
		if (r == 0 && now_ms() >= until)
			break;
		if (r == 0)
			nanosleep(&pause, NULL);
	}
}

/* Loads one plugin in a worker; 0, or -1 with why filled. */
static int check_plugin(const struct plugin_conf *pc, const char *worker,
			struct why *why)
{
	int sp[2], cfd;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
		return why_set(why, errno, "socketpair: %s", strerror(errno));
	cfd = spawn_data_fd(pc->bytes, pc->len);
	if (cfd < 0) {
		why_set(why, errno, "memfd: %s", strerror(errno));
		goto out_close;
	}
	pid = start_checker(pc, worker, sp[1], cfd);
	if (pid < 0) {
		why_set(why, errno, "cannot start '%s': %s", worker,
			strerror(errno));
		goto out_close;
	}
	sp[1] = safe_close(sp[1]);
	await_verdict(sp[0], why);
	kill(-pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	end_leftovers();
out_close:
	safe_close(cfd);
	safe_close(sp[0]);
	safe_close(sp[1]);
	return why->msg[0] ? -1 : 0;
}

static bool check_worker_failed;

/* The first check: can the worker be executed at all?  Without it no
 * plugin can be loaded, and the reason is the worker's, not theirs. */
static size_t check_worker(const char *worker)
{
	char *argv[] = { "igor-worker", NULL };
	int fds[3] = { -1, -1, -1 };
	struct spawn_req rq = { .path = worker, .argv = argv, .fds = fds,
				.nfds = 3 };
	pid_t pid;

	/* Run by hand, it says so and exits: what counts is that it runs. */
	pid = spawn_start(&rq, NULL);
	if (pid > 0) {
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		return 0;
	}
	fprintf(stderr, "igor: cannot execute worker %s: %s\n", worker,
		strerror(errno));
	check_worker_failed = true;
	return 1;
}

int check_run(const struct opts *o, const struct layout *lay)
{
	struct cfg_errs errs = { 0 }, warns = { 0 };
	struct main_conf mc;
	struct settings s;
	struct plugin_set set;
	char *main_file = opt_main_file(o, paths_getenv);
	struct why why;
	size_t i, problems;

	if (!main_file || (conf_load_main(main_file, &mc, &errs, &warns),
			   opt_resolve(o, paths_getenv, &mc, lay, &s) < 0)) {
		fprintf(stderr, "igor: out of memory\n");
		return 1;
	}
	free(main_file);
	/* -t prints nothing but problems unless -v asks for more. */
	log_set_threshold(log_level_from_verbosity(o->verbose));
	/* What a plugin's constructor forks comes back to us: end_leftovers. */
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	problems = check_worker(s.worker);
	/* In check mode a warning (an unknown key) is a problem too. */
	print_problems(&warns);
	conf_load_plugins(s.config_dir, s.main_file, s.plugin_dir, &set, &errs);
	print_problems(&errs);
	problems += warns.n + errs.n;
	for (i = 0; i < set.n && !check_worker_failed; i++) {
		if (check_plugin(set.v[i], s.worker, &why) == 0)
			continue;
		conf_explain_missing(set.v[i], why.msg, sizeof(why.msg));
		fprintf(stderr, "%s:%u: %s\n", set.v[i]->file,
			set.v[i]->plugin_line, why.msg);
		problems++;
	}
	if (!problems)
		log_info("configuration OK: %zu plugin(s) in '%s'", set.n,
			 s.config_dir);
	plugin_set_release(&set);
	cfg_errs_release(&errs);
	cfg_errs_release(&warns);
	main_conf_release(&mc);
	settings_release(&s);
	return problems ? 1 : 0;
}
