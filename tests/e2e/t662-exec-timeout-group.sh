#!/bin/bash
# The timeout's SIGKILL reaches the whole process group of a command even
# when the command itself went at SIGTERM and left a process behind that
# ignores SIGTERM.
. "$(dirname "$0")/lib.sh"

C=$T/conf
IN=$C/in

# pid_gone FILE: the pid written in FILE is no longer a live process.
pid_gone() {
	local pid
	pid=$(cat "$1" 2>/dev/null) && [ -n "$pid" ] || return 1
	! kill -0 "$pid" 2>/dev/null ||
		grep -q "^State:.*Z" /proc/"$pid"/status 2>/dev/null
}

test_expect_setup 'a command that leaves a SIGTERM-proof process behind' '
	mkdir -p "$C/bin" "$IN" &&
	cat >"$C/bin/leave" <<-\SH &&
	#!/bin/sh
	# leave: starts a process that ignores SIGTERM, writes its pid to
	# left.pid, and waits (it goes at SIGTERM, the process stays).
	dir=$(dirname "$0")/..
	( trap "" TERM; exec sleep 60 ) &
	echo $! >"$dir/left.pid"
	wait
	SH
	chmod +x "$C/bin/leave"
'

test_expect_success 'the rest of the group gets SIGKILL 5 s after the timeout SIGTERM' '
	write_conf exec.conf <<-\CONF &&
	name: exec
	plugin: exec.so
	paths: [in]
	events: [create]
	command: [bin/leave]
	timeout: 0.2
	CONF
	test_when_finished "kill -9 \$(cat \"$C/left.pid\") 2>/dev/null" &&
	igor_start && wait_ready exec &&
	: >"$IN/go" &&
	wait_for "test -s \"$C/left.pid\"" 5 &&
	wait_for "log_has \"for create on .in/go. killed by SIGTERM\"" 5 &&
	kill -0 "$(cat "$C/left.pid")" &&
	wait_for "pid_gone \"$C/left.pid\"" 10 &&
	log_has "WARNING plugin exec: the process group of .bin/leave. (pid [0-9]*) still ran 5 s after SIGTERM; sending SIGKILL"
'

test_expect_success 'stopping igor before that SIGKILL kills the rest of the group at once' '
	rm -f "$C/left.pid" &&
	test_when_finished "kill -9 \$(cat \"$C/left.pid\") 2>/dev/null" &&
	: >"$IN/again" &&
	wait_for "test -s \"$C/left.pid\"" 5 &&
	wait_for "log_has \"for create on .in/again. killed by SIGTERM\"" 5 &&
	kill -0 "$(cat "$C/left.pid")" &&
	igor_stop &&
	wait_for "pid_gone \"$C/left.pid\"" 3
'

test_done
