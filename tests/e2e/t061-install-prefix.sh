#!/bin/bash
# Builds that cannot go stale, and the install layout: every configured
# path is recorded in the build, so `make install PREFIX=B` after `make
# PREFIX=A` rebuilds exactly what embeds a path and installs a tree that
# says B everywhere (binaries, igor.pc, the unit); a second make rebuilds
# nothing; install writes nothing outside DESTDIR/PREFIX; the installed
# unit passes systemd-analyze verify; uninstall removes every file it
# added, and nothing else.  Builds in its own build directory.
. "$(dirname "$0")/lib.sh"

SRC=$IGOR_TOP
BUILD=$T/build
A=$T/prefix-a   # the prefix of the first build
P=$T/prefix-b   # the prefix installed
D=$T/dest       # DESTDIR

# mk ARGS...: make in the checkout with our build dir; its output in make.out.
mk() {
	make -C "$SRC" B="$BUILD" "$@" >"$T/make.out" 2>&1 ||
		{ cat "$T/make.out"; false; }
}

# What the last mk compiled, linked or generated, one a line.
built() {
	sed -n 's/^  \(CC\|LD\|PLUGIN\|GEN\|STAMP\) *//p' "$T/make.out"
}

# The sources that name a configured path (the Makefile's PATHS_USERS).
path_users() {
	(cd "$SRC" && grep -lE 'IGOR_(VERSION|BINDIR|LIBEXECDIR|PLUGINDIR)' \
		common/*.c supervisor/*.c worker/*.c) | sort
}

test_expect_setup 'make PREFIX=A builds, with A compiled in' '
	mk PREFIX=$A &&
	strings "$BUILD/igor" | grep -qxF "$A/libexec/igor/igor-worker"
'

test_expect_success 'a second make PREFIX=A rebuilds nothing' '
	touch "$T/before" &&
	mk PREFIX=$A &&
	built >"$T/rebuilt" && cat "$T/rebuilt" && ! test -s "$T/rebuilt" &&
	find "$BUILD" -type f -newer "$T/before" >"$T/newer" &&
	cat "$T/newer" && ! test -s "$T/newer"
'

test_expect_success 'make install PREFIX=B rebuilds exactly what embeds a path' '
	mk install PREFIX=$P DESTDIR=$D &&
	built | sort >"$T/rebuilt" &&
	grep -qx "build/PATHS changed\|$BUILD/PATHS changed" "$T/rebuilt" &&
	sed -n "s/^\([a-z]*\/[a-z_]*\.c\)$/\1/p" "$T/rebuilt" >"$T/compiled" &&
	path_users >"$T/users" && test -s "$T/users" &&
	test_cmp "$T/users" "$T/compiled" &&
	grep -qx "$BUILD/igor" "$T/rebuilt" &&
	grep -qx "$BUILD/igor.pc" "$T/rebuilt" &&
	grep -qx "$BUILD/igor.service" "$T/rebuilt" &&
	! grep -q "igor-worker\|plugins/" "$T/rebuilt"
'

test_expect_success 'the installed binaries, igor.pc and unit all say B, never A' '
	strings "$D$P/bin/igor" >"$T/strings" &&
	grep -qxF "$P/libexec/igor/igor-worker" "$T/strings" &&
	grep -qxF "$P/lib/igor/plugins" "$T/strings" &&
	grep -qx "prefix=$P" "$D$P/lib/pkgconfig/igor.pc" &&
	grep -qx "includedir=$P/include" "$D$P/lib/pkgconfig/igor.pc" &&
	grep -qx "ExecStart=$P/bin/igor" "$D$P/lib/systemd/system/igor.service" &&
	grep -qx "ExecReload=$P/bin/igorctl reload" "$D$P/lib/systemd/system/igor.service" &&
	! grep -q "@[A-Z]*@" "$D$P/lib/systemd/system/igor.service" "$D$P/lib/pkgconfig/igor.pc" &&
	{ grep -rlF "$A" "$D" >"$T/stale"; cat "$T/stale"; ! test -s "$T/stale"; }
'

test_expect_success 'make install wrote nothing outside DESTDIR/PREFIX' '
	(cd "$D" && find . ! -type d) >"$T/all" && test -s "$T/all" &&
	{ grep -v "^\.$P/" "$T/all" >"$T/outside"; cat "$T/outside"; ! test -s "$T/outside"; }
'

test_expect_success 'the tree is SPEC'"'"'s table: programs, worker, plugins, header, docs, examples, unit' '
	cd "$D$P" &&
	test -x bin/igor && test -x bin/igorctl && test -x libexec/igor/igor-worker &&
	test -f lib/igor/plugins/log.so && test -f include/igor/plugin.h &&
	test -f lib/pkgconfig/igor.pc && test -f lib/systemd/system/igor.service &&
	test -f share/man/man5/igor.conf.5 && test -f share/man/man8/igor.8 &&
	test -f share/man/man3/igor-plugin.3 &&
	test -f share/doc/igor/README && test -f share/doc/igor/examples/igor.conf &&
	cmp "$SRC/etc/igor.conf" share/doc/igor/examples/igor.conf &&
	test -f share/doc/igor/examples/example_fs/containers.conf &&
	test -x share/doc/igor/examples/example_fs/bin/fake-engine &&
	test -L share/doc/igor/examples/example_fs/containers-enabled/web.yaml &&
	test -f share/doc/igor/examples/example_fs/containers-enabled/web.yaml
'

test_expect_success 'the installed igor looks under B for its worker and plugins' '
	ln -s "$D$P" "$P" &&
	env -u IGOR_PLUGIN_DIR "$P/bin/igor" --env >"$T/env" &&
	grep -q "^IGOR_PLUGIN_DIR=$P/lib/igor/plugins " "$T/env" &&
	mkdir -p "$T/conf" && printf "name: l\nplugin: log.so\npaths: [.]\n" >"$T/conf/l.conf" &&
	{ IGOR_CONFIG_DIR=$T/conf env -u IGOR_PLUGIN_DIR "$P/bin/igor" -t -s "$T/s" >"$T/out" 2>&1;
	  rc=$?; cat "$T/out"; test $rc = 0; } && ! test -s "$T/out"
'

if command -v systemd-analyze >/dev/null 2>&1; then
	test_expect_success 'systemd-analyze verify accepts the installed unit' '
		test -e "$P/bin/igor" &&
		{ systemd-analyze verify --man=no "$P/lib/systemd/system/igor.service" \
			>"$T/out" 2>&1; rc=$?; cat "$T/out"; test $rc = 0; } &&
		! test -s "$T/out"
	'
else
	test_skip 'systemd-analyze verify accepts the installed unit' 'no systemd-analyze'
fi

test_expect_success 'make uninstall removes every file it added, and only those' '
	mkdir -p "$D$P/bin" && : >"$D$P/bin/not-igor" &&
	: >"$D$P/lib/igor/plugins/mine.so" &&
	mk uninstall PREFIX=$P DESTDIR=$D &&
	(cd "$D" && find . ! -type d | sort) >"$T/left" &&
	printf "%s\n" ".$P/bin/not-igor" ".$P/lib/igor/plugins/mine.so" >"$T/want" &&
	test_cmp "$T/want" "$T/left" &&
	rm "$D$P/bin/not-igor" "$D$P/lib/igor/plugins/mine.so" &&
	test ! -e "$D$P/share/doc/igor" && test ! -e "$D$P/libexec/igor" &&
	test ! -e "$D$P/include/igor"
'

test_expect_success 'make uninstall twice is harmless and leaves no file in D' '
	rmdir "$D$P/lib/igor/plugins" "$D$P/lib/igor" &&
	mk uninstall PREFIX=$P DESTDIR=$D &&
	(cd "$D" && find . ! -type d) >"$T/left" && cat "$T/left" && ! test -s "$T/left"
'

test_expect_success 'make clean removes the build directory once' '
	make -s -n -C "$SRC" B="$SRC/build" clean >"$T/out" && test_cmp - "$T/out" <<-EOF
	rm -rf build
	EOF
'

test_done
