#!/bin/bash
# A tree larger than the watch limit (SPEC.md, "Recursive watches"): one
# ERROR names the limit reached, with its value, and the first directory
# left out; what is watched keeps working; a later walk that leaves
# nothing out (here, the repair after an overflow) makes the worker
# healthy again.  The limit is lowered as root in a user namespace of
# igor's own, as t820 does: the machine-wide sysctl is never touched.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ]; then
	test_skip 'watch limit of a tree' 'needs root'
	test_expect_success 'degraded again, then room is made: a reload walks the tree again' '
	for i in $(seq 31 45); do mkdir "$W/b/$i" || return 1; done &&
	wait_for "test \"\$(json_get limit degraded)\" = True" 10 &&
	n=$(log_count "every directory of every tree is watched again") &&
	for i in $(seq 31 45); do rmdir "$W/b/$i" || return 1; done &&
	kill -HUP $IGOR_PID &&
	wait_for "[ \$(log_count \"every directory of every tree is watched again\") -gt $n ]" 10 &&
	test "$(json_get limit degraded)" = False &&
	test_status 0 ctl status limit
'

igor_stop
test_done
fi
if ! unshare -U -r sh -c 'echo 1 >/proc/sys/user/max_inotify_watches' 2>/dev/null; then
	test_skip 'watch limit of a tree' 'cannot lower it in a user namespace (unshare -U)'
	test_expect_success 'degraded again, then room is made: a reload walks the tree again' '
	for i in $(seq 31 45); do mkdir "$W/b/$i" || return 1; done &&
	wait_for "test \"\$(json_get limit degraded)\" = True" 10 &&
	n=$(log_count "every directory of every tree is watched again") &&
	for i in $(seq 31 45); do rmdir "$W/b/$i" || return 1; done &&
	kill -HUP $IGOR_PID &&
	wait_for "[ \$(log_count \"every directory of every tree is watched again\") -gt $n ]" 10 &&
	test "$(json_get limit degraded)" = False &&
	test_status 0 ctl status limit
'

igor_stop
test_done
fi

W=$T/w
mkdir -p "$T/conf"
for d in a b; do
	for i in $(seq 1 30); do mkdir -p "$W/$d/$i"; done
done

cat >"$T/limited-igor" <<EOF
#!/bin/sh
exec unshare -U -r sh -c 'echo 40 >/proc/sys/user/max_inotify_watches &&
	exec "\$0" "\$@"' "$IGOR" "\$@"
EOF
chmod +x "$T/limited-igor"

test_expect_setup 'a tree of 63 directories where 40 watches are allowed' '
	write_conf limit.conf <<-EOF &&
	name: limit
	plugin: $TPLUG/t15_tree.so
	root: $W
	mask: 0x100
	EOF
	IGOR=$T/limited-igor igor_start && wait_ready limit
'

test_expect_success 'one ERROR names user.max_inotify_watches, its value and the first directory left out' '
	test $(log_count "ERROR plugin limit: cannot watch all of .$W.: inotify watch limit reached (user.max_inotify_watches = 40): .$W/[ab]/[0-9]*. and 22 other directories are not watched; trying again every 60 s") = 1 &&
	test $(log_count "ERROR") = 1
'

test_expect_success 'igorctl shows the worker degraded, with the reason, and exits 3' '
	test_status 3 ctl status limit >"$T/table" &&
	grep -q "^limit  *degraded " "$T/table" &&
	grep -q "^  inotify watch limit reached (user.max_inotify_watches = 40): .$W/" "$T/table" &&
	test "$(json_get limit state)" = "'"'"'running'"'"'" &&
	test "$(json_get limit degraded)" = True &&
	json_get limit error | grep -q "user.max_inotify_watches = 40"
'

test_expect_success 'add_tree still returned the root, and the watched part works' '
	log_has "plugin limit: tree wd=1 in" &&
	for i in $(seq 1 30); do : >"$W/a/$i/f" && : >"$W/b/$i/f"; done &&
	wait_for "[ \$(grep -c \"plugin limit: EV .*name=.f.\" \"\$LOG\") -eq 37 ]" 10
'

test_expect_success 'after room is made, the repair of an overflow watches the rest, and says so' '
	rm -rf "$W/a" &&
	overflow_while_stopped limit "$W" g &&
	wait_for "log_has \"WARNING plugin limit: inotify queue overflowed: walked\"" 20 &&
	wait_for "log_has \"INFO plugin limit: every directory of every tree is watched again\"" 10 &&
	: >"$W/b/30/after" && : >"$W/b/1/after" &&
	wait_for "[ \$(grep -c \"plugin limit: EV .*name=.after.\" \"\$LOG\") -eq 2 ]" 10 &&
	test_status 0 ctl status limit &&
	test "$(json_get limit degraded)" = False &&
	test "$(json_get limit error)" = None
'

test_expect_success 'degraded again, then room is made: a reload walks the tree again' '
	for i in $(seq 31 45); do mkdir "$W/b/$i" || return 1; done &&
	wait_for "test \"\$(json_get limit degraded)\" = True" 10 &&
	n=$(log_count "every directory of every tree is watched again") &&
	for i in $(seq 31 45); do rmdir "$W/b/$i" || return 1; done &&
	kill -HUP $IGOR_PID &&
	wait_for "[ \$(log_count \"every directory of every tree is watched again\") -gt $n ]" 10 &&
	test "$(json_get limit degraded)" = False &&
	test_status 0 ctl status limit
'

igor_stop
test_done
