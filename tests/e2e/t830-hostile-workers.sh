#!/bin/bash
# Hostile workers: whatever a plugin writes on the worker's record fd
# (garbage, an oversized or truncated record, a record of the wrong kind),
# a plugin calling exit(0), or one leaving a stray child behind, igor logs
# it, kills or restarts that worker, and carries on; the sibling keeps its
# pid and strays are gone after stop.
. "$(dirname "$0")/lib.sh"

W=$T/w
mkdir -p "$W" "$T/conf"
printf 'restart: {delay: 0.05, max_delay: 0.2}\nstop_timeout: 2\n' >"$T/conf/igor.conf"

rec_conf() { # NAME WHAT
	write_conf "$1.conf" <<-EOF
	name: $1
	plugin: $TPLUG/t8_rec.so
	write: $2
	EOF
}

# A plugin NAME was killed for a protocol error WHY and started again.
killed_and_restarted() {
	wait_for "log_has \"ERROR igor: plugin .$1. (pid [0-9]*): protocol error: $2; killing it\"" 10 &&
	wait_for "[ \$(log_count \"plugin .$1. started\") -ge 2 ]" 10
}

test_expect_setup 'igor starts hostile plugins beside a steady one' '
	write_conf steady.conf <<-EOF &&
	name: steady
	plugin: $TPLUG/tplug.so
	paths: [$W]
	EOF
	write_conf garbage.conf <<-EOF &&
	name: garbage
	plugin: $TPLUG/tplug.so
	garbage: true
	EOF
	rec_conf oversized oversized &&
	rec_conf truncated truncated &&
	rec_conf text text &&
	rec_conf reply reply &&
	write_conf exit0.conf <<-EOF &&
	name: exit0
	plugin: $TPLUG/tplug.so
	paths: [$W]
	exit_on: quit
	EOF
	write_conf stray.conf <<-EOF &&
	name: stray
	plugin: $TPLUG/tplug.so
	spawn: "exec sleep 1000"
	EOF
	write_conf junk.conf <<-EOF &&
	name: junk
	plugin: $TPLUG/tplug.so
	stdout: "esc \e[31m red"
	EOF
	igor_start && wait_ready steady && STEADY=$(worker_pid steady)
'

test_expect_success 'garbage on the record fd: protocol error, worker killed and restarted' '
	killed_and_restarted garbage "record is not a CBOR map"
'

test_expect_success 'an oversized record (length over REC_MAX): refused from its header' '
	killed_and_restarted oversized "record of 65537 bytes is longer than the protocol allows"
'

test_expect_success 'a record truncated at exit: reported, worker restarted' '
	wait_for "log_has \"ERROR igor: plugin .truncated. (pid [0-9]*): protocol error: stream ends inside a record\"" 10 &&
	wait_for "[ \$(log_count \"plugin .truncated. started\") -ge 2 ]" 10
'

test_expect_success 'a text string where bytes are due: protocol error' '
	killed_and_restarted text "key 5 wants a byte string"
'

test_expect_success 'a record type only igor sends: protocol error' '
	killed_and_restarted reply "unknown record type 6"
'

test_expect_success 'a plugin calling exit(0) is restarted with backoff' '
	wait_ready exit0 && old=$(worker_pid exit0) &&
	touch $W/quit &&
	wait_for "log_has \"WARNING igor: plugin .exit0. (pid $old) exited: exit 0\"" 10 &&
	wait_ready exit0 2 10 && test "$(worker_pid exit0)" != "$old"
'

test_expect_success 'control characters on a plugin'"'"'s stdout are logged escaped' '
	wait_for "grep -qF '"'"'INFO plugin junk: esc \\x1b[31m red'"'"' \"\$LOG\"" &&
	wait_for "grep -qF '"'"'WARNING plugin junk: esc \\x1b[31m red'"'"' \"\$LOG\"" &&
	! grep -q "$(printf "\033")" "$LOG"
'

test_expect_success 'through all of it, igor and the sibling worker keep running' '
	kill -0 $IGOR_PID && test "$(worker_pid steady)" = "$STEADY" &&
	kill -0 $STEADY && touch $W/still-there &&
	wait_for "log_has \"plugin steady: EV .*name=.still-there.\""
'

test_expect_success 'a stray child forked by a plugin is gone after igor stops' '
	wait_ready stray &&
	wpid=$(worker_pid stray) &&
	wait_for "test -n \"\$(children_of $wpid)\"" &&
	kid=$(children_of $wpid) &&
	test_when_finished "kill -KILL $kid 2>/dev/null" &&
	grep -q "sleep" /proc/$kid/cmdline &&
	igor_stop &&
	wait_for "! kill -0 $kid 2>/dev/null" 5
'

test_done
