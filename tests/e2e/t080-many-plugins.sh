#!/bin/bash
# Thousands of plugins: starts are paced and never block igor's loop, so
# igorctl and signals are answered while they start; a reload of the same
# set restarts nothing and answers as fast.
. "$(dirname "$0")/lib.sh"

# Fewer under the sanitizers, whose workers are large.
if [ -n "${IGOR_TEST_SANITIZED:-}" ]; then N=200; else N=2000; fi
IDLE=$TPLUG/idle.so

# status_json FILE: igorctl status --json into FILE; prints its latency in
# milliseconds.
status_json() {
	local t0 t1
	t0=$(date +%s%N)
	ctl status --json >"$1" 2>/dev/null
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000))
}

# count FILE WHAT: running, starting (with a pid) or queued (starting, no pid).
count() {
	python3 -c "
import json, sys
ws = json.load(open(sys.argv[1]))
what = sys.argv[2]
print(sum(1 for w in ws if
    (what == 'running' and w['state'] == 'running') or
    (what == 'starting' and w['state'] == 'starting' and w['pid']) or
    (what == 'queued' and w['state'] == 'starting' and not w['pid'])))
" "$1" "$2"
}

# pids_in FILE: the worker pids of a status --json.
pids_in() {
	python3 -c "
import json, sys
print(' '.join(str(w['pid']) for w in json.load(open(sys.argv[1])) if w['pid']))
" "$1"
}

# is_worker PID: still a running igor-worker (pid_max is small here: a
# pid may already belong to someone else).
is_worker() {
	is_running "$1" && tr "\0" " " </proc/"$1"/cmdline 2>/dev/null |
		grep -q "igor-worker"
}

test_expect_setup "$N plugins that hold no inotify instance" '
	mkdir -p "$T/conf" &&
	for i in $(seq -w 1 $N); do
		printf "name: p%s\nplugin: %s\n" $i "$IDLE" >"$T/conf/p$i.conf" || return 1
	done
'

test_expect_success 'while they start, status answers within 1 s, at most 32 start at once, the rest wait without a pid' '
	igor_bg "$LOG" -vvv && IGOR_PID=$BG_PID &&
	wait_for "ctl status >/dev/null 2>&1; [ \$? -ne 1 ]" 10 &&
	worst=0 most=0 queued_seen=0 running=0 i=0 &&
	while [ $running -lt $N ] && [ $i -lt 600 ]; do
		ms=$(status_json "$T/st.json") &&
		[ $ms -gt $worst ] && worst=$ms
		s=$(count "$T/st.json" starting) && q=$(count "$T/st.json" queued) &&
		running=$(count "$T/st.json" running) &&
		[ $s -gt $most ] && most=$s
		[ $q -gt 0 ] && queued_seen=1
		i=$((i + 1))
	done &&
	echo "measured: $N workers; slowest status while starting: $worst ms; most starting at once: $most" &&
	test $running -eq $N &&
	test $worst -lt 1000 &&
	test $most -le 32 &&
	test $queued_seen -eq 1
'

test_expect_success 'a reload of the same set restarts nothing and status still answers' '
	before=$(json_get p0001 pid) &&
	kill -HUP $IGOR_PID &&
	ms=$(status_json "$T/st.json") &&
	echo "measured: status during a reload of $N plugins: $ms ms" &&
	test $ms -lt 1000 &&
	wait_for "log_has \"INFO igor: reloading\"" &&
	ms=$(status_json "$T/st.json") && test $ms -lt 1000 &&
	test "$(count "$T/st.json" running)" -eq $N &&
	test "$(json_get p0001 pid)" = "$before"
'

test_expect_success 'SIGTERM stops every worker and igor exits 0' '
	pids=$(pids_in "$T/st.json") && test -n "$pids" &&
	kill -TERM $IGOR_PID && wait $IGOR_PID &&
	left=0 &&
	for p in $pids; do
		! is_worker $p || left=$((left + 1))
	done &&
	test $left -eq 0
'

test_done
