#!/bin/bash
# log: syslog: RFC 3164 datagrams on /dev/log, received by a test receiver
# alone in this test's own mount namespace.  /dev/log points to
# /run/systemd/journal/dev-log there (as on a systemd machine), on a
# fresh tmpfs; where the machine's /dev/log is something else (absent in
# a container, or a syslog daemon's socket), an overlay on /dev in the
# namespace puts the symlink there without writing to the machine's /dev.
# The lines come with the PRI of syslog_facility and the level, igor[PID],
# the message escaped; a reload moves the log to stderr and back, each
# line going wholly to one side; a receiver that stops reading never
# stalls igor: igorctl status answers, SIGTERM exits 0.
. "$(dirname "$0")/lib.sh"

own_mount_ns 'syslog'
unset JOURNAL_STREAM
DEVLOG=/run/systemd/journal/dev-log
GOT=$T/syslog.got

# /dev/log -> $DEVLOG, in this namespace only.
dev_log_here() {
	[ "$(readlink /dev/log 2>/dev/null)" = "$DEVLOG" ] && return 0
	mkdir -p /run/systemd/.dev/up /run/systemd/.dev/work &&
	mount -t overlay igor-test -o lowerdir=/dev,upperdir=/run/systemd/.dev/up,workdir=/run/systemd/.dev/work /dev &&
	ln -sfn "$DEVLOG" /dev/log
}

if ! fresh_run || ! dev_log_here 2>"$T/why"; then
	test_skip 'syslog' "cannot make /dev/log point to our own receiver here: $(cat "$T/why")"
	test_done
fi

# The receiver: each datagram a line of $GOT.
start_receiver() {
	rm -f "$DEVLOG"
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "ab", buffering=0) as out:
    while True:
        out.write(s.recv(65536) + b"\n")' "$DEVLOG" "$GOT" &
	RECEIVER=$!
	track_pid $RECEIVER
	wait_for "[ -S $DEVLOG ]" 5
}

# status answers, within 1 s, five times over; the last time in $ms.  A
# hung igor is a failure, not a hung test.
status_answers() {
	local i rc t0
	for i in 1 2 3 4 5; do
		t0=$(date +%s%N)
		timeout 5 "$IGORCTL" -s "$SOCK" status >/dev/null
		rc=$?
		ms=$(( ($(date +%s%N) - t0) / 1000000 ))
		[ $rc -eq 0 ] || [ $rc -eq 3 ] || { echo "status exited $rc"; return 1; }
		[ $ms -lt 1000 ] || { echo "status took $ms ms"; return 1; }
	done
}

# got_line PRI TEXT: the receiver got "<PRI>Mmm dd hh:mm:ss igor[PID]: TEXT".
got_line() {
	grep -qxF -- "$2" <(sed -n "s/^<$1>[A-Z][a-z][a-z] [ 1-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-6][0-9] igor\[$IGOR_PID\]: //p" "$GOT")
}

test_expect_setup 'a receiver where /dev/log points; log: syslog, facility local3' '
	start_receiver &&
	mkdir -p "$T/conf" &&
	printf "log: syslog\nsyslog_facility: local3\nstop_timeout: 1\n" >"$T/conf/igor.conf" &&
	write_conf say.conf <<-EOF
	name: say
	plugin: $TPLUG/t12_log.so
	levels: [50, 40, 30, 20, 10]
	say: "first line\nsecond line"
	EOF
'

test_expect_success 'the lines arrive with PRI local3 * 8 + severity and igor[PID]' '
	igor_serve &&
	wait_for "got_line 159 \"plugin say: at level 10\"" 10 &&
	got_line 154 "plugin say: at level 50" &&
	got_line 155 "plugin say: at level 40" &&
	got_line 156 "plugin say: at level 30" &&
	got_line 158 "plugin say: at level 20" &&
	got_line 158 "plugin $(printf "\047")say$(printf "\047") started (pid $(json_get say pid))" &&
	log_has "INFO igor: the log goes to syslog from now on" &&
	! log_has "plugin say:"
'

test_expect_success 'the message is escaped as on stderr: one line, no raw bytes' '
	got_line 158 "plugin say: first line\\nsecond line" &&
	got_line 158 "plugin say: bytes c1 [\\xc2\\x9b] raw [\\x9b] latin1 [\\xe9] utf8 [$(printf "\303\251")]"
'

test_expect_success 'igorctl log prints the lines in stderr'\''s format, though they went to syslog' '
	ctl log -n 1000 say >"$T/ring" &&
	grep -qx "[-0-9]*T[0-9:.]* CRITICAL plugin say: at level 50" "$T/ring" &&
	grep -qx "[-0-9]*T[0-9:.]* DEBUG plugin say: at level 10" "$T/ring" &&
	grep -qF " INFO plugin say: first line\\nsecond line" "$T/ring" &&
	test $(wc -l <"$T/ring") -eq $(grep -c "igor\[$IGOR_PID\]: plugin say: " "$GOT")
'

test_expect_success 'a reload to stderr and back to syslog (facility user) switches cleanly' '
	printf "log: stderr\nstop_timeout: 1\n" >"$T/conf/igor.conf" &&
	ctl reload >/dev/null &&
	wait_for "got_line 158 \"the log goes to stderr from now on\"" 5 &&
	ctl restart say >/dev/null &&
	wait_for "log_has \"INFO plugin say: at level 20\"" 5 &&
	test "$(grep -c "plugin say: at level 20" "$GOT")" -eq 1 &&
	printf "log: syslog\nsyslog_facility: user\nstop_timeout: 1\n" >"$T/conf/igor.conf" &&
	ctl reload >/dev/null &&
	wait_for "log_has \"INFO igor: the log goes to syslog from now on\"" 5 &&
	ctl restart say >/dev/null &&
	wait_for "got_line 14 \"plugin say: at level 20\"" 5 &&
	test "$(log_count "plugin say: at level 20")" -eq 1 &&
	test_status 0 igor_stop
'

test_expect_success 'a receiver that stops reading: status answers, SIGTERM exits 0' '
	printf "log: syslog\nstop_timeout: 1\n" >"$T/conf/igor.conf" &&
	write_conf flood.conf <<-EOF &&
	name: flood
	plugin: $TPLUG/tplug.so
	flood: 100000
	EOF
	kill -STOP $RECEIVER &&
	igor_serve && status_answers &&
	echo "measured: status with a syslog receiver that stopped reading: $ms ms" &&
	test_status 3 ctl status flood >/dev/null &&
	t0=$(date +%s%N) && kill -TERM $IGOR_PID &&
	wait_for "! is_running $IGOR_PID" 10 && test_status 0 wait $IGOR_PID &&
	ms=$(( ($(date +%s%N) - t0) / 1000000 )) &&
	echo "measured: stop with a syslog receiver that stopped reading: $ms ms" &&
	test $ms -lt 6000 &&
	kill -CONT $RECEIVER
'

test_done
