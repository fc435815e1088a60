/*
 * idle.so: a plugin that does nothing and holds nothing: no inotify
 * instance (max_user_instances is small and shared by the machine), for
 * the tests that start thousands of workers.
 */
#include "igor/plugin.h"

const int igor_plugin_abi = IGOR_PLUGIN_ABI;

int setup(const igor_config *c, igor_logger *l, igor_inotify_factory *f)
{
	(void)c, (void)l, (void)f;
	return 0;
}
