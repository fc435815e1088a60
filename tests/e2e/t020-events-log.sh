#!/bin/bash
# Real inotify events reach a plugin in its worker, with the right paths;
# plugin log lines reach igor's log with their name and level.
. "$(dirname "$0")/lib.sh"

W=$T/watched
mkdir -p "$W"

test_expect_setup 'igor starts a test plugin that watches a directory' '
	write_conf rec.conf <<-EOF &&
	name: rec
	plugin: $TPLUG/tplug.so
	paths: [$W]
	EOF
	igor_start && wait_ready rec
'

test_expect_success 'create and close_write arrive with the joined path' '
	echo hi >"$W/new file" &&
	wait_for "log_has \"INFO plugin rec: EV wd=1 mask=0x100 cookie=0 name=.new file. path=.$W/new file.\"" &&
	wait_for "log_has \"INFO plugin rec: EV wd=1 mask=0x8 cookie=0 name=.new file. path=.$W/new file.\""
'

test_expect_success 'a rename arrives as moved_from and moved_to with equal cookies' '
	mv "$W/new file" "$W/renamed" &&
	wait_for "log_has \"mask=0x80 cookie=[0-9]* name=.renamed.\"" &&
	from=$(sed -n "s/.*mask=0x40 cookie=\([0-9]*\) name=.new file.*/\1/p" "$LOG") &&
	to=$(sed -n "s/.*mask=0x80 cookie=\([0-9]*\) name=.renamed.*/\1/p" "$LOG") &&
	test -n "$from" && test "$from" != 0 && test "$from" = "$to"
'

test_expect_success 'delete arrives with the path' '
	rm "$W/renamed" &&
	wait_for "log_has \"mask=0x200 cookie=0 name=.renamed. path=.$W/renamed.\""
'

test_expect_success 'a watched directory removed: delete_self with its own path, then ignored' '
	mkdir -p $T/gone &&
	write_conf gone.conf <<-EOF &&
	name: gone
	plugin: $TPLUG/tplug.so
	paths: [$T/gone]
	EOF
	kill -HUP $IGOR_PID && wait_ready gone &&
	rmdir $T/gone &&
	wait_for "log_has \"plugin gone: EV wd=1 mask=0x400 cookie=0 name=.. path=.$T/gone.\"" &&
	wait_for "log_has \"plugin gone: EV wd=1 mask=0x8000 cookie=0 name=.. path=.$T/gone.\""
'

test_expect_success 'the supervisor counts the events it was told of (debug lines)' '
	n=$(log_count "DEBUG igor: plugin .rec.: event mask") &&
	test "$n" -ge 5
'

test_expect_success 'the plugin runs in its config directory with stdin /dev/null' '
	pid=$(worker_pid rec) &&
	test "$(readlink /proc/$pid/cwd)" = "$T/conf" &&
	test "$(readlink /proc/$pid/fd/0)" = /dev/null
'

test_expect_success 'the worker holds only its own fds: stdio, records, epoll, inotify, self-pipe, flush timer' '
	pid=$(worker_pid rec) &&
	ls -l /proc/$pid/fd >fds &&
	cat fds &&
	! grep -q "igor.log" fds &&
	test $(ls /proc/$pid/fd | wc -l) -le 9
'

test_expect_success 'SIGTERM stops igor with exit 0 and no worker left' '
	pid=$(worker_pid rec) &&
	igor_stop &&
	! kill -0 $pid 2>/dev/null &&
	log_has "INFO igor: stopped"
'

test_expect_success 'without -v only CRITICAL lines are shown' '
	write_conf quiet.conf <<-EOF &&
	name: quiet
	plugin: $TPLUG/tplug.so
	paths: [$W]
	EOF
	rm -f $T/conf/gone.conf $T/conf/rec.conf &&
	igor_bg $T/quiet.log && pid=$BG_PID &&
	wait_for "test -n \"\$(children_of $pid)\"" &&
	child=$(children_of $pid) &&
	wait_for "ls -l /proc/$child/fd | grep -q inotify" &&
	kill -TERM $pid && wait $pid &&
	test ! -s $T/quiet.log
'

test_expect_success '-vvv shows the plugin INFO lines, not DEBUG ones' '
	igor_bg $T/info.log -vvv && pid=$BG_PID &&
	wait_for "grep -q \"INFO plugin quiet: tplug watching 1 path\" $T/info.log" &&
	kill -TERM $pid && wait $pid &&
	! grep -q " DEBUG " $T/info.log
'

test_expect_success 'a plugin log_level makes only that plugin quieter' '
	write_conf quiet.conf <<-EOF &&
	name: quiet
	plugin: $TPLUG/tplug.so
	paths: [$W]
	log_level: warning
	stdout: hello from stdout
	EOF
	igor_bg $T/lvl.log -vvvv && pid=$BG_PID &&
	wait_for "grep -q \"is ready\" $T/lvl.log" &&
	wait_for "grep -q \"WARNING plugin quiet: hello from stdout\" $T/lvl.log" &&
	kill -TERM $pid && wait $pid &&
	! grep -q "INFO plugin quiet: tplug watching" $T/lvl.log &&
	! grep -q "INFO plugin quiet: hello from stdout" $T/lvl.log
'

test_expect_success 'stdout lines are INFO, stderr lines WARNING, control characters escaped' '
	write_conf quiet.conf <<-EOF &&
	name: quiet
	plugin: $TPLUG/tplug.so
	stdout: "tab\there\e[0m back\\\\slash"
	EOF
	igor_bg $T/out.log -vvvv && pid=$BG_PID &&
	wait_for "grep -q \"WARNING plugin quiet: tab\" $T/out.log" &&
	kill -TERM $pid && wait $pid &&
	grep -F "INFO plugin quiet: tab\\there\\x1b[0m back\\\\slash" $T/out.log &&
	grep -F "WARNING plugin quiet: tab\\there\\x1b[0m back\\\\slash" $T/out.log
'

test_done
