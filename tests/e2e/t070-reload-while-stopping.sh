#!/bin/bash
# Reloads that arrive while a worker is still stopping (it ignores SIGTERM
# until stop_timeout): a file that comes back does not start a second
# worker of the same name, and the newest file wins over a pending change.
. "$(dirname "$0")/lib.sh"

starts_of() { grep -c "plugin '$1' started (pid" "$LOG"; }
entries_of() {
	ctl status --json | python3 -c "
import json, sys
print(sum(w['name'] == sys.argv[1] for w in json.load(sys.stdin)))
" "$1"
}

slow_conf() {
	write_conf "$1.conf" <<-EOF
	name: $1
	plugin: $TPLUG/tplug.so
	ignore_term: true
	stdout: say-${2:-first}
	EOF
}

test_expect_setup 'igor runs two plugins that ignore SIGTERM, stop_timeout 3 s' '
	write_conf igor.conf <<-EOF &&
	stop_timeout: 3
	EOF
	slow_conf back && slow_conf flip &&
	igor_start && wait_ready back && wait_ready flip
'

test_expect_success 'a removed file restored before its worker stopped runs one worker, not two' '
	old=$(worker_pid back) &&
	mv $T/conf/back.conf $T/back.saved &&
	ctl reload >"$T/out1" &&
	grep -qx "stopped back" "$T/out1" &&
	state_is back stopping &&
	mv $T/back.saved $T/conf/back.conf &&
	ctl reload >"$T/out2" &&
	! grep -qx "started back" "$T/out2" &&
	[ "$(entries_of back)" = 1 ] &&
	[ $(starts_of back) = 1 ] &&
	kill -0 $old &&
	wait_ready back 2 10 &&
	! kill -0 $old 2>/dev/null &&
	[ "$(entries_of back)" = 1 ] &&
	[ $(starts_of back) = 2 ] &&
	state_is back running
'

test_expect_success 'a change reverted while the restart for it is pending starts the file as it is now' '
	slow_conf flip second &&
	ctl reload >"$T/out3" &&
	grep -qx "restarted flip" "$T/out3" &&
	state_is flip stopping &&
	slow_conf flip first &&
	ctl reload &&
	wait_ready flip 2 10 &&
	state_is flip running &&
	! log_has "plugin flip: say-second"
'

test_expect_success 'igor stops cleanly' '
	igor_stop
'

test_done
