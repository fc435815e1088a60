/*
 * igor-worker: runs one plugin for the supervisor.  Not for direct use:
 * its command line and the fds it inherits are wkargs.h's.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "abi_log.h"
#include "abi_spawn.h"
#include "cfg.h"
#include "degraded.h"
#include "emit.h"
#include "ino.h"
#include "log.h"
#include "ev.h"
#include "loop.h"
#include "plug.h"
#include "proctree.h"
#include "rec.h"
#include "util.h"
#include "wkargs.h"

enum { EXIT_PROTO = 2, EXIT_FAIL = 1 };

/* The plugin's config: borrowed by the plugin for the worker's life, so it
 * is never freed; file scope keeps it reachable for the leak checkers. */
static struct cfg_node *conf;

/* Reads and parses the config the supervisor handed over on
 * WKARGS_FD_CONFIG.  0 with *root set, or -1 with why filled. */
static int read_config(const char *file, struct cfg_node **root,
		       struct why *why)
{
	struct cfg_errs errs = { 0 };
	char *buf = malloc(CFG_MAX_BYTES + 1);
	ssize_t n, got = 0;
	int ret = -1;

	*root = NULL;
	if (!buf)
		return why_set(why, ENOMEM, "out of memory");
	while ((n = pread(WKARGS_FD_CONFIG, buf + got,
			  CFG_MAX_BYTES + 1 - got, got)) > 0)
		got += n;
	close(WKARGS_FD_CONFIG);
	if (n < 0 || got > CFG_MAX_BYTES)
		why_set(why, EIO, "cannot read the config of '%s'", file);
	else if (cfg_parse(file, buf, (size_t)got, root, &errs) < 0)
		why_set(why, EINVAL, "%s:%u: %s", errs.n ? errs.v[0].file : file,
			errs.n ? errs.v[0].line : 0,
			errs.n ? errs.v[0].msg : "cannot parse");
	else
		ret = 0;
	cfg_errs_release(&errs);
	free(buf);
	return ret;
}

/* ---- signals: a self-pipe, so children inherit no blocked mask ---------- */

static int sig_pipe[2] = { -1, -1 };

static void on_signal(int sig)
{
	int saved = errno;
	char c = (char)sig;

	(void)!write(sig_pipe[1], &c, 1);
	errno = saved;
}

static void on_signal_ready(struct ev_src *src, uint32_t events)
{
	char c[16];
	ssize_t n, i;

	(void)src, (void)events;
	while ((n = read(sig_pipe[0], c, sizeof(c))) > 0)
		for (i = 0; i < n; i++)
			if (c[i] == SIGCHLD)
				abi_spawn_on_sigchld();
			else if (c[i] == SIGTERM || c[i] == SIGINT)
				abi_spawn_stop(); /* loop_stop once children are gone */
}

static struct ev_src signal_src = { on_signal_ready };

static int trap_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return -1;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	if (sigaction(SIGTERM, &sa, NULL) < 0 || sigaction(SIGINT, &sa, NULL) < 0)
		return -1;
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP; /* igor_spawn's reaper */
	if (sigaction(SIGCHLD, &sa, NULL) < 0)
		return -1;
	signal(SIGPIPE, SIG_IGN);
	return ev_add(sig_pipe[0], &signal_src);
}

/* ---- records from the supervisor ---------------------------------------- */

static struct rec_reader from_igor;

static void handle_record(const struct rec *r)
{
	int level;

	if (r->type == REC_PING) {
		emit_pong(rec_num(r, REC_K_SEQ));
	} else if (r->type == REC_REWALK) {
		degraded_rewalk();
	} else if (r->type == REC_LEVEL) {
		level = (int)rec_num(r, REC_K_LEVEL);
		abi_log_set_igor_level(level);
		emit_set_each_event(level <= LOG_LVL_DEBUG);
	}
}

static void on_rec_ready(struct ev_src *src, uint32_t events)
{
	char buf[4096];
	struct why why;
	struct rec r;
	ssize_t n;
	int got;

	(void)src, (void)events;
	n = recv(WKARGS_FD_REC, buf, sizeof(buf), MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		loop_stop(0); /* the supervisor is gone: nobody to work for */
		return;
	}
	rec_reader_feed(&from_igor, buf, (size_t)n);
	while ((got = rec_next(&from_igor, &r, &why)) > 0)
		handle_record(&r);
	if (got < 0)
		loop_stop(EXIT_PROTO);
}

