/*
 * t12_ctorfork.so: a plugin whose constructor, run by dlopen (so in
 * igor -t's check too), forks a process that leaves the worker's session
 * and runs `sleep $T12_CTOR_SLEEP`, for t872-descendants-check.sh.
 * Without that variable it does nothing.
 */
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "igor/plugin.h"

const int igor_plugin_abi = IGOR_PLUGIN_ABI;

__attribute__((constructor)) static void fork_away(void)
{
	const char *secs = getenv("T12_CTOR_SLEEP");
	pid_t child;

	if (!secs)
		return;
	child = fork();
	if (child > 0) {
		/* Once it is gone, the sleeper has left: dlopen returns
		 * after that, so the test does not depend on a race. */
		waitpid(child, NULL, 0);
		return;
	}
	if (child < 0)
		return;
	/* The child: a session of its own, then a grandchild that sleeps
	 * while its parent exits, so it is nobody's child any more. */
	setsid();
	if (fork() == 0)
		execlp("sleep", "sleep", secs, (char *)NULL);
	_exit(0);
}

int setup(const igor_config *c, igor_logger *l, igor_inotify_factory *f)
{
	(void)c, (void)l, (void)f;
	return 0;
}
