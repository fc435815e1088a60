/*
 * ctlclient.c: see ctlclient.h.
 */
#include "ctlclient.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "cfg.h"
#include "paths.h"
#include "sockdir.h"
#include "util.h"

/* ---- finding the socket ---------------------------------------------------- */

/* Where the socket's path came from, for the next step when nobody
 * answers there. */
enum origin { FROM_OPTION, FROM_ENV, FROM_CONFIG, FROM_DEFAULT, FROM_SYSTEM };

/* socket: of the main config, or NULL.  A config that cannot be read is
 * said, since it may be why the socket is not found; a missing one is
 * igor's default too. */
static char *socket_from_config(void)
{
	struct cfg_errs errs = { 0 };
	struct cfg_node *root = NULL;
	const struct cfg_node *n;
	char *file = paths_main_config(NULL, paths_getenv), *buf = NULL;
	char *sock = NULL;
	size_t len;

	if (!file)
		return NULL;
	if (cfg_read_file(file, &buf, &len) < 0) {
		if (errno != ENOENT)
			fprintf(stderr, "igorctl: cannot read '%s': %s\n", file,
				strerror(errno));
		goto out_free;
	}
	if (cfg_parse(file, buf, len, &root, &errs) == 0) {
		n = cfg_get(root, "socket");
		if (n && n->kind == CFG_SCALAR && n->text[0])
			sock = strdup(n->text);
	} else if (errs.n) {
		/* Said, since it may be why the socket is not found. */
		fprintf(stderr, "igorctl: %s:%u: %s; its socket: is not used\n",
			errs.v[0].file, errs.v[0].line, errs.v[0].msg);
	}
	cfg_free(root);
	cfg_errs_release(&errs);
out_free:
	free(buf);
	free(file);
	return sock;
}

/* Refuses, saying why, a socket whose directory sockdir refuses. */
static char *checked(char *path, bool strict)
{
	struct why why;

	if (!path || sockdir_check(path, strict, &why) == 0 || errno == ENOENT)
		return path;
	fprintf(stderr, "igorctl: %s\n", why.msg);
	free(path);
	return NULL;
}

/*
 * -s, IGOR_SOCKET, socket: of the main config, the default; a non-root
 * user whose default is missing may be asking the system's igor.  NULL
 * after saying why (out of memory, or a directory sockdir refuses);
 * *from says which it is.
 */
static char *socket_path(const char *opt, enum origin *from)
{
	const char *env = paths_env(paths_getenv, "IGOR_SOCKET");
	char *p;

	*from = opt ? FROM_OPTION : FROM_ENV;
	if (opt || env) {
		p = strdup(opt ? opt : env);
		goto out_named;
	}
	*from = FROM_CONFIG;
	p = socket_from_config();
	if (p)
		return checked(p, false);
	*from = FROM_DEFAULT;
	p = paths_default_socket(paths_getenv);
	if (!p || geteuid() == 0)
		goto out_named;
	p = checked(p, true);
	if (p && access(p, F_OK) < 0) {
		free(p);
		*from = FROM_SYSTEM;
		p = strdup(PATHS_ROOT_SOCKET);
		goto out_named;
	}
	return p;
out_named:
	if (!p)
		fputs("igorctl: out of memory\n", stderr);
	return checked(p, false);
}

/* ---- connecting ------------------------------------------------------------ */

/* Why nobody answered at path, and what to try: whether the socket file
 * is there, and how igorctl chose it. */
static void say_next_step(const char *path, int err, enum origin from)
{
	static const char *const whence[] = {
		[FROM_OPTION] = "it was given with -s",
		[FROM_ENV] = "it came from IGOR_SOCKET",
		[FROM_CONFIG] = "it came from socket: in the main config",
		[FROM_DEFAULT] = "it is the default",
		[FROM_SYSTEM] = "it is the system igor's, tried since this user's default socket does not exist",
	};

	if (err == ENOENT)
		fprintf(stderr, "igorctl: no socket at '%s': igor is not running, or it uses another socket\n",
			path);
	else if (err == ECONNREFUSED)
		fprintf(stderr, "igorctl: '%s' is a stale socket: nobody listens on it, so igor is not running there\n",
			path);
	else if (err == EACCES)
		fprintf(stderr, "igorctl: only the socket's group (socket_group: of igor.conf) and root may connect\n");
	fprintf(stderr, "igorctl: the socket is -s SOCKET, else IGOR_SOCKET, else socket: of igor.conf, else the default; %s\n",
		whence[from]);
}