static struct ev_src rec_src = { on_rec_ready };

/* ---- start -------------------------------------------------------------- */

/* Everything up to a loaded plugin; reports FAIL itself. */
static int prepare(const struct wkargs *a, struct cfg_node **conf,
		   igor_setup_fn **setup)
{
	struct why why;
	char *dir;
	int kind = REC_FAIL_CONFIG;

	if (read_config(a->file, conf, &why) < 0)
		goto out_fail;
	if (plug_drop_privileges(*conf, a->parent, &why) < 0)
		goto out_fail;
	dir = path_dir(a->file);
	if (!dir || chdir(dir) < 0) {
		why_set(&why, errno, "cannot enter '%s': %s",
			dir ? dir : a->file, strerror(errno));
		free(dir);
		goto out_fail;
	}
	free(dir);
	kind = REC_FAIL_LOAD;
	if (plug_load(a->plugin, a->symbol, setup, &why) < 0)
		goto out_fail;
	return 0;
out_fail:
	emit_fail(kind, why.msg);
	return -1;
}

static int plugin_level(const struct cfg_node *conf)
{
	const struct cfg_node *n = cfg_get(conf, "log_level");
	int level = n && n->kind == CFG_SCALAR ? log_level_parse(n->text) : -1;

	return level < 0 ? 0 : level;
}

/* With descendants: kill, what the plugin's commands left running (it
 * came to us, a subreaper) ends when the worker does. */
static void end_left_behind(void)
{
	size_t n = proctree_end_children();

	if (n) {
		emit_logf(LOG_LVL_INFO, "ended %zu process(es) that commands left running",
			  n);
		emit_flush();
	}
}

int main(int argc, char **argv)
{
	struct wkargs a;
	igor_setup_fn *setup;
	igor_logger *logger;
	char msg[64];
	int ret;

	if (wkargs_parse(argc, argv, &a) < 0 ||
	    fcntl(WKARGS_FD_REC, F_GETFD) < 0) {
		fprintf(stderr, "igor-worker: run by igor, not by hand\n");
		return 2;
	}
	/* The plugin's stdout is a pipe: line-buffer it so nothing waits. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	fd_cloexec(WKARGS_FD_REC, true);
	fd_cloexec(WKARGS_FD_COUNTERS, true);
	if (plug_watch_parent(a.parent) < 0)
		return EXIT_FAIL;
	/* Before the plugin's constructors run: nothing it starts may get
	 * past us to igor while we live (igor(8), Processes). */
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	if (emit_init(WKARGS_FD_REC) < 0 || emit_hello() < 0)
		return EXIT_FAIL;
	if (ev_init() < 0 || trap_signals() < 0 ||
	    rec_reader_init(&from_igor, &rec_s2w_proto) < 0) {
		emit_fail(REC_FAIL_CONFIG, "cannot set up the worker's event loop");
		return EXIT_FAIL;
	}
	if (prepare(&a, &conf, &setup) < 0)
		return EXIT_FAIL;
	if (a.check)
		return emit_ready() < 0 ? EXIT_FAIL : 0;
	if (emit_map_counters(WKARGS_FD_COUNTERS) < 0) {
		emit_fail(REC_FAIL_CONFIG, "cannot map the counter page");
		return EXIT_FAIL;
	}
	logger = abi_logger(plugin_level(conf), a.level);
	emit_set_each_event(a.level <= LOG_LVL_DEBUG);
	/* igor's records are heard from now on: a setup that gives the loop
	 * back (a long walk of a tree does) answers the watchdog too. */
	if (ev_add(WKARGS_FD_REC, &rec_src) < 0) {
		emit_fail(REC_FAIL_CONFIG, "cannot set up the worker's event loop");
		return EXIT_FAIL;
	}
	ret = setup((const igor_config *)conf, logger, ino_factory());
	if (ret != 0) {
		snprintf(msg, sizeof(msg), "setup returned %d", ret);
		emit_fail(REC_FAIL_SETUP, msg);
		return EXIT_FAIL;
	}
	if (emit_ready() < 0)
		return EXIT_FAIL;
	ret = loop_run();
	if (!a.keep)
		end_left_behind();
	return ret;
}
