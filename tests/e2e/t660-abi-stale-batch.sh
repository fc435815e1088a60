#!/bin/bash
# Child structs recycled inside one round of the worker's loop must not
# crash a later wake-up of the same round (tests/plugins/t66_stale.c).
. "$(dirname "$0")/lib.sh"

test_expect_success 'a child struct recycled by a failed igor_spawn in an exit callback leaves the round safe' '
	write_conf t66.conf <<-CONF &&
	name: t66
	plugin: $TPLUG/t66_stale.so
	CONF
	igor_start && wait_ready t66 &&
	wait_for "log_has \"plugin t66: survived\"" 8 &&
	log_has "INFO plugin t66: survived: 2 exits" &&
	test $(grep -c "plugin t66: spawn refused: ENOENT" "$LOG") = 2 &&
	! grep -i "signal\|crash\|exited with" "$LOG" | grep "t66"
'

test_expect_success 'igor stops cleanly' '
	igor_stop
'

test_done
