#!/bin/bash
# igorctl metrics: Prometheus's text exposition format that promtool
# accepts, with the figures igorctl status shows, one series per state,
# the log's lines by level, the build, and the textfile collector's
# write-then-rename line of igorctl(8).
. "$(dirname "$0")/lib.sh"

# value SERIES: the value of the sample whose name and labels are SERIES.
value() {
	awk -v s="$1" '$1 == s { print $2; found = 1 } END { exit !found }' "$T/m"
}

test_expect_setup 'setup: a running plugin and one backing off' '
	mkdir -p "$T/w" &&
	write_conf igor.conf <<-EOF &&
	restart:
	  delay: 20
	  max_delay: 20
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
	igor_start && wait_ready alpha && wait_for "state_is beta backoff" 5 &&
	: >"$T/w/x" &&
	wait_for "log_has \"plugin alpha: EV .*mask=0x8 .*name=.x.\"" 5
'

if command -v promtool >/dev/null 2>&1; then
	test_expect_success 'the output passes promtool check metrics' '
		ctl metrics >"$T/m" &&
		promtool check metrics <"$T/m" >"$T/lint" 2>&1 &&
		cat "$T/lint" && ! test -s "$T/lint"
	'
else
	test_skip 'the output passes promtool check metrics' \
		"promtool is not installed (Debian package prometheus)"
fi

test_expect_success 'every family is there once, with HELP and TYPE, in this order' '
	ctl metrics >"$T/m" &&
	sed -n "s/^# TYPE \([a-z_]*\) \([a-z]*\)$/\1 \2/p" "$T/m" >"$T/types" &&
	cat >"$T/want" <<-EOF &&
	igor_build_info gauge
	igor_log_lines_total counter
	igor_worker_up gauge
	igor_worker_state gauge
	igor_worker_degraded gauge
	igor_worker_restarts_total counter
	igor_events_total counter
	igor_overflows_total counter
	igor_worker_start_time_seconds gauge
	EOF
	test_cmp "$T/want" "$T/types" &&
	test $(grep -c "^# HELP igor_[a-z_]* [A-Z1]" "$T/m") -eq 9
'

