/*
 * abi_log: the ABI's logger (igor_log) over emit.
 */
#ifndef IGOR_WORKER_ABI_LOG_H
#define IGOR_WORKER_ABI_LOG_H

#include "igor/plugin.h"

/* The worker's one logger; lines below both levels are dropped here. */
igor_logger *abi_logger(int plugin_level, int igor_level);

/* The supervisor's threshold changed (REC_LEVEL). */
void abi_log_set_igor_level(int level);

#endif /* IGOR_WORKER_ABI_LOG_H */
