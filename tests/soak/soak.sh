#!/bin/bash
# soak.sh: igor for SOAK_SECONDS (default 120) under random crashes,
# hangs, exits, SIGKILLs, SIGHUPs, `igorctl restart`, config edits,
# plugins added and removed, log floods and command spawns, against a
# set of hostile plugins; then it checks that
#   - no line of a worker was lost or reordered (tests/plugins/soak.c
#     numbers its lines per process, tplug.so's flood too),
#   - igor leaked no fd, no memory (RSS, with a tolerance) and no zombie,
#   - every process a dead worker left behind is gone, during the run
#     (within a grace period) and after igor's stop,
#   - igor answered and stopped cleanly throughout.
# Not part of make check: `make soak` (mk/soak.mk); .ci/run runs it.
# SOAK_NO_CGROUP=1 runs igor where it can create no cgroup (child
# subreapers).  Output is TAP, like tests/e2e.
. "$IGOR_TOP/tests/e2e/lib.sh"

SECS=${SOAK_SECONDS:-120}
MARK=4242$$          # every spawned process is `sleep $MARK.WORKERPID`
NSOAK=4              # soak.so plugins s1..s4
GRACE=3              # seconds a dead worker's process may linger
RSS_SLACK_KB=4096    # igor's RSS may grow this much, or by a quarter
C=$T/conf
LEAKS=$T/leaks

# The live `sleep $MARK.P` processes, as "PID P" lines.
marked() {
	local p c
	for p in /proc/[0-9]*; do
		c=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || continue
		case $c in
		"sleep $MARK."*" ") is_running "${p#/proc/}" &&
			echo "${p#/proc/} ${c#sleep $MARK.}" ;;
		esac
	done
	return 0
}
trap 'for p in $(marked | cut -d" " -f1); do kill -KILL $p; done; _cleanup' EXIT

# Is P a live worker of our igor?
is_our_worker() {
	is_running "$1" && [ "$(ps -o ppid= -p "$1" | tr -d " ")" = "$IGOR_PID" ]
}

# check_leaks: each marked process whose worker is gone is noted with the
# time; one noted more than GRACE seconds ago and still there is a leak.
check_leaks() {
	local now pid wk since
	now=$(date +%s)
	marked | while read -r pid wk; do
		is_our_worker "$wk" && continue
		since=$(sed -n "s/^$pid $wk \([0-9]*\)$/\1/p" "$LEAKS.seen" 2>/dev/null)
		if [ -z "$since" ]; then
			echo "$pid $wk $now" >>"$LEAKS.seen"
		elif [ $((now - since)) -gt $GRACE ]; then
			grep -q "^$pid " "$LEAKS" 2>/dev/null ||
				echo "$pid $wk (worker gone for over $GRACE s)" >>"$LEAKS"
		fi
	done
}

soak_conf() {
	mkdir -p "$C/d$1" &&
	write_conf "s$1.conf" <<-EOF
	name: s$1
	plugin: $TPLUG/soak.so
	paths: [d$1]
	marker: "$MARK"
	tick_ms: ${2:-20}
	watchdog: 1
	EOF
}

# How many workers have a process, from igorctl status.
with_pid() {
	ctl status --json | python3 -c '
import json, sys
print(sum(1 for w in json.load(sys.stdin) if w["pid"]))'
}

# calm: the set measured before and after: no s5, no garbage writer
# (whose process comes and goes), every other wanted plugin running.
calm() {
	rm -f "$C/s5.conf" "$C/garbage.conf" && kill -HUP $IGOR_PID &&
	wait_for "ctl status s1 s2 s3 s4 flood exiter >/dev/null &&
		test_status 1 ctl status garbage 2>/dev/null" 30
}

garbage_conf() {
	write_conf garbage.conf <<-EOF
	name: garbage
	plugin: $TPLUG/tplug.so
	garbage: true
	EOF
}

# measure FILE: igor's fds less 3 per worker process, its RSS, and its
# zombie children (twice, 0.5 s apart: one being reaped is no leak).
measure() {
	local fds n rss z1 z2
	fds=$(fd_count $IGOR_PID) && n=$(with_pid) &&
	rss=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' /proc/$IGOR_PID/status) &&
	z1=$(zombies) && observe_for 0.5 && z2=$(zombies) &&
	echo "$((fds - 3 * n)) $rss $z1 $z2" >"$1" &&
	echo "measured: fds-3*workers=$((fds - 3 * n)) (workers with a pid: $n) rss=${rss}kB zombies=$z2"
}

# igor's zombie children that stay zombies: the pids, sorted.
zombies() {
	local p
	for p in /proc/[0-9]*; do
		[ "$(sed -n 's/^PPid:\t//p' "$p/status" 2>/dev/null)" = "$IGOR_PID" ] &&
			grep -q '^State:.*Z' "$p/status" 2>/dev/null && echo "${p#/proc/}"
	done | sort | tr '\n' ' '
}

pick() { echo $((RANDOM % $1 + 1)); }

# One random action against igor and its plugins.
act() {
	local i=$(pick $NSOAK) r=$((RANDOM % 100)) w
	case $r in
	[0-9]|1[0-9]) : >"$C/d$i/flood-$(pick 3000).$n" ;;
	2[0-9]) : >"$C/d$i/spawn.$n" ;;
	3[0-7]) : >"$C/d$i/crash.$n" ;;
	3[89]|4[0-1]) : >"$C/d$i/hang.$n" ;;
	4[2-5]) : >"$C/d$i/exit.$n" ;;
	4[6-9]|5[0-4])
		# Only while it is still ours: a pid comes back quickly here.
		w=$(worker_pid s$i)
		[ -n "$w" ] && is_our_worker "$w" && kill -KILL "$w" 2>/dev/null ;;
	5[5-9]|6[0-2]) kill -HUP $IGOR_PID ;;
	6[3-9]|70) ctl restart s$i >/dev/null 2>&1 ;;
	7[1-8]) soak_conf $i $(pick 40) && kill -HUP $IGOR_PID ;;
	79|8[0-3])
		if [ -e "$C/s5.conf" ]; then rm -f "$C/s5.conf"; else soak_conf 5; fi
		kill -HUP $IGOR_PID ;;
	8[4-9]) : >"$C/df/crash" ;; # tplug.so matches the whole name
	9[0-4]) : >"$C/dx/exit" ;;
	*) ctl status >/dev/null 2>&1 ;;
	esac
}

