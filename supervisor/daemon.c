/*
 * daemon.c: see daemon.h.
 */
#include "daemon.h"

#include <errno.h>
#include <stddef.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "announce.h"
#include "ctlsrv.h"
#include "log.h"
#include "logdest.h"
#include "logring.h"
#include "metrics.h"
#include "notify.h"
#include "sink.h"
#include "reload.h"
#include "report.h"
#include "util.h"
#include "wkio.h"
#include "wkproc.h"
#include "wktab.h"

static void log_problems(const struct cfg_errs *errs, int level,
			 const char *suffix, struct report *rep)
{
	char where[CFG_WHERE_MAX];
	size_t i;

	for (i = 0; i < errs->n; i++) {
		cfg_err_where(&errs->v[i], where, sizeof(where));
		log_msg(level, "%s: %s%s", where, errs->v[i].msg, suffix);
		report_add(rep, "refused %s: %s", where, errs->v[i].msg);
	}
}

/*
 * Loads and logs the main config and the plugin configs (at start and on
 * reload).  Returns 0 with *mc, *s and *set filled, *dir_ok saying
 * whether the config directory could be read (when not, set is empty);
 * -1 when the main config is broken (then nothing is filled).
 */
static int daemon_load(const struct opts *o, const struct layout *lay,
		       struct main_conf *mc, struct settings *s,
		       struct plugin_set *set, struct report *rep,
		       bool *dir_ok)
{
	struct cfg_errs errs = { 0 }, warns = { 0 };
	char *main_file = opt_main_file(o, paths_getenv);
	int broken, ret;

	if (!main_file)
		return log_errno(LOG_LVL_CRITICAL, "cannot resolve the main config");
	broken = conf_load_main(main_file, mc, &errs, &warns);
	free(main_file);
	if (opt_resolve(o, paths_getenv, mc, lay, s) < 0) {
		main_conf_release(mc);
		cfg_errs_release(&errs);
		cfg_errs_release(&warns);
		return log_errno(LOG_LVL_CRITICAL, "cannot resolve settings");
	}
	log_set_threshold(s->log_level);
	log_problems(&warns, LOG_LVL_WARNING, "; ignored", NULL);
	log_problems(&errs, LOG_LVL_ERROR, "", rep);
	cfg_errs_release(&warns);
	cfg_errs_release(&errs);
	if (broken < 0) {
		main_conf_release(mc);
		settings_release(s);
		return -1;
	}
	if (!mc->found)
		log_info("no main config '%s'; using the defaults", mc->file);
	ret = conf_load_plugins(s->config_dir, s->main_file, s->plugin_dir,
				set, &errs);
	log_problems(&errs, LOG_LVL_ERROR, ret < 0 ? "" : "; skipped", rep);
	cfg_errs_release(&errs);
	*dir_ok = ret == 0;
	return 0;
}

/* ---- the running daemon --------------------------------------------------- */

struct daemon {
	struct ev_src src;      /* the signalfd */
	struct ev_src sink_src; /* the sink's "room again" eventfd */
	const struct opts *o;
	const struct layout *lay;
	struct settings s;
	struct main_conf mc;
	int sfd, sink_fd;
	bool stopping;
	int64_t stop_began;
};

static const struct wk_ops worker_ops = {
	.spawn = wkproc_spawn,
	.signal = wkproc_signal,
	.ask = wkio_ask,
	.now = now_ms,
};

static void configure_workers(const struct daemon *d)
{
	struct wk_settings ws = {
		.restart = d->mc.restart,
		.stop_timeout_ms = d->mc.stop_timeout_ms,
	};
	struct wkproc_settings ps = {
		.worker_exe = d->s.worker,
		.log_level = d->s.log_level,
	};

	wk_configure(&ws, &worker_ops);
	if (wkproc_configure(&ps) < 0)
		log_error("cannot apply settings: out of memory");
}

/* A reload keeps what cannot change while igor runs. */
static void keep_fixed_settings(struct daemon *d, struct settings *s)
{
	char *keep;

	if (strcmp(s->socket, d->s.socket) != 0)
		log_warning("reload: the socket changed to '%s'; it takes effect when igor restarts",
			    s->socket);
	if (strcmp(s->config_dir, d->s.config_dir) != 0) {
		log_warning("reload: config_dir changed to '%s'; it takes effect when igor restarts",
			    s->config_dir);
		keep = strdup(d->s.config_dir);
		if (keep) {
			free(s->config_dir);
			s->config_dir = keep;
		}
	}
	keep = strdup(d->s.socket);
	if (keep) {
		free(s->socket);
		s->socket = keep;
	}
}

