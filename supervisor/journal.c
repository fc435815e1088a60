/*
 * journal.c: see journal.h.
 */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

void journal_entry_clear(struct journal_entry *e)
{
	e->len = 0;
}

void journal_entry_release(struct journal_entry *e)
{
	free(e->buf);
	*e = (struct journal_entry){ 0 };
}

/* Room for n more bytes. */
static int reserve(struct journal_entry *e, size_t n)
{
	size_t cap = e->cap ? e->cap : 512;
	char *p;

	if (n > SIZE_MAX / 2 - e->len) {
		errno = ENOMEM;
		return -1;
	}
	if (e->len + n <= e->cap)
		return 0;
	while (cap < e->len + n)
		cap *= 2;
	p = realloc(e->buf, cap);
	if (!p)
		return -1;
	e->buf = p;
	e->cap = cap;
	return 0;
}

static void put(struct journal_entry *e, const void *p, size_t n)
{
	memcpy(e->buf + e->len, p, n);
	e->len += n;
}

/* Appends the field's value, made of parts, in the form it needs. */
static int add_parts(struct journal_entry *e, const char *name,
		     const char *const *part, const size_t *len, int nparts)
{
	size_t nlen = strlen(name), total = 0;
	bool binary = false;
	unsigned char le[8];
	int i;

	for (i = 0; i < nparts; i++) {
		total += len[i];
		binary |= len[i] && memchr(part[i], '\n', len[i]) != NULL;
	}
	if (reserve(e, nlen + sizeof(le) + total + 2) < 0)
		return -1;
	put(e, name, nlen);
	if (binary) {
		for (i = 0; i < 8; i++)
			le[i] = (unsigned char)((uint64_t)total >> (8 * i));
		put(e, "\n", 1);
		put(e, le, sizeof(le));
	} else {
		put(e, "=", 1);
	}
	for (i = 0; i < nparts; i++)
		if (len[i])
			put(e, part[i], len[i]);
	put(e, "\n", 1);
	return 0;
}

int journal_entry_add(struct journal_entry *e, const char *name,
		      const char *val, size_t len)
{
	return add_parts(e, name, &val, &len, 1);
}

static int add_number(struct journal_entry *e, const char *name, long v)
{
	char num[24];
	int n = snprintf(num, sizeof(num), "%ld", v);

	return journal_entry_add(e, name, num, (size_t)n);
}

/* MESSAGE: "plugin NAME: text", or igor's own text bare. */
static int add_message(struct journal_entry *e, const struct sink_rec *r)
{
	const char *part[3] = { r->source, ": ", r->msg };
	size_t len[3] = { strlen(r->source), 2, r->len };

	if (strcmp(r->source, "igor") == 0)
		return add_parts(e, "MESSAGE", part + 2, len + 2, 1);
	return add_parts(e, "MESSAGE", part, len, 3);
}

int journal_entry_build(struct journal_entry *e, const struct sink_rec *r)
{
	journal_entry_clear(e);
	if (add_message(e, r) < 0 ||
	    add_number(e, "PRIORITY", log_level_priority(r->level)) < 0 ||
	    journal_entry_add(e, "SYSLOG_IDENTIFIER", "igor", 4) < 0)
		return -1;
	if (!r->plugin)
		return 0;
	if (journal_entry_add(e, "IGOR_PLUGIN", r->plugin, strlen(r->plugin)) < 0)
		return -1;
	if (r->pid > 0 && add_number(e, "IGOR_WORKER_PID", (long)r->pid) < 0)
		return -1;
	return 0;
}

/* A memfd holding e, sealed so that journald may trust it will not
 * change under it (journald refuses one that is not). */
static int sealed_copy(const struct journal_entry *e)
{
	int fd = memfd_create("igor-journal", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	size_t off = 0;
	ssize_t w;

	if (fd < 0)
		return -1;
	while (off < e->len) {
		w = write(fd, e->buf + off, e->len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return safe_close(fd);
		off += (size_t)w;
	}
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW |
				   F_SEAL_WRITE | F_SEAL_SEAL) < 0)
		return safe_close(fd);
	return fd;
}

/* The protocol's second form: no payload, one fd holding the entry. */
static int send_memfd(int sock, const struct journal_entry *e)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl = { 0 };
	struct msghdr mh = { .msg_control = ctl.buf,
			     .msg_controllen = sizeof(ctl.buf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	int fd = sealed_copy(e), saved;
	ssize_t n;

	if (fd < 0)
		return -1;
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	do
		n = sendmsg(sock, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	saved = errno;
	close(fd);
	errno = saved;
	return n < 0 ? -1 : 0;
}

int journal_send(int fd, const struct journal_entry *e)
{
	ssize_t n;

	do
		n = send(fd, e->buf, e->len, MSG_DONTWAIT | MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n >= 0)
		return 0;
	if (errno == EMSGSIZE || errno == ENOBUFS)
		return send_memfd(fd, e);
	return -1;
}
