#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# logger (util-linux) over UDP and TCP, RFC 3164 and RFC 5424, LF and octet-counted framing,
# with and without structured data: the daemon counts exactly what was sent, per level, in
# /metrics and /api/v1/stats, and promtool accepts the exposition.
. "$(dirname "$0")/lib.sh"
command -v logger >/dev/null || skip_all "logger not installed"

lt_start

# send COUNT LOGGER-ARGS...: COUNT messages in one logger run (one per input line).
send() {
    local count=$1; shift
    seq 1 "$count" | sed 's/^/message number /' >"$T/lines"
    logger -n 127.0.0.1 "$@" -t myapp -f "$T/lines" || not_ok "logger $*"
}

send 3 -P "$UDP_PORT" -d --rfc3164 -p user.err
send 2 -P "$UDP_PORT" -d --rfc5424 -p local0.crit --sd-id ex@32473 --sd-param 'k="v"'
send 7 -P "$UDP_PORT" -d -p user.notice
send 5 -P "$TCP_PORT" -T --rfc5424 -p daemon.warning
send 4 -P "$TCP_PORT" -T --rfc5424 --octet-count -p mail.info --sd-id ex@32473 --sd-param 'a="b\"c"'
send 6 -P "$TCP_PORT" -T --rfc3164 -p cron.debug
send 1 -P "$TCP_PORT" -T --rfc3164 --octet-count -p kern.emerg
send 1 -P "$TCP_PORT" -T --octet-count -p auth.alert

wait_processed 29 || not_ok "daemon processed all 29 messages"

declare -A want=([emerg]=1 [alert]=1 [crit]=2 [err]=3 [warning]=5 [notice]=7 [info]=4 [debug]=6 [unknown]=0)
for level in emerg alert crit err warning notice info debug unknown; do
    assert_eq "${want[$level]}" "$(metric "logtally_events_total{level=\"$level\"}")" "/metrics $level"
    assert_eq "${want[$level]}" "$(stat "s['levels']['$level']")" "/api/v1/stats $level"
done
assert_eq 29 "$(stat "s['events_total']")" "events_total"
assert_eq 0 "$(stat "s['rejected_total']")" "rejected_total"
assert_eq 5 "$(metric 'logtally_connections_accepted_total{transport="tcp"}')" "one tcp connection per logger run"

tcp_bytes=$(metric 'logtally_received_bytes_total{transport="tcp"}')
udp_bytes=$(metric 'logtally_received_bytes_total{transport="udp"}')
[ "${tcp_bytes:-0}" -gt 0 ] && ok "tcp bytes counted ($tcp_bytes)" || not_ok "tcp bytes counted"
[ "${udp_bytes:-0}" -gt 0 ] && ok "udp bytes counted ($udp_bytes)" || not_ok "udp bytes counted"

if [ -n "${PROMTOOL:-}" ] && command -v "$PROMTOOL" >/dev/null; then
    curl -sf "$URL/metrics" >"$T/metrics.txt"
    if "$PROMTOOL" check metrics <"$T/metrics.txt" >"$T/promtool.out" 2>&1; then
        ok "promtool check metrics"
    else
        not_ok "promtool check metrics: $(cat "$T/promtool.out")"
    fi
else
    not_ok "promtool is required (Debian package prometheus)"
fi

lt_stop
assert_match 'final totals: events=29 ' "$(cat "$T/daemon.log")" "final totals logged at exit"
lt_finish
