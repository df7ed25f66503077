#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# SIGHUP while a sender streams over one persistent TCP connection: labels, max_message_bytes,
# the ring, the series limit and the listeners change under load, a broken file and a port
# in use are refused whole (and the reload gauge says so), and at the end every message sent
# is counted, on the one connection that was never closed although its listener was.
. "$(dirname "$0")/lib.sh"

# The listeners come from the file only (lt_start's --tcp/--http would override it on reload).
P1=$(lt_free_port) P2=$(lt_free_port) U1=$(lt_free_port udp) H1=$(lt_free_port) H2=$(lt_free_port)
cat >"$T/c.json" <<JSON
{ "listen": { "tcp": ["127.0.0.1:$P1"], "udp": ["127.0.0.1:$U1"], "http": "127.0.0.1:$H1" },
  "max_message_bytes": 200, "labels": ["level"], "ring": { "slots": 100, "max_message_bytes": 128 },
  "limits": { "max_series": 50 } }
JSON
"$LOGTALLYD" -c "$T/c.json" --workers 2 2>"$T/daemon.log" &
LT_PID=$!
started() { grep -q ' ready$' "$T/daemon.log"; }
lt_poll 10 started || { cat "$T/daemon.log"; not_ok "daemon start"; lt_finish; }
TCP_PORT=$P1 URL="http://127.0.0.1:$H1"
accepts() { (exec 5<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The sender: a thread streams err, warning and info lines (app "app1") in batches of 300
# until told "stop", then prints what it sent per level; "long" sends one 1000-byte crit line
# between two batches; end of input closes the connection.
mkfifo "$T/ctl"
cat >"$T/sender.py" <<'PY'
import json, socket, sys, threading, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
lock, stop = threading.Lock(), threading.Event()
levels = [("err", 11), ("warning", 12), ("info", 14)]
sent = {name: 0 for name, _ in levels}
def stream():
    n = 0
    while not stop.is_set():
        batch = b""
        for i in range(100):
            for name, pri in levels:
                n += 1
                batch += b"<%d>Nov 25 03:14:45 loadhost app1[7]: line %d\n" % (pri, n)
        with lock:
            s.sendall(batch)
            for name, _ in levels:
                sent[name] += 100
        time.sleep(0.02)
t = threading.Thread(target=stream)
t.start()
for cmd in sys.stdin:
    cmd = cmd.strip()
    if cmd == "long":
        with lock:
            s.sendall(b"<10>Nov 25 03:14:45 loadhost app1[7]: " + b"x" * 1000 + b"\n")
    elif cmd == "stop":
        stop.set()
        t.join()
        print(json.dumps(sent), flush=True)
s.close()
PY
python3 "$T/sender.py" "$TCP_PORT" <"$T/ctl" >"$T/sent" 2>"$T/sender.err" &
SENDER=$!
exec 3>"$T/ctl"
trap 'exec 3>&-; kill $SENDER 2>/dev/null; lt_cleanup' EXIT

events() { stat "s['events_total']" 2>/dev/null || echo 0; }
# progress: waits until at least 3000 more events were counted, so each reload meets traffic.
progress() {
    local from
    from=$(events)
    more() { [ "$(events)" -ge $((from + 3000)) ]; }
    lt_poll 10 more || not_ok "the sender keeps sending"
}
hup() { # sends SIGHUP and waits for the Nth "reload done|failed" line
    kill -HUP "$LT_PID"
    local want=$1
    done_n() { [ "$(grep -cE 'reload (done|failed)' "$T/daemon.log")" -ge "$want" ]; }
    lt_poll 10 done_n || not_ok "reload $want finished"
}
oversize() { stat "s['rejected']['tcp']['oversize']"; }

progress
assert_eq 1 "$(metric logtally_config_last_reload_successful)" "start-up counts as a good load"
t0=$(metric logtally_config_last_reload_success_timestamp_seconds)
echo long >&3
one_oversize() { [ "$(oversize)" = 1 ]; }
lt_poll 5 one_oversize && ok "1000 bytes over max_message_bytes 200: rejected" \
    || not_ok "oversize count: $(oversize)"

# Reload 1: the app label, a larger max_message_bytes, a larger ring, a lower series limit.
ring_before=$(stat "s['ring']['events']")
cat >"$T/c.json" <<JSON
{ "listen": { "tcp": ["127.0.0.1:$P1", "127.0.0.1:$P2"], "udp": ["127.0.0.1:$U1"], "http": "127.0.0.1:$H1" },
  "max_message_bytes": 4096, "labels": ["level", "app"], "ring": { "slots": 500, "max_message_bytes": 128 },
  "limits": { "max_series": 40 } }
JSON
hup 1
accepts "$P2" && ok "the added tcp listener accepts" || not_ok "nothing on $P2"
probes=1
t1=$(metric logtally_config_last_reload_success_timestamp_seconds)
assert_match 'reload: labels: \["level"\] -> \["level","app"\] \(applied\)' "$(cat "$T/daemon.log")" "labels applied"
assert_eq 500 "$(stat "s['ring']['slots']")" "ring.slots 500 in /api/v1/stats"
assert_eq 40 "$(stat "s['series']['limit']")" "series limit lowered"
ring_after=$(stat "s['ring']['events']")
[ "$ring_after" -ge "$ring_before" ] && ok "ring event count kept going ($ring_before -> $ring_after)" \
    || not_ok "ring event count fell: $ring_before -> $ring_after"
app_series() { [ "$(metric 'logtally_events_total{level="err",app="app1"}')" -gt 0 ] 2>/dev/null; }
lt_poll 5 app_series && ok "series with app appear" || not_ok "no app series"
echo long >&3
one_crit() { [ "$(stat "s['levels']['crit']")" = 1 ]; }
lt_poll 5 one_crit && ok "the same connection now takes 1000 bytes" \
    || not_ok "crit count: $(stat "s['levels']['crit']")"
assert_eq 1 "$(oversize)" "no new oversize rejection"
progress

# Reload 2: a broken file is refused; the gauge says so until a good one loads.
echo '{ "ring": ' >"$T/c.json"
hup 2
assert_match 'reload failed: keeping the running configuration' "$(cat "$T/daemon.log")" "broken file refused"
assert_eq 0 "$(metric logtally_config_last_reload_successful)" "gauge 0 after a bad load"
assert_eq "$t1" "$(metric logtally_config_last_reload_success_timestamp_seconds)" "bad load: timestamp stays"
assert_eq 500 "$(stat "s['ring']['slots']")" "ring unchanged"
progress

# Reload 3: a valid file whose new tcp address is taken (by our own HTTP port): refused whole,
# the ring change in it included, and the listeners stay as they were.
cat >"$T/c.json" <<JSON
{ "listen": { "tcp": ["127.0.0.1:$P1", "127.0.0.1:$P2", "127.0.0.1:$H1"], "udp": ["127.0.0.1:$U1"],
              "http": "127.0.0.1:$H1" },
  "max_message_bytes": 4096, "labels": ["level", "app"], "ring": { "slots": 77, "max_message_bytes": 128 },
  "limits": { "max_series": 40 } }
JSON
hup 3
assert_match "reload: cannot listen on tcp 127.0.0.1:$H1: " "$(cat "$T/daemon.log")" "port in use logged"
assert_eq 0 "$(metric logtally_config_last_reload_successful)" "gauge 0 after a refused bind"
assert_eq 500 "$(stat "s['ring']['slots']")" "nothing of that reload applied"
accepts "$P2" && ok "tcp listeners unchanged" || not_ok "nothing on $P2 any more"
probes=$((probes + 1))
progress

# Reload 4: good again, with a smaller ring that keeps only err and worse, the sender's own
# listener removed and HTTP moved.
cat >"$T/c.json" <<JSON
{ "listen": { "tcp": ["127.0.0.1:$P2"], "udp": ["127.0.0.1:$U1"], "http": "127.0.0.1:$H2" },
  "max_message_bytes": 4096, "labels": ["level", "app"],
  "ring": { "slots": 50, "min_level": "err", "max_message_bytes": 128 }, "limits": { "max_series": 40 } }
JSON
hup 4
URL="http://127.0.0.1:$H2"
accepts "$P1" && not_ok "the removed listener $P1 still accepts" || ok "the removed tcp listener refuses"
accepts "$P2" && ok "the kept tcp listener accepts" || not_ok "nothing on $P2"
probes=$((probes + 1))
curl -s -o /dev/null "http://127.0.0.1:$H1/healthz" && not_ok "old http address still serves" \
    || ok "old http address closed"
assert_eq 1 "$(metric logtally_config_last_reload_successful)" "gauge 1 after a good load"
t3=$(metric logtally_config_last_reload_success_timestamp_seconds)
python3 -c "import sys; sys.exit(0 if $t3 > $t1 > $t0 else 1)" \
    && ok "success timestamp moved on ($t0 -> $t1 -> $t3)" || not_ok "timestamp $t0 -> $t1 -> $t3"
assert_eq 50 "$(stat "s['ring']['slots']")" "ring.slots 50"
progress
levels_seen=$(curl -sf "$URL/api/v1/events?limit=50" | python3 -c \
    'import json,sys; print(" ".join(sorted({e["level"] for e in json.load(sys.stdin)["events"]})))')
assert_eq "err" "$levels_seen" "the new ring keeps err and worse only"

echo stop >&3
got_counts() { [ -s "$T/sent" ]; }
lt_poll 10 got_counts || not_ok "sender reported"
sent=$(cat "$T/sent")
echo "# sent: $sent"
n() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$sent" "$1"; }
total=$(($(n err) + $(n warning) + $(n info) + 1))
wait_processed $((total + 1)) || not_ok "everything counted"
for level in err warning info; do
    assert_eq "$(n $level)" "$(stat "s['levels']['$level']")" "$level total across 4 reloads"
done
assert_eq "$total" "$(stat "s['events_total']")" "events total"
assert_eq 1 "$(stat "s['rejected_total']")" "only the first long line rejected"
assert_eq $((1 + probes)) "$(metric 'logtally_connections_accepted_total{transport="tcp"}')" \
    "the sender's connection and $probes probes: the sender never reconnected"
one_open() { [ "$(stat "s['connections']['tcp']['open']")" = 1 ]; }
lt_poll 5 one_open && ok "the sender's connection still open" \
    || not_ok "open tcp connections: $(stat "s['connections']['tcp']['open']")"
exec 3>&-
wait "$SENDER"
assert_eq "" "$(cat "$T/sender.err")" "sender saw no error"
lt_stop
lt_finish
