#!/bin/bash
# The restart policy: backoff that doubles up to a cap and resets after a
# stable run; setup failures back off with their reason; load failures
# stay failed; the watchdog; stopping workers that resist.
. "$(dirname "$0")/lib.sh"

W=$T/watched
mkdir -p "$W" "$T/conf"

# The delays igor announced for plugin $1, one per line ("0.1", ...).
delays() {
	sed -n "s/.*plugin .$1.: starting again in \([0-9.]*\) s$/\1/p" "$LOG"
}

# Milliseconds since midnight of a log line's timestamp.
stamp_ms() {
	sed -n 's/^[0-9-]*T\([0-9]*\):\([0-9]*\):\([0-9.]*\) .*/\1 \2 \3/p' |
		awk '{ printf "%d\n", ($1 * 3600 + $2 * 60 + $3) * 1000 }'
}

test_expect_setup 'igor starts with a short restart policy' '
	cat >$T/conf/igor.conf <<-EOF &&
	restart:
	  delay: 0.1
	  max_delay: 0.4
	  reset_after: 1.5
	stop_timeout: 0.5
	EOF
	write_conf setupfail.conf <<-EOF &&
	name: setupfail
	plugin: $TPLUG/tplug.so
	setup_return: 3
	EOF
	igor_start
'

test_expect_success 'a setup that returns non-zero backs off with its reason' '
	wait_for "log_has \"plugin .setupfail. (pid [0-9]*) exited: exit 1 (setup returned 3)\""
'

test_expect_success 'the backoff doubles after each failure up to max_delay' '
	wait_for "[ \$(delays setupfail | wc -l) -ge 5 ]" 10 &&
	got=$(delays setupfail | head -n 5 | tr "\n" " ") &&
	echo "$got" && test "$got" = "0.1 0.2 0.4 0.4 0.4 "
'

test_expect_success 'the measured gaps between exit and start grow' '
	grep -E "plugin .setupfail. (started|\(pid [0-9]*\) exited)" "$LOG" >lines &&
	stamp_ms <lines >ms &&
	awk "NR > 1 && NR % 2 == 1 { print \$1 - prev } { prev = \$1 }" ms | head -n 4 >gaps &&
	echo "measured: backoff gaps (ms): $(echo $(cat gaps))" &&
	set -- $(cat gaps) &&
	test $1 -ge 50 && test $1 -le 500 &&
	test $2 -ge 100 && test $2 -le 1000 &&
	test $3 -ge 200 && test $3 -le 2000 && test $3 -gt $1
'

test_expect_success 'a plugin that cannot load is failed, not retried' '
	write_conf noload.conf <<-EOF &&
	name: noload
	plugin: $T/nothere.so
	EOF
	kill -HUP $IGOR_PID &&
	wait_for "log_has \"ERROR igor: plugin .noload. failed: cannot load plugin\"" &&
	n=$(log_count "plugin .noload. started") &&
	test "$n" -eq 1
'

test_expect_success 'the backoff goes back to the first delay after a stable run' '
	rm $T/conf/setupfail.conf $T/conf/noload.conf &&
	write_conf crashy.conf <<-EOF &&
	name: crashy
	plugin: $TPLUG/tplug.so
	paths: [$W]
	crash_on: boom
	EOF
	kill -HUP $IGOR_PID && wait_ready crashy &&
	touch $W/boom && wait_ready crashy 2 &&
	rm $W/boom && touch $W/boom && wait_ready crashy 3 &&
	test "$(delays crashy | tr "\n" " ")" = "0.1 0.2 " &&
	start=$(date +%s%N) &&
	wait_for "[ \$(( (\$(date +%s%N) - $start) / 1000000 )) -ge 1600 ]" 5 &&
	rm $W/boom && touch $W/boom && wait_ready crashy 4 &&
	test "$(delays crashy | tail -n 1)" = 0.1
'

