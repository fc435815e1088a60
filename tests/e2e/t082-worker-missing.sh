#!/bin/bash
# A worker executable that cannot be executed: igor says so with its path
# and reason, the plugin is failed, not a crash loop, and igor -t says so
# first, without FILE:LINE.
. "$(dirname "$0")/lib.sh"

test_expect_setup 'an igor whose igor-worker cannot be executed' '
	mkdir -p "$T/bin" && cp "$IGOR" "$T/bin/igor" &&
	cp -r "$PLUGDIR" "$T/bin/plugins" &&
	: >"$T/bin/igor-worker" && chmod 755 "$T/bin/igor-worker" &&
	write_conf a.conf <<-EOF
	name: a
	plugin: $TPLUG/idle.so
	EOF
'

start_igor_copy() {
	IGOR_CONFIG_DIR=$T/conf "$T/bin/igor" -vvvv -s "$SOCK" 2>"$LOG" &
	IGOR_PID=$!
	track_pid $IGOR_PID
}

test_expect_success 'igor -t: the worker first, as "igor: cannot execute worker PATH: REASON"' '
	test_status 1 env IGOR_CONFIG_DIR=$T/conf "$T/bin/igor" -t 2>err &&
	grep -qx "igor: cannot execute worker $T/bin/igor-worker: Exec format error" err &&
	test $(wc -l <err) -eq 1
'

test_expect_success 'the daemon: failed with the path and the reason, not restarted' '
	start_igor_copy &&
	wait_for "state_is a failed" 5 &&
	test "$(json_get a error)" = "'"'"'cannot execute worker $T/bin/igor-worker: Exec format error'"'"'" &&
	log_has "ERROR igor: plugin .a. failed: cannot execute worker" &&
	observe_for 0.5 &&
	test "$(json_get a restarts)" = 0 &&
	test "$(log_count "cannot execute worker")" -eq 2
'

test_expect_success 'igorctl restart tries again once, and it is failed again' '
	ctl restart a && wait_for "[ \$(log_count \"plugin .a. failed\") -eq 2 ]" &&
	state_is a failed &&
	igor_stop
'

test_done
