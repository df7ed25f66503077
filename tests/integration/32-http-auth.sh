#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# http.auth_token_file: POST /api/v1/ingest and /api/v1/events want "Authorization: Bearer
# TOKEN" (401 with WWW-Authenticate otherwise, and a refused post counts nothing); /metrics,
# /api/v1/stats, /healthz and the page stay open, the page without the event texts. A missing
# or empty token file stops the start; one that others may read is warned about.
. "$(dirname "$0")/lib.sh"
printf 'Zm9vYmFy-s3cret\n' >"$T/token"
chmod 600 "$T/token"
echo "{ \"http\": { \"auth_token_file\": \"$T/token\" } }" >"$T/c.json"
lt_start -c "$T/c.json"
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
post() { code --data-binary '{"level":"error","msg":"secret text"}' "$@" "$URL/api/v1/ingest"; }
good=(-H 'Authorization: Bearer Zm9vYmFy-s3cret')

assert_eq 401 "$(post)" "ingest without a token"
assert_eq 401 "$(post -H 'Authorization: Bearer Zm9vYmFy-s3creT')" "ingest with a wrong token"
assert_eq 401 "$(post -H 'Authorization: Basic Zm9vYmFy-s3cret')" "ingest with another scheme"
assert_eq 204 "$(post "${good[@]}")" "ingest with the token"
assert_eq 204 "$(post -H 'Authorization: bearer Zm9vYmFy-s3cret')" "the scheme in any case"
assert_match 'WWW-Authenticate: Bearer realm="logtally"' "$(curl -si "$URL/api/v1/events")" \
    "401 names the scheme"
assert_eq 401 "$(code "$URL/api/v1/events")" "events without a token"
assert_eq 200 "$(code "${good[@]}" "$URL/api/v1/events")" "events with the token"
assert_match 'secret text' "$(curl -s "${good[@]}" "$URL/api/v1/events")" "the token shows the texts"
assert_eq 200 "$(code "$URL/metrics")" "/metrics stays open"
assert_eq 200 "$(code "$URL/api/v1/stats")" "/api/v1/stats stays open"
assert_eq 200 "$(code "$URL/healthz")" "/healthz stays open"
page=$(curl -s "$URL/")
assert_match 'id="events-total"' "$page" "the page renders without the token"
if printf '%s' "$page" | grep -q 'secret text'; then not_ok "the page leaks event text"; else ok "no event text on the page without the token"; fi
assert_eq 2 "$(metric 'logtally_events_total{level="err"}')" "only the authorized posts counted"
assert_eq 5 "$(metric 'logtally_http_responses_total{code="401"}')" "every 401 counted"
assert_eq 0 "$(stat "s['rejected_total']")" "refused posts are not rejections either"
lt_stop

# A token file others may read: runs, with a warning.
chmod 644 "$T/token"
lt_start -c "$T/c.json"
assert_match "auth_token_file $T/token: group or others may read it" "$(cat "$T/daemon.log")" \
    "readable token file warned about"
lt_stop

# No usable token: the daemon refuses to start rather than run open.
start_fails() { # CONFIG-TEXT EXPECTED-LOG
    echo "$1" >"$T/bad.json"
    "$LOGTALLYD" --tcp 127.0.0.1:0 --udp 127.0.0.1:0 --http 127.0.0.1:0 -c "$T/bad.json" \
        2>"$T/bad.log"
    assert_eq 1 "$?" "exit 1: $2"
    assert_match "$2" "$(cat "$T/bad.log")" "said why: $2"
}
start_fails "{ \"http\": { \"auth_token_file\": \"$T/missing\" } }" "auth_token_file $T/missing: no such file"
: >"$T/empty"
start_fails "{ \"http\": { \"auth_token_file\": \"$T/empty\" } }" "auth_token_file $T/empty: empty"
lt_finish
