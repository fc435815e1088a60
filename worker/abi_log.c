/*
 * abi_log.c: igor_log.  A line below the plugin's own log_level or the
 * supervisor's threshold never leaves the worker: cheap debug logging.
 * A level above CRITICAL is logged as CRITICAL, one below DEBUG as DEBUG.
 */
#include "abi_log.h"

#include <stdarg.h>

#include "emit.h"

struct igor_logger {
	int plugin_level;
	volatile int igor_level; /* written by the loop, read by any thread */
};

static struct igor_logger logger;

igor_logger *abi_logger(int plugin_level, int igor_level)
{
	logger.plugin_level = plugin_level;
	logger.igor_level = igor_level;
	return &logger;
}

void abi_log_set_igor_level(int level)
{
	logger.igor_level = level;
}

/*
 * A level outside the ABI's names is taken as the nearest one, so no line
 * is dropped: the record's level key carries DEBUG..CRITICAL only.
 */
static int clamp_level(int level)
{
	if (level > IGOR_CRITICAL)
		return IGOR_CRITICAL;
	if (level < IGOR_DEBUG)
		return IGOR_DEBUG;
	return level;
}

void igor_log(igor_logger *l, int level, const char *fmt, ...)
{
	va_list ap;

	level = clamp_level(level);
	if (!l || level < l->plugin_level || level < l->igor_level || !fmt)
		return;
	va_start(ap, fmt);
	emit_vlogf(level, fmt, ap);
	va_end(ap);
}