/* The daemon's reload, for SIGHUP and igorctl reload; rep (may be NULL)
 * receives what it did.  Returns 0, or -1 when the reload was refused,
 * the last line of rep then saying why. */
static int reload_with(struct daemon *d, struct report *rep);

static int daemon_reload(struct daemon *d, struct report *rep)
{
	int ret;

	if (d->stopping) {
		log_info("reload refused: igor is stopping");
		report_add(rep, "refused the reload: igor is stopping");
		return -1;
	}
	log_info("reloading");
	announce_reloading();
	ret = reload_with(d, rep);
	announce_reloaded();
	return ret;
}

/* The reload itself; as daemon_reload. */
static int reload_with(struct daemon *d, struct report *rep)
{
	struct main_conf mc;
	struct settings s;
	struct plugin_set set;
	bool dir_ok;

	if (daemon_load(d->o, d->lay, &mc, &s, &set, rep, &dir_ok) < 0) {
		log_error("reload: the main config is broken; keeping the running configuration");
		report_add(rep, "refused the reload: the main config is broken");
		log_set_threshold(d->s.log_level);
		return -1;
	}
	/* An unreadable directory is not "every plugin removed". */
	if (!dir_ok) {
		log_error("reload: cannot read the config directory; keeping the running configuration");
		report_add(rep, "refused the reload: cannot read the config directory '%s'",
			   s.config_dir);
		plugin_set_release(&set);
		main_conf_release(&mc);
		settings_release(&s);
		log_set_threshold(d->s.log_level);
		return -1;
	}
	keep_fixed_settings(d, &s);
	main_conf_release(&d->mc);
	settings_release(&d->s);
	d->mc = mc;
	d->s = s;
	log_dest_apply(d->mc.log, d->mc.syslog_facility);
	configure_workers(d);
	wktab_broadcast_level(d->s.log_level);
	reload_apply(&set, rep);
	wktab_rewalk_degraded();
	plugin_set_release(&set);
	return 0;
}

/* ---- what the control socket asks ---------------------------------------- */

static int ctl_status(void *arg, struct ctl_worker **v, size_t *n)
{
	(void)arg;
	return wktab_snapshot(v, n);
}

static int ctl_restart(void *arg, const char *name)
{
	(void)arg;
	return wktab_restart(name);
}

static int ctl_reload(void *arg, struct report *rep)
{
	return daemon_reload(arg, rep);
}

static int ctl_metrics(void *arg, metrics_line_fn *emit, void *to)
{
	(void)arg;
	return metrics_write(emit, to);
}

static void on_signal(struct ev_src *src, uint32_t events)
{
	struct daemon *d = (struct daemon *)src;
	struct signalfd_siginfo si;

	(void)events;
	while (read(d->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGCHLD:
			wkproc_reap();
			break;
		case SIGHUP:
			daemon_reload(d, NULL);
			break;
		case SIGTERM:
		case SIGINT:
			if (!d->stopping) {
				log_info("stopping on %s",
					 sigabbrev_np((int)si.ssi_signo));
				d->stop_began = now_ms();
				announce_stopping();
			}
			d->stopping = true;
			wktab_stop_all();
			break;
		}
	}
}

static int trap_signals(struct daemon *d)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	signal(SIGPIPE, SIG_IGN);
	d->sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (d->sfd < 0)
		return -1;
	d->src.on_ready = on_signal;
	return ev_add(d->sfd, &d->src);
}

/* igor's log has room again: read the workers it stopped reading. */
static void on_sink_room(struct ev_src *src, uint32_t events)
{
	struct daemon *d = (struct daemon *)((char *)src -
					     offsetof(struct daemon, sink_src));
	uint64_t n;

	(void)events;
	(void)!read(d->sink_fd, &n, sizeof(n));
	wktab_resume_all();
}

/*
 * igor's own output goes through the sink from the start, so that no
 * write of igor's ever blocks its loop.  Without a sink (no thread could
 * be started) igor still runs, writing directly.
 */
