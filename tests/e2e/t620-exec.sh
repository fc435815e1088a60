#!/bin/bash
# exec.so: a command (argv, no shell) for each matching event, with the
# event in its arguments and environment and its output in igor's log.
. "$(dirname "$0")/lib.sh"

C=$T/conf
IN=$C/in
REC=$C/record.out

rec_has() {
	grep -qxF -- "$1" "$REC" 2>/dev/null
}

test_expect_setup 'a recording command and an exec config' '
	mkdir -p "$C/bin" "$IN" &&
	cat >"$C/bin/record" <<-\SH &&
	#!/bin/sh
	# Appends its arguments and the IGOR_* variables, one line a call.
	{
		for a; do printf "[%s]" "$a"; done
		printf " E=%s P=%s N=%s D=%s\n" "$IGOR_EVENT" "$IGOR_PATH" \
			"$IGOR_NAME" "$IGOR_DIR"
	} >>"$(dirname "$0")/../record.out"
	case $IGOR_NAME in
	say*) echo "out: $IGOR_NAME"; echo "err: $IGOR_NAME" >&2 ;;
	fail*) exit 3 ;;
	esac
	exit 0
	SH
	chmod +x "$C/bin/record" &&
	write_conf exec.conf <<-\CONF
	name: exec
	plugin: exec.so
	paths: [in]
	events: [close_write, moved_to]
	match: "*.txt"
	command: [bin/record, "{event}", "{path}", "{name}", "{dir}", "x{name}y{nothing}"]
	timeout: 5
	CONF
'

test_expect_success 'placeholders and IGOR_* variables reach the command' '
	igor_start &&
	wait_ready exec &&
	echo hi >"$IN/a.txt" &&
	wait_for "rec_has \"[close_write][in/a.txt][a.txt][in][xa.txty{nothing}] E=close_write P=in/a.txt N=a.txt D=in\"" 5
'

test_expect_success 'moved_to runs the command with that event' '
	echo hi >"$C/b.txt" &&
	mv "$C/b.txt" "$IN/b.txt" &&
	wait_for "rec_has \"[moved_to][in/b.txt][b.txt][in][xb.txty{nothing}] E=moved_to P=in/b.txt N=b.txt D=in\"" 5
'

test_expect_success 'a name that does not match runs nothing' '
	echo hi >"$IN/skipped.dat" &&
	echo hi >"$IN/after.txt" &&
	wait_for "grep -q after.txt \"\$REC\"" 5 &&
	! grep -q skipped "$REC"
'

test_expect_success 'a hostile file name arrives as one argument' '
	name="-n \$(touch pwned) \"q\" '\''a b'\'' ;ls.txt" &&
	echo hi >"$IN/$name" &&
	wait_for "rec_has \"[close_write][in/\$name][\$name][in][x\${name}y{nothing}] E=close_write P=in/\$name N=\$name D=in\"" 5 &&
	! test -e "$C/pwned" && ! test -e pwned
'

test_expect_success 'stdout lines are logged at INFO, stderr lines at WARNING' '
	echo hi >"$IN/say.txt" &&
	wait_for "log_has \"INFO plugin exec: out: say.txt\"" 5 &&
	wait_for "log_has \"WARNING plugin exec: err: say.txt\"" 5
'

test_expect_success 'a non-zero exit is logged with its status' '
	echo hi >"$IN/fail.txt" &&
	wait_for "log_has \"WARNING plugin exec: .bin/record. for close_write on .in/fail.txt. exited 3\"" 5
'

test_expect_success 'a command that cannot be found is logged, and the next one runs' '
	write_conf exec.conf <<-\CONF &&
	name: exec
	plugin: exec.so
	paths: [in]
	events: [create]
	command: [no-such-command-igor-t620, "{path}"]
	CONF
	igor_stop && igor_start && wait_ready exec &&
	: >"$IN/c1" && : >"$IN/c2" &&
	wait_for "log_has \"ERROR plugin exec: cannot run .no-such-command-igor-t620. for .in/c2.: No such file or directory\"" 5
'

test_expect_success 'the command starts clean: no blocked or ignored signal, stdin /dev/null, no stray fd' '
	write_conf exec.conf <<-\CONF &&
	name: exec
	plugin: exec.so
	paths: [in]
	events: [create]
	match: "probe*"
	command: [sh, -c, "grep -E \"^Sig(Blk|Ign)\" /proc/self/status; echo stdin=$(readlink /proc/self/fd/0); echo fds=$(ls /proc/self/fd | sort -n | tr \"\\n\" \" \")", "{name}"]
	CONF
	igor_stop && igor_start && wait_ready exec &&
	: >"$IN/probe1" &&
	wait_for "log_has \"plugin exec: fds=\"" 5 &&
	grep "plugin exec: [Sfs][itd][gdsn]" "$LOG" &&
	grep -F "INFO plugin exec: SigBlk:\t0000000000000000" "$LOG" &&
	grep -F "INFO plugin exec: SigIgn:\t0000000000000000" "$LOG" &&
	log_has "INFO plugin exec: stdin=/dev/null" &&
	grep -q "INFO plugin exec: fds=0 1 2 3 *$" "$LOG"
'

test_expect_success 'a timeout that is not plain seconds fails setup, naming the key' '
	write_conf exec.conf <<-\CONF &&
	name: exec
	plugin: exec.so
	paths: [in]
	events: [close_write]
	command: [true]
	timeout: 1e1
	CONF
	igor_stop && igor_start &&
	wait_for "log_has \"ERROR plugin exec: .timeout. must be a number of seconds, not .1e1.\"" &&
	wait_for "log_has \"plugin .exec. (pid [0-9]*) exited: exit 1 (setup returned\""
'

test_expect_success 'igor stops cleanly' '
	igor_stop
'

test_done
