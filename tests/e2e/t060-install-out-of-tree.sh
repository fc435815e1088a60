#!/bin/bash
# make install lays out igor as documented, and a stranger's plugin built
# out of tree with pkg-config runs under the installed igor.
. "$(dirname "$0")/lib.sh"

P=$T/prefix
SRC=$IGOR_TOP

test_expect_setup 'make install PREFIX=... builds and installs into the prefix' '
	make -s -C "$SRC" B=$T/build PREFIX=$P install >make.out 2>&1 ||
		{ cat make.out; false; }
'

test_expect_success 'the programs, worker, header, pkg-config file and plugins are installed' '
	test -x $P/bin/igor &&
	test -x $P/libexec/igor/igor-worker &&
	test -f $P/include/igor/plugin.h &&
	test -f $P/lib/pkgconfig/igor.pc &&
	test -f $P/lib/igor/plugins/log.so &&
	test ! -e $P/bin/igor-worker
'

test_expect_success 'man pages are installed by section' '
	for m in "$SRC"/man/*.[1-8]; do
		[ -e "$m" ] || continue
		s=${m##*.} && test -f $P/share/man/man$s/${m##*/} || exit 1
	done
'

test_expect_success 'a plugin builds out of tree with pkg-config and links against nothing' '
	cat >p.c <<-EOF &&
	#include <sys/inotify.h>
	#include <igor/plugin.h>
	static igor_logger *lg;
	static void on_ev(const struct igor_event *ev, void *arg)
	{
		(void)arg;
		igor_info(lg, "stranger saw %s", ev->path);
	}
	int setup(const igor_config *c, igor_logger *l, igor_inotify_factory *f)
	{
		igor_inotify *in = igor_inotify_new(f, on_ev, NULL);
		lg = l;
		return !in || igor_inotify_add_watch(in,
			igor_config_str(c, "dir", "."), IN_CREATE) < 0;
	}
	EOF
	cc -shared -fPIC $(PKG_CONFIG_PATH=$P/lib/pkgconfig pkg-config --cflags igor) \
		-o stranger.so p.c &&
	! readelf -d stranger.so | grep NEEDED | grep -v "libc\.so"
'

test_expect_success 'the installed igor runs it, and finds log.so in its plugin dir' '
	mkdir -p $T/conf $T/w &&
	printf "name: stranger\nplugin: $T/stranger.so\ndir: $T/w\n" >$T/conf/s.conf &&
	printf "name: logger\nplugin: log.so\npaths: [$T/w]\n" >$T/conf/l.conf &&
	IGOR="env -u IGOR_PLUGIN_DIR $P/bin/igor" igor_bg $LOG -vvv && pid=$BG_PID &&
	wait_for "log_has \"INFO plugin logger: watching\"" &&
	wait_for "log_has \"INFO igor: plugin .stranger. started\"" &&
	touch $T/w/hello &&
	wait_for "log_has \"INFO plugin stranger: stranger saw $T/w/hello\"" &&
	wait_for "log_has \"INFO plugin logger: create $T/w/hello\"" &&
	kill -TERM $pid && wait $pid
'

test_expect_success 'the installed --env shows the installed plugin dir' '
	env -u IGOR_PLUGIN_DIR $P/bin/igor --env >out &&
	grep -q "^IGOR_PLUGIN_DIR=$P/lib/igor/plugins  # default: $P/lib/igor/plugins;" out
'

test_expect_success 'the worker exports only the ABI to plugins' '
	nm -D --defined-only $P/libexec/igor/igor-worker | awk "{ print \$3 }" |
		grep -v "^_\|@" | sort >exported &&
	grep -o "igor_[a-z_]*" "$SRC/worker/exports.list" | sort >want &&
	test_cmp want exported
'

test_expect_success 'make install PREFIX=/usr DESTDIR=... after PREFIX=... (same build) stages under DESTDIR; uninstall removes it' '
	make -s -C "$SRC" B=$T/build PREFIX=/usr DESTDIR=$T/stage install >make.out 2>&1 &&
	test -x $T/stage/usr/bin/igor &&
	test -x $T/stage/usr/libexec/igor/igor-worker &&
	test -f $T/stage/usr/lib/igor/plugins/log.so &&
	grep -q "^prefix=/usr$" $T/stage/usr/lib/pkgconfig/igor.pc &&
	strings $T/stage/usr/bin/igor | grep -qx /usr/libexec/igor/igor-worker &&
	make -s -C "$SRC" B=$T/build PREFIX=/usr DESTDIR=$T/stage uninstall >make.out 2>&1 &&
	test ! -e $T/stage/usr/bin/igor && test ! -e $T/stage/usr/lib/igor
'

test_done
