#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# contrib/fluent-bit and contrib/vector (neither is in Debian): the snippets point at the
# routes and framings checked here, and logtally counts exactly the records those outputs
# produce in their documented shapes: fluent-bit's http output (a JSON array with "date" as
# a double) and tcp json_lines, Vector's http sink (NDJSON) and socket sink (JSON lines).
. "$(dirname "$0")/lib.sh"
C=$LT_SRCDIR/contrib
fb=$C/fluent-bit/logtally.conf
assert_match 'URI +/api/v1/ingest' "$(cat "$fb")" "fluent-bit posts to /api/v1/ingest"
assert_match 'Format +json$' "$(grep -m1 Format "$fb")" "fluent-bit http output format json"
assert_match 'Json_date_format double' "$(cat "$fb")" "fluent-bit dates as epoch doubles"
vec=$(python3 -c 'import sys,tomllib; c=tomllib.load(open(sys.argv[1],"rb"))["sinks"]; h=c["logtally_http"]; t=c["logtally_tcp"]; print(h["uri"].endswith("/api/v1/ingest"), h["encoding"]["codec"], h["framing"]["method"], t["mode"], t["framing"]["method"])' "$C/vector/logtally.toml")
assert_eq "True json newline_delimited tcp newline_delimited" "$vec" "vector sinks: http NDJSON and tcp JSON lines"

lt_start
# fluent-bit http output, Format json: one JSON array per flush.
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary \
  '[{"date":1764040485.123456,"level":"error","log":"db down","kubernetes":{"pod_name":"api-1"}},{"date":1764040485.2,"level":"warn","log":"slow"},{"date":1764040485.3,"level":"info","log":"ok"}]' \
  "$URL/api/v1/ingest")
assert_eq 204 "$code" "fluent-bit http batch accepted"
# fluent-bit tcp output, Format json_lines.
printf '%s\n' '{"date":1764040486.5,"level":"error","log":"again"}' '{"date":1764040486.6,"level":"debug","log":"dbg"}' \
    >/dev/tcp/127.0.0.1/"$TCP_PORT"
# Vector http sink, codec json, newline_delimited framing.
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/x-ndjson' --data-binary \
  $'{"host":"web1","level":"error","message":"vector one","source_type":"file","timestamp":"2026-11-25T04:41:42.867702Z"}\n{"host":"web1","level":"warning","message":"vector two","source_type":"file","timestamp":"2026-11-25T04:41:43Z"}\n' \
  "$URL/api/v1/ingest")
assert_eq 204 "$code" "vector http NDJSON batch accepted"
# Vector socket sink, mode tcp, newline_delimited.
printf '%s\n' '{"host":"web2","level":"critical","message":"vector tcp","timestamp":"2026-11-25T04:41:44Z"}' \
    >/dev/tcp/127.0.0.1/"$TCP_PORT"
wait_processed 8
assert_eq 3 "$(metric 'logtally_events_total{level="err"}')" "err: fluent-bit 2 + vector 1"
assert_eq 2 "$(metric 'logtally_events_total{level="warning"}')" "warning: fluent-bit 1 + vector 1"
assert_eq 1 "$(metric 'logtally_events_total{level="info"}')" "info"
assert_eq 1 "$(metric 'logtally_events_total{level="debug"}')" "debug"
assert_eq 1 "$(metric 'logtally_events_total{level="crit"}')" "crit from vector over TCP"
assert_eq 0 "$(stat "s['rejected_total']")" "nothing rejected"
lt_stop
lt_finish
