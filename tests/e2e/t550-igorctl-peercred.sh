#!/bin/bash
# Who may do what: anyone who can connect gets status, log and metrics;
# restart and reload only root or igor's own user (SO_PEERCRED); others
# cannot connect.
# Needs root, to run clients (and an igor) as other users.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ]; then
	test_skip 'a client in the socket group gets status but not restart' \
		'needs root to run a client as nobody'
	test_done
fi
if ! command -v setpriv >/dev/null || ! id nobody >/dev/null 2>&1; then
	test_skip 'a client in the socket group gets status but not restart' \
		'needs setpriv(1) and a nobody user'
	test_done
fi

NOBODY=$(id -u nobody)
NOGROUP=$(id -g nobody)
STRANGER=$((NOBODY - 1))  # a uid and gid no one uses: in no group of ours
RUN=$T/run
CSOCK=$RUN/igor.sock

# as UID GID [GROUPS] -- CMD...: runs CMD with only those credentials.
as() {
	local uid=$1 gid=$2 groups=$3
	shift 4
	setpriv --reuid="$uid" --regid="$gid" \
		$( [ -n "$groups" ] && echo "--groups=$groups" || echo --clear-groups) \
		-- "$@"
}

test_expect_setup 'setup: root igor, socket_group nobody'\''s group' '
	chmod 711 "$T" && share_build &&
	write_conf igor.conf <<-EOF &&
	socket_group: $(id -gn nobody)
	EOF
	write_conf a.conf <<-EOF &&
	name: alpha
	plugin: $TPLUG/tplug.so
	EOF
	igor_start -s "$CSOCK" && wait_ready alpha &&
	[ "$(stat -c "%a %g" "$CSOCK")" = "660 $NOGROUP" ] &&
	[ "$(stat -c "%a %g" "$RUN")" = "750 $NOGROUP" ]
'

test_expect_success 'nobody, in the socket group, gets status' '
	test_status 0 as $NOBODY $NOGROUP "" -- "$IGORCTL" -s "$CSOCK" status >"$T/out" &&
	grep -q "^alpha *running" "$T/out" &&
	as $NOBODY $NOGROUP "" -- "$IGORCTL" -s "$CSOCK" status --json >"$T/json" &&
	python3 -c "import json,sys; assert json.load(open(sys.argv[1]))[0][\"name\"] == \"alpha\"" "$T/json"
'

test_expect_success 'nobody, in the socket group, gets log and metrics as it gets status' '
	test_status 0 as $NOBODY $NOGROUP "" -- "$IGORCTL" -s "$CSOCK" log -n 5 alpha >"$T/out" &&
	grep -q " INFO plugin alpha: tplug watching" "$T/out" &&
	test_status 0 as $NOBODY $NOGROUP "" -- "$IGORCTL" -s "$CSOCK" metrics >"$T/out" &&
	grep -qx "igor_worker_up{name=\"alpha\"} 1" "$T/out"
'

test_expect_success 'nobody is refused restart (exit 1, saying why); the worker keeps its pid' '
	pid=$(worker_pid alpha) &&
	test_status 1 as $NOBODY $NOGROUP "" -- "$IGORCTL" -s "$CSOCK" restart alpha 2>"$T/err" &&
	grep -x "igorctl: restart refused: uid $NOBODY is neither root nor igor'\''s user" "$T/err" &&
	log_has "restart refused to igorctl (uid $NOBODY, pid [0-9]*)$" &&
	[ "$(worker_pid alpha)" = "$pid" ] && kill -0 $pid
'

test_expect_success 'nobody is refused reload' '
	n=$(log_count "reloading") &&
	test_status 1 as $NOBODY $NOGROUP "" -- "$IGORCTL" -s "$CSOCK" reload 2>"$T/err" &&
	grep -x "igorctl: reload refused: uid $NOBODY is neither root nor igor'\''s user" "$T/err" &&
	[ $(log_count "reloading") -eq $n ]
'

test_expect_success 'root may restart and reload' '
	pid=$(worker_pid alpha) &&
	"$IGORCTL" -s "$CSOCK" restart alpha &&
	wait_for "[ \"\$(worker_pid alpha)\" != $pid ]" 5 &&
	"$IGORCTL" -s "$CSOCK" reload >/dev/null
'

test_expect_success 'one user holding many connections gets 16 of them' '
	py=/usr/bin/python3 && test -x $py &&
	as $NOBODY $NOGROUP "" -- $py -c "
import select, socket, sys, time
held = []
for i in range(24):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sys.argv[1])
    held.append(s)
# Refused ones are closed at once; kept ones stay silent until the 5 s
# idle timeout: count what is still open 2 s on (a window, not a wait).
open_ = set(held)
end = time.monotonic() + 2
while open_ and time.monotonic() < end:
    ready, _, _ = select.select(list(open_), [], [], end - time.monotonic())
    for s in ready:
        if s.recv(1) == b\"\":
            open_.discard(s)
print(len(open_))
" "$CSOCK" >"$T/held" &&
	test "$(cat $T/held)" = 16 &&
	log_has "too many control clients of uid $NOBODY; refusing one" &&
	"$IGORCTL" -s "$CSOCK" status >/dev/null
'

test_expect_success 'a user outside the socket group cannot connect at all' '
	test_status 1 as $STRANGER $STRANGER "" -- "$IGORCTL" -s "$CSOCK" status 2>"$T/err" &&
	grep -q "cannot connect to '\''$CSOCK'\'': Permission denied" "$T/err" &&
	igor_stop
'

test_expect_success 'under an igor run as nobody, nobody may restart; a group member may not' '
	mkdir "$T/nob" && chown $NOBODY:$NOGROUP "$T/nob" &&
	rm -f "$T/conf/igor.conf" &&
	: >"$LOG" || return 1
	# A simple command, so that $! is igor itself (setpriv and env exec).
	setpriv --reuid=$NOBODY --regid=$NOGROUP --clear-groups -- \
		env IGOR_CONFIG_DIR="$T/conf" "$IGOR" -vvvv \
		-s "$T/nob/igor.sock" 2>>"$LOG" &
	IGOR_PID=$! && track_pid $IGOR_PID &&
	wait_ready alpha &&
	[ "$(stat -c "%u %g %a" "$T/nob/igor.sock")" = "$NOBODY $NOGROUP 660" ] &&
	pid=$(worker_pid alpha) &&
	test_status 1 as $STRANGER $STRANGER $NOGROUP -- \
		"$IGORCTL" -s "$T/nob/igor.sock" restart alpha 2>"$T/err" &&
	grep -q "restart refused: uid $STRANGER" "$T/err" &&
	test_status 0 as $STRANGER $STRANGER $NOGROUP -- \
		"$IGORCTL" -s "$T/nob/igor.sock" status >/dev/null &&
	as $NOBODY $NOGROUP "" -- "$IGORCTL" -s "$T/nob/igor.sock" restart alpha &&
	wait_for "[ \"\$(worker_pid alpha)\" != $pid ]" 5 &&
	"$IGORCTL" -s "$T/nob/igor.sock" reload >/dev/null &&
	igor_stop
'

test_done
