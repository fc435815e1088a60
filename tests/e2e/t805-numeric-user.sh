#!/bin/bash
# A numeric user: or group: needs no passwd or group entry: the worker
# runs with that uid and gid and no other group.  A numeric user: without
# a passwd entry and without group: has no group to drop to: a config
# error at the user: line, which igor -t names.
. "$(dirname "$0")/lib.sh"

# An id with neither a passwd nor a group entry, from 12345 up.
ID=12345
while getent passwd $ID >/dev/null || getent group $ID >/dev/null; do
	ID=$((ID + 1))
done

# The user may not reach the checkout (mode 0700): the plugin and the
# config directory go where every user can.
P=$T/pub
mkdir -p "$P/conf" && cp "$TPLUG/t8_priv.so" "$P/priv.so" &&
chmod 755 "$T" "$P" "$P/conf" && chmod 644 "$P/priv.so" || exit 1

test_expect_success 'igor -t: a numeric user: without entry nor group: is an error at its line' '
	mkdir -p "$T/c1" &&
	printf "name: nogroup\nplugin: %s\nuser: \"%s\"\n" "$P/priv.so" $ID \
		>"$T/c1/nogroup.conf" &&
	IGOR_CONFIG_DIR=$T/c1 test_status 1 "$IGOR" -t -s "$SOCK" 2>$T/check.err &&
	echo "$T/c1/nogroup.conf:3: user '\''$ID'\'' has no passwd entry: set '\''group'\'' too" \
		>$T/want &&
	test_cmp $T/want $T/check.err
'

test_expect_success 'igor -t: a user id out of range is unknown, at the user: line' '
	mkdir -p "$T/c2" &&
	printf "name: big\nplugin: %s\ngroup: \"%s\"\nuser: \"4294967295\"\n" \
		"$P/priv.so" $ID >"$T/c2/big.conf" &&
	printf "name: neg\nplugin: %s\nuser: \"-1\"\ngroup: \"%s\"\n" \
		"$P/priv.so" $ID >"$T/c2/neg.conf" &&
	IGOR_CONFIG_DIR=$T/c2 test_status 1 "$IGOR" -t -s "$SOCK" 2>$T/check.err &&
	printf "%s\n" "$T/c2/big.conf:4: unknown user '\''4294967295'\''" \
		"$T/c2/neg.conf:3: unknown user '\''-1'\''" >$T/want &&
	test_cmp $T/want $T/check.err
'

if [ "$(id -u)" != 0 ]; then
	test_skip 'a worker runs as a numeric user and group without entries' 'needs root'
	test_done
fi

status_of() { # PID FIELD: the values of FIELD in /proc/PID/status
	sed -n "s/^$2:[[:space:]]*//p" /proc/"$1"/status | tr -s '\t ' ' ' |
		sed 's/ $//'
}

test_expect_success 'igor -t passes on a numeric user: and group: without entries' '
	printf "name: num\nplugin: %s\nuser: \"%s\"\ngroup: \"%s\"\n" \
		"$P/priv.so" $ID $ID >"$P/conf/num.conf" &&
	IGOR_CONFIG_DIR=$P/conf test_status 0 "$IGOR" -t -s "$SOCK" 2>$T/check.err &&
	test_cmp /dev/null $T/check.err
'

test_expect_success 'the worker runs with that uid and gid, and no other group' '
	IGOR_CONFIG_DIR=$P/conf "$IGOR" -vvvv -s "$SOCK" 2>>"$LOG" &
	IGOR_PID=$! && track_pid $IGOR_PID &&
	wait_ready num && pid=$(worker_pid num) &&
	test "$(status_of $pid Uid)" = "$ID $ID $ID $ID" &&
	test "$(status_of $pid Gid)" = "$ID $ID $ID $ID" &&
	test "$(status_of $pid Groups)" = "$ID" &&
	log_has "plugin num: PRIV uid=$ID/$ID/$ID gid=$ID/$ID/$ID groups=$ID nnp=1"
'

test_expect_success 'igor stops cleanly' '
	igor_stop
'

test_done
