#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# contrib/rsyslog/60-logtally.conf as shipped (only the port rewritten to the test's): a
# private rsyslogd receives a known mix from logger and forwards it with the snippet's action;
# logtally counts exactly what was sent, per level and app.
. "$(dirname "$0")/lib.sh"
RSYSLOGD=$(command -v rsyslogd || echo /usr/sbin/rsyslogd)
[ -x "$RSYSLOGD" ] || skip_all "rsyslogd not installed (Debian package rsyslog)"

echo '{ "labels": ["level", "app"] }' >"$T/labels.json"
lt_start -c "$T/labels.json"
RS_PORT=$(lt_free_port)
mkdir -p "$T/rs"
{
    echo "global(workDirectory=\"$T/rs\")"
    echo 'module(load="imtcp")'
    echo "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"$RS_PORT\")"
    sed "s/port=\"5514\"/port=\"$TCP_PORT\"/" "$LT_SRCDIR/contrib/rsyslog/60-logtally.conf"
} >"$T/rsyslog.conf"
grep -q "port=\"$TCP_PORT\"" "$T/rsyslog.conf" || not_ok "snippet's port rewritten"
"$RSYSLOGD" -n -f "$T/rsyslog.conf" -i "$T/rsyslogd.pid" >"$T/rsyslog.log" 2>&1 &
RS_PID=$!
trap 'kill $RS_PID 2>/dev/null; lt_cleanup' EXIT
lt_poll 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$RS_PORT" 2>/dev/null || not_ok "rsyslog listening"

send() { # COUNT PRIORITY TAG
    seq 1 "$1" | sed "s/^/contrib $3 /" | logger -n 127.0.0.1 -P "$RS_PORT" -T --rfc3164 -p "$2" -t "$3"
}
send 7 user.crit payments
send 11 daemon.warning nginx
send 13 local3.info cron-job
wait_processed 31 || { not_ok "rsyslog forwarded everything"; cat "$T/rsyslog.log"; }
assert_eq 7 "$(metric 'logtally_events_total{level="crit",app="payments"}')" "crit from payments"
assert_eq 11 "$(metric 'logtally_events_total{level="warning",app="nginx"}')" "warning from nginx"
assert_eq 13 "$(metric 'logtally_events_total{level="info",app="cron-job"}')" "info from cron-job"
assert_eq 31 "$(stat "s['events_total']")" "exactly what was sent"
assert_eq 0 "$(stat "s['rejected_total']")" "nothing rejected"
kill "$RS_PID"; wait "$RS_PID" 2>/dev/null
lt_stop
lt_finish
