#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# logtally scan on bad input: a missing file, a directory, truncated and corrupt gzip, binary
# garbage, lines over --max-line-bytes; one line per failed input on stderr, the other inputs
# still counted, and exit codes 0 (all read), 1 (some not) and 2 (usage).
. "$(dirname "$0")/lib.sh"
: "${LOGTALLY:?LOGTALLY must point to the built logtally}"

printf '<11>1 2024-05-01T10:00:00Z h a - - - one\n<14>1 2024-05-01T10:00:01Z h a - - - two\n' >"$T/good.log"
count() { # count JSON-EXPR [scan args...]: evaluates an expression over scan --json as s
    local expr=$1; shift
    "$LOGTALLY" scan --json "$@" | python3 -c "import json,sys; s=json.load(sys.stdin); print($expr)"
}

"$LOGTALLY" scan "$T/good.log" >/dev/null 2>"$T/err"
assert_eq "0 0" "$? $(wc -l <"$T/err")" "a good file: exit 0, nothing on stderr"

"$LOGTALLY" scan --json "$T/missing.log" "$T/good.log" >"$T/out.json" 2>"$T/err"
assert_eq 1 $? "a missing file among good ones: exit 1"
assert_eq "logtally: $T/missing.log: No such file or directory" "$(cat "$T/err")" "one line names it"
assert_eq 2 "$(python3 -c "import json; print(json.load(open('$T/out.json'))['events_total'])")" \
    "the good file is still counted"

"$LOGTALLY" scan "$T" >/dev/null 2>"$T/err"
assert_eq "1 logtally: $T: is a directory" "$? $(cat "$T/err")" "a directory: exit 1, one line"

gzip -c "$T/good.log" >"$T/good.gz"
head -c 20 "$T/good.gz" >"$T/trunc.gz"
"$LOGTALLY" scan "$T/trunc.gz" >/dev/null 2>"$T/err"
assert_eq "1 logtally: $T/trunc.gz: truncated gzip stream" "$? $(cat "$T/err")" "truncated gzip: exit 1"
{ gzip -nc <"$T/good.log" | head -c 10; printf "\xff\xff not deflate data"; } >"$T/corrupt.gz"
"$LOGTALLY" scan "$T/corrupt.gz" >/dev/null 2>"$T/err"
assert_eq "1 logtally: $T/corrupt.gz: corrupt gzip data" "$? $(cat "$T/err")" "corrupt gzip: exit 1"

# Binary garbage is read to its end and rejected line by line (or as oversize), never fatal.
head -c 300000 /dev/urandom >"$T/random.bin"
"$LOGTALLY" scan --json "$T/random.bin" >"$T/rand.json" 2>"$T/err"
assert_eq "0 0" "$? $(wc -l <"$T/err")" "random bytes: exit 0, no message"
assert_eq True "$(python3 -c "
import json; s=json.load(open('$T/rand.json')); r=s['rejected']['file']
print(s['scan']['lines'] == s['events_total'] + s['rejected_total'] and r['binary'] > 0)")" \
    "random bytes: every line is an event or a counted rejection"

# --max-line-bytes: 100 bytes pass, 101 are oversize; a 5 MB line without LF is skipped.
{ printf '<11>%096d\n' 0 | tr 0 a; printf '<11>%097d\n' 0 | tr 0 b; } >"$T/long.log"
head -c 5000000 /dev/zero | tr '\0' c >>"$T/long.log"
printf '\n<11>after\n' >>"$T/long.log"
assert_eq "2 2" "$(count "s['events_total'], s['rejected']['file']['oversize']" --max-line-bytes 100 "$T/long.log")" \
    "--max-line-bytes 100: 2 events, 2 oversize"
"$LOGTALLY" scan --max-line-bytes 100 "$T/long.log" >"$T/table.txt"
assert_match '^rejected +2  \(oversize 2\)$' "$(cat "$T/table.txt")" "the table names the reason"

# Usage errors exit 2 with a hint.
for args in "" "--bogus x" "--min-level loud x" "--threads 0 x" "--format xml x" "--by pid x" \
            "--max-line-bytes 10 x"; do
    # shellcheck disable=SC2086
    "$LOGTALLY" scan $args >/dev/null 2>"$T/err"
    assert_eq "2 1" "$? $(grep -c "logtally scan --help" "$T/err")" "usage error: scan $args"
done
"$LOGTALLY" nonsense >/dev/null 2>&1; assert_eq 2 $? "unknown command: exit 2"
"$LOGTALLY" --help | grep -q '^  scan FILE'; assert_eq 0 $? "logtally --help lists scan"
"$LOGTALLY" scan --help | grep -q -- '--min-level'; assert_eq 0 $? "scan --help lists --min-level"
assert_match '^logtally [0-9]' "$("$LOGTALLY" -V)" "-V prints the version"

# No progress line when stderr is not a terminal.
"$LOGTALLY" scan "$T/good.log" >/dev/null 2>"$T/err"
assert_eq 0 "$(wc -c <"$T/err")" "no progress on a non-terminal stderr"

# On a terminal (script(1) gives the command a pty) a progress line appears while input
# trickles in, and --quiet removes it. The producer pauses so that a refresh falls inside.
slow="(cat '$T/good.log'; sleep 1.2; cat '$T/good.log')"
script -qec "$slow | '$LOGTALLY' scan --json - >/dev/null" /dev/null >"$T/tty.out" 2>&1
assert_match 'scan: .*/s .*lines/s' "$(tr '\r' '\n' <"$T/tty.out")" "progress line on a terminal"
script -qec "$slow | '$LOGTALLY' scan --quiet --json - >/dev/null" /dev/null >"$T/tty.out" 2>&1
assert_eq 0 "$(grep -c 'lines/s' "$T/tty.out")" "--quiet: no progress on a terminal"

lt_finish
