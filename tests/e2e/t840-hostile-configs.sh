#!/bin/bash
# Hostile config files: an alias bomb, a file over 1 MiB, too many nodes,
# nesting too deep, keys of the wrong type, bytes that are not YAML, a
# FIFO.  Each is reported as FILE:LINE: message and skipped, quickly and
# in bounded memory; every other plugin runs; igor -t reports them all.
. "$(dirname "$0")/lib.sh"

C=$T/conf
mkdir -p "$C"
printf 'restart: {delay: 0.05}\n' >"$C/igor.conf"

hostile_configs() {
	cat >"$C/bomb.conf" <<-'EOF'
	name: bomb
	plugin: tplug.so
	a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
	b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
	c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
	d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
	e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]
	EOF
	{ printf 'name: huge\nplugin: tplug.so\n' &&
	  head -c 1100000 /dev/zero | tr '\0' '#'; echo; } >"$C/huge.conf" &&
	{ printf 'name: many\nplugin: tplug.so\nx: [' &&
	  yes 1, | head -n 120000 | tr -d '\n' && echo '1]'; } >"$C/many.conf" &&
	{ printf 'name: deep\nplugin: tplug.so\nx: ' &&
	  printf '[%.0s' $(seq 40) && printf 1 && printf ']%.0s' $(seq 40) &&
	  echo; } >"$C/deep.conf" &&
	cat >"$C/types.conf" <<-'EOF' &&
	name: [not, a, string]
	plugin: {a: b}
	user: [root]
	no_new_privs: maybe
	watchdog: soon
	log_level: {x: 1}
	EOF
	printf 'name: bad\377\nplugin: tplug.so\n' >"$C/utf8.conf" &&
	printf 'name: nul\nplugin: tplug.so\0\n' >"$C/nul.conf" &&
	mkfifo "$C/fifo.conf" &&
	write_conf good.conf <<-EOF
	name: good
	plugin: $TPLUG/tplug.so
	EOF
}

# The problems igor must report, one a line, FILE:LINE: message.
cat >"$T/expect" <<EOF
$C/bomb.conf:4: aliases are not supported
$C/bomb.conf:5: aliases are not supported
$C/bomb.conf:6: aliases are not supported
$C/bomb.conf:7: aliases are not supported
$C/deep.conf:3: nesting deeper than 32 levels
$C/fifo.conf:1: cannot read '$C/fifo.conf': Invalid argument
$C/huge.conf:1: cannot read '$C/huge.conf': File too large
$C/many.conf:3: more than 100000 nodes
$C/nul.conf:2: control characters are not allowed
$C/types.conf:1: key 'name' must be a string
$C/types.conf:2: key 'plugin' must be a plugin file, as path/to/plugin.so[:symbol]
$C/types.conf:3: key 'user' must be a user or group name
$C/types.conf:4: key 'no_new_privs' must be true or false, not 'maybe'
$C/types.conf:5: key 'watchdog' must be a number of seconds, not 'soon'
$C/types.conf:6: key 'log_level' must be a level name
$C/utf8.conf:1: invalid leading UTF-8 octet
EOF

# Every expected problem is in igor's log at ERROR.
all_logged() {
	local line
	while read -r line; do
		grep -qF "ERROR igor: $line" "$LOG" || {
			echo "not logged: $line"
			return 1
		}
	done <"$T/expect"
}

test_expect_setup 'a config directory full of hostile files' '
	hostile_configs
'

test_expect_success 'igor -t reports each as FILE:LINE: message and exits 1, within 10 s' '
	IGOR_CONFIG_DIR=$C test_status 1 timeout 10 "$IGOR" -t -s "$SOCK" 2>$T/check.err &&
	sort -u $T/check.err >$T/actual &&
	test_cmp $T/expect $T/actual
'

test_expect_success 'an alias bomb costs one bounded list of messages, not its expansion' '
	n=$(grep -c "bomb.conf:[0-9]*: aliases are not supported" $T/check.err) &&
	test "$n" -ge 1 && test "$n" -le 100
'

test_expect_success 'igor runs the good plugin and skips each hostile file with its reason' '
	igor_start && wait_ready good && all_logged &&
	test $(log_count "plugin .[a-z]*. started") = 1
'

test_expect_success 'a reload over the same files keeps igor and the good plugin up' '
	pid=$(worker_pid good) &&
	kill -HUP $IGOR_PID &&
	wait_for "[ \$(log_count \"igor: reloading\") -ge 1 ]" &&
	wait_for "[ \$(log_count \"bomb.conf:4: aliases are not supported\") -ge 2 ]" &&
	kill -0 $IGOR_PID && test "$(worker_pid good)" = "$pid" && kill -0 $pid
'

test_done
