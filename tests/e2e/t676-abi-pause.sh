#!/bin/bash
# igor_inotify_pause and igor_inotify_resume (SPEC.md, "Added since"):
# while an instance is paused no callback of it runs, the events already
# read and those in the kernel's queue wait, in order; a queue that
# overflows meanwhile ends in IN_Q_OVERFLOW after the events it held.
# The worker is stopped while the first files are made, so that they come
# in one read.
. "$(dirname "$0")/lib.sh"

W=$T/w
mkdir -p "$W"

line_of() { grep -n -- "$1" "$LOG" | head -n 1 | cut -d: -f1; }

test_expect_setup 'a plugin that pauses on p1 and resumes 300 ms later' '
	write_conf pause.conf <<-EOF &&
	name: pause
	plugin: $TPLUG/t15_tree.so
	root: $W
	mask: 0x100
	mute: f
	pause_on: p1
	resume_ms: 300
	EOF
	igor_start && wait_ready pause
'

test_expect_success 'events read with the one that paused wait for the resume, in order' '
	pid=$(worker_pid pause) &&
	kill -STOP $pid &&
	test_when_finished "kill -CONT $pid" &&
	touch "$W/p1" "$W/p2" "$W/p3" &&
	kill -CONT $pid &&
	wait_for "log_has \"plugin pause: EV .* name=.p3.\"" 10 &&
	p1=$(line_of "name=.p1.") && ps=$(line_of "plugin pause: pause: 0") &&
	rs=$(line_of "plugin pause: resume: 0") &&
	p2=$(line_of "name=.p2.") && p3=$(line_of "name=.p3.") &&
	test "$p1" -lt "$ps" && test "$ps" -lt "$rs" && test "$rs" -lt "$p2" &&
	test "$p2" -lt "$p3"
'

test_expect_success 'a queue that overflows while paused: its events, then IN_Q_OVERFLOW, after the resume' '
	sed -i "s|^resume_ms: 300|resume_file: $T/go|" "$T/conf/pause.conf" &&
	rm -f "$W"/p* &&
	igor_stop && igor_start && wait_ready pause &&
	max=$(cat /proc/sys/fs/inotify/max_queued_events) &&
	: >"$W/p1" &&
	wait_for "log_has \"plugin pause: pause: 0\"" 5 &&
	(cd "$W" && seq -f "f%g" $((max + 100)) | xargs touch) &&
	: >"$W/last" &&
	: >"$T/go" &&
	wait_for "log_has \"plugin pause: EV wd=-1 mask=0x4000\"" 20 &&
	rs=$(line_of "plugin pause: resume: 0") &&
	ov=$(line_of "plugin pause: EV wd=-1 mask=0x4000") &&
	test "$rs" -lt "$ov" &&
	! log_has "name=.last."
'

igor_stop
test_done
