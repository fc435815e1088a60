#!/bin/bash
# A client that trickles a request a byte at a time is still a stalled
# client: only a whole request (or reading replies) buys it more time, so
# a few such clients cannot hold the control socket's slots for ever.
. "$(dirname "$0")/lib.sh"

# trickle.py PATH: announces a 1000-byte request, then sends one byte of
# it every 0.5 s; prints "eof after N.N s" when igor hangs up.
cat >"$T/trickle.py" <<'PY'
import socket, struct, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
t0 = time.monotonic()
s.sendall(struct.pack(">I", 1000))
s.settimeout(0.5)
while time.monotonic() - t0 < 20:
    try:
        if not s.recv(4096):
            break
    except socket.timeout:
        try:
            s.send(b"\xa1")
        except OSError:
            break
    except OSError:
        break
print("eof after %.1f s" % (time.monotonic() - t0), flush=True)
PY

test_expect_setup 'setup: igor with one plugin' '
	write_conf a.conf <<-EOF &&
	name: alpha
	plugin: $TPLUG/tplug.so
	EOF
	igor_start && wait_ready alpha
'

test_expect_success 'a client trickling one request byte by byte is dropped at the idle timeout' '
	python3 "$T/trickle.py" "$SOCK" >"$T/c" &&
	s=$(sed -n "s/^eof after \([0-9]*\)\..*/\1/p" "$T/c") &&
	echo "measured: trickling client dropped after $s s" &&
	[ "$s" -ge 3 ] && [ "$s" -le 12 ] &&
	log_has "control client (pid [0-9]*) idle for 5000 ms; dropped"
'

test_expect_success 'a client that keeps sending whole requests is not dropped' '
	python3 - "$SOCK" <<-PY
	import socket, struct, time, sys
	s = socket.socket(socket.AF_UNIX)
	s.connect(sys.argv[1])
	req = struct.pack(">I", 6) + bytes([0xa2, 0x00, 0x18, 0x20, 0x10, 0x01])
	t0 = time.monotonic()
	while time.monotonic() - t0 < 7:
	    s.sendall(req)
	    s.settimeout(5)
	    assert s.recv(65536), "igor hung up on an active client"
	    time.sleep(1)
	PY
'

igor_stop
test_done
