#!/bin/bash
# The shipped plugins on trees and under a burst (issues 15 and 12):
# log.so and exec.so with recursive: true report a new subdirectory's
# files with their full paths; exec.so runs a command for every file of a
# burst larger than its queue (it pauses its instance, so the burst waits
# in the kernel's queue), and an overflow is logged with the watched
# paths.
. "$(dirname "$0")/lib.sh"

C=$T/conf
mkdir -p "$C/in" "$C/tree" "$C/done" "$C/bin"

test_expect_setup 'log.so and exec.so, both recursive, and exec.so on a burst directory' '
	cat >"$C/bin/record" <<-\SH &&
	#!/bin/sh
	# record PATH DIR: one line with the environment and the arguments
	printf "%s|%s|%s|%s|%s\n" "$IGOR_EVENT" "$IGOR_PATH" "$IGOR_DIR" "$1" "$2" >>"$(dirname "$0")/../record.out"
	SH
	chmod +x "$C/bin/record" &&
	write_conf log.conf <<-\EOF &&
	name: treelog
	plugin: log.so
	paths: [tree]
	events: [create]
	recursive: true
	EOF
	write_conf exec.conf <<-\EOF &&
	name: treeexec
	plugin: exec.so
	paths: [tree]
	events: [create]
	recursive: true
	max_running: 1
	command: [bin/record, "{path}", "{dir}"]
	EOF
	write_conf burst.conf <<-\EOF &&
	name: burst
	plugin: exec.so
	paths: [in]
	events: [close_write]
	match: "b*"
	command: [touch, "done/{name}"]
	EOF
	igor_start && wait_ready treelog && wait_ready treeexec && wait_ready burst &&
	log_has "INFO plugin treelog: watching .tree. and every directory below it" &&
	log_has "INFO plugin treeexec: watching .tree. and every directory below it"
'

test_expect_success 'log.so recursive: mkdir -p and a file, each logged once with its path' '
	mkdir -p "$C/tree/a/b" && : >"$C/tree/a/b/f" &&
	wait_for "log_has \"INFO plugin treelog: create tree/a/b/f\$\"" 5 &&
	test $(log_count "INFO plugin treelog: create,isdir tree/a\$") = 1 &&
	test $(log_count "INFO plugin treelog: create,isdir tree/a/b\$") = 1 &&
	test $(log_count "INFO plugin treelog: create tree/a/b/f\$") = 1
'

test_expect_success 'exec.so recursive: {path} and IGOR_PATH are the full path, {dir} the configured one' '
	wait_for "[ \$(wc -l <\"$C/record.out\") -ge 3 ]" 10 &&
	sort "$C/record.out" >got &&
	printf "%s\n" "create,isdir|tree/a|tree|tree/a|tree" \
		"create,isdir|tree/a/b|tree|tree/a/b|tree" \
		"create|tree/a/b/f|tree|tree/a/b/f|tree" | sort >expect &&
	test_cmp expect got
'

test_expect_success 'exec.so runs a command for each of 3000 files written at once, 3 times its queue' '
	(cd "$C/in" && seq -f "b%g" 3000 | xargs touch) &&
	wait_for "[ \$(ls \"$C/done\" | wc -l) -eq 3000 ]" 60 &&
	log_has "INFO plugin burst: queue full (1000 waiting, 4 running)" &&
	! log_has "plugin burst: .*dropp"
'

test_expect_success 'an overflow of the kernel queue is logged with the watched paths' '
	overflow_while_stopped burst "$C/in" z &&
	wait_for "log_has \"WARNING plugin burst: events were lost (the kernel.s inotify queue overflowed): their commands did not run; watched: .in.\$\"" 20
'

igor_stop
test_done
