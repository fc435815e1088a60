#!/bin/bash
# igorctl restart and reload against a real igor: what each changes,
# what the reply says, and the exit codes.
. "$(dirname "$0")/lib.sh"

starts_of() { grep -c "plugin '$1' started (pid" "$LOG"; }

# igorctl ARGS... in the background, from a function so that $! is
# igorctl itself: its pid in CTLPID, its output in $T/out and $T/err.
ctl_bg() {
	"$IGORCTL" -s "$SOCK" "$@" >"$T/out" 2>"$T/err" &
	CTLPID=$!
	track_pid $CTLPID
}

test_expect_setup 'setup: igor with a running and a backing-off plugin, 20 s delay' '
	mkdir -p "$T/w" &&
	write_conf igor.conf <<-EOF &&
	restart:
	  delay: 20
	  max_delay: 20
	EOF
	write_conf a.conf <<-EOF &&
	name: alpha
	plugin: $TPLUG/tplug.so
	paths: [$T/w]
	EOF
	write_conf b.conf <<-EOF &&
	name: beta
	plugin: $TPLUG/tplug.so
	setup_return: 1
	EOF
	igor_start && wait_ready alpha &&
	wait_for "state_is beta backoff" 5
'

test_expect_success 'restart NAME gives the worker a new pid and says so, as reload does' '
	old=$(worker_pid alpha) &&
	ctl_bg restart alpha && wait $CTLPID &&
	echo "restarted alpha" >"$T/want" && test_cmp "$T/want" "$T/out" &&
	! [ -s "$T/err" ] &&
	wait_for "[ \"\$(worker_pid alpha)\" != $old ]" 5 &&
	wait_for "state_is alpha running" 5 &&
	[ "$(json_get alpha pid)" = "$(worker_pid alpha)" ] &&
	[ "$(json_get alpha restarts)" = 1 ] &&
	! kill -0 $old 2>/dev/null &&
	log_has "INFO igor: plugin '\''alpha'\'' restarted by igorctl (uid $(id -u), pid $CTLPID)$"
'

test_expect_success 'restart of a backing-off worker starts it now, not after the delay' '
	n=$(starts_of beta) &&
	ctl restart beta &&
	wait_for "[ \$(starts_of beta) -gt $n ]" 3 &&
	wait_for "state_is beta backoff" 5
'

test_expect_success 'restart of an unknown name exits 1 naming it; the others restart' '
	old=$(worker_pid alpha) &&
	test_status 1 ctl restart nope alpha 2>"$T/err" &&
	grep -x "igorctl: no plugin named '\''nope'\''" "$T/err" &&
	wait_for "[ \"\$(worker_pid alpha)\" != $old ]" 5 &&
	test_status 1 ctl restart "bad/name" 2>"$T/err" &&
	grep -q "bad/name" "$T/err"
'

test_expect_success 'reload with nothing changed says so and touches nothing' '
	wait_for "state_is alpha running" 5 &&
	pid=$(worker_pid alpha) &&
	ctl reload >"$T/out" &&
	echo "no change" >"$T/want" && test_cmp "$T/want" "$T/out" &&
	[ "$(worker_pid alpha)" = "$pid" ] && kill -0 $pid
'

test_expect_success 'reload says what started, stopped, restarted and which file was refused' '
	write_conf c.conf <<-EOF &&
	name: gamma
	plugin: $TPLUG/tplug.so
	EOF
	rm "$T/conf/b.conf" &&
	echo "flood: 1" >>"$T/conf/a.conf" &&
	printf "name: [unclosed\n" >"$T/conf/z.conf" &&
	ctl reload >"$T/out" 2>"$T/err" &&
	cat "$T/out" &&
	grep -x "started gamma" "$T/out" &&
	grep -x "stopped beta" "$T/out" &&
	grep -x "restarted alpha" "$T/out" &&
	grep -q "^refused $T/conf/z.conf:[0-9]*: " "$T/out" &&
	[ $(wc -l <"$T/out") -eq 4 ] &&
	! [ -s "$T/err" ] &&
	wait_ready gamma &&
	wait_for "! ctl status beta >/dev/null 2>&1" 5
'

test_expect_success 'reload with a broken main config exits 1 and changes nothing' '
	pid=$(worker_pid gamma) &&
	cp "$T/conf/igor.conf" "$T/igor.conf.good" &&
	printf "restart: [\n" >"$T/conf/igor.conf" &&
	test_status 1 ctl reload >"$T/out" 2>"$T/err" &&
	grep -q "^igorctl: refused the reload" "$T/err" &&
	[ "$(worker_pid gamma)" = "$pid" ] && kill -0 $pid &&
	cp "$T/igor.conf.good" "$T/conf/igor.conf"
'

test_expect_success 'reload of a failed plugin tries it again' '
	write_conf f.conf <<-EOF &&
	name: phi
	plugin: $T/later.so
	EOF
	ctl reload >/dev/null &&
	wait_for "state_is phi failed" 5 &&
	cp "$TPLUG/tplug.so" "$T/later.so" &&
	ctl reload >"$T/out" && grep -x "restarted phi" "$T/out" &&
	wait_for "state_is phi running" 5
'

test_expect_success 'restart of a failed plugin tries it again' '
	write_conf g.conf <<-EOF &&
	name: psi
	plugin: $T/later2.so
	EOF
	ctl reload >/dev/null &&
	wait_for "state_is psi failed" 5 &&
	cp "$TPLUG/tplug.so" "$T/later2.so" &&
	ctl restart psi &&
	wait_for "state_is psi running" 5
'

test_expect_success 'igor logs who asked for the reload' '
	log_has "INFO igor: reload requested by igorctl (uid $(id -u), pid [0-9]*)$"
'

igor_stop
test_done
