/*
 * igorctl: asks a running igor for its workers' status, or has it restart
 * workers or reload its configs, over the control socket (igorctl(8)).
 *
 * A client of common/ only: the protocol is ctl.h's, the config reader
 * cfg.h's.  It sends every request at once, then reads the replies in
 * order: each request's replies end in one CTL_END or CTL_ERROR.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cfg.h"
#include "ctl.h"
#include "log.h"
#include "paths.h"
#include "sockdir.h"
#include "util.h"

enum {
	EXIT_OK = 0,
	EXIT_ERR = 1,
	EXIT_USAGE = 2,
	EXIT_NOT_RUNNING = 3,
	REPLY_TIMEOUT_S = 30, /* a stuck igor must not hang scripts */
};

static const char *usage_text =
	"usage: igorctl [-s SOCKET] status [--json] [NAME...]\n"
	"       igorctl [-s SOCKET] restart NAME...\n"
	"       igorctl [-s SOCKET] reload\n"
	"       igorctl -h | --help | --version\n";

static void usage(FILE *to)
{
	fputs(usage_text, to);
	if (to == stderr)
		return;
	fputs("\n"
	      "Asks a running igor about its workers, or has it restart or reload them.\n"
	      "\n"
	      "  -s SOCKET    control socket (default: $IGOR_SOCKET, then socket: of\n"
	      "               igor.conf, then igor's default)\n"
	      "  status       one row per worker; --json prints a JSON array instead;\n"
	      "               exits 0 when every listed worker is running, 3 otherwise\n"
	      "  restart      restarts the named workers now, clearing their backoff\n"
	      "  reload       re-reads igor.conf and the plugin configs, as SIGHUP\n"
	      "  -h, --help   prints this help and exits\n"
	      "  --version    prints the version and exits\n"
	      "\n"
	      "Exit status: 0 success, 1 error, 2 usage error, 3 a worker not running.\n"
	      "See igorctl(8).\n", to);
}

static int usage_error(const char *fmt, const char *arg)
	__attribute__((format(printf, 1, 0)));
static int usage_error(const char *fmt, const char *arg)
{
	fputs("igorctl: ", stderr);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	usage(stderr);
	return EXIT_USAGE;
}

/* ---- finding the socket ---------------------------------------------------- */

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
 * after saying why (out of memory, or a directory sockdir refuses).
 */
static char *socket_path(const char *opt)
{
	const char *env = paths_env(paths_getenv, "IGOR_SOCKET");
	char *p;

	if (opt || env) {
		p = strdup(opt ? opt : env);
		goto out_named;
	}
	p = socket_from_config();
	if (p)
		return checked(p, false);
	p = paths_default_socket(paths_getenv);
	if (!p || geteuid() == 0)
		goto out_named;
	p = checked(p, true);
	if (p && access(p, F_OK) < 0) {
		free(p);
		p = strdup(PATHS_ROOT_SOCKET);
		goto out_named;
	}
	return p;
out_named:
	if (!p)
		fputs("igorctl: out of memory\n", stderr);
	return checked(p, false);
}

static int ctl_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = REPLY_TIMEOUT_S };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "igorctl: socket path '%s' is too long\n", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "igorctl: cannot connect to '%s': %s\n", path,
			strerror(errno));
		return safe_close(fd);
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return fd;
}

/* ---- talking ------------------------------------------------------------- */

/* Called per reply record; returns 0 to go on. */
typedef void reply_fn(const struct ctl_reply *rp, size_t req, void *arg);

struct session {
	int fd;
	struct rec_reader rd;
	int errors; /* CTL_ERROR replies */
};

/* Reads replies until nreq requests have ended; each record goes to fn
 * with the index of its request.  Returns 0, or -1 after saying why. */
