#!/bin/bash
# igorctl status against a real igor: the table, the error line under
# backoff and failed rows, --json key by key, names, and exit codes.
. "$(dirname "$0")/lib.sh"

HDR="NAME         STATE     PID    UPTIME  RESTARTS  EVENTS  LAST-EXIT"

test_expect_setup 'setup: a running, a backoff, a failed and a crashing plugin' '
	mkdir -p "$T/w" "$T/d" &&
	write_conf igor.conf <<-EOF &&
	restart:
	  delay: 30
	  max_delay: 30
	EOF
	write_conf a.conf <<-EOF &&
	name: alpha
	plugin: $TPLUG/tplug.so
	paths: [$T/w]
	EOF
	write_conf b.conf <<-EOF &&
	name: beta
	plugin: $TPLUG/tplug.so
	setup_return: 1
	EOF
	write_conf c.conf <<-EOF &&
	name: gamma
	plugin: $T/missing.so
	EOF
	write_conf d.conf <<-EOF &&
	name: delta
	plugin: $TPLUG/tplug.so
	paths: [$T/d]
	crash_on: boom
	EOF
	igor_start &&
	wait_ready alpha && wait_ready delta &&
	wait_for "state_is beta backoff && state_is gamma failed" 5
'

test_expect_success 'status prints the header and one row per worker in name order' '
	test_status 3 ctl status >"$T/out" &&
	head -n 1 "$T/out" >"$T/hdr" && echo "$HDR" >"$T/want" &&
	test_cmp "$T/want" "$T/hdr" &&
	grep -v "^ " "$T/out" | sed 1d | awk "{print \$1}" >"$T/names" &&
	printf "%s\n" alpha beta delta gamma >"$T/want" &&
	test_cmp "$T/want" "$T/names"
'

test_expect_success 'a running row shows its pid, uptime, counters and - for no exit' '
	ctl status alpha >"$T/out" &&
	pid=$(worker_pid alpha) && [ -n "$pid" ] &&
	grep -E "^alpha +running +$pid +[0-9]+s +0 +[0-9]+ +-\$" "$T/out" &&
	[ $(wc -l <"$T/out") -eq 2 ]
'

test_expect_success 'a backoff row shows - for pid and uptime, and its error indented below' '
	test_status 3 ctl status >"$T/out" &&
	grep -A1 "^beta " "$T/out" >"$T/beta" &&
	grep -E "^beta +backoff +- +- +0 +0 +exit 1\$" "$T/beta" &&
	sed -n 2p "$T/beta" | grep -x "  setup returned 1"
'

test_expect_success 'a failed row shows the reason it cannot load, indented below' '
	test_status 3 ctl status gamma >"$T/out" &&
	grep -E "^gamma +failed +- +- +0 +0 " "$T/out" &&
	sed -n 3p "$T/out" | grep "^  [^ ].*missing\.so"
'

test_expect_success 'no error line under a running row' '
	ctl status alpha delta >"$T/out" &&
	! grep "^ " "$T/out" && [ $(wc -l <"$T/out") -eq 3 ]
'

test_expect_success 'EVENTS counts the events delivered to the plugin' '
	touch "$T/w/f1" "$T/w/f2" && rm "$T/w/f1" &&
	wait_for "[ \$(log_count \"plugin alpha: EV \") -ge 5 ]" 5 &&
	wait_for "[ \"\$(json_get alpha events)\" = \"\$(log_count \"plugin alpha: EV \")\" ]" 5 &&
	n=$(log_count "plugin alpha: EV ") &&
	ctl status alpha | grep -E "^alpha +running +[0-9]+ +[0-9]+s +0 +$n +-\$"
'

test_expect_success 'exit status: 0 when every listed worker runs, 3 when one does not' '
	test_status 0 ctl status alpha &&
	test_status 0 ctl status alpha delta &&
	test_status 3 ctl status alpha beta &&
	test_status 3 ctl status gamma &&
	test_status 3 ctl status
'

test_expect_success 'an unknown name exits 1 naming it; the known ones still show' '
	test_status 1 ctl status alpha nope >"$T/out" 2>"$T/err" &&
	grep -x "igorctl: no plugin named '\''nope'\''" "$T/err" &&
	grep -q "^alpha " "$T/out" &&
	test_status 1 ctl status --json nope >"$T/out" 2>"$T/err" &&
	grep -q "nope" "$T/err"
