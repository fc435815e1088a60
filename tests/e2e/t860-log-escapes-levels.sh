#!/bin/bash
# The log line is safe to show on a terminal and drops nothing: C1
# controls (U+0080-U+009F as UTF-8, and raw 0x80-0x9F bytes) and every
# other byte outside valid UTF-8 are written as \xHH, byte by byte, while
# valid UTF-8 passes; a plugin's level above CRITICAL is logged as
# CRITICAL, one below DEBUG as DEBUG.
. "$(dirname "$0")/lib.sh"

W=$T/w
mkdir -p "$W"

# grep -F for one whole line's tail, bytes as they are.
log_has_line() {
	LC_ALL=C grep -qF -- "$1" "$LOG"
}

test_expect_setup 'igor runs a plugin logging odd bytes and levels' '
	write_conf lg.conf <<-EOF &&
	name: lg
	plugin: $TPLUG/t12_log.so
	levels: [200, 51, 50, 10, 9, 0, -5]
	EOF
	write_conf ev.conf <<-EOF &&
	name: ev
	plugin: $TPLUG/tplug.so
	paths: [$W]
	EOF
	igor_start && wait_ready lg && wait_ready ev
'

test_expect_success 'a C1 control is escaped byte by byte; valid UTF-8 passes' '
	log_has_line "INFO plugin lg: bytes c1 [\\xc2\\x9b] raw [\\x9b] latin1 [\\xe9] utf8 [$(printf "\303\251")]"
'

# The event lines of tplug for the two names below.
csi_utf8_seen() { log_has_line "name='\\xc2\\x9b2J'"; }
csi_raw_seen() { log_has_line "name='a\\x9bb'"; }

test_expect_success 'a file name holding CSI reaches the log escaped' '
	touch "$W/$(printf "\302\2332J")" "$W/$(printf "a\233b")" &&
	wait_for csi_utf8_seen 5 &&
	wait_for csi_raw_seen 5
'

test_expect_success 'no raw C1 byte is in the log' '
	! LC_ALL=C grep -q "$(printf "\233")" "$LOG" &&
	! LC_ALL=C grep -q "$(printf "\302\233")" "$LOG"
'

test_expect_success 'a level above CRITICAL is logged as CRITICAL' '
	wait_for "log_has_line \"CRITICAL plugin lg: at level 200\"" 5 &&
	log_has_line "CRITICAL plugin lg: at level 51" &&
	log_has_line "CRITICAL plugin lg: at level 50"
'

test_expect_success 'a level below DEBUG is logged as DEBUG' '
	log_has_line "DEBUG plugin lg: at level 10" &&
	log_has_line "DEBUG plugin lg: at level 9" &&
	log_has_line "DEBUG plugin lg: at level 0" &&
	log_has_line "DEBUG plugin lg: at level -5"
'

test_expect_success 'no line was dropped and no worker was killed' '
	[ "$(log_count "plugin lg: at level")" = 7 ] &&
	! log_has "protocol error" &&
	[ "$(log_count "plugin .lg. started")" = 1 ]
'

test_expect_success 'igor stops cleanly' '
	igor_stop
'

test_done
