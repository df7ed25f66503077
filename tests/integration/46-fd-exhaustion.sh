#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Out of file descriptors: under a 64-descriptor limit, 120 clients connect. Every one is
# either accepted or closed at once and counted in logtally_fd_limit_refused_total (none is
# lost in between), the reason is logged at most once a second, the daemon does not spin while
# at the limit, and once the clients leave it accepts and counts again, exactly.
. "$(dirname "$0")/lib.sh"
command -v prlimit >/dev/null || skip_all "prlimit missing (util-linux)"
LT_WRAP=(prlimit --nofile=64 --)
lt_start --workers 1
unset LT_WRAP

python3 - "$TCP_PORT" "$T/release" >"$T/clients.out" 2>&1 <<'PY' &
import os, socket, sys, time
port, release = int(sys.argv[1]), sys.argv[2]
socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(120)]
for s in socks:
    s.sendall(b"<11>Nov 25 03:14:45 h app: held\n")
print("connected", len(socks), flush=True)
deadline = time.monotonic() + 60
while not os.path.exists(release) and time.monotonic() < deadline:
    time.sleep(0.05)
for s in socks:
    s.close()
print("closed", flush=True)
PY
CLIENTS=$!
trap 'touch "$T/release"; kill $CLIENTS 2>/dev/null; lt_cleanup' EXIT
lt_poll 10 grep -q '^connected' "$T/clients.out" || not_ok "clients connected: $(cat "$T/clients.out")"
all_seen() {
    local a r
    a=$(metric 'logtally_connections_accepted_total{transport="tcp"}')
    r=$(metric 'logtally_fd_limit_refused_total{transport="tcp"}')
    [ $((a + r)) -eq 120 ]
}
lt_poll 10 all_seen || not_ok "accepted + refused never reached 120"
accepted=$(metric 'logtally_connections_accepted_total{transport="tcp"}')
refused=$(metric 'logtally_fd_limit_refused_total{transport="tcp"}')
assert_eq 120 $((accepted + refused)) "every connection accepted ($accepted) or refused ($refused)"
[ "$refused" -gt 0 ] && [ "$accepted" -lt 64 ] && ok "the limit refused some" || not_ok "refused=$refused accepted=$accepted"
wait_processed "$accepted"
assert_eq "$accepted" "$(metric 'logtally_events_total{level="err"}')" "each accepted client's line counted"
assert_eq "$accepted" "$(metric 'logtally_connections{transport="tcp"}')" "the accepted ones stay open"

# At the limit, the daemon sleeps: its CPU time barely moves over three of its own ticks.
cpu() { awk '{ print $14 + $15 }' /proc/"$LT_PID"/stat; }
before=$(cpu)
ticks_then=$(grep -c . "$T/daemon.log")
lines=$(grep -c 'connection closed: descriptor' "$T/daemon.log")
start_s=$(date +%s)
python3 -c "import socket,time
for _ in range(200):
    try: socket.create_connection(('127.0.0.1', $TCP_PORT)).close()
    except OSError: pass
    time.sleep(0.01)"
spent=$(( $(cpu) - before ))
[ "$spent" -lt 100 ] && ok "200 more refusals cost $spent CPU ticks (< 1 s)" || not_ok "CPU ticks while at the limit: $spent"
elapsed=$(( $(date +%s) - start_s + 1 ))
reported=$(( $(grep -c 'connection closed: descriptor' "$T/daemon.log") - lines ))
[ "$reported" -ge 1 ] && [ "$reported" -le $((elapsed + 1)) ] && ok "$reported report lines in ${elapsed}s" \
    || not_ok "$reported report lines in ${elapsed}s"
assert_match 'tcp: connection closed: descriptor [0-9]+ is within 16 of the open files limit 64' \
    "$(cat "$T/daemon.log")" "the log line says why"
assert_eq 320 $(( $(metric 'logtally_connections_accepted_total{transport="tcp"}') + \
    $(metric 'logtally_fd_limit_refused_total{transport="tcp"}') )) "the 200 more all counted"

# The clients leave: descriptors come back and the daemon accepts and counts again.
touch "$T/release"
lt_poll 10 grep -q '^closed' "$T/clients.out"
drained() { [ "$(metric 'logtally_connections{transport="tcp"}')" = 0 ]; }
lt_poll 10 drained || not_ok "connections closed"
before_err=$(metric 'logtally_events_total{level="err"}')
printf 'after %s\n' 1 2 3 4 5 | logger -n 127.0.0.1 -P "$TCP_PORT" -T -p user.warning
wait_processed $((before_err + 5))
assert_eq 5 "$(metric 'logtally_events_total{level="warning"}')" "counted again after recovery"
lt_stop
lt_finish
