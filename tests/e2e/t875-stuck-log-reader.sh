#!/bin/bash
# igor's stderr is a FIFO whose reader stops: igor never blocks its loop
# on its own output.  It stops reading the workers (who wait, losing
# nothing), answers igorctl and signals, suspends their watchdog, and on
# SIGTERM waits for the reader until stop_timeout, then says how many
# lines could not be written and exits 0.
. "$(dirname "$0")/lib.sh"

N=100000

# start_fifo_igor: igor with stderr into a FIFO that cat copies to $LOG.
start_fifo_igor() {
	rm -f "$T/err.fifo" && mkfifo "$T/err.fifo" || return 1
	cat "$T/err.fifo" >"$LOG" &
	READER=$!
	track_pid $READER
	IGOR_CONFIG_DIR=$T/conf "$IGOR" -vvv -s "$SOCK" 2>"$T/err.fifo" &
	IGOR_PID=$!
	track_pid $IGOR_PID
}

# gapless: the "flood K" numbers in $LOG are 0, 1, 2... with no gap.
gapless() {
	sed -n 's/.* INFO plugin flood: flood \([0-9]*\)$/\1/p' "$LOG" |
		awk '$1 != NR - 1 { bad = 1; exit } END { exit bad }'
}

test_expect_setup 'a plugin that logs 100000 lines in setup, with a watchdog' '
	write_conf flood.conf <<-EOF &&
	name: flood
	plugin: $TPLUG/tplug.so
	flood: $N
	watchdog: 1
	EOF
	printf "stop_timeout: 2\n" >"$T/conf/igor.conf"
'

test_expect_success 'a stopped reader: status still answers, fd 2 stays blocking' '
	start_fifo_igor &&
	wait_for "ctl status >/dev/null 2>&1; [ \$? -ne 1 ]" 10 &&
	kill -STOP $READER &&
	for i in 1 2 3 4 5; do
		t0=$(date +%s%N) && ctl status >/dev/null; rc=$? &&
		ms=$(( ($(date +%s%N) - t0) / 1000000 )) &&
		test $rc -ne 1 && test $ms -lt 1000 || return 1
	done &&
	echo "measured: status with a stopped log reader: $ms ms" &&
	flags=$(sed -n "s/^flags:[[:space:]]*//p" /proc/$IGOR_PID/fdinfo/2) &&
	test $(( 0$flags & 04000 )) -eq 0
'

test_expect_success 'its watchdog is suspended while igor does not read it' '
	observe_for 2.5 &&
	test_status 3 ctl status flood >"$T/st" &&
	grep -q "^flood *starting" "$T/st"
'

# The count of lines lost goes to the output only where it fits: a FIFO
# whose reader is stopped has no room for it (sink_test checks the line
# itself); what did arrive is a prefix, with no line missing or reordered.
test_expect_success 'SIGTERM: igor exits 0 within stop_timeout; what arrived has no gap' '
	t0=$(date +%s%N) &&
	kill -TERM $IGOR_PID && wait $IGOR_PID &&
	ms=$(( ($(date +%s%N) - t0) / 1000000 )) &&
	echo "measured: stop with a stopped log reader: $ms ms" &&
	test $ms -lt 6000 &&
	kill -CONT $READER && wait $READER &&
	test "$(grep -c " INFO plugin flood: flood " "$LOG")" -lt $N &&
	{ tail -n 1 "$LOG" | grep -q "INFO plugin flood: flood [0-9]*$" ||
	  tail -n 1 "$LOG" | grep -q "igor: [0-9]* lines could not be written$"; } &&
	gapless && ! log_has "watchdog"
'

test_expect_success 'a reader that only pauses: every line arrives, in order, no watchdog kill' '
	start_fifo_igor &&
	wait_for "ctl status >/dev/null 2>&1; [ \$? -ne 1 ]" 10 &&
	kill -STOP $READER && observe_for 2 && kill -CONT $READER &&
	wait_for "state_is flood running" 30 &&
	wait_for "log_has \"flood $((N - 1))\$\"" 10 &&
	test "$(grep -c " INFO plugin flood: flood " "$LOG")" -eq $N &&
	gapless && ! log_has "watchdog" &&
	igor_stop && ! log_has "could not be written"
'

test_done
