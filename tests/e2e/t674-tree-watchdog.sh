#!/bin/bash
# Long walks never trip the watchdog (SPEC.md, "Recursive watches"): the
# walk inside igor_inotify_add_tree gives the loop back to answer igor's
# questions, and the walk of a directory that appears runs in shares of
# the loop, however slow the plugin's callbacks.  Trees stay under 20 000
# directories: fs.inotify.max_user_watches is shared by every test.
. "$(dirname "$0")/lib.sh"

SRC=$T/src
W=$T/w
N=19990
mkdir -p "$W" "$T/conf"

no_watchdog_kill() {
	! log_has "watchdog" && test "$(worker_pid "$1")" = "$2" && kill -0 "$2"
}

# $N directories: top/ and, below it, d0/ to d197/ holding e0/ to e99/.
test_expect_setup "a tree of $N directories" '
	mkdir -p "$SRC/top" &&
	(cd "$SRC/top" && python3 -c "
import os
left = $N - 1
i = 0
while left:
    os.mkdir(\"d%d\" % i); left -= 1
    for j in range(min(100, left)):
        os.mkdir(\"d%d/e%d\" % (i, j))
    left -= min(100, left)
    i += 1
") &&
	test $(find "$SRC" -mindepth 1 -type d | wc -l) -eq $N
'

test_expect_success "igor_inotify_add_tree of $N directories from the loop, watchdog 1 s: no kill" '
	write_conf walk.conf <<-EOF &&
	name: walk
	plugin: $TPLUG/t15_tree.so
	root: $SRC
	later: true
	quiet: true
	watchdog: 1
	EOF
	test_when_finished "igor_stop" &&
	igor_start && wait_ready walk &&
	pid=$(worker_pid walk) &&
	wait_for "log_has \"plugin walk: tree wd=1 in\"" 30 &&
	sed -n "s/.*plugin walk: tree wd=1 in \([0-9]*\) ms/measured: add_tree of $N directories took \1 ms/p" "$LOG" &&
	test $(inotify_watches $pid) -eq $((N + 1)) &&
	observe_for 1.5 &&
	no_watchdog_kill walk $pid
'

test_expect_success "igor_inotify_add_tree of $N directories in setup, watchdog 0.05 s: setup answers, no kill" '
	rm -f "$T/conf/walk.conf" &&
	write_conf setup.conf <<-EOF &&
	name: setup
	plugin: $TPLUG/t15_tree.so
	root: $SRC
	quiet: true
	watchdog: 0.05
	EOF
	test_when_finished "igor_stop; rm -f \"$T/conf/setup.conf\"" &&
	igor_start && wait_ready setup 1 30 &&
	pid=$(worker_pid setup) &&
	ms=$(sed -n "s/.*plugin setup: tree wd=1 in \([0-9]*\) ms/\1/p" "$LOG") &&
	echo "measured: add_tree of $N directories in setup took $ms ms (watchdog 50 ms)" &&
	test "$ms" -gt 100 &&
	test $(inotify_watches $pid) -eq $((N + 1)) &&
	no_watchdog_kill setup $pid
'

test_expect_success "those $N directories moved into a tree whose plugin spends 100 us per event: no kill, each reported once" '
	rm -f "$T/conf/walk.conf" &&
	write_conf slow.conf <<-EOF &&
	name: slow
	plugin: $TPLUG/t15_tree.so
	root: $W
	mask: 0x180
	quiet: true
	sleep_us: 100
	watchdog: 1
	EOF
	igor_start && wait_ready slow &&
	pid=$(worker_pid slow) &&
	start=$(date +%s%N) &&
	mv "$SRC/top" "$W/top" &&
	wait_for "[ \"\$(json_get slow events)\" = $N ]" 60 &&
	echo "measured: $N events in $(( ($(date +%s%N) - start) / 1000000 )) ms" &&
	no_watchdog_kill slow $pid
'

igor_stop
test_done
