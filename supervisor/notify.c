/*
 * notify.c: see notify.h.  The format is systemd's (sd_notify(3), "the
 * notification protocol" in systemd's documentation, stable): a datagram
 * to an AF_UNIX socket, path or abstract; no credentials are needed when
 * the sender is the service's main process.
 */
#include "notify.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "util.h"

enum { NOTIFY_MAX = 4096 };

/*
 * File-static: a process has one NOTIFY_SOCKET, as it has one
 * environment to read it from, and igor's loop, reload and stop paths all
 * speak to the same service manager.
 */
static struct {
	int fd;                     /* -1: notifications off */
	struct sockaddr_un addr;
	socklen_t addrlen;
	uint64_t watchdog_usec;     /* 0: no watchdog asked of us */
	char *journal_stream;       /* JOURNAL_STREAM's value, or NULL */
} notify = { .fd = -1 };

/* s as a positive decimal number without sign, space or junk; 0 if not. */
static unsigned long long parse_positive(const char *s)
{
	unsigned long long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return 0;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		return 0;
	return v;
}

/* WATCHDOG_USEC, when WATCHDOG_PID is unset or names this process. */
static uint64_t watchdog_from_env(void)
{
	const char *pid = getenv("WATCHDOG_PID");

	if (pid && parse_positive(pid) != (unsigned long long)getpid())
		return 0;
	return parse_positive(getenv("WATCHDOG_USEC"));
}

/* Fills notify.addr from NOTIFY_SOCKET's value. */
static int addr_set(const char *name)
{
	size_t len = strlen(name);

	if (name[0] != '/' && name[0] != '@') {
		errno = EAFNOSUPPORT;
		return -1;
	}
	/* A path needs room for its NUL; an abstract name's '@' becomes NUL. */
	if (len >= sizeof(notify.addr.sun_path) + (name[0] == '@')) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memset(&notify.addr, 0, sizeof(notify.addr));
	notify.addr.sun_family = AF_UNIX;
	memcpy(notify.addr.sun_path, name, len);
	if (name[0] == '@')
		notify.addr.sun_path[0] = '\0';
	notify.addrlen = offsetof(struct sockaddr_un, sun_path) + len +
			 (name[0] == '/');
	return 0;
}

/* Opens the socket to NOTIFY_SOCKET's address. */
static int socket_open(const char *name)
{
	if (addr_set(name) < 0)
		return -1;
	notify.fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	return notify.fd < 0 ? -1 : 0;
}

int notify_init(void)
{
	const char *name = getenv("NOTIFY_SOCKET");
	const char *journal = getenv("JOURNAL_STREAM");
	int ret = 0, saved;

	notify_close();
	if (journal && *journal && !(notify.journal_stream = strdup(journal)))
		ret = -1;
	if (ret == 0 && name && *name) {
		ret = socket_open(name);
		if (ret == 0)
			notify.watchdog_usec = watchdog_from_env();
	}
	saved = errno;
	notify_scrub_env();
	if (ret < 0)
		notify_close();
	errno = saved;
	return ret;
}

int notify_send(const char *state)
{
	size_t len = strlen(state);
	ssize_t n;

	if (notify.fd < 0)
		return 0;
	do
		n = sendto(notify.fd, state, len, MSG_DONTWAIT | MSG_NOSIGNAL,
			   (const struct sockaddr *)&notify.addr, notify.addrlen);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if ((size_t)n != len) {
		errno = EMSGSIZE;
		return -1;
	}
	return 0;
}

int notify_sendf(const char *fmt, ...)
{
	char buf[NOTIFY_MAX];
	va_list ap;
	int n;

	if (notify.fd < 0)
		return 0;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		errno = EMSGSIZE;
		return -1;
	}
	return notify_send(buf);
}

bool notify_is_enabled(void)
{
	return notify.fd >= 0;
}

uint64_t notify_watchdog_usec(void)
{
	return notify.watchdog_usec;
}

const char *notify_journal_stream(void)
{
	return notify.journal_stream;
}

/* Whether environment entry e ("NAME=value") is one igor must not pass on. */
static bool is_service_var(const char *e)
{
	static const char *const names[] = {
		"NOTIFY_SOCKET=", "WATCHDOG_USEC=", "WATCHDOG_PID=",
		"JOURNAL_STREAM=", "LISTEN_",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strncmp(e, names[i], strlen(names[i])) == 0)
			return true;
	return false;
}

void notify_scrub_env(void)
{
	extern char **environ;
	char name[256];
	size_t len;
	int i = 0;

	/* unsetenv moves the entries after the one it removes: look again. */
	while (environ && environ[i]) {
		if (!is_service_var(environ[i])) {
			i++;
			continue;
		}
		len = strcspn(environ[i], "=");
		if (len >= sizeof(name)) {
			i++; /* no such name is ours to remove */
			continue;
		}
		memcpy(name, environ[i], len);
		name[len] = '\0';
		if (unsetenv(name) < 0)
			i++;
	}
}

void notify_close(void)
{
	notify.fd = safe_close(notify.fd);
	notify.watchdog_usec = 0;
	free(notify.journal_stream);
	notify.journal_stream = NULL;
}
