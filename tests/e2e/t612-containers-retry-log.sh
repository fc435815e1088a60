#!/bin/bash
# containers.so's retries and log lines, with the fake engine: a failed
# start or stop is tried again with backoff until it succeeds or the link
# changes; a command is quiet while it succeeds and loud when it fails.
. "$(dirname "$0")/lib.sh"

C=$T/conf
EN=$C/containers-enabled

# ms since midnight of each log line matching PATTERN, one a line.
line_ms() {
	grep -- "$1" "$LOG" | awk '{ split($1, a, "T"); split(a[2], b, ":")
		printf "%.0f\n", (b[1] * 3600 + b[2] * 60 + b[3]) * 1000 }'
}

test_expect_setup 'the fake engine with running, a short settle and retry 0.1 s doubling to 0.4 s' '
	copy_test_engine &&
	write_conf containers.conf <<-\CONF &&
	name: containers
	plugin: containers.so
	enabled: containers-enabled
	start: [bin/engine, start, "{name}"]
	stop: [bin/engine, stop, "{name}"]
	running: [bin/engine, running]
	settle: 0.1
	resync: 0
	retry: {delay: 0.1, max_delay: 0.4}
	CONF
	igor_start && wait_ready containers &&
	wait_for "engine_has \"start web\"" 5
'

test_expect_success 'a command is one INFO line with its argv, one with status and duration; its output at DEBUG' '
	ln -s ../containers-available/db.yaml "$EN/db.yaml" &&
	wait_for "log_has \"INFO plugin containers: started db: exit 0 after [0-9]*\.[0-9]\{3\} s\$\"" 5 &&
	log_has "INFO plugin containers: start db: bin/engine start db\$" &&
	log_has "DEBUG plugin containers: start db: engine: start db done\$" &&
	! log_has "INFO plugin containers: engine: " &&
	! log_has "INFO plugin containers: .*start db done"
'

test_expect_success 'the argv is written as a shell would read it back' '
	name="a b'\''c\$x" &&
	ln -s ../containers-available/db.yaml "$EN/$name.yaml" &&
	wait_for "engine_has \"start \$name\"" 5 &&
	log_has "INFO plugin containers: start $name: bin/engine start '\''a b'\''\\\\\\\\'\'''\''c\$x'\''\$" &&
	rm "$EN/$name.yaml" && wait_for "engine_has \"stop \$name\"" 5
'

test_expect_success 'event lines at DEBUG name the events, never a hex mask' '
	log_has "DEBUG plugin containers: event create containers-enabled/db.yaml\$" &&
	! grep "plugin containers: .*0x" "$LOG"
'

test_expect_success 'a failed start: ERROR with status, duration and the next try; the last 20 output lines at WARNING' '
	echo "start bad" >"$C/engine.fail" &&
	ln -s ../containers-available/db.yaml "$EN/bad.yaml" &&
	wait_for "log_has \"ERROR plugin containers: cannot start .bad.: .bin/engine. exited 125 after [0-9.]* s; retrying in 0.1 s\"" 5 &&
	wait_for "log_has \"WARNING plugin containers: start bad: engine: error line 25\"" 5 &&
	log_has "WARNING plugin containers: start bad: engine: error line 6\$" &&
	! log_has "WARNING plugin containers: start bad: engine: error line 5\$" &&
	log_has "DEBUG plugin containers: start bad: engine: error line 1\$"
'

test_expect_success 'it is retried with a doubling delay, capped, until it succeeds' '
	wait_for "test \$(calls_count \"start bad\") -ge 5" 5 &&
	log_has "retrying in 0.2 s" && log_has "retrying in 0.4 s" &&
	line_ms "INFO plugin containers: start bad:" | head -n 5 >at &&
	awk "NR > 1 { print \$1 - p } { p = \$1 }" at >gaps &&
	cat gaps &&
	awk "NR == 1 && (\$1 < 50 || \$1 > 600) { exit 1 }
	     NR == 2 && (\$1 < 150 || \$1 > 800) { exit 1 }
	     NR >= 3 && (\$1 < 300 || \$1 > 1000) { exit 1 }" gaps &&
	: >"$C/engine.fail" &&
	wait_for "engine_has \"start bad\"" 5 &&
	wait_for "log_has \"INFO plugin containers: started bad\"" 5
'

test_expect_success 'a start failing when its link goes: no more tries, and no stop (nothing runs)' '
	echo "start gone" >"$C/engine.fail" &&
	ln -s ../containers-available/db.yaml "$EN/gone.yaml" &&
	wait_for "test \$(calls_count \"start gone\") -ge 2" 5 &&
	rm "$EN/gone.yaml" &&
	wait_for "log_has \"DEBUG plugin containers: event delete .*gone.yaml\"" 5 &&
	n=$(calls_count "start gone") &&
	observe_for 1 &&
	test "$(calls_count "start gone")" -le $((n + 1)) &&
	test "$(calls_count "stop gone")" = 0
'

test_expect_success 'a failed stop is retried until it succeeds' '
	ln -s ../containers-available/db.yaml "$EN/marker.yaml" &&
	wait_for "engine_has \"start marker\"" 5 &&
	echo "stop marker" >"$C/engine.fail" &&
	rm "$EN/marker.yaml" &&
	wait_for "test \$(calls_count \"stop marker\") -ge 2" 5 &&
	log_has "ERROR plugin containers: cannot stop .marker.: .bin/engine. exited 125" &&
	: >"$C/engine.fail" &&
	wait_for "engine_has \"stop marker\"" 5 &&
	wait_for "log_has \"INFO plugin containers: stopped marker: exit 0\"" 5
'

test_expect_success 'a command that cannot run is retried, said with the reason' '
	write_conf containers.conf <<-\CONF &&
	name: containers
	plugin: containers.so
	enabled: containers-enabled
	start: [bin/no-such-engine, start, "{name}"]
	stop: [bin/engine, stop, "{name}"]
	settle: 0.1
	retry: {delay: 0.1, max_delay: 0.1}
	CONF
	igor_stop && igor_start && wait_ready containers &&
	wait_for "test \$(log_count \"cannot start .web.: cannot run .bin/no-such-engine.: No such file or directory; retrying in 0.1 s\") -ge 2" 5
'

test_expect_success 'igor stops cleanly' '
	igor_stop
'

test_done
