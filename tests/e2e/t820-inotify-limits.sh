#!/bin/bash
# inotify limits: a plugin that hits max_user_instances (EMFILE) or
# max_user_watches (ENOSPC) gets the error to log, igor logs one line per
# worker naming the sysctl to raise, and what the plugin did get works.
# A queue overflow (max_queued_events) reaches the plugin as a wd -1
# event and igor's log names that sysctl.
#
# The instance and watch limits are lowered as root in a user namespace of
# igor's own (/proc/sys/user/max_inotify_*: the same per-user counters as
# fs.inotify.max_user_*, charged to every namespace above), which needs
# nothing restored: lowering the system-wide sysctls would break every
# other inotify user on the machine while the test runs.  The queue test
# floods a stopped worker past the current max_queued_events rather than
# lowering it, for the same reason.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ]; then
	test_skip 'inotify limits' 'needs root'
	test_done
fi
if ! unshare -U -r sh -c 'echo 1 >/proc/sys/user/max_inotify_instances' 2>/dev/null; then
	test_skip 'inotify limits' 'cannot lower them in a user namespace (unshare -U)'
	test_done
fi

W=$T/w
mkdir -p "$W/a" "$W/b" "$W/c" "$W/d" "$T/conf"
printf 'restart: {delay: 0.05}\n' >"$T/conf/igor.conf"

# igor in a user namespace of its own, where the limits are $LIM_INSTANCES
# and $LIM_WATCHES; each exec keeps the pid that igor_start records.
cat >"$T/limited-igor" <<EOF
#!/bin/sh
exec unshare -U -r sh -c 'echo \$LIM_INSTANCES >/proc/sys/user/max_inotify_instances &&
	echo \$LIM_WATCHES >/proc/sys/user/max_inotify_watches &&
	exec "\$0" "\$@"' "$IGOR" "\$@"
EOF
chmod +x "$T/limited-igor"
REAL_IGOR=$IGOR

test_expect_setup 'a plugin asking for 4 instances and 4 watches where 2 of each are allowed' '
	write_conf limits.conf <<-EOF &&
	name: limits
	plugin: $TPLUG/t8_limits.so
	instances: 4
	paths: [$W/a, $W/b, $W/c, $W/d]
	EOF
	export LIM_INSTANCES=2 LIM_WATCHES=2 &&
	IGOR=$T/limited-igor igor_start &&
	wait_ready limits
'

test_expect_success 'the plugin gets EMFILE from igor_inotify_new and can log it' '
	log_has "WARNING plugin limits: instance 3: Too many open files" &&
	log_has "WARNING plugin limits: instance 4: Too many open files"
'

test_expect_success 'igor logs one line naming fs.inotify.max_user_instances' '
	test $(log_count "ERROR plugin limits: cannot create an inotify instance: Too many open files (raise sysctl fs.inotify.max_user_instances") = 1
'

test_expect_success 'the plugin gets ENOSPC from igor_inotify_add_watch and can log it' '
	log_has "WARNING plugin limits: watch .$W/c.: No space left on device" &&
	log_has "WARNING plugin limits: watch .$W/d.: No space left on device"
'

test_expect_success 'igor logs one line naming fs.inotify.max_user_watches' '
	test $(log_count "ERROR plugin limits: cannot watch .$W/c.: inotify watch limit reached (raise sysctl fs.inotify.max_user_watches)") = 1 &&
	test $(log_count "max_user_watches") = 1
'

test_expect_success 'nothing else breaks: the watches it got deliver events, igor stops cleanly' '
	log_has "plugin limits: t8_limits: 2 instance(s), 2 watch(es)" &&
	touch $W/a/new-in-a &&
	wait_for "log_has \"plugin limits: EV name=.new-in-a.\"" &&
	kill -0 $IGOR_PID
'
igor_stop >/dev/null

test_expect_setup 'a plugin watching a directory, with no lowered limit' '
	rm -f $T/conf/limits.conf &&
	write_conf q.conf <<-EOF &&
	name: q
	plugin: $TPLUG/tplug.so
	paths: [$W/a]
	EOF
	IGOR=$REAL_IGOR igor_start && wait_ready q
'

# More events than the queue holds while the worker is stopped: each
# touch queues IN_CREATE, IN_OPEN, IN_ATTRIB and IN_CLOSE_WRITE.
test_expect_success 'a queue overflow reaches the plugin as wd -1 and igor names the sysctl' '
	max=$(cat /proc/sys/fs/inotify/max_queued_events) &&
	n=$((max / 4 + 64)) &&
	pid=$(worker_pid q) &&
	kill -STOP $pid &&
	test_when_finished "kill -CONT $pid" &&
	(cd $W/a && seq -f "f%g" $n | xargs touch) &&
	kill -CONT $pid &&
	wait_for "log_has \"plugin q: EV wd=-1 mask=0x4000\"" 20 &&
	wait_for "log_has \"WARNING igor: plugin .q.: inotify queue overflowed; events were lost (raise fs.inotify.max_queued_events)\"" 10
'

test_expect_success 'after the overflow, events flow again in the same worker' '
	pid=$(worker_pid q) &&
	touch $W/a/after-overflow &&
	wait_for "log_has \"plugin q: EV .*name=.after-overflow.\"" 20 &&
	test "$(worker_pid q)" = "$pid" && kill -0 $pid
'

test_done
