#!/bin/bash
# Recursive watches through renames, moves out and back in, and deletes
# (SPEC.md, "Recursive watches"; issue 15): a directory moved within the
# tree keeps its watches and later events carry its new path; one moved
# out loses them; a deleted subtree leaves no watch behind, and only the
# root's IN_IGNORED reaches the plugin.
. "$(dirname "$0")/lib.sh"

W=$T/w
CHAIN=c1/c2/c3/c4/c5/c6/c7/c8/c9

# The inotify watches the worker holds, from the kernel's own list.
watches() { inotify_watches "$(worker_pid moves)"; }

ev_line() { # NAME PATH: the line of the event on NAME with that path
	grep "plugin moves: EV wd=[0-9]* mask=0x[0-9a-f]*\( synthetic\)\{0,1\} cookie=[0-9]* name='$1' path='$2'\$" "$LOG"
}

test_expect_setup 'a tree of 10 000 directories: top/, 9 990 below it in two levels and a chain of 9' '
	mkdir -p "$W/top/$CHAIN" &&
	(cd "$W/top" && python3 -c "
import os
for i in range(90):
    for j in range(110):
        os.makedirs(\"d%d/e%d\" % (i, j))
") &&
	test $(find "$W" -mindepth 1 -type d | wc -l) -eq 10000 &&
	write_conf moves.conf <<-EOF &&
	name: moves
	plugin: $TPLUG/t15_tree.so
	root: $W
	EOF
	igor_start && wait_ready moves 1 20 &&
	log_has "plugin moves: tree wd=1 in" &&
	test $(watches) -eq 10001
'

test_expect_success 'the walk s own reads of the directories are not reported' '
	: >"$W/marker0" &&
	wait_for "ev_line marker0 \"$W/marker0\" >/dev/null" 10 &&
	! grep -q "plugin moves: EV" <(grep -v "marker0" "$LOG")
'

test_expect_success 'the top renamed within the tree: a file at the bottom has the new path and the same wd' '
	: >"$W/top/$CHAIN/before" &&
	wait_for "ev_line before \"$W/top/$CHAIN/before\" >/dev/null" 10 &&
	wd=$(ev_line before "$W/top/$CHAIN/before" | head -n 1 | sed "s/.*EV wd=\([0-9]*\).*/\1/") &&
	mv "$W/top" "$W/renamed" &&
	: >"$W/renamed/$CHAIN/after" &&
	wait_for "ev_line after \"$W/renamed/$CHAIN/after\" >/dev/null" 10 &&
	ev_line after "$W/renamed/$CHAIN/after" | grep -q "EV wd=$wd mask=0x100 cookie" &&
	test $(watches) -eq 10001 &&
	! log_has " synthetic "
'

test_expect_success 'a directory moved out of the tree loses its watches; what happens in it is not reported' '
	mv "$W/renamed/c1" "$T/outside" &&
	wait_for "[ \$(watches) -eq 9992 ]" 10 &&
	: >"$T/outside/c2/out" &&
	: >"$W/marker1" &&
	wait_for "ev_line marker1 \"$W/marker1\" >/dev/null" 10 &&
	! log_has "name=.out."
'

test_expect_success 'moved back in, it is watched again: what it holds comes as synthetic creates, new files with the new path' '
	mv "$T/outside" "$W/back" &&
	wait_for "[ \$(watches) -eq 10001 ]" 10 &&
	ev_line c2 "$W/back/c2" | grep -q " synthetic " &&
	ev_line out "$W/back/c2/out" | grep -q " synthetic " &&
	ev_line c9 "$W/back/c2/c3/c4/c5/c6/c7/c8/c9" | grep -q " synthetic " &&
	: >"$W/back/c2/c3/c4/c5/c6/c7/c8/c9/new" &&
	wait_for "ev_line new \"$W/back/c2/c3/c4/c5/c6/c7/c8/c9/new\" >/dev/null" 10
'

test_expect_success 'a whole subtree deleted: no watch left in the kernel, no IN_IGNORED of a subdirectory delivered' '
	test $(watches) -eq 10001 &&
	rm -rf "$W/renamed" &&
	wait_for "[ \$(watches) -eq 10 ]" 20 &&
	: >"$W/marker2" &&
	wait_for "ev_line marker2 \"$W/marker2\" >/dev/null" 10 &&
	! grep -q "plugin moves: EV wd=[0-9]* mask=0x8000 " "$LOG"
'

test_expect_success 'the root deleted: its IN_IGNORED is the only one delivered, and no watch is left' '
	rm -rf "$W" &&
	wait_for "grep -q \"plugin moves: EV wd=1 mask=0x8000 cookie=0 name=.. path=.$W.\$\" \"\$LOG\"" 10 &&
	wait_for "[ \$(watches) -eq 0 ]" 10 &&
	test $(grep -c "plugin moves: EV wd=[0-9]* mask=0x8000 " "$LOG") -eq 1
'

igor_stop
test_done
