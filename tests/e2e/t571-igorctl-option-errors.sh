#!/bin/bash
# igorctl's usage errors name the option that is wrong, wherever it sits.
. "$(dirname "$0")/lib.sh"

test_expect_success 'an unknown option inside a cluster is named, not the word before it' '
	test_status 2 "$IGORCTL" -Zq status 2>"$T/err" &&
	grep -x "igorctl: unknown option '\''-Z'\''" "$T/err" &&
	test_status 2 "$IGORCTL" --json -Zq status 2>"$T/err" &&
	grep -x "igorctl: unknown option '\''-Z'\''" "$T/err" &&
	grep -q "^usage: igorctl" "$T/err"
'

test_expect_success 'a long option given an argument it does not take is named as written' '
	test_status 2 "$IGORCTL" --help=x 2>"$T/err" &&
	grep -x "igorctl: unknown option '\''--help=x'\''" "$T/err" &&
	test_status 2 "$IGORCTL" status --json=1 2>"$T/err" &&
	grep -x "igorctl: unknown option '\''--json=1'\''" "$T/err"
'

test_expect_success 'a broken igor.conf is said when igorctl looks for its socket: key' '
	mkdir -p $T/bad && printf "socket: [x\n" >$T/bad/igor.conf &&
	test_status 1 env IGOR_CONFIG_DIR=$T/bad IGOR_SOCKET= "$IGORCTL" status 2>"$T/err" &&
	grep -q "^igorctl: $T/bad/igor.conf:2: did not find expected .*; its socket: is not used$" "$T/err"
'

test_done
