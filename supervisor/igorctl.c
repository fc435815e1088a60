/*
 * igorctl: asks a running igor for its workers' status, its log or its
 * metrics, or has it restart workers or reload its configs, over the
 * control socket (igorctl(8)).
 *
 * A client of common/ only: the protocol is ctl.h's, the talking
 * ctlclient.h's.  It sends every request at once, then reads the replies
 * in order: each request's replies end in one CTL_END or CTL_ERROR (or,
 * for a follower of the log that was cut off, CTL_MISSED).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl.h"
#include "ctlclient.h"
#include "log.h"

enum {
	EXIT_OK = 0,
	EXIT_ERR = 1,
	EXIT_USAGE = 2,
	EXIT_NOT_RUNNING = 3,
	LOG_LINES_DEFAULT = 20,
};

static const char *usage_text =
	"usage: igorctl [-s SOCKET] status [--json] [NAME...]\n"
	"       igorctl [-s SOCKET] restart NAME...\n"
	"       igorctl [-s SOCKET] reload\n"
	"       igorctl [-s SOCKET] log [-n N] [-f] [NAME...]\n"
	"       igorctl [-s SOCKET] metrics\n"
	"       igorctl -h | --help | --version\n";

static void usage(FILE *to)
{
	fputs(usage_text, to);
	if (to == stderr)
		return;
	fputs("\n"
	      "Asks a running igor about its workers, its log and its figures, or has it\n"
	      "restart or reload them.\n"
	      "\n"
	      "  -s SOCKET    control socket (default: $IGOR_SOCKET, then socket: of\n"
	      "               igor.conf, then igor's default)\n"
	      "  status       one row per worker; --json prints a JSON array instead;\n"
	      "               exits 0 when every listed worker is running, 3 otherwise\n"
	      "  restart      restarts the named workers now, clearing their backoff\n"
	      "  reload       re-reads igor.conf and the plugin configs, as SIGHUP\n"
	      "  log          the last lines igor logged (-n N, default 20), of the\n"
	      "               named plugins only when names are given; -f follows\n"
	      "  metrics      igor's figures in Prometheus's text format\n"
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
	struct ctlclient s;
	int ret = EXIT_ERR;

	if (ctlclient_open(&s, sock, &rq, 1, false) < 0)
		return EXIT_ERR;
	if (ctlclient_read(&s, 1, on_status, &st) < 0 || s.errors)
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
	ctlclient_close(&s);
	status_release(&st);
	return ret;
}

/* ---- restart and reload ---------------------------------------------------- */

/* A line of what igor did, escaped as the log escapes. */
static void print_line(const char *msg)
{
	char buf[CTL_MSG_MAX * 4 + 1];

	log_escape(buf, sizeof(buf), msg, strlen(msg));
	printf("%s\n", buf);
}

/* "restarted NAME": said by igor, as reload's lines are. */
static void on_restart(const struct ctl_reply *rp, size_t req, void *arg)
{
	(void)req, (void)arg;
	if (rp->type == CTL_LINE)
		print_line(rp->msg);
}

static int cmd_restart(const char *sock, int argc, char **argv)
{
	struct ctl_request *rq;
	struct ctlclient s;
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
	if (n && ctlclient_open(&s, sock, rq, (size_t)n, false) == 0) {
		if (ctlclient_read(&s, (size_t)n, on_restart, NULL) < 0 || s.errors)
			ret = EXIT_ERR;
		ctlclient_close(&s);
	} else if (n) {
		ret = EXIT_ERR;
	}
	free(rq);
	return ret;
}

static void on_reload(const struct ctl_reply *rp, size_t req, void *arg)
{
	bool *said = arg;

	(void)req;
	if (rp->type == CTL_LINE) {
		print_line(rp->msg);
		*said = true;
	} else if (rp->type == CTL_END && !*said) {
		puts("no change");
	}
}

static int cmd_reload(const char *sock, int argc, char **argv)
{
	struct ctl_request rq = { .type = CTL_RELOAD };
	struct ctlclient s;
	bool said = false;
	int ret = EXIT_OK;

	if (argc)
		return usage_error("unexpected argument '%s'", argv[0]);
	if (ctlclient_open(&s, sock, &rq, 1, false) < 0)
		return EXIT_ERR;
	if (ctlclient_read(&s, 1, on_reload, &said) < 0 || s.errors)
		ret = EXIT_ERR;
	ctlclient_close(&s);
	return ret;
}

/* ---- log and metrics ------------------------------------------------------- */

/* What a log request ends with. */
struct log_end {
	bool missed;
};

/* One line as igor writes it to stderr, whatever its log: is. */
static void print_logline(const struct ctl_logline *l)
{
	static char line[LOG_LINE_MAX];
	char source[PLUGNAME_MAX + 8];
	struct timespec when = { .tv_sec = l->time_ms / 1000,
				 .tv_nsec = l->time_ms % 1000 * 1000000 };
	size_t n;

	snprintf(source, sizeof(source), "%s%s", l->name[0] ? "plugin " : "igor",
		 l->name);
	n = log_format(line, &when, l->level, source, l->msg, l->len);
	fwrite(line, 1, n, stdout);
}

static void on_log(const struct ctl_reply *rp, size_t req, void *arg)
{
	struct log_end *end = arg;

	(void)req;
	if (rp->type == CTL_LOGLINE) {
		print_logline(&rp->log);
	} else if (rp->type == CTL_MISSED) {
		/* The last line of the output: where the gap is. */
		printf("igorctl: cut off by igor: %lld lines missed while reading too slowly\n",
		       (long long)rp->count);
		end->missed = true;
	}
}

