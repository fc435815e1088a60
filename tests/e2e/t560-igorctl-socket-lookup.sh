#!/bin/bash
# How igorctl finds the socket: -s, IGOR_SOCKET, socket: of the main
# config (IGOR_CONFIG, else IGOR_CONFIG_DIR/igor.conf), then the default.
. "$(dirname "$0")/lib.sh"

test_expect_setup 'setup: igor whose main config names its socket' '
	write_conf igor.conf <<-EOF &&
	socket: $SOCK
	EOF
	write_conf a.conf <<-EOF &&
	name: alpha
	plugin: $TPLUG/tplug.so
	EOF
	igor_start && wait_ready alpha
'

test_expect_success 'IGOR_SOCKET is used without -s' '
	IGOR_SOCKET=$SOCK test_status 0 "$IGORCTL" status >/dev/null
'

test_expect_success '-s wins over IGOR_SOCKET' '
	IGOR_SOCKET=$T/none.sock test_status 0 "$IGORCTL" -s "$SOCK" status >/dev/null &&
	IGOR_SOCKET=$SOCK test_status 1 "$IGORCTL" -s "$T/none.sock" status 2>"$T/err" &&
	grep -q "'\''$T/none.sock'\''" "$T/err"
'

test_expect_success '-s and --json may also follow the command' '
	"$IGORCTL" status --json -s "$SOCK" alpha >"$T/json" &&
	python3 -c "
import json, sys
assert [w[\"name\"] for w in json.load(open(sys.argv[1]))] == [\"alpha\"]
" "$T/json"
'

test_expect_success 'socket: of $IGOR_CONFIG_DIR/igor.conf is used without -s and IGOR_SOCKET' '
	IGOR_CONFIG_DIR=$T/conf test_status 0 "$IGORCTL" status >"$T/out" &&
	grep -q "^alpha" "$T/out"
'

test_expect_success 'socket: of IGOR_CONFIG is used, and wins over IGOR_CONFIG_DIR' '
	printf "socket: %s\n" "$SOCK" >"$T/main.conf" &&
	IGOR_CONFIG=$T/main.conf test_status 0 "$IGORCTL" status >/dev/null &&
	printf "socket: %s\n" "$T/other.sock" >"$T/main.conf" &&
	IGOR_CONFIG=$T/main.conf IGOR_CONFIG_DIR=$T/conf \
		test_status 1 "$IGORCTL" status 2>"$T/err" &&
	grep -q "'\''$T/other.sock'\''" "$T/err"
'

test_expect_success 'IGOR_SOCKET wins over socket: of the main config' '
	IGOR_CONFIG_DIR=$T/conf IGOR_SOCKET=$T/none.sock \
		test_status 1 "$IGORCTL" status 2>"$T/err" &&
	grep -q "'\''$T/none.sock'\''" "$T/err"
'

test_expect_success 'a main config that cannot be read is said, and the default used' '
	mkdir -p "$T/cfgdir/igor.conf" &&
	IGOR_CONFIG_DIR=$T/cfgdir test_status 1 "$IGORCTL" status 2>"$T/err" &&
	grep -q "igorctl: cannot read '\''$T/cfgdir/igor.conf'\''" "$T/err"
'

if [ "$(id -u)" = 0 ] && ! [ -e /run/igor/igor.sock ]; then
	test_expect_success 'as root, the default is /run/igor/igor.sock' '
		mkdir -p "$T/empty" &&
		IGOR_CONFIG_DIR=$T/empty test_status 1 "$IGORCTL" status 2>"$T/err" &&
		grep -q "cannot connect to '\''/run/igor/igor.sock'\''" "$T/err"
	'
else
	test_skip 'as root, the default is /run/igor/igor.sock' \
		'needs root and no igor at /run/igor/igor.sock'
fi

if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null &&
   id nobody >/dev/null 2>&1 && ! [ -e /run/igor/igor.sock ]; then
	NOBODY=$(id -u nobody)
	# igorctl where nobody can run it: the checkout may be mode 0700.
	mkdir -p "$T/pub" && cp "$IGORCTL" "$T/pub/igorctl" &&
		chmod 755 "$T/pub" "$T/pub/igorctl" || exit 1
	nobody_ctl() {
		setpriv --reuid=$NOBODY --regid=$(id -g nobody) --clear-groups -- \
			env "$@" IGOR_CONFIG_DIR="$T/empty" "$T/pub/igorctl" status
	}
	test_expect_success 'a user uses $XDG_RUNTIME_DIR/igor.sock when it exists' '
		chmod 711 "$T" && share_build && mkdir -p "$T/xdg" "$T/empty" &&
		python3 -c "
import socket, sys
socket.socket(socket.AF_UNIX).bind(sys.argv[1])
" "$T/xdg/igor.sock" &&
		chown -R $NOBODY "$T/xdg" &&
		test_status 1 nobody_ctl XDG_RUNTIME_DIR="$T/xdg" 2>"$T/err" &&
		grep -q "cannot connect to '\''$T/xdg/igor.sock'\''" "$T/err"
	'
	test_expect_success 'a user whose default socket is missing tries /run/igor/igor.sock' '
		mkdir -p "$T/xdg2" && chown $NOBODY "$T/xdg2" &&
		test_status 1 nobody_ctl XDG_RUNTIME_DIR="$T/xdg2" 2>"$T/err" &&
		grep -q "cannot connect to '\''/run/igor/igor.sock'\''" "$T/err" &&
		if ! [ -e /tmp/igor-$NOBODY/igor.sock ]; then
			test_status 1 nobody_ctl -u XDG_RUNTIME_DIR 2>"$T/err" &&
			grep -q "cannot connect to '\''/run/igor/igor.sock'\''" "$T/err"
		fi
	'
else
	test_skip 'a user uses $XDG_RUNTIME_DIR/igor.sock when it exists' \
		'needs root, setpriv, a nobody user and no /run/igor/igor.sock'
	test_skip 'a user whose default socket is missing tries /run/igor/igor.sock' \
		'needs root, setpriv, a nobody user and no /run/igor/igor.sock'
fi

igor_stop
test_done
