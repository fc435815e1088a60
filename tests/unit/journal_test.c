/*
 * journal_test: the native journal protocol as igor speaks it.  The
 * encoder against the protocol's bytes (plain and binary-safe fields, the
 * fields of a plugin's line and of igor's own); the sender against a real
 * AF_UNIX datagram socket bound here: an entry arrives whole as one
 * datagram, an entry over 256 KiB arrives as an empty datagram carrying a
 * sealed memfd that holds it, a receiver that stops reading is EAGAIN, a
 * gone or missing one is a failure.
 */
#include "check.h"
#include "dgram.h"
#include "journal.h"
#include "log.h"
#include "receiver.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>

static char dir[] = "/tmp/igor-journal-test.XXXXXX";
static char path[64];

#define CHECK_BYTES(e, want, ...)                                            \
	CHECK((e)->len == sizeof(want) - 1 &&                                \
		      memcmp((e)->buf, want, sizeof(want) - 1) == 0,         \
	      __VA_ARGS__)

static void test_fields(void)
{
	struct journal_entry e = { 0 };

	CHECK_INT(journal_entry_add(&e, "A", "b c\xe9", 4), 0, "add a field");
	CHECK_BYTES(&e, "A=b c\xe9\n", "a value without newline is NAME=value");
	journal_entry_clear(&e);
	journal_entry_add(&e, "MESSAGE", "a\nb", 3);
	CHECK_BYTES(&e, "MESSAGE\n\x03\0\0\0\0\0\0\0a\nb\n",
		    "a value with a newline: name, newline, 64-bit LE length, data, newline");
	journal_entry_clear(&e);
	journal_entry_add(&e, "E", "", 0);
	CHECK_BYTES(&e, "E=\n", "an empty value");
	journal_entry_release(&e);
}

static void test_lines(void)
{
	struct journal_entry e = { 0 };
	struct sink_rec plugin = { .level = LOG_LVL_INFO, .source = "plugin web",
				   .plugin = "web", .pid = 1234,
				   .msg = "hi \xe9\x9b\\", .len = 6 };
	struct sink_rec own = { .level = LOG_LVL_ERROR, .source = "igor",
				.msg = "stopped", .len = 7 };
	struct sink_rec about = { .level = LOG_LVL_WARNING, .source = "igor",
				  .plugin = "web", .msg = "x", .len = 1 };
	struct sink_rec lines = { .level = LOG_LVL_CRITICAL, .source = "plugin w",
				  .plugin = "w", .pid = 7, .msg = "1\n2", .len = 3 };

	journal_entry_build(&e, &plugin);
	CHECK_BYTES(&e, "MESSAGE=plugin web: hi \xe9\x9b\\\nPRIORITY=6\n"
			"SYSLOG_IDENTIFIER=igor\nIGOR_PLUGIN=web\nIGOR_WORKER_PID=1234\n",
		    "a plugin's line: every field, the text not escaped");
	journal_entry_build(&e, &own);
	CHECK_BYTES(&e, "MESSAGE=stopped\nPRIORITY=3\nSYSLOG_IDENTIFIER=igor\n",
		    "igor's own line: bare text, no IGOR_ fields");
	journal_entry_build(&e, &about);
	CHECK_BYTES(&e, "MESSAGE=x\nPRIORITY=4\nSYSLOG_IDENTIFIER=igor\nIGOR_PLUGIN=web\n",
		    "igor's line about a plugin with no process: IGOR_PLUGIN alone");
	journal_entry_build(&e, &lines);
	CHECK_BYTES(&e, "MESSAGE\n\x0d\0\0\0\0\0\0\0plugin w: 1\n2\nPRIORITY=2\n"
			"SYSLOG_IDENTIFIER=igor\nIGOR_PLUGIN=w\nIGOR_WORKER_PID=7\n",
		    "a multi-line message in the binary-safe form, prefix counted");
	journal_entry_release(&e);
}

