/*
 * ctlsrv.c: the supervisor's end of the control socket (see ctl.h for the
 * protocol, igorctl(8) for the commands).
 *
 * A client must never block the loop or another client: every socket is
 * nonblocking, a request is bounded by REC_MAX, replies are buffered and
 * written as the socket takes them (EPOLLOUT), and a client that neither
 * completes a request nor reads a reply for CTLSRV_IDLE_MS is dropped.
 * Deadlines live in a timerfd armed only while a client is connected, so
 * an idle igor never wakes.
 *
 * A follower of igor's log (igorctl log -f) has no deadline: it waits for
 * lines.  Each line it asks for is queued on its reply as it is logged,
 * up to a bound; a follower whose reply reaches the bound is cut off: it
 * gets what is queued, then one CTL_MISSED counting every line it will
 * not get, and the connection ends.  So a follower that reads too slowly,
 * or not at all (stopped), costs igor a bounded buffer and never a wait.
 *
 * igor has one control socket, so its state is file-static (as wk.c's
 * table is).  Dropped clients are freed in ctlsrv_sweep, between rounds,
 * because ev.h forbids freeing a source during a round.
 */
#include "ctlsrv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "ctl.h"
#include "ctllog.h"
#include "ctlsock.h"
#include "ev.h"
#include "log.h"
#include "logring.h"
#include "util.h"

enum {
	CTLSRV_BACKLOG = 16,
	CTLSRV_MAX_CLIENTS = 64, /* each holds a REC_MAX reader */
	CTLSRV_PER_UID = 16,     /* one user cannot take every slot */
	CTLSRV_RESERVED = 8,     /* slots only root and igor's user get */
	CTLSRV_IDLE_MS = 5000,   /* no byte read or written for this long */
	CTLSRV_FOLLOW_MAX = 256 * 1024, /* bytes queued for a follower, beyond
					   the lines it asked for first */
};

/* A client following igor's log. */
struct follow {
	char *names;     /* which lines: "" for all (owned) */
	size_t limit;    /* bytes its reply may hold; beyond, it is cut off */
	uint64_t missed; /* lines it will not get */
	bool cut;        /* fell behind: ends once its reply is written */
};

struct client {
	struct ev_src src; /* first: the loop hands it back */
	int fd;
	uid_t uid;
	pid_t pid;
	struct rec_reader rd;
	struct rec_buf out;
	uint32_t events;   /* what epoll watches now */
	int64_t deadline;
	bool eof;          /* the client sent all it will send */
	bool closing;      /* the last reply is queued: close once written */
	bool dead;         /* dropped; freed by ctlsrv_sweep */
	bool following;    /* igorctl log -f: no deadline, no more requests */
	struct follow follow;
	struct client *next;
};

static struct {
	struct ev_src src;  /* the listening socket */
	struct ev_src tsrc; /* the deadline timer */
	int fd, tfd;
	int64_t armed;      /* absolute deadline of the timer, 0: disarmed */
	char *path;
	struct ctlsock_id bound; /* the socket we bound: only it is unlinked */
	struct ctlsrv_ops ops;
	struct client *clients;
	size_t nclients;
	bool paused;        /* out of fds: not accepting until one is freed */
} srv = { .fd = -1, .tfd = -1 };

/* ---- clients ------------------------------------------------------------- */

static void client_update(struct client *c);

static void client_drop(struct client *c)
{
	if (c->dead)
		return;
	ev_del(c->fd);
	c->fd = safe_close(c->fd);
	c->dead = true;
	srv.nclients--;
}

/* Arms the timer for the earliest deadline, or disarms it. */
static void timer_rearm(void)
{
	struct itimerspec its = { 0 };
	struct client *c;
	int64_t first = 0;

	for (c = srv.clients; c; c = c->next)
		if (!c->dead && !c->following &&
		    (!first || c->deadline < first))
			first = c->deadline;
	if (first == srv.armed)
		return;
	its.it_value.tv_sec = first / 1000;
	its.it_value.tv_nsec = first % 1000 * 1000000;
	if (timerfd_settime(srv.tfd, TFD_TIMER_ABSTIME, &its, NULL) < 0) {
		log_errno(LOG_LVL_ERROR, "cannot arm the control timer");
		return;
	}
	srv.armed = first;
}