static int read_replies(struct session *s, size_t nreq, reply_fn *fn,
			void *arg)
{
	struct ctl_reply *rp = malloc(sizeof(*rp));
	struct why why;
	size_t done = 0;
	long n;
	int r;

	if (!rp)
		return -1;
	while (done < nreq) {
		r = ctl_next_reply(&s->rd, rp, &why);
		if (r < 0) {
			fprintf(stderr, "igorctl: bad reply from igor: %s\n", why.msg);
			break;
		}
		if (r > 0) {
			if (rp->type == CTL_ERROR) {
				fprintf(stderr, "igorctl: %s\n", rp->msg);
				s->errors++;
			}
			fn(rp, done, arg);
			if (rp->type == CTL_END || rp->type == CTL_ERROR)
				done++;
			continue;
		}
		n = rec_reader_fill(&s->rd, s->fd);
		if (n > 0)
			continue;
		if (n < 0 && errno == EAGAIN)
			fprintf(stderr, "igorctl: no reply from igor in %d s\n",
				REPLY_TIMEOUT_S);
		else if (n < 0)
			fprintf(stderr, "igorctl: cannot read the reply: %s\n",
				strerror(errno));
		else if (!s->errors)
			fputs("igorctl: igor closed the connection\n", stderr);
		break;
	}
	free(rp);
	return done == nreq ? 0 : -1;
}

/* Connects and sends the requests; the replies are then read_replies'. */
static int session_open(struct session *s, const char *sock,
			const struct ctl_request *rq, size_t nreq)
{
	struct rec_buf out = { 0 };
	char *path = socket_path(sock);
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
	s->fd = ctl_connect(path);
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

static void session_close(struct session *s)
{
	s->fd = safe_close(s->fd);
	rec_reader_release(&s->rd);
}

/* ---- status -------------------------------------------------------------- */

struct status {
	struct ctl_worker *v;
	size_t n, cap;
	bool oom;
};

/* A status line: to the worker before it, in a copy igorctl owns. */
static void add_line(struct status *st, const struct ctl_status_line *l)
{
	struct ctl_worker *w = st->n ? &st->v[st->n - 1] : NULL;
	struct ctl_status_line *v;

	if (!w || st->oom)
		return;
	v = realloc((void *)w->lines, (w->nlines + 1) * sizeof(*v));
	if (!v) {
		st->oom = true;
		return;
	}
	v[w->nlines++] = *l;
	w->lines = v;
}

static void status_release(struct status *st)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		free((void *)st->v[i].lines);
	free(st->v);
}

static void on_status(const struct ctl_reply *rp, size_t req, void *arg)
{
	struct status *st = arg;
	struct ctl_worker *v;

	(void)req;
	if (rp->type == CTL_STATUS_LINE) {
		add_line(st, &rp->line);
		return;
	}
	if (rp->type != CTL_WORKER || st->oom)
		return;
	if (st->n == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 16;
		v = realloc(st->v, st->cap * sizeof(*v));
		if (!v) {
			st->oom = true;
			return;
		}
		st->v = v;
	}
	st->v[st->n++] = rp->w;
}

/* Is w to be shown, given the names asked for (none: all)? */
static bool is_listed(const struct ctl_worker *w, char **names, int nnames)
{
	int i;

	if (!nnames)
		return true;
	for (i = 0; i < nnames; i++)
		if (!strcmp(names[i], w->name))
			return true;
	return false;
}

static bool has_worker(const struct status *st, const char *name)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		if (!strcmp(st->v[i].name, name))
			return true;
	return false;
}

/* A JSON string: UTF-8 passes, control characters are escaped, and a
 * byte that is not UTF-8 (paths are bytes) becomes U+FFFD. */
static void json_str(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, n;

	putchar('"');
	while (*p) {
		if (*p == '"' || *p == '\\') {
			printf("\\%c", *p++);
			continue;
		}
		if (*p == '\n' || *p == '\t') {
			fputs(*p++ == '\n' ? "\\n" : "\\t", stdout);
			continue;
		}
		if (*p < 0x20 || *p == 0x7f) {
			printf("\\u%04x", *p++);
			continue;
		}
		n = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3
		    : (*p & 0xf8) == 0xf0 ? 4 : 0;
		for (i = 1; i < n; i++)
			if ((p[i] & 0xc0) != 0x80)
				n = 0;
		if (!n || (n == 2 && *p < 0xc2)) {
			fputs("\\ufffd", stdout);
			p++;
			continue;
		}
		fwrite(p, 1, n, stdout);
		p += n;
	}
	putchar('"');
}

