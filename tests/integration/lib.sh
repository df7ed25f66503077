# SPDX-License-Identifier: MIT
# Shared helpers for the black-box tests: start the built logtallyd on free ports, wait for
# its readiness line, query it with curl, and assert exact values. Sourced, not run.
# Every wait is bounded; a test ends with lt_finish, which prints "N passed, N failed".
set -u

: "${LOGTALLYD:?LOGTALLYD must point to the built daemon}"
LT_SRCDIR=${LT_SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
T=$(mktemp -d "${TMPDIR:-/tmp}/lt-test.XXXXXX")
LT_PASS=0
LT_FAIL=0
LT_PID=

lt_cleanup() {
    [ -n "$LT_PID" ] && kill -KILL "$LT_PID" 2>/dev/null
    [ -n "${LT_KEEP:-}" ] || rm -rf "$T"
}
trap lt_cleanup EXIT

ok() { LT_PASS=$((LT_PASS + 1)); echo "ok - $*"; }
not_ok() { LT_FAIL=$((LT_FAIL + 1)); echo "FAIL - $*"; }

# assert_eq EXPECTED ACTUAL WHAT
assert_eq() {
    if [ "$1" == "$2" ]; then ok "$3 = $1"; else not_ok "$3: expected '$1', got '$2'"; fi
}

# assert_match REGEX TEXT WHAT
assert_match() {
    if printf '%s' "$2" | grep -Eq -- "$1"; then ok "$3"; else not_ok "$3: /$1/ not in: $(printf '%s' "$2" | head -c 600)"; fi
}

skip_all() { echo "SKIP: $*"; exit 77; }

lt_finish() {
    echo "$LT_PASS passed, $LT_FAIL failed"
    [ "$LT_FAIL" -eq 0 ]
    exit $?
}

# lt_start [daemon args...]: starts logtallyd on free loopback ports (unless the args name
# their own) and waits up to 10 s for "ready". Sets TCP_PORT, UDP_PORT, HTTP_PORT, LT_PID, URL.
lt_start() {
    local defaults=(--tcp 127.0.0.1:0 --udp 127.0.0.1:0 --http 127.0.0.1:0 --workers 2)
    : >"$T/daemon.log"
    # LT_WRAP (an array, optional) runs before the daemon and must exec it in place, so that
    # LT_PID is the daemon's pid (socket activation helpers).
    ${LT_WRAP[@]+"${LT_WRAP[@]}"} "$LOGTALLYD" "${defaults[@]}" "$@" 2>"$T/daemon.log" &
    LT_PID=$!
    local i
    for i in $(seq 1 200); do
        grep -q ' ready$' "$T/daemon.log" && break
        kill -0 "$LT_PID" 2>/dev/null || break
        sleep 0.05
    done
    if ! grep -q ' ready$' "$T/daemon.log"; then
        echo "daemon did not become ready:"; cat "$T/daemon.log"
        not_ok "daemon start"; lt_finish
    fi
    TCP_PORT=$(sed -n 's/.*listening on tcp .*:\([0-9]*\)$/\1/p' "$T/daemon.log" | head -n1)
    UDP_PORT=$(sed -n 's/.*listening on udp .*:\([0-9]*\)$/\1/p' "$T/daemon.log" | head -n1)
    HTTP_PORT=$(sed -n 's/.*listening on http .*:\([0-9]*\)$/\1/p' "$T/daemon.log" | head -n1)
    URL="http://127.0.0.1:$HTTP_PORT"
}

# lt_stop: SIGTERM, then expects exit 0 within 1 s.
lt_stop() {
    local i rc
    kill -TERM "$LT_PID"
    for i in $(seq 1 20); do
        kill -0 "$LT_PID" 2>/dev/null || break
        sleep 0.05
    done
    if kill -0 "$LT_PID" 2>/dev/null; then
        not_ok "daemon did not exit within 1 s of SIGTERM"
        kill -KILL "$LT_PID"
    fi
    wait "$LT_PID"; rc=$?
    LT_PID=
    assert_eq 0 "$rc" "exit status after SIGTERM"
}

# metric 'NAME{labels}': the value of one sample line of /metrics ("" when absent).
metric() {
    curl -sf -m 10 "$URL/metrics" | awk -v k="$1" '$1 == k { print $2 }'
}

# stat PYTHON-EXPR: evaluates an expression over the parsed /api/v1/stats as `s`.
stat() {
    curl -sf -m 10 "$URL/api/v1/stats" | python3 -c "import json,sys; s=json.load(sys.stdin); print($1)"
}

# wait_processed N: waits (up to 10 s) until events + rejections reach N. The daemon has
# then drained what was sent; callers assert exact figures after this.
wait_processed() {
    local want=$1 i got=
    for i in $(seq 1 200); do
        got=$(stat "s['events_total'] + s['rejected_total']" 2>/dev/null)
        [ -n "$got" ] && [ "$got" -ge "$want" ] && return 0
        sleep 0.05
    done
    echo "# waited for $want processed messages, have ${got:-none}"
    return 1
}

# lt_poll SECONDS COMMAND...: runs COMMAND every 0.05 s until it succeeds (0) or SECONDS pass (1).
lt_poll() {
    local tries=$(($1 * 20)) i; shift
    for ((i = 0; i < tries; i++)); do
        "$@" && return 0
        sleep 0.05
    done
    return 1
}

# lt_free_port [udp]: a loopback port that was free a moment ago (for tools that cannot take 0).
lt_free_port() {
    python3 -c 'import socket,sys; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM if sys.argv[1:]==["udp"] else socket.SOCK_STREAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' "$@"
}

# send_tagged PORT COUNT PRIORITY TAG: COUNT RFC 3164 lines from logger over TCP to PORT (a
# forwarder under test), tagged TAG, at PRIORITY.
send_tagged() {
    seq 1 "$2" | sed "s/^/contrib $4 /" | logger -n 127.0.0.1 -P "$1" -T --rfc3164 -p "$3" -t "$4"
}

# assert_app_counts WHO TOTAL LEVEL:APP:COUNT...: waits for TOTAL processed messages, then
# asserts each per-level, per-app count, that TOTAL events arrived and nothing was rejected
# (the daemon runs with labels level and app). WHO names the forwarder in failures. Returns 1
# when any of it failed, so the caller can show the forwarder's log.
assert_app_counts() {
    local who=$1 total=$2 spec level app n failed_before=$LT_FAIL; shift 2
    wait_processed "$total" || not_ok "$who forwarded everything"
    for spec in "$@"; do
        IFS=: read -r level app n <<<"$spec"
        assert_eq "$n" "$(metric "logtally_events_total{level=\"$level\",app=\"$app\"}")" "$level from $app"
    done
    assert_eq "$total" "$(stat "s['events_total']")" "exactly what $who forwarded"
    assert_eq 0 "$(stat "s['rejected_total']")" "nothing rejected"
    [ "$LT_FAIL" -eq "$failed_before" ]
}
