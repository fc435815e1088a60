#!/bin/bash
# Hostile and slow clients on the control socket: none of them may block
# igor's loop or another client, and each one ends up disconnected.
. "$(dirname "$0")/lib.sh"

# client.py MODE: a raw client.  It prints "connected" once connected
# and, when it waits for the end, "eof after N.N s" and what it read.
cat >"$T/client.py" <<'PY'
import socket, struct, sys, time
mode, path = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX)
s.connect(path)
print("connected", flush=True)
def frame(payload):
    return struct.pack(">I", len(payload)) + payload
status = frame(bytes([0xa2, 0x00, 0x18, 0x20, 0x10, 0x01]))
if mode == "garbage":
    s.sendall(b"garbage!garbage!")
elif mode == "badcbor":
    s.sendall(frame(b"\xff\xfe\xfd"))
elif mode == "version":
    s.sendall(frame(bytes([0xa2, 0x00, 0x18, 0x20, 0x10, 0x02])))
elif mode == "partial":
    s.sendall(status[:5])
elif mode == "halfclose":
    s.sendall(status[:5])
    s.close()
    sys.exit(0)
elif mode == "noread":
    s.setblocking(False)
    sent = 0
    try:
        for i in range(5000):
            s.send(status)
            sent += 1
    except BlockingIOError:
        pass
    print("sent", sent, flush=True)
    time.sleep(30)
    sys.exit(0)
elif mode == "stall":
    pass
t0 = time.monotonic()
s.settimeout(25)
data = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    data += b
print("eof after %.1f s" % (time.monotonic() - t0), flush=True)
print(repr(data), flush=True)
PY

# bg_client MODE OUT: runs client.py in the background, registered for
# cleanup, and waits until it is connected.
bg_client() {
	python3 "$T/client.py" "$1" "$SOCK" >"$2" 2>&1 &
	local pid=$!
	track_pid $pid
	test_when_finished "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
	wait_for "grep -q connected \"$2\"" 5
}

ms() { echo $(( $(date +%s%N) / 1000000 )); }

test_expect_setup 'setup: igor with one plugin' '
	write_conf a.conf <<-EOF &&
	name: alpha
	plugin: $TPLUG/tplug.so
	EOF
	igor_start && wait_ready alpha &&
	fds=$(fd_count $IGOR_PID) && echo "$fds" >"$T/fds0"
'

test_expect_success 'clients that connect and stall do not delay another client'\''s status' '
	bg_client stall "$T/c1" && bg_client partial "$T/c2" &&
	t0=$(ms) &&
	test_status 0 timeout 10 "$IGORCTL" -s "$SOCK" status >"$T/out" &&
	t1=$(ms) && echo "measured: status beside two stalled clients: $((t1 - t0)) ms" &&
	[ $((t1 - t0)) -lt 2000 ] && grep -q "^alpha *running" "$T/out"
'

test_expect_success 'a client sending garbage gets an error reply and is disconnected' '
	python3 "$T/client.py" garbage "$SOCK" >"$T/c" &&
	grep -q "^eof after" "$T/c" &&
	grep -q "bad request: record of [0-9]* bytes is longer than the protocol allows" "$T/c" &&
	python3 "$T/client.py" badcbor "$SOCK" >"$T/c" &&
	grep -q "bad request: record is not a CBOR map" "$T/c" &&
	log_has "sent a bad request: record is not a CBOR map; dropped" &&
	kill -0 $IGOR_PID && test_status 0 ctl status
'

test_expect_success 'a client of another protocol version is told which one igor speaks' '
	python3 "$T/client.py" version "$SOCK" >"$T/c" &&
	grep -q "^eof after" "$T/c" &&
	grep -q "unsupported control protocol version 2 (igor speaks version 1)" "$T/c"
'

test_expect_success 'a client that sends half a request and closes is forgotten' '
	python3 "$T/client.py" halfclose "$SOCK" &&
	wait_for "log_has \"sent a bad request: truncated request\"" 5 &&
	kill -0 $IGOR_PID && test_status 0 ctl status
'

test_expect_success 'a client that stalls is disconnected after the idle timeout' '
	python3 "$T/client.py" stall "$SOCK" >"$T/c" &&
	s=$(sed -n "s/^eof after \([0-9]*\)\..*/\1/p" "$T/c") &&
	echo "measured: stalled client dropped after $s s" &&
	[ "$s" -ge 3 ] && [ "$s" -le 15 ] &&
	log_has "control client (pid [0-9]*) idle for 5000 ms; dropped"
'

test_expect_success 'a client that never reads its replies blocks neither igor nor others' '
	bg_client noread "$T/c3" &&
	wait_for "grep -q ^sent \"$T/c3\"" 5 &&
	t0=$(ms) &&
	test_status 0 timeout 10 "$IGORCTL" -s "$SOCK" status >"$T/out" &&
	t1=$(ms) && echo "measured: status beside a non-reading client: $((t1 - t0)) ms" &&
	[ $((t1 - t0)) -lt 2000 ] &&
	wait_for "log_has \"idle for 5000 ms; dropped\" && [ \$(log_count \"idle for 5000 ms\") -ge 2 ]" 15
'

test_expect_success 'thirty clients at once are all answered' '
	for i in $(seq 30); do
		( "$IGORCTL" -s "$SOCK" status >"$T/many.$i" 2>&1; echo $? >"$T/rc.$i" ) &
	done &&
	wait_for "[ \$(ls \"$T\"/rc.* | wc -l) -eq 30 ]" 10 &&
	[ "$(cat "$T"/rc.* | sort -u)" = 0 ] &&
	[ $(grep -l "^alpha *running" "$T"/many.* | wc -l) -eq 30 ]
'

test_expect_success 'igor holds no fd of a client once every client is gone' '
	wait_for "[ \$(fd_count $IGOR_PID) -eq $(cat "$T/fds0") ]" 15
'

igor_stop
test_done
