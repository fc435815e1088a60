/* nosetup.so: a plugin without its setup symbol (tests igor -t). */
#include "igor/plugin.h"

int not_setup(const igor_config *c, igor_logger *l, igor_inotify_factory *f)
{
	(void)c, (void)l, (void)f;
	return 0;
}
