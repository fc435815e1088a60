#!/bin/bash
# Reload (SIGHUP): new plugins start, removed ones stop, changed ones
# restart, unchanged ones keep their pid; a broken file keeps the old one.
. "$(dirname "$0")/lib.sh"

W=$T/watched
mkdir -p "$W" "$T/conf"

plugin_conf() {
	write_conf "$1.conf" <<-EOF
	name: $1
	plugin: $TPLUG/tplug.so
	paths: [$W]
	${2:-}
	EOF
}

test_expect_setup 'igor runs three plugins' '
	plugin_conf keep && plugin_conf change && plugin_conf remove &&
	igor_start && wait_ready keep && wait_ready change && wait_ready remove
'

test_expect_success 'reload: added starts, removed stops, changed restarts, unchanged keeps its pid' '
	keep=$(worker_pid keep) && change=$(worker_pid change) && remove=$(worker_pid remove) &&
	plugin_conf change "flood: 1" && rm $T/conf/remove.conf && plugin_conf added &&
	touch $T/conf/keep.conf &&
	kill -HUP $IGOR_PID &&
	wait_ready added && wait_ready change 2 &&
	wait_for "log_has \"plugin .remove. (pid $remove) stopped: exit 0\"" &&
	test "$(worker_pid keep)" = "$keep" &&
	test "$(worker_pid change)" != "$change" &&
	! kill -0 $remove 2>/dev/null &&
	log_has "INFO igor: reload: plugin .added. added" &&
	log_has "INFO igor: reload: plugin .remove. removed" &&
	log_has "INFO igor: reload: plugin .change. changed; restarting"
'

test_expect_success 'reload compares the parsed config, not the file: comments change nothing' '
	keep=$(worker_pid keep) &&
	printf "# a comment\n" >>$T/conf/keep.conf &&
	kill -HUP $IGOR_PID &&
	wait_for "[ \$(log_count \"INFO igor: reloading\") -eq 2 ]" &&
	plugin_conf probe && kill -HUP $IGOR_PID && wait_ready probe &&
	test "$(worker_pid keep)" = "$keep"
'

test_expect_success 'a file that became broken keeps the old version running and says why' '
	keep=$(worker_pid keep) &&
	printf "name: keep\nplugin: [broken\n" >$T/conf/keep.conf &&
	kill -HUP $IGOR_PID &&
	wait_for "log_has \"reload: .$T/conf/keep.conf. is broken; plugin .keep. keeps running its old config\"" &&
	log_has "ERROR igor: $T/conf/keep.conf:3: " &&
	test "$(worker_pid keep)" = "$keep" && kill -0 $keep
'

test_expect_success 'a config directory that cannot be read refuses the reload, stops nothing' '
	keep=$(worker_pid keep) &&
	mv $T/conf $T/conf.away &&
	test_when_finished "mv $T/conf.away $T/conf" &&
	kill -HUP $IGOR_PID &&
	wait_for "log_has \"reload: cannot read the config directory; keeping the running configuration\"" &&
	log_has "ERROR igor: $T/conf: cannot read config directory: No such file or directory$" &&
	! log_has "reload: plugin .keep. removed" &&
	test "$(worker_pid keep)" = "$keep" && kill -0 $keep
'

test_expect_success 'a broken main config refuses the reload and changes nothing' '
	keep=$(worker_pid keep) &&
	printf "restart: [\n" >$T/conf/igor.conf &&
	kill -HUP $IGOR_PID &&
	wait_for "log_has \"reload: the main config is broken; keeping the running configuration\"" &&
	test "$(worker_pid keep)" = "$keep" && rm $T/conf/igor.conf
'

test_expect_success 'log_level in igor.conf takes effect on reload, also in running workers' '
	igor_stop && rm -f $T/conf/*.conf &&
	printf "log_level: info\n" >$T/conf/igor.conf &&
	plugin_conf probe "crash_on: after" &&
	igor_bg $T/lvl.log && pid=$BG_PID &&
	wait_for "grep -q \"INFO plugin probe: tplug watching\" $T/lvl.log" &&
	printf "log_level: warning\n" >$T/conf/igor.conf &&
	plugin_conf marker "stdout: marker" &&
	kill -HUP $pid &&
	wait_for "grep -q \"WARNING plugin marker: marker\" $T/lvl.log" &&
	touch $W/after &&
	wait_for "grep -q \"WARNING igor: plugin .probe. (pid [0-9]*) exited: signal SEGV\" $T/lvl.log" &&
	kill -TERM $pid && wait $pid &&
	! grep -q "INFO plugin marker" $T/lvl.log &&
	! grep -q "INFO plugin probe: EV" $T/lvl.log
'

test_done
