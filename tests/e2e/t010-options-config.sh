#!/bin/bash
# igor's options, environment, precedence and -t.
. "$(dirname "$0")/lib.sh"

test_expect_success '--help prints the usage line and exits 0' '
	"$IGOR" --help >out &&
	grep -q "^usage: igor \[-v\]\.\.\. \[-c FILE\] \[-s SOCKET\] \[-t\] \[--env\] \[--version\] \[-h | --help\]$" out
'

test_expect_success 'an unknown option is a usage error: exit 2 and a message' '
	test_status 2 "$IGOR" --bogus 2>err &&
	grep -q "unknown option" err
'

test_expect_success '--version names igor and a version' '
	"$IGOR" --version >out && grep -q "^igor [0-9][0-9.]*$" out
'

test_expect_success '--env prints the four variables with defaults and meanings' '
	IGOR_CONFIG_DIR=$T/none "$IGOR" --env >out &&
	grep -q "^IGOR_CONFIG_DIR=$T/none  # default: /etc/igor; " out &&
	grep -q "^IGOR_CONFIG=$T/none/igor.conf  # default: \$IGOR_CONFIG_DIR/igor.conf; " out &&
	grep -q "^IGOR_SOCKET=.*  # default: .*; control socket$" out &&
	grep -q "^IGOR_PLUGIN_DIR=$PLUGDIR  # default: .*; " out &&
	test $(wc -l <out) -eq 4
'

test_expect_success '--env: command line beats environment beats igor.conf' '
	mkdir -p $T/p && printf "socket: /from/conf.sock\nconfig_dir: /from/conf\n" >$T/p/igor.conf &&
	IGOR_CONFIG_DIR=$T/p "$IGOR" --env >out &&
	grep -q "^IGOR_SOCKET=/from/conf.sock " out &&
	IGOR_CONFIG=$T/p/igor.conf "$IGOR" --env >out &&
	grep -q "^IGOR_CONFIG_DIR=/from/conf " out &&
	IGOR_CONFIG_DIR=$T/p IGOR_SOCKET=/from/env.sock "$IGOR" --env >out &&
	grep -q "^IGOR_SOCKET=/from/env.sock " out &&
	IGOR_CONFIG_DIR=$T/p IGOR_SOCKET=/from/env.sock "$IGOR" -s /from/cli.sock --env >out &&
	grep -q "^IGOR_SOCKET=/from/cli.sock " out &&
	IGOR_CONFIG=/nonexistent "$IGOR" -c $T/p/igor.conf --env >out &&
	grep -q "^IGOR_CONFIG=$T/p/igor.conf " out
'

test_expect_success 'igor -t on a valid directory prints nothing and exits 0' '
	mkdir -p $T/ok/w &&
	printf "name: one\nplugin: %s\npaths: [w]\n" "$TPLUG/tplug.so" >$T/ok/one.conf &&
	printf "name: two\nplugin: log.so\npaths: [w]\n" >$T/ok/two.conf &&
	IGOR_CONFIG_DIR=$T/ok "$IGOR" -t >out 2>err &&
	test ! -s out && test ! -s err
'

test_expect_success 'igor -t reports every problem as FILE:LINE: message and exits 1' '
	d=$T/bad && mkdir -p $d &&
	printf "name: good\nplugin: log.so\npaths: [.]\n" >$d/a-good.conf &&
	printf "name: broken\nplugin: [unclosed\n" >$d/b-syntax.conf &&
	printf "# no name here\nplugin: log.so\n" >$d/c-noname.conf &&
	printf -- "- a\n- list\n" >$d/d-list.conf &&
	printf "name: good\nplugin: log.so\n" >$d/e-dup.conf &&
	printf "name: missing\n\nplugin: nothere.so\n" >$d/f-missing.conf &&
	printf "name: nosym\nplugin: %s\n" "$TPLUG/nosetup.so" >$d/g-nosym.conf &&
	printf "name: abi\nplugin: %s\n" "$TPLUG/badabi.so" >$d/h-abi.conf &&
	printf "name: \"bad name\"\nplugin: log.so\nwatchdog: soon\n" >$d/i-keys.conf &&
	test_status 1 env IGOR_CONFIG_DIR=$d "$IGOR" -t 2>err &&
	cat err &&
	grep -q "^$d/b-syntax.conf:3: did not find expected .,. or .]. (a flow sequence started at line 2)$" err &&
	grep -q "^$d/c-noname.conf:2: missing key .name.$" err &&
	grep -q "^$d/d-list.conf:1: a plugin config must be a mapping" err &&
	grep -q "^$d/e-dup.conf:1: duplicate name .good.: already used by .$d/a-good.conf.$" err &&
	grep -qxF "$d/f-missing.conf:3: cannot load plugin '\''nothere.so'\'': no such file beside its config ('\''$d/nothere.so'\'') nor in the plugin directory ('\''$PLUGDIR/nothere.so'\'')" err &&
	grep -q "^$d/g-nosym.conf:2: plugin .*nosetup.so. has no symbol .setup.$" err &&
	grep -q "^$d/h-abi.conf:2: plugin .*badabi.so. was built for ABI 2, this igor provides ABI 1$" err &&
	grep -q "^$d/i-keys.conf:1: invalid name .bad name." err &&
	grep -q "^$d/i-keys.conf:3: key .watchdog. must be a number of seconds, not .soon.$" err &&
	! grep -q "^$d/a-good" err
