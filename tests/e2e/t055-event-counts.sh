#!/bin/bash
# Below DEBUG the worker counts events in the counter page instead of
# sending each one; the supervisor's EVENTS and overflow counts stay exact
# either way, even when the callback of the last event crashes the worker.
. "$(dirname "$0")/lib.sh"

W=$T/watched
mkdir -p "$W" "$T/conf"

events_of() { json_get "$1" events; }

test_expect_setup 'igor at INFO runs log.so on create events only' '
	write_conf log.conf <<-EOF &&
	name: creates
	plugin: log.so
	paths: [$W]
	events: [create]
	EOF
	igor_bg $LOG -vvv && IGOR_PID=$BG_PID &&
	wait_for "log_has \"INFO plugin creates: watching\"" &&
	wait_for "ctl status creates >/dev/null"
'

test_expect_success 'EVENTS counts every event delivered, without a record each' '
	for i in $(seq 1 300); do : >"$W/f$i"; done &&
	wait_for "[ \"\$(events_of creates)\" = 300 ]" &&
	test "$(log_count "INFO plugin creates: create")" -eq 300 &&
	! log_has "DEBUG igor: plugin .creates.: event mask"
'

test_expect_success 'the count is never behind a log line the plugin wrote after the events' '
	for i in $(seq 301 310); do : >"$W/f$i"; done &&
	wait_for "log_has \"INFO plugin creates: create $W/f310\"" &&
	test "$(events_of creates)" = 310
'

test_expect_success 'N events, the Nth callback crashes: EVENTS is N' '
	mkdir -p "$T/crashing" &&
	write_conf crash.conf <<-EOF &&
	name: crasher
	plugin: $TPLUG/tplug.so
	paths: [$T/crashing]
	quiet: true
	crash_on: d6
	EOF
	kill -HUP $IGOR_PID &&
	wait_for "state_is crasher running" &&
	for i in 1 2 3 4 5 6; do mkdir "$T/crashing/d$i" || return 1; done &&
	wait_for "log_has \"plugin .crasher. (pid [0-9]*) exited: signal SEGV\"" &&
	test "$(events_of crasher)" = 6
'

test_expect_success 'the count survives the restart and goes on from there' '
	wait_for "state_is crasher running" 10 &&
	rmdir "$T/crashing/d1" &&
	wait_for "[ \"\$(events_of crasher)\" = 7 ]"
'

test_expect_success 'SIGTERM stops igor with exit 0' '
	kill -TERM $IGOR_PID && wait $IGOR_PID
'

test_done
