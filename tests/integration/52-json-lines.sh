#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# JSON lines as fluent-bit, Vector and Logstash send them: fluent-bit's `tcp` output with
# `format json_lines` (socat), its `http` output with `format json` (an array of records with
# a `date` key) and `json_lines` (curl), one TCP connection mixing JSON and syslog lines, and
# a broken line that is rejected while the next is still counted.
. "$(dirname "$0")/lib.sh"
command -v socat >/dev/null || skip_all "socat not installed"

cat >"$T/labels.json" <<'JSON'
{ "labels": ["level", "host", "app", "transport"] }
JSON
lt_start -c "$T/labels.json"

# fluent-bit out_tcp, format json_lines: one record per line.
cat >"$T/fluentbit.ndjson" <<'EOF2'
{"date":1764040485.409917,"level":"info","log":"started","host":"h1","app":"api"}
{"date":1764040485.512001,"level":"ERROR","log":"db down","host":"h1","app":"api"}
{"date":1764040486.000000,"level":"warn","log":"slow","host":"h2","app":"api"}
{"date":1764040486.100000,"severity":"CRITICAL","message":"oom","host":"h2","app":"worker"}
EOF2
socat -u "FILE:$T/fluentbit.ndjson" "TCP:127.0.0.1:$TCP_PORT"

# One connection mixing formats, with a bad line in the middle.
printf '%s\n' \
    '{"level":50,"time":1700000000000,"pid":7,"hostname":"web1","msg":"db down","app":"pino"}' \
    '<11>Nov 25 03:14:45 web1 sshd[42]: syslog in between' \
    '{"level":"error", broken' \
    '{"@t":"2026-11-25T03:14:45.1Z","@mt":"Started {App}","@l":"Error","App":"api","host":"web1","app":"serilog"}' \
    | socat -u STDIN "TCP:127.0.0.1:$TCP_PORT"

# fluent-bit out_http, format json: an array of records.
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary \
  '[{"date":1764040487.0,"level":"info","log":"a","host":"h3","app":"batch"},{"date":1764040487.5,"level":"info","log":"b","host":"h3","app":"batch"}]' \
  "$URL/api/v1/ingest")
assert_eq 204 "$code" "fluent-bit http/json accepted"
# fluent-bit out_http, format json_lines.
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/x-ndjson' --data-binary \
  $'{"date":1764040488.0,"level":"debug","log":"c","host":"h3","app":"batch"}\n{"date":1764040488.1,"level":"trace","log":"d","host":"h3","app":"batch"}\n' \
  "$URL/api/v1/ingest")
assert_eq 204 "$code" "fluent-bit http/json_lines accepted"

wait_processed 12 || not_ok "all 12 lines processed"
m() { metric "logtally_events_total{level=\"$1\",host=\"$2\",app=\"$3\",transport=\"$4\"}"; }
assert_eq 1 "$(m info h1 api tcp)" "fluent-bit tcp info"
assert_eq 1 "$(m err h1 api tcp)" "fluent-bit tcp ERROR"
assert_eq 1 "$(m warning h2 api tcp)" "fluent-bit tcp warn"
assert_eq 1 "$(m crit h2 worker tcp)" "fluent-bit tcp CRITICAL (severity key)"
assert_eq 1 "$(m err web1 pino tcp)" "pino level 50"
assert_eq 1 "$(m err web1 sshd tcp)" "syslog line between JSON lines"
assert_eq 1 "$(m err web1 serilog tcp)" "Serilog @l Error"
assert_eq 2 "$(m info h3 batch http)" "fluent-bit http json array"
assert_eq 2 "$(m debug h3 batch http)" "fluent-bit http json_lines (debug, trace)"
assert_eq 1 "$(metric 'logtally_rejected_total{transport="tcp",reason="bad_json"}')" "broken JSON line rejected"
assert_eq 11 "$(stat "s['events_total']")" "every valid record counted"
lt_stop
lt_finish
