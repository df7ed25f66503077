#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Counter persistence (state.file): a checkpoint appears within the interval and always reads
# back whole (temp file + rename), the final one is written at SIGTERM, a restart continues
# every count exactly, and a corrupt or foreign file is refused with a log line and a metric,
# moved aside, and the daemon runs on from zero.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/state"
S=$T/state/state.json
cat >"$T/c.json" <<JSON
{ "labels": ["level", "app"], "state": { "file": "$S", "interval_s": 1 } }
JSON

# check_file: the file is one JSON object naming its format, with the length and CRC-32 of
# everything before them; prints "ok SERIES_COUNT" or what is wrong.
cat >"$T/check.py" <<'PY'
import json, sys, zlib
data = open(sys.argv[1], 'rb').read()
mark = data.rfind(b',"length":')
doc = json.loads(data)
ok = (doc['format'] == 'logtally-state' and doc['version'] == 1 and doc['length'] == mark
      and doc['crc32'] == '%08x' % zlib.crc32(data[:mark]) and data.endswith(b'"}\n')
      and doc['series_count'] == len(doc['series']))
print('ok %d' % doc['series_count'] if ok else 'bad: %r' % data[-80:])
PY
check_file() { python3 "$T/check.py" "$S" 2>&1; }
ev() { metric "logtally_events_total{level=\"$1\",app=\"$2\"}"; }
post() { curl -s -o /dev/null -w '%{http_code}' --data-binary "$1" "$URL/api/v1/ingest"; }
log_lines() { cat "$T/daemon.log"; }

# --- First run: no file yet; counts go into checkpoints every second.
lt_start -c "$T/c.json"
assert_match "state: no checkpoint at $S yet; counting from zero" "$(log_lines)" "first start logged"
assert_eq 0 "$(metric logtally_state_restored)" "nothing restored"
printf 'first %s\n' 1 2 3 | logger -n 127.0.0.1 -P "$TCP_PORT" -T -p user.err -t web
printf 'first %s\n' 1 2 | logger -n 127.0.0.1 -P "$TCP_PORT" -T -p user.warning -t db
assert_eq 400 "$(post '{not json')" "a bad ingest record"
wait_processed 6
tcp_bytes=$(metric 'logtally_received_bytes_total{transport="tcp"}')
written() { [ "$(metric logtally_state_writes_total)" -ge "$1" ]; }
lt_poll 5 written 1 && ok "a checkpoint within the 1 s interval" || not_ok "no checkpoint written"
assert_eq "ok 2" "$(check_file)" "the checkpoint parses, its length and CRC-32 hold"
assert_eq 0 "$(metric logtally_state_write_failures_total)" "no write failures"
last=$(metric logtally_state_last_write_timestamp_seconds)
python3 -c "import sys,time; sys.exit(0 if abs(time.time() - $last) < 30 else 1)" \
    && ok "last write timestamp is now ($last)" || not_ok "last write timestamp $last"

# Atomic replacement: reading in a tight loop while checkpoints keep replacing the file (a
# new inode each time), every read sees a whole checkpoint.
cat >"$T/watch.py" <<'PY'
import json, os, sys, time, zlib
path, until = sys.argv[1], time.time() + float(sys.argv[2])
reads = bad = 0
inodes = set()
while time.time() < until:
    try:
        inodes.add(os.stat(path).st_ino)
        data = open(path, 'rb').read()
        mark = data.rfind(b',"length":')
        doc = json.loads(data)
        if doc['length'] != mark or doc['crc32'] != '%08x' % zlib.crc32(data[:mark]):
            bad += 1
    except Exception as e:
        bad += 1
        print('#', e)
    reads += 1
print(reads, bad, len(inodes))
PY
read -r reads bad inodes < <(python3 "$T/watch.py" "$S" 2.5)
assert_eq 0 "$bad" "torn or invalid reads among $reads reads"
[ "$inodes" -ge 2 ] && ok "the file was replaced $((inodes - 1)) times meanwhile" || not_ok "saw $inodes inode(s)"
lt_stop
assert_match "state: wrote the final checkpoint to $S" "$(log_lines)" "final checkpoint at SIGTERM"
assert_eq "ok 2" "$(check_file)" "the final checkpoint is whole"
assert_eq "state.json" "$(ls "$T/state")" "no temporary file left in the directory"

