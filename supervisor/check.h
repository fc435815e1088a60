/*
 * check: igor -t.  Validates every config and loads every plugin in a
 * worker (only a worker provides the ABI's symbols), printing each
 * problem as FILE:LINE: message.  Nothing is started.
 */
#ifndef IGOR_SUP_CHECK_H
#define IGOR_SUP_CHECK_H

#include "opt.h"

/* Returns the exit status: 0 when all is valid, 1 otherwise. */
int check_run(const struct opts *o, const struct layout *lay);

#endif /* IGOR_SUP_CHECK_H */
