#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Connections are spread over the workers by how many each serves, not by SO_REUSEPORT's hash
# alone: N long-lived connections from one client leave the workers at most one apart
# (logtally_worker_tcp_connections), lines written the moment a connection opens are counted
# exactly wherever the connection ends up, and the gauges return to 0 when the clients leave.
# With the hash alone, 12 connections over 3 workers come out 4/4/4 only 6.5 % of the time.
# Datagrams of a single sender are spread too (logtally_worker_udp_datagrams_total), where the
# hash alone would send every one of them to the same worker.
. "$(dirname "$0")/lib.sh"

# hold PORT CONNS GO_FILE: opens CONNS connections at once, writes one info line on each as
# soon as it is open, waits (up to 20 s) for GO_FILE, then writes 1000 err lines on each and
# closes. Prints "opened" once every connection is open.
hold() {
    python3 - "$@" <<'EOF'
import os, socket, sys, time
port, conns, go = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(conns)]
for i, s in enumerate(socks):
    s.sendall(b"<14>Nov 25 03:14:15 web1 hold[%d]: first line\n" % i)
print("opened", flush=True)
deadline = time.monotonic() + 20
while not os.path.exists(go) and time.monotonic() < deadline:
    time.sleep(0.02)
for i, s in enumerate(socks):
    s.sendall(b"".join(b"<11>Nov 25 03:14:15 web1 hold[%d]: line %d\n" % (i, n)
                       for n in range(1000)))
    s.close()
EOF
}

# gauges: the per-worker connection gauges, sorted, space separated.
gauges() {
    curl -sf "$URL/metrics" | awk '$1 ~ /^logtally_worker_tcp_connections\{/ { print $2 }' \
        | sort -n | tr '\n' ' ' | sed 's/ $//'
}
tcp_open_is() { [ "$(metric 'logtally_connections{transport="tcp"}')" = "$1" ]; }

# balance WORKERS CONNS EXPECTED_GAUGES
balance() {
    local workers=$1 conns=$2 want=$3
    lt_start --workers "$workers"
    rm -f "$T/go"
    hold "$TCP_PORT" "$conns" "$T/go" >"$T/hold.out" &
    local pid=$!
    lt_poll 10 grep -q opened "$T/hold.out" || not_ok "$conns connections opened"
    # The first lines are read only once a connection has settled on its worker.
    wait_processed "$conns" || not_ok "$conns first lines"
    lt_poll 10 tcp_open_is "$conns" || not_ok "$conns tcp connections open"
    assert_eq "$want" "$(gauges)" "$conns connections over $workers workers"
    touch "$T/go"
    wait "$pid"
    local total=$((conns * 1001))
    wait_processed "$total" || not_ok "all $total lines processed"
    assert_eq "$conns" "$(metric 'logtally_events_total{level="info"}')" "first lines (info)"
    assert_eq $((conns * 1000)) "$(metric 'logtally_events_total{level="err"}')" "later lines (err)"
    assert_eq 0 "$(stat "s['rejected_total']")" "nothing rejected"
    assert_eq "$conns" "$(metric 'logtally_connections_accepted_total{transport="tcp"}')" \
        "each connection accepted once"
    lt_poll 10 tcp_open_is 0 || not_ok "connections closed"
    assert_eq "$(printf '0 %.0s' $(seq 1 "$workers") | sed 's/ $//')" "$(gauges)" \
        "every worker back to 0"
    lt_stop
}

balance 2 4 "2 2"
balance 3 12 "4 4 4"
balance 2 7 "3 4"
balance 1 3 "3"

# Many short connections at once, each writing as it opens and closing at once: every line
# counted, whichever worker read it, and nothing left open.
lt_start --workers 2
python3 - "$TCP_PORT" <<'EOF'
import socket, sys, threading
port = int(sys.argv[1])
def client(k):
    for n in range(25):
        with socket.create_connection(("127.0.0.1", port)) as s:
            s.sendall(b"".join(b"<12>Nov 25 03:14:15 web1 short[%d]: %d %d\n" % (k, n, i)
                               for i in range(10)))
threads = [threading.Thread(target=client, args=(k,)) for k in range(8)]
for t in threads: t.start()
for t in threads: t.join()
EOF
wait_processed 2000 || not_ok "2000 lines from 200 short connections"
assert_eq 2000 "$(metric 'logtally_events_total{level="warning"}')" "200 short connections, 10 lines each"
assert_eq 200 "$(metric 'logtally_connections_accepted_total{transport="tcp"}')" "200 accepted"
lt_poll 10 tcp_open_is 0 || not_ok "short connections closed"
assert_eq "0 0" "$(gauges)" "both workers back to 0"
lt_stop

# One UDP sender, one source port: every worker reads some of its datagrams (the chance that
# a random pick leaves a worker out of 3000 is nil), the sum is exact.
lt_start --workers 3
python3 - "$UDP_PORT" <<'EOF'
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(3000):
    s.sendto(b"<13>Nov 25 03:14:15 web1 one[1]: datagram %d" % i, ("127.0.0.1", int(sys.argv[1])))
    if i % 200 == 199:
        time.sleep(0.01) # paced: nothing is dropped for a full buffer
EOF
wait_processed 3000 || not_ok "3000 datagrams processed"
assert_eq 3000 "$(metric 'logtally_events_total{level="notice"}')" "3000 datagrams counted"
sum=0
for w in 0 1 2; do
    n=$(metric "logtally_worker_udp_datagrams_total{worker=\"$w\"}")
    [ "${n:-0}" -gt 0 ] && ok "worker $w read $n of one sender's datagrams" \
        || not_ok "worker $w read none of one sender's datagrams"
    sum=$((sum + ${n:-0}))
done
assert_eq 3000 "$sum" "per-worker datagrams add up"
lt_stop
lt_finish
