#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# SIGHUP re-reads the config file: every change is logged, the HTTP settings and limits apply
# at once, limits.max_series only up to its start-up value, listeners and workers wait for a
# restart, counts are never lost, and a broken file keeps the running configuration.
. "$(dirname "$0")/lib.sh"

cat >"$T/c.json" <<'JSON'
{ "limits": { "max_series": 100 }, "http": { "ingest": true } }
JSON
lt_start -c "$T/c.json"
post() { curl -s -o /dev/null -w '%{http_code}' --data-binary "$1" "$URL/api/v1/ingest"; }
assert_eq 204 "$(post '{"level":"error","msg":"before"}')" "ingest on before the reload"
printf 'tcp %s\n' 1 2 3 | logger -n 127.0.0.1 -P "$TCP_PORT" -T -p user.warning
wait_processed 4

hup() { # waits for the Nth "reload" outcome line
    kill -HUP "$LT_PID"
    local want=$1
    done_n() { [ "$(grep -cE 'reload (done|failed)' "$T/daemon.log")" -ge "$want" ]; }
    lt_poll 5 done_n || not_ok "reload $want finished"
}

cat >"$T/c.json" <<'JSON'
{ "limits": { "max_series": 50 }, "http": { "ingest": false, "max_body_bytes": 1024 } }
JSON
hup 1
log=$(cat "$T/daemon.log")
assert_match 'reload: limits.max_series: 100 -> 50 \(applied\)' "$log" "lowered max_series logged as applied"
assert_eq 50 "$(metric logtally_series_limit)" "series limit lowered"
assert_match 'reload: http.ingest: true -> false \(applied\)' "$log" "http.ingest logged as applied"
assert_match 'reload: http.max_body_bytes: 16777216 -> 1024 \(applied\)' "$log" "http.max_body_bytes logged"
assert_match 'reload done: 3 settings changed' "$log" "three changes counted"
assert_eq 403 "$(post '{"level":"error","msg":"after"}')" "ingest off after the reload"
assert_eq 1 "$(metric 'logtally_events_total{level="err"}')" "err count kept"
assert_eq 3 "$(metric 'logtally_events_total{level="warning"}')" "warning count kept"

# The new body limit holds for new requests (413 before ingest's own check).
big=$(head -c 2000 /dev/zero | tr '\0' 'x')
assert_eq 413 "$(post "$big")" "reloaded max_body_bytes enforced"

# A broken file: logged, and the running settings stay.
echo '{ "limits": ' >"$T/c.json"
hup 2
assert_match 'reload failed: keeping the running configuration' "$(cat "$T/daemon.log")" "broken file refused"
assert_eq 403 "$(post '{"level":"error"}')" "ingest still off"
assert_eq ready "$(curl -s "$URL/readyz")" "still ready"

# Back to the original: ingest on again, listeners untouched, counting goes on.
echo '{ "limits": { "max_series": 100 } }' >"$T/c.json"
hup 3
assert_eq 204 "$(post '{"level":"error","msg":"again"}')" "ingest on again"
printf 'tcp %s\n' 4 5 | logger -n 127.0.0.1 -P "$TCP_PORT" -T -p user.warning
wait_processed 7
assert_eq 2 "$(metric 'logtally_events_total{level="err"}')" "err total across reloads"
assert_eq 5 "$(metric 'logtally_events_total{level="warning"}')" "warning total across reloads"
assert_eq 100 "$(metric logtally_series_limit)" "series limit back up to the start-up value"

# Above the start-up value the table cannot grow: logged, kept; the other keys still apply.
cat >"$T/c.json" <<'JSON'
{ "limits": { "max_series": 200 }, "http": { "max_body_bytes": 1024 } }
JSON
hup 4
log=$(cat "$T/daemon.log")
assert_match 'reload: limits.max_series: 100 -> 200 \(not applied: above the start-up value, needs a restart\)' "$log" "max_series above start refused"
assert_eq 100 "$(metric logtally_series_limit)" "series limit kept"
assert_eq 413 "$(post "$big")" "the rest applied"
assert_eq 1 "$(metric logtally_config_last_reload_successful)" "a partly restart-only file is a good load"
lt_stop
lt_finish
