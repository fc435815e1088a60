#!/bin/bash
# containers.so with example_fs's fake engine: links in containers-enabled/
# start and stop containers, once each link has settled.
. "$(dirname "$0")/lib.sh"

C=$T/conf
EN=$C/containers-enabled

test_expect_setup 'a copy of example_fs with a short settle' '
	copy_engine &&
	write_conf containers.conf <<-\CONF
	name: containers
	plugin: containers.so
	enabled: containers-enabled
	start: [bin/fake-engine, start, "{name}"]
	stop: [bin/fake-engine, stop, "{name}"]
	settle: 0.1
	CONF
'

test_expect_success 'startup scan starts every enabled container' '
	igor_start &&
	wait_ready containers &&
	wait_for "engine_has \"start web\"" 5 &&
	wait_for "log_has \"INFO plugin containers: started web\"" 5 &&
	test "$(engine_count "start web")" = 1
'

test_expect_success 'a new link starts its container' '
	ln -s ../containers-available/db.yaml "$EN/db.yaml" &&
	wait_for "engine_has \"start db\"" 5
'

test_expect_success 'a removed link stops its container' '
	rm "$EN/db.yaml" &&
	wait_for "engine_has \"stop db\"" 5 &&
	wait_for "log_has \"INFO plugin containers: stopped db\"" 5
'

test_expect_success 'a link replaced by one with another target: stop, then start' '
	ln -sfn ../containers-available/db.yaml "$EN/web.yaml" &&
	wait_for "test \$(engine_count \"start web\") = 2" 5 &&
	tail -n 2 "$ENGINE" >actual &&
	printf "stop web\nstart web\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'ln -sf to the same target and its temporary link start nothing' '
	before=$(wc -l <"$ENGINE") &&
	ln -sfn ../containers-available/db.yaml "$EN/web.yaml" &&
	ln -s ../containers-available/db.yaml "$EN/marker.yaml" &&
	wait_for "engine_has \"start marker\"" 5 &&
	sed -n "$((before + 1)),\$p" "$ENGINE" >actual &&
	echo "start marker" >expect &&
	test_cmp expect actual &&
	rm "$EN/marker.yaml" &&
	wait_for "engine_has \"stop marker\"" 5
'

test_expect_success 'a link moved in starts, moved out stops' '
	mkdir -p "$C/staging" &&
	ln -s ../containers-available/db.yaml "$C/staging/moved.yaml" &&
	mv "$C/staging/moved.yaml" "$EN/" &&
	wait_for "engine_has \"start moved\"" 5 &&
	mv "$EN/moved.yaml" "$C/staging/" &&
	wait_for "engine_has \"stop moved\"" 5
'

test_expect_success 'a dangling link and a plain file are ignored with a log line' '
	ln -s ../containers-available/nothing.yaml "$EN/dangling.yaml" &&
	echo "not a link" >"$EN/README" &&
	wait_for "log_has \"ignoring .*dangling.yaml.: dangling symlink\"" 5 &&
	wait_for "log_has \"ignoring .*README.: not a symlink\"" 5 &&
	! grep -q "dangling\|README" "$ENGINE" &&
	rm "$EN/dangling.yaml" "$EN/README"
'

test_expect_success 'a hostile link name reaches the engine as one argument' '
	name="-x \$(touch pwned) \"q\" '\''a b'\'' ;ls" &&
	ln -s ../containers-available/db.yaml "$EN/$name.yaml" &&
	wait_for "engine_has \"start \$name\"" 5 &&
	rm "$EN/$name.yaml" &&
	wait_for "engine_has \"stop \$name\"" 5 &&
	! test -e "$C/pwned" && ! test -e pwned
'

test_expect_success 'igor stops cleanly, leaving the containers as they are' '
	lines=$(wc -l <"$ENGINE") &&
	igor_stop &&
	test "$(wc -l <"$ENGINE")" = "$lines"
'

test_done
