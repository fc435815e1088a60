#!/bin/bash
# The shipped plugins' documentation and example: igor-plugins(7) lints
# clean and names every key the plugins read, plugins/README.md too, and
# example_fs/ passes igor -t.
. "$(dirname "$0")/lib.sh"

MAN=$IGOR_TOP/man/igor-plugins.7
README=$IGOR_TOP/plugins/README.md

test_expect_success 'igor-plugins(7) is clean under mandoc -T lint' '
	if ! command -v mandoc >/dev/null; then
		echo "mandoc missing: apt-get install mandoc"; exit 1
	fi &&
	mandoc -T lint -W warning "$MAN" >lint 2>&1; rc=$? &&
	cat lint && test $rc = 0 && ! test -s lint
'

test_expect_success 'every key the plugins read is in igor-plugins(7) and the README' '
	keys=$(sed -n "s/.*igor_config_[a-z]*([a-z]*, \"\([a-z_]*\)\".*/\1/p; s/.*cmd_[a-z_]*(conf, \"\([a-z_]*\)\".*/\1/p" \
		"$IGOR_TOP"/plugins/exec.c "$IGOR_TOP"/plugins/containers.c "$IGOR_TOP"/plugins/log.c | sort -u) &&
	test -n "$keys" &&
	for k in $keys; do
		grep -q "^\.It Ic $k\( , Ic [a-z_]*\)*\$" "$MAN" ||
		grep -q "^\.It Ic [a-z_]* , Ic $k\$" "$MAN" ||
		{ echo "key $k missing from igor-plugins(7)"; exit 1; }
		grep -q "\`$k\`" "$README" || { echo "key $k missing from README"; exit 1; }
	done
'

test_expect_success 'example_fs passes igor -t' '
	cp -a "$IGOR_TOP/example_fs" ex &&
	IGOR_CONFIG_DIR=$PWD/ex "$IGOR" -t -s "$T/check.sock" >out 2>&1; rc=$?;
	cat out && test $rc = 0 && ! test -s out
'

test_expect_success 'example_fs has two definitions, one relative link, and no engine log' '
	test "$(ls "$IGOR_TOP/example_fs/containers-available" | wc -l)" = 2 &&
	test "$(ls "$IGOR_TOP/example_fs/containers-enabled" | wc -l)" = 1 &&
	link=$(readlink "$IGOR_TOP"/example_fs/containers-enabled/*) &&
	case $link in ../containers-available/*) ;; *) exit 1 ;; esac &&
	test -e "$IGOR_TOP/example_fs/containers-enabled/$(basename "$link")" &&
	! test -e "$IGOR_TOP/example_fs/engine.log"
'

test_done