/* The names, one space between two, as CTL_LOG carries them; an invalid
 * one is no plugin's.  0, or an exit status. */
static int join_names(char *dst, size_t cap, int argc, char **argv)
{
	size_t n = 0, len;
	int i;

	dst[0] = '\0';
	for (i = 0; i < argc; i++) {
		len = strlen(argv[i]);
		if (!plugname_is_valid(argv[i], len)) {
			fprintf(stderr, "igorctl: no plugin named '%s'\n", argv[i]);
			return EXIT_ERR;
		}
		if (n + len + 1 >= cap)
			return usage_error("%s: too many names", "log");
		n += (size_t)sprintf(dst + n, "%s%s", n ? " " : "", argv[i]);
	}
	return 0;
}

static int cmd_log(const char *sock, long long lines, bool follow, int argc,
		   char **argv)
{
	struct ctl_request *rq = calloc(1, sizeof(*rq));
	struct log_end end = { false };
	struct ctlclient s;
	int ret;

	if (!rq)
		return EXIT_ERR;
	rq->type = CTL_LOG;
	rq->lines = lines;
	rq->follow = follow;
	ret = join_names(rq->names, sizeof(rq->names), argc, argv);
	if (ret)
		goto out_free;
	ret = EXIT_ERR;
	if (ctlclient_open(&s, sock, rq, 1, follow) < 0)
		goto out_free;
	if (ctlclient_read(&s, 1, on_log, &end) == 0 && !s.errors &&
	    !end.missed)
		ret = EXIT_OK;
	ctlclient_close(&s);
out_free:
	free(rq);
	return ret;
}

/* The exposition is igor's, as it made it: printed as it is. */
static void on_metrics(const struct ctl_reply *rp, size_t req, void *arg)
{
	(void)req, (void)arg;
	if (rp->type == CTL_LINE)
		printf("%s\n", rp->msg);
}

static int cmd_metrics(const char *sock, int argc, char **argv)
{
	struct ctl_request rq = { .type = CTL_METRICS };
	struct ctlclient s;
	int ret = EXIT_OK;

	if (argc)
		return usage_error("unexpected argument '%s'", argv[0]);
	if (ctlclient_open(&s, sock, &rq, 1, false) < 0)
		return EXIT_ERR;
	if (ctlclient_read(&s, 1, on_metrics, NULL) < 0 || s.errors)
		ret = EXIT_ERR;
	ctlclient_close(&s);
	return ret;
}

/* ---- main ---------------------------------------------------------------- */

/* -n's N: a count of lines, 0 or more. */
static int parse_lines(const char *arg, long long *n)
{
	char *end;

	errno = 0;
	*n = strtoll(arg, &end, 10);
	if (errno || end == arg || *end || *n < 0 || *n > INT32_MAX)
		return usage_error("-n needs a number of lines, not '%s'", arg);
	return 0;
}

/* The options, wherever they stand on the line (getopt permutes). */
struct opts {
	const char *sock;
	bool json, follow;
	const char *lines; /* -n's argument, or NULL */
};

/* Returns -1 when all went into o, else the exit status to end with. */
static int parse_options(int argc, char **argv, struct opts *o)
{
	enum { OPT_VERSION = 256, OPT_JSON };
	static const struct option longs[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "json", no_argument, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 },
	};
	static const char shorts[] = ":s:hn:f";
	char opt[3] = "-?";
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		switch (c) {
		case 's': o->sock = optarg; break;
		case 'n': o->lines = optarg; break;
		case 'f': o->follow = true; break;
		case 'h': usage(stdout); return EXIT_OK;
		case OPT_VERSION: printf("igorctl %s\n", IGOR_VERSION); return EXIT_OK;
		case OPT_JSON: o->json = true; break;
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
	return -1;
}

/* An option given to a command that does not take it. */
static int misplaced(const struct opts *o, const char *cmd)
{
	if (o->json && strcmp(cmd, "status"))
		return usage_error("option '--json' is for %s only", "status");
	if ((o->lines || o->follow) && strcmp(cmd, "log"))
		return usage_error("options '-n' and '-f' are for %s only", "log");
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	long long lines = LOG_LINES_DEFAULT;
	const char *cmd;
	int ret;

	/* igor may close first (too many clients): a write error, not death. */
	signal(SIGPIPE, SIG_IGN);
	ret = parse_options(argc, argv, &o);
	if (ret >= 0)
		return ret;
	if (optind >= argc)
		return usage_error("%s", "no command given");
	cmd = argv[optind++];
	argc -= optind;
	argv += optind;
	if ((ret = misplaced(&o, cmd)))
		return ret;
	if (!strcmp(cmd, "status"))
		return cmd_status(o.sock, o.json, argc, argv);
	if (!strcmp(cmd, "restart"))
		return cmd_restart(o.sock, argc, argv);
	if (!strcmp(cmd, "reload"))
		return cmd_reload(o.sock, argc, argv);
	if (!strcmp(cmd, "metrics"))
		return cmd_metrics(o.sock, argc, argv);
	if (strcmp(cmd, "log"))
		return usage_error("unknown command '%s'", cmd);
	if (o.lines && parse_lines(o.lines, &lines))
		return EXIT_USAGE;
	return cmd_log(o.sock, lines, o.follow, argc, argv);
}
