/*
 * proctree_test: the pid set, reading /proc, and ending a real subtree
 * whose members left their parent's session and lost their parent: the
 * test is a child subreaper, as igor and a worker are, and forks
 *     child (sleeps) -> grandchild (setsid, then forks and exits)
 *                            -> great-grandchild (sleeps, an orphan)
 * so the orphan comes back to the test, as a worker's orphans come back
 * to the worker; proctree_end_children must end all of them.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "pidset.h"
#include "proctree.h"

static void pidset_cases(void)
{
	struct pidset s = { 0 };
	pid_t in[] = { 40, 3, 17, 3, 99, 1 };
	size_t i;

	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		pidset_add(&s, in[i]);
	CHECK_INT(s.n, 5, "pidset: a repeated pid is added once");
	for (i = 1; i < s.n; i++)
		CHECK(s.v[i - 1] < s.v[i], "pidset: sorted at %zu", i);
	CHECK(pidset_has(&s, 17) && !pidset_has(&s, 18), "pidset_has");
	CHECK(pidset_remove(&s, 17) && !pidset_has(&s, 17) && s.n == 4,
	      "pidset_remove takes it out");
	CHECK(!pidset_remove(&s, 17), "pidset_remove of an absent pid");
	pidset_release(&s);
	CHECK(s.n == 0 && !s.v, "pidset_release empties it");
}

/* The tree above; returns the child's pid.  The grandchild's pipe says
 * the orphan's pid once it is set up. */
static pid_t fork_tree(pid_t *orphan)
{
	int p[2];
	pid_t child, gc, ggc;

	if (pipe(p) < 0 || (child = fork()) < 0)
		return -1;
	if (child == 0) {
		gc = fork();
		if (gc == 0) {
			setsid();
			ggc = fork();
			if (ggc == 0)
				for (;;)
					pause();
			(void)!write(p[1], &ggc, sizeof(ggc));
			_exit(0);
		}
		for (;;)
			pause();
	}
	close(p[1]);
	if (read(p[0], orphan, sizeof(*orphan)) != (ssize_t)sizeof(*orphan))
		*orphan = -1;
	close(p[0]);
	return child;
}

static bool has_ended(pid_t pid)
{
	struct proctree t = { 0 };
	const struct proc_entry *e;
	bool ended;

	if (proctree_read(&t) < 0)
		return false;
	e = proctree_find(&t, pid);
	ended = !e || proc_entry_has_ended(e);
	proctree_release(&t);
	return ended;
}

/* Waits (bounded) until the orphan has come back to us. */
static bool wait_adopted(pid_t orphan)
{
	const struct timespec ms = { 0, 1000000L };
	struct proctree t = { 0 };
	const struct proc_entry *e;
	int i;
	bool ok = false;

	for (i = 0; i < 2000 && !ok; i++) {
		if (proctree_read(&t) == 0 && (e = proctree_find(&t, orphan)))
			ok = e->ppid == getpid();
		if (!ok)
			nanosleep(&ms, NULL);
	}
	proctree_release(&t);
	return ok;
}

static void subtree_cases(void)
{
	struct proctree t = { 0 };
	const struct proc_entry *me;
	pid_t child, orphan = -1, *kids = NULL;
	size_t n = 0;
	int reaped = 0;

	CHECK_INT(proctree_read(&t), 0, "proctree_read");
	me = proctree_find(&t, getpid());
	CHECK(me && me->ppid == getppid() && me->sid == getsid(0),
	      "proctree_read sees this process, its parent and session");
	proctree_release(&t);

	CHECK(!proctree_has_children(), "no child yet");
	child = fork_tree(&orphan);
	CHECK(child > 0 && orphan > 0, "forked a tree with an orphan");
	CHECK(wait_adopted(orphan), "the orphan came back to the subreaper");
	CHECK_INT(proctree_read(&t), 0, "proctree_read");
	CHECK_INT(proctree_children(&t, getpid(), &kids, &n), 0,
		  "proctree_children");
	CHECK_INT(n, 2, "two live children: the child and the orphan");
	free(kids);
	proctree_release(&t);

	CHECK_INT(proctree_end_children(), 2, "both got SIGKILL");
	while (waitpid(-1, NULL, 0) > 0)
		reaped++;
	CHECK(reaped >= 2 && errno == ECHILD, "all reaped (%d)", reaped);
	CHECK(has_ended(child) && has_ended(orphan), "none is left");
	CHECK_INT(proctree_end_children(), 0, "nothing left to end");
}

int main(void)
{
	pidset_cases();
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		return 1;
	subtree_cases();
	return check_done();
}
