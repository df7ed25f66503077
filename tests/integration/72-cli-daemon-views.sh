#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# logtally stats, top and tail against a live daemon: exact counts in stats and in top's
# non-terminal snapshot, tail's recent events in order and with its filters, tail -f picking
# up an event sent after it started, and one clear line with exit 1 for a closed port.
. "$(dirname "$0")/lib.sh"
: "${LOGTALLY:?LOGTALLY must point to the built logtally}"
command -v socat >/dev/null || skip_all "socat not installed"

lt_start
send() { printf '%s\n' "$@" | socat -u STDIN "TCP:127.0.0.1:$TCP_PORT"; }
send '<11>1 2024-05-01T10:00:01Z web1 nginx - - - upstream down 1' \
     '<11>1 2024-05-01T10:00:02Z web2 nginx - - - upstream down 2' \
     '<11>1 2024-05-01T10:00:03Z db1 postgres - - - disk full' \
     '<12>1 2024-05-01T10:00:04Z web1 nginx - - - slow' \
     '<12>1 2024-05-01T10:00:05Z web1 nginx - - - slower' \
     '<14>a' '<14>b' '<14>c' '<14>d' '<14>e'
wait_processed 10

out=$("$LOGTALLY" stats --url "$URL"); rc=$?
assert_eq 0 "$rc" "stats exits 0"
row() { printf '%s\n' "$out" | awk -v l="$1" '$1 == l { print $2 }'; }
assert_eq "3 2 5 0 10" "$(row err) $(row warning) $(row info) $(row emerg) $(row total)" \
    "stats shows the exact counts"
assert_match '^level +count +1m/s +5m/s +15m/s$' "$out" "stats shows the rate columns"

# --watch on a terminal redraws in place: at least two screens in 2.5 s at one per second.
script -qec "timeout -s INT 2.5 '$LOGTALLY' stats --watch 1 --url '$URL'" /dev/null >"$T/watch.out" 2>&1
assert_eq ok "$(python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); print("ok" if d.count(b"\x1b[H\x1b[2J") >= 2 and d.count(b"total") >= 2 else d[:300])' "$T/watch.out")" \
    "stats --watch redraws the table in place on a terminal"

out=$("$LOGTALLY" top --url "$URL"); rc=$?
assert_eq 0 "$rc" "top on a non-terminal prints one snapshot and exits 0"
assert_eq "3 2 5 10" "$(row err) $(row warning) $(row info) $(row total)" "top's snapshot has the counts"
# The daemon serves /api/v1/history, so top draws from it rather than polling /api/v1/stats.
if printf '%s\n' "$out" | grep -q '(polled)'; then not_ok "top polls although the daemon has /api/v1/history"; else ok "top uses the daemon's /api/v1/history"; fi

out=$("$LOGTALLY" tail --url "$URL")
assert_eq "2024-05-01T10:00:01.000Z err     web1 nginx: upstream down 1" "$(printf '%s\n' "$out" | head -n1)" \
    "tail: oldest first, TIME LEVEL HOST APP: MESSAGE"
assert_eq 5 "$(printf '%s\n' "$out" | wc -l)" "tail: the 5 ring events (warning and worse)"
out=$("$LOGTALLY" tail --url "$URL" --min-level err --app nginx)
assert_eq "upstream down 1|upstream down 2" "$(printf '%s\n' "$out" | sed 's/.*: //' | paste -sd'|')" \
    "tail --min-level err --app nginx"
out=$("$LOGTALLY" tail --url "$URL" --host db1)
assert_eq "2024-05-01T10:00:03.000Z err     db1 postgres: disk full" "$out" "tail --host db1"

# tail -f: started, then sent an event, prints it (bounded wait; no fixed sleep).
"$LOGTALLY" tail --url "$URL" -f --min-level err >"$T/follow.txt" 2>&1 &
tail_pid=$!
for _ in $(seq 1 100); do [ "$(wc -l <"$T/follow.txt")" -ge 3 ] && break; sleep 0.05; done
assert_eq 3 "$(wc -l <"$T/follow.txt")" "tail -f first prints the 3 err events"
send '<10>1 2024-05-01T10:00:09Z web3 haproxy - - - backend gone'
for _ in $(seq 1 100); do grep -q 'backend gone' "$T/follow.txt" && break; sleep 0.05; done
assert_eq "2024-05-01T10:00:09.000Z crit    web3 haproxy: backend gone" "$(tail -n1 "$T/follow.txt")" \
    "tail -f picks up an event sent after it started"
kill -INT "$tail_pid"; wait "$tail_pid"
assert_eq 0 $? "tail -f exits 0 on Ctrl-C (SIGINT)"
assert_eq 4 "$(wc -l <"$T/follow.txt")" "tail -f printed each event once"

# top's sparkline from /api/v1/history, served by a stand-in (the daemon may not have it):
# err had 0, 3 and 6 events in the last three seconds.
cat >"$T/fake.py" <<'PY'
import http.server, json, sys
stats = {"version": "x", "events_total": 9, "rejected_total": 0, "levels": {"err": 9},
         "rates": {"1m": {"err": 0.15}}}
hist = {"window": 3, "levels": ["err"], "seconds": [
    {"t": 1, "counts": {"err": 0}}, {"t": 2, "counts": {"err": 3}}, {"t": 3, "counts": {"err": 6}}]}
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps(stats if self.path == "/api/v1/stats" else hist).encode()
        self.send_response(200 if self.path.startswith("/api/v1/") else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
srv = http.server.HTTPServer(("127.0.0.1", 0), H)
print(srv.server_port, flush=True)
srv.serve_forever()
PY
python3 "$T/fake.py" >"$T/fake.port" &
fake_pid=$!
for _ in $(seq 1 100); do [ -s "$T/fake.port" ] && break; sleep 0.05; done
out=$("$LOGTALLY" top --url "http://127.0.0.1:$(cat "$T/fake.port")")
kill "$fake_pid"; wait "$fake_pid" 2>/dev/null
assert_match '^err +9 +0.150  ▁▅█$' "$out" "top draws the sparkline from /api/v1/history"
assert_match 'last 3 s$' "$out" "top says how many seconds the sparkline covers"

# A daemon that is not there: one line, exit 1, for every command.
lt_stop
for cmd in stats top tail; do
    "$LOGTALLY" $cmd --url "http://127.0.0.1:$HTTP_PORT" >/dev/null 2>"$T/err"; rc=$?
    assert_eq "1 1" "$rc $(wc -l <"$T/err")" "$cmd against a closed port: exit 1, one line"
done
assert_match 'cannot read logtallyd at http://127.0.0.1:[0-9]+/api/v1/stats: Connection refused' \
    "$("$LOGTALLY" stats --url "http://127.0.0.1:$HTTP_PORT" 2>&1)" "the line says what and why"
"$LOGTALLY" stats --url "https://example.com" >/dev/null 2>&1
assert_eq 2 $? "a URL it cannot use is a usage error"

lt_finish
