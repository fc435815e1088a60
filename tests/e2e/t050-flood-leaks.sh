#!/bin/bash
# Backpressure, not loss; nothing leaks across restarts; a killed
# supervisor leaves no worker behind.
. "$(dirname "$0")/lib.sh"

W=$T/watched
mkdir -p "$W" "$T/conf"

kib() { awk "/^$2:/ { print \$2 }" /proc/$1/status; }

test_expect_success 'a plugin logging 100000 lines in a burst loses none, in order' '
	write_conf flood.conf <<-EOF &&
	name: flood
	plugin: $TPLUG/tplug.so
	flood: 100000
	EOF
	write_conf quiet.conf <<-EOF &&
	name: quiet
	plugin: $TPLUG/tplug.so
	paths: [$W]
	EOF
	igor_start &&
	wait_ready flood 1 60 && wait_ready quiet &&
	grep -o "INFO plugin flood: flood [0-9]*" "$LOG" | sed "s/.* //" >got &&
	seq 0 99999 >want && cmp want got
'

test_expect_success 'the supervisor did not buffer the flood in memory' '
	hwm=$(kib $IGOR_PID VmHWM) && echo "measured: supervisor VmHWM ${hwm} kB" &&
	test "$hwm" -lt 20000
'

test_expect_success 'a flooding worker does not starve another worker' '
	touch $W/during && wait_for "log_has \"plugin quiet: EV .*name=.during.\""
'

test_expect_success 'fds and RSS stay flat over 1000 crash/restart cycles' '
	igor_stop && rm -f $T/conf/*.conf &&
	printf "restart:\n  delay: 0.001\n  max_delay: 0.001\n" >$T/conf/igor.conf &&
	igor_start &&
	fd0=$(fd_count $IGOR_PID) &&
	write_conf crash.conf <<-EOF &&
	name: crash
	plugin: $TPLUG/tplug.so
	log_then_crash: true
	EOF
	kill -HUP $IGOR_PID &&
	wait_for "[ \$(log_count \"plugin .crash. (pid [0-9]*) exited\") -ge 100 ]" 60 &&
	rss100=$(kib $IGOR_PID VmRSS) &&
	wait_for "[ \$(log_count \"plugin .crash. (pid [0-9]*) exited\") -ge 1000 ]" 120 &&
	rss1000=$(kib $IGOR_PID VmRSS) &&
	rm $T/conf/crash.conf && kill -HUP $IGOR_PID &&
	wait_for "log_has \"reload: plugin .crash. removed\"" &&
	wait_for "[ -z \"\$(children_of $IGOR_PID)\" ]" &&
	fd1=$(fd_count $IGOR_PID) &&
	echo "measured: fds $fd0 -> $fd1; RSS after 100 cycles $rss100 kB, after 1000 $rss1000 kB" &&
	test "$fd0" -eq "$fd1" &&
	test $((rss1000 - rss100)) -lt 1024
'

test_expect_success 'no zombie is left after the crashes' '
	! grep -l "^State:.*Z" /proc/[0-9]*/status 2>/dev/null |
		while read f; do awk "/^PPid:/ { print \$2 }" $f; done |
		grep -qx "$IGOR_PID"
'

test_expect_success 'a supervisor killed with SIGKILL leaves no worker behind' '
	write_conf w1.conf <<-EOF &&
	name: w1
	plugin: $TPLUG/tplug.so
	paths: [$W]
	EOF
	kill -HUP $IGOR_PID && wait_ready w1 &&
	w=$(worker_pid w1) &&
	kill -KILL $IGOR_PID && wait $IGOR_PID; IGOR_PID= &&
	wait_for "! kill -0 $w 2>/dev/null"
'

test_expect_success 'the next igor starts clean' '
	igor_start && wait_ready w1 && igor_stop
'

test_done
