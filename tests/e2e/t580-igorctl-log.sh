#!/bin/bash
# igorctl log: the last lines igor logged, in stderr's line format, all of
# them or one plugin's; the ring's bound; -f following as lines come, with
# no idle deadline; and a follower that stops reading while a plugin logs
# 200 000 lines: igor's stderr gets every line meanwhile, and the
# follower, resumed, ends with the line saying how many it missed.
. "$(dirname "$0")/lib.sh"

N=200000

# follow OUT ARGS...: igorctl log -f ARGS... in the background, started
# from a function so that $! is igorctl itself; its pid in FPID.
follow() {
	local out=$1
	shift
	"$IGORCTL" -s "$SOCK" log -f "$@" >"$out" 2>&1 &
	FPID=$!
	track_pid $FPID
}

# Is process PID stopped (SIGSTOP)?
is_stopped() {
	grep -q '^State:[[:space:]]*T' /proc/"$1"/status 2>/dev/null
}

# gapless: the "flood K" numbers on stdin are 0, 1, 2... with no gap.
gapless() {
	sed -n 's/.* INFO plugin flood: flood \([0-9]*\)$/\1/p' |
		awk '$1 != NR - 1 { bad = 1; exit } END { exit bad }'
}

test_expect_setup 'setup: igor with two plugins' '
	mkdir -p "$T/w" &&
	write_conf a.conf <<-EOF &&
	name: alpha
	plugin: $TPLUG/tplug.so
	paths: [$T/w]
	EOF
	write_conf f.conf <<-EOF &&
	name: flood
	plugin: $TPLUG/tplug.so
	EOF
	igor_start && wait_ready alpha && wait_ready flood
'

test_expect_success 'log prints the last 20 lines igor wrote, as its stderr has them' '
	: >"$T/w/one" && : >"$T/w/one.b" && : >"$T/w/one.c" &&
	wait_for "log_has \"plugin alpha: EV .*mask=0x8 .*name=.one.c.\"" &&
	test $(wc -l <"$LOG") -gt 20 &&
	wait_for "ctl log >\"\$T/out\" && tail -n 20 \"\$LOG\" | diff - \"\$T/out\" >/dev/null" 5 &&
	test $(wc -l <"$T/out") -eq 20 &&
	grep -q "^[-0-9]*T[0-9:.]* DEBUG igor: " "$T/out" &&
	grep -q "^[-0-9]*T[0-9:.]* INFO plugin alpha: " "$T/out"
'

test_expect_success 'log -n N NAME prints only that plugin'\''s last N lines' '
	ctl log -n 3 alpha >"$T/out" &&
	grep "plugin alpha: " "$LOG" | tail -n 3 >"$T/want" &&
	test_cmp "$T/want" "$T/out" &&
	ctl log -n 1000 alpha flood >"$T/out" &&
	grep -e "plugin alpha: " -e "plugin flood: " "$LOG" >"$T/want" &&
	test_cmp "$T/want" "$T/out" &&
	ctl log -n 0 >"$T/out" && ! [ -s "$T/out" ]
'

test_expect_success 'a name igor never heard of is an error, not an empty log' '
	test_status 1 ctl log nope 2>"$T/err" >"$T/out" &&
	grep -qx "igorctl: no plugin named '\''nope'\''" "$T/err" &&
	! [ -s "$T/out" ] &&
	test_status 1 ctl log -f alpha nope 2>"$T/err" &&
	grep -qx "igorctl: no plugin named '\''nope'\''" "$T/err"
'

# (While alpha still has lines in the ring: -n 1 shows the follower is in.)
test_expect_success 'log -f prints new lines as they come, and outlives the idle timeout' '
	follow "$T/f.out" -n 1 alpha &&
	wait_for "test -s \"\$T/f.out\"" 5 &&
	: >"$T/w/two" &&
	wait_for "grep -q \"plugin alpha: EV .*name=.two.\" \"\$T/f.out\"" 5 &&
	observe_for 6 &&
	kill -0 $FPID &&
	: >"$T/w/three" &&
	wait_for "grep -q \"plugin alpha: EV .*name=.three.\" \"\$T/f.out\"" 5 &&
	! grep -qv " INFO plugin alpha: EV " "$T/f.out" &&
	kill $FPID
'

test_expect_success 'the ring keeps the last 1000 lines' '
	sed -i "s/^flood: .*//" "$T/conf/f.conf" && echo "flood: 1500" >>"$T/conf/f.conf" &&
	ctl reload >/dev/null &&
	wait_for "log_has \"plugin flood: flood 1499$\"" 10 &&
	wait_for "ctl log -n 5000 >\"\$T/out\" && tail -n 1000 \"\$LOG\" | diff - \"\$T/out\" >/dev/null" 5 &&
	test $(wc -l <"$T/out") -eq 1000
'

test_expect_success 'a follower stopped while a plugin logs 200000 lines: igor writes them all, the follower is cut off and says what it missed' '
	follow "$T/slow.out" -n 1 flood &&
	wait_for "test -s \"\$T/slow.out\"" 5 &&
	kill -STOP $FPID &&
	test_when_finished "kill -CONT $FPID" &&
	before=$(grep -c " plugin flood: " "$LOG") &&
	sed -i "s/^flood: .*//" "$T/conf/f.conf" && echo "flood: $N" >>"$T/conf/f.conf" &&
	ctl reload >/dev/null &&
	wait_for "[ \$(grep -c \"plugin flood: tplug\" \"\$LOG\") -ge 3 ]" 60 &&
	is_stopped $FPID &&
	sed -n "/ INFO plugin flood: flood 1499$/,\$p" "$LOG" | sed 1d | gapless &&
	test $(grep -c " INFO plugin flood: flood " "$LOG") -eq $((N + 1500)) &&
	kill -CONT $FPID &&
	wait_for "! is_running $FPID" 30 &&
	test_status 1 wait $FPID &&
	tail -n 1 "$T/slow.out" >"$T/last" &&
	cat "$T/last" &&
	missed=$(sed -n "s/^igorctl: cut off by igor: \([0-9]*\) lines missed while reading too slowly$/\1/p" "$T/last") &&
	test -n "$missed" && test "$missed" -gt 0 &&
	got=$(($(grep -c " plugin flood: " "$T/slow.out") - 1)) &&
	after=$(($(grep -c " plugin flood: " "$LOG") - before)) &&
	echo "measured: follower got $got lines, missed $missed, of $after logged" &&
	test $((got + missed)) -eq $after &&
	gapless <"$T/slow.out" &&
	wait_for "log_has \"INFO igor: log follower igorctl (uid $(id -u), pid $FPID) read too slowly: cut off, $missed lines missed$\"" 5
'

test_expect_success 'when igor stops, a follower gets its last lines and exits 0' '
	follow "$T/end.out" -n 1 &&
	wait_for "test -s \"\$T/end.out\"" 5 &&
	igor_stop &&
	wait_for "! is_running $FPID" 10 &&
	test_status 0 wait $FPID &&
	tail -n 1 "$T/end.out" | grep -q " INFO igor: stopped$"
'

test_done
