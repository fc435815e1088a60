#!/bin/bash
# A crash in one plugin never takes down the supervisor or another worker;
# nothing a worker writes is lost, and garbage on its stream kills it.
. "$(dirname "$0")/lib.sh"

W=$T/watched
mkdir -p "$W"

test_expect_setup 'two plugins run side by side, a broken config is skipped' '
	cat >$T/conf/igor.conf 2>/dev/null || mkdir -p $T/conf &&
	printf "restart:\n  delay: 0.05\n" >$T/conf/igor.conf &&
	write_conf a.conf <<-EOF &&
	name: crashy
	plugin: $TPLUG/tplug.so
	paths: [$W]
	crash_on: boom
	EOF
	write_conf b.conf <<-EOF &&
	name: steady
	plugin: $TPLUG/tplug.so
	paths: [$W]
	EOF
	write_conf c.conf <<-EOF &&
	name: broken
	plugin: [oops
	EOF
	igor_start && wait_ready crashy && wait_ready steady &&
	log_has "ERROR igor: $T/conf/c.conf:3: did not find expected .*; skipped"
'

test_expect_success 'crash on an event: restarted with a new pid, the sibling keeps its pid' '
	old=$(worker_pid crashy) && sib=$(worker_pid steady) &&
	touch $W/boom &&
	wait_for "log_has \"plugin .crashy. (pid $old) exited: signal SEGV\"" &&
	wait_ready crashy 2 &&
	new=$(worker_pid crashy) &&
	test "$new" != "$old" &&
	test "$(worker_pid steady)" = "$sib" && kill -0 $sib &&
	log_has "plugin steady: EV .*name=.boom."
'

test_expect_success 'the first restart comes after about the configured delay' '
	t_exit=$(sed -n "s/^[0-9-]*T\([0-9:.]*\) WARNING igor: plugin .crashy. (pid [0-9]*) exited.*/\1/p" "$LOG" | head -n 1) &&
	t_start=$(grep "plugin .crashy. started" "$LOG" | sed -n "2s/^[0-9-]*T\([0-9:.]*\) .*/\1/p") &&
	ms() { echo "$1" | awk -F: "{ printf \"%d\", (\$1 * 3600 + \$2 * 60 + \$3) * 1000 }"; } &&
	d=$(( $(ms $t_start) - $(ms $t_exit) )) &&
	echo "measured: restart after $d ms (delay 50 ms)" &&
	test $d -ge 25 && test $d -le 1000
'

test_expect_success 'a plugin that logs and then crashes: its last line is in the log' '
	write_conf d.conf <<-EOF &&
	name: lastwords
	plugin: $TPLUG/tplug.so
	log_then_crash: true
	EOF
	kill -HUP $IGOR_PID &&
	wait_for "log_has \"ERROR plugin lastwords: last words\"" &&
	wait_for "log_has \"plugin .lastwords. (pid [0-9]*) exited: signal SEGV\"" &&
	first=$(grep -n "ERROR plugin lastwords: last words" "$LOG" | head -n 1 | cut -d: -f1) &&
	exit_line=$(grep -n "plugin .lastwords. (pid [0-9]*) exited" "$LOG" | head -n 1 | cut -d: -f1) &&
	test "$first" -lt "$exit_line"
'

test_expect_success 'garbage on the record stream: protocol error naming the worker, killed' '
	write_conf e.conf <<-EOF &&
	name: garbler
	plugin: $TPLUG/tplug.so
	garbage: true
	EOF
	kill -HUP $IGOR_PID &&
	wait_for "log_has \"ERROR igor: plugin .garbler. (pid [0-9]*): protocol error: .*; killing it\"" &&
	wait_for "log_has \"plugin .garbler. (pid [0-9]*) exited: signal KILL\"" &&
	kill -0 $IGOR_PID && kill -0 $(worker_pid steady)
'

test_expect_success 'the supervisor keeps working after all that' '
	touch $W/still-alive &&
	wait_for "log_has \"plugin steady: EV .*name=.still-alive.\""
'

test_expect_success 'SIGTERM stops everything and exits 0, with no child left' '
	pids="$(children_of $IGOR_PID)" &&
	igor_stop &&
	for p in $pids; do ! kill -0 $p 2>/dev/null || exit 1; done
'

test_done
