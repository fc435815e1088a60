#!/bin/bash
# The repair after IN_Q_OVERFLOW (SPEC.md, "Recursive watches"): the
# worker walks its trees again, adds the watches of directories made
# while events were lost, drops those of directories gone, follows the
# ones moved, logs a WARNING with what it found, and only then delivers
# the overflow; with IGOR_RECRAWL every entry comes again as a synthetic
# create.  The queue is overflowed by creating more entries than
# max_queued_events while the worker is stopped: the sysctl is
# machine-wide and never lowered.
. "$(dirname "$0")/lib.sh"

W=$T/w
R=$T/r
MAX=$(cat /proc/sys/fs/inotify/max_queued_events)
mkdir -p "$W/flood" "$W/gone/sub" "$W/m/deep" "$R/flood"

watches() { inotify_watches "$(worker_pid "$1")"; }

test_expect_setup 'two trees: one plain, one with IGOR_RECRAWL' '
	write_conf repair.conf <<-EOF &&
	name: repair
	plugin: $TPLUG/t15_tree.so
	root: $W
	mask: 0x100
	mute: f
	EOF
	write_conf recrawl.conf <<-EOF &&
	name: recrawl
	plugin: $TPLUG/t15_tree.so
	root: $R
	mask: 0x100
	recrawl: true
	EOF
	igor_start && wait_ready repair && wait_ready recrawl &&
	test $(watches repair) -eq 6
'

test_expect_success 'what changed while events were lost is repaired before the overflow is delivered' '
	pid=$(worker_pid repair) &&
	kill -STOP $pid &&
	test_when_finished "kill -CONT $pid" &&
	(cd "$W/flood" && seq -f "f%g" $((MAX + 100)) | xargs touch) &&
	mkdir -p "$W/new/a/b" && rm -rf "$W/gone" && mv "$W/m" "$W/moved" &&
	kill -CONT $pid &&
	wait_for "log_has \"plugin repair: EV wd=-1 mask=0x4000\"" 20 &&
	grep -n "WARNING plugin repair: inotify queue overflowed: walked [0-9]* directories of 1 watch(es) again in [0-9]* ms: 3 watch(es) added, 2 dropped, 1 moved, 0 entries reported again" "$LOG" >warn &&
	grep -n "plugin repair: EV wd=-1 mask=0x4000" "$LOG" >ovf &&
	test $(cut -d: -f1 warn) -lt $(cut -d: -f1 ovf) &&
	test $(watches repair) -eq $(find "$W" -type d | wc -l)
'

test_expect_success 'after the repair, events of new and moved directories carry their paths' '
	: >"$W/new/a/b/x" && : >"$W/moved/deep/y" &&
	wait_for "log_has \"plugin repair: EV wd=[0-9]* mask=0x100 cookie=0 name=.x. path=.$W/new/a/b/x.\"" 10 &&
	wait_for "log_has \"plugin repair: EV wd=[0-9]* mask=0x100 cookie=0 name=.y. path=.$W/moved/deep/y.\"" 10 &&
	! log_has "plugin repair: EV .* synthetic "
'

test_expect_success 'with IGOR_RECRAWL, every entry comes again as a synthetic create, then the overflow' '
	n=$((MAX + 100)) &&
	overflow_while_stopped recrawl "$R/flood" &&
	wait_for "log_has \"plugin recrawl: EV wd=-1 mask=0x4000\"" 20 &&
	sed -n "s/.*plugin recrawl: EV wd=[0-9]* mask=0x100\( synthetic\)\{0,1\} cookie=0 name=.\(f[0-9]*\). path=.*/\2/p" "$LOG" |
		sort -u >seen &&
	test $(wc -l <seen) -eq $n &&
	echo "measured: $(grep -c "plugin recrawl: EV .* synthetic .*name=.f" "$LOG") synthetic creates for $n files"
'

igor_stop
test_done
