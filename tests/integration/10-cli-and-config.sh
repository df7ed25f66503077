#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The command line and the config file: version, help, --check-config on defaults and on the
# example config, overrides, and the one-line errors for bad keys, unreadable files, and
# ports already in use.
. "$(dirname "$0")/lib.sh"

out=$("$LOGTALLYD" -V); assert_match '^logtallyd [0-9]+\.[0-9]+\.[0-9]+$' "$out" "-V prints the version"
out=$("$LOGTALLYD" --help); assert_match '--check-config' "$out" "--help lists the options"
"$LOGTALLYD" --no-such-option >/dev/null 2>&1; assert_eq 2 $? "unknown option exits 2"

# Embedded defaults.
json=$("$LOGTALLYD" --check-config); assert_eq 0 $? "--check-config on defaults exits 0"
get() { printf '%s' "$json" | python3 -c "import json,sys; c=json.load(sys.stdin); print($1)"; }
assert_eq "['127.0.0.1:5514']" "$(get "c['listen']['tcp']")" "default tcp listener"
assert_eq "['127.0.0.1:5514']" "$(get "c['listen']['udp']")" "default udp listener"
assert_eq "127.0.0.1:9514" "$(get "c['listen']['http']")" "default http listener"
assert_eq 65536 "$(get "c['max_message_bytes']")" "default max_message_bytes"

# The shipped example is valid, and the command line overrides it.
json=$("$LOGTALLYD" -c "$LT_SRCDIR/conf/logtally.json" --tcp 127.0.0.1:6000 --tcp '[::1]:6001' \
       --udp 127.0.0.1:6002 --http 127.0.0.1:6003 --workers 3 --check-config)
assert_eq 0 $? "example config is valid"
assert_eq "['127.0.0.1:6000', '[::1]:6001']" "$(get "c['listen']['tcp']")" "--tcp replaces, then appends"
assert_eq "['127.0.0.1:6002']" "$(get "c['listen']['udp']")" "--udp overrides"
assert_eq "127.0.0.1:6003" "$(get "c['listen']['http']")" "--http overrides"
assert_eq 3 "$(get "c['workers']")" "--workers overrides"

# The effective config printed by --check-config is itself a valid config file.
printf '%s\n' "$json" >"$T/roundtrip.json"
"$LOGTALLYD" -c "$T/roundtrip.json" --check-config >/dev/null; assert_eq 0 $? "--check-config output loads back"

# Bad files: exit 1, one line naming the key.
printf '{ "limits": { "max_series": 0 } }\n' >"$T/bad-range.json"
err=$("$LOGTALLYD" -c "$T/bad-range.json" --check-config 2>&1 >/dev/null); rc=$?
assert_eq 1 "$rc" "out-of-range value exits 1"
assert_match 'limits\.max_series' "$err" "error names limits.max_series"
assert_eq 1 "$(printf '%s\n' "$err" | wc -l)" "one line of error"

printf '{ "listen": { "tpc": [] } }\n' >"$T/bad-key.json"
err=$("$LOGTALLYD" -c "$T/bad-key.json" --check-config 2>&1 >/dev/null); rc=$?
assert_eq 1 "$rc" "unknown key exits 1"
assert_match 'listen\.tpc' "$err" "error names listen.tpc"

printf '{ "workers": "two" }\n' >"$T/bad-type.json"
err=$("$LOGTALLYD" -c "$T/bad-type.json" 2>&1 >/dev/null); rc=$?
assert_eq 1 "$rc" "wrong type exits 1 (without --check-config too)"
assert_match 'workers' "$err" "error names workers"

err=$("$LOGTALLYD" -c "$T/does-not-exist.json" 2>&1 >/dev/null); rc=$?
assert_eq 1 "$rc" "missing config exits 1"
assert_match 'does-not-exist\.json' "$err" "error names the file"

err=$("$LOGTALLYD" --tcp 'nonsense' --check-config 2>&1 >/dev/null); rc=$?
assert_eq 1 "$rc" "bad --tcp address exits 1"

# A port in use: start one daemon, then a second on the same TCP port.
lt_start
err=$(timeout 5 "$LOGTALLYD" --tcp "127.0.0.1:$TCP_PORT" --udp 127.0.0.1:0 --http 127.0.0.1:0 2>&1 >/dev/null); rc=$?
assert_eq 1 "$rc" "tcp port in use exits 1"
assert_match "cannot listen on tcp 127\.0\.0\.1:$TCP_PORT: address already in use" "$err" "port-in-use message"
err=$(timeout 5 "$LOGTALLYD" --tcp 127.0.0.1:0 --udp 127.0.0.1:0 --http "127.0.0.1:$HTTP_PORT" 2>&1 >/dev/null); rc=$?
assert_eq 1 "$rc" "http port in use exits 1"
assert_match "cannot listen on http 127\.0\.0\.1:$HTTP_PORT" "$err" "http port-in-use message"
lt_stop
lt_finish
