/*
 * wkproc.c: see wkproc.h.  The settings are the process's one set, so
 * they are file-static.
 *
 * What a worker leaves behind when it ends (igor(8), Processes): with a
 * cgroup of its own (cgroup.h), that cgroup is ended whole; without one
 * (no writable cgroup v2, or descendants: keep), the worker and igor are
 * child subreapers and orphans.h decides about what igor adopts.
 */
#include "wkproc.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "ev.h"
#include "log.h"
#include "orphans.h"
#include "spawn.h"
#include "util.h"
#include "wkargs.h"
#include "wkio.h"
#include "wktab.h"

/* What igor keeps for itself out of RLIMIT_NOFILE: the control
 * socket's clients (64 at most), its own loop's fds, and one spawn's
 * temporaries; each running worker costs it WKPROC_FDS_PER_WORKER more
 * (igor(8)). */
enum { WKPROC_FD_RESERVE = 128, WKPROC_FDS_PER_WORKER = 3 };

/* Rounds of reaping and looking, at most, before what a batch of ended
 * workers left is settled (wkproc_reap). */
enum { WKPROC_REAP_ROUNDS = 8 };

static char *worker_exe;
static int worker_level;
static size_t live; /* workers with a process */

int wkproc_configure(const struct wkproc_settings *s)
{
	char *exe = strdup(s->worker_exe);

	if (!exe)
		return -1;
	free(worker_exe);
	worker_exe = exe;
	worker_level = s->log_level;
	return 0;
}

void wkproc_release(void)
{
	free(worker_exe);
	worker_exe = NULL;
	cgroup_release();
	orphans_release();
}

void wkproc_signal(struct wk *w, int sig)
{
	if (w->pid > 0)
		kill(-w->pid, sig);
}

/* The worker's fds, igor's ends of them, and the config and counters. */
struct wk_fds {
	int sp[2], out[2], err[2], config, counters;
};

static void fds_close(struct wk_fds *f)
{
	safe_close(f->sp[0]), safe_close(f->sp[1]);
	safe_close(f->out[0]), safe_close(f->out[1]);
	safe_close(f->err[0]), safe_close(f->err[1]);
	safe_close(f->config);
	safe_close(f->counters);
}

static int fds_make(struct wk *w, struct wk_fds *f)
{
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, f->sp) < 0 ||
	    pipe2(f->out, O_CLOEXEC) < 0 || pipe2(f->err, O_CLOEXEC) < 0)
		return -1;
	f->config = spawn_data_fd(w->conf->bytes, w->conf->len);
	if (f->config < 0)
		return -1;
	f->counters = counters_open(&w->counts);
	return f->counters < 0 ? -1 : 0;
}

static pid_t exec_worker(struct wk *w, const struct wk_fds *f, int procs,
			 int *report)
{
	struct wkargs a = {
		.keep = w->conf->keep_descendants,
		.name = w->name, .file = w->conf->file,
		.plugin = w->conf->plugin, .symbol = w->conf->symbol,
		.level = worker_level, .parent = getpid(),
	};
	int fds[WKARGS_NFDS] = {
		[WKARGS_FD_NULL] = -1, [WKARGS_FD_OUT] = f->out[1],
		[WKARGS_FD_ERR] = f->err[1], [WKARGS_FD_REC] = f->sp[1],
		[WKARGS_FD_CONFIG] = f->config,
		[WKARGS_FD_COUNTERS] = f->counters,
	};
	struct wkargs_argv av;
	struct spawn_req rq = {
		.path = worker_exe, .argv = av.argv, .fds = fds,
		.nfds = WKARGS_NFDS, .cgroup_procs = procs > 0 ? procs : 0,
	};

	wkargs_build(&a, &av);
	return spawn_start_nowait(&rq, report);
}

/* Unheard, a started worker must not run on: it would be a second
 * instance once the backoff starts another.  SIGKILL ends it at once. */
static void kill_unheard(struct wk *w)
{
	int saved = errno;

	wkproc_signal(w, SIGKILL);
	while (waitpid(w->pid, NULL, 0) < 0 && errno == EINTR)
		;
	w->pid = 0;
	errno = saved;
}

/* Is there room under RLIMIT_NOFILE for one more worker?  When not, why
 * is in w->error and errno is EMFILE.  igor stops short of the limit, so
 * that igorctl can still connect and the loop still works. */
