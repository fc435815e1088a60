#!/bin/bash
# containers.so converges on what containers-enabled/ says: after igor or
# its worker was down, and against what the engine reports as running,
# acting on the difference only.
. "$(dirname "$0")/lib.sh"

C=$T/conf
EN=$C/containers-enabled

test_expect_setup 'a copy of example_fs with running: configured' '
	copy_engine &&
	write_conf containers.conf <<-\CONF
	name: containers
	plugin: containers.so
	enabled: containers-enabled
	start: [bin/fake-engine, start, "{name}"]
	stop: [bin/fake-engine, stop, "{name}"]
	running: [bin/fake-engine, running]
	settle: 0.1
	timeout: 5
	CONF
'

test_expect_success 'at setup, a stray is stopped and what runs is not started again' '
	echo "start stray" >"$ENGINE" &&
	echo "start web" >>"$ENGINE" &&
	igor_start &&
	wait_for "engine_has \"stop stray\"" 5 &&
	wait_for "log_has \"stray.* runs but is not enabled\"" 5 &&
	wait_for "log_has \"INFO plugin containers: stopped stray\"" 5 &&
	! engine_has "stop web" &&
	test "$(engine_count "start web")" = 1
'

test_expect_success 'links changed while igor was down converge at its start' '
	igor_stop &&
	ln -s ../containers-available/db.yaml "$EN/db.yaml" &&
	rm "$EN/web.yaml" &&
	igor_start &&
	wait_for "engine_has \"start db\"" 5 &&
	wait_for "engine_has \"stop web\"" 5 &&
	bin_running=$("$C/bin/fake-engine" running) &&
	test "$bin_running" = db
'

test_expect_success 'a killed worker restarts and starts nothing that runs' '
	wait_ready containers &&
	pid=$(worker_pid containers) &&
	n=$(engine_count "start db") &&
	lists=$(log_count "DEBUG plugin containers: listed ") &&
	kill -KILL "$pid" &&
	wait_ready containers 2 &&
	wait_for "test \$(log_count \"DEBUG plugin containers: listed \") -gt $lists" 5 &&
	test "$(worker_pid containers)" != "$pid" &&
	test "$(engine_count "start db")" = "$n"
'

test_expect_success 'a failing stop is logged with its status and the cycle goes on' '
	write_conf containers.conf <<-\CONF &&
	name: containers
	plugin: containers.so
	enabled: containers-enabled
	start: [bin/fake-engine, start, "{name}"]
	stop: [bin/fake-engine, stop, "{name}", one-too-many]
	settle: 0.1
	CONF
	igor_stop && igor_start &&
	wait_ready containers &&
	rm "$EN/db.yaml" &&
	wait_for "log_has \"ERROR plugin containers: cannot stop .db.: .bin/fake-engine. exited 2 after [0-9.]* s; retrying in 1 s\"" 5 &&
	log_has "WARNING plugin containers: stop db: usage: fake-engine stop NAME"
'

test_expect_success '{name}, {link} and {target} are expanded in each argument' '
	write_conf containers.conf <<-\CONF &&
	name: containers
	plugin: containers.so
	enabled: containers-enabled
	start: [printf, "up name=%s link=%s target=%s [{name}]\n", "{name}", "{link}", "{target}"]
	stop: [printf, "down name=%s link=%s target=%s\n", "{name}", "{link}", "{target}"]
	settle: 0.1
	CONF
	igor_stop && igor_start &&
	ln -s ../containers-available/web.yaml "$EN/site.v2.yaml" &&
	target=$(cd "$C/containers-available" && pwd -P)/web.yaml &&
	wait_for "log_has \"DEBUG plugin containers: start site.v2: up name=site.v2 link=site.v2.yaml target=\$target \[site.v2\]\"" 5 &&
	rm "$EN/site.v2.yaml" &&
	wait_for "log_has \"DEBUG plugin containers: stop site.v2: down name=site.v2 link=site.v2.yaml target=\$target\"" 5
'

test_expect_success 'a config without start is refused with a clear message' '
	write_conf containers.conf <<-\CONF &&
	name: containers
	plugin: containers.so
	enabled: containers-enabled
	stop: [bin/fake-engine, stop, "{name}"]
	CONF
	igor_stop && igor_start &&
	wait_for "log_has \"ERROR plugin containers: .start. must be a list\"" 5
'

test_expect_success 'igor stops cleanly' '
	igor_stop
'

test_done