test_expect_setup 'hostile plugins: soak.so x4, a flooder, an exiter, a garbage writer, a failed one' '
	mkdir -p "$C" &&
	printf "restart:\n  delay: 0.05\n  max_delay: 1\n" >"$C/igor.conf" &&
	for i in $(seq 1 $NSOAK); do soak_conf $i || return 1; done &&
	mkdir -p "$C/df" "$C/dx" &&
	write_conf flood.conf <<-EOF &&
	name: flood
	plugin: $TPLUG/tplug.so
	paths: [df]
	flood: 3000
	crash_on: crash
	quiet: true
	EOF
	write_conf exiter.conf <<-EOF &&
	name: exiter
	plugin: $TPLUG/tplug.so
	paths: [dx]
	exit_on: exit
	quiet: true
	EOF
	garbage_conf &&
	write_conf badabi.conf <<-EOF &&
	name: badabi
	plugin: $TPLUG/badabi.so
	EOF
	if [ -n "${SOAK_NO_CGROUP:-}" ]; then igor_without_cgroups; fi &&
	igor_start -vvv &&
	wait_for "ctl status s1 s2 s3 s4 flood exiter >/dev/null" 10
'

test_expect_success "warm-up (a tenth of $SECS s), then igor's fds, RSS and zombies" '
	end=$(($(date +%s) + SECS / 10)) n=0 &&
	while [ $(date +%s) -lt $end ]; do
		n=$((n + 1)); act; observe_for 0.0$((RANDOM % 9 + 1))
	done &&
	calm && measure "$T/before" && garbage_conf && kill -HUP $IGOR_PID
'

test_expect_success "$SECS s of crashes, hangs, kills, HUPs, restarts, edits, floods and spawns" '
	end=$(($(date +%s) + SECS)) n=1000000 next=0 &&
	while [ $(date +%s) -lt $end ]; do
		n=$((n + 1)); act; observe_for 0.0$((RANDOM % 9 + 1))
		if [ $(date +%s) -ge $next ]; then
			check_leaks; next=$(($(date +%s) + 1))
			ctl status >/dev/null 2>&1; [ $? -ne 1 ] || return 1
		fi
	done &&
	echo "measured: $((n - 1000000)) actions" &&
	kill -0 $IGOR_PID
'

test_expect_success 'no process a dead worker left outlived it by more than the grace period' '
	calm &&
	for i in $(seq 0 $GRACE); do check_leaks; observe_for 1; done &&
	check_leaks &&
	if [ -s "$LEAKS" ]; then cat "$LEAKS"; false; fi
'

test_expect_success 'igor leaked no fd and no zombie, and its RSS stayed within bounds' '
	measure "$T/after" &&
	read fd0 rss0 z0 zz0 <"$T/before" && read fd1 rss1 z1 zz1 <"$T/after" &&
	test "$fd1" -le $((fd0 + 2)) &&
	test "$rss1" -le $((rss0 + rss0 / 4 + RSS_SLACK_KB)) &&
	test -z "$(zombies)"
'

test_expect_success 'igor stops cleanly, and nothing marked survives it' '
	test_status 0 igor_stop &&
	wait_for "test -z \"\$(marked)\"" 5
'

test_expect_success 'no line of a soak.so worker was lost or reordered' '
	python3 - "$LOG" <<-\PY
	import re, sys
	last, bad, n = {}, 0, 0
	for line in open(sys.argv[1], errors="replace"):
	    # A pid may come back (pid_max is small here): a start resets it.
	    m = re.search(r" plugin .(s\d+). started \(pid (\d+)\)", line)
	    if m:
	        last[(m.group(1), m.group(2))] = -1
	        continue
	    m = re.search(r" plugin (s\d+): seq (\d+) (\d+)$", line)
	    if not m:
	        continue
	    key, k = (m.group(1), m.group(2)), int(m.group(3))
	    want = last.get(key, -1) + 1
	    if k != want:
	        bad += 1
	        if bad <= 10:
	            print("%s pid %s: got seq %d, want %d" % (key[0], key[1], k, want))
	    last[key] = k
	    n += 1
	print("measured: %d numbered lines from %d worker pids" % (n, len(last)))
	sys.exit(1 if bad or not n else 0)
	PY
'

test_expect_success "no line of the flooder was lost or reordered" '
	python3 - "$LOG" <<-\PY
	import re, sys
	want, bad, starts = None, 0, 0
	for line in open(sys.argv[1], errors="replace"):
	    if re.search(r" plugin .flood. started \(pid \d+\)", line):
	        want, starts = 0, starts + 1
	        continue
	    m = re.search(r" plugin flood: flood (\d+)$", line)
	    if not m:
	        continue
	    if want is None or int(m.group(1)) != want:
	        bad += 1
	        if bad <= 10:
	            print("flood: got %s, want %s" % (m.group(1), want))
	    want = int(m.group(1)) + 1
	print("measured: %d flooder starts" % starts)
	sys.exit(1 if bad or not starts else 0)
	PY
'

test_done
