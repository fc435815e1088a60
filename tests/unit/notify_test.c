/*
 * notify_test: systemd's readiness protocol (supervisor/notify.c) against
 * real datagram sockets, bound at a path in a temporary directory and in
 * the abstract namespace: what arrives, byte for byte; the environment
 * scrubbed; the watchdog interval; and a receiver that stops reading
 * never blocks the sender.
 */
#include "check.h"
#include "notify.h"

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <signal.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* A datagram receiver bound at name ("/path" or "@abstract"). */
static int receiver(const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	socklen_t len = offsetof(struct sockaddr_un, sun_path) + strlen(name);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		abort();
	memcpy(sa.sun_path, name, strlen(name));
	if (name[0] == '@')
		sa.sun_path[0] = '\0';
	if (bind(fd, (struct sockaddr *)&sa, len) < 0) {
		perror("bind");
		abort();
	}
	return fd;
}

/* The next datagram, waited for at most 5 s; "" when none came. */
static const char *next_datagram(int fd)
{
	static char buf[8192];
	struct timeval tv = { .tv_sec = 5 };
	ssize_t n;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	n = recv(fd, buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

/* Whether a datagram is waiting, without waiting for one. */
static bool has_datagram(int fd)
{
	char c;

	return recv(fd, &c, 1, MSG_DONTWAIT | MSG_PEEK) >= 0;
}

static void test_off(void)
{
	unsetenv("NOTIFY_SOCKET");
	setenv("WATCHDOG_USEC", "1000000", 1);
	CHECK_INT(notify_init(), 0, "without NOTIFY_SOCKET, notify_init succeeds");
	CHECK(!notify_is_enabled(), "without NOTIFY_SOCKET, notifications are off");
	CHECK_INT(notify_send("READY=1"), 0, "and notify_send is a no-op that succeeds");
	CHECK_INT(notify_watchdog_usec(), 0,
		  "WATCHDOG_USEC without NOTIFY_SOCKET asks no watchdog");
	CHECK(!getenv("WATCHDOG_USEC"), "WATCHDOG_USEC is removed all the same");
}

static void test_path(const char *dir)
{
	char path[4096];
	int rx;

	snprintf(path, sizeof(path), "%s/notify", dir);
	rx = receiver(path);
	setenv("NOTIFY_SOCKET", path, 1);
	CHECK_INT(notify_init(), 0, "NOTIFY_SOCKET=/path: notify_init succeeds");
	CHECK(notify_is_enabled(), "NOTIFY_SOCKET=/path: notifications are on");
	CHECK_INT(notify_send("READY=1"), 0, "notify_send(READY=1) succeeds");
	CHECK_STR(next_datagram(rx), "READY=1", "the receiver gets exactly READY=1");
	CHECK_INT(notify_send("RELOADING=1\nMONOTONIC_USEC=42"), 0,
		  "a two-line state is sent");
	CHECK_STR(next_datagram(rx), "RELOADING=1\nMONOTONIC_USEC=42",
		  "as one datagram");
	CHECK_INT(notify_sendf("STATUS=%d running, %d backoff", 3, 1), 0,
		  "notify_sendf succeeds");
	CHECK_STR(next_datagram(rx), "STATUS=3 running, 1 backoff",
		  "notify_sendf's datagram is the formatted state");
	CHECK(!has_datagram(rx), "nothing else arrived");
	close(rx);
	unlink(path);
	errno = 0;
	CHECK_INT(notify_send("STOPPING=1"), -1,
		  "with the receiver gone, notify_send fails");
	CHECK(errno == ECONNREFUSED || errno == ENOENT,
	      "with ECONNREFUSED or ENOENT (%s)", strerror(errno));
	notify_close();
	CHECK(!notify_is_enabled(), "notify_close turns notifications off");
	CHECK_INT(notify_send("READY=1"), 0, "then notify_send is a no-op");
}

static void test_abstract(void)
{
	char name[64];
	int rx;

	snprintf(name, sizeof(name), "@igor-notify-test-%ld", (long)getpid());
	rx = receiver(name);
	setenv("NOTIFY_SOCKET", name, 1);
	CHECK_INT(notify_init(), 0, "NOTIFY_SOCKET=@name: notify_init succeeds");
	CHECK_INT(notify_send("READY=1"), 0, "notify_send to an abstract socket");
	CHECK_STR(next_datagram(rx), "READY=1", "the abstract receiver gets READY=1");
	notify_close();
	close(rx);
}

static void test_environment(const char *dir)
{
	static const char *const gone[] = {
		"NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID",
		"JOURNAL_STREAM", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES",
	};
	char path[4096];
	size_t i;
	int rx;

	snprintf(path, sizeof(path), "%s/env", dir);
	rx = receiver(path);
	setenv("NOTIFY_SOCKET", path, 1);
	setenv("WATCHDOG_USEC", "2000000", 1);
	setenv("WATCHDOG_PID", "1", 1);
	setenv("JOURNAL_STREAM", "8:12345", 1);
	setenv("LISTEN_FDS", "1", 1);
	setenv("LISTEN_PID", "1", 1);
	setenv("LISTEN_FDNAMES", "x", 1);
	setenv("LISTENING", "kept", 1);
	setenv("XDG_RUNTIME_DIR", "/run/user/1000", 1);
	CHECK_INT(notify_init(), 0, "notify_init with every service variable set");
	for (i = 0; i < NELEM(gone); i++)
		CHECK(!getenv(gone[i]), "%s is removed from igor's environment",
		      gone[i]);
	CHECK_STR(getenv("XDG_RUNTIME_DIR"), "/run/user/1000",
		  "XDG_RUNTIME_DIR stays");
	CHECK_STR(getenv("LISTENING"), "kept", "LISTENING (not LISTEN_*) stays");
	CHECK_STR(notify_journal_stream(), "8:12345",
		  "JOURNAL_STREAM's value is kept for the log");
	CHECK_INT(notify_send("READY=1"), 0, "notifications still work");
	CHECK_STR(next_datagram(rx), "READY=1", "after the scrub");
	notify_close();
	CHECK(!notify_journal_stream(), "notify_close forgets JOURNAL_STREAM");
	close(rx);
	unlink(path);
}

struct wd_row {
	const char *usec, *pid; /* NULL: unset; "self": our pid */
	unsigned long long want;
};

static const struct wd_row wd_rows[] = {
	{ "1000000", NULL, 1000000 },
	{ "1000000", "self", 1000000 },
	{ "1000000", "1", 0 },
	{ "1000000", "", 0 },
	{ "1000000", "x", 0 },
	{ "30000000", NULL, 30000000 },
	{ NULL, NULL, 0 },
	{ "0", NULL, 0 },
	{ "", NULL, 0 },
	{ "-5", NULL, 0 },
	{ " 5", NULL, 0 },
	{ "+5", NULL, 0 },
	{ "100x", NULL, 0 },
	{ "18446744073709551616", NULL, 0 },
};

static void test_watchdog(const char *dir)
{
	char path[4096], self[32];
	size_t i;
	int rx;

	snprintf(path, sizeof(path), "%s/wd", dir);
	snprintf(self, sizeof(self), "%ld", (long)getpid());
	rx = receiver(path);
	for (i = 0; i < NELEM(wd_rows); i++) {
		const struct wd_row *r = &wd_rows[i];
		const char *pid = r->pid && strcmp(r->pid, "self") == 0 ? self : r->pid;

		setenv("NOTIFY_SOCKET", path, 1);
		r->usec ? setenv("WATCHDOG_USEC", r->usec, 1) : unsetenv("WATCHDOG_USEC");
		pid ? setenv("WATCHDOG_PID", pid, 1) : unsetenv("WATCHDOG_PID");
		notify_init();
		CHECK_INT(notify_watchdog_usec(), r->want,
			  "WATCHDOG_USEC=%s WATCHDOG_PID=%s", r->usec ? r->usec : "(unset)",
			  r->pid ? r->pid : "(unset)");
	}
	notify_close();
	close(rx);
	unlink(path);
}

static void test_bad_socket(void)
{
	char longname[256];

	setenv("NOTIFY_SOCKET", "relative/notify", 1);
	setenv("WATCHDOG_USEC", "1000000", 1);
	errno = 0;
	CHECK_INT(notify_init(), -1, "a relative NOTIFY_SOCKET is refused");
	CHECK_INT(errno, EAFNOSUPPORT, "with EAFNOSUPPORT");
	CHECK(!notify_is_enabled(), "and notifications are off");
	CHECK_INT(notify_watchdog_usec(), 0, "and no watchdog is asked");
	CHECK(!getenv("NOTIFY_SOCKET") && !getenv("WATCHDOG_USEC"),
	      "the environment is scrubbed all the same");
	memset(longname, 'x', sizeof(longname) - 1);
	longname[0] = '/';
	longname[sizeof(longname) - 1] = '\0';
	setenv("NOTIFY_SOCKET", longname, 1);
	errno = 0;
	CHECK_INT(notify_init(), -1, "a NOTIFY_SOCKET longer than sun_path is refused");
	CHECK_INT(errno, ENAMETOOLONG, "with ENAMETOOLONG");
	memset(longname, 'x', sizeof(longname) - 1);
	longname[108] = '\0';
	longname[0] = '@';
	setenv("NOTIFY_SOCKET", longname, 1);
	CHECK_INT(notify_init(), 0, "an abstract name of 107 bytes fits");
	longname[108] = 'x';
	longname[109] = '\0';
	setenv("NOTIFY_SOCKET", longname, 1);
	CHECK_INT(notify_init(), -1, "one of 108 bytes does not");
	notify_close();
}

/*
 * A receiver that never reads: its queue fills, and then each send fails
 * at once with EAGAIN.  SIGALRM (default action: the test dies, and run.sh
 * counts it) catches a send that blocks.
 */
static void test_never_blocks(const char *dir)
{
	char path[4096];
	int rx, i, sent = 0, again = 0, other = 0;

	snprintf(path, sizeof(path), "%s/full", dir);
	rx = receiver(path);
	setenv("NOTIFY_SOCKET", path, 1);
	notify_init();
	alarm(20);
	for (i = 0; i < 5000; i++) {
		if (notify_send("WATCHDOG=1") == 0)
			sent++;
		else if (errno == EAGAIN)
			again++;
		else
			other++;
	}
	alarm(0);
	CHECK(sent > 0, "a receiver that never reads gets its queue's worth (%d)", sent);
	CHECK(again > 0, "then each send fails with EAGAIN instead of blocking (%d)",
	      again);
	CHECK_INT(other, 0, "and with no other error");
	notify_close();
	close(rx);
	unlink(path);
}

/* The fds open now, as a bit set of the first 1024. */
static void open_fds(unsigned char set[128])
{
	struct dirent *e;
	DIR *d = opendir("/proc/self/fd");

	memset(set, 0, 128);
	while (d && (e = readdir(d))) {
		int fd = atoi(e->d_name);

		if (e->d_name[0] != '.' && fd != dirfd(d) && fd < 1024)
			set[fd / 8] |= 1u << (fd % 8);
	}
	if (d)
		closedir(d);
}

/* The fd notify_init opens is close-on-exec: a worker inherits none. */
static void test_cloexec(const char *dir)
{
	unsigned char before[128], after[128];
	char path[4096];
	int rx, fd, opened = 0, bad = 0;

	snprintf(path, sizeof(path), "%s/cloexec", dir);
	rx = receiver(path);
	setenv("NOTIFY_SOCKET", path, 1);
	open_fds(before);
	notify_init();
	open_fds(after);
	for (fd = 0; fd < 1024; fd++) {
		if (!(after[fd / 8] & ~before[fd / 8] & (1u << (fd % 8))))
			continue;
		opened++;
		if (!(fcntl(fd, F_GETFD) & FD_CLOEXEC))
			bad++;
	}
	CHECK_INT(opened, 1, "notify_init opens one fd");
	CHECK_INT(bad, 0, "and it is close-on-exec (fds without it)");
	notify_close();
	close(rx);
	unlink(path);
}

int main(void)
{
	char dir[] = "/tmp/igor-notify-test.XXXXXX";

	setvbuf(stdout, NULL, _IOLBF, 0); /* a test killed by SIGALRM keeps its lines */
	signal(SIGPIPE, SIG_IGN);
	if (!mkdtemp(dir))
		abort();
	test_off();
	test_path(dir);
	test_abstract();
	test_environment(dir);
	test_watchdog(dir);
	test_bad_socket();
	test_never_blocks(dir);
	test_cloexec(dir);
	rmdir(dir);
	return check_done();
}
