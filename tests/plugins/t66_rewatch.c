/*
 * t66_rewatch.so: for t661-abi-event-path.sh.  Watches the directory
 * named by the config's "dir" for IN_ATTRIB; on an event of the directory
 * itself (empty name, so path is the watched path) it changes the watch's
 * mask with igor_inotify_add_watch(ev->path, ...), which the kernel
 * answers with the same wd, and then logs ev->path, which plugin.h says
 * stays valid until the callback returns:
 *   rewatch: wd same, path 'PATH'
 */
#include <sys/inotify.h>

#include "igor/plugin.h"

const int igor_plugin_abi = IGOR_PLUGIN_ABI;

static igor_logger *log_;
static igor_inotify *in;

static void on_event(const struct igor_event *ev, void *arg)
{
	int wd;

	(void)arg;
	if (ev->name[0] || !(ev->mask & IN_ATTRIB))
		return;
	wd = igor_inotify_add_watch(in, ev->path, IN_ATTRIB | IN_CREATE);
	igor_info(log_, "rewatch: wd %s, path '%s'",
		  wd == ev->wd ? "same" : "changed", ev->path);
}

int setup(const igor_config *conf, igor_logger *l, igor_inotify_factory *f)
{
	const char *dir = igor_config_str(conf, "dir", NULL);

	log_ = l;
	in = igor_inotify_new(f, on_event, NULL);
	if (!dir || !in || igor_inotify_add_watch(in, dir, IN_ATTRIB) < 0)
		return 1;
	return 0;
}