'

test_expect_success '--json prints every key with its type, null where the table shows -' '
	test_status 3 ctl status --json >"$T/json" &&
	python3 - "$T/json" "$(worker_pid alpha)" <<-\PY
	import json, sys
	ws = json.load(open(sys.argv[1]))
	keys = {"name", "state", "pid", "uptime_s", "restarts", "events",
	        "overflows", "last_exit", "error", "degraded", "status"}
	assert [w["name"] for w in ws] == ["alpha", "beta", "delta", "gamma"], ws
	for w in ws:
	    assert set(w) == keys, w
	    for k in ("restarts", "events", "overflows"):
	        assert type(w[k]) is int and w[k] >= 0, (k, w)
	    assert w["degraded"] is False and w["status"] == {}, w
	a, b, d, g = ws
	assert a["state"] == "running" and a["pid"] == int(sys.argv[2]), a
	assert type(a["uptime_s"]) is int and 0 <= a["uptime_s"] < 120, a
	assert a["restarts"] == 0 and a["overflows"] == 0, a
	assert a["last_exit"] is None and a["error"] is None, a
	assert b["state"] == "backoff" and b["pid"] is None, b
	assert b["uptime_s"] is None and b["restarts"] == 0, b
	assert b["last_exit"] == "exit 1", b
	assert b["error"] == "setup returned 1", b
	assert g["state"] == "failed" and g["pid"] is None, g
	assert "missing.so" in g["error"], g
	assert d["state"] == "running" and d["error"] is None, d
	print("json ok")
	PY
'

test_expect_success '--json filters by name and keeps the exit status' '
	test_status 0 ctl status --json alpha >"$T/json" &&
	python3 -c "
import json, sys
ws = json.load(open(sys.argv[1]))
assert [w[\"name\"] for w in ws] == [\"alpha\"], ws
" "$T/json" &&
	test_status 3 ctl status beta --json >"$T/json" &&
	grep -q "\"state\": \"backoff\"" "$T/json"
'

CRASH="signal SEGV"

test_expect_success "a crash shows as $CRASH, as logged; after restart the counters carry on" '
	touch "$T/d/x" &&
	wait_for "[ \"\$(json_get delta events)\" != 0 ]" 5 &&
	before=$(json_get delta events) &&
	touch "$T/d/boom" &&
	wait_for "state_is delta backoff" 5 &&
	log_has "plugin '\''delta'\'' (pid [0-9]*) exited: $CRASH\$" &&
	[ "$(json_get delta last_exit)" = "'\''$CRASH'\''" ] &&
	test_status 3 ctl status delta >"$T/out" &&
	grep -E "^delta +backoff +- +- +0 +[0-9]+ +$CRASH\$" "$T/out" &&
	ctl restart delta && wait_for "state_is delta running" 5 &&
	[ "$(json_get delta restarts)" = 1 ] &&
	[ "$(json_get delta events)" -ge "$before" ] &&
	ctl status delta | grep -E "^delta +running +[0-9]+ +[0-9]+s +1 +[0-9]+ +$CRASH\$"
'

test_expect_success 'a control character in an error is escaped: one row stays one line' '
	printf "name: nl\nplugin: \"%s/bad\\\\nname.so\"\n" "$T" >"$T/conf/e.conf" &&
	ctl reload >/dev/null &&
	wait_for "state_is nl failed" 5 &&
	test_status 3 ctl status nl >"$T/out" &&
	[ $(wc -l <"$T/out") -eq 3 ] && grep -q "bad\\\\nname" "$T/out"
'

test_expect_success 'igor logs status requests at DEBUG' '
	log_has "DEBUG igor: status requested by igorctl (uid $(id -u), pid [0-9]*)"
'

test_expect_success 'with no plugin, status prints the header alone and exits 0' '
	igor_stop && rm -f "$T"/conf/*.conf && igor_start &&
	test_status 0 ctl status >"$T/out" &&
	echo "$HDR" >"$T/want" && test_cmp "$T/want" "$T/out" &&
	ctl status --json >"$T/json" && python3 -c "
import json, sys
assert json.load(open(sys.argv[1])) == []
" "$T/json"
'

igor_stop
test_done
