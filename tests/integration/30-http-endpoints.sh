#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The HTTP side as curl and Prometheus see it: /healthz, content types, HEAD, 404, 405,
# malformed requests (400 and a closed connection), keep-alive across repeated scrapes, and
# JSON ingest over HTTP counted like TCP JSON lines.
. "$(dirname "$0")/lib.sh"
lt_start

# The HTTP thread (the main one) asks for the kernel's shortest slice; the ingest workers keep
# the default. /proc shows se.slice on kernels with per-thread slices (6.12 and later).
slice_of() { sed -n 's/^se\.slice *: *//p' "/proc/$LT_PID/task/$1/sched" 2>/dev/null; }
if [ -n "$(slice_of "$LT_PID")" ]; then
    assert_eq 100000 "$(slice_of "$LT_PID")" "HTTP thread slice (ns)"
    assert_match 'http thread: scheduler slice 100 us' "$(cat "$T/daemon.log")" "slice logged"
    for task in /proc/$LT_PID/task/*; do
        grep -q '^lt-worker' "$task/comm" || continue
        s=$(slice_of "${task##*/}")
        [ "$s" != 100000 ] && ok "$(cat "$task/comm") keeps the default slice ($s ns)" \
            || not_ok "$(cat "$task/comm") inherited the HTTP thread's slice"
    done
else
    assert_match 'http thread: default scheduler slice' "$(cat "$T/daemon.log")" "no slice, logged"
fi

assert_eq "ok" "$(curl -sf "$URL/healthz")" "/healthz body"
ct=$(curl -s -o /dev/null -w '%{content_type}' "$URL/metrics")
assert_eq "text/plain; version=0.0.4; charset=utf-8" "$ct" "/metrics content type"
ct=$(curl -s -o /dev/null -w '%{content_type}' "$URL/api/v1/stats")
assert_match '^application/json' "$ct" "/api/v1/stats content type"

assert_eq 404 "$(curl -s -o /dev/null -w '%{http_code}' "$URL/nope")" "unknown path is 404"
assert_eq 405 "$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$URL/metrics")" "DELETE /metrics is 405"
allow=$(curl -s -D - -o /dev/null -X POST "$URL/metrics" | tr -d '\r' | sed -n 's/^Allow: //Ip')
assert_match 'GET' "$allow" "405 carries Allow"

# HEAD: headers with the GET body's length, no body.
get_len=$(curl -s "$URL/metrics" | wc -c)
head_out=$(curl -s -I "$URL/metrics" | tr -d '\r')
assert_eq 200 "$(printf '%s\n' "$head_out" | sed -n 's/^HTTP\/1.1 \([0-9]*\).*/\1/p')" "HEAD status"
head_len=$(printf '%s\n' "$head_out" | sed -n 's/^Content-Length: //Ip')
# Two scrapes may differ in length by a counter's digits (http_requests_total grows).
[ -n "$head_len" ] && [ $((head_len - get_len)) -le 2 ] && [ $((get_len - head_len)) -le 2 ] \
    && ok "HEAD Content-Length ($head_len) matches GET body ($get_len)" \
    || not_ok "HEAD Content-Length '$head_len' vs GET body $get_len"

# Keep-alive: curl reuses one connection for repeated scrapes.
v=$(curl -sv "$URL/metrics" "$URL/metrics" "$URL/api/v1/stats" -o /dev/null -o /dev/null -o /dev/null 2>&1)
assert_match 'Re-using existing connection|Reusing existing connection' "$v" "keep-alive reuses the connection"
accepted_before=$(metric 'logtally_connections_accepted_total{transport="http"}')

# Malformed request: 400, then the server closes the connection.
exec 3<>"/dev/tcp/127.0.0.1/$HTTP_PORT"
printf 'GARBAGE\r\n\r\n' >&3
reply=$(timeout 5 cat <&3); rc=$?
exec 3<&-
assert_match '^HTTP/1.1 400' "$reply" "malformed request gets 400"
assert_eq 0 "$rc" "server closed the connection after 400 (cat saw EOF)"

# HTTP ingest: all three body shapes, counted exactly.
post() { curl -s -o "$T/post.out" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @- "$URL/api/v1/ingest"; }
assert_eq 204 "$(printf '%s' '{"level":"error","msg":"one object"}' | post)" "ingest one object"
assert_eq 204 "$(printf '%s' '[{"date":1764040485.4,"level":"warn","log":"a"},{"date":1764040485.5,"level":"info","log":"b"}]' | post)" "ingest fluent-bit json array"
assert_eq 204 "$(printf '%s\n%s\n' '{"severity":3,"message":"c"}' '{"level":50,"msg":"d"}' | post)" "ingest NDJSON"
assert_eq 400 "$(printf '%s' '[{"level":"error"},' | post)" "ingest bad JSON is 400"
assert_match 'byte' "$(cat "$T/post.out")" "400 names the parse position"
wait_processed 6
assert_eq 3 "$(metric 'logtally_events_total{level="err"}')" "http ingest err count"
assert_eq 1 "$(metric 'logtally_events_total{level="warning"}')" "http ingest warning count"
assert_eq 1 "$(metric 'logtally_events_total{level="info"}')" "http ingest info count"
assert_eq 1 "$(metric 'logtally_rejected_total{transport="http",reason="bad_json"}')" "bad body counted once"

lt_stop
lt_finish