static int ctl_connect(const char *path, enum origin from, bool wait)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = CTLCLIENT_TIMEOUT_S };
	struct timeval none = { 0 };
	int fd, err;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "igorctl: socket path '%s' is too long\n", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = errno;
		fprintf(stderr, "igorctl: cannot connect to '%s': %s\n", path,
			strerror(err));
		if (fd >= 0)
			say_next_step(path, err, from);
		return safe_close(fd);
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, wait ? &none : &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return fd;
}

/* ---- talking ------------------------------------------------------------- */

static bool ends_request(enum ctl_type type)
{
	return type == CTL_END || type == CTL_ERROR || type == CTL_MISSED;
}

/* What was printed is out before waiting for more: a follower's reader
 * sees each line as it comes.  -1 when stdout cannot be written. */
static int flush_stdout(void)
{
	if (fflush(stdout) == 0)
		return 0;
	/* A reader that went away (igorctl log -f | head) is no error. */
	if (errno != EPIPE)
		fprintf(stderr, "igorctl: cannot write: %s\n", strerror(errno));
	return -1;
}

/* Reads more replies; 0, or -1 after saying why. */
static int fill(struct ctlclient *s)
{
	long n;

	if (flush_stdout() < 0)
		return -1;
	n = rec_reader_fill(&s->rd, s->fd);
	if (n > 0)
		return 0;
	if (n < 0 && errno == EAGAIN)
		fprintf(stderr, "igorctl: no reply from igor in %d s\n",
			CTLCLIENT_TIMEOUT_S);
	else if (n < 0)
		fprintf(stderr, "igorctl: cannot read the reply: %s\n",
			strerror(errno));
	else if (!s->errors)
		fputs("igorctl: igor closed the connection\n", stderr);
	return -1;
}

int ctlclient_read(struct ctlclient *s, size_t nreq, ctlclient_reply_fn *fn,
		   void *arg)
{
	struct ctl_reply *rp = malloc(sizeof(*rp));
	struct why why;
	size_t done = 0;
	int r;

	if (!rp)
		return -1;
	while (done < nreq) {
		r = ctl_next_reply(&s->rd, rp, &why);
		if (r < 0) {
			fprintf(stderr, "igorctl: bad reply from igor: %s\n", why.msg);
			break;
		}
		if (r == 0) {
			if (fill(s) < 0)
				break;
			continue;
		}
		if (rp->type == CTL_ERROR) {
			fprintf(stderr, "igorctl: %s\n", rp->msg);
			s->errors++;
		}
		fn(rp, done, arg);
		if (ends_request(rp->type))
			done++;
	}
	free(rp);
	if (flush_stdout() < 0)
		return -1;
	return done == nreq ? 0 : -1;
}

int ctlclient_open(struct ctlclient *s, const char *sock,
		   const struct ctl_request *rq, size_t nreq, bool wait)
{
	struct rec_buf out = { 0 };
	enum origin from;
	char *path = socket_path(sock, &from);
	size_t i;

	s->fd = -1;
	s->errors = 0;
	if (!path)
		return -1; /* socket_path said why */
	if (rec_reader_init(&s->rd, &ctl_reply_proto) < 0) {
		fputs("igorctl: out of memory\n", stderr);
		free(path);
		return -1;
	}
	for (i = 0; i < nreq; i++)
		if (ctl_encode_request(&out, &rq[i]) < 0)
			goto out_fail;
	s->fd = ctl_connect(path, from, wait);
	if (s->fd < 0)
		goto out_release;
	if (rec_buf_flush(&out, s->fd) < 0) {
		fprintf(stderr, "igorctl: cannot send to '%s': %s\n", path,
			strerror(errno));
		goto out_release;
	}
	/* Nothing more comes: igor may free our slot once it has replied. */
	shutdown(s->fd, SHUT_WR);
	rec_buf_release(&out);
	free(path);
	return 0;
out_fail:
	fprintf(stderr, "igorctl: cannot encode a request: %s\n", strerror(errno));
out_release:
	s->fd = safe_close(s->fd);
	rec_reader_release(&s->rd);
	rec_buf_release(&out);
	free(path);
	return -1;
}

void ctlclient_close(struct ctlclient *s)
{
	s->fd = safe_close(s->fd);
	rec_reader_release(&s->rd);
}
