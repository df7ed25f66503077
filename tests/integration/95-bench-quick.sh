# SPDX-License-Identifier: MIT
# bench/run --quick keeps the benchmark harness working: every workload runs against every
# available peer with small counts and must arrive with exact per-level counts. It asserts no
# speed; peers that are not installed are skipped by bench/run and named in its notes.
. "$(dirname "$0")/lib.sh"

LOADGEN=${LT_BUILDDIR:?}/bench/loadgen
[ -x "$LOADGEN" ] || skip_all "bench/loadgen not built"
command -v ss >/dev/null || skip_all "ss (iproute2) not installed"

LOGTALLYD=$LOGTALLYD LOADGEN=$LOADGEN LT_BUILDDIR=$LT_BUILDDIR \
    "$LT_SRCDIR/bench/run" --quick --out "$T/results.md" 2>"$T/bench.log"
rc=$?
assert_eq 0 "$rc" "bench/run --quick exit status (failures: $(grep -c 'counts differ\|did not start' "$T/bench.log"))"
[ "$rc" -eq 0 ] || tail -n 30 "$T/bench.log"
out=$(cat "$T/results.md" 2>/dev/null)
for w in W1 W2 W3 W4 W5; do
    assert_match "## $w:" "$out" "$w has a results table"
done
# Every TCP row of W1 and W2 says its counts were exact.
assert_eq 0 "$(grep -E '^\| (logtally|rsyslog|syslog-ng|Python|ceiling)' "$T/results.md" | grep -c '| NO |')" "rows with inexact counts"
assert_match '\| logtally \| [0-9,]+ \|.*\| yes \(1/1\) \|' "$out" "logtally's W1/W2 counts exact"
assert_match '\| logtally \| burst \|' "$out" "W3 burst ran with loss accounted"
assert_match '\| `logtally scan` \|.*\| yes \|' "$out" "W4: logtally scan counted the generated file exactly"
lt_finish
