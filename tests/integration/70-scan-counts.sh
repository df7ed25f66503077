#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# logtally scan against the generator's own tally: the same data set counted with 1 and 3
# threads, from a file, from stdin, from gzip (file and stdin), and sent to the daemon over
# TCP gives the same per-level counts and rejections; --by app equals the daemon's "by";
# --print writes exactly the expected lines, byte for byte, in input order.
. "$(dirname "$0")/lib.sh"
: "${LOGTALLY:?LOGTALLY must point to the built logtally}"
command -v socat >/dev/null || skip_all "socat not installed"

python3 "$LT_SRCDIR/tests/integration/gen-logs.py" "$T" --lines 6000 --seed 7
expect=$T/expect.json

# counts FILE: "levels rejected lines" of a scan --json document, compared with the tally.
check_counts() {
    python3 - "$1" "$expect" <<'PY'
import json, sys
got, want = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
rej = got["rejected"]["file"]
bad = []
if got["levels"] != want["levels"]:
    bad.append("levels %s != %s" % (got["levels"], want["levels"]))
for k, v in want["rejected"].items():
    if rej[k] != v:
        bad.append("rejected %s %d != %d" % (k, rej[k], v))
if got["scan"]["lines"] != want["lines"]:
    bad.append("lines %d != %d" % (got["scan"]["lines"], want["lines"]))
if got["events_total"] != sum(want["levels"].values()):
    bad.append("events_total")
print("; ".join(bad) if bad else "same")
PY
}

for threads in 1 3; do
    "$LOGTALLY" scan --json -t $threads "$T/mix.log" >"$T/file$threads.json"
    assert_eq 0 $? "scan exits 0 ($threads threads, file)"
    assert_eq same "$(check_counts "$T/file$threads.json")" "counts from a file, $threads threads"
done
"$LOGTALLY" scan --json -t 2 - <"$T/mix.log" >"$T/stdin.json"
assert_eq same "$(check_counts "$T/stdin.json")" "counts from stdin"

gzip -c "$T/mix.log" >"$T/mix.log.gz"
"$LOGTALLY" scan --json -t 3 "$T/mix.log.gz" >"$T/gz.json"
assert_eq same "$(check_counts "$T/gz.json")" "counts from a .gz file"
"$LOGTALLY" scan --json -t 1 - <"$T/mix.log.gz" >"$T/gzstdin.json"
assert_eq same "$(check_counts "$T/gzstdin.json")" "counts from gzip on stdin"
# Two gzip members back to back are one stream (RFC 1952 2.2), as gunzip reads them.
{ head -n 5000 "$T/mix.log" | gzip -c; tail -n +5001 "$T/mix.log" | gzip -c; } >"$T/two.gz"
"$LOGTALLY" scan --json "$T/two.gz" >"$T/two.json"
assert_eq same "$(check_counts "$T/two.json")" "counts from a two-member gzip file"

# --print: byte-identical lines, in input order, whatever the number of threads.
for threads in 1 3; do
    "$LOGTALLY" scan -q --min-level err --print -t $threads "$T/mix.log" >"$T/err$threads.log"
    if cmp -s "$T/err$threads.log" "$T/expect-err.log"; then ok "--min-level err --print, $threads threads: byte-identical"
    else not_ok "--min-level err --print, $threads threads: $(cmp "$T/err$threads.log" "$T/expect-err.log" 2>&1)"; fi
done
"$LOGTALLY" scan -q --app web --print - <"$T/mix.log.gz" >"$T/web.log"
if cmp -s "$T/web.log" "$T/expect-app-web.log"; then ok "--app web --print from gzip stdin: byte-identical"
else not_ok "--app web --print: $(cmp "$T/web.log" "$T/expect-app-web.log" 2>&1)"; fi
# With --print the summary goes to stderr, so stdout is only the lines.
"$LOGTALLY" scan --min-level err --print "$T/mix.log" >"$T/err-s.log" 2>"$T/err-s.txt"
assert_eq "$(wc -c <"$T/expect-err.log")" "$(wc -c <"$T/err-s.log")" "--print stdout holds only the lines"
assert_match '^err +[0-9]+' "$(cat "$T/err-s.txt")" "--print puts the table on stderr"

# The daemon over TCP, labelled by app: same levels, same rejections, same "by" object.
printf '{"labels": ["level", "app"]}\n' >"$T/app.json"
lt_start -c "$T/app.json"
# The daemon's framer calls a last line without LF truncated; scan counts it. Send it whole.
{ cat "$T/mix.log"; echo; } | socat -u STDIN "TCP:127.0.0.1:$TCP_PORT"
total=$(python3 -c "import json; e=json.load(open('$expect')); print(sum(e['levels'].values()) + sum(e['rejected'].values()))")
wait_processed "$total"
curl -sf "$URL/api/v1/stats" >"$T/daemon.json"
"$LOGTALLY" scan --json --by app -t 3 "$T/mix.log" >"$T/byapp.json"
assert_eq same "$(python3 - "$T/daemon.json" "$T/byapp.json" "$expect" <<'PY'
import json, sys
d, s, e = (json.load(open(p)) for p in sys.argv[1:])
bad = []
if d["levels"] != e["levels"]:
    bad.append("daemon levels %s != %s" % (d["levels"], e["levels"]))
for k, v in e["rejected"].items():
    if d["rejected"]["tcp"][k] != v:
        bad.append("daemon rejected %s %d != %d" % (k, d["rejected"]["tcp"][k], v))
if d["by"] != s["by"]:
    bad.append("by: daemon %s, scan %s" % (d["by"], s["by"]))
if s["labels"] != ["level", "app"]:
    bad.append("labels %s" % s["labels"])
print("; ".join(bad) if bad else "same")
PY
)" "daemon over TCP and scan --by app agree with the tally"
lt_stop

# --max-series: the daemon's cap and overflow rule (level-only series count as series).
"$LOGTALLY" scan --json --by app --max-series 12 -t 1 "$T/mix.log" >"$T/cap.json"
assert_eq "12 True" "$(python3 -c "
import json; s=json.load(open('$T/cap.json'))
print(s['series']['count'], s['series']['overflow_events'] > 0 and '__overflow__' in s['by']['app'])")" \
    "--max-series 12 caps the series and counts the rest as __overflow__"
assert_eq same "$(check_counts "$T/cap.json")" "capped counts still sum to the tally"

lt_finish
