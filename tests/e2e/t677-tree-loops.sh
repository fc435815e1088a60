#!/bin/bash
# What a tree walk does not follow (SPEC.md, "Recursive watches"):
# symbolic links, and a directory whose inode the tree already watches,
# such as a bind mount of the tree inside itself.  The bind mount is made
# in a mount namespace of igor's own, so nothing outside sees it.
. "$(dirname "$0")/lib.sh"

W=$T/w
mkdir -p "$W/a/b" "$W/a/loop" "$T/elsewhere/x/y"
ln -s "$T/elsewhere" "$W/link"
ln -s .. "$W/a/up"

watches() { inotify_watches "$(worker_pid loops)"; }

test_expect_setup 'a tree holding symbolic links to directories' '
	write_conf loops.conf <<-EOF &&
	name: loops
	plugin: $TPLUG/t15_tree.so
	root: $W
	mask: 0x100
	EOF
	igor_start && wait_ready loops
'

test_expect_success 'symbolic links are not followed: one watch per real directory' '
	test $(watches) -eq 4 &&
	: >"$T/elsewhere/x/y/f" && : >"$W/a/b/g" &&
	wait_for "log_has \"plugin loops: EV .*name=.g.\"" 5 &&
	! log_has "name=.f."
'
igor_stop

if [ "$(id -u)" != 0 ] || ! unshare -m true 2>/dev/null; then
	test_skip 'a bind mount of the tree inside itself' 'needs root and unshare -m'
	test_done
fi

cat >"$T/bound-igor" <<EOF
#!/bin/sh
exec unshare -m sh -c 'mount --bind "$W" "$W/a/loop" && exec "\$0" "\$@"' "$IGOR" "\$@"
EOF
chmod +x "$T/bound-igor"

test_expect_success 'a bind mount of the tree inside itself is not entered again: W, a and b watched, a/loop (W again) not' '
	IGOR=$T/bound-igor igor_start && wait_ready loops &&
	log_has "plugin loops: tree wd=1 in" &&
	test $(watches) -eq 3 &&
	: >"$W/a/b/h" &&
	wait_for "log_has \"plugin loops: EV .*name=.h. path=.$W/a/b/h.\$\"" 5 &&
	igor_stop
'

test_done
