#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Failed accepts: the open files limit is lowered under the running daemon (below the
# descriptors it holds, so even libuv's spare descriptor cannot help) and a client connects.
# The failure is counted in logtally_accept_errors_total and logged at most once a second;
# once the limit is raised again the daemon accepts and counts that client's line exactly.
. "$(dirname "$0")/lib.sh"
command -v prlimit >/dev/null || skip_all "prlimit missing (util-linux)"
lt_start --workers 1
hard=$(prlimit --pid "$LT_PID" --nofile --noheadings --output HARD --raw)
soft=$(prlimit --pid "$LT_PID" --nofile --noheadings --output SOFT --raw)
assert_eq 0 "$(metric 'logtally_accept_errors_total{transport="tcp"}')" "no accept error at start"

prlimit --pid "$LT_PID" --nofile=4:"$hard" || not_ok "lowered the limit"
python3 - "$TCP_PORT" >"$T/client.out" 2>&1 <<'PY' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"<11>Nov 25 03:14:45 h app: after\n")
print("sent", flush=True)
time.sleep(30)
PY
CLIENT=$!
trap 'kill $CLIENT 2>/dev/null; lt_cleanup' EXIT
# The kernel completes the handshake; the daemon's accept fails for as long as the limit holds.
lt_poll 10 grep -q '^sent' "$T/client.out" || not_ok "client connected: $(cat "$T/client.out")"
failed() { grep -q 'tcp: accept failed: too many open files' "$T/daemon.log"; }
lt_poll 10 failed || not_ok "the failed accept was logged"
t0=$(date +%s)
sleep 2 # the failures go on while the limit holds: let a few seconds of them pass
prlimit --pid "$LT_PID" --nofile="$soft":"$hard" || not_ok "raised the limit again"
t1=$(date +%s)

wait_processed 1
assert_eq 1 "$(metric 'logtally_events_total{level="err"}')" "the client's line counted after recovery"
assert_eq 1 "$(metric 'logtally_connections_accepted_total{transport="tcp"}')" "accepted once recovered"
errors=$(metric 'logtally_accept_errors_total{transport="tcp"}')
[ "$errors" -gt 0 ] && ok "accept errors counted: $errors" || not_ok "accept errors: $errors"
lines=$(grep -c 'tcp: accept failed' "$T/daemon.log")
[ "$lines" -ge 1 ] && [ "$lines" -le $((t1 - t0 + 2)) ] && ok "$lines report lines in about $((t1 - t0)) s" \
    || not_ok "$lines report lines in $((t1 - t0)) s"
assert_match 'more failures since the last report' "$(cat "$T/daemon.log")" "the line counts the rest"
kill $CLIENT 2>/dev/null
lt_stop
lt_finish
