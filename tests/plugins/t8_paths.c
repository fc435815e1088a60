/*
 * t8_paths.so: shows exactly which bytes reach the plugin, for the tests
 * of hostile file names.  Watches every entry of `paths` for IN_CREATE and
 * logs each event twice, at INFO:
 *     EV name='NAME'                        (as text: igor escapes it)
 *     HEX name=HEX path=HEX lstat=RESULT    (the bytes, and whether the
 *                                            path names a real file)
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>

#include "igor/plugin.h"

const int igor_plugin_abi = IGOR_PLUGIN_ABI;

static igor_logger *log_;

/* s as lowercase hex into out (cap bytes, at least 1). */
static const char *hex(const char *s, char *out, size_t cap)
{
	size_t i, n = 0;

	for (i = 0; s[i] && n + 3 <= cap; i++)
		n += (size_t)snprintf(out + n, cap - n, "%02x",
				      (unsigned char)s[i]);
	out[n] = '\0';
	return out;
}

static void on_event(const struct igor_event *ev, void *arg)
{
	char hn[1024], hp[8192];
	struct stat st;
	const char *res;

	(void)arg;
	if (!ev->path)
		return;
	res = lstat(ev->path, &st) == 0 ? "ok" : strerror(errno);
	igor_info(log_, "EV name='%s'", ev->name);
	igor_info(log_, "HEX name=%s path=%s lstat=%s",
		  hex(ev->name, hn, sizeof(hn)), hex(ev->path, hp, sizeof(hp)),
		  res);
}

int setup(const igor_config *c, igor_logger *l, igor_inotify_factory *f)
{
	const igor_config *paths = igor_config_get(c, "paths");
	igor_inotify *in = igor_inotify_new(f, on_event, NULL);
	size_t i;

	log_ = l;
	if (!in)
		return 1;
	for (i = 0; i < igor_config_len(paths); i++) {
		const char *p = igor_config_value(igor_config_at(paths, i));

		if (igor_inotify_add_watch(in, p, IN_CREATE) < 0) {
			igor_error(l, "cannot watch '%s': %s", p, strerror(errno));
			return 1;
		}
		igor_info(l, "watching '%s'", p);
	}
	return 0;
}
