#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# rsyslog as a real forwarder: a private rsyslogd (own config, pid file and work directory;
# never the system instance) receives a known mix from logger and forwards every message to
# logtally four ways with omfwd: TCP octet-counted with RSYSLOG_SyslogProtocol23Format, TCP
# LF-framed with the default template, TCP LF-framed with RSYSLOG_ForwardFormat, and UDP with
# the default template. logtally must count each message exactly four times under its level,
# host and app.
. "$(dirname "$0")/lib.sh"
RSYSLOGD=$(command -v rsyslogd || echo /usr/sbin/rsyslogd)
[ -x "$RSYSLOGD" ] || skip_all "rsyslogd not installed (Debian package rsyslog)"

cat >"$T/labels.json" <<'JSON'
{ "labels": ["level", "host", "app"] }
JSON
lt_start -c "$T/labels.json"

# A free port for rsyslog's own input.
RS_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$T/rs"
cat >"$T/rsyslog.conf" <<CONF
global(workDirectory="$T/rs" localHostname="relay1")
module(load="imtcp")
input(type="imtcp" address="127.0.0.1" port="$RS_PORT")
action(type="omfwd" target="127.0.0.1" port="$TCP_PORT" protocol="tcp"
       TCP_Framing="octet-counted" template="RSYSLOG_SyslogProtocol23Format")
action(type="omfwd" target="127.0.0.1" port="$TCP_PORT" protocol="tcp")
action(type="omfwd" target="127.0.0.1" port="$TCP_PORT" protocol="tcp"
       template="RSYSLOG_ForwardFormat")
action(type="omfwd" target="127.0.0.1" port="$UDP_PORT" protocol="udp")
CONF
"$RSYSLOGD" -n -f "$T/rsyslog.conf" -i "$T/rsyslogd.pid" >"$T/rsyslog.log" 2>&1 &
RS_PID=$!
trap 'kill $RS_PID 2>/dev/null; lt_cleanup' EXIT
for i in $(seq 1 100); do   # readiness: rsyslog's input accepts connections
    (exec 3<>"/dev/tcp/127.0.0.1/$RS_PORT") 2>/dev/null && break
    sleep 0.05
done

send() { # COUNT PRIORITY TAG
    seq 1 "$1" | sed "s/^/relayed $3 /" >"$T/lines"
    logger -n 127.0.0.1 -P "$RS_PORT" -T --rfc3164 -p "$2" -t "$3" -f "$T/lines"
}
send 5 user.err payments
send 3 daemon.warning nginx
send 2 local3.info cron-job

wait_processed 40 || { not_ok "rsyslog forwarded everything"; cat "$T/rsyslog.log"; }
host=$(hostname)
# logger stamps its own hostname; rsyslog keeps it when forwarding.
for spec in "err payments 20" "warning nginx 12" "info cron-job 8"; do
    set -- $spec
    assert_eq "$3" "$(metric "logtally_events_total{level=\"$1\",host=\"$host\",app=\"$2\"}")" "$1 from $2 via four omfwd actions"
done
assert_eq 40 "$(stat "s['events_total']")" "events total"
assert_eq 0 "$(stat "s['rejected_total']")" "nothing rejected"
assert_match '^[1-9]' "$(metric 'logtally_received_bytes_total{transport="udp"}')" "the UDP action delivered"

kill "$RS_PID"; wait "$RS_PID" 2>/dev/null
lt_stop
lt_finish