static void json_str_or_null(const char *s)
{
	if (*s)
		json_str(s);
	else
		fputs("null", stdout);
}

static void json_int_or_null(int64_t v, bool null)
{
	if (null)
		fputs("null", stdout);
	else
		printf("%lld", (long long)v);
}

static void print_json_worker(const struct ctl_worker *w)
{
	size_t i;

	fputs("{\"name\": ", stdout);
	json_str(w->name);
	fputs(", \"state\": ", stdout);
	json_str(w->state);
	fputs(", \"pid\": ", stdout);
	json_int_or_null(w->pid, w->pid <= 0);
	fputs(", \"uptime_s\": ", stdout);
	json_int_or_null(w->uptime_s, w->uptime_s < 0);
	printf(", \"restarts\": %lld, \"events\": %lld, \"overflows\": %lld",
	       (long long)w->restarts, (long long)w->events,
	       (long long)w->overflows);
	fputs(", \"last_exit\": ", stdout);
	json_str_or_null(w->last_exit);
	fputs(", \"error\": ", stdout);
	json_str_or_null(w->error);
	printf(", \"degraded\": %s", w->degraded ? "true" : "false");
	fputs(", \"status\": {", stdout);
	for (i = 0; i < w->nlines; i++) {
		fputs(i ? ", " : "", stdout);
		json_str(w->lines[i].key);
		fputs(": {\"line\": ", stdout);
		json_str(w->lines[i].line);
		printf(", \"since\": %lld}", (long long)w->lines[i].since);
	}
	fputs("}}", stdout);
}

static void print_json(const struct status *st, char **names, int nnames)
{
	const char *sep = "\n  ";
	size_t i;

	putchar('[');
	for (i = 0; i < st->n; i++) {
		if (!is_listed(&st->v[i], names, nnames))
			continue;
		fputs(sep, stdout);
		sep = ",\n  ";
		print_json_worker(&st->v[i]);
	}
	fputs(*sep == '\n' ? "]\n" : "\n]\n", stdout);
}

/* The table's cells of one worker, '-' for null. */
enum { COL_NAME, COL_STATE, COL_PID, COL_UPTIME, COL_RESTARTS, COL_EVENTS,
       COL_EXIT, NCOLS };

struct row {
	char cell[NCOLS][CTL_EXIT_MAX * 4 + 1];
};

static const char *const col_title[NCOLS] = {
	"NAME", "STATE", "PID", "UPTIME", "RESTARTS", "EVENTS", "LAST-EXIT",
};

/* SPEC.md's layout; a longer value widens its column. */
static const int col_min[NCOLS] = { 12, 9, 6, 7, 9, 7, 0 };

static void row_fill(struct row *r, const struct ctl_worker *w)
{
	snprintf(r->cell[COL_NAME], sizeof(r->cell[0]), "%s", w->name);
	snprintf(r->cell[COL_STATE], sizeof(r->cell[0]), "%s",
		 w->degraded ? "degraded" : w->state);
	if (w->pid > 0)
		snprintf(r->cell[COL_PID], sizeof(r->cell[0]), "%lld",
			 (long long)w->pid);
	else
		strcpy(r->cell[COL_PID], "-");
	if (w->uptime_s >= 0)
		ctl_uptime_str(w->uptime_s, r->cell[COL_UPTIME], sizeof(r->cell[0]));
	else
		strcpy(r->cell[COL_UPTIME], "-");
	snprintf(r->cell[COL_RESTARTS], sizeof(r->cell[0]), "%lld",
		 (long long)w->restarts);
	snprintf(r->cell[COL_EVENTS], sizeof(r->cell[0]), "%lld",
		 (long long)w->events);
	if (w->last_exit[0])
		log_escape(r->cell[COL_EXIT], sizeof(r->cell[0]), w->last_exit,
			   strlen(w->last_exit));
	else
		strcpy(r->cell[COL_EXIT], "-");
}

static void print_row(const struct row *r, const int *width)
{
	int c;

	for (c = 0; c < NCOLS - 1; c++)
		printf("%-*s ", width[c], r->cell[c]);
	printf("%s\n", r->cell[NCOLS - 1]);
}

