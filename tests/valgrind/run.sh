#!/bin/bash
# valgrind/run.sh: the supervisor under valgrind (memcheck) through start,
# 100 crash/restart cycles of a plugin, 20 reloads (SIGHUP, alternating a
# second plugin in and out), igorctl log and metrics with a log follower
# cut off, and stop.  Passes when igor exits 0 and
# valgrind reports no invalid access and no definite or indirect leak.
# Prints TAP and the run.sh summary line.
#   B=build bash tests/valgrind/run.sh      (or: make check-valgrind)
# Workers are not traced: they are the plugins' processes, and check-asan
# covers them.

export IGOR_TEST_SANITIZED=1 # valgrind is slow: lib.sh stretches waits
. "$(dirname "$0")/../e2e/lib.sh"

CYCLES=${IGOR_VALGRIND_CYCLES:-100}
RELOADS=${IGOR_VALGRIND_RELOADS:-20}
VG_LOG=$T/valgrind.log

if ! command -v valgrind >/dev/null; then
	test_skip 'the supervisor under valgrind' 'valgrind not installed'
	echo "0 passed, 0 failed, 1 skipped"
	test_done
fi

# igor_start runs $IGOR: make that valgrind running igor, in the same pid.
cat >"$T/vg-igor" <<VG
#!/bin/sh
exec valgrind --quiet --log-file='$VG_LOG' --error-exitcode=99 \
	--leak-check=full --errors-for-leak-kinds=definite,indirect \
	--show-leak-kinds=definite,indirect --track-origins=yes \
	--trace-children=no '$IGOR' "\$@"
VG
chmod +x "$T/vg-igor"
IGOR=$T/vg-igor

mkdir -p "$T/conf" "$T/w"
cat >"$T/conf/igor.conf" <<EOC
restart: {delay: 0.01, max_delay: 0.02}
stop_timeout: 5
EOC
write_conf crash.conf <<EOC
name: crash
plugin: $TPLUG/tplug.so
paths: [$T/w]
crash_on: boom
EOC

cycles() {
	local i=1
	while [ $i -le "$CYCLES" ]; do
		touch "$T/w/boom" &&
		wait_ready crash $((i + 1)) 10 || {
			echo "cycle $i: no restart" >&2
			return 1
		}
		i=$((i + 1))
	done
}

# Odd reloads add plugin 'extra', even ones remove it: each starts or
# stops a worker, and every reload re-reads every file.
reloads() {
	local i=1
	while [ $i -le "$RELOADS" ]; do
		if [ $((i % 2)) -eq 1 ]; then
			write_conf extra.conf <<EOC
name: extra
plugin: $TPLUG/tplug.so
paths: [$T/w]
EOC
		else
			rm -f "$T/conf/extra.conf"
		fi
		kill -HUP "$IGOR_PID" &&
		wait_for "[ \$(log_count 'igor: reloading') -ge $i ]" 10 || return 1
		if [ $((i % 2)) -eq 1 ]; then
			wait_ready extra $(((i + 1) / 2)) 10 || return 1
		else
			wait_for "[ \$(log_count \"plugin 'extra' removed\") -ge $((i / 2)) ]" 10 ||
				return 1
		fi
		i=$((i + 1))
	done
}

test_expect_setup 'igor starts under valgrind and its worker gets ready' '
	igor_start && wait_ready crash 1 10
'

test_expect_success "$CYCLES crash/restart cycles: each crash restarts the worker" '
	cycles &&
	[ $(log_count "plugin .crash. (pid [0-9]*) exited: signal SEGV") -ge $CYCLES ]
'

test_expect_success "$RELOADS reloads (SIGHUP) add and remove a plugin each time" '
	reloads
'

# follow OUT ARGS...: igorctl log -f in the background, from a function
# so that $! is igorctl; its pid in FPID.
follow() {
	local out=$1
	shift
	"$IGORCTL" -s "$SOCK" log -f "$@" >"$out" 2>&1 &
	FPID=$!
	track_pid $FPID
}

test_expect_success 'igorctl log, metrics, and a log follower cut off while stopped' '
	ctl log -n 1000 >"$T/log.out" && test -s "$T/log.out" &&
	ctl metrics | grep -q "^igor_worker_up{name=\"crash\"} 1$" &&
	follow "$T/f.out" -n 1 crash &&
	wait_for "test -s \"\$T/f.out\"" 10 &&
	kill -STOP $FPID &&
	printf "flood: 30000\n" >>"$T/conf/crash.conf" &&
	kill -HUP "$IGOR_PID" &&
	wait_for "log_has \"plugin crash: flood 29999$\"" 60 &&
	kill -CONT $FPID &&
	wait_for "! is_running $FPID" 20 &&
	tail -n 1 "$T/f.out" | grep -q "^igorctl: cut off by igor: [0-9]* lines missed"
'

test_expect_success 'igor stops on SIGTERM with exit 0 under valgrind' '
	igor_stop
'

test_expect_success 'valgrind found no invalid access and no leak in igor' '
	[ -e "$VG_LOG" ] && ! grep -q . "$VG_LOG" || { cat "$VG_LOG"; false; }
'

passed=$((test_count - test_failed))
echo "$passed passed, $test_failed failed, 0 skipped"
test_done
