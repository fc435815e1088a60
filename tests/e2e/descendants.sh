# descendants.sh: the body of t870 (a cgroup per worker) and t871 (child
# subreapers), sourced with MODE set to cgroup or subreaper.  With
# `descendants: kill`, nothing started on behalf of a plugin outlives its
# worker, whatever group or session it moved to, and nothing survives
# igor's stop; a command's `cmd &` lives as long as its worker; with
# `descendants: keep`, what outlives its command is left alone.
#
# Every process the plugins start is `sleep N.U`, U this script's pid,
# so each one is found by its exact command line and killed at the end
# by its own pid if a test left it.
. "$(dirname "$0")/lib.sh"

C=$T/conf
U=$$

# pids_of ARGV...: the live processes whose command line is exactly ARGV.
pids_of() {
	local want="$*" p c
	for p in /proc/[0-9]*; do
		c=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || continue
		[ "${c% }" = "$want" ] && is_running "${p#/proc/}" &&
			echo "${p#/proc/}"
	done
	return 0
}

alive() { [ -n "$(pids_of sleep "$1.$U")" ]; }
gone() { ! alive "$1"; }

# At exit, whatever a failed test left, by pid.
kill_sleepers() {
	local n p
	for n in 3013 3014 3015 3016 3017 3018 3019 3020 3021; do
		for p in $(pids_of sleep "$n.$U"); do
			kill -KILL "$p" 2>/dev/null
		done
	done
}
trap 'kill_sleepers; _cleanup' EXIT

skip_all() {
	echo "ok 1 # skip $MODE: $1"
	echo "1..1"
	exit 0
}

# The directory of our own cgroup v2 (where igor makes its own).
own_cgroup_dir() {
	local cg mp
	cg=$(sed -n 's/^0:://p' /proc/self/cgroup)
	mp=$(cgroup2_mounts | head -n 1)
	[ -n "$mp" ] && [ -n "$cg" ] && echo "$mp${cg%/}"
}

case $MODE in
cgroup)
	[ "$(id -u)" = 0 ] || skip_all "needs root to create cgroups"
	CGDIR=$(own_cgroup_dir)
	[ -n "$CGDIR" ] || skip_all "no cgroup v2 hierarchy mounted"
	probe=$CGDIR/igor-test-probe.$U
	mkdir "$probe" 2>/dev/null || skip_all "cannot create a cgroup below '$CGDIR'"
	has_kill=false
	[ -e "$probe/cgroup.kill" ] && has_kill=true
	rmdir "$probe"
	$has_kill || skip_all "no cgroup.kill (Linux 5.14)"
	SAYS="each worker runs in a cgroup of its own"
	;;
subreaper)
	SAYS="workers get no cgroup of their own"
	# As root, igor could make cgroups: keep them out of its reach.  Not
	# root, it cannot anyway (unless delegated: then the log check
	# below says so).
	if [ "$(id -u)" = 0 ]; then
		igor_without_cgroups || skip_all "no unshare(1) to keep cgroups out of reach"
	fi
	;;
*)
	echo "MODE must be cgroup or subreaper" >&2
	exit 2
	;;
esac

# exec_conf NAME DIR DESCENDANTS SHELL-COMMAND: an exec.so plugin running
# sh -c SHELL-COMMAND for each file created in DIR.
exec_conf() {
	mkdir -p "$C/$2" &&
	write_conf "$1.conf" <<-EOF
	name: $1
	plugin: exec.so
	paths: [$2]
	events: [create]
	command: [sh, -c, "$4"]
	timeout: 3
	descendants: $3
	EOF
}

# start_b: a second igor on $T/conf2, its pid in B_PID, its log in b.log.
start_b() {
	IGOR_CONFIG_DIR=$T/conf2 "$IGOR" -vvvv -s "$T/b.sock" 2>"$T/b.log" &
	B_PID=$!
	track_pid $B_PID
}

# The cgroup of a process, as /proc/PID/cgroup's 0:: line.
cgroup_of() {
	sed -n 's/^0:://p' /proc/"$1"/cgroup
}

test_expect_setup "plugins whose commands leave processes behind ($MODE)" '
	exec_conf exec in kill "sleep 3013.$U & sleep 3014.$U" &&
	exec_conf bg in-bg kill "sleep 3015.$U &" &&
	exec_conf detach in-detach kill "setsid -f sleep 3016.$U" &&
	write_conf forker.conf <<-EOF &&
	name: forker
	plugin: $TPLUG/tplug.so
	spawn: "setsid -f sleep 3018.$U"
	EOF
	igor_start &&
	wait_ready exec && wait_ready bg && wait_ready detach &&
	wait_ready forker
'

test_expect_success "igor says how it ends what a worker leaves ($MODE)" '
	log_has "$SAYS"
'

test_expect_success 'SIGKILL of a worker ends both sleeps of its command (sleep 3013 & sleep 3014)' '
	: >"$C/in/go" &&
	wait_for "alive 3013 && alive 3014" 5 &&
	wpid=$(worker_pid exec) &&
	kill -KILL "$wpid" &&
	wait_for "gone 3013 && gone 3014" 5 &&
	wait_ready exec 2
