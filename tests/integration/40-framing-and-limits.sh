#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Framing and limits over real sockets: messages split across many TCP segments, hundreds of
# messages in one write, mixed octet-counted and LF/NUL framing, oversize and broken frames
# that are skipped without losing the next message, a connection closed mid-message, an
# oversize datagram, max_connections and idle_timeout_s, each visible in /metrics.
. "$(dirname "$0")/lib.sh"

cat >"$T/small.json" <<'JSON'
{
  // Small limits so that the tests reach them quickly.
  "max_message_bytes": 1024,
  "ring": { "max_message_bytes": 512 },
  "limits": { "max_connections": 3, "idle_timeout_s": 2 }
}
JSON
lt_start -c "$T/small.json"

# tcpsend: writes stdin-described chunks (python literal list of bytes) one send() each,
# with TCP_NODELAY so that each chunk leaves as its own segment, then closes.
tcpsend() {
    python3 - "$TCP_PORT" "$1" <<'PY'
import socket, sys, time
chunks = eval(sys.argv[2])
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
for c in chunks:
    s.sendall(c)
s.close()
PY
}

# 1. Three frames of three framings, sent one byte per segment.
tcpsend "[bytes([b]) for b in (lambda m: b'%d ' % len(m) + m)(b'<10>1 - h a - - - x') + b'<12>bsd line\n<14>nul framed\x00']"
# 2. 500 messages in a single write: 250 LF-framed, 250 octet-counted.
tcpsend "[b''.join(b'<13>bulk %d\n' % i + (b'%d <13>bulk %d' % (len(b'<13>bulk %d' % i), i)) for i in range(250))]"
# 3. Oversize (LF and octet-counted) and a bad length, each followed by a good message.
tcpsend "[b'<11>' + b'x' * 2000 + b'\n<11>after oversize lf\n', b'3000 ' + b'y' * 3000 + b'<11>after oversize counted\n', b'12a <11>broken\n<11>after bad frame\n']"
# 4. A connection closed in the middle of a message.
tcpsend "[b'<11>complete\n<11>part']"
wait_processed 511 || not_ok "all messages processed"

assert_eq 1 "$(metric 'logtally_events_total{level="crit"}')" "octet-counted 5424 frame (crit)"
assert_eq 1 "$(metric 'logtally_events_total{level="warning"}')" "LF-framed 3164 (warning)"
assert_eq 1 "$(metric 'logtally_events_total{level="info"}')" "NUL-framed (info)"
assert_eq 500 "$(metric 'logtally_events_total{level="notice"}')" "500 messages from one write"
assert_eq 4 "$(metric 'logtally_events_total{level="err"}')" "messages after oversize/broken frames, and before a truncated one"
assert_eq 2 "$(metric 'logtally_rejected_total{transport="tcp",reason="oversize"}')" "oversize frames rejected"
assert_eq 1 "$(metric 'logtally_rejected_total{transport="tcp",reason="bad_frame"}')" "bad octet count rejected"
assert_eq 1 "$(metric 'logtally_rejected_total{transport="tcp",reason="truncated"}')" "truncated message rejected"

# 5. An oversize datagram, then a good one.
python3 - "$UDP_PORT" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b'<11>' + b'z' * 4000, ("127.0.0.1", int(sys.argv[1])))
s.sendto(b'<10>good datagram\n', ("127.0.0.1", int(sys.argv[1])))
PY
wait_processed 513 || not_ok "datagrams processed"
assert_eq 1 "$(metric 'logtally_rejected_total{transport="udp",reason="oversize"}')" "oversize datagram rejected"
assert_eq 2 "$(metric 'logtally_events_total{level="crit"}')" "datagram after the oversize one counted"

# 6. max_connections=3: a fourth concurrent connection is closed at once and counted; the
#    three idle ones are closed after idle_timeout_s=2.
python3 - "$TCP_PORT" <<'PY'
import socket, sys
port = int(sys.argv[1])
held = [socket.create_connection(("127.0.0.1", port)) for _ in range(3)]
for s in held:                       # a round trip on each proves it was accepted
    s.sendall(b'<14>held\n')
extra = socket.create_connection(("127.0.0.1", port))
extra.settimeout(5)
try:
    data = extra.recv(1)             # b'' = the server closed it
    print("fourth connection closed by server" if data == b'' else "fourth got data")
except (ConnectionResetError, socket.timeout) as e:
    print("fourth connection closed by server" if isinstance(e, ConnectionResetError) else "fourth stayed open")
for s in held:
    s.settimeout(5)
    try:
        s.recv(1)                    # returns when the idle timeout closes it
    except Exception:
        pass
PY
assert_eq 1 "$(metric 'logtally_connections_refused_total{transport="tcp"}')" "connection over max_connections refused"
assert_eq 3 "$(metric 'logtally_idle_closed_total{transport="tcp"}')" "idle connections closed"
assert_eq 0 "$(metric 'logtally_connections{transport="tcp"}')" "no tcp connection left open"

lt_stop
lt_finish
