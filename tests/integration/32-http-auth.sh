#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# http.auth_token_file: POST /api/v1/ingest and /api/v1/events want "Authorization: Bearer
# TOKEN" (401 with WWW-Authenticate otherwise, and a refused post counts nothing); /metrics,
# /api/v1/stats, /healthz and the page stay open, the page without the event texts. A missing
# or empty token file stops the start; one that others may read is warned about. SIGHUP reads
# the file again within the all-or-nothing reload: a rotated token (same path or a new one)
# replaces the old one, a bad file fails the whole reload and the token in force stays,
# removing the key opens ingest with a warning, and adding it closes it again.
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

# Reloads, under a journal stream so that each line's priority shows (<3> error, <4> warning,
# <5> notice). hup waits for the Nth reload's outcome line, as 76-sighup-reload.sh does.
chmod 600 "$T/token"
JOURNAL_STREAM=$(command stat -c '%d:%i' "$T/daemon.log")
export JOURNAL_STREAM
lt_start -c "$T/c.json"
unset JOURNAL_STREAM
hup() {
    kill -HUP "$LT_PID"
    local want=$1
    done_n() { [ "$(grep -cE 'reload (done|failed)' "$T/daemon.log")" -ge "$want" ]; }
    lt_poll 5 done_n || not_ok "reload $want finished"
}
since_hup() { awk -v n="$1" '/SIGHUP received/ { i++ } i >= n' "$T/daemon.log"; } # reload N's lines
token_config() { echo "{ \"http\": { \"auth_token_file\": \"$1\" ${2:-} } }" >"$T/c.json"; }
new=(-H 'Authorization: Bearer n3w-t0ken')
moved=(-H 'Authorization: Bearer p4th-t0ken')
assert_eq 204 "$(post "${good[@]}")" "the start-up token"
assert_eq 401 "$(post "${new[@]}")" "the next token refused before the reload"

# Rotation under the same path: every request after the reload wants the new token.
printf 'n3w-t0ken\n' >"$T/token"
hup 1
assert_eq 1 "$(metric logtally_config_last_reload_successful)" "a rotation is a good reload"
assert_match "^<5>reload: http.auth_token_file $T/token: a new token is in force$" \
    "$(cat "$T/daemon.log")" "the rotation logged"
assert_eq 401 "$(post "${good[@]}")" "the old token refused after the rotation"
assert_eq 401 "$(code "${good[@]}" "$URL/api/v1/events")" "no event texts for the old token"
assert_eq 204 "$(post "${new[@]}")" "the rotated token takes ingest"
assert_eq 204 "$(post "${new[@]}")" "the rotated token takes ingest again"
assert_eq 200 "$(code "${new[@]}" "$URL/api/v1/events")" "the rotated token reads the event texts"
assert_eq 3 "$(metric 'logtally_events_total{level="err"}')" "the posts with the token in force counted"

# A bad token file fails the whole reload: ingest stays on although the same file turns it
# off, the metric says so, one error line names the file and the reason, and the token in
# force still guards.
reload_fails() { # N PATH REASON
    token_config "$2" ', "ingest": false'
    hup "$1"
    local log
    log=$(since_hup "$1")
    assert_match "^<3>reload: http.auth_token_file $2: $3$" "$log" "reload $1 said why: $3"
    assert_eq 1 "$(grep -c 'auth_token_file' <<<"$log")" "reload $1: one line about the token"
    assert_eq $(($1 - 1)) "$(grep -c '^<3>reload failed: keeping the running configuration$' \
        "$T/daemon.log")" "reload $1 failed as a whole"
    assert_eq 0 "$(metric logtally_config_last_reload_successful)" "reload $1 reported failed"
    assert_eq 401 "$(post)" "reload $1: still guarded"
    assert_eq 204 "$(post "${new[@]}")" "reload $1: the token in force works, ingest still on"
}
: >"$T/token"
reload_fails 2 "$T/token" 'empty, or holds spaces or control bytes'
reload_fails 3 "$T/missing" 'no such file or directory'
printf 'two words\n' >"$T/token"
reload_fails 4 "$T/token" 'empty, or holds spaces or control bytes'
head -c 5000 /dev/zero | tr '\0' a >"$T/token"
reload_fails 5 "$T/token" 'longer than 4096 bytes'
assert_eq 7 "$(metric 'logtally_events_total{level="err"}')" "the posts during failed reloads counted"

# A changed path: the new file's token replaces the old one.
printf 'p4th-t0ken\n' >"$T/token2"
chmod 600 "$T/token2"
token_config "$T/token2"
hup 6
assert_eq 1 "$(metric logtally_config_last_reload_successful)" "a good file after bad ones"
assert_match "^<5>reload: http.auth_token_file: \"$T/token\" -> \"$T/token2\" \(applied\)$" \
    "$(cat "$T/daemon.log")" "the path change applied"
assert_eq 401 "$(post "${new[@]}")" "the token of the old path refused"
assert_eq 204 "$(post "${moved[@]}")" "the token of the new path taken"

# The key removed: open, with a warning.
token_config ""
hup 7
assert_match '^<4>http.auth_token_file removed: ingest and event texts are open$' \
    "$(cat "$T/daemon.log")" "the removal warned about"
assert_eq 204 "$(post)" "ingest open once the key is removed"
assert_eq 200 "$(code "$URL/api/v1/events")" "event texts open once the key is removed"

# The key added again, with a file others may read: guarded again, warned about as at start.
chmod 644 "$T/token2"
token_config "$T/token2"
hup 8
log=$(cat "$T/daemon.log")
assert_match "^<4>http.auth_token_file $T/token2: group or others may read it" "$log" \
    "a readable token file warned about on reload"
said='ingest and event texts now need the token'
assert_match "^<5>reload: http.auth_token_file $T/token2: $said$" "$log" "the key added logged"
assert_eq 401 "$(post)" "guarded again once the key is added"
assert_eq 204 "$(post "${moved[@]}")" "the added token taken"
assert_eq 10 "$(metric 'logtally_events_total{level="err"}')" "exactly the posts let in counted"
assert_eq 10 "$(stat "s['events_total']")" "nothing else counted"
assert_eq 9 "$(metric 'logtally_http_responses_total{code="401"}')" "every 401 counted"
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
