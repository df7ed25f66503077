#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs one libFuzzer harness for a while, then folds what it found into the checked-in corpus
# (minimized with -merge=1). Needs a build configured with --enable-fuzzing CC=clang and
# `make fuzz`. Seeds come from tests/data/ (each corpus line's raw message one file) and from
# tests/fuzz/corpus/<harness>/.
#   tests/fuzz/run.sh BUILD_DIR HARNESS SECONDS [extra libFuzzer flags...]
# HARNESS is framer, syslog_parse, json_parse, http_request or config. Runs at nice 19.
set -euo pipefail
[ $# -ge 3 ] || { sed -n '3,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
build=$(cd "$1" && pwd); name=$2; secs=$3; shift 3
src=$(cd "$(dirname "$0")/../.." && pwd)
bin=$build/tests/fuzz/fuzz_$name
corpus=$src/tests/fuzz/corpus/$name
work=$build/fuzz-work/$name
[ -x "$bin" ] || { echo "run.sh: $bin missing (make fuzz)" >&2; exit 1; }
mkdir -p "$corpus" "$work/found" "$work/seeds" "$work/artifacts"

# Seeds from tests/data: the raw message column, unescaped (tests/data/README.md).
python3 - "$src/tests/data" "$work/seeds" "$name" <<'PY'
import os, re, sys, glob
data, out, name = sys.argv[1:]
def unescape(s):
    return re.sub(rb'\\(t|n|r|\\|x[0-9a-fA-F]{2})', lambda m: {b't': b'\t', b'n': b'\n', b'r': b'\r', b'\\': b'\\'}.get(m.group(1)) or bytes([int(m.group(1)[1:], 16)]), s)
msgs = []
for f in sorted(glob.glob(os.path.join(data, '*.txt'))):
    for line in open(f, 'rb').read().split(b'\n'):
        if not line or line.startswith(b'#'):
            continue
        cols = line.split(b'\t', 3)
        if len(cols) == 4:
            msgs.append(unescape(cols[3]))
seeds = []
if name in ('syslog_parse', 'json_parse'):
    seeds = [m for m in msgs if name == 'syslog_parse' or m.lstrip()[:1] == b'{']
elif name == 'framer':
    # Header: max_message_bytes 200 (LF and octet-counting modes), then a stream of lines.
    lf = b''.join(m + b'\n' for m in msgs[:40])
    oc = b''.join(b'%d %s' % (len(m), m) for m in msgs[:40])
    seeds = [b'\xc8\x00\x01\x02\x03\x04' + lf, b'\xc8\x80\x05\x06\x07\x08' + lf,
             b'\xc8\x00\x09\x0a\x0b\x0c' + oc]
elif name == 'config':
    seeds = [open(f, 'rb').read() for f in sorted(glob.glob(os.path.join(data, 'config', '*.json')))]
    seeds.append(open(os.path.join(data, '..', '..', 'conf', 'logtally.json'), 'rb').read())
elif name == 'http_request':
    for m in msgs[:60]:
        seeds.append(b'POST /api/v1/ingest HTTP/1.1\r\nContent-Length: %d\r\n\r\n%s' % (len(m), m))
for i, s in enumerate(seeds):
    open(os.path.join(out, 'seed-%04d' % i), 'wb').write(s)
PY

echo "run.sh: fuzzing $name for ${secs}s" >&2
nice -n 19 "$bin" -max_total_time="$secs" -rss_limit_mb=1024 -timeout=30 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/" "$@" "$work/found" "$corpus" "$work/seeds" \
    2>&1 | tee "$work/fuzz.log" | grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|^stat::|ERROR|SUMMARY|Test unit written' || true

# Minimize: a fresh directory gets only the inputs that add coverage, then replaces the corpus.
# -use_counters=0 keeps every edge but not every hit-count variant of it, which keeps the
# checked-in corpus at a few hundred files per harness.
rm -rf "$work/merged" && mkdir -p "$work/merged"
nice -n 19 "$bin" -merge=1 -use_counters=0 -rss_limit_mb=1024 "$work/merged" "$corpus" "$work/found" "$work/seeds" \
    >"$work/merge.log" 2>&1
rm -rf "$corpus" && mkdir -p "$corpus" && cp "$work/merged"/* "$corpus"/
echo "run.sh: corpus $name: $(ls "$corpus" | wc -l) files, $(du -sk "$corpus" | cut -f1) KiB" >&2