static bool has_fds_for_one_more(struct wk *w)
{
	struct rlimit rl;
	rlim_t most;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY)
		return true;
	most = rl.rlim_cur > WKPROC_FD_RESERVE
		       ? (rl.rlim_cur - WKPROC_FD_RESERVE) / WKPROC_FDS_PER_WORKER
		       : 0;
	if (live < most)
		return true;
	snprintf(w->error, sizeof(w->error),
		 "cannot start '%s': the open file limit (RLIMIT_NOFILE %llu) allows igor %llu workers; raise it (LimitNOFILE=, ulimit -n)",
		 worker_exe, (unsigned long long)rl.rlim_cur,
		 (unsigned long long)most);
	errno = EMFILE;
	return false;
}

/* A worker could not move into its cgroup: say so, and start the next
 * ones without (subreapers do the job then). */
static void say_cgroup_failed(struct wk *w, int err)
{
	snprintf(w->error, sizeof(w->error),
		 "cannot move the worker into cgroup '%s/%s.%llu': %s",
		 cgroup_path(), w->name, (unsigned long long)w->cgroup,
		 strerror(err));
	log_warning("%s; workers get no cgroup of their own from now on, igor and they are child subreapers instead",
		    w->error);
	cgroup_turn_off();
}

/* Why a start failed, naming the limit that was hit when one was. */
static void say_why(struct wk *w)
{
	struct rlimit rl = { 0, 0 };
	int err = errno;

	if (err == EMFILE) {
		getrlimit(RLIMIT_NOFILE, &rl);
		snprintf(w->error, sizeof(w->error),
			 "cannot start '%s': the open file limit (RLIMIT_NOFILE %llu) is reached",
			 worker_exe, (unsigned long long)rl.rlim_cur);
	} else if (err == ENFILE) {
		snprintf(w->error, sizeof(w->error),
			 "cannot start '%s': the system's open file limit (fs.file-max) is reached",
			 worker_exe);
	} else if (err == EAGAIN) {
		getrlimit(RLIMIT_NPROC, &rl);
		snprintf(w->error, sizeof(w->error),
			 "cannot start '%s': a process limit is reached (RLIMIT_NPROC %llu, kernel.threads-max, kernel.pid_max or the cgroup's pids.max)",
			 worker_exe, (unsigned long long)rl.rlim_cur);
	} else {
		snprintf(w->error, sizeof(w->error), "cannot start '%s': %s",
			 worker_exe, strerror(err));
	}
	errno = err;
}

/* With descendants: kill and cgroups on, the leaf w's process starts
 * in: an fd of its cgroup.procs, or -1 (none: then subreapers). */
static int make_leaf(struct wk *w)
{
	int procs;

	if (w->conf->keep_descendants || !cgroup_is_on())
		return -1;
	if (cgroup_make(w->name, &w->cgroup, &procs) == 0)
		return procs;
	log_errno(LOG_LVL_WARNING, "plugin '%s': cannot create a cgroup below '%s'; this worker has none",
		  w->name, cgroup_path());
	return -1;
}

/*
 * What the exec-failure pipe says, once it says it: nothing when the exec
 * worked; when it failed, the worker is failed, not restarted in a loop
 * (its process exits 127, and its exit reads the verdict set here); when
 * the move into its cgroup failed, later workers get none.
 */
static void hear_exec(struct wk *w)
{
	enum spawn_step step;
	int err = 0, got = spawn_exec_result(w->exec_fd, &step, &err);

	if (got == 0)
		return;
	if (got < 0 && step == SPAWN_STEP_CGROUP) {
		say_cgroup_failed(w, err);
	} else if (got < 0) {
		snprintf(w->error, sizeof(w->error),
			 "cannot execute worker %s: %s", worker_exe,
			 strerror(err));
		w->fail_kind = REC_FAIL_LOAD;
	}
	ev_del(w->exec_fd);
	w->exec_fd = safe_close(w->exec_fd);
}

static void on_exec_report(struct ev_src *src, uint32_t events)
{
	struct wk *w = (struct wk *)((char *)src - offsetof(struct wk, exec_src));

	(void)events;
	if (w->exec_fd >= 0)
		hear_exec(w);
}

/* The exec is not waited for: the loop hears its verdict later, so a
 * start costs igor's loop a fork, not a fork and an exec. */
static int watch_exec(struct wk *w, int report)
{
	w->exec_fd = report;
	w->exec_src.on_ready = on_exec_report;
	if (fd_nonblock(report, true) < 0 || ev_add(report, &w->exec_src) < 0) {
		w->exec_fd = safe_close(report);
		return -1;
	}
	return 0;
}

