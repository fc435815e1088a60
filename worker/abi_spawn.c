/*
 * abi_spawn.c: see abi_spawn.h.  igor_spawn forks and execs a command for
 * the plugin without blocking the loop for longer than the exec itself,
 * logs its output line by line, reaps it on SIGCHLD and kills it on
 * timeout.
 *
 * Each child leads its own process group, so a timeout or a stop reaches
 * the whole command (a script and what it started), not just its first
 * process.  The price: the supervisor's kill of the worker's group no
 * longer covers it, so the worker terminates its children itself when
 * told to stop, and the kernel kills each child (PR_SET_PDEATHSIG) when
 * the worker dies without being told.
 *
 * The worker is a child subreaper: what a command leaves running (its
 * `cmd &`, a daemon that forked away, whatever group or session it moved
 * to) comes to the worker when its parent exits, stays below it while it
 * lives, and is reaped here when it exits.  A plugin's own fork()ed
 * child, still in the worker's process group, is the plugin's to reap.
 *
 * A child's struct outlives its exit while a descendant still holds its
 * output pipes: the lines keep reaching the log, and closing the pipes
 * early would kill such a descendant with SIGPIPE.  It also outlives an
 * exit at its timeout's SIGTERM until the SIGKILL that follows has gone
 * to the rest of its process group.  Like timers, the
 * structs are recycled, never freed, since the loop's current batch may
 * still point at them.  The children are the worker's single set of
 * processes, so their list is file-static.
 */
#include "abi_spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctx.h"
#include "emit.h"
#include "ev.h"
#include "igor/plugin.h"
#include "linebuf.h"
#include "loop.h"
#include "proctree.h"
#include "spawn.h"
#include "util.h"

extern char **environ;

enum {
	SPAWN_KILL_AFTER_MS = 5000, /* SIGTERM, then SIGKILL this much later */
	SPAWN_STOP_GRACE_MS = 2000, /* on stop, wait this long for children */
	SPAWN_DRAIN_READS = 64,     /* bound on reads at exit: a writer
				       that never stops cannot hold us */
	SPAWN_LABEL_MAX = 64,
};

struct stream {
	struct ev_src src; /* first: the loop hands it back */
	struct igor_child *child;
	int fd;            /* -1 once at end of file */
	int level;
	struct linebuf lines;
};

struct igor_child {
	pid_t pid;         /* 0 once reaped */
	pid_t pgid;        /* its process group: pid, kept after the reap */
	bool in_use;
	bool termed;       /* the timeout sent SIGTERM already */
	struct stream out, err;
	igor_exit_fn *on_exit;
	igor_line_fn *on_stdout, *on_stderr;
	void *arg;
	igor_timer *timer; /* the timeout; NULL without one */
	long long timeout_ms;
	char label[SPAWN_LABEL_MAX]; /* argv[0], for messages */
	struct igor_child *next, *prev; /* live list, or free list (next) */
};

static struct igor_child *live, *free_children;
static bool stopping;
static igor_timer *stop_timer;

static void on_stream_ready(struct ev_src *src, uint32_t events);

/* ---- the live list ------------------------------------------------------ */

static struct igor_child *child_get(void)
{
	struct igor_child *c = free_children;

	if (c)
		free_children = c->next;
	else
		c = malloc(sizeof(*c));
	if (!c)
		return NULL;
	memset(c, 0, sizeof(*c));
	/* A stale wake-up of this round may still come for a recycled
	 * struct: it must find a handler, which sees in_use and fds. */
	c->out.src.on_ready = c->err.src.on_ready = on_stream_ready;
	c->out.child = c->err.child = c;
	c->out.fd = c->err.fd = -1;
	c->in_use = true;
	return c;
}

static void child_link(struct igor_child *c)
{
	c->prev = NULL;
	c->next = live;
	if (live)
		live->prev = c;
	live = c;
}

/* Back to the free list once reaped, both pipes are closed and no
 * SIGKILL is due. */
static void child_release_if_done(struct igor_child *c)
{
	if (!c->in_use || c->pid || c->out.fd >= 0 || c->err.fd >= 0 ||
	    c->timer)
		return;
	if (c->prev)
		c->prev->next = c->next;
	else
		live = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->in_use = false;
	c->next = free_children;
	free_children = c;
}

static bool has_unreaped(void)
{
	struct igor_child *c;

	for (c = live; c; c = c->next)
		if (c->pid)
			return true;
	return false;
}

/* ---- output ------------------------------------------------------------- */

