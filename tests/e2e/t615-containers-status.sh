#!/bin/bash
# containers.so's status lines, one per link keyed by its whole name (a
# stray by its bare name), with the fake engine.  Each change is also a
# DEBUG line ("status of 'KEY': LINE"), which these tests read; where
# igorctl shows the lines (JSON "status"), they are checked there too.
. "$(dirname "$0")/lib.sh"

C=$T/conf
EN=$C/containers-enabled

status_is() { # KEY LINE-REGEX: the last status line of KEY in the log
	grep "DEBUG plugin containers: status of '$1': " "$LOG" | tail -n 1 |
		grep -q "status of '$1': $2\$"
}

# igorctl's lines, "KEY<TAB>LINE<TAB>SINCE" each.
ctl_lines() {
	ctl status --json containers 2>/dev/null | python3 -c '
import json, sys
for w in json.load(sys.stdin):
    for k, v in sorted((w.get("status") or {}).items()):
        print("%s\t%s\t%s" % (k, v["line"], v["since"]))
'
}

test_expect_setup 'the fake engine with running, the list held at start' '
	copy_test_engine &&
	write_conf containers.conf <<-\CONF &&
	name: containers
	plugin: containers.so
	enabled: containers-enabled
	start: [bin/engine, start, "{name}"]
	stop: [bin/engine, stop, "{name}"]
	running: [bin/engine, running]
	settle: 0.1
	resync: 0.3
	retry: {delay: 5, max_delay: 5}
	CONF
	: >"$C/engine.hold-list" &&
	igor_start && wait_ready containers
'

test_expect_success 'until the first list came: waiting for it' '
	wait_for "status_is web.yaml \"waiting for the list of running containers\"" 5 &&
	rm "$C/engine.hold-list"
'

test_expect_success 'a link that runs: running' '
	wait_for "status_is web.yaml running" 5
'

test_expect_success 'a command in flight: starting' '
	echo "start db" >"$C/engine.hold" &&
	ln -s ../containers-available/db.yaml "$EN/db.yaml" &&
	wait_for "status_is db.yaml starting" 5 &&
	: >"$C/engine.hold" &&
	wait_for "status_is db.yaml running" 5
'

test_expect_success 'web.yaml and web.yml are two keys' '
	ln -s ../containers-available/web.yaml "$EN/web.yml" &&
	wait_for "status_is web.yml running" 5 &&
	status_is web.yaml running &&
	rm "$EN/web.yml" &&
	wait_for "status_is web.yml \"(none)\"" 5 &&
	status_is web.yaml running && ! engine_has "stop web"
'

test_expect_success 'a failed start: what failed and when the next try is' '
	echo "start bad" >"$C/engine.fail" &&
	ln -s ../containers-available/db.yaml "$EN/bad.yaml" &&
	wait_for "status_is bad.yaml \"start failed (exit 125), retrying at [0-9][0-9]:[0-9][0-9]:[0-9][0-9]\"" 5 &&
	at=$(grep "status of .bad.yaml.: start failed" "$LOG" | tail -n 1 | sed "s/.* at //") &&
	now=$(date +%s) && due=$(date -d "$at" +%s) &&
	test $((due - now)) -ge 3 && test $((due - now)) -le 6
'

test_expect_success 'a dangling link: ignored, and why' '
	ln -s ../containers-available/none.yaml "$EN/none.yaml" &&
	wait_for "status_is none.yaml \"ignored: dangling symlink (No such file or directory)\"" 5
'

test_expect_success 'a stray is keyed by its bare name while it is stopped' '
	echo "stop stray" >"$C/engine.hold" &&
	echo "start stray" >>"$ENGINE" &&
	wait_for "status_is stray stopping" 5 &&
	: >"$C/engine.hold" &&
	wait_for "status_is stray \"(none)\"" 5
'

test_expect_success 'an unlinked container loses its line once stopped' '
	rm "$EN/db.yaml" &&
	wait_for "status_is db.yaml \"(none)\"" 5
'

test_expect_success 'igorctl shows the same lines under "status", and under the row' '
	ctl_lines >lines && cat lines &&
	grep -q "^web.yaml	running	[0-9]*\$" lines &&
	grep -q "^bad.yaml	start failed (exit 125), retrying at " lines &&
	! grep -q "^db.yaml	" lines &&
	test_status 0 ctl status containers >table && cat table &&
	grep -q "^  web.yaml  running (since [0-9][0-9a-z]*)\$" table &&
	test_status 0 ctl status >table &&
	! grep -q "web.yaml" table
'

test_expect_success 'a worker that exits takes its lines with it' '
	printf "restart:\n  delay: 5\n  max_delay: 5\n" >"$C/igor.conf" &&
	kill -HUP $IGOR_PID && wait_for "log_has \"INFO igor: reloading\"" &&
	test -n "$(ctl_lines)" &&
	kill -KILL $(json_get containers pid) &&
	wait_for "state_is containers backoff" 5 &&
	test -z "$(ctl_lines)"
'

test_expect_success 'igor stops cleanly' '
	igor_stop
'

test_done
