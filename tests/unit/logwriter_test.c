/*
 * logwriter_test: where igor's log lines go, against real sockets bound
 * here and a pipe standing for stderr.  The journal gets each line; when
 * it goes away the line and the ones after it go to stderr, said once;
 * it is tried again only once retry_ms passed, and its return is said
 * on both sides with the count of lines that went to stderr; a receiver
 * that stops reading is back-pressure (EAGAIN), never a line on stderr;
 * a change of destination is said on the one left; syslog gets RFC 3164
 * datagrams with the configured facility; a destination missing at the
 * start is a failure like any other.  And `auto` resolves to the journal
 * only when JOURNAL_STREAM names the fd's device and inode.
 *
 * A hang is a failure: alarm() ends the test.
 */
#include "check.h"
#include "log.h"
#include "logwriter.h"
#include "receiver.h"
#include "util.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

static char dir[] = "/tmp/igor-logwriter-test.XXXXXX";
static char jpath[64], spath[64];
static int err_r = -1; /* what the writer writes on "stderr" */

/* Everything "stderr" holds now, NUL-terminated. */
static const char *err_text(void)
{
	static char buf[1 << 16];
	static size_t n;
	ssize_t r;

	while (n < sizeof(buf) - 1 &&
	       (r = read(err_r, buf + n, sizeof(buf) - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = '\0';
	return buf;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay++;
	}
	return n;
}

static int write_line(struct logwriter *w, const char *msg)
{
	struct sink_rec r = { .level = LOG_LVL_INFO, .source = "plugin web",
			      .plugin = "web", .pid = 42, .msg = msg,
			      .len = strlen(msg) };

	clock_gettime(CLOCK_REALTIME, &r.when);
	return logwriter_write(w, &r);
}

/* The next datagram at rx, NUL-terminated, or "" after 2 s. */
static const char *next_at(int rx)
{
	static char buf[8192];
	long n = receiver_get(rx, buf, sizeof(buf) - 1, NULL);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static void test_fallback(struct logwriter *w)
{
	struct logwriter_conf c = { LOG_DEST_JOURNAL, 3, LOG_LVL_CRITICAL };
	int rx = receiver_bind(jpath);

	logwriter_set(w, &c);
	CHECK(w->fd >= 0 && !w->failed, "the journal is connected");
	CHECK_INT(write_line(w, "one"), 0, "a line is written");
	CHECK(strstr(next_at(rx), "MESSAGE=plugin web: one\n"), "it is in the journal");
	close(rx);
	unlink(jpath);
	CHECK_INT(write_line(w, "two"), 0, "the journal gone: the line is still written");
	CHECK_INT(write_line(w, "three"), 0, "and the next one");
	CHECK_INT(count(err_text(), "cannot write to the journal"), 1,
		  "said once on stderr");
	CHECK(strstr(err_text(), " ERROR igor: cannot write to the journal ("),
	      "at ERROR, whatever the threshold");
	CHECK(strstr(err_text(), "INFO plugin web: two\n") &&
		      strstr(err_text(), "INFO plugin web: three\n"),
	      "both lines are on stderr");
	w->next_try = now_ms(); /* as if retry_ms passed: still gone */
	CHECK_INT(write_line(w, "tried"), 0, "a line when a try fails");
	CHECK(strstr(err_text(), "plugin web: tried\n"), "goes to stderr");
	rx = receiver_bind(jpath);
	CHECK_INT(write_line(w, "four"), 0, "back, but before retry_ms since that try: line four");
	CHECK(strstr(err_text(), "plugin web: four\n"), "goes to stderr still");
	w->next_try = now_ms(); /* as if retry_ms passed */
	CHECK_INT(write_line(w, "five"), 0, "after retry_ms: line five");
	CHECK(strstr(next_at(rx), "MESSAGE=the journal is back; 4 lines went to stderr meanwhile\n"),
	      "the journal hears it is back, and how many lines it missed");
	CHECK(strstr(next_at(rx), "MESSAGE=plugin web: five\n"), "then gets the line");
	CHECK(strstr(err_text(), "INFO igor: the journal is back; writing there again\n") &&
		      !strstr(err_text(), "plugin web: five"),
	      "stderr hears it too, and not the line");
	close(rx);
}

/* After a receiver closed: the writer learns it at the next line, then
 * tries again at the line after, as if retry_ms passed; what reaches rx
 * meanwhile ("... is back") is read. */
static void reconnect(struct logwriter *w, int rx)
{
	int i;

	if (!w->failed)
		write_line(w, "probe");
	w->next_try = now_ms();
	write_line(w, "reconnect");
	for (i = 0; i < 3 && !strstr(next_at(rx), "reconnect"); i++)
		;
}

/* A receiver that does not read: EAGAIN, and nothing on stderr. */
static void test_backpressure(struct logwriter *w)
{
	int rx = receiver_bind(jpath), i, ret = 0;
	size_t before;

	reconnect(w, rx);
	before = strlen(err_text());
	for (i = 0; i < 100000 && (ret = write_line(w, "fill")) == 0; i++)
		;
	CHECK(ret < 0 && errno == EAGAIN, "a full journal: EAGAIN after %d lines", i);
	CHECK_INT(strlen(err_text()), before, "nothing went to stderr");
	CHECK(!w->failed, "it is not a failure");
	CHECK_INT(logwriter_wait(w, 50), 0, "no room while it does not read");
	next_at(rx);
	CHECK_INT(logwriter_wait(w, 2000), 1, "room once it read");
	CHECK_INT(write_line(w, "after"), 0, "the line goes then");
	close(rx);
}

static void test_syslog(struct logwriter *w)
{
	struct logwriter_conf c = { LOG_DEST_SYSLOG, 17, LOG_LVL_INFO };
	int rx = receiver_bind(spath), jx = receiver_bind(jpath);
	char want[64];
	const char *got;

	reconnect(w, jx);
	logwriter_set(w, &c);
	CHECK(strstr(next_at(jx), "MESSAGE=the log goes to syslog from now on\n"),
	      "a change is said on the destination left");
	CHECK_INT(write_line(w, "a\nb"), 0, "a line to syslog");
	got = next_at(rx);
	CHECK(strncmp(got, "<142>", 5) == 0, "PRI local1.info: %.5s", got);
	snprintf(want, sizeof(want), " igor[%d]: plugin web: a\\nb", (int)getpid());
	CHECK(strlen(got) == 20 + strlen(want) && strcmp(got + 20, want) == 0,
	      "then a timestamp, igor[PID] and the line escaped: %s", got);
	c.facility = 1;
	logwriter_set(w, &c);
	CHECK_INT(write_line(w, "user"), 0, "another facility, by a reload");
	got = next_at(rx);
	CHECK(strncmp(got, "<14>", 4) == 0 && strstr(got, "plugin web: user"),
	      "takes effect at the next line, on the same socket: %.4s", got);
	close(rx);
	close(jx);
}

static void test_missing(struct logwriter *w)
{
	struct logwriter_conf c = { LOG_DEST_STDERR, 3, LOG_LVL_CRITICAL };
	int before = count(err_text(), "cannot write to syslog");

	logwriter_set(w, &c);
	unlink(spath);
	c.dest = LOG_DEST_SYSLOG;
	logwriter_set(w, &c);
	CHECK_INT(count(err_text(), "cannot write to syslog") - before, 1,
		  "syslog missing when chosen: said on stderr");
	CHECK(strstr(err_text(), "No such file or directory"), "with the reason");
	CHECK_INT(write_line(w, "lost?"), 0, "a line is written");
	CHECK(strstr(err_text(), "plugin web: lost?\n"), "to stderr");
	c.dest = LOG_DEST_STDERR;
	logwriter_set(w, &c);
	CHECK_INT(write_line(w, "plain"), 0, "back on stderr by config");
	CHECK(strstr(err_text(), "plugin web: plain\n"), "the line is there");
}

static void test_auto(int fd)
{
	struct stat st;
	char s[64];

	fstat(fd, &st);
	snprintf(s, sizeof(s), "%ju:%ju", (uintmax_t)st.st_dev, (uintmax_t)st.st_ino);
	CHECK_INT(log_dest_resolve(LOG_DEST_AUTO, s, fd), LOG_DEST_JOURNAL,
		  "auto with JOURNAL_STREAM naming the fd: the journal");
	snprintf(s, sizeof(s), "%ju:%ju", (uintmax_t)st.st_dev, (uintmax_t)st.st_ino + 1);
	CHECK_INT(log_dest_resolve(LOG_DEST_AUTO, s, fd), LOG_DEST_STDERR,
		  "another inode: stderr");
	CHECK_INT(log_dest_resolve(LOG_DEST_AUTO, NULL, fd), LOG_DEST_STDERR,
		  "no JOURNAL_STREAM: stderr");
	CHECK_INT(log_dest_resolve(LOG_DEST_AUTO, "1:", fd), LOG_DEST_STDERR,
		  "a malformed one: stderr");
	CHECK_INT(log_dest_resolve(LOG_DEST_SYSLOG, s, fd), LOG_DEST_SYSLOG,
		  "a destination named stays");
	CHECK_INT(log_dest_parse("journal"), LOG_DEST_JOURNAL, "'journal' parses");
	CHECK_INT(log_dest_parse("Journal"), -1, "'Journal' does not");
}

int main(void)
{
	struct logwriter w;
	int p[2];

	alarm(30); /* a hang is a failure */
	if (!mkdtemp(dir) || pipe2(p, O_CLOEXEC) < 0)
		return 1;
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	fcntl(p[1], F_SETPIPE_SZ, 1 << 20);
	err_r = p[0];
	snprintf(jpath, sizeof(jpath), "%s/journal", dir);
	snprintf(spath, sizeof(spath), "%s/log", dir);
	logwriter_init(&w, p[1]);
	w.journal_path = jpath;
	w.syslog_path = spath;
	test_fallback(&w);
	test_backpressure(&w);
	test_syslog(&w);
	test_missing(&w);
	test_auto(p[1]);
	logwriter_release(&w);
	unlink(jpath);
	unlink(spath);
	rmdir(dir);
	return check_done();
}