/* linebuf_fn: one line of the child's output. */
static void stream_line(void *arg, char *line, size_t len)
{
	struct stream *s = arg;
	struct igor_child *c = s->child;
	igor_line_fn *fn = s == &c->out ? c->on_stdout : c->on_stderr;

	if (fn) {
		fn(c, line, c->arg);
		return;
	}
	emit_log(s->level, line, len);
}

static void stream_close(struct stream *s)
{
	linebuf_flush(&s->lines, stream_line, s);
	ev_del(s->fd);
	s->fd = safe_close(s->fd);
}

/* One read: 1 when it got bytes, 0 at end of file, -1 when empty now. */
static int stream_read(struct stream *s)
{
	long n;

	if (s->fd < 0)
		return 0;
	n = linebuf_read(&s->lines, s->fd, stream_line, s);
	if (n < 0 && errno == EAGAIN)
		return -1;
	if (n <= 0) {
		stream_close(s);
		return 0;
	}
	return 1;
}

static void on_stream_ready(struct ev_src *src, uint32_t events)
{
	struct stream *s = (struct stream *)src;
	struct igor_child *c = s->child;

	(void)events;
	if (!c || !c->in_use || ctx_gated())
		return; /* a stale wake-up of a recycled child; or inside a
			   walk, where its lines wait for the loop */
	if (stream_read(s) == 0)
		child_release_if_done(c);
}

/* What the child wrote before it exited is in the pipe: read it all now,
 * so on_exit comes after the output, as the reader expects. */
static void stream_drain(struct stream *s)
{
	int i;

	for (i = 0; i < SPAWN_DRAIN_READS && stream_read(s) > 0; i++)
		;
}

/* ---- exit, timeout, stop ------------------------------------------------ */

static void stop_done(void)
{
	igor_timer_free(stop_timer);
	stop_timer = NULL;
	loop_stop(0);
}

static void child_exited(struct igor_child *c, int status)
{
	stream_drain(&c->out);
	stream_drain(&c->err);
	/* After the timeout's SIGTERM, the SIGKILL still goes to the rest
	 * of the group: a process there may ignore SIGTERM. */
	if (!c->termed) {
		igor_timer_free(c->timer);
		c->timer = NULL;
	}
	c->pid = 0; /* reaped: its pid may be reused, never signal it again */
	if (c->on_exit)
		c->on_exit(c, status, c->arg);
	/* The plugin's handle is gone: later lines go to the log. */
	c->on_stdout = c->on_stderr = NULL;
	child_release_if_done(c);
	if (stopping && !has_unreaped())
		stop_done();
}

static void on_reap_later(igor_timer *t, void *arg)
{
	(void)t, (void)arg;
	abi_spawn_on_sigchld();
}

/* Reaps c if it has ended. */
static void reap_child(struct igor_child *c)
{
	int status = 0;
	pid_t r = waitpid(c->pid, &status, WNOHANG);

	if (r == 0 || (r < 0 && errno != ECHILD))
		return;
	if (r < 0) /* reaped behind our back: the status is lost */
		status = W_EXITCODE(255, 0);
	child_exited(c, status);
}

static struct igor_child *live_child(pid_t pid)
{
	struct igor_child *c;

	for (c = live; c; c = c->next)
		if (c->pid == pid)
			return c;
	return NULL;
}

/* Is pid, a child that has ended, one the worker adopted (or a plugin's
 * child that left the worker's group), rather than a plugin's own? */
static bool is_adopted(pid_t pid)
{
	pid_t g = getpgid(pid);

	return g >= 0 && g != getpgrp();
}

/* A plugin's own ended child hides the others from waitid(P_ALL): find
 * the adopted ones that have ended in /proc instead. */
static void reap_adopted_behind(void)
{
	struct proctree t = { 0 };
	pid_t self = getpid();
	size_t i;

	if (proctree_read(&t) < 0)
		return;
	for (i = 0; i < t.n; i++)
		if (t.v[i].ppid == self && proc_entry_has_ended(&t.v[i]) &&
		    !live_child(t.v[i].pid) && is_adopted(t.v[i].pid))
			waitpid(t.v[i].pid, NULL, WNOHANG);
	proctree_release(&t);
}

/* Reaps what ended among the orphans the worker adopted. */
static void reap_adopted(void)
{
	struct igor_child *c;
	siginfo_t si;

	for (;;) {
		memset(&si, 0, sizeof(si));
		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) < 0 ||
		    si.si_pid == 0)
			return;
		c = live_child(si.si_pid);
		if (c) {
			reap_child(c); /* ended since the walk of the list */
		} else if (is_adopted(si.si_pid)) {
			waitpid(si.si_pid, NULL, WNOHANG);
		} else {
			reap_adopted_behind();
			return;
		}
	}
}

