/*
 * watchdog_test: a watchdog deadline is judged only after what the
 * worker's socket already holds has been read, so an answer that came
 * while igor was busy (a long reload, a stopped igor) is heard, while a
 * worker whose loop hangs is killed however much its other threads log.
 *
 * The worker is a real socket pair driven by hand; the process, the
 * signals and the clock are fakes, so nothing is killed for real and time
 * moves only when the test says.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "ev.h"
#include "wkio.h"
#include "wktab.h"

enum { FAKE_PID = 4242, WATCHDOG_MS = 1000 };

static int64_t clock_ms = 1000000;
static int worker_end = -1, out_end = -1, err_end = -1;
static int last_signal;

static int64_t fake_now(void)
{
	return clock_ms;
}

static void fake_signal(struct wk *w, int sig)
{
	(void)w;
	last_signal = sig;
}

/* A "process": a socket pair and two pipes, igor's ends to wkio. */
static int fake_spawn(struct wk *w)
{
	int sp[2], out[2], err[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0 ||
	    pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0)
		abort();
	worker_end = sp[1], out_end = out[1], err_end = err[1];
	w->pid = FAKE_PID;
	return wkio_open(w, sp[0], out[0], err[0]);
}

/* Writes one record from the "worker". */
static void worker_sends(unsigned type, unsigned key, int64_t v)
{
	struct rec_buf b = { 0 };
	struct rec r;

	rec_init(&r, type);
	if (type == REC_HELLO) {
		rec_set_num(&r, REC_K_VERSION, REC_VERSION);
		rec_set_num(&r, REC_K_PID, FAKE_PID);
	} else if (type == REC_LOG) {
		rec_set_num(&r, REC_K_LEVEL, 20);
		rec_set_bytes(&r, REC_K_MSG, "still logging", 13);
	} else if (key) {
		rec_set_num(&r, key, v);
	}
	if (rec_encode(&b, &r, &rec_w2s_proto) < 0 ||
	    rec_buf_flush(&b, worker_end) < 0)
		abort();
	rec_buf_release(&b);
}

/* The last question igor sent, read from the "worker's" end. */
static int64_t worker_reads_question(void)
{
	static struct rec_reader rd;
	struct why why;
	struct rec r;
	int64_t seq = -1;

	if (!rd.buf && rec_reader_init(&rd, &rec_s2w_proto) < 0)
		abort();
	fcntl(worker_end, F_SETFL, O_NONBLOCK);
	while (rec_reader_fill(&rd, worker_end) > 0)
		while (rec_next(&rd, &r, &why) > 0)
			if (r.type == REC_PING)
				seq = rec_num(&r, REC_K_SEQ);
	return seq;
}

static struct plugin_conf *make_conf(void)
{
	struct plugin_conf *pc = calloc(1, sizeof(*pc));

	if (!pc || !(pc->name = strdup("w")) || !(pc->file = strdup("w.conf")))
		abort();
	pc->watchdog_ms = WATCHDOG_MS;
	return pc;
}

int main(void)
{
	struct wk_settings s = {
		.restart = { 100, 30000, 60000 },
		.stop_timeout_ms = 1000,
	};
	struct wk_ops ops = { fake_spawn, fake_signal, wkio_ask, fake_now };
	struct wk *w;
	int64_t seq;

	if (ev_init() < 0)
		abort();
	wk_configure(&s, &ops);
	CHECK_INT(wktab_add(make_conf()), 0, "a worker with watchdog: 1");
	w = wktab_find("w");
	worker_sends(REC_HELLO, 0, 0);
	worker_sends(REC_READY, 0, 0);
	wkio_read_buffered(w);
	CHECK_STR(wk_state_name(w->state), "running", "it is running");
	seq = worker_reads_question();
	CHECK_INT(seq, 2, "and was asked a question at its start and one when ready");

	/* It answers while igor is busy (nothing reads), past the deadline. */
	worker_sends(REC_PONG, REC_K_SEQ, seq);
	clock_ms += WATCHDOG_MS + 600;
	wktab_run_timers(clock_ms);
	CHECK_INT(last_signal, 0, "an answer waiting unread is heard: no kill");
	CHECK_INT(worker_reads_question(), 3, "and the next question goes out");
	CHECK_INT(w->deadline_ms, clock_ms + WATCHDOG_MS,
		  "its deadline counts from when it was sent");

	/* Its loop hangs; another of its threads keeps logging. */
	worker_sends(REC_LOG, 0, 0);
	worker_sends(REC_LOG, 0, 0);
	clock_ms += WATCHDOG_MS + 1;
	wktab_run_timers(clock_ms);
	CHECK_INT(last_signal, SIGKILL,
		  "no answer among what it sent: killed, logging or not");
	CHECK(w->killed_by_watchdog, "and the kill is the watchdog's");

	wktab_release_all();
	close(worker_end);
	close(out_end);
	close(err_end);
	return check_done();
}
