#!/bin/bash
# A helper that left the worker's process group and keeps writing to the
# worker's stdout does not hold igor when the worker exits: igor drains
# what was buffered, logs the exit and goes on serving.
. "$(dirname "$0")/lib.sh"

# Each flood line is written (-vvvv), which makes igor a slower reader
# than the helpers are writers; the lines themselves are filtered out.
start_filtered() {
	IGOR_CONFIG_DIR=$T/conf "$IGOR" -vvvv -s "$SOCK" \
		2> >(grep --line-buffered -v "^[-0-9T:.]* INFO plugin flood: y$" >"$LOG") &
	IGOR_PID=$!
	track_pid $IGOR_PID
}

test_expect_setup 'igor runs a plugin whose setsid helpers flood its stdout' '
	write_conf igor.conf <<-EOF &&
	restart:
	  delay: 20
	  max_delay: 20
	EOF
	mkdir -p "$T/w" &&
	printf "echo \$\$ >%s/helper.pid\nyes & yes & yes & yes & wait\n" "$T" >"$T/helper.sh" &&
	write_conf f.conf <<-EOF &&
	name: flood
	plugin: $TPLUG/tplug.so
	spawn: "exec setsid sh $T/helper.sh"
	paths: [$T/w]
	exit_on: go
	EOF
	start_filtered && wait_for "[ -S $SOCK ]" 5
'

kill_helpers() {
	[ -s "$T/helper.pid" ] && kill -KILL -- -"$(cat "$T/helper.pid")" 2>/dev/null
	true
}

test_expect_success 'the exit is handled while the helpers still write' '
	test_when_finished kill_helpers &&
	wait_for "[ -s $T/helper.pid ]" 5 &&
	wait_ready flood &&
	touch "$T/w/go" &&
	wait_for "log_has \"WARNING igor: plugin .flood. (pid [0-9]*) exited: exit 0\"" 5 &&
	wait_for "log_has \"INFO igor: plugin .flood.: starting again in 20 s\"" 5 &&
	kill -0 $IGOR_PID
'

test_expect_success 'igor stops cleanly' '
	test_when_finished kill_helpers &&
	igor_stop
'

test_done
