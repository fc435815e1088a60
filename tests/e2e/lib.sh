# lib.sh: the end-to-end tests' one helper library, in git's t/ shape.
#
#   . "$(dirname "$0")/lib.sh"
#   test_expect_success 'crashed worker restarts with a new pid' '
#       igor_start && wait_for "grep -q ready \"\$LOG\"" 5
#   '
#   test_done
#
# Every test runs the real igor and igor-worker on a temporary directory
# ($T, removed at exit).  Processes started through this library are
# recorded and killed at exit by their own PID only.  Waits are bounded
# polls (wait_for), never fixed sleeps.  Output is TAP.  KEEP_T=1 keeps
# $T after the run, for a look at what a failing test left.

set -u
: "${IGOR_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${B:=$IGOR_TOP/build}"
case $B in /*) ;; *) B=$IGOR_TOP/$B ;; esac
IGOR=$B/igor
IGORCTL=$B/igorctl
WORKER=$B/igor-worker
TPLUG=$B/tests/plugins
PLUGDIR=$B/plugins
export IGOR_PLUGIN_DIR=$PLUGDIR
unset IGOR_CONFIG IGOR_CONFIG_DIR IGOR_SOCKET
# A PATH directory this user cannot search turns a command's ENOENT into
# EACCES (execvp's rule); keep only the ones we can use.
PATH=$(IFS=:; for d in $PATH; do [ -x "$d" ] && printf '%s:' "$d"; done)
PATH=${PATH%:}

T=$(mktemp -d "${TMPDIR:-/tmp}/igor-test.XXXXXX") || exit 1
cd "$T" || exit 1
LOG=$T/igor.log
SOCK=$T/igor.sock
IGOR_PID=
test_count=0
test_failed=0
_pids=""
_finally=""

# Sanitized builds are slower: poll timeouts stretch, never shrink.
if [ -n "${IGOR_TEST_SANITIZED:-}" ]; then
	TIME_SCALE=4
else
	TIME_SCALE=1
fi

_atexit=""
_cleanup() {
	local p
	for p in $_pids; do
		kill -KILL "$p" 2>/dev/null
	done
	for p in $_pids; do
		wait "$p" 2>/dev/null
	done
	eval "$_atexit" >/dev/null 2>&1
	_cleanup_cgroups
	cd / || return
	[ -n "${KEEP_T:-}" ] || rm -rf "$T"
}

# An igor killed here could not remove its cgroup directory (igor(8),
# PROCESSES): igor-PID-NONCE below our own cgroup, which it inherited.
# Ends what is left in each leaf and removes them.
_cleanup_cgroups() {
	local base d l i
	base=$(cgroup2_mounts | head -n 1)$(sed -n 's/^0:://p' /proc/self/cgroup)
	for p in $_pids; do
		for d in "${base%/}"/igor-"$p"-*; do
			[ -d "$d" ] || continue
			for l in "$d"/*/; do
				[ -d "$l" ] || continue
				echo 1 >"$l/cgroup.kill" 2>/dev/null
				for i in $(seq 100); do
					rmdir "$l" 2>/dev/null && break
					sleep 0.02
				done
			done
			rmdir "$d" 2>/dev/null
		done
	done
}
trap _cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '# %s\n' "$*"; }

# Registers a cleanup for the end of the script, however it ends, run
# after the processes it started are killed (git's test_atexit).
test_atexit() {
	_atexit="$1
$_atexit"
}

# Registers a cleanup for the current test.
test_when_finished() {
	_finally="$1
$_finally"
}

_test_body() {
	eval "$1"
}

test_expect_success() {
	local title=$1 body=$2 rc
	test_count=$((test_count + 1))
	_finally=""
	# In this shell, as git's tests do, so igor_start's IGOR_PID lasts;
	# in a function of its own, so a "return 1" in a body fails the test
	# instead of leaving test_expect_success unreported.
	_test_body "$body" >"$T/.out" 2>&1 </dev/null
	rc=$?
	cd "$T" || exit 1
	eval "$_finally" >/dev/null 2>&1
	if [ $rc -eq 0 ]; then
		echo "ok $test_count - $title"
		# Figures a test prints as "measured: ..." are kept as comments.
		sed -n 's/^measured: /# measured: /p' "$T/.out"
	else
		echo "not ok $test_count - $title"
		sed 's/^/#   /' "$T/.out" | tail -n 40
		test_failed=$((test_failed + 1))
	fi
}

# Setup goes in an assertion too; when it fails, nothing else runs.
test_expect_setup() {
	local before=$test_failed
	test_expect_success "$@"
	if [ $test_failed -ne $before ]; then
		say "setup failed; skipping the rest"
		test_done
	fi
}

