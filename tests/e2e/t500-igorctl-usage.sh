#!/bin/bash
# igorctl's command line: --help against igorctl(8), --version, usage
# errors (exit 2), no daemon (exit 1), and a clean man page.
. "$(dirname "$0")/lib.sh"

MAN=$IGOR_TOP/man/igorctl.8

test_expect_success '--help prints the synopsis of igorctl(8) and exits 0' '
	"$IGORCTL" --help >"$T/help" &&
	sed -n "/^usage:/,/^\$/p" "$T/help" |
		sed "s/^usage: *//; s/^ *//; /^\$/d" >"$T/help.syn" &&
	mandoc -T ascii "$MAN" | col -b |
		sed -n "/^SYNOPSIS/,/^[A-Z]/p" | sed "1d;\$d" |
		sed "s/^ *//; /^\$/d" >"$T/man.syn" &&
	test -s "$T/man.syn" &&
	test_cmp "$T/man.syn" "$T/help.syn" &&
	"$IGORCTL" -h >"$T/h" && test_cmp "$T/help" "$T/h"
'

test_expect_success 'igorctl(8) is clean under mandoc -T lint' '
	# mandoc finds the pages an .Xr names beside the page, in its cwd.
	cd "$IGOR_TOP/man" &&
	if [ -f igor.8 ]; then
		mandoc -T lint igorctl.8 >"$T/lint" 2>&1
	else
		# igor(8) is not there to be referenced: style notes only.
		mandoc -T lint -W warning igorctl.8 >"$T/lint" 2>&1
	fi
	rc=$?; cd "$T"; cat "$T/lint"; [ $rc -eq 0 ] && ! [ -s "$T/lint" ]
'

test_expect_success '--version prints the version and exits 0' '
	"$IGORCTL" --version >"$T/v" &&
	grep -qx "igorctl [0-9][0-9.]*" "$T/v"
'

usage_case() {
	local msg=$1
	shift
	test_status 2 "$IGORCTL" -s "$SOCK" "$@" 2>"$T/err" >"$T/out" &&
		grep -q "^igorctl: $msg" "$T/err" &&
		grep -q "^usage: igorctl" "$T/err" &&
		! [ -s "$T/out" ]
}

test_expect_success 'usage errors exit 2 with a message on stderr' '
	test_status 2 "$IGORCTL" 2>"$T/err" && grep -q "no command given" "$T/err" &&
	usage_case "unknown command '\''frob'\''" frob &&
	usage_case "restart needs at least one NAME" restart &&
	usage_case "unexpected argument '\''x'\''" reload x &&
	usage_case "unknown option '\''--bogus'\''" status --bogus &&
	usage_case "unknown option '\''-x'\''" -x status &&
	usage_case "option '\''--json'\'' is for status only" reload --json &&
	usage_case "options '\''-n'\'' and '\''-f'\'' are for log only" status -f &&
	usage_case "options '\''-n'\'' and '\''-f'\'' are for log only" -n 3 reload &&
	usage_case "-n needs a number of lines, not '\''x'\''" log -n x &&
	usage_case "-n needs a number of lines, not '\''-1'\''" log -n -1 &&
	usage_case "unexpected argument '\''x'\''" metrics x &&
	test_status 2 "$IGORCTL" -s 2>"$T/err" &&
	grep -q "option '\''-s'\'' needs an argument" "$T/err"
'

# no_daemon CMD...: exits 1, names the socket, prints nothing on stdout.
no_daemon() {
	test_status 1 "$IGORCTL" -s "$T/none.sock" "$@" 2>"$T/err" >"$T/out" &&
	grep -q "^igorctl: cannot connect to '$T/none.sock': No such file or directory" "$T/err" &&
	! [ -s "$T/out" ]
}

test_expect_success 'every command exits 1 naming the socket when no igor listens' '
	no_daemon status && no_daemon status --json web &&
	no_daemon restart web && no_daemon reload &&
	no_daemon log && no_daemon log -f web && no_daemon metrics
'

test_expect_success 'a missing socket: the next step says igor is not running there, and how the socket is chosen' '
	no_daemon status &&
	grep -qx "igorctl: no socket at '\''$T/none.sock'\'': igor is not running, or it uses another socket" "$T/err" &&
	grep -qx "igorctl: the socket is -s SOCKET, else IGOR_SOCKET, else socket: of igor.conf, else the default; it was given with -s" "$T/err" &&
	IGOR_SOCKET=$T/none.sock test_status 1 "$IGORCTL" status 2>"$T/err" &&
	grep -q "; it came from IGOR_SOCKET$" "$T/err" &&
	mkdir -p "$T/cd" && printf "socket: %s\n" "$T/none.sock" >"$T/cd/igor.conf" &&
	IGOR_CONFIG_DIR=$T/cd test_status 1 "$IGORCTL" status 2>"$T/err" &&
	grep -q "; it came from socket: in the main config$" "$T/err" &&
	test $(wc -l <"$T/err") -eq 3
'

test_expect_success 'a socket nobody listens on is an error, not a hang' '
	python3 -c "
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
" "$T/dead.sock" &&
	test_status 1 timeout 10 "$IGORCTL" -s "$T/dead.sock" status 2>"$T/err" &&
	grep -q "Connection refused" "$T/err" &&
	grep -qx "igorctl: '\''$T/dead.sock'\'' is a stale socket: nobody listens on it, so igor is not running there" "$T/err"
'

test_done
