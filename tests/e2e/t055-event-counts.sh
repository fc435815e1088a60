#!/bin/bash
# Below DEBUG the worker counts events instead of sending each one; the
# supervisor's EVENTS and overflow counts stay exact either way.
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

test_expect_success 'SIGTERM stops igor with exit 0' '
	kill -TERM $IGOR_PID && wait $IGOR_PID
'

test_done