/* An entry over 256 KiB: the kernel refuses it as one datagram. */
static void test_memfd(int rx, int tx)
{
	struct journal_entry e = { 0 };
	size_t big = 1024 * 1024 + 3, i;
	char *msg = malloc(big), *got = NULL, dummy[16], link[128], fdpath[64];
	int fd = -1, seals;
	long n;
	struct stat st;

	for (i = 0; i < big; i++)
		msg[i] = i % 251 == 0 ? '\n' : (char)(i % 256);
	journal_entry_add(&e, "MESSAGE", msg, big);
	journal_entry_add(&e, "PRIORITY", "6", 1);
	CHECK(e.len > 256 * 1024, "the entry is over 256 KiB (%zu bytes)", e.len);
	CHECK_INT(journal_send(tx, &e), 0, "a large entry is sent");
	n = receiver_get(rx, dummy, sizeof(dummy), &fd);
	CHECK_INT(n, 0, "its datagram has an empty payload");
	CHECK(fd >= 0, "and carries an fd (SCM_RIGHTS)");
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
	n = readlink(fdpath, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	CHECK(strncmp(link, "/memfd:igor-journal", 19) == 0,
	      "the fd is a memfd (%s)", link);
	seals = fcntl(fd, F_GET_SEALS);
	CHECK_INT(seals, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL,
		  "sealed against shrinking, growing, writing and more seals");
	CHECK(fstat(fd, &st) == 0 && (size_t)st.st_size == e.len,
	      "it holds the entry's %zu bytes", e.len);
	got = malloc(e.len);
	CHECK(got && pread(fd, got, e.len, 0) == (ssize_t)e.len &&
		      memcmp(got, e.buf, e.len) == 0,
	      "byte for byte");
	if (fd >= 0)
		close(fd);
	free(got);
	free(msg);
	journal_entry_release(&e);
}

/* Sends small entries until the receiver's queue is full. */
static int fill(int tx, const struct journal_entry *e)
{
	int i;

	for (i = 0; i < 100000; i++)
		if (journal_send(tx, e) < 0)
			return -1;
	return 0;
}

static void test_send(void)
{
	struct journal_entry e = { 0 };
	struct sink_rec r = { .level = LOG_LVL_DEBUG, .source = "igor",
			      .msg = "hello", .len = 5 };
	char buf[512];
	int rx = receiver_bind(path), tx = dgram_connect(path), fd;
	long n;

	CHECK(rx >= 0 && tx >= 0, "a receiver bound, a sender connected");
	journal_entry_build(&e, &r);
	CHECK_INT(journal_send(tx, &e), 0, "an entry is sent");
	n = receiver_get(rx, buf, sizeof(buf), &fd);
	CHECK(n == (long)e.len && memcmp(buf, e.buf, e.len) == 0 && fd < 0,
	      "it arrives whole, as one datagram with no fd");
	test_memfd(rx, tx);
	CHECK(fill(tx, &e) < 0 && errno == EAGAIN,
	      "a receiver that stops reading: EAGAIN, not a block");
	CHECK_INT(dgram_wait(tx, 50), 0, "no room while it does not read");
	receiver_get(rx, buf, sizeof(buf), NULL);
	CHECK_INT(dgram_wait(tx, 2000), 1, "room once it read one");
	CHECK_INT(journal_send(tx, &e), 0, "and the entry goes");
	close(rx);
	CHECK(journal_send(tx, &e) < 0 && errno == ECONNREFUSED,
	      "a receiver gone: ECONNREFUSED");
	close(tx);
	tx = dgram_connect(path);
	CHECK(tx < 0 && errno == ECONNREFUSED,
	      "a socket file nobody listens on: ECONNREFUSED");
	unlink(path);
	tx = dgram_connect(path);
	CHECK(tx < 0 && errno == ENOENT, "no socket: ENOENT");
	journal_entry_release(&e);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/socket", dir);
	test_fields();
	test_lines();
	test_send();
	unlink(path);
	rmdir(dir);
	return check_done();
}
