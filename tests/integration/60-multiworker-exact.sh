#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every core, no lost count: with --workers 2, eight concurrent TCP senders of 100,000
# messages each (half LF-framed, half octet-counted) plus paced UDP are counted exactly per
# level; /api/v1/events then returns the last errors newest first. A UDP burst into a tiny
# receive buffer overflows, and sent = counted + rejected + dropped holds exactly.
. "$(dirname "$0")/lib.sh"
BLAST="python3 $(dirname "$0")/blast.py"
N=${LT_BLAST_COUNT:-100000}
senders=()

lt_start --workers 2
for s in 1 2 3 4 5 6 7 8; do
    octet=; [ $((s % 2)) -eq 0 ] && octet=--octet
    $BLAST tcp "$TCP_PORT" "$N" $octet --tag "sender$s" >"$T/sent.$s" &
    senders+=($!)
done
$BLAST udp "$UDP_PORT" 10000 --rate 5000 >"$T/sent.udp" &
senders+=($!)
wait "${senders[@]}"   # not a bare wait: the daemon is a background job too
total=$((8 * N + 10000))
wait_processed "$total" || not_ok "all $total messages processed"

# Expected per-level totals: the sum of what every sender reports it sent.
expected=$(cat "$T"/sent.* | python3 -c '
import json, sys
t = {}
for line in sys.stdin:
    for k, v in json.loads(line).items(): t[k] = t.get(k, 0) + v
print(" ".join("%s=%d" % kv for kv in sorted(t.items())))')
echo "# sent: $expected"
for kv in $expected; do
    assert_eq "${kv#*=}" "$(metric "logtally_events_total{level=\"${kv%%=*}\"}")" "${kv%%=*} across 2 workers"
done
assert_eq "$total" "$(stat "s['events_total']")" "events_total"
assert_eq 0 "$(stat "s['rejected_total']")" "nothing rejected"
assert_eq 0 "$(metric logtally_udp_dropped_total)" "paced UDP not dropped"

# The one-second tick turns the totals into rates (bounded wait for the first two samples).
for i in $(seq 1 60); do
    rate=$(stat "s['rates']['1m']['info']")
    python3 -c "import sys; sys.exit(0 if float('$rate') > 0 else 1)" && break
    sleep 0.1
done
python3 -c "import sys; sys.exit(0 if float('$rate') > 0 else 1)" \
    && ok "1-minute info rate is positive ($rate/s)" || not_ok "1-minute info rate: $rate"

# The last errors, newest first.
for i in 1 2 3 4 5; do
    printf '<11>Nov 25 03:14:45 web1 final[1]: last error %d\n' "$i"
done | socat -u STDIN "TCP:127.0.0.1:$TCP_PORT"
wait_processed $((total + 5))
got=$(curl -sf "$URL/api/v1/events?min_level=err&app=final&limit=5" \
      | python3 -c 'import json,sys; print(",".join(e["message"] for e in json.load(sys.stdin)["events"]))')
assert_eq "last error 5,last error 4,last error 3,last error 2,last error 1" "$got" "/api/v1/events newest first"
lt_stop

# Overflow: a burst into a 4 KiB receive buffer must drop, and every datagram is accounted.
printf '{ "udp": { "rcvbuf_bytes": 4096 } }\n' >"$T/tiny.json"
lt_start -c "$T/tiny.json" --workers 1
$BLAST udp "$UDP_PORT" 50000 >"$T/burst"
sent=50000
for i in $(seq 1 100); do   # settle: counted + rejected + dropped stops changing
    now=$(stat "s['events_total'] + s['rejected_total'] + s['udp']['dropped']")
    [ "$now" = "${prev:-}" ] && [ "$now" -ge "$sent" ] && break
    prev=$now; sleep 0.1
done
dropped=$(metric logtally_udp_dropped_total)
counted=$(stat "s['events_total']")
rejected=$(stat "s['rejected_total']")
echo "# burst: sent=$sent counted=$counted rejected=$rejected dropped=$dropped"
[ "${dropped:-0}" -gt 0 ] && ok "the burst overflowed ($dropped dropped)" || not_ok "the burst should overflow a 4 KiB buffer"
assert_eq "$sent" "$((counted + rejected + dropped))" "sent = counted + rejected + dropped"
lt_stop
lt_finish
