#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Type=notify as systemd sees it, with a stand-in notification socket: READY=1 once every
# listener is bound, STATUS= each second with the event count, WATCHDOG=1 pings at half of
# WATCHDOG_USEC, RELOADING=1 then READY=1 around SIGHUP, STOPPING=1 last; /readyz beside
# /healthz.
. "$(dirname "$0")/lib.sh"
[ "${LT_HAVE_SYSTEMD:-yes}" = yes ] || skip_all "built without libsystemd"

python3 "$LT_SRCDIR/tests/integration/notify_listen.py" "$T/notify.sock" "$T/notify.out" &
NL_PID=$!
trap 'kill $NL_PID 2>/dev/null; lt_cleanup' EXIT
lt_poll 5 test -S "$T/notify.sock" || not_ok "notification socket appeared"
: >>"$T/notify.out"

export NOTIFY_SOCKET=$T/notify.sock WATCHDOG_USEC=400000
lt_start
unset NOTIFY_SOCKET WATCHDOG_USEC
count() { grep -c -x -- "$1" "$T/notify.out"; }
lt_poll 5 grep -qx READY=1 "$T/notify.out"
assert_eq 1 "$(count READY=1)" "READY=1 sent once"
assert_match 'listening on tcp .*listening on udp .*listening on http .*ready' \
    "$(tr '\n' ' ' <"$T/daemon.log")" "listeners bound before ready"
assert_match 'watchdog: pinging every 200 ms' "$(cat "$T/daemon.log")" "watchdog at half WATCHDOG_USEC"

have_pings() { [ "$(count WATCHDOG=1)" -ge 3 ]; }
lt_poll 5 have_pings && ok "WATCHDOG=1 pings while the workers turn" || not_ok "watchdog pings: $(count WATCHDOG=1)"
assert_eq ready "$(curl -s "$URL/readyz")" "/readyz body"
assert_eq 200 "$(curl -s -o /dev/null -w '%{http_code}' "$URL/readyz")" "/readyz status"
assert_eq ok "$(curl -s "$URL/healthz")" "/healthz beside it"

printf 'status line %s\n' 1 2 3 4 5 >"$T/lines"
logger -n 127.0.0.1 -P "$TCP_PORT" -T -p user.err -f "$T/lines"
wait_processed 5
status_has_5() { grep -Eq '^STATUS=[0-9]+ events/s, [0-9]+ tcp \+ [0-9]+ http connections, 5 events$' "$T/notify.out"; }
lt_poll 5 status_has_5 && ok "STATUS= counts the 5 events" || not_ok "STATUS= lines: $(grep STATUS "$T/notify.out" | tail -n 3)"

kill -HUP "$LT_PID"
reloaded() { [ "$(count READY=1)" -eq 2 ]; }
lt_poll 5 reloaded
assert_match '^RELOADING=1\|MONOTONIC_USEC=[0-9]+$' "$(grep '^RELOADING' "$T/notify.out")" "RELOADING=1 with MONOTONIC_USEC"
order=$(grep -E '^(READY|RELOADING)' "$T/notify.out" | cut -c1-9 | tr '\n' ' ')
assert_eq "READY=1 RELOADING READY=1 " "$order" "RELOADING=1 then READY=1 around SIGHUP"
assert_eq 5 "$(metric 'logtally_events_total{level="err"}')" "counts survive the reload"

lt_stop
lt_poll 2 grep -qx STOPPING=1 "$T/notify.out"
assert_eq STOPPING=1 "$(tail -n 1 "$T/notify.out")" "STOPPING=1 is the last message"
lt_finish
