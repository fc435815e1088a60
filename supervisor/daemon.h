/*
 * daemon: igor's run: load the configs, start the workers, and serve the
 * event loop until SIGTERM or SIGINT.  Signals arrive through a signalfd.
 */
#ifndef IGOR_SUP_DAEMON_H
#define IGOR_SUP_DAEMON_H

#include "opt.h"

/* Returns the exit status: 0 after a clean stop, 1 when igor cannot run. */
int daemon_run(const struct opts *o, const struct layout *lay);

#endif /* IGOR_SUP_DAEMON_H */
