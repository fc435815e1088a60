#!/bin/bash
# An event's path stays valid for the whole callback, even when the
# callback changes that watch (tests/plugins/t66_rewatch.c).
. "$(dirname "$0")/lib.sh"

test_expect_success 'ev->path survives igor_inotify_add_watch of the same watch inside the callback' '
	mkdir "$T/a-directory-with-a-long-enough-name" &&
	write_conf t66.conf <<-CONF &&
	name: t66
	plugin: $TPLUG/t66_rewatch.so
	dir: $T/a-directory-with-a-long-enough-name
	CONF
	igor_start && wait_ready t66 &&
	chmod 700 "$T/a-directory-with-a-long-enough-name" &&
	wait_for "log_has \"plugin t66: rewatch:\"" 5 &&
	log_has "INFO plugin t66: rewatch: wd same, path .$T/a-directory-with-a-long-enough-name.$" &&
	chmod 755 "$T/a-directory-with-a-long-enough-name" &&
	wait_for "test \$(grep -c \"plugin t66: rewatch:\" \"\$LOG\") = 2" 5 &&
	test $(grep -c "INFO plugin t66: rewatch: wd same, path .$T/a-directory-with-a-long-enough-name.$" "$LOG") = 2
'

test_expect_success 'igor stops cleanly' '
	igor_stop
'

test_done
