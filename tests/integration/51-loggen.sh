#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# syslog-ng's loggen (extracted from the syslog-ng-core package by dev.sh, since it conflicts
# with rsyslog): TCP, UDP, and --syslog-proto (RFC 5424, octet-counted, BOM, LF inside the
# frame), each counted exactly. loggen sends priority 38 (auth.info).
. "$(dirname "$0")/lib.sh"
dir=${LT_LOGGEN_DIR:-}
[ -n "$dir" ] && [ -x "$dir/usr/bin/loggen" ] || skip_all "loggen not available (dev.sh extracts syslog-ng-core)"
loggen() {
    LD_LIBRARY_PATH="$dir/usr/lib:$dir/usr/lib/syslog-ng" SYSLOGNG_PREFIX="$dir/usr" \
        timeout 60 "$dir/usr/bin/loggen" -Q "$@" >>"$T/loggen.log" 2>&1 || not_ok "loggen $*"
}

lt_start
loggen -i -S -n 500 --active-connections 4 127.0.0.1 "$TCP_PORT"
wait_processed 2000
assert_eq 2000 "$(metric 'logtally_events_total{level="info"}')" "loggen TCP, 4 connections x 500 (-n counts per connection)"

loggen -i -S -P -n 1500 127.0.0.1 "$TCP_PORT"
wait_processed 3500
assert_eq 3500 "$(metric 'logtally_events_total{level="info"}')" "loggen --syslog-proto (octet-counted)"

loggen -i -S -P -F -n 500 127.0.0.1 "$TCP_PORT"
wait_processed 4000
assert_eq 4000 "$(metric 'logtally_events_total{level="info"}')" "loggen --syslog-proto --no-framing"

# UDP at a modest rate (loopback does not drop at this rate; drops would show below).
loggen -i -D -r 2000 -n 1000 127.0.0.1 "$UDP_PORT"
wait_processed 5000
assert_eq 5000 "$(metric 'logtally_events_total{level="info"}')" "loggen UDP"
assert_eq 0 "$(metric 'logtally_udp_dropped_total')" "no kernel drops"
assert_eq 0 "$(stat "s['rejected_total']")" "nothing rejected"
lt_stop
lt_finish
