#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# SIGTERM in the middle of full-rate TCP ingest: the daemon exits 0 within a second and its
# final totals account for every byte it read. One connection sends lines of exactly L bytes
# as fast as the socket takes them, so of B bytes read, B div L are complete frames that must
# all be events, and a remainder, if any, is the one truncated frame counted as rejected.
. "$(dirname "$0")/lib.sh"
L=128
lt_start --workers 2
python3 - "$TCP_PORT" "$L" >"$T/sender.out" 2>&1 <<'PY' &
import socket, sys, time
port, size = int(sys.argv[1]), int(sys.argv[2])
head = b"<14>Nov 25 03:14:45 loadhost loadapp[7]: "
line = head + b"x" * (size - len(head) - 1) + b"\n"
chunk = line * 8192
s = socket.create_connection(("127.0.0.1", port))
sent, deadline = 0, time.monotonic() + 30
try:
    while time.monotonic() < deadline:
        sent += s.send(chunk)
except OSError as e:
    print("stopped by", type(e).__name__)
print("sent", sent)
PY
SENDER=$!
trap 'kill $SENDER 2>/dev/null; lt_cleanup' EXIT
busy() { [ "$(stat "s['events_total']" 2>/dev/null || echo 0)" -ge 300000 ]; }
lt_poll 20 busy && ok "ingesting at full rate" || not_ok "fewer than 300000 events after 20 s"

lt_stop # asserts exit 0 within 1 s
totals=$(sed -n 's/.*final totals: \(.*\)$/\1/p' "$T/daemon.log")
field() { printf '%s\n' "$totals" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
events=$(field events) rejected=$(field rejected) bytes=$(field bytes) info=$(field info)
echo "# final totals: $totals"
assert_eq $((bytes / L)) "$events" "every complete frame read is an event (bytes=$bytes)"
assert_eq $((bytes % L != 0)) "$rejected" "the partial frame, if any, counted as truncated"
assert_eq "$events" "$info" "all of them info"
wait "$SENDER"
assert_match 'stopped by (ConnectionResetError|BrokenPipeError)' "$(cat "$T/sender.out")" \
    "the sender saw the connection close"
lt_finish