void abi_spawn_on_sigchld(void)
{
	static igor_timer *later;
	struct igor_child *c, *next;

	if (ctx_gated()) {
		/* Inside a walk: exit callbacks wait for the loop. */
		if (!later)
			later = igor_timer_new(ctx_factory(), on_reap_later, NULL);
		if (later)
			igor_timer_arm(later, 0);
		return;
	}
	for (c = live; c; c = next) {
		next = c->next;
		if (c->pid)
			reap_child(c);
	}
	reap_adopted();
}

/* Signals c's process group, or c alone when it left its group (setsid). */
static int child_signal(struct igor_child *c, int sig)
{
	if (kill(-c->pid, sig) == 0)
		return 0;
	return errno == ESRCH ? kill(c->pid, sig) : -1;
}

static void on_timeout(igor_timer *t, void *arg)
{
	struct igor_child *c = arg;

	if (!c->pid) { /* its leader exited after SIGTERM; the rest may not */
		if (kill(-c->pgid, SIGKILL) == 0)
			emit_logf(IGOR_WARNING, "the process group of '%s' (pid %d) still ran %d s after SIGTERM; sending SIGKILL",
				  c->label, (int)c->pgid,
				  SPAWN_KILL_AFTER_MS / 1000);
		igor_timer_free(t);
		c->timer = NULL;
		child_release_if_done(c);
		return;
	}
	if (c->termed) {
		emit_logf(IGOR_WARNING, "'%s' (pid %d) ignored SIGTERM for %d s; sending SIGKILL",
			  c->label, (int)c->pid, SPAWN_KILL_AFTER_MS / 1000);
		child_signal(c, SIGKILL);
		return;
	}
	emit_logf(IGOR_WARNING, "'%s' (pid %d) still running after its timeout of %.3g s; sending SIGTERM",
		  c->label, (int)c->pid, (double)c->timeout_ms / 1000);
	child_signal(c, SIGTERM);
	c->termed = true;
	igor_timer_arm(t, SPAWN_KILL_AFTER_MS);
}

static void kill_all(int sig)
{
	struct igor_child *c;

	for (c = live; c; c = c->next)
		if (c->pid)
			child_signal(c, sig);
}

/* The rest of each group whose leader went at its timeout's SIGTERM
 * had that SIGTERM already: SIGKILL now, before the worker goes. */
static void kill_lingering(void)
{
	struct igor_child *c;

	for (c = live; c; c = c->next)
		if (!c->pid && c->timer)
			kill(-c->pgid, SIGKILL);
}

static void on_stop_grace(igor_timer *t, void *arg)
{
	(void)t, (void)arg;
	emit_logf(IGOR_WARNING, "children still running %d s after SIGTERM; sending SIGKILL",
		  SPAWN_STOP_GRACE_MS / 1000);
	kill_all(SIGKILL);
	stop_done();
}

void abi_spawn_stop(void)
{
	if (stopping)
		return;
	stopping = true;
	kill_lingering();
	if (!has_unreaped()) {
		loop_stop(0);
		return;
	}
	kill_all(SIGTERM);
	stop_timer = igor_timer_new(ctx_factory(), on_stop_grace, NULL);
	if (!stop_timer || igor_timer_arm(stop_timer, SPAWN_STOP_GRACE_MS) < 0) {
		kill_all(SIGKILL);
		stop_done();
	}
}

/* ---- starting ----------------------------------------------------------- */

static bool env_overrides(const char *var, const char *const *env)
{
	size_t len = strcspn(var, "=");

	for (; env && *env; env++)
		if (strncmp(*env, var, len) == 0 &&
		    ((*env)[len] == '=' || (*env)[len] == '\0'))
			return true;
	return false;
}

/* The worker's environment with env on top; the array is owned by the
 * caller (free()), the strings are borrowed from environ and env. */
static char **env_build(const char *const *env)
{
	size_t n = 0, m = 0, i;
	char **envp;

	while (environ[n])
		n++;
	while (env && env[m])
		m++;
	envp = calloc(n + m + 1, sizeof(*envp));
	if (!envp)
		return NULL;
	for (i = n = 0; environ[i]; i++)
		if (!env_overrides(environ[i], env))
			envp[n++] = environ[i];
	for (i = 0; i < m; i++)
		if (strchr(env[i], '='))
			envp[n++] = (char *)env[i];
	return envp;
}