'

test_expect_success 'igor.conf and the main config are never plugin configs' '
	d=$T/main && mkdir -p $d &&
	printf "log_level: info\n" >$d/igor.conf &&
	printf "log_level: debug\n" >$d/other-main.conf &&
	IGOR_CONFIG_DIR=$d "$IGOR" -c $d/other-main.conf -t 2>err &&
	test ! -s err
'

test_expect_success 'a broken main config fails -t naming its line; so does an unknown key' '
	d=$T/m2 && mkdir -p $d &&
	printf "stop_timeout: forever\n" >$d/igor.conf &&
	test_status 1 env IGOR_CONFIG_DIR=$d "$IGOR" -t 2>err &&
	grep -q "^$d/igor.conf:1: key .stop_timeout. must be a number of seconds, not .forever.$" err &&
	printf "colour: blue\nrestart:\n  dealy: 1\n" >$d/igor.conf &&
	test_status 1 env IGOR_CONFIG_DIR=$d "$IGOR" -t 2>err &&
	grep -qx "$d/igor.conf:1: unknown key .colour." err &&
	grep -qx "$d/igor.conf:3: unknown key .restart.dealy." err &&
	test $(wc -l <err) -eq 2
'

test_expect_success 'a config directory that cannot be read is DIR: message, with no line' '
	test_status 1 env IGOR_CONFIG_DIR=$T/nodir "$IGOR" -t 2>err &&
	echo "$T/nodir: cannot read config directory: No such file or directory" >want &&
	test_cmp want err
'

test_expect_success 'a bare plugin name found nowhere names both places tried' '
	d=$T/bare && mkdir -p $d &&
	printf "name: x\nplugin: nowhere.so\n" >$d/x.conf &&
	test_status 1 env IGOR_CONFIG_DIR=$d "$IGOR" -t 2>err &&
	echo "$d/x.conf:2: cannot load plugin '\''nowhere.so'\'': no such file beside its config ('\''$d/nowhere.so'\'') nor in the plugin directory ('\''$PLUGDIR/nowhere.so'\'')" >want &&
	test_cmp want err &&
	printf "name: y\nplugin: ./nowhere.so\n" >$d/x.conf &&
	test_status 1 env IGOR_CONFIG_DIR=$d "$IGOR" -t 2>err &&
	grep -q "cannot load plugin .$d/./nowhere.so.: " err
'

test_expect_success 'log: and syslog_facility: are checked at their lines' '
	d=$T/m3 && mkdir -p $d &&
	printf "# x\nlog: console\nsyslog_facility: kern\n" >$d/igor.conf &&
	test_status 1 env IGOR_CONFIG_DIR=$d "$IGOR" -t 2>err &&
	grep -qx "$d/igor.conf:2: key .log. must be auto, stderr, journal or syslog, not .console." err &&
	grep -qx "$d/igor.conf:3: key .syslog_facility. must be daemon, user or local0 to local7, not .kern." err &&
	test $(wc -l <err) -eq 2 &&
	printf "log: [journal]\n" >$d/igor.conf &&
	test_status 1 env IGOR_CONFIG_DIR=$d "$IGOR" -t 2>err &&
	grep -qx "$d/igor.conf:1: key .log. must be a destination" err &&
	for v in auto stderr journal syslog; do
		printf "log: $v\nsyslog_facility: local7\n" >$d/igor.conf &&
		env IGOR_CONFIG_DIR=$d "$IGOR" -t || return 1
	done
'

test_expect_success 'IGOR_CONFIG_DIR beats config_dir of igor.conf' '
	d=$T/prec && mkdir -p $d/real $d/decoy &&
	printf "config_dir: %s\n" "$d/decoy" >$d/igor.conf &&
	printf "name: x\nplugin: [bad\n" >$d/decoy/x.conf &&
	IGOR_CONFIG=$d/igor.conf "$IGOR" --env | grep -q "^IGOR_CONFIG_DIR=$d/decoy " &&
	test_status 1 env IGOR_CONFIG=$d/igor.conf "$IGOR" -t 2>/dev/null &&
	IGOR_CONFIG=$d/igor.conf IGOR_CONFIG_DIR=$d/real "$IGOR" -t
'

test_done
