#!/bin/bash
# user:/group: in a plugin config: the worker drops to them (groups, gid,
# uid, each checked) before loading the plugin, sets no_new_privs unless
# told not to, keeps its parent-death signal, and cannot climb back.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ]; then
	test_skip 'privilege drop to user nobody' 'needs root'
	test_done
fi
if ! id nobody >/dev/null 2>&1 || ! getent group daemon >/dev/null; then
	test_skip 'privilege drop to user nobody' 'no user nobody or group daemon'
	test_done
fi

# nobody must be able to enter its config's directory, and to read the
# plugin, which the checkout (mode 0700, maybe) does not let it reach.
chmod 755 "$T" && mkdir -p "$T/conf" "$T/pub" && chmod 755 "$T/conf" "$T/pub" &&
cp "$TPLUG/t8_priv.so" "$T/pub/t8_priv.so" && chmod 644 "$T/pub/t8_priv.so" || exit 1
PRIV=$T/pub/t8_priv.so
NOBODY_UID=$(id -u nobody)
NOBODY_GID=$(id -g nobody)
NOBODY_GROUPS=$(id -G nobody | tr ' ' '\n' | sort -n | tr '\n' ' ')
DAEMON_GID=$(getent group daemon | cut -d: -f3)

status_of() { # PID FIELD: the values of FIELD in /proc/PID/status
	sed -n "s/^$2:[[:space:]]*//p" /proc/"$1"/status | tr -s '\t ' ' '
}

groups_of() { # PID: its supplementary groups, sorted
	status_of "$1" Groups | tr ' ' '\n' | grep . | sort -n | tr '\n' ' '
}

test_expect_setup 'workers with user: start and get ready' '
	share_build &&
	write_conf drop.conf <<-EOF &&
	name: drop
	plugin: $PRIV
	user: nobody
	EOF
	write_conf keep.conf <<-EOF &&
	name: keepnnp
	plugin: $PRIV
	user: nobody
	no_new_privs: false
	EOF
	write_conf grp.conf <<-EOF &&
	name: grp
	plugin: $PRIV
	user: nobody
	group: daemon
	EOF
	write_conf root.conf <<-EOF &&
	name: asroot
	plugin: $PRIV
	EOF
	igor_start && wait_ready drop && wait_ready keepnnp && wait_ready grp &&
	wait_ready asroot
'

test_expect_success 'user: nobody runs the worker as nobody: uid, gid and groups' '
	pid=$(worker_pid drop) &&
	test "$(status_of $pid Uid)" = "$NOBODY_UID $NOBODY_UID $NOBODY_UID $NOBODY_UID" &&
	test "$(status_of $pid Gid)" = "$NOBODY_GID $NOBODY_GID $NOBODY_GID $NOBODY_GID" &&
	test "$(groups_of $pid)" = "$NOBODY_GROUPS" &&
	log_has "plugin drop: PRIV uid=$NOBODY_UID/$NOBODY_UID/$NOBODY_UID gid=$NOBODY_GID/$NOBODY_GID/$NOBODY_GID"
'

test_expect_success 'a worker without user: keeps root' '
	pid=$(worker_pid asroot) &&
	test "$(status_of $pid Uid)" = "0 0 0 0"
'

test_expect_success 'the dropped plugin cannot regain root: setuid, setgid, setgroups fail' '
	log_has "plugin drop: REGAIN setuid(0)=Operation not permitted setgid(0)=Operation not permitted setgroups=Operation not permitted" &&
	pid=$(worker_pid drop) &&
	test "$(status_of $pid CapEff)" = 0000000000000000 &&
	test "$(status_of $pid CapPrm)" = 0000000000000000 &&
	test "$(status_of $pid Uid)" = "$NOBODY_UID $NOBODY_UID $NOBODY_UID $NOBODY_UID"
'

test_expect_success 'no_new_privs is set by default' '
	test "$(status_of $(worker_pid drop) NoNewPrivs)" = 1 &&
	log_has "plugin drop: PRIV .* nnp=1"
'

test_expect_success 'no_new_privs: false leaves it unset' '
	test "$(status_of $(worker_pid keepnnp) NoNewPrivs)" = 0 &&
	log_has "plugin keepnnp: PRIV .* nnp=0"
'

test_expect_success 'group: sets the gid; the supplementary groups are the user'"'"'s' '
	pid=$(worker_pid grp) &&
	test "$(status_of $pid Gid)" = "$DAEMON_GID $DAEMON_GID $DAEMON_GID $DAEMON_GID" &&
	test "$(status_of $pid Uid)" = "$NOBODY_UID $NOBODY_UID $NOBODY_UID $NOBODY_UID" &&
	groups_of $pid | grep -qw "$DAEMON_GID"
'

test_expect_success 'a dropped worker runs in its config file'"'"'s directory' '
	test "$(readlink /proc/$(worker_pid drop)/cwd)" = "$T/conf"
'

test_expect_success 'a user: igor cannot drop to is refused at its line; the plugin never runs' '
	write_conf bad.conf <<-EOF &&
	name: nouser
	plugin: $PRIV
	user: "4000000"
	EOF
	kill -HUP $IGOR_PID &&
	wait_for "log_has \"bad.conf:3: user .4000000. has no passwd entry: set .group. too; skipped\"" &&
	! log_has "plugin nouser: PRIV"
'

test_expect_success 'a dropped worker dies with igor (parent-death signal re-armed)' '
	pid=$(worker_pid drop) && kill -0 $pid &&
	test_when_finished "kill -KILL $pid 2>/dev/null" &&
	kill -KILL $IGOR_PID && wait $IGOR_PID; IGOR_PID= &&
	wait_for "! kill -0 $pid 2>/dev/null" 5
'

test_done
