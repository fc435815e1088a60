#!/bin/bash
# igor -t gives up on a plugin after its 10 s limit even when the plugin's
# constructor keeps the worker's record stream busy with a record that
# never ends: the deadline counts, not the silence.
. "$(dirname "$0")/lib.sh"

test_expect_setup 'a plugin whose constructor trickles one endless record' '
	cat >"$T/trickle.c" <<-\EOF &&
	#include <unistd.h>
	__attribute__((constructor)) static void trickle(void)
	{
		int i;

		/* a header for 32 KiB, then one byte every 2 ms */
		if (write(3, "\x00\x00\x80\x00", 4) != 4)
			_exit(1);
		for (i = 0; i < 32768; i++) {
			if (write(3, "", 1) != 1)
				_exit(1);
			usleep(2000);
		}
	}
	int setup(void) { return 0; }
	EOF
	cc -shared -fPIC -o "$T/trickle.so" "$T/trickle.c" &&
	write_conf t.conf <<-EOF
	name: t
	plugin: $T/trickle.so
	EOF
'

test_expect_success 'igor -t reports the time limit and exits 1 within its bound' '
	start=$(date +%s) &&
	IGOR_CONFIG_DIR=$T/conf test_status 1 timeout 25 "$IGOR" -t 2>"$T/err" &&
	took=$(( $(date +%s) - start )) &&
	grep -q "^$T/conf/t.conf:2: loading took more than 10 s$" "$T/err" &&
	[ $took -ge 9 ] && [ $took -le 20 ]
'

test_done
