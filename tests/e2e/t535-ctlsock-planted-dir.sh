#!/bin/bash
# The default socket's directory of a user (/tmp/igor-UID without
# XDG_RUNTIME_DIR, else $XDG_RUNTIME_DIR itself) is used by igor and
# igorctl only when it is a real directory, owned by that user, not
# writable by group or others; else both refuse, naming the path and the
# reason, and igorctl never talks to a planted server.  A named socket is
# exempt from the ownership rule, not from a directory anyone may write to.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null ||
   ! id nobody >/dev/null 2>&1; then
	test_skip 'a planted socket directory is refused' \
		'needs root, setpriv and a nobody user (two users besides root)'
	test_done
fi

NOBODY=$(id -u nobody)
NOBODY_GID=$(id -g nobody)
# The user: a uid of its own, so /tmp/igor-UID is ours to plant and remove.
V=$((30000 + $$ % 20000))
while getent passwd $V >/dev/null || [ -e /tmp/igor-$V ] || [ -L /tmp/igor-$V ]; do
	V=$((V + 1))
done
VDIR=/tmp/igor-$V
trap 'rm -rf "$VDIR"; _cleanup' EXIT

# The checkout may be unreachable (mode 0700): the programs and an empty
# config directory go where the users can reach them.
P=$T/pub
mkdir -p "$P/bin" "$P/conf" &&
cp "$IGOR" "$WORKER" "$IGORCTL" "$P/bin/" &&
chmod 755 "$T" "$P" "$P/bin" "$P/conf" || exit 1

# setpriv's options for UID GID: that user, no supplementary groups.  A
# background job runs setpriv itself, never a shell function, so that $!
# is the pid of the program, which setpriv becomes.
user_opts() {
	echo "--reuid=$1 --regid=$2 --clear-groups"
}

as_user() { # UID GID CMD...
	local u=$1 g=$2
	shift 2
	setpriv $(user_opts "$u" "$g") -- "$@"
}

# igorctl status as the user, with the environment given (env's syntax).
user_ctl() {
	as_user $V $V env -u XDG_RUNTIME_DIR "$@" IGOR_CONFIG_DIR="$P/conf" \
		"$P/bin/igorctl" status
}

# igor as the user in the background; its pid in VPID, stderr in $T/v.log.
user_igor_bg() {
	: >"$T/v.log"
	setpriv $(user_opts $V $V) -- env -u XDG_RUNTIME_DIR "$@" \
		IGOR_CONFIG_DIR="$P/conf" "$P/bin/igor" -vvvv 2>"$T/v.log" &
	VPID=$!
	track_pid $VPID
}

# igor as the user, expected to give up at once; stderr in $T/v.log.
user_igor_fails() {
	as_user $V $V env -u XDG_RUNTIME_DIR "$@" IGOR_CONFIG_DIR="$P/conf" \
		timeout 10 "$P/bin/igor" -vvvv 2>"$T/v.log"
}

# Where the planted servers leave their marks.
MARKS=$T/marks
mkdir -p "$MARKS" && chown $NOBODY "$MARKS" || exit 1

stop_user_igor() {
	[ -n "${VPID:-}" ] && kill -TERM $VPID 2>/dev/null && wait $VPID
	VPID=
}

# A python3 that nobody can run (root's PATH may hold one it cannot).
PY=$(as_user $NOBODY $NOBODY_GID env PATH=/usr/local/bin:/usr/bin:/bin \
	sh -c 'command -v python3')
if [ -z "$PY" ]; then
	test_skip 'a planted socket directory is refused' 'no python3 for user nobody'
	test_done
fi

# A server planted by nobody at SOCKET: on a connection it writes MARK.
plant_server() { # SOCKET MARK
	setpriv $(user_opts $NOBODY $NOBODY_GID) -- "$PY" -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o777)
s.listen(1)
c, _ = s.accept()
open(sys.argv[2], "w").write("talked to\n")
' "$1" "$2" &
	track_pid $!
	wait_for "[ -S '$1' ]" 5
}

test_expect_success 'without XDG_RUNTIME_DIR, igor creates /tmp/igor-UID for its user; igorctl finds it' '
	test_when_finished "stop_user_igor; rm -rf $VDIR" &&
	user_igor_bg && wait_for "[ -S $VDIR/igor.sock ]" 5 &&
	[ "$(stat -c "%F %a %u" $VDIR)" = "directory 750 $V" ] &&
	test_status 0 user_ctl
'

