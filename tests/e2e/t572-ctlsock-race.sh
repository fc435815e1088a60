#!/bin/bash
# Many igors started at once on one socket: exactly one serves it, every
# other one exits 1, and the socket left is the live one's.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/conf"

test_expect_success 'of 16 igors started at once on one socket, one runs and 15 exit 1' '
	pids= &&
	for i in $(seq 1 16); do
		igor_bg $T/race$i.log && pids="$pids $BG_PID"
	done &&
	wait_for "[ \$(for p in $pids; do is_running \$p && echo; done | wc -l) -eq 1 ]" 10 &&
	alive=$(for p in $pids; do is_running $p && echo $p; done; true) &&
	ctl status >/dev/null &&
	failed=0 &&
	for p in $pids; do
		[ "$p" = "$alive" ] && continue
		wait $p; rc=$?
		[ $rc -eq 1 ] && failed=$((failed + 1))
	done &&
	test $failed -eq 15 &&
	grep -l "another igor is running there" $T/race*.log | wc -l | grep -qx 15 &&
	kill -TERM $alive && wait $alive && test ! -e $SOCK
'

test_done
