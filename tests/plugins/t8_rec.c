/*
 * t8_rec.so: writes hand-made bytes on the worker's record fd (3), which
 * belongs to the worker, not the plugin, for the hostile-record tests.
 * Key `write:` picks what, in setup:
 *   oversized   a frame header declaring REC_MAX + 1 bytes
 *   truncated   half a frame, then _exit(0)
 *   text        a LOG record whose message is a CBOR text string
 *   reply       a well-formed PING, a type only the supervisor sends
 * then setup returns 0 and the plugin idles (until igor kills it).
 */
#include <string.h>
#include <unistd.h>

#include "igor/plugin.h"

const int igor_plugin_abi = IGOR_PLUGIN_ABI;

struct bytes {
	const char *name, *data;
	size_t len;
};

#define B(name, lit) { name, lit, sizeof(lit) - 1 }

static const struct bytes writes[] = {
	B("oversized", "\x00\x01\x00\x01\xa1\x00\x04"),
	B("truncated", "\x00\x00\x00\x10\xa3\x00\x04"),
	B("text", "\x00\x00\x00\x09\xa3\x00\x04\x04\x14\x05\x62hi"),
	B("reply", "\x00\x00\x00\x05\xa2\x00\x06\x0a\x01"),
};

int setup(const igor_config *c, igor_logger *l, igor_inotify_factory *f)
{
	const char *what = igor_config_str(c, "write", "");
	size_t i;

	(void)f;
	for (i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
		if (strcmp(what, writes[i].name) != 0)
			continue;
		igor_info(l, "writing %s bytes on fd 3", what);
		(void)!write(3, writes[i].data, writes[i].len);
		if (strcmp(what, "truncated") == 0)
			_exit(0);
		return 0;
	}
	igor_error(l, "unknown write: '%s'", what);
	return 1;
}
