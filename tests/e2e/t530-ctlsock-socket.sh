#!/bin/bash
# The control socket itself: its mode and group, its directory, a second
# igor refused, a stale socket replaced, removal at stop.
. "$(dirname "$0")/lib.sh"

# Runs a second igor in the foreground on the socket; its stderr in $T/err2.
igor_again() {
	IGOR_CONFIG_DIR=$T/conf timeout 20 "$IGOR" -s "${1:-$SOCK}" 2>"$T/err2"
}

test_expect_setup 'setup: igor with one plugin' '
	write_conf a.conf <<-EOF &&
	name: alpha
	plugin: $TPLUG/tplug.so
	EOF
	igor_start && wait_ready alpha
'

test_expect_success 'the socket has mode 0660 and igor'\''s own group' '
	[ "$(stat -c "%F %a %u %g" "$SOCK")" = "socket 660 $(id -u) $(id -g)" ]
'

test_expect_success 'a second igor on a live socket exits 1 saying why; the first carries on' '
	test_status 1 igor_again &&
	grep -q "CRITICAL igor: cannot listen on '\''$SOCK'\'': another igor is running there" "$T/err2" &&
	[ -S "$SOCK" ] && kill -0 $IGOR_PID &&
	test_status 0 ctl status
'

test_expect_success 'SIGTERM removes the socket' '
	igor_stop && ! [ -e "$SOCK" ]
'

test_expect_success 'a stale socket left by a dead igor is replaced' '
	python3 -c "
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
" "$SOCK" && [ -S "$SOCK" ] &&
	igor_start && wait_ready alpha &&
	test_status 0 ctl status &&
	log_has "replaced the stale socket '\''$SOCK'\''" &&
	[ "$(stat -c %a "$SOCK")" = 660 ] &&
	igor_stop
'

test_expect_success 'a file that is not a socket is left alone and igor exits 1' '
	echo keep >"$T/file.sock" &&
	test_status 1 igor_again "$T/file.sock" &&
	grep -q "'\''$T/file.sock'\'': it exists and is not a socket" "$T/err2" &&
	[ "$(cat "$T/file.sock")" = keep ]
'

test_expect_success 'a missing socket directory is created with mode 0750' '
	igor_start -s "$T/run/igor.sock" && wait_ready alpha &&
	[ "$(stat -c "%F %a %g" "$T/run")" = "directory 750 $(id -g)" ] &&
	[ "$(stat -c %a "$T/run/igor.sock")" = 660 ] &&
	test_status 0 "$IGORCTL" -s "$T/run/igor.sock" status &&
	igor_stop
'

test_expect_success 'an unknown socket_group makes igor exit 1 naming it' '
	write_conf igor.conf <<-EOF &&
	socket_group: no-such-group-igor
	EOF
	test_status 1 igor_again "$T/g.sock" &&
	grep -q "unknown socket_group '\''no-such-group-igor'\''" "$T/err2" &&
	! [ -e "$T/g.sock" ] &&
	rm "$T/conf/igor.conf"
'

if [ "$(id -u)" = 0 ]; then
	GROUP=$(id -gn nobody 2>/dev/null)
	GID=$(id -g nobody 2>/dev/null)
fi
if [ -n "${GID:-}" ] && [ "$GID" != "$(id -g)" ]; then
	test_expect_success 'socket_group gives the socket and a new directory that group' '
		write_conf igor.conf <<-EOF &&
		socket_group: $GROUP
		EOF
		test_when_finished "rm -f \"$T/conf/igor.conf\"" &&
		igor_start -s "$T/grp/igor.sock" && wait_ready alpha &&
		[ "$(stat -c "%a %g" "$T/grp/igor.sock")" = "660 $GID" ] &&
		[ "$(stat -c "%a %g" "$T/grp")" = "750 $GID" ] &&
		igor_stop
	'
else
	test_skip 'socket_group gives the socket and a new directory that group' \
		'needs root and a nobody user in another group'
fi

test_expect_success 'a socket directory anyone may write to is refused with exit 1' '
	mkdir -p $T/open && chmod 0777 $T/open &&
	test_status 1 igor_again "$T/open/igor.sock" &&
	grep -q "cannot use .$T/open. for the socket: writable by others" "$T/err2" &&
	test ! -e $T/open/igor.sock
'

test_expect_success 'a sticky world-writable directory (as /tmp) is fine' '
	mkdir -p $T/sticky && chmod 1777 $T/sticky &&
	igor_start -s "$T/sticky/igor.sock" && test -S $T/sticky/igor.sock &&
	igor_stop
'

test_expect_success 'a socket path longer than sun_path is refused with exit 1' '
	long=$T/$(printf "%0120d" 0).sock &&
	test_status 1 igor_again "$long" &&
	grep -q "is too long" "$T/err2"
'

test_done
