#!/bin/bash
# exec.so under load and with commands that hang: timeout, SIGKILL after
# an ignored SIGTERM, max_running with its bounded queue, and children
# stopped with their worker.
. "$(dirname "$0")/lib.sh"

C=$T/conf
IN=$C/in
REC=$C/record.out

# pid_gone FILE: the pid written in FILE is no longer a live process.
pid_gone() {
	local pid
	pid=$(cat "$1" 2>/dev/null) && [ -n "$pid" ] || return 1
	! kill -0 "$pid" 2>/dev/null ||
		grep -q "^State:.*Z" /proc/"$pid"/status 2>/dev/null
}

test_expect_setup 'helper commands' '
	mkdir -p "$C/bin" "$IN" &&
	cat >"$C/bin/hang" <<-\SH &&
	#!/bin/sh
	# hang NAME [ignore]: writes its pid to NAME.pid, then never ends.
	dir=$(dirname "$0")/..
	[ "${2-}" = ignore ] && trap "" TERM
	echo $$ >"$dir/$1.pid"
	while :; do sleep 0.05; done
	SH
	cat >"$C/bin/serial" <<-\SH &&
	#!/bin/sh
	# serial NAME: "begin NAME", a pause, "end NAME"; "gate" waits for
	# the file release (at most 20 s).
	out=$(dirname "$0")/../record.out
	echo "begin $1" >>"$out"
	if [ "$1" = gate ]; then
		i=0
		while [ ! -e "$(dirname "$0")/../release" ] && [ $i -lt 400 ]; do
			sleep 0.05; i=$((i + 1))
		done
	else
		sleep 0.1
	fi
	echo "end $1" >>"$out"
	SH
	chmod +x "$C/bin/hang" "$C/bin/serial"
'

test_expect_success 'a command running past timeout gets SIGTERM, and it is logged' '
	write_conf exec.conf <<-\CONF &&
	name: exec
	plugin: exec.so
	paths: [in]
	events: [create]
	command: [bin/hang, "{name}"]
	timeout: 0.3
	CONF
	igor_start && wait_ready exec &&
	: >"$IN/slow" &&
	wait_for "test -s \"$C/slow.pid\"" 5 &&
	wait_for "pid_gone \"$C/slow.pid\"" 5 &&
	wait_for "log_has \"WARNING plugin exec: .bin/hang. (pid [0-9]*) still running after its timeout of 0.3 s; sending SIGTERM\"" 5 &&
	wait_for "log_has \"WARNING plugin exec: .bin/hang. for create on .in/slow. killed by SIGTERM\"" 5
'

test_expect_success 'a command ignoring SIGTERM gets SIGKILL 5 s later' '
	write_conf exec.conf <<-\CONF &&
	name: exec
	plugin: exec.so
	paths: [in]
	events: [create]
	command: [bin/hang, "{name}", ignore]
	timeout: 0.2
	CONF
	igor_stop && igor_start && wait_ready exec &&
	: >"$IN/stubborn" &&
	wait_for "test -s \"$C/stubborn.pid\"" 5 &&
	wait_for "log_has \"still running after its timeout\"" 5 &&
	start=$(date +%s) &&
	kill -0 "$(cat "$C/stubborn.pid")" &&
	wait_for "pid_gone \"$C/stubborn.pid\"" 10 &&
	test $(( $(date +%s) - start )) -ge 3 &&
	wait_for "log_has \"ignored SIGTERM for 5 s; sending SIGKILL\"" 5 &&
	wait_for "log_has \"for create on .in/stubborn. killed by SIGKILL\"" 5
'

test_expect_success 'stopping igor terminates a running command' '
	write_conf exec.conf <<-\CONF &&
	name: exec
	plugin: exec.so
	paths: [in]
	events: [create]
	command: [bin/hang, "{name}"]
	CONF
	igor_stop && igor_start && wait_ready exec &&
	: >"$IN/running" &&
	wait_for "test -s \"$C/running.pid\"" 5 &&
	pid=$(cat "$C/running.pid") &&
	igor_stop &&
	wait_for "pid_gone \"$C/running.pid\"" 5
'

test_expect_success 'max_running 1 runs commands one at a time, in event order' '
	write_conf exec.conf <<-\CONF &&
	name: exec
	plugin: exec.so
	paths: [in]
	events: [create]
	match: "s*"
	command: [bin/serial, "{name}"]
	max_running: 1
	CONF
	igor_start && wait_ready exec &&
	: >"$IN/s1" && : >"$IN/s2" && : >"$IN/s3" &&
	wait_for "grep -q \"end s3\" \"\$REC\"" 10 &&
	printf "begin s%s\nend s%s\n" 1 1 2 2 3 3 >expect &&
	test_cmp expect "$REC"
'

test_expect_success 'a burst larger than the queue waits in the kernel: every command runs, in order' '
	rm -f "$REC" &&
	cat >"$C/bin/job" <<-\SH &&
	#!/bin/sh
	# job NAME: "gate" says it started, then waits for the file
	# release (at most 20 s); every name is appended to record.out.
	dir=$(dirname "$0")/..
	[ "$1" = gate ] && : >"$dir/gate.started"
	i=0
	while [ "$1" = gate ] && [ ! -e "$dir/release" ] && [ $i -lt 400 ]; do
		sleep 0.05; i=$((i + 1))
	done
	echo "$1" >>"$dir/record.out"
	SH
	chmod +x "$C/bin/job" &&
	write_conf exec.conf <<-\CONF &&
	name: exec
	plugin: exec.so
	paths: [in]
	events: [create]
	command: [bin/job, "{name}"]
	max_running: 1
	timeout: 20
	CONF
	igor_stop && rm -f "$C/release" && igor_start && wait_ready exec &&
	: >"$IN/gate" &&
	wait_for "test -e \"\$C/gate.started\"" 5 &&
	(cd "$IN" && touch $(seq -f "q%g" 1 1500)) &&
	wait_for "log_has \"INFO plugin exec: queue full (1000 waiting, 1 running): events wait in the kernel.s queue until it is half empty\"" 10 &&
	: >"$C/release" &&
	wait_for "[ \$(wc -l <\"\$REC\") -eq 1501 ]" 60 &&
	{ echo gate; seq -f "q%g" 1 1500; } >expect &&
	test_cmp expect "$REC" &&
	log_has "INFO plugin exec: the queue is down to 500: reading events again" &&
	! log_has "dropping events" &&
	igor_stop
'

test_done