test_expect_success 'a /tmp/igor-UID planted by another user: igorctl refuses it and talks to no one' '
	test_when_finished "rm -rf $VDIR" &&
	as_user $NOBODY $NOBODY_GID mkdir -m 0755 $VDIR &&
	plant_server $VDIR/igor.sock "$MARKS/tmp" &&
	test_status 1 user_ctl 2>"$T/err" &&
	grep -qx "igorctl: cannot use '\''$VDIR'\'' for the socket: owned by uid $NOBODY, not uid $V" "$T/err" &&
	! [ -e "$MARKS/tmp" ]
'

test_expect_success 'igor refuses a planted /tmp/igor-UID, naming it and why' '
	test_when_finished "rm -rf $VDIR" &&
	as_user $NOBODY $NOBODY_GID mkdir -m 0777 $VDIR &&
	test_status 1 user_igor_fails &&
	grep -q "CRITICAL igor: cannot use '\''$VDIR'\'' for the socket: owned by uid $NOBODY, not uid $V$" "$T/v.log" &&
	! [ -e $VDIR/igor.sock ]
'

test_expect_success 'a /tmp/igor-UID that links to a directory of the user is refused by both' '
	test_when_finished "rm -rf $VDIR" &&
	mkdir -p "$T/own" && chown $V:$V "$T/own" && chmod 700 "$T/own" &&
	as_user $NOBODY $NOBODY_GID ln -s "$T/own" $VDIR &&
	test_status 1 user_igor_fails &&
	grep -q "cannot use '\''$VDIR'\'' for the socket: a symbolic link$" "$T/v.log" &&
	! [ -e "$T/own/igor.sock" ] &&
	test_status 1 user_ctl 2>"$T/err" &&
	grep -qx "igorctl: cannot use '\''$VDIR'\'' for the socket: a symbolic link" "$T/err"
'

test_expect_success 'an XDG_RUNTIME_DIR its group may write to is refused by both' '
	mkdir -p "$T/xdg" && chown $V:$V "$T/xdg" && chmod 770 "$T/xdg" &&
	test_status 1 user_igor_fails XDG_RUNTIME_DIR="$T/xdg" &&
	grep -q "cannot use '\''$T/xdg'\'' for the socket: writable by group or others$" "$T/v.log" &&
	! [ -e "$T/xdg/igor.sock" ] &&
	test_status 1 user_ctl XDG_RUNTIME_DIR="$T/xdg" 2>"$T/err" &&
	grep -qx "igorctl: cannot use '\''$T/xdg'\'' for the socket: writable by group or others" "$T/err"
'

test_expect_success 'an XDG_RUNTIME_DIR of another user is refused by both' '
	mkdir -p "$T/xdgn" && chown $NOBODY "$T/xdgn" && chmod 755 "$T/xdgn" &&
	plant_server "$T/xdgn/igor.sock" "$MARKS/xdgn" &&
	test_status 1 user_ctl XDG_RUNTIME_DIR="$T/xdgn" 2>"$T/err" &&
	grep -qx "igorctl: cannot use '\''$T/xdgn'\'' for the socket: owned by uid $NOBODY, not uid $V" "$T/err" &&
	! [ -e "$MARKS/xdgn" ]
'

# igor on a socket in $T/nob, as IGOR_PID (a function: a `&` ending an
# && list would put the whole list, not igor, in the background).
igor_in_nob() {
	IGOR_CONFIG_DIR=$P/conf "$IGOR" -vvvv -s "$T/nob/igor.sock" 2>"$LOG" &
	IGOR_PID=$!
	track_pid $IGOR_PID
}

test_expect_success 'a named socket may sit in a directory of another user' '
	test_when_finished "igor_stop" &&
	mkdir -p "$T/nob" && chown $NOBODY "$T/nob" && chmod 755 "$T/nob" &&
	igor_in_nob &&
	wait_for "[ -S $T/nob/igor.sock ]" 5 &&
	test_status 0 "$IGORCTL" -s "$T/nob/igor.sock" status
'

test_expect_success 'igorctl refuses a named socket in a directory anyone may write to' '
	mkdir -p "$T/open" && chmod 777 "$T/open" &&
	plant_server "$T/open/igor.sock" "$MARKS/open" &&
	test_status 1 "$IGORCTL" -s "$T/open/igor.sock" status 2>"$T/err" &&
	grep -qx "igorctl: cannot use '\''$T/open'\'' for the socket: writable by others" "$T/err" &&
	! [ -e "$MARKS/open" ]
'

test_done