# --- Second run: every count continues from the checkpoint.
lt_start -c "$T/c.json"
assert_match "state: restored 2 series and the daemon counters from $S" "$(log_lines)" "restore logged"
assert_eq 1 "$(metric logtally_state_restored)" "logtally_state_restored"
assert_eq 3 "$(ev err web)" "err from web restored"
assert_eq 2 "$(ev warning db)" "warning from db restored"
assert_eq "$tcp_bytes" "$(metric 'logtally_received_bytes_total{transport="tcp"}')" "tcp bytes restored"
assert_eq 1 "$(metric 'logtally_rejected_total{transport="http",reason="bad_json"}')" "rejection restored"
assert_eq 1 "$(metric 'logtally_http_responses_total{code="400"}')" "HTTP 400 restored"
printf 'second %s\n' 1 2 | logger -n 127.0.0.1 -P "$TCP_PORT" -T -p user.err -t web
printf 'second %s\n' 1 | logger -n 127.0.0.1 -P "$TCP_PORT" -T -p user.info -t cron
assert_eq 400 "$(post '{still not json')" "another bad ingest record"
wait_processed 10
assert_eq 5 "$(ev err web)" "err from web: 3 + 2"
assert_eq 2 "$(ev warning db)" "warning from db unchanged"
assert_eq 1 "$(ev info cron)" "info from cron: new"
assert_eq 2 "$(metric 'logtally_rejected_total{transport="http",reason="bad_json"}')" "rejections: 1 + 1"
assert_eq 2 "$(metric 'logtally_http_responses_total{code="400"}')" "HTTP 400: 1 + 1"
assert_eq 8 "$(stat "s['events_total']")" "events total 5 + 3"
# The rates start from the restored totals: the history holds the 3 new events, no spike of 5.
history_sum() { curl -s "$URL/api/v1/history?window=60" | python3 -c 'import json,sys; print(sum(sum(x["counts"].values()) for x in json.load(sys.stdin)["seconds"]))'; }
history_has_3() { [ "$(history_sum)" = 3 ]; }
lt_poll 5 history_has_3 && ok "history counts only the 3 new events" || not_ok "history sum $(history_sum)"
lt_stop

# --- A flipped byte: refused whole, logged, counted, moved aside; the daemon runs from zero.
python3 - "$S" <<'PY'
import sys
p = sys.argv[1]; b = bytearray(open(p, 'rb').read()); b[len(b) // 2] ^= 0x04
open(p, 'wb').write(b)
PY
lt_start -c "$T/c.json"
assert_match "state: $S refused: checksum mismatch: the content is corrupt; counting from zero; moved it to $S.refused" \
    "$(log_lines)" "corrupt file refused with one clear line"
assert_eq 1 "$(metric logtally_state_load_failures_total)" "logtally_state_load_failures_total"
assert_eq 0 "$(metric logtally_state_restored)" "nothing restored"
assert_eq 0 "$(stat "s['events_total']")" "no count half-loaded"
assert_eq ready "$(curl -s "$URL/readyz")" "the daemon runs"
[ -f "$S.refused" ] && ok "the corrupt file is kept as state.json.refused" || not_ok "no $S.refused"
printf 'third\n' | logger -n 127.0.0.1 -P "$TCP_PORT" -T -p user.err -t web
wait_processed 1
lt_poll 5 written 1 && ok "checkpoints go on after a refusal" || not_ok "no checkpoint after the refusal"
assert_eq "ok 1" "$(check_file)" "the new checkpoint holds the new count"
lt_stop

# --- A foreign file (some other JSON) and an empty file: refused the same way.
echo '{"labels": ["host"]}' >"$S"
lt_start -c "$T/c.json"
assert_match "state: $S refused: not a logtally state file" "$(log_lines)" "foreign JSON refused"
assert_eq 1 "$(metric logtally_state_load_failures_total)" "foreign file counted"
assert_eq '{"labels": ["host"]}' "$(cat "$S.refused")" "the foreign file kept as it was"
lt_stop
: >"$S"
lt_start -c "$T/c.json"
assert_match "state: $S refused: the file is empty" "$(log_lines)" "empty file refused"
lt_stop
lt_finish