test_expect_success 'per worker: up, one state of five, restarts, events, overflows, degraded' '
	ctl metrics >"$T/m" &&
	[ "$(value "igor_worker_up{name=\"alpha\"}")" = 1 ] &&
	[ "$(value "igor_worker_up{name=\"beta\"}")" = 0 ] &&
	[ $(grep -c "^igor_worker_state{name=\"alpha\",state=\"[a-z]*\"} " "$T/m") = 5 ] &&
	[ "$(grep "^igor_worker_state{name=\"alpha\"," "$T/m" | grep " 1$")" = "igor_worker_state{name=\"alpha\",state=\"running\"} 1" ] &&
	[ "$(grep "^igor_worker_state{name=\"beta\"," "$T/m" | grep " 1$")" = "igor_worker_state{name=\"beta\",state=\"backoff\"} 1" ] &&
	[ "$(value "igor_events_total{name=\"alpha\"}")" = "$(json_get alpha events)" ] &&
	[ "$(value "igor_overflows_total{name=\"alpha\"}")" = 0 ] &&
	[ "$(value "igor_worker_degraded{name=\"alpha\"}")" = 0 ] &&
	[ "$(value "igor_worker_restarts_total{name=\"beta\"}")" = 0 ] &&
	ctl restart alpha >/dev/null && wait_ready alpha 2 &&
	wait_for "state_is alpha running" 5 &&
	ctl metrics >"$T/m" &&
	[ "$(value "igor_worker_restarts_total{name=\"alpha\"}")" = 1 ] &&
	[ "$(value "igor_events_total{name=\"alpha\"}")" = "$(json_get alpha events)" ] &&
	[ "$(value "igor_events_total{name=\"alpha\"}")" -ge 3 ]
'

test_expect_success 'start time: the running worker'\''s, within two seconds of status'\''s uptime; none for a worker not running' '
	ctl metrics >"$T/m" &&
	start=$(value "igor_worker_start_time_seconds{name=\"alpha\"}") &&
	up=$(json_get alpha uptime_s) &&
	python3 -c "
import sys, time
start, up = float(sys.argv[1]), int(sys.argv[2])
assert abs(time.time() - up - start) < 2.5, (start, up, time.time())
" "$start" "$up" &&
	! grep -q "^igor_worker_start_time_seconds{name=\"beta\"}" "$T/m"
'

test_expect_success 'log lines by level: as many as igor wrote at each level' '
	for l in debug info warning error critical; do
		L=$(echo $l | tr a-z A-Z) &&
		wait_for "ctl metrics >\"\$T/m\" && [ \"\$(value \"igor_log_lines_total{level=\\\"$l\\\"}\")\" = \$(grep -c \"^[-0-9T:.]* $L \" \"\$LOG\") ]" 5 ||
			return 1
	done &&
	[ "$(value "igor_log_lines_total{level=\"info\"}")" -gt 5 ] &&
	[ "$(value "igor_log_lines_total{level=\"debug\"}")" -gt 5 ]
'

test_expect_success 'build_info names the version igor --version prints' '
	v=$("$IGOR" --version | sed "s/^igor //") && test -n "$v" &&
	ctl metrics >"$T/m" &&
	[ "$(value "igor_build_info{version=\"$v\"}")" = 1 ]
'

test_expect_success 'the textfile collector line of igorctl(8) leaves a whole file' '
	mkdir -p "$T/textfile" &&
	grep -qF "igorctl metrics > DIR/igor.prom.\$\$ && mv DIR/igor.prom.\$\$ DIR/igor.prom" "$IGOR_TOP/man/igorctl.8" &&
	IGOR_SOCKET=$SOCK sh -c "\"$IGORCTL\" metrics > \"$T/textfile\"/igor.prom.\$\$ && mv \"$T/textfile\"/igor.prom.\$\$ \"$T/textfile\"/igor.prom" &&
	ls "$T/textfile" >"$T/ls" && echo igor.prom >"$T/want" && test_cmp "$T/want" "$T/ls" &&
	grep -q "^igor_worker_up{name=\"alpha\"} 1$" "$T/textfile/igor.prom"
'

test_expect_success 'with no plugin: the families alone, still valid' '
	igor_stop && rm -f "$T"/conf/*.conf && igor_start &&
	ctl metrics >"$T/m" &&
	! grep -q "name=" "$T/m" &&
	{ ! command -v promtool >/dev/null || promtool check metrics <"$T/m"; }
'

igor_stop

# A degraded worker: a tree larger than the watch limit, lowered as root
# in igor's own user namespace (as t672 does).
if [ "$(id -u)" != 0 ] ||
	! unshare -U -r sh -c 'echo 1 >/proc/sys/user/max_inotify_watches' 2>/dev/null; then
	test_skip 'a degraded worker: igor_worker_degraded 1, its state running' \
		'needs root and a user namespace (unshare -U) to lower the watch limit'
	test_done
fi

test_expect_success 'a degraded worker: igor_worker_degraded 1, its state running' '
	for i in $(seq 1 30); do mkdir -p "$T/tree/$i" || return 1; done &&
	cat >"$T/limited-igor" <<-EOF &&
	#!/bin/sh
	exec unshare -U -r sh -c '\''echo 20 >/proc/sys/user/max_inotify_watches &&
		exec "\$0" "\$@"'\'' "$IGOR" "\$@"
	EOF
	chmod +x "$T/limited-igor" &&
	write_conf tree.conf <<-EOF &&
	name: tree
	plugin: $TPLUG/t15_tree.so
	root: $T/tree
	mask: 0x100
	EOF
	IGOR=$T/limited-igor igor_start && wait_ready tree &&
	wait_for "test \"\$(json_get tree degraded)\" = True" 5 &&
	ctl metrics >"$T/m" &&
	[ "$(value "igor_worker_degraded{name=\"tree\"}")" = 1 ] &&
	[ "$(value "igor_worker_up{name=\"tree\"}")" = 1 ] &&
	[ "$(value "igor_worker_state{name=\"tree\",state=\"running\"}")" = 1 ] &&
	igor_stop
'

test_done