test_skip() {
	test_count=$((test_count + 1))
	echo "ok $test_count # skip $1 ($2)"
}

test_done() {
	echo "1..$test_count"
	[ $test_failed -eq 0 ] && exit 0
	exit 1
}

# Fails (with a message) unless "$@" exits non-zero without a signal.
test_must_fail() {
	"$@"
	local rc=$?
	if [ $rc -eq 0 ]; then
		echo "test_must_fail: '$*' succeeded" >&2
		return 1
	fi
	if [ $rc -gt 128 ]; then
		echo "test_must_fail: '$*' died of signal $((rc - 128))" >&2
		return 1
	fi
	return 0
}

# Exit status of "$@" must be exactly $1.
test_status() {
	local want=$1 rc
	shift
	"$@"
	rc=$?
	[ $rc -eq "$want" ] && return 0
	echo "test_status: '$*' exited $rc, want $want" >&2
	return 1
}

test_cmp() {
	diff -u "$1" "$2"
}

# wait_for 'shell condition' SECONDS: polls every 20 ms, bounded.
wait_for() {
	local cond=$1 limit=$(( ${2:-5} * TIME_SCALE * 50 )) i=0
	while [ $i -lt $limit ]; do
		eval "$cond" && return 0
		sleep 0.02
		i=$((i + 1))
	done
	echo "wait_for: timed out after $(( ${2:-5} * TIME_SCALE )) s: $cond" >&2
	return 1
}

# Is PID running (not gone, not a zombie waiting for our wait)?
is_running() {
	[ -r /proc/"$1"/status ] && ! grep -q '^State:.*Z' /proc/"$1"/status 2>/dev/null
}

# observe_for SECONDS: a measurement window (counting what happens in it),
# never a way to wait for something: that is wait_for.
observe_for() {
	sleep "$1"
}

# share_build [USER]: for tests that run something as another user (by
# default nobody).  The build may sit in a checkout that user cannot enter
# (a clone under /root, or any mktemp -d: mode 0700), so this copies igor,
# igor-worker, igorctl, the plugins and the test plugins into $T/shared,
# readable by all, and points IGOR, IGORCTL, WORKER, PLUGDIR, TPLUG and
# IGOR_PLUGIN_DIR at the copy (a build tree in its own right: igor finds
# the worker and plugins beside it).  Fails, saying why, when USER cannot
# reach the copy ($TMPDIR itself closed to them).
share_build() {
	local s=$T/shared who=${1:-nobody}
	chmod go+x "$T" && mkdir -p "$s/plugins" "$s/tests/plugins" &&
	cp "$IGOR" "$WORKER" "$s/" &&
	{ [ ! -x "$IGORCTL" ] || cp "$IGORCTL" "$s/"; } &&
	cp "$PLUGDIR"/*.so "$s/plugins/" &&
	cp "$TPLUG"/*.so "$s/tests/plugins/" &&
	chmod -R a+rX "$s" || return 1
	if ! setpriv --reuid="$who" --regid="$(id -g "$who")" --clear-groups -- \
		test -x "$s/igor-worker" -a -r "$s/tests/plugins/tplug.so"; then
		echo "share_build: $who cannot reach $s; is ${TMPDIR:-/tmp} open to others?" >&2
		return 1
	fi
	IGOR=$s/igor IGORCTL=$s/igorctl WORKER=$s/igor-worker
	PLUGDIR=$s/plugins TPLUG=$s/tests/plugins
	export IGOR_PLUGIN_DIR=$PLUGDIR
}

# own_mount_ns WHAT: runs this script again, from the start, in a mount
# namespace of its own (unshare -m, private propagation), where it may
# mount what it likes: every mount goes with the namespace, which ends
# with its last process (killed at exit as any other).  Skips the script
# (WHAT, and why) when not root or when unshare -m is not available.
own_mount_ns() {
	local why= self
	[ -n "${IGOR_OWN_MOUNT_NS:-}" ] && return 0
	if [ "$(id -u)" != 0 ]; then
		why='needs root'
	elif ! command -v unshare >/dev/null 2>&1; then
		why='unshare is not installed'
	elif ! unshare -m --propagation private true 2>/dev/null; then
		why='unshare -m is not allowed here'
	fi
	if [ -n "$why" ]; then
		test_skip "$1" "$why"
		test_done
	fi
	self=$IGOR_TOP/tests/e2e/$(basename "$0")
	cd / && rm -rf "$T" && trap - EXIT
	IGOR_OWN_MOUNT_NS=1 exec unshare -m --propagation private bash "$self"
}

# fresh_run: in own_mount_ns only, a fresh tmpfs on /run/systemd and on
# /run/log (on /run itself where they do not exist), and on
# /var/log/journal where it exists, so that what a journald or a syslog
# receiver writes here never reaches the machine's files.
fresh_run() {
	[ -n "${IGOR_OWN_MOUNT_NS:-}" ] || return 1
	if [ -d /run/systemd ] && [ -d /run/log ]; then
		mount -t tmpfs -o mode=0755 igor-test /run/systemd &&
		mount -t tmpfs -o mode=0755 igor-test /run/log
	else
		mount -t tmpfs -o mode=0755 igor-test /run &&
		mkdir /run/systemd /run/log
	fi || return 1
	if [ -d /var/log/journal ]; then
		mount -t tmpfs igor-test /var/log/journal || return 1
	fi
	mkdir -p /run/systemd/journal
}

# Records a PID for the cleanup at exit.
track_pid() {
	_pids="$_pids $1"
}

# The log as it is now, for assertions: greps need not race the writer.
log_has() {
	grep -q -- "$1" "$LOG"
}

log_count() {
	grep -c -- "$1" "$LOG" | tr -d ' '
}

# igor_start [igor options...]: runs igor on $T/conf with -vvvv, its
# stderr in $LOG, and waits until it has started its workers.
igor_start() {
	mkdir -p "$T/conf"
	: >"$LOG"
	IGOR_CONFIG_DIR=$T/conf "$IGOR" -vvvv -s "$SOCK" "$@" 2>>"$LOG" &
	IGOR_PID=$!
	track_pid $IGOR_PID
	wait_for "log_has 'igor [0-9.]* started' || ! kill -0 $IGOR_PID 2>/dev/null" 5 &&
		kill -0 $IGOR_PID 2>/dev/null
}

# The mount points of the cgroup v2 hierarchies, from mountinfo.
cgroup2_mounts() {
	sed -n 's/^[^ ]* [^ ]* [^ ]* [^ ]* \([^ ]*\) .* - cgroup2 .*/\1/p' \
		/proc/self/mountinfo
}

