#!/bin/bash
# README's quick start, run as a newcomer would, its steps and its samples
# compared with what they print: igor's log (each source's lines in
# order: three workers may interleave) and the igorctl status table (all
# but PID and UPTIME).  containers.so's own lines and row are left out of
# both comparisons, so that the containers plugin's messages may change
# without this test; the steps still wait on its fake engine.
. "$(dirname "$0")/lib.sh"

README=$IGOR_TOP/README
EX=$T/igor-example

# The quick start's section of README.
quickstart() {
	sed -n '/^Quick start$/,/^A plugin in 20 lines$/p' "$README"
}

# normalize: a log line as the comparison sees it: no time, pids and the
# version as words, the example's paths as README has them, and the line
# saying whether workers get cgroups (it depends on the user and the
# host) as one word.
normalize() {
	sed -e 's/^ *[-0-9]*T[0-9:.]* //' -e 's/pid [0-9]*/pid N/g' \
		-e 's/igor [0-9][0-9.]* started/igor V started/' \
		-e 's/ igor: each worker runs in a cgroup of its own, .*/ igor: CGROUPS/' \
		-e 's/ igor: workers get no cgroup of their own .*/ igor: CGROUPS/' \
		-e "s|$EX|/tmp/igor-example|g" | grep -v ' plugin containers: '
}

# by_source: lines grouped by source ("igor", "plugin NAME"), each
# source's in their order.
by_source() {
	awk '{ src = $2 == "plugin" ? $2 " " $3 : $2; sub(/:$/, "", src)
	       print src "\t" NR "\t" $0 }' |
		sort -t "$(printf '\t')" -k1,1 -k2,2n | cut -f1,3
}

# start_example: igor on the example's copy, as README runs it, from a
# function so that $! is igor itself.
start_example() {
	: >"$LOG"
	IGOR_CONFIG_DIR=$EX "$IGOR" -vvv -s "$EX.sock" 2>>"$LOG" &
	IGOR_PID=$!
	track_pid $IGOR_PID
}

test_expect_setup 'README'\''s quick start still has the steps this test runs' '
	quickstart >"$T/qs" &&
	for step in \
		"cp -r example_fs /tmp/igor-example" \
		"IGOR_CONFIG_DIR=/tmp/igor-example build/igor -vvv -s /tmp/igor-example.sock" \
		"cd /tmp/igor-example" \
		"ln -s ../containers-available/db.yaml containers-enabled/" \
		"rm containers-enabled/web.yaml" \
		"cat engine.log" \
		"echo hello > watched/hello.txt" \
		"/path/to/igor/build/igorctl -s /tmp/igor-example.sock status"; do
		grep -qF -- "    $step" "$T/qs" || { echo "README lacks: $step"; return 1; }
	done
'

test_expect_setup 'the steps, one after the other, each waited for' '
	cp -r "$IGOR_TOP/example_fs" "$EX" && rm -f "$EX/engine.log" &&
	start_example &&
	wait_for "grep -qx \"start web\" \"$EX/engine.log\"" 10 &&
	cd "$EX" &&
	ln -s ../containers-available/db.yaml containers-enabled/ &&
	wait_for "grep -qx \"start db\" engine.log" 10 &&
	rm containers-enabled/web.yaml &&
	wait_for "grep -qx \"stop web\" engine.log" 10 &&
	cat engine.log >"$T/engine" &&
	echo hello > watched/hello.txt &&
	wait_for "log_has \"plugin exec: 6 watched/hello.txt\" && log_has \"plugin inotify: close_nowrite watched/hello.txt\"" 10 &&
	"$IGORCTL" -s "$EX.sock" status >"$T/status"
'

test_expect_success 'engine.log reads as README says' '
	printf "start web\nstart db\nstop web\n" >"$T/want" &&
	test_cmp "$T/want" "$T/engine" &&
	quickstart | grep -qF "engine.log reads \`start web\`, \`start db\`, \`stop web\`"
'

test_expect_success 'igor'\''s log: README'\''s sample, line for line but containers.so'\''s' '
	quickstart | sed -n "/^engine.log reads/,/^and \`igorctl status\`/p" |
		grep "^    [0-9]" | normalize | by_source >"$T/want" &&
	test $(wc -l <"$T/want") -ge 12 &&
	normalize <"$LOG" | by_source >"$T/got" &&
	test_cmp "$T/want" "$T/got"
'

test_expect_success 'igorctl status: README'\''s table but PID and UPTIME, and containers'\'' row' '
	quickstart | sed -n "/^and \`igorctl status\`/,/^\`igorctl log\`/p" |
		grep "^    [A-Za-z]" | sed "s/^    //" >"$T/want.table" &&
	test $(wc -l <"$T/want.table") -eq 4 &&
	awk "\$1 != \"containers\" { print \$1, \$2, \$5, \$6, \$7 }" "$T/want.table" >"$T/want" &&
	awk "\$1 != \"containers\" { print \$1, \$2, \$5, \$6, \$7 }" "$T/status" >"$T/got" &&
	test_cmp "$T/want" "$T/got" &&
	head -n 1 "$T/want.table" >"$T/want" && head -n 1 "$T/status" >"$T/got" &&
	test_cmp "$T/want" "$T/got"
'

test_expect_success 'igorctl log prints the same lines again' '
	"$IGORCTL" -s "$EX.sock" log -n 1000 >"$T/again" &&
	test_cmp "$LOG" "$T/again"
'

cd "$T" && igor_stop
test_done
