#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Logs under journald (lib.sh defines a "stat" of its own, hence "command stat"): when stderr is the stream JOURNAL_STREAM names (device:inode), every
# line is one event with a <N> syslog-priority prefix (<3> errors, <5> notices, <6> info);
# when JOURNAL_STREAM names something else (stderr redirected by a script), lines stay plain.
. "$(dirname "$0")/lib.sh"

echo '{ "limits": { "max_series": 100 } }' >"$T/c.json"
: >"$T/daemon.log"
export JOURNAL_STREAM=$(command stat -c '%d:%i' "$T/daemon.log")
lt_start -c "$T/c.json"
echo '{ "limits": { "max_series": 200 } }' >"$T/c.json"
kill -HUP "$LT_PID"
lt_poll 5 grep -q 'reload done' "$T/daemon.log"
lt_stop
log=$(cat "$T/daemon.log")
assert_eq "" "$(grep -v -E '^<[0-7]>[^<]' "$T/daemon.log")" "every line has a <N> prefix"
assert_match '^<6>listening on tcp 127\.0\.0\.1:[0-9]+$' "$(head -n 1 "$T/daemon.log")" "info is <6>"
assert_match '^<5>reload: limits.max_series: 100 -> 200 \(not applied: above the start-up value, needs a restart\)' "$log" "notice is <5>"
assert_match '<6>final totals: events=0 ' "$log" "shutdown line is <6>"

: >"$T/err.log"
JOURNAL_STREAM=$(command stat -c '%d:%i' "$T/err.log") "$LOGTALLYD" -c "$T/missing.json" 2>>"$T/err.log"
assert_eq 1 $? "missing config exits 1"
assert_match '^<3>.*missing\.json' "$(cat "$T/err.log")" "an error is <3>"

JOURNAL_STREAM=1:1 "$LOGTALLYD" -c "$T/missing.json" 2>"$T/plain.log"
assert_match '^logtallyd: .*missing\.json' "$(cat "$T/plain.log")" "another stream: no prefix"
lt_finish