'

# (tplug.so starts its sleep again in each new worker: pids tell them apart.)
test_expect_success 'a plugin process that setsid()s and forks is gone when its worker dies' '
	wait_for "alive 3018" 5 &&
	p=$(pids_of sleep 3018.$U) && wpid=$(worker_pid forker) &&
	test "$(ps -o sid= -p "$p")" != "$(ps -o sid= -p "$wpid")" &&
	kill -KILL "$wpid" &&
	wait_for "! is_running $p" 5 &&
	wait_ready forker 2
'

test_expect_success "a command's cmd & lives as long as its worker, and no longer" '
	: >"$C/in-bg/go" &&
	wait_for "log_has \"plugin bg: .sh. for create on .in-bg/go. exited 0\"" 5 &&
	alive 3015 &&
	observe_for 1 &&
	alive 3015 && is_running "$(worker_pid bg)" &&
	kill -KILL "$(worker_pid bg)" &&
	wait_for "gone 3015" 5
'

if [ "$MODE" = cgroup ]; then
test_expect_success 'each kill worker is in a cgroup of its own below igor-PID-*, gone after igor stops' '
	wpid=$(worker_pid detach) &&
	cg=$(cgroup_of "$wpid") &&
	case $cg in */igor-$IGOR_PID-*/detach.[0-9]*) ;; *) echo "cgroup $cg"; false ;; esac &&
	inst=$(cgroup2_mounts | head -n 1)${cg%/*} &&
	test -d "$inst" &&
	echo "$inst" >"$T/inst"
'
fi

test_expect_success 'stopping igor ends what a command left in a session of its own' '
	: >"$C/in-detach/go" &&
	wait_for "alive 3016" 5 &&
	wait_for "log_has \"plugin detach: .sh. for create on .in-detach/go. exited 0\"" 5 &&
	test_status 0 igor_stop &&
	wait_for "gone 3016" 5 &&
	if [ "$MODE" = cgroup ]; then ! test -d "$(cat "$T/inst")"; fi
'

test_expect_success 'descendants: keep leaves a detached process through a restart and igor stop; kill does not' '
	rm -f "$C"/*.conf &&
	exec_conf keep in-keep keep "setsid -f sleep 3017.$U" &&
	exec_conf detach in-detach kill "setsid -f sleep 3016.$U" &&
	igor_start && wait_ready keep && wait_ready detach &&
	if [ "$MODE" = cgroup ]; then
		test "$(cgroup_of "$(worker_pid keep)")" = "$(cgroup_of $IGOR_PID)" &&
		test "$(cgroup_of "$(worker_pid detach)")" != "$(cgroup_of $IGOR_PID)"
	fi &&
	: >"$C/in-keep/go" && : >"$C/in-detach/go2" &&
	wait_for "alive 3017 && alive 3016" 5 &&
	kept=$(pids_of sleep 3017.$U) &&
	test_when_finished "kill -KILL $kept" &&
	ctl restart keep detach &&
	wait_ready keep 2 && wait_ready detach 2 &&
	wait_for "gone 3016" 5 &&
	alive 3017 &&
	test_status 0 igor_stop &&
	is_running "$kept"
'

test_expect_success 'two igors with a plugin of the same name do not touch each other'"'"'s' '
	rm -f "$C"/*.conf &&
	write_conf same.conf <<-EOF &&
	name: same
	plugin: $TPLUG/tplug.so
	spawn: "setsid -f sleep 3019.$U"
	EOF
	mkdir -p "$T/conf2" &&
	sed "s/3019/3020/" "$C/same.conf" >"$T/conf2/same.conf" &&
	start_b && igor_start && wait_ready same &&
	wait_for "grep -q \"plugin .same. (pid [0-9]*) is ready\" \"$T/b.log\"" 5 &&
	wait_for "alive 3019 && alive 3020" 5 &&
	a_sleep=$(pids_of sleep 3019.$U) && b_sleep=$(pids_of sleep 3020.$U) &&
	wa=$(worker_pid same) &&
	wb=$(sed -n "s/.*plugin .same. started (pid \([0-9]*\)).*/\1/p" "$T/b.log") &&
	if [ "$MODE" = cgroup ]; then
		case $(cgroup_of "$wa") in */igor-$IGOR_PID-*/same.[0-9]*) ;; *) false ;; esac &&
		case $(cgroup_of "$wb") in */igor-$B_PID-*/same.[0-9]*) ;; *) false ;; esac
	fi &&
	kill -KILL "$wa" &&
	wait_for "! is_running $a_sleep" 5 &&
	is_running "$b_sleep" && is_running "$wb" &&
	test_status 0 igor_stop &&
	is_running "$b_sleep" && is_running "$wb" &&
	if [ "$MODE" = cgroup ]; then
		test -d "$(cgroup2_mounts | head -n 1)$(cgroup_of "$wb")"
	fi &&
	kill -TERM $B_PID && wait $B_PID &&
	wait_for "! is_running $b_sleep" 5
'

test_done
