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
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "rec.h"
#include "spawn.h"
#include "util.h"

/* A plugin's constructor that hangs must not hang igor -t. */
enum { CHECK_TIMEOUT_MS = 10000 };

static const char *real_getenv(const char *name)
{
	return getenv(name);
}

static void print_problems(const struct cfg_errs *errs)
{
	size_t i;

	for (i = 0; i < errs->n; i++)
		fprintf(stderr, "%s:%u: %s\n", errs->v[i].file, errs->v[i].line,
			errs->v[i].msg);
}

/* Reads the worker's records until READY, FAIL, end or timeout. */
static void await_verdict(int fd, char *why, size_t len)
{
	struct rec_reader rd;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int64_t deadline = now_ms() + CHECK_TIMEOUT_MS;
	const char *err;
	struct rec r;
	int64_t left;
	int got;

	snprintf(why, len, "the worker ended without a verdict");
	if (rec_reader_init(&rd, &rec_worker_proto) < 0)
		return;
	/* The deadline holds however often the worker writes; a negative
	 * timeout would make poll wait for ever. */
	while ((left = deadline - now_ms()) > 0 && poll(&p, 1, (int)left) > 0) {
		if (rec_reader_fill(&rd, fd) <= 0)
			break;
		while ((got = rec_next(&rd, &r, &err)) > 0) {
			if (r.type == REC_READY) {
				why[0] = '\0';
				goto out;
			}
			if (r.type == REC_FAIL) {
				snprintf(why, len, "%.*s", (int)r.len[REC_K_MSG],
					 (const char *)r.bytes[REC_K_MSG]);
				goto out;
			}
		}
		if (got < 0) {
			snprintf(why, len, "protocol error: %s", err);
			goto out;
		}
	}
	if (now_ms() >= deadline)
		snprintf(why, len, "loading took more than %d s", CHECK_TIMEOUT_MS / 1000);
out:
	rec_reader_release(&rd);
}

/* Loads one plugin in a worker; returns 0, or -1 with why filled. */
static int check_plugin(const struct plugin_conf *pc, const char *worker,
			char *why, size_t len)
{
	int sp[2], fds[SPAWN_FDS] = { -1, -1, -1, -1, -1 }, cfd;
	char parent[16];
	char *argv[] = { "igor-worker", "-t", "-n", pc->name, "-f", pc->file,
			 "-p", pc->plugin, "-s", pc->symbol, "-l", "50",
			 "-P", parent, NULL };
	pid_t pid;

	snprintf(parent, sizeof(parent), "%d", (int)getpid());
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
		return snprintf(why, len, "socketpair: %s", strerror(errno)), -1;
	cfd = spawn_data_fd(pc->bytes, pc->len);
	if (cfd < 0) {
		snprintf(why, len, "memfd: %s", strerror(errno));
		goto out_close;
	}
	fds[3] = sp[1];
	fds[4] = cfd;
	pid = spawn_process(worker, argv, fds);
	if (pid < 0) {
		snprintf(why, len, "cannot start '%s': %s", worker, strerror(errno));
		goto out_close;
	}
	sp[1] = safe_close(sp[1]);
	await_verdict(sp[0], why, len);
	kill(-pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
out_close:
	safe_close(cfd);
	safe_close(sp[0]);
	safe_close(sp[1]);
	return why[0] ? -1 : 0;
}

int check_run(const struct opts *o, const struct layout *lay)
{
	struct cfg_errs errs = { 0 }, warns = { 0 };
	struct main_conf mc;
	struct settings s;
	struct plugin_set set;
	char *main_file = opt_main_file(o, real_getenv), why[2048];
	size_t i, problems;

	if (!main_file || (conf_load_main(main_file, &mc, &errs, &warns),
			   opt_resolve(o, real_getenv, &mc, lay, &s) < 0)) {
		fprintf(stderr, "igor: out of memory\n");
		return 1;
	}
	free(main_file);
	/* -t prints nothing but problems unless -v asks for more. */
	log_set_threshold(log_level_from_verbosity(o->verbose));
	for (i = 0; i < warns.n; i++)
		log_warning("%s:%u: %s", warns.v[i].file, warns.v[i].line,
			    warns.v[i].msg);
	conf_load_plugins(s.config_dir, s.main_file, s.plugin_dir, &set, &errs);
	print_problems(&errs);
	problems = errs.n;
	for (i = 0; i < set.n; i++) {
		if (check_plugin(set.v[i], s.worker, why, sizeof(why)) == 0)
			continue;
		fprintf(stderr, "%s:%u: %s\n", set.v[i]->file,
			set.v[i]->plugin_line, why);
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
