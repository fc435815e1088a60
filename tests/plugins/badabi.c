/* badabi.so: a plugin built for another ABI version (tests the refusal). */
#include "igor/plugin.h"

const int igor_plugin_abi = IGOR_PLUGIN_ABI + 1;

int setup(const igor_config *c, igor_logger *l, igor_inotify_factory *f)
{
	(void)c, (void)l, (void)f;
	return 0;
}