/* Under a backoff, failed or degraded row, its error on an indented
 * line. */
static void print_error_line(const struct ctl_worker *w)
{
	char buf[CTL_ERROR_MAX * 4 + 1];

	if (!w->error[0] || (strcmp(w->state, "backoff") &&
			     strcmp(w->state, "failed") && !w->degraded))
		return;
	log_escape(buf, sizeof(buf), w->error, strlen(w->error));
	printf("  %s\n", buf);
}

/* Under a worker named on the command line, its status lines, as
 * "KEY  LINE (since AGE)", escaped as the log escapes them. */
static void print_status_lines(const struct ctl_worker *w, int64_t now)
{
	char key[CTL_STATUS_LEN * 4 + 1], line[CTL_STATUS_LEN * 4 + 1], age[32];
	size_t i;

	for (i = 0; i < w->nlines; i++) {
		const struct ctl_status_line *l = &w->lines[i];

		log_escape(key, sizeof(key), l->key, strlen(l->key));
		log_escape(line, sizeof(line), l->line, strlen(l->line));
		ctl_uptime_str(now > l->since ? now - l->since : 0, age,
			       sizeof(age));
		printf("  %s  %s (since %s)\n", key, line, age);
	}
}

static void print_table(const struct status *st, char **names, int nnames)
{
	struct row *rows = calloc(st->n + 1, sizeof(*rows));
	int width[NCOLS], c;
	size_t i;

	if (!rows) {
		fputs("igorctl: out of memory\n", stderr);
		return;
	}
	for (c = 0; c < NCOLS; c++) {
		snprintf(rows[0].cell[c], sizeof(rows[0].cell[c]), "%s", col_title[c]);
		width[c] = col_min[c];
	}
	for (i = 0; i < st->n; i++) {
		row_fill(&rows[i + 1], &st->v[i]);
		if (!is_listed(&st->v[i], names, nnames))
			continue;
		for (c = 0; c < NCOLS; c++)
			if ((int)strlen(rows[i + 1].cell[c]) > width[c])
				width[c] = (int)strlen(rows[i + 1].cell[c]);
	}
	print_row(&rows[0], width);
	for (i = 0; i < st->n; i++) {
		if (!is_listed(&st->v[i], names, nnames))
			continue;
		print_row(&rows[i + 1], width);
		print_error_line(&st->v[i]);
		if (nnames)
			print_status_lines(&st->v[i], (int64_t)time(NULL));
	}
	free(rows);
}

/* 0 when every listed worker runs, 3 when one does not, 1 for a name
 * that is not there. */
static int status_verdict(const struct status *st, char **names, int nnames)
{
	int ret = EXIT_OK, i;
	size_t j;

	for (j = 0; j < st->n; j++)
		if (is_listed(&st->v[j], names, nnames) &&
		    (strcmp(st->v[j].state, "running") || st->v[j].degraded))
			ret = EXIT_NOT_RUNNING;
	for (i = 0; i < nnames; i++) {
		if (has_worker(st, names[i]))
			continue;
		fprintf(stderr, "igorctl: no plugin named '%s'\n", names[i]);
		ret = EXIT_ERR;
	}
	return ret;
}

static int cmd_status(const char *sock, bool json, int nnames, char **argv)
{
	struct ctl_request rq = { .type = CTL_STATUS };
	struct status st = { 0 };
	struct session s;
	int ret = EXIT_ERR;

	if (session_open(&s, sock, &rq, 1) < 0)
		return EXIT_ERR;
	if (read_replies(&s, 1, on_status, &st) < 0 || s.errors)
		goto out_close;
	if (st.oom) {
		fputs("igorctl: out of memory\n", stderr);
		goto out_close;
	}
	if (json)
		print_json(&st, argv, nnames);
	else
		print_table(&st, argv, nnames);
	ret = status_verdict(&st, argv, nnames);
out_close:
	session_close(&s);
	status_release(&st);
	return ret;
}

/* ---- restart and reload ---------------------------------------------------- */