# igor_without_cgroups: from now on "$IGOR" runs igor in a mount
# namespace of its own where every cgroup2 mount is read-only, as on a
# machine that lets igor create no cgroup (igor then uses child
# subreapers).  Needs root and unshare(1); returns 1 without them.
igor_without_cgroups() {
	[ "$(id -u)" = 0 ] && command -v unshare >/dev/null || return 1
	cat >"$T/igor-nocg" <<-EOF
	#!/bin/sh
	exec unshare -m --propagation private sh -c '
		for m in \$(sed -n "s/^[^ ]* [^ ]* [^ ]* [^ ]* \\([^ ]*\\) .* - cgroup2 .*/\\1/p" /proc/self/mountinfo); do
			mount -o remount,bind,ro "\$m" || exit 1
		done
		exec "\$0" "\$@"' "$IGOR" "\$@"
	EOF
	chmod +x "$T/igor-nocg" && IGOR=$T/igor-nocg
}

# IGOR_TEST_NO_CGROUP=1 runs every test's igor without cgroups (as root).
if [ -n "${IGOR_TEST_NO_CGROUP:-}" ]; then
	igor_without_cgroups
fi

# igor_serve [NAME=VALUE...]: igor on $T/conf with -vvvv and these
# variables, its stderr in $LOG, for a test whose log goes elsewhere
# (the journal, syslog): up once its control socket answers.
igor_serve() {
	: >"$LOG"
	env "$@" IGOR_CONFIG_DIR="$T/conf" "$IGOR" -vvvv -s "$SOCK" 2>>"$LOG" &
	IGOR_PID=$!
	track_pid $IGOR_PID
	wait_for "ctl status >/dev/null 2>&1; [ \$? -ne 1 ]" 10
}

# igor_bg LOGFILE [igor options...]: another igor on $T/conf, for tests
# that compare runs; its pid in BG_PID.
igor_bg() {
	local log=$1
	shift
	IGOR_CONFIG_DIR=$T/conf $IGOR -s "$SOCK" "$@" 2>"$log" &
	BG_PID=$!
	track_pid $BG_PID
}

# Stops igor with SIGTERM and waits for it; returns its exit status.
igor_stop() {
	[ -n "$IGOR_PID" ] || return 0
	kill -TERM "$IGOR_PID" 2>/dev/null
	wait "$IGOR_PID"
	local rc=$?
	IGOR_PID=
	return $rc
}

