#!/bin/bash
# The tests' own shape: a test that backgrounds "a && b &" puts the whole
# list in a subshell, so $! is not the process it meant to track and the
# process outlives the test.  Start background processes from a function.
. "$(dirname "$0")/lib.sh"

test_expect_success 'no test backgrounds an &&-list' '
	for f in "$IGOR_TOP"/tests/e2e/*.sh; do
		awk -v f="${f##*/}" "prev ~ /&&[ \\t]*\$/ && \$0 ~ /[^&]&[ \\t]*\$/ {
			print f \":\" NR \": \" \$0; bad = 1 }
			{ prev = \$0 } END { exit bad }" "$f" || return 1
	done
'

test_done
