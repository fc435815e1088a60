#!/bin/bash
# File trust, as sshd's StrictModes: igor running as root refuses a plugin
# .so or plugin config that anyone but root could change, naming the file
# and the reason; -t reports the same.  A non-root igor trusts its files.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ]; then
	test_skip 'file trust checks' 'they apply only when igor runs as root'
	test_done
fi

L=$T/lib
chmod 755 "$T" && mkdir -p "$L" "$T/open" "$T/sticky" "$T/conf" &&
chmod 755 "$L" "$T/conf" && chmod 777 "$T/open" && chmod 1777 "$T/sticky" &&
for p in gw ww nobody; do cp "$TPLUG/tplug.so" "$L/$p.so" || exit 1; done &&
cp "$TPLUG/tplug.so" "$T/open/p.so" && cp "$TPLUG/tplug.so" "$T/sticky/p.so" &&
chmod 664 "$L/gw.so" && chmod 646 "$L/ww.so" && chown nobody "$L/nobody.so" &&
chmod 644 "$T/open/p.so" "$T/sticky/p.so" || exit 1

plugin_conf() { # FILE NAME PLUGIN
	write_conf "$1" <<-EOF
	name: $2
	plugin: $3
	EOF
}

test_expect_setup 'igor starts with plugins of every kind of mode' '
	printf "restart: {delay: 0.05}\n" >$T/conf/igor.conf &&
	plugin_conf gw.conf gw "$L/gw.so" &&
	plugin_conf ww.conf ww "$L/ww.so" &&
	plugin_conf nobody.conf nobody "$L/nobody.so" &&
	plugin_conf open.conf open "$T/open/p.so" &&
	plugin_conf sticky.conf sticky "$T/sticky/p.so" &&
	plugin_conf dropww.conf dropww "$L/ww.so" &&
	echo "user: nobody" >>$T/conf/dropww.conf &&
	igor_start
'

test_expect_success 'a group-writable plugin .so is refused, naming it (state failed)' '
	wait_for "log_has \"plugin .gw. failed: cannot load plugin .$L/gw.so.: .$L/gw.so. is writable by group or others\""
'

test_expect_success 'a world-writable plugin .so is refused' '
	wait_for "log_has \"plugin .ww. failed: cannot load plugin .$L/ww.so.: .$L/ww.so. is writable by group or others\""
'

test_expect_success 'a worker dropped to user: nobody refuses it too (igor is root)' '
	wait_for "log_has \"plugin .dropww. failed: cannot load plugin .$L/ww.so.: .$L/ww.so. is writable by group or others\""
'

test_expect_success 'a plugin .so owned by another user is refused, naming the uid' '
	wait_for "log_has \"plugin .nobody. failed: cannot load plugin .$L/nobody.so.: .$L/nobody.so. is owned by uid $(id -u nobody), not root\""
'

test_expect_success 'a plugin .so in a world-writable directory is refused, naming it' '
	wait_for "log_has \"plugin .open. failed: cannot load plugin .$T/open/p.so.: .$T/open. is writable by group or others\""
'

test_expect_success 'a plugin .so in a sticky root directory (like /tmp) runs' '
	wait_ready sticky
'

test_expect_success 'igor -t reports each refusal as FILE:LINE: message and exits 1' '
	IGOR_CONFIG_DIR=$T/conf test_status 1 "$IGOR" -t -s "$SOCK" 2>$T/check.err;
	cat $T/check.err &&
	grep -qx "$T/conf/gw.conf:2: cannot load plugin .$L/gw.so.: .$L/gw.so. is writable by group or others" $T/check.err &&
	grep -qx "$T/conf/nobody.conf:2: cannot load plugin .$L/nobody.so.: .$L/nobody.so. is owned by uid $(id -u nobody), not root" $T/check.err &&
	grep -qx "$T/conf/open.conf:2: cannot load plugin .$T/open/p.so.: .$T/open. is writable by group or others" $T/check.err &&
	! grep -q sticky $T/check.err
'

test_expect_success 'fixed modes and a reload: the refused plugin starts' '
	chmod 644 "$L/gw.so" &&
	kill -HUP $IGOR_PID &&
	wait_ready gw
'

if grep -q trust_check "$IGOR_TOP/supervisor/conf.c"; then
test_expect_success 'a group-writable plugin config is refused with FILE:LINE; others run' '
	plugin_conf cfgw.conf cfgw "$TPLUG/tplug.so" &&
	chmod 664 $T/conf/cfgw.conf &&
	IGOR_CONFIG_DIR=$T/conf test_status 1 "$IGOR" -t -s "$SOCK" 2>$T/check2.err;
	cat $T/check2.err &&
	grep -q "^$T/conf/cfgw.conf:1: .$T/conf/cfgw.conf. is writable by group or others" $T/check2.err &&
	kill -HUP $IGOR_PID &&
	wait_for "log_has \"$T/conf/cfgw.conf:1: .$T/conf/cfgw.conf. is writable by group or others\"" &&
	! log_has "plugin .cfgw. started" &&
	kill -0 $(worker_pid sticky)
'
else
	test_skip 'a group-writable plugin config is refused' \
		'supervisor/conf.c does not call trust_check yet'
fi

test_expect_success 'igor not running as root trusts group-writable files' '
	command -v setpriv >/dev/null || { echo "no setpriv"; false; } &&
	share_build &&
	mkdir -p $T/conf2 && chmod 755 $T/conf2 &&
	printf "name: gw2\nplugin: $L/ww.so\n" >$T/conf2/gw2.conf &&
	chmod 666 $T/conf2/gw2.conf &&
	IGOR_CONFIG_DIR=$T/conf2 setpriv --reuid=nobody --regid=nogroup \
		--clear-groups "$IGOR" -t -s "$T/conf2/s" 2>$T/check3.err;
	rc=$?; cat $T/check3.err; test $rc = 0
'

test_done
