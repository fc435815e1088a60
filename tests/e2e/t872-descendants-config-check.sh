#!/bin/bash
# descendants: kill or keep, checked at its line; and igor -t, which loads
# each plugin (running its constructors), leaves nothing behind even when
# a constructor forks a process into a session of its own.
. "$(dirname "$0")/lib.sh"

C=$T/conf
SECS=3031.$$

# The live processes running exactly `sleep $SECS`.
sleepers() {
	local p
	for p in /proc/[0-9]*; do
		[ "$(tr '\0' ' ' 2>/dev/null <"$p/cmdline")" = "sleep $SECS " ] &&
			is_running "${p#/proc/}" && echo "${p#/proc/}"
	done
	return 0
}
trap 'for p in $(sleepers); do kill -KILL $p; done; _cleanup' EXIT

test_expect_success 'descendants other than kill or keep is an error at its line' '
	write_conf bad.conf <<-EOF &&
	name: bad
	plugin: $TPLUG/idle.so
	descendants: maybe
	EOF
	write_conf list.conf <<-EOF &&
	name: list
	plugin: $TPLUG/idle.so

	descendants: [kill]
	EOF
	test_status 1 env IGOR_CONFIG_DIR="$C" "$IGOR" -t 2>err &&
	cat err &&
	grep -qx "$C/bad.conf:3: key .descendants. must be kill or keep, not .maybe." err &&
	grep -q "^$C/list.conf:4: " err &&
	test $(wc -l <err) -eq 2
'

test_expect_success 'descendants: kill and keep are accepted' '
	rm -f "$C"/*.conf &&
	printf "name: a\nplugin: %s\ndescendants: kill\n" "$TPLUG/idle.so" >"$C/a.conf" &&
	printf "name: b\nplugin: %s\ndescendants: keep\n" "$TPLUG/idle.so" >"$C/b.conf" &&
	IGOR_CONFIG_DIR="$C" "$IGOR" -t 2>err &&
	test ! -s err
'

test_expect_success 'igor -t on a plugin whose constructor forks away leaves nothing behind' '
	rm -f "$C"/*.conf &&
	printf "name: ctor\nplugin: %s\n" "$TPLUG/t12_ctorfork.so" >"$C/ctor.conf" &&
	T12_CTOR_SLEEP=$SECS IGOR_CONFIG_DIR="$C" "$IGOR" -t 2>err &&
	test ! -s err &&
	test -z "$(sleepers)"
'

test_expect_success 'the same plugin, run by igor, forks its sleeper (the test can fail)' '
	T12_CTOR_SLEEP=$SECS igor_start && wait_ready ctor &&
	wait_for "test -n \"\$(sleepers)\"" 5 &&
	p=$(sleepers) &&
	test "$(ps -o sid= -p $p)" != "$(ps -o sid= -p $(worker_pid ctor))" &&
	igor_stop &&
	wait_for "test -z \"\$(sleepers)\"" 5
'

test_done
