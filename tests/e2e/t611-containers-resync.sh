#!/bin/bash
# containers.so's resync, with the fake engine: every `resync` seconds it
# compares the links with what `running` lists and repairs the drift, and
# never acts twice for one command.
. "$(dirname "$0")/lib.sh"

C=$T/conf
EN=$C/containers-enabled

conf() { # EXTRA-YAML-LINE...: the config with a short settle and retry
	{
		cat <<-\CONF
		name: containers
		plugin: containers.so
		enabled: containers-enabled
		start: [bin/engine, start, "{name}"]
		stop: [bin/engine, stop, "{name}"]
		settle: 0.1
		retry: {delay: 0.1, max_delay: 0.4}
		CONF
		printf '%s\n' "$@"
	} | write_conf containers.conf
}

# The number of lists applied so far (DEBUG "listed N ...").
lists() { log_count "DEBUG plugin containers: listed "; }

# Waits until a list that began after this call has been applied.
wait_next_list() {
	local n=$(( $(lists) + 1 ))
	wait_for "test \$(lists) -gt $n" 5
}

test_expect_setup 'a copy of example_fs with the fake engine, resync 0.3 s' '
	copy_test_engine &&
	conf "running: [bin/engine, running]" "resync: 0.3" &&
	igor_start && wait_ready containers &&
	wait_for "engine_has \"start web\"" 5
'

test_expect_success 'a container gone from the engine is started again at the next resync, said once at INFO' '
	echo "stop web" >>"$ENGINE" &&
	wait_for "test \$(engine_count \"start web\") = 2" 5 &&
	wait_for "log_has \"INFO plugin containers: resync: .web. of .web.yaml. no longer runs: starting it again\"" 5 &&
	test "$(log_count "resync: .web. of .web.yaml. no longer runs")" = 1
'

test_expect_success 'a stray that appears is stopped at the next resync' '
	echo "start stray" >>"$ENGINE" &&
	wait_for "engine_has \"stop stray\"" 5 &&
	log_has "INFO plugin containers: .stray. runs but is not enabled: stopping it" &&
	log_has "INFO plugin containers: stop stray: bin/engine stop stray"
'

test_expect_success 'a dangling link is started at a resync once its target exists' '
	ln -s ../containers-available/later.yaml "$EN/later.yaml" &&
	wait_for "log_has \"ignoring .*later.yaml.: dangling symlink\"" 5 &&
	wait_next_list && wait_next_list &&
	test "$(log_count "ignoring .*later.yaml")" = 1 &&
	! engine_has "start later" &&
	cp "$C/containers-available/db.yaml" "$C/containers-available/later.yaml" &&
	wait_for "engine_has \"start later\"" 5 &&
	log_has "INFO plugin containers: resync: .later.yaml. now resolves to .*later.yaml.: starting .later." &&
	rm "$EN/later.yaml" && wait_for "engine_has \"stop later\"" 5
'

test_expect_success 'a resync does not start again a link whose start is in flight' '
	echo "start slow" >"$C/engine.hold" &&
	ln -s ../containers-available/db.yaml "$EN/slow.yaml" &&
	wait_for "test \$(calls_count \"start slow\") = 1" 5 &&
	wait_next_list && wait_next_list &&
	: >"$C/engine.hold" &&
	wait_for "engine_has \"start slow\"" 5 &&
	wait_next_list &&
	test "$(calls_count "start slow")" = 1
'

test_expect_success 'a list taken before a start ended does not start it again' '
	echo "start late" >"$C/engine.hold" &&
	ln -s ../containers-available/db.yaml "$EN/late.yaml" &&
	wait_for "test \$(calls_count \"start late\") = 1" 5 &&
	rm -f "$C/engine.list-held" && : >"$C/engine.hold-list" &&
	wait_for "test -e \"$C/engine.list-held\"" 5 &&
	: >"$C/engine.hold" &&
	wait_for "log_has \"INFO plugin containers: started late\"" 5 &&
	n=$(lists) && rm "$C/engine.hold-list" &&
	wait_for "test \$(lists) -gt $n" 5 &&
	wait_next_list &&
	test "$(calls_count "start late")" = 1
'

test_expect_success 'a list taken before a link was stopped and forgotten does not take it for a stray' '
	ln -s ../containers-available/db.yaml "$EN/gone.yaml" &&
	wait_for "engine_has \"start gone\"" 5 &&
	wait_next_list &&
	rm -f "$C/engine.list-held" && : >"$C/engine.hold-list" &&
	wait_for "test -e \"$C/engine.list-held\"" 5 &&
	rm "$EN/gone.yaml" &&
	wait_for "log_has \"INFO plugin containers: stopped gone\"" 5 &&
	n=$(lists) && rm "$C/engine.hold-list" &&
	wait_for "test \$(lists) -gt $n" 5 &&
	wait_next_list &&
	test "$(calls_count "stop gone")" = 1 &&
	! log_has "gone.* runs but is not enabled"
'

test_expect_success 'an igor restart starts nothing that runs, and stops nothing enabled' '
	igor_stop &&
	: >"$C/engine.calls" &&
	igor_start && wait_ready containers &&
	wait_for "test \$(lists) -ge 2" 5 &&
	! grep -q "^start \|^stop " "$C/engine.calls"
'

test_expect_success 'a failing list is logged with its output and tried again' '
	echo running >"$C/engine.fail" &&
	n=$(calls_count running) &&
	wait_for "log_has \"ERROR plugin containers: cannot list the running containers: .bin/engine. exited 125 after [0-9.]* s; trying again in 0.1 s\"" 5 &&
	log_has "WARNING plugin containers: list: engine: error line 25" &&
	wait_for "test \$(calls_count running) -ge $((n + 3))" 5 &&
	: >"$C/engine.fail" &&
	wait_next_list &&
	! grep -q "^start \|^stop " "$C/engine.calls"
'

test_expect_success 'resync: 0 lists once, at setup' '
	conf "running: [bin/engine, running]" "resync: 0" &&
	igor_stop && igor_start && wait_ready containers &&
	wait_for "test \$(lists) = 1" 5 &&
	n=$(calls_count running) &&
	observe_for 1 &&
	test "$(calls_count running)" = "$n"
'

test_expect_success 'without running: a start at setup for every link, as before' '
	conf "resync: 0.3" &&
	igor_stop &&
	n=$(engine_count "start web") &&
	igor_start && wait_ready containers &&
	wait_for "test \$(engine_count \"start web\") = $((n + 1))" 5
'

test_expect_success 'without running: a dangling link is started at a resync once its target exists' '
	ln -s ../containers-available/later2.yaml "$EN/later2.yaml" &&
	wait_for "log_has \"ignoring .*later2.yaml.: dangling symlink\"" 5 &&
	cp "$C/containers-available/db.yaml" "$C/containers-available/later2.yaml" &&
	wait_for "engine_has \"start later2\"" 5 &&
	log_has "resync: .later2.yaml. now resolves to"
'

test_expect_success 'igor stops cleanly' '
	igor_stop
'

test_done