static void on_nothing(const struct ctl_reply *rp, size_t req, void *arg)
{
	(void)rp, (void)req, (void)arg;
}

static int cmd_restart(const char *sock, int argc, char **argv)
{
	struct ctl_request *rq;
	struct session s;
	int i, n = 0, ret = EXIT_OK;

	if (!argc)
		return usage_error("%s needs at least one NAME", "restart");
	rq = calloc((size_t)argc, sizeof(*rq));
	if (!rq)
		return EXIT_ERR;
	/* An invalid name cannot be a plugin's: said here, not sent. */
	for (i = 0; i < argc; i++) {
		if (!plugname_is_valid(argv[i], strlen(argv[i]))) {
			fprintf(stderr, "igorctl: no plugin named '%s'\n", argv[i]);
			ret = EXIT_ERR;
			continue;
		}
		rq[n].type = CTL_RESTART;
		strcpy(rq[n++].name, argv[i]);
	}
	if (n && session_open(&s, sock, rq, (size_t)n) == 0) {
		if (read_replies(&s, (size_t)n, on_nothing, NULL) < 0 || s.errors)
			ret = EXIT_ERR;
		session_close(&s);
	} else if (n) {
		ret = EXIT_ERR;
	}
	free(rq);
	return ret;
}

static void on_reload(const struct ctl_reply *rp, size_t req, void *arg)
{
	char buf[CTL_MSG_MAX * 4 + 1];
	bool *said = arg;

	(void)req;
	if (rp->type == CTL_LINE) {
		log_escape(buf, sizeof(buf), rp->msg, strlen(rp->msg));
		printf("%s\n", buf);
		*said = true;
	} else if (rp->type == CTL_END && !*said) {
		puts("no change");
	}
}

static int cmd_reload(const char *sock, int argc, char **argv)
{
	struct ctl_request rq = { .type = CTL_RELOAD };
	struct session s;
	bool said = false;
	int ret = EXIT_OK;

	if (argc)
		return usage_error("unexpected argument '%s'", argv[0]);
	if (session_open(&s, sock, &rq, 1) < 0)
		return EXIT_ERR;
	if (read_replies(&s, 1, on_reload, &said) < 0 || s.errors)
		ret = EXIT_ERR;
	session_close(&s);
	return ret;
}

/* ---- main ---------------------------------------------------------------- */

int main(int argc, char **argv)
{
	enum { OPT_VERSION = 256, OPT_JSON };
	static const struct option longs[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "json", no_argument, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 },
	};
	static const char shorts[] = ":s:h";
	const char *sock = NULL, *cmd;
	char opt[3] = "-?";
	bool json = false;
	int c;

	/* igor may close first (too many clients): a write error, not death. */
	signal(SIGPIPE, SIG_IGN);
	opterr = 0;
	/* Options may come before or after the command, as getopt permutes. */
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		switch (c) {
		case 's': sock = optarg; break;
		case 'h': usage(stdout); return EXIT_OK;
		case OPT_VERSION: printf("igorctl %s\n", IGOR_VERSION); return EXIT_OK;
		case OPT_JSON: json = true; break;
		case ':': return usage_error("option '%s' needs an argument",
					     argv[optind - 1]);
		default:
			/* Inside a cluster (-Zq) optind has not moved on:
			 * argv[optind - 1] would name the previous word.
			 * (A known optopt is --help=x: a long option.) */
			if (optopt > 0 && optopt < 256 && !strchr(shorts, optopt)) {
				opt[1] = (char)optopt;
				return usage_error("unknown option '%s'", opt);
			}
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return usage_error("%s", "no command given");
	cmd = argv[optind++];
	argc -= optind;
	argv += optind;
	if (json && strcmp(cmd, "status"))
		return usage_error("option '--json' is for %s only", "status");
	if (!strcmp(cmd, "status"))
		return cmd_status(sock, json, argc, argv);
	if (!strcmp(cmd, "restart"))
		return cmd_restart(sock, argc, argv);
	if (!strcmp(cmd, "reload"))
		return cmd_reload(sock, argc, argv);
	return usage_error("unknown command '%s'", cmd);
}
