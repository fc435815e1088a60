#!/bin/bash
# A UTF-8 byte order mark at the start of a config file (igor.conf or a
# plugin config), as editors on other systems write it, is accepted; line
# numbers in igor -t's messages stay those an editor shows.
. "$(dirname "$0")/lib.sh"

BOM=$(printf '\357\273\277')
C=$T/conf
mkdir -p "$C"

test_expect_success 'igor -t passes on BOM-started igor.conf and plugin config' '
	printf "%slog_level: info\nstop_timeout: 2\n" "$BOM" >"$C/igor.conf" &&
	printf "%sname: bom\nplugin: %s\npaths: [%s]\n" "$BOM" "$TPLUG/tplug.so" "$T" \
		>"$C/bom.conf" &&
	IGOR_CONFIG_DIR=$C test_status 0 "$IGOR" -t -s "$SOCK" 2>$T/check.err &&
	test_cmp /dev/null $T/check.err
'

test_expect_success 'the plugin of a BOM-started config runs' '
	igor_start && wait_ready bom &&
	igor_stop
'

test_expect_success 'igor -t names the right lines in BOM-started files' '
	printf "%slog_level: info\nstop_timeout: soon\n" "$BOM" >"$C/igor.conf" &&
	printf "%sname: bom\nplugin: %s\nwatchdog: never\n" "$BOM" "$TPLUG/tplug.so" \
		>"$C/bom.conf" &&
	printf "%s# two\n# lines\nname: [\n" "$BOM" >"$C/broken.conf" &&
	IGOR_CONFIG_DIR=$C test_status 1 "$IGOR" -t -s "$SOCK" 2>$T/check.err &&
	sed "s/^/# /" $T/check.err &&
	grep -q "^$C/igor.conf:2: " $T/check.err &&
	grep -q "^$C/bom.conf:3: " $T/check.err &&
	grep -q "^$C/broken.conf:4: " $T/check.err &&
	[ "$(wc -l <$T/check.err)" -eq 3 ]
'

test_done
