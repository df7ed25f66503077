#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Socket activation: systemd-socket-activate passes TCP and HTTP sockets by name; a helper
# that execs the daemon in place passes all three kinds (UDP included). Every worker polls a
# dup of each inherited socket, and the counts are exact. Misnamed or mistyped sockets stop
# the daemon with one line.
. "$(dirname "$0")/lib.sh"
[ "${LT_HAVE_SYSTEMD:-yes}" = yes ] || skip_all "built without libsystemd"
command -v systemd-socket-activate >/dev/null || skip_all "systemd-socket-activate missing (package systemd)"

# 1. systemd-socket-activate: it listens, and execs the daemon on the first connection.
TCP_PORT=$(lt_free_port); HTTP_PORT=$(lt_free_port); URL="http://127.0.0.1:$HTTP_PORT"
systemd-socket-activate -l "127.0.0.1:$TCP_PORT" -l "127.0.0.1:$HTTP_PORT" \
    --fdname=syslog-tcp:http \
    "$LOGTALLYD" --udp 127.0.0.1:0 --http 127.0.0.1:1 --workers 2 2>"$T/daemon.log" &
LT_PID=$!
lt_poll 5 grep -q "Listening on 127.0.0.1:$HTTP_PORT" "$T/daemon.log" || not_ok "socket-activate listening"
# This first request is what starts the daemon; it waits in the inherited backlog meanwhile.
assert_eq ready "$(curl -s --max-time 10 "$URL/readyz")" "/readyz over the inherited HTTP socket"
log=$(cat "$T/daemon.log")
assert_match "listening on tcp 127.0.0.1:$TCP_PORT" "$log" "inherited TCP socket used"
assert_match "listening on http 127.0.0.1:$HTTP_PORT" "$log" "inherited HTTP socket replaces --http"
senders=()
for c in 1 2 3 4; do
    seq 1 250 | sed "s/^/activated $c /" >"$T/lines$c"
    logger -n 127.0.0.1 -P "$TCP_PORT" -T -p user.notice -f "$T/lines$c" &
    senders+=($!)
done
wait "${senders[@]}"
wait_processed 1000
assert_eq 1000 "$(metric 'logtally_events_total{level="notice"}')" "1000 events over 4 connections on a shared TCP socket"
assert_eq 4 "$(metric 'logtally_connections_accepted_total{transport="tcp"}')" "each connection accepted once"
lt_stop

# 2. All three kinds, UDP included, through the exec-in-place helper.
LT_WRAP=(python3 "$LT_SRCDIR/tests/integration/listen_fds.py" syslog-tcp=tcp syslog-udp=udp http=tcp --)
lt_start --workers 3
unset LT_WRAP
assert_match 'listening on udp 127.0.0.1:[0-9]+' "$(cat "$T/daemon.log")" "inherited UDP socket used"
seq 1 600 | sed 's/^/udp /' >"$T/udp-lines"
logger -n 127.0.0.1 -P "$UDP_PORT" -d -p local0.err -f "$T/udp-lines"
seq 1 40 | sed 's/^/tcp /' | logger -n 127.0.0.1 -P "$TCP_PORT" -T -p local0.info
wait_processed 640
assert_eq 600 "$(metric 'logtally_events_total{level="err"}')" "600 datagrams on a UDP socket shared by 3 workers"
assert_eq 40 "$(metric 'logtally_events_total{level="info"}')" "TCP beside it"
assert_eq 0 "$(metric 'logtally_udp_dropped_total')" "no drops (counted once, not per dup)"
lt_stop

# 3. Refusals: a datagram socket named syslog-tcp, and a name the daemon does not know.
refuse() { # EXPECTED-MESSAGE SPEC...
    local want=$1; shift
    python3 "$LT_SRCDIR/tests/integration/listen_fds.py" "$@" -- "$LOGTALLYD" --workers 1 2>"$T/refused.log"
    assert_eq 1 $? "exit 1 for $*"
    assert_match "$want" "$(cat "$T/refused.log")" "message for $*"
}
refuse "fd 3 \('syslog-tcp'\) is not a listening IP stream socket" syslog-tcp=udp
refuse "fd 4 is named 'metrics'" syslog-udp=udp metrics=tcp
refuse "fd 3 \('http'\) is not a listening IP stream socket" http=tcp-unlistened
lt_finish