static void on_timer(struct ev_src *src, uint32_t events)
{
	uint64_t ticks;
	struct client *c;
	int64_t now = now_ms();

	(void)src, (void)events;
	if (read(srv.tfd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
		log_errno(LOG_LVL_ERROR, "cannot read the control timer");
	srv.armed = 0;
	for (c = srv.clients; c; c = c->next) {
		if (c->dead || c->following || c->deadline > now)
			continue;
		log_info("control client (pid %d) idle for %d ms; dropped",
			 (int)c->pid, CTLSRV_IDLE_MS);
		client_drop(c);
	}
	timer_rearm();
}

static int reply_msg(struct client *c, enum ctl_type type, const char *msg)
{
	return ctl_encode_msg(&c->out, type, msg);
}

static int reply_status(struct client *c)
{
	struct ctl_worker *v;
	size_t i, n;
	int ret = 0;

	if (srv.ops.status(srv.ops.arg, &v, &n) < 0)
		return -1;
	for (i = 0; i < n && ret == 0; i++)
		ret = ctl_encode_worker(&c->out, &v[i]);
	free(v);
	return ret < 0 ? -1 : ctl_encode_end(&c->out);
}

static bool uid_is_privileged(uid_t uid)
{
	return uid == 0 || uid == geteuid();
}

/* restart and reload change things: root or igor's own user only. */
static bool client_may_change(const struct client *c)
{
	return uid_is_privileged(c->uid);
}

/*
 * Is there room for one more client of uid?  Any group member may ask
 * status, so one of them reconnecting in a loop must neither hold every
 * slot nor lock out the administrator: a cap per user, and the last slots
 * kept for root and igor's own user.
 */
static bool has_room_for(uid_t uid)
{
	const struct client *c;
	size_t mine = 0;

	if (uid_is_privileged(uid))
		return srv.nclients < CTLSRV_MAX_CLIENTS;
	if (srv.nclients >= CTLSRV_MAX_CLIENTS - CTLSRV_RESERVED)
		return false;
	for (c = srv.clients; c; c = c->next)
		mine += !c->dead && c->uid == uid;
	return mine < CTLSRV_PER_UID;
}

/* "igorctl (uid 0, pid 4716)": who asked, for igor's log.  The pid is
 * the client's, which must not read as a worker's. */
static const char *client_who(const struct client *c, char *buf, size_t len)
{
	snprintf(buf, len, "igorctl (uid %u, pid %d)", (unsigned)c->uid,
		 (int)c->pid);
	return buf;
}

static int reply_refused(struct client *c, const char *what)
{
	char msg[160], who[64];

	log_info("%s refused to %s", what, client_who(c, who, sizeof(who)));
	snprintf(msg, sizeof(msg),
		 "%s refused: uid %u is neither root nor igor's user", what,
		 (unsigned)c->uid);
	return reply_msg(c, CTL_ERROR, msg);
}

static int reply_restart(struct client *c, const char *name)
{
	char msg[PLUGNAME_MAX + 32], who[64];

	if (!client_may_change(c))
		return reply_refused(c, "restart");
	if (srv.ops.restart(srv.ops.arg, name) < 0) {
		snprintf(msg, sizeof(msg), "no plugin named '%s'", name);
		return reply_msg(c, CTL_ERROR, msg);
	}
	log_info("plugin '%s' restarted by %s", name,
		 client_who(c, who, sizeof(who)));
	/* Said as reload says it. */
	snprintf(msg, sizeof(msg), "restarted %s", name);
	if (reply_msg(c, CTL_LINE, msg) < 0)
		return -1;
	return ctl_encode_end(&c->out);
}

static int reply_reload(struct client *c)
{
	struct report rep = { 0 };
	int ret = 0, refused;
	size_t i, n;
	char who[64];

	if (!client_may_change(c))
		return reply_refused(c, "reload");
	log_info("reload requested by %s", client_who(c, who, sizeof(who)));
	refused = srv.ops.reload(srv.ops.arg, &rep) < 0;
	/* A refused reload's last line says why: it becomes the error. */
	n = refused && rep.n ? rep.n - 1 : rep.n;
	for (i = 0; i < n && ret == 0; i++)
		ret = reply_msg(c, CTL_LINE, rep.lines[i]);
	if (ret == 0 && refused)
		ret = reply_msg(c, CTL_ERROR,
				rep.n ? rep.lines[n] : "refused the reload");
	else if (ret == 0)
		ret = ctl_encode_end(&c->out);
	report_release(&rep);
	return ret;
}

/* ---- igorctl log and metrics ---------------------------------------------- */

/* metrics_line_fn: one line of the exposition, as one CTL_LINE. */
static int emit_line(void *to, const char *line)
{
	return reply_msg(to, CTL_LINE, line);
}

static int reply_metrics(struct client *c)
{
	if (srv.ops.metrics(srv.ops.arg, emit_line, c) < 0)
		return -1;
	return ctl_encode_end(&c->out);
}

/* The lines igor never logged for a name it never heard of would be
 * waited for in vain: a typo is said at once.  1 when said. */
static int refuse_unknown(struct client *c, const char *names)
{
	char buf[PLUGNAME_MAX + 1], msg[PLUGNAME_MAX + 32];
	struct ctl_worker *v;
	const char *unknown;
	size_t n;

	if (!names[0])
		return 0;
	if (srv.ops.status(srv.ops.arg, &v, &n) < 0)
		return -1;
	unknown = ctllog_unknown(names, v, n, buf);
	if (unknown)
		snprintf(msg, sizeof(msg), "no plugin named '%s'", unknown);
	free(v);
	if (!unknown)
		return 0;
	return reply_msg(c, CTL_ERROR, msg) < 0 ? -1 : 1;
}

static int reply_log(struct client *c, const struct ctl_request *rq)
{
	int r = refuse_unknown(c, rq->names);

	if (r != 0)
		return r < 0 ? -1 : 0;
	if (ctllog_backlog(&c->out, rq) < 0)
		return -1;
	if (!rq->follow)
		return ctl_encode_end(&c->out);
	c->follow.names = strdup(rq->names);
	if (!c->follow.names)
		return -1;
	/* What it asked for first is not held against it. */
	c->follow.limit = rec_buf_pending(&c->out) + CTLSRV_FOLLOW_MAX;
	c->following = true;
	return 0;
}

/* logring_fn: queues each new line on the replies of the followers that
 * asked for it; one whose reply is full is cut off from then on.  Logs
 * nothing (logring.h). */
static void follow_line(const struct logring_line *l, void *arg)
{
	struct client *c;

	(void)arg;
	for (c = srv.clients; c; c = c->next) {
		if (!c->following || c->dead || c->closing ||
		    !ctllog_matches(c->follow.names, l))
			continue;
		if (!c->follow.cut &&
		    rec_buf_pending(&c->out) < c->follow.limit &&
		    ctllog_encode(&c->out, l) == 0) {
			client_update(c);
			continue;
		}
		c->follow.cut = true;
		c->follow.missed++;
	}
}

/* A follower cut off, whose reply is written: it learns what it missed,
 * and its connection ends. */
static void follow_end_if_cut(struct client *c)
{
	char who[64];

	if (!c->following || !c->follow.cut || c->dead || c->closing ||
	    rec_buf_pending(&c->out))
		return;
	if (ctl_encode_missed(&c->out, (int64_t)c->follow.missed) < 0) {
		client_drop(c);
		return;
	}
	c->closing = true;
	log_info("log follower %s read too slowly: cut off, %llu lines missed",
		 client_who(c, who, sizeof(who)),
		 (unsigned long long)c->follow.missed);
}

static int serve_request(struct client *c, const struct ctl_request *rq)
{
	char who[64];

	switch (rq->type) {
	case CTL_STATUS:
		log_debug("status requested by %s",
			  client_who(c, who, sizeof(who)));
		return reply_status(c);
	case CTL_RESTART:
		return reply_restart(c, rq->name);
	case CTL_RELOAD:
		return reply_reload(c);
	case CTL_LOG:
		return reply_log(c, rq);
	case CTL_METRICS:
		return reply_metrics(c);
	default:
		return reply_msg(c, CTL_ERROR, "not a request");
	}
}

/* A bad request ends the connection, after an error reply saying why. */
static void refuse_garbage(struct client *c, const char *why)
{
	bool version = errno == EPROTONOSUPPORT; /* before logging clobbers it */
	char msg[200];

	log_info("control client (pid %d) sent a bad request: %s; dropped",
		 (int)c->pid, why);
	if (version)
		snprintf(msg, sizeof(msg),
			 "%s (igor speaks version %d)", why, CTL_VERSION);
	else
		snprintf(msg, sizeof(msg), "bad request: %s", why);
	if (reply_msg(c, CTL_ERROR, msg) < 0)
		client_drop(c);
	c->closing = true;
}

/* Writes what the socket takes.  Returns 0, or -1 when the client is
 * gone. */
static int client_flush(struct client *c)
{
	size_t before = rec_buf_pending(&c->out);

	if (rec_buf_write_some(&c->out, c->fd) < 0)
		return -1;
	if (rec_buf_pending(&c->out) < before)
		c->deadline = now_ms() + CTLSRV_IDLE_MS;
	return 0;
}

/*
 * Answers the requests already read, one at a time: the next is taken only
 * once the last reply is written, so a client that does not read its
 * replies stops being read and only costs one reply's buffer.
 */
static void client_serve(struct client *c)
{
	struct ctl_request rq;
	struct why why;
	int n;

	while (!c->dead && !c->closing && !c->following &&
	       !rec_buf_pending(&c->out)) {
		n = ctl_next_request(&c->rd, &rq, &why);
		if (n == 0)
			break;
		if (n > 0)
			c->deadline = now_ms() + CTLSRV_IDLE_MS;
		if (n < 0)
			refuse_garbage(c, why.msg);
		else if (serve_request(c, &rq) < 0) {
			log_errno(LOG_LVL_ERROR, "cannot reply to a control client");
			client_drop(c);
		}
		if (!c->dead && client_flush(c) < 0)
			client_drop(c);
	}
}

static void client_read(struct client *c)
{
	long n = rec_reader_fill(&c->rd, c->fd);

	/* Bytes alone do not buy time (client_serve's whole requests do):
	 * else a byte every few seconds would hold a slot for ever. */
	if (n > 0 || (n < 0 && errno == EAGAIN))
		return;
	if (n < 0) {
		client_drop(c);
		return;
	}
	c->eof = true;
	if (rec_reader_pending(&c->rd)) {
		errno = EBADMSG;
		refuse_garbage(c, "truncated request");
	}
}

/*
 * Watches what the client's state calls for, or ends it when done.  A
 * follower that sent all it will send (igorctl shuts its side down) is
 * still there: it is watched for its hangup alone.
 */
static void client_update(struct client *c)
{
	uint32_t want;

	if (c->dead)
		return;
	if (rec_buf_pending(&c->out))
		want = EPOLLOUT;
	else if (c->closing || (c->eof && !c->following))
		want = 0;
	else if (c->eof)
		want = EPOLLHUP;
	else
		want = EPOLLIN;
	if (!want) {
		client_drop(c);
		return;
	}
	if (want != c->events && ev_mod(c->fd, &c->src, want) < 0) {
		client_drop(c);
		return;
	}
	c->events = want;
}

static void on_client(struct ev_src *src, uint32_t events)
{
	struct client *c = (struct client *)src;

	if ((events & EPOLLERR) || (c->following && (events & EPOLLHUP))) {
		client_drop(c);
	} else if (c->events & EPOLLIN) {
		client_read(c);
		if (!c->dead)
			client_serve(c);
	} else if (client_flush(c) < 0) {
		client_drop(c);
	} else {
		client_serve(c);
	}
	follow_end_if_cut(c);
	client_update(c);
	timer_rearm();
}

/* ---- the listening socket -------------------------------------------------- */

/* Serves a new client: 0, or -1 with errno (EUSERS when there is no room
 * for its user, already logged); the caller then closes fd. */
static int client_add(int fd)
{
	struct client *c = calloc(1, sizeof(*c));
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (!c)
		return -1;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		goto out_free;
	if (!has_room_for(cred.uid)) {
		log_warning("too many control clients of uid %u; refusing one",
			    (unsigned)cred.uid);
		free(c);
		errno = EUSERS;
		return -1;
	}
	if (rec_reader_init(&c->rd, &ctl_request_proto) < 0)
		goto out_free;
	c->src.on_ready = on_client;
	c->fd = fd;
	c->uid = cred.uid;
	c->pid = cred.pid;
	c->events = EPOLLIN;
	c->deadline = now_ms() + CTLSRV_IDLE_MS;
	if (ev_add(fd, &c->src) < 0)
		goto out_reader;
	c->next = srv.clients;
	srv.clients = c;
	srv.nclients++;
	return 0;
out_reader:
	rec_reader_release(&c->rd);
out_free:
	free(c);
	return -1;
}

static void on_listen(struct ev_src *src, uint32_t events)
{
	int fd, i;

	(void)src, (void)events;
	/* A bounded batch per round: other sources get their turn. */
	for (i = 0; i < CTLSRV_BACKLOG; i++) {
		fd = accept4(srv.fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0 && (errno == EMFILE || errno == ENFILE)) {
			/* The connection stays pending and the socket ready:
			 * stop listening until a client's fd is freed, or
			 * the loop would spin. */
			log_errno(LOG_LVL_ERROR,
				  "cannot accept a control client; waiting for a free fd");
			if (ev_del(srv.fd) == 0)
				srv.paused = true;
			break;
		}
		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR)
				log_errno(LOG_LVL_ERROR,
					  "cannot accept a control client");
			break;
		}
		if (client_add(fd) < 0) {
			if (errno != EUSERS)
				log_errno(LOG_LVL_ERROR,
					  "cannot serve a control client");
			close(fd);
		}
	}
	timer_rearm();
}

