#!/bin/bash
# Under a service manager: igor speaks systemd's readiness protocol on
# NOTIFY_SOCKET (READY=1 once every worker's first start is decided,
# EXTEND_TIMEOUT_USEC= while starts are queued, STATUS=, RELOADING=1 and
# READY=1 around a reload, STOPPING=1, WATCHDOG=1 every half
# WATCHDOG_USEC), and none of its variables reach a worker or a command.
. "$(dirname "$0")/lib.sh"

NOTES=$T/notes
RECV=$T/recv.py

# A datagram receiver: one line per message, "MS PAYLOAD" (wall clock ms;
# the payload's newlines as "|").
cat >"$RECV" <<'PY'
import os, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
out = open(sys.argv[2], "a", buffering=1)
while True:
    data = s.recv(65536)
    out.write("%d %s\n" % (int(time.time() * 1000),
                           data.decode("utf-8", "replace").replace("\n", "|")))
PY

start_receiver() {
	rm -f "$T/notify.sock" && : >"$NOTES" || return 1
	python3 "$RECV" "$T/notify.sock" "$NOTES" &
	track_pid $!
	wait_for "[ -S $T/notify.sock ]"
}

# igor_notified [VAR=VALUE...]: igor with NOTIFY_SOCKET and those set.
igor_notified() {
	env NOTIFY_SOCKET="$T/notify.sock" XDG_RUNTIME_DIR="$T" "$@" \
		IGOR_CONFIG_DIR="$T/conf" "$IGOR" -vvvv -s "$SOCK" 2>>"$LOG" &
	IGOR_PID=$!
	track_pid $IGOR_PID
}

notes() { grep -c -- "$1" "$NOTES" | tr -d ' '; }

# ms_of_log PATTERN: the wall clock ms of the first log line matching.
ms_of_log() {
	date -d "$(grep -m1 -- "$1" "$LOG" | cut -d' ' -f1)" +%s%3N
}

test_expect_setup 'a plugin that runs, one whose setup takes 1 s and fails, 40 idle ones' '
	write_conf ok.conf <<-EOF &&
	name: ok
	plugin: $TPLUG/tplug.so
	spawn: exec sleep 1000
	EOF
	write_conf crashy.conf <<-EOF &&
	name: crashy
	plugin: $TPLUG/tplug.so
	setup_sleep_ms: 1000
	setup_return: 1
	EOF
	for i in $(seq -w 1 40); do
		printf "name: idle%s\nplugin: %s\n" $i "$TPLUG/idle.so" \
			>"$T/conf/idle$i.conf" || return 1
	done
'

test_expect_success 'READY=1 once, after every first start is decided; EXTEND_TIMEOUT_USEC while starts were queued' '
	start_receiver && : >"$LOG" && igor_notified &&
	wait_for "[ \$(notes READY=1) -ge 1 ]" 10 &&
	test "$(notes READY=1)" -eq 1 &&
	ready=$(grep -m1 " READY=1" "$NOTES" | cut -d" " -f1) &&
	exited=$(ms_of_log "plugin .crashy. (pid [0-9]*) exited") &&
	echo "measured: READY=1 came $((ready - exited)) ms after crashy first exited" &&
	test "$ready" -ge "$exited" &&
	test "$(notes EXTEND_TIMEOUT_USEC=)" -ge 1 &&
	extend=$(grep -m1 " EXTEND_TIMEOUT_USEC=" "$NOTES" | cut -d" " -f1) &&
	test "$extend" -le "$ready"
'

test_expect_success 'crashy keeps crash-looping, which held nothing back; STATUS= says what runs' '
	wait_for "[ \$(log_count \"plugin .crashy. (pid [0-9]*) exited\") -ge 2 ]" 10 &&
	wait_for "grep -q \"STATUS=41 running, 1 backoff\\|STATUS=41 running, 1 starting\" \"\$NOTES\"" 10
'

test_expect_success 'no service manager variable reaches a worker or a command it runs' '
	w=$(worker_pid ok) &&
	wait_for "test -n \"\$(children_of $w)\"" &&
	c=$(children_of $w) &&
	for p in $w $c; do
		tr "\0" "\n" </proc/$p/environ >"$T/env.$p" &&
		! grep -q "^NOTIFY_SOCKET=\|^WATCHDOG_\|^LISTEN_\|^JOURNAL_STREAM=" "$T/env.$p" &&
		grep -q "^XDG_RUNTIME_DIR=$T$" "$T/env.$p" || return 1
	done
'

test_expect_success 'SIGHUP: RELOADING=1, then READY=1' '
	kill -HUP $IGOR_PID &&
	wait_for "[ \$(notes READY=1) -eq 2 ]" &&
	grep -o "RELOADING=1\|READY=1" "$NOTES" | tail -n 2 | tr "\n" " " >"$T/order" &&
	test "$(cat "$T/order")" = "RELOADING=1 READY=1 "
'

test_expect_success 'SIGTERM: STOPPING=1, and no WATCHDOG=1 without WATCHDOG_USEC' '
	igor_stop && test "$(notes STOPPING=1)" -eq 1 &&
	test "$(notes WATCHDOG=1)" -eq 0
'

test_expect_success 'WATCHDOG_USEC=1000000: between 4 and 12 WATCHDOG=1 in 3 s' '
	rm -f "$T/conf"/idle*.conf "$T/conf/crashy.conf" &&
	start_receiver && igor_notified WATCHDOG_USEC=1000000 &&
	wait_for "[ \$(notes READY=1) -eq 1 ]" &&
	before=$(notes WATCHDOG=1) && observe_for 3 && after=$(notes WATCHDOG=1) &&
	echo "measured: WATCHDOG=1 in 3 s: $((after - before))" &&
	test $((after - before)) -ge 4 && test $((after - before)) -le 12 &&
	igor_stop
'

test_expect_success 'WATCHDOG_PID of another process: no WATCHDOG=1' '
	start_receiver && igor_notified WATCHDOG_USEC=1000000 WATCHDOG_PID=1 &&
	wait_for "[ \$(notes READY=1) -eq 1 ]" &&
	observe_for 1.5 && test "$(notes WATCHDOG=1)" -eq 0 &&
	igor_stop
'

test_done