test_expect_success 'a hung callback is killed by the watchdog and restarted' '
	write_conf hang.conf <<-EOF &&
	name: hang
	plugin: $TPLUG/tplug.so
	paths: [$W]
	hang_on: stuck
	watchdog: 0.3
	EOF
	kill -HUP $IGOR_PID && wait_ready hang &&
	old=$(worker_pid hang) &&
	touch $W/stuck &&
	wait_for "log_has \"ERROR igor: plugin .hang. (pid $old): watchdog: no answer in 0.3 s; killing it\"" 5 &&
	wait_for "log_has \"plugin .hang. (pid $old) exited: signal KILL (watchdog)\"" &&
	wait_ready hang 2 && test "$(worker_pid hang)" != "$old"
'

test_expect_success 'with a watchdog, a setup that never returns is killed and retried' '
	write_conf slowsetup.conf <<-EOF &&
	name: slowsetup
	plugin: $TPLUG/tplug.so
	setup_hang: true
	watchdog: 0.3
	EOF
	kill -HUP $IGOR_PID &&
	wait_for "log_has \"ERROR igor: plugin .slowsetup. (pid [0-9]*): watchdog: setup did not return in 0.3 s; killing it\"" &&
	wait_for "log_has \"plugin .slowsetup. (pid [0-9]*) exited: signal KILL (watchdog)\"" &&
	wait_for "[ \$(log_count \"plugin .slowsetup. started\") -ge 2 ]" &&
	rm $T/conf/slowsetup.conf && kill -HUP $IGOR_PID &&
	wait_for "log_has \"reload: plugin .slowsetup. removed\"" &&
	wait_for "[ \$(children_of $IGOR_PID | wc -w) -eq 2 ]"
'

test_expect_success 'an idle igor without a watchdog makes no wakeups' '
	rm $T/conf/hang.conf && kill -HUP $IGOR_PID &&
	wait_for "log_has \"plugin .hang. (pid [0-9]*) stopped\"" &&
	wait_for "[ \$(children_of $IGOR_PID | wc -w) -eq 1 ]" &&
	sw() { awk "/ctxt_switches/ { n += \$2 } END { print n }" /proc/$IGOR_PID/status; } &&
	a=$(sw) && w=$(worker_pid crashy) &&
	wa=$(awk "/ctxt_switches/ { n += \$2 } END { print n }" /proc/$w/status) &&
	observe_for 1 &&
	b=$(sw) &&
	wb=$(awk "/ctxt_switches/ { n += \$2 } END { print n }" /proc/$w/status) &&
	echo "measured: idle context switches: supervisor $a -> $b, worker $wa -> $wb" &&
	test "$a" -eq "$b" && test "$wa" -eq "$wb"
'

test_expect_success 'a worker that ignores SIGTERM is killed after stop_timeout; igor exits 0' '
	printf "restart:\n  delay: 0\n" >$T/bad-restart.conf &&
	test_status 1 env IGOR_CONFIG=$T/bad-restart.conf IGOR_CONFIG_DIR=$T/conf "$IGOR" -t 2>err &&
	grep -q "^$T/bad-restart.conf:1: restart delay must be at least 0.001 seconds$" err &&
	write_conf stubborn.conf <<-EOF &&
	name: stubborn
	plugin: $TPLUG/tplug.so
	ignore_term: true
	spawn: exec sleep 1000
	EOF
	kill -HUP $IGOR_PID && wait_ready stubborn &&
	w=$(worker_pid stubborn) &&
	wait_for "test -n \"\$(children_of $w)\"" &&
	sleeper=$(children_of $w) &&
	igor_stop &&
	log_has "WARNING igor: plugin .stubborn. (pid $w) ignored SIGTERM for 0.5 s; killing it" &&
	log_has "plugin .stubborn. (pid $w) stopped: signal KILL" &&
	! kill -0 $w 2>/dev/null &&
	wait_for "! kill -0 $sleeper 2>/dev/null"

'

test_done
