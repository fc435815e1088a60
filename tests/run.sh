#!/bin/bash
# run.sh: runs every unit test program and every end-to-end script, each
# printing TAP, and ends with the one line "N passed, M failed".
#   B=build bash tests/run.sh [t010-...sh ...]
# IGOR_TEST_JOBS (default 2) scripts run at once; IGOR_TEST_VERBOSE=1
# prints every script's whole output.
top=$(cd "$(dirname "$0")/.." && pwd)
umask 022 # files others could write are refused by a root igor
B=${B:-build}
case $B in /*) ;; *) B=$top/$B ;; esac
export B IGOR_TOP=$top
out=$(mktemp -d "${TMPDIR:-/tmp}/igor-run.XXXXXX") || exit 1
trap 'rm -rf "$out"' EXIT INT TERM

run_one() {
	name=$(basename "$1")
	case $1 in
	*.sh) bash "$1" >"$out/$name.tap" 2>&1 ;;
	*) "$1" >"$out/$name.tap" 2>&1 ;;
	esac
	echo "# exit $?" >>"$out/$name.tap"
}


if [ $# -gt 0 ]; then
	tests="$*"
else
	tests="$(ls "$B"/tests/unit/*_test 2>/dev/null) $(ls "$top"/tests/e2e/t[0-9]*.sh 2>/dev/null)"
fi
jobs=${IGOR_TEST_JOBS:-2}
# A small job pool: at most $jobs scripts at once.
set -- $tests
running=0
for t; do
	case $t in /*) ;; *) [ -e "$t" ] || t=$top/tests/e2e/$t ;; esac
	run_one "$t" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
done
wait

passed=0 failed=0 skipped=0
for f in "$out"/*.tap; do
	[ -e "$f" ] || continue
	name=$(basename "$f" .tap)
	p=$(grep -c '^ok ' "$f" | tr -d ' ')
	s=$(grep -ci '^ok [0-9]* # skip' "$f" | tr -d ' ')
	n=$(grep -c '^not ok ' "$f" | tr -d ' ')
	rc=$(sed -n 's/^# exit //p' "$f" | tail -n 1)
	passed=$((passed + p - s)) skipped=$((skipped + s)) failed=$((failed + n))
	# IGOR_TEST_VERBOSE (make soak): every line, figures included.
	[ -n "${IGOR_TEST_VERBOSE:-}" ] && grep -v '^# exit ' "$f"
	if [ "$n" -gt 0 ] || [ "$rc" != 0 ]; then
		echo "--- $name (exit $rc)"
		grep -v '^ok ' "$f" | head -n 80
		if [ "$n" -eq 0 ]; then
			echo "not ok - $name exited $rc"
			failed=$((failed + 1))
		fi
	else
		echo "ok   $name: $((p - s)) passed${s:+, $s skipped}" | sed 's/, 0 skipped//'
	fi
done
# Under the sanitizers, every report any process wrote is a failure.
if [ -n "${IGOR_SAN_REPORTS:-}" ]; then
	for r in "$IGOR_SAN_REPORTS"/*; do
		[ -e "$r" ] || continue
		echo "not ok - sanitizer report $(basename "$r")"
		head -n 40 "$r"
		failed=$((failed + 1))
	done
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