int ctlsrv_open(const char *path, const char *group,
		const struct ctlsrv_ops *ops)
{
	srv.path = strdup(path);
	if (!srv.path)
		return log_errno(LOG_LVL_CRITICAL, "cannot open the control socket");
	srv.fd = ctlsock_listen(path, group, CTLSRV_BACKLOG, &srv.bound);
	if (srv.fd < 0)
		goto out_free;
	srv.tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	srv.src.on_ready = on_listen;
	srv.tsrc.on_ready = on_timer;
	srv.ops = *ops;
	if (srv.tfd < 0 || ev_add(srv.tfd, &srv.tsrc) < 0 ||
	    ev_add(srv.fd, &srv.src) < 0) {
		log_errno(LOG_LVL_CRITICAL, "cannot serve the control socket");
		goto out_close;
	}
	logring_listen(follow_line, NULL);
	log_info("control socket '%s'", path);
	return 0;
out_close:
	srv.tfd = safe_close(srv.tfd);
	srv.fd = safe_close(srv.fd);
	unlink(path);
out_free:
	free(srv.path);
	srv.path = NULL;
	return -1;
}

/* igor stops: a follower gets the end of its reply, or what it missed,
 * as far as its socket takes them now; igor waits for no one. */
static void follow_stop(struct client *c)
{
	if (!c->following || c->dead || c->closing)
		return;
	if (c->follow.cut ? ctl_encode_missed(&c->out, (int64_t)c->follow.missed)
			  : ctl_encode_end(&c->out))
		return;
	(void)rec_buf_write_some(&c->out, c->fd);
}

void ctlsrv_close(void)
{
	struct client *c;

	if (!srv.path)
		return;
	logring_listen(NULL, NULL);
	for (c = srv.clients; c; c = c->next) {
		follow_stop(c);
		client_drop(c);
	}
	ctlsrv_sweep();
	ev_del(srv.fd);
	ev_del(srv.tfd);
	srv.fd = safe_close(srv.fd);
	srv.tfd = safe_close(srv.tfd);
	ctlsock_unlink(srv.path, &srv.bound);
	free(srv.path);
	srv.path = NULL;
}

void ctlsrv_sweep(void)
{
	struct client **pp = &srv.clients, *c;

	while ((c = *pp)) {
		if (!c->dead) {
			pp = &c->next;
			continue;
		}
		*pp = c->next;
		rec_reader_release(&c->rd);
		rec_buf_release(&c->out);
		free(c->follow.names);
		free(c);
		if (srv.paused && ev_add(srv.fd, &srv.src) == 0)
			srv.paused = false;
	}
}