# The pid of plugin NAME's current worker, from the log ("started (pid N)").
worker_pid() {
	sed -n "s/.*plugin '$1' started (pid \([0-9]*\)).*/\1/p" "$LOG" | tail -n 1
}

# Waits until plugin NAME's worker reported ready; prints nothing.
wait_ready() {
	wait_for "[ \$(grep -c \"plugin '$1' (pid [0-9]*) is ready\" \"\$LOG\") -ge ${2:-1} ]" "${3:-5}"
}

# write_conf FILE <<EOF ... : a plugin config in $T/conf.
write_conf() {
	mkdir -p "$T/conf"
	cat >"$T/conf/$1"
}

# igorctl on this test's socket.
ctl() { "$IGORCTL" -s "$SOCK" "$@"; }

# json_get NAME KEY: one value of `igorctl status --json`, as Python's repr.
json_get() {
	ctl status --json | python3 -c "
import json, sys
for w in json.load(sys.stdin):
    if w['name'] == sys.argv[1]:
        print(repr(w[sys.argv[2]]))
" "$1" "$2"
}

state_is() { [ "$(json_get "$1" state)" = "'$2'" ]; }

# The containers tests: example_fs's fake engine in a copy under $T/conf.
ENGINE=$T/conf/engine.log

# copy_engine: bin/fake-engine and the containers directories of example_fs.
copy_engine() {
	mkdir -p "$T/conf" &&
	cp -a "$IGOR_TOP/example_fs/bin" "$IGOR_TOP/example_fs/containers-available" \
		"$IGOR_TOP/example_fs/containers-enabled" "$T/conf/"
}

# engine_has LINE: the fake engine was asked exactly this.
engine_has() {
	grep -qxF -- "$1" "$ENGINE" 2>/dev/null
}

engine_count() {
	grep -cxF -- "$1" "$ENGINE" 2>/dev/null | tr -d ' '
}

# copy_test_engine: copy_engine, plus tests/e2e/fakes/engine as bin/engine:
# the fake with levers (failures, holds; see the script).
CALLS=$T/conf/engine.calls
copy_test_engine() {
	copy_engine && cp "$IGOR_TOP/tests/e2e/fakes/engine" "$T/conf/bin/engine"
}

# calls_count LINE: how often the fake engine was called so, failures too.
calls_count() {
	grep -cxF -- "$1" "$CALLS" 2>/dev/null | tr -d ' '
}

# The containers.so recipes of the docs, as written (t613, t614).

# Each recipe of a README's ```yaml blocks, then "---".
md_recipes() {
	awk '/^```yaml$/ { on = 1; buf = ""; next }
	     on && /^```$/ { on = 0; if (buf ~ /plugin: containers.so/) printf "%s---\n", buf; next }
	     on { buf = buf $0 "\n" }' "$1"
}

# Each recipe of a man page's literal displays, unescaped, then "---".
man_recipes() {
	awk '/^\.Bd -literal/ { on = 1; buf = ""; next }
	     on && /^\.Ed/ { on = 0; if (buf ~ /plugin: containers.so/) printf "%s---\n", buf; next }
	     on { buf = buf $0 "\n" }' "$1" | sed 's/\\e/\\/g; s/\\-/-/g; s/\\&//g'
}

# The recipe in a config's comment: its lines indented by "#   ".
comment_recipe() {
	sed -n 's/^#   //p' "$1"
	echo ---
}

# The children of a pid (for leak checks of process trees).
children_of() {
	local c
	c=$(cat /proc/"$1"/task/*/children 2>/dev/null)
	echo $c
}

fd_count() {
	ls /proc/"$1"/fd 2>/dev/null | wc -l
}

# inotify_watches PID: the inotify watches PID holds, from the kernel's list.
inotify_watches() {
	cat /proc/"$1"/fdinfo/* 2>/dev/null | grep -c '^inotify wd:'
}

# overflow_while_stopped NAME DIR [PREFIX]: more entries than
# max_queued_events made in DIR (PREFIX1, PREFIX2, ...; default f) while
# plugin NAME's worker is stopped, so its queue overflows.  The sysctl is
# machine-wide: tests never lower it.
overflow_while_stopped() {
	local pid n rc
	pid=$(worker_pid "$1") &&
	n=$(($(cat /proc/sys/fs/inotify/max_queued_events) + 100)) &&
	kill -STOP "$pid" || return 1
	(cd "$2" && seq -f "${3:-f}%g" "$n" | xargs touch)
	rc=$?
	kill -CONT "$pid"
	return $rc
}
