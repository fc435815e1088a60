#!/bin/bash
# Hostile paths: a watched directory whose name holds a newline, and file
# names with a newline, invalid UTF-8, a backslash, ESC and a tab.  The
# plugin gets every byte intact (its lstat of the event's path works), and
# each log record stays one line of valid UTF-8: control characters,
# backslashes and bytes outside valid UTF-8 are written as C escapes; valid
# UTF-8 is kept as it is (igor(8)'s log format).
. "$(dirname "$0")/lib.sh"

D="$T/we"$'\n'"ird dir"
mkdir -p "$D" "$T/conf"

hexof() {
	printf '%s' "$1" | od -An -tx1 | tr -d ' \n'
}

test_expect_setup 'a plugin watches a directory whose name holds a newline' '
	write_conf paths.conf <<-EOF &&
	name: paths
	plugin: $TPLUG/t8_paths.so
	paths: ["$T/we\nird dir"]
	EOF
	igor_start && wait_ready paths &&
	log_has "plugin paths: watching .$T/we\\\\nird dir."
'

# name as created | as it must appear in the log between the quotes
NAMES=(
	$'new\nline'		'new\nline'
	$'bad\xffname\xc3'	'bad\xffname\xc3'
	'back\slash'		'back\\slash'
	$'esc\x1b[2Jname'	'esc\x1b[2Jname'
	$'tab\tname'		'tab\tname'
	'café'			'café'
)

# Each hostile name, created in the watched directory, reaches the plugin
# as the same bytes, in a path that names the file.
names_delivered() {
	local i=0 name want
	while [ $i -lt ${#NAMES[@]} ]; do
		name=${NAMES[$i]}
		: >"$D/$name" || return 1
		want="HEX name=$(hexof "$name") path=$(hexof "$D/$name") lstat=ok"
		wait_for "log_has \"plugin paths: $want\"" || return 1
		i=$((i + 2))
	done
}

names_shown() {
	local i=0 shown
	while [ $i -lt ${#NAMES[@]} ]; do
		shown=${NAMES[$((i + 1))]}
		grep -qF "INFO plugin paths: EV name='$shown'" "$LOG" || {
			echo "not in the log: $shown"
			return 1
		}
		i=$((i + 2))
	done
}

test_expect_success 'every hostile name reaches the plugin byte for byte' '
	names_delivered
'

test_expect_success 'each name is logged with control characters, backslashes and invalid UTF-8 escaped' '
	names_shown
'

test_expect_success 'every log record is one line, and no raw control byte is written' '
	! grep -avE "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+ (CRITICAL|ERROR|WARNING|INFO|DEBUG) " "$LOG" &&
	! LC_ALL=C grep -aq "[[:cntrl:]]" "$LOG"
'

test_expect_success 'igor'"'"'s own debug line for the event is escaped too' '
	grep -qF "DEBUG igor: plugin '"'"'paths'"'"': event mask 0x100 $T/we\\nird dir/new\\nline" "$LOG"
'

test_done
