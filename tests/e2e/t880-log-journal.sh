#!/bin/bash
# log: journal, against a real systemd-journald.  The journald runs alone
# in this test's own mount namespace, on a fresh tmpfs at /run/systemd and
# /run/log with Storage=volatile (nothing reaches /var/log/journal, itself
# under a tmpfs here), and is read with journalctl -o json in the same
# namespace: every field igor sends is there (MESSAGE, PRIORITY,
# SYSLOG_IDENTIFIER, IGOR_PLUGIN, IGOR_WORKER_PID), the five levels map
# to their priorities, a multi-line and a non-UTF-8 message arrive whole.
# When journald is killed igor goes on, on stderr, saying so once.  With
# log: auto igor uses the journal only when JOURNAL_STREAM names its
# stderr.  systemd itself is never started: only systemd-journald.
. "$(dirname "$0")/lib.sh"

JOURNALD=/lib/systemd/systemd-journald
if [ ! -x "$JOURNALD" ] || ! command -v journalctl >/dev/null 2>&1; then
	test_skip 'the journal' 'systemd-journald or journalctl is not installed'
	test_done
fi
own_mount_ns 'the journal'
unset JOURNAL_STREAM

# journal_has PYTHON-CONDITION: some entry e (a dict) of igor's satisfies
# it.  m(e) is its MESSAGE as bytes (journalctl gives one that is not
# UTF-8 as a list of byte values); env is the environment, envb as bytes.
journal_has() {
	journalctl -D /run/log/journal -o json SYSLOG_IDENTIFIER=igor 2>/dev/null |
	python3 -c '
import json, os, sys
env, envb = os.environ, os.environb
def m(e):
    v = e.get("MESSAGE")
    return bytes(v) if isinstance(v, list) else (v or "").encode()
for line in sys.stdin:
    e = json.loads(line)
    if ('"$1"'):
        print(line, end="")
        sys.exit(0)
sys.exit(1)'
}

# has_line TEXT [PRIORITY]: a plugin line of say's, from this igor.
has_line() {
	X_MSG="plugin say: $1" X_PRIO=${2:-} X_PID=$IGOR_PID journal_has '
	    m(e) == envb[b"X_MSG"] and e["_PID"] == env["X_PID"] and
	    (not env["X_PRIO"] or e["PRIORITY"] == env["X_PRIO"])' >/dev/null
}

# journald, its config under the tmpfs, its own log on stderr (not kmsg);
# up once its socket is there (a killed one's are removed first).
start_journald() {
	rm -f /run/systemd/journal/* &&
	mkdir -p /run/systemd/journald.conf.d &&
	printf '[Journal]\nStorage=volatile\nReadKMsg=no\nForwardToSyslog=no\nForwardToKMsg=no\nForwardToConsole=no\nForwardToWall=no\n' \
		>/run/systemd/journald.conf.d/igor-test.conf || return 1
	SYSTEMD_LOG_TARGET=console "$JOURNALD" >"$T/journald.log" 2>&1 &
	JOURNALD_PID=$!
	track_pid $JOURNALD_PID
	wait_for "[ -S /run/systemd/journal/socket ]" 10
}

test_expect_setup 'a journald of our own, on tmpfs, in our own mount namespace' '
	fresh_run && start_journald &&
	mkdir -p "$T/conf" &&
	printf "log: journal\nstop_timeout: 2\n" >"$T/conf/igor.conf" &&
	write_conf say.conf <<-EOF
	name: say
	plugin: $TPLUG/t12_log.so
	levels: [50, 40, 30, 20, 10]
	say: "first line\nsecond line"
	EOF
'

test_expect_success 'log: journal: the lines go there; stderr says so' '
	igor_serve &&
	wait_for "has_line \"first line
second line\"" 10 &&
	log_has "INFO igor: the log goes to the journal from now on" &&
	! log_has "plugin say:"
'

test_expect_success 'a plugin line has every field' '
	X_WPID=$(json_get say pid) X_PID=$IGOR_PID journal_has "
	    m(e) == b\"plugin say: at level 20\" and e[\"PRIORITY\"] == \"6\" and
	    e[\"SYSLOG_IDENTIFIER\"] == \"igor\" and e[\"IGOR_PLUGIN\"] == \"say\" and
	    e[\"IGOR_WORKER_PID\"] == env[\"X_WPID\"] and e[\"_PID\"] == env[\"X_PID\"]" \
		>"$T/record" &&
	echo "measured: journalctl -o json record of a plugin line: $(cat "$T/record")"
'

test_expect_success 'the five levels map to priorities 2, 3, 4, 6, 7' '
	for lp in 50:2 40:3 30:4 20:6 10:7; do
		has_line "at level ${lp%:*}" ${lp#*:} ||
		{ echo "level ${lp%:*} is not at priority ${lp#*:}"; return 1; }
	done
'

test_expect_success 'igor own lines: bare text; about a plugin, its name and pid' '
	journal_has "m(e).startswith(b\"igor \") and b\" started: \" in m(e) and
	    \"IGOR_PLUGIN\" not in e and e[\"PRIORITY\"] == \"6\"" >/dev/null &&
	X_MSG="plugin $(printf "\047")say$(printf "\047") started (pid $(json_get say pid))" \
	X_WPID=$(json_get say pid) journal_has "m(e) == env[\"X_MSG\"].encode() and
	    e[\"IGOR_PLUGIN\"] == \"say\" and e[\"IGOR_WORKER_PID\"] == env[\"X_WPID\"]" >/dev/null
'

test_expect_success 'a multi-line and a non-UTF-8 message arrive whole, not escaped' '
	has_line "$(printf "first line\nsecond line")" &&
	has_line "$(printf "bytes c1 [\302\233] raw [\233] latin1 [\351] utf8 [\303\251]")"
'

test_expect_success 'journald killed: igor goes on, on stderr, and says so once' '
	kill -KILL $JOURNALD_PID && wait $JOURNALD_PID 2>/dev/null
	ctl restart say >/dev/null &&
	wait_for "log_has \"INFO plugin say: at level 20\"" 10 &&
	ctl restart say >/dev/null &&
	wait_for "[ \$(log_count \"INFO plugin say: at level 20\") -ge 2 ]" 10 &&
	test "$(log_count "ERROR igor: cannot write to the journal (/run/systemd/journal/socket: ")" -eq 1 &&
	log_has "INFO igor: plugin .say. started (pid" &&
	test_status 0 igor_stop
'

test_expect_success 'log: auto with JOURNAL_STREAM naming stderr: the journal' '
	start_journald &&
	printf "stop_timeout: 2\n" >"$T/conf/igor.conf" &&
	igor_serve JOURNAL_STREAM="$(stat -c "%d:%i" "$LOG")" &&
	wait_for "has_line \"at level 10\"" 10 &&
	! log_has "plugin say:" &&
	test_status 0 igor_stop
'

test_expect_success 'log: auto with JOURNAL_STREAM naming something else: stderr' '
	: >"$T/other" &&
	igor_serve JOURNAL_STREAM="$(stat -c "%d:%i" "$T/other")" &&
	wait_for "log_has \"INFO plugin say: at level 20\"" 10 &&
	! has_line "at level 20" &&
	test_status 0 igor_stop
'

test_done