static void open_sink(struct daemon *d)
{
	d->sink_fd = sink_open(STDERR_FILENO, 0, 0);
	if (d->sink_fd < 0)
		log_errno(LOG_LVL_ERROR,
			  "cannot start igor's log writer; writing directly");
	else /* until the config is read: `log: auto` */
		log_dest_apply(LOG_DEST_AUTO, CONF_SYSLOG_FACILITY);
}

static int watch_sink(struct daemon *d)
{
	if (d->sink_fd < 0)
		return 0;
	d->sink_src.on_ready = on_sink_room;
	return ev_add(d->sink_fd, &d->sink_src);
}

/* Past the stop's deadline, a reader that takes lines still gets this
 * long to take the last ones (the workers' exits, "stopped"). */
enum { DAEMON_FLUSH_GRACE_MS = 250 };

/* The log's reader gets until stop_timeout after the stop began (not a
 * second wait after the workers'); what it did not take is counted.
 * When igor could not start, the stop begins now. */
static void close_sink(struct daemon *d, int64_t stop_timeout_ms)
{
	int64_t began = d->stop_began ? d->stop_began : now_ms();
	int64_t deadline = began + stop_timeout_ms;

	if (d->sink_fd < 0)
		return;
	if (deadline < now_ms() + DAEMON_FLUSH_GRACE_MS)
		deadline = now_ms() + DAEMON_FLUSH_GRACE_MS;
	sink_say_lost(sink_drain(deadline));
}

static void start_all(struct plugin_set *set)
{
	size_t i;

	for (i = 0; i < set->n; i++) {
		wktab_add(set->v[i]);
		set->v[i] = NULL;
	}
}

static void serve(struct daemon *d)
{
	int64_t now;
	int wait, ann;

	while (!(d->stopping && wktab_all_gone())) {
		now = now_ms();
		wait = wktab_next_timeout(now);
		ann = announce_tick(now);
		if (ann >= 0 && (wait < 0 || ann < wait))
			wait = ann;
		if (ev_once(wait) < 0) {
			log_errno(LOG_LVL_CRITICAL, "event loop");
			break;
		}
		wktab_run_timers(now_ms());
		wktab_run_queue();
		wktab_sweep();
		ctlsrv_sweep();
	}
}

int daemon_run(const struct opts *o, const struct layout *lay)
{
	struct daemon d = { .o = o, .lay = lay, .sfd = -1, .sink_fd = -1 };
	struct ctlsrv_ops ctl = { ctl_status, ctl_restart, ctl_reload,
				  ctl_metrics, &d };
	int64_t stop_timeout_ms = CONF_STOP_TIMEOUT_MS;
	struct plugin_set set;
	bool dir_ok;
	int ret = 1;

	/* Before the log's thread starts: notify_init edits the environment,
	 * which the thread reads (the time zone). */
	if (notify_init() < 0)
		log_errno(LOG_LVL_ERROR, "cannot use NOTIFY_SOCKET; the service manager will not hear from igor");
	open_sink(&d);
	if (daemon_load(o, lay, &d.mc, &d.s, &set, NULL, &dir_ok) < 0)
		goto out_sink;
	log_dest_apply(d.mc.log, d.mc.syslog_facility);
	/* Orphans of a worker's children come to us, and get reaped. */
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	if (ev_init() < 0 || trap_signals(&d) < 0 || watch_sink(&d) < 0) {
		log_errno(LOG_LVL_CRITICAL, "cannot set up the event loop");
		goto out_release;
	}
	if (ctlsrv_open(d.s.socket, d.mc.socket_group, &ctl) < 0)
		goto out_release;
	configure_workers(&d);
	wkproc_init_descendants();
	log_info("igor %s started: %zu plugin(s) from '%s'", IGOR_VERSION,
		 set.n, d.s.config_dir);
	start_all(&set);
	announce_started();
	serve(&d);
	ret = 0;
	log_info("stopped");
	ctlsrv_close();
out_release:
	stop_timeout_ms = d.mc.stop_timeout_ms;
	plugin_set_release(&set);
	wktab_release_all();
	wkproc_release();
	main_conf_release(&d.mc);
	settings_release(&d.s);
	safe_close(d.sfd);
out_sink:
	close_sink(&d, stop_timeout_ms);
	notify_close();
	logring_release();
	return ret;
}
