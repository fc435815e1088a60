#!/bin/bash
# A usage error names the option igor refused, also inside a cluster of
# short options, where getopt has not yet moved past the argument.
. "$(dirname "$0")/lib.sh"

test_expect_success 'an unknown letter first in a cluster is named, not the program' '
	test_status 2 "$IGOR" -xv 2>"$T/err" &&
	head -n 1 "$T/err" >"$T/got" &&
	echo "igor: unknown option '\''-x'\''" >"$T/want" &&
	test_cmp "$T/want" "$T/got"
'

test_expect_success 'an option missing its argument at the end of a cluster is named' '
	test_status 2 "$IGOR" -vc 2>"$T/err" &&
	head -n 1 "$T/err" >"$T/got" &&
	echo "igor: option '\''-c'\'' needs an argument" >"$T/want" &&
	test_cmp "$T/want" "$T/got"
'

test_expect_success 'an unknown long option is named whole' '
	test_status 2 "$IGOR" --frobnicate 2>"$T/err" &&
	head -n 1 "$T/err" >"$T/got" &&
	echo "igor: unknown option '\''--frobnicate'\''" >"$T/want" &&
	test_cmp "$T/want" "$T/got"
'

test_done