int wkproc_spawn(struct wk *w)
{
	struct wk_fds f = { { -1, -1 }, { -1, -1 }, { -1, -1 }, -1, -1 };
	int ret = -1, report = -1, procs = -1;

	if (!has_fds_for_one_more(w))
		return -1;
	if (fds_make(w, &f) < 0)
		goto out_close;
	procs = make_leaf(w);
	w->pid = exec_worker(w, &f, procs, &report);
	procs = safe_close(procs); /* keeps errno */
	if (w->pid < 0) {
		w->pid = 0;
		goto out_close;
	}
	ret = wkio_open(w, f.sp[0], f.out[0], f.err[0]);
	f.sp[0] = f.out[0] = f.err[0] = -1; /* taken by wkio_open */
	if (ret == 0)
		ret = watch_exec(w, report);
	else
		safe_close(report);
	if (ret < 0) {
		int saved = errno;

		wkio_drain_and_close(w);
		kill_unheard(w);
		errno = saved;
	} else {
		live++;
	}
out_close:
	if (ret < 0)
		say_why(w);
	if (ret < 0 && !w->pid)
		counters_close(&w->counts);
	if (ret < 0 && w->cgroup) /* its process is gone: reaped */
		cgroup_end(w->name, w->cgroup);
	if (ret < 0)
		w->cgroup = 0;
	fds_close(&f);
	return ret;
}

void wkproc_describe_status(int status, char *buf, size_t len)
{
	const char *name;

	if (WIFEXITED(status)) {
		snprintf(buf, len, "exit %d", WEXITSTATUS(status));
		return;
	}
	name = WIFSIGNALED(status) ? sigabbrev_np(WTERMSIG(status)) : NULL;
	if (name)
		snprintf(buf, len, "signal %s", name);
	else
		snprintf(buf, len, "signal %d", WTERMSIG(status));
}

/* What the process that just ended leaves behind: its cgroup is ended
 * whole, or igor looks at what it adopted once this round of reaping is
 * over (wkproc_reap). */
static void end_descendants(struct wk *w)
{
	if (w->cgroup)
		cgroup_end(w->name, w->cgroup);
	else
		orphans_note_end(w->name, w->conf->keep_descendants);
	w->cgroup = 0;
}

/* One ended worker: clean its group while the zombie still holds the
 * group id, reap it, end what it left, drain what it wrote, then let the
 * table decide (which may start the next process at once). */
static void ended(struct wk *w)
{
	siginfo_t si = { 0 };

	wkproc_signal(w, SIGKILL);
	if (waitid(P_PID, (id_t)w->pid, &si, WEXITED | WNOHANG) < 0)
		return;
	end_descendants(w);
	/* A failed exec wrote its errno before the exit that got us here. */
	if (w->exec_fd >= 0) {
		hear_exec(w);
		ev_del(w->exec_fd);
		w->exec_fd = safe_close(w->exec_fd);
	}
	wkproc_describe_status(si.si_code == CLD_EXITED
				       ? W_EXITCODE(si.si_status, 0)
				       : si.si_status,
			       w->last_exit, sizeof(w->last_exit));
	if (w->killed_by_watchdog)
		strncat(w->last_exit, " (watchdog)",
			sizeof(w->last_exit) - strlen(w->last_exit) - 1);
	wkio_drain_and_close(w);
	counters_close(&w->counts);
	wkstatus_release(&w->said);
	live--;
	wk_handle(w, WK_EV_EXIT);
}

/* The pid of a child that has ended and is not reaped yet, or 0. */
static pid_t next_ended(void)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) < 0)
		return 0;
	return si.si_pid;
}

/* Reaps every child that has ended: workers, and strays (what a worker
 * left, which came to us, the subreaper). */
static void reap_ended(void)
{
	struct wk *w;
	pid_t pid;

	/* WNOWAIT: look first, so a worker's group is killed before its id
	 * can be reused. */
	while ((pid = next_ended()) > 0) {
		w = wktab_find_pid(pid);
		if (w) {
			ended(w);
			continue;
		}
		waitpid(pid, NULL, WNOHANG);
		orphans_reaped(pid);
	}
}

/*
 * Without cgroups, what the workers that ended left came to igor as they
 * ended.  igor looks at its children after reaping, and settles what it
 * saw only when no child ended meanwhile: a worker that ended after the
 * reaping but before the look would have its orphans in the look, and
 * must be in the round they are settled with (orphans.h).
 */
void wkproc_reap(void)
{
	int round;

	for (round = 0; round < WKPROC_REAP_ROUNDS; round++) {
		reap_ended();
		if (!orphans_has_ends())
			break;
		orphans_look();
		if (next_ended() == 0 || round == WKPROC_REAP_ROUNDS - 1) {
			orphans_settle();
			break;
		}
	}
	cgroup_tidy();
}

void wkproc_init_descendants(void)
{
	struct why why;

	if (cgroup_init(&why) == 0)
		log_info("each worker runs in a cgroup of its own, below '%s'",
			 cgroup_path());
	else
		log_info("workers get no cgroup of their own (%s); igor and they are child subreapers",
			 why.msg);
}