/* The pipes of a new child: fds[] for the child (stdin, stdout, stderr),
 * the parent's read ends in c. */
static int child_pipes(struct igor_child *c, int fds[3])
{
	int out[2], err[2];

	if (pipe2(out, O_CLOEXEC) < 0)
		return -1;
	if (pipe2(err, O_CLOEXEC) < 0)
		goto out_out;
	fd_nonblock(out[0], true);
	fd_nonblock(err[0], true);
	c->out.fd = out[0];
	c->err.fd = err[0];
	fds[0] = -1; /* /dev/null */
	fds[1] = out[1];
	fds[2] = err[1];
	return 0;
out_out:
	safe_close(out[0]);
	safe_close(out[1]);
	return -1;
}

static void close_fds(int fds[3])
{
	int i;

	for (i = 0; i < 3; i++)
		fds[i] = safe_close(fds[i]);
}

static pid_t fork_exec(const struct igor_spawn_args *a, const int fds[3])
{
	struct spawn_req rq = {
		.argv = (char *const *)a->argv, .fds = fds, .nfds = 3,
		.die_with = getpid(),
	};
	char **envp = env_build(a->env);
	pid_t pid;

	if (!envp)
		return -1;
	rq.envp = envp;
	pid = spawn_start(&rq, NULL);
	free(envp); /* free keeps errno since glibc 2.33 */
	return pid;
}

static void child_watch(struct igor_child *c)
{
	struct stream *s[2] = { &c->out, &c->err };
	int i;

	c->out.level = IGOR_INFO;
	c->err.level = IGOR_WARNING;
	for (i = 0; i < 2; i++) {
		s[i]->src.on_ready = on_stream_ready;
		s[i]->child = c;
		if (ev_add(s[i]->fd, &s[i]->src) < 0)
			s[i]->fd = safe_close(s[i]->fd); /* output lost, not the exit */
	}
	if (c->timeout_ms <= 0)
		return;
	c->timer = igor_timer_new(ctx_factory(), on_timeout, c);
	if (c->timer && igor_timer_arm(c->timer, c->timeout_ms) < 0) {
		igor_timer_free(c->timer);
		c->timer = NULL;
	}
	if (!c->timer)
		emit_logf(IGOR_ERROR, "cannot arm the timeout of '%s': %s",
			  c->label, strerror(errno));
}

static int args_copy(const struct igor_spawn_args *in,
		     struct igor_spawn_args *a)
{
	memset(a, 0, sizeof(*a));
	if (!in || in->size < offsetof(struct igor_spawn_args, env)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(a, in, in->size < sizeof(*a) ? in->size : sizeof(*a));
	if (!a->argv || !a->argv[0] || !a->argv[0][0]) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

igor_child *igor_spawn(igor_inotify_factory *f,
		       const struct igor_spawn_args *args)
{
	struct igor_spawn_args a;
	struct igor_child *c;
	int fds[3] = { -1, -1, -1 };

	if (f != ctx_factory() || args_copy(args, &a) < 0) {
		errno = EINVAL;
		return NULL;
	}
	if (stopping) {
		errno = ESHUTDOWN;
		return NULL;
	}
	c = child_get();
	if (!c)
		return NULL;
	if (child_pipes(c, fds) < 0)
		goto out_child;
	c->pid = fork_exec(&a, fds);
	close_fds(fds); /* safe_close keeps errno */
	if (c->pid < 0)
		goto out_pipes;
	c->pgid = c->pid;
	c->on_exit = a.on_exit;
	c->on_stdout = a.on_stdout;
	c->on_stderr = a.on_stderr;
	c->arg = a.arg;
	c->timeout_ms = a.timeout_ms;
	snprintf(c->label, sizeof(c->label), "%s", a.argv[0]);
	child_link(c);
	child_watch(c);
	return c;
out_pipes:
	c->out.fd = safe_close(c->out.fd); /* safe_close keeps errno */
	c->err.fd = safe_close(c->err.fd);
out_child:
	c->pid = 0;
	c->in_use = false;
	c->next = free_children;
	free_children = c;
	return NULL;
}

int igor_child_kill(igor_child *child, int sig)
{
	if (!child || !child->in_use || !child->pid) {
		errno = ESRCH;
		return -1;
	}
	return child_signal(child, sig);
}

int igor_child_pid(const igor_child *child)
{
	return child ? (int)child->pid : -1;
}
