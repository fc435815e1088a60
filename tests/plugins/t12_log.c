/*
 * t12_log.so: log lines the supervisor must neither drop nor pass raw.
 * In setup it logs, at INFO, one line holding a C1 control as UTF-8
 * (U+009B), a raw 0x9b, a raw 0xe9 and a valid U+00E9; then, for each
 * integer N of the key `levels:`, the line "at level N" at level N;
 * then the value of the key `say:`, if given, as one line at INFO (a YAML
 * "a\nb" makes it a multi-line message).  Then it idles.
 */
#include <stdlib.h>

#include "igor/plugin.h"

const int igor_plugin_abi = IGOR_PLUGIN_ABI;

int setup(const igor_config *c, igor_logger *l, igor_inotify_factory *f)
{
	const igor_config *levels = igor_config_get(c, "levels");
	size_t i;

	(void)f;
	igor_info(l, "bytes c1 [\xc2\x9b] raw [\x9b] latin1 [\xe9] utf8 [\xc3\xa9]");
	for (i = 0; i < igor_config_len(levels); i++) {
		const char *v = igor_config_value(igor_config_at(levels, i));
		int level = v ? atoi(v) : 0;

		igor_log(l, level, "at level %d", level);
	}
	if (igor_config_str(c, "say", NULL))
		igor_info(l, "%s", igor_config_str(c, "say", NULL));
	return 0;
}
