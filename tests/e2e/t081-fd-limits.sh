#!/bin/bash
# RLIMIT_NOFILE: igor raises its soft limit to the hard one and gives its
# children the limit it was started with; past what the hard limit allows,
# the plugins that cannot start are in backoff, with the limit named, and
# igor stays reachable.
. "$(dirname "$0")/lib.sh"

IDLE=$TPLUG/idle.so

# start_limited ULIMIT-OPTIONS: igor in the background under those limits.
start_limited() {
	(ulimit "$@" && exec env IGOR_CONFIG_DIR=$T/conf "$IGOR" -vvvv \
		-s "$SOCK" 2>"$LOG") &
	IGOR_PID=$!
	track_pid $IGOR_PID
}

# soft_nofile PID: the soft "Max open files" of a process.
soft_nofile() { awk '/^Max open files/ { print $4 }' /proc/"$1"/limits; }

test_expect_success 'a soft limit of 20: every worker starts, and keeps 20 for itself' '
	hard=$(ulimit -Hn) && mkdir -p "$T/conf" &&
	for i in 1 2 3; do
		printf "name: p%s\nplugin: %s\n" $i "$IDLE" >"$T/conf/p$i.conf" || return 1
	done &&
	start_limited -Sn 20 &&
	wait_for "[ \$(log_count \"is ready\") -eq 3 ]" 10 &&
	test "$(soft_nofile $IGOR_PID)" = "$hard" &&
	test "$(soft_nofile "$(worker_pid p1)")" = 20 &&
	test_status 0 ctl status &&
	igor_stop
'

test_expect_success 'past what the hard limit allows: backoff naming the limit, igor reachable' '
	rm -f "$T/conf"/*.conf &&
	for i in $(seq -w 1 60); do
		printf "name: p%s\nplugin: %s\n" $i "$IDLE" >"$T/conf/p$i.conf" || return 1
	done &&
	: >"$LOG" &&
	start_limited -n 200 &&
	wait_for "[ \$(log_count \"is ready\") -eq 24 ]" 10 &&
	wait_for "[ \$(log_count \"open file limit (RLIMIT_NOFILE 200) allows igor 24 workers\") -ge 36 ]" 10 &&
	test_status 3 ctl status >"$T/table" &&
	test "$(grep -c " running " "$T/table")" -eq 24 &&
	test "$(grep -c " backoff " "$T/table")" -eq 36 &&
	grep -q "RLIMIT_NOFILE 200" "$T/table" &&
	igor_stop
'

test_done
