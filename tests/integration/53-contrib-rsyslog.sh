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

send_tagged "$RS_PORT" 7 user.crit payments
send_tagged "$RS_PORT" 11 daemon.warning nginx
send_tagged "$RS_PORT" 13 local3.info cron-job
assert_app_counts rsyslog 31 crit:payments:7 warning:nginx:11 info:cron-job:13 || cat "$T/rsyslog.log"
kill "$RS_PID"; wait "$RS_PID" 2>/dev/null
lt_stop
lt_finish
