#!/bin/bash
# The ABI's timers and child processes, driven by tests/plugins/t6_spawn.c.
. "$(dirname "$0")/lib.sh"

test_expect_success 'timers fire once, re-arm, disarm and free as documented' '
	write_conf t6.conf <<-CONF &&
	name: t6
	plugin: $TPLUG/t6_spawn.so
	CONF
	igor_start && wait_ready t6 &&
	wait_for "log_has \"plugin t6: timers:\"" 5 &&
	log_has "INFO plugin t6: timers: A=2 B=0 C=1 D=0 early=0"
'

test_expect_success 'igor_spawn refuses a missing command and a bad size' '
	log_has "INFO plugin t6: enoent ok" &&
	log_has "INFO plugin t6: einval ok"
'

test_expect_success 'on_stdout gets each line, stderr goes to the log, on_exit comes last' '
	wait_for "log_has \"plugin t6: exit:\"" 5 &&
	log_has "INFO plugin t6: line: one" &&
	log_has "INFO plugin t6: line: two" &&
	log_has "WARNING plugin t6: three" &&
	log_has "INFO plugin t6: exit: exited 7 after 2 lines"
'

test_expect_success 'igor_child_kill signals the child and its exit is reported' '
	log_has "INFO plugin t6: pid ok" &&
	wait_for "log_has \"INFO plugin t6: killed: 15\"" 5
'

test_expect_success 'on_stderr gets each stderr line; an older size sends them to the log' '
	wait_for "log_has \"INFO plugin t6: errline: four\"" 5 &&
	wait_for "log_has \"WARNING plugin t6: old-size stderr\"" 5 &&
	! log_has "errline: old-size"
'

test_expect_success 'status lines are taken, and igor reads them without a protocol error' '
	log_has "INFO plugin t6: status ok" &&
	! log_has "protocol error" &&
	state_is t6 running
'

test_expect_success 'igor stops cleanly' '
	igor_stop
'

test_done
