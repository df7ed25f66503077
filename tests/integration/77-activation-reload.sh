#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# SIGHUP under socket activation: systemd passes the TCP and HTTP sockets, UDP comes from the
# file. A reload that moves every listen.* key keeps the inherited sockets (the .socket units
# own those addresses), logs their keys as "(not applied: the sockets come from systemd)"
# without binding anything for them, and still rebinds UDP; the reload counts as successful,
# the connection open across it keeps counting, and every count is exact.
. "$(dirname "$0")/lib.sh"
[ "${LT_HAVE_SYSTEMD:-yes}" = yes ] || skip_all "built without libsystemd"

# Configured addresses. The TCP and HTTP ones are never bound while systemd's sockets serve.
P1=$(lt_free_port) P2=$(lt_free_port) H1=$(lt_free_port) H2=$(lt_free_port)
U1=$(lt_free_port udp) U2=$(lt_free_port udp)
config() { # TCP UDP HTTP: the file the next start or reload reads
    printf '{ "listen": { "tcp": ["127.0.0.1:%s"], "udp": ["127.0.0.1:%s"], "http": "127.0.0.1:%s" } }\n' \
        "$1" "$2" "$3" >"$T/c.json"
}
config "$P1" "$U1" "$H1"
# The listeners come from the file only (lt_start's --tcp/--udp/--http would win on reload).
python3 "$LT_SRCDIR/tests/integration/listen_fds.py" syslog-tcp=tcp http=tcp -- \
    "$LOGTALLYD" -c "$T/c.json" --workers 2 2>"$T/daemon.log" &
LT_PID=$!
started() { grep -q ' ready$' "$T/daemon.log"; }
lt_poll 10 started || { cat "$T/daemon.log"; not_ok "daemon start"; lt_finish; }
TCP_PORT=$(sed -n 's/.*listening on tcp .*:\([0-9]*\)$/\1/p' "$T/daemon.log" | head -n1)
HTTP_PORT=$(sed -n 's/.*listening on http .*:\([0-9]*\)$/\1/p' "$T/daemon.log" | head -n1)
URL="http://127.0.0.1:$HTTP_PORT"
accepts() { (exec 5<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
udp_free() { python3 -c 'import socket,sys; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).bind(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null; }
hup() { # N: sends SIGHUP and waits for the Nth reload outcome line
    kill -HUP "$LT_PID"
    reloaded() { [ "$(grep -cE 'reload (done|failed)' "$T/daemon.log")" -ge "$1" ]; }
    lt_poll 5 reloaded "$1" || not_ok "reload $1 finished"
}
# LEVEL PORT COUNT [udp]: COUNT lines at LEVEL over a new logger connection (or datagrams).
send() {
    local mode=-T
    [ "${4:-}" = udp ] && mode=-d
    seq 1 "$3" | sed "s/^/$1 /" | logger -n 127.0.0.1 -P "$2" "$mode" -p "user.$1"
}

log=$(cat "$T/daemon.log")
assert_match "listening on tcp 127.0.0.1:$TCP_PORT\$" "$log" "the inherited TCP socket serves"
assert_match "listening on udp 127.0.0.1:$U1\$" "$log" "UDP bound from the file"
[ "$TCP_PORT" != "$P1" ] && ! accepts "$P1" && ok "listen.tcp $P1 not bound" || not_ok "something on $P1"
[ "$HTTP_PORT" != "$H1" ] && ! accepts "$H1" && ok "listen.http $H1 not bound" || not_ok "something on $H1"

# One connection stays open on the inherited socket across both reloads.
exec 7<>"/dev/tcp/127.0.0.1/$TCP_PORT"
persistent() { # FIRST LAST: lines FIRST..LAST at user.err (<11>) on it
    seq "$1" "$2" | sed 's/^/<11>Nov 25 10:00:00 h app: persistent /' >&7
}
persistent 1 10
send notice "$TCP_PORT" 30
send warning "$U1" 20 udp
wait_processed 60
assert_eq 10 "$(metric 'logtally_events_total{level="err"}')" "err before the reload"
assert_eq 30 "$(metric 'logtally_events_total{level="notice"}')" "notice before the reload"
assert_eq 20 "$(metric 'logtally_events_total{level="warning"}')" "warning (UDP) before the reload"
assert_eq 2 "$(metric 'logtally_connections_accepted_total{transport="tcp"}')" "TCP connections before"

# Reload 1: every listener moves in the file.
config "$P2" "$U2" "$H2"
hup 1
log=$(cat "$T/daemon.log")
assert_match "reload: listen.tcp: \[\"127.0.0.1:$P1\"\] -> \[\"127.0.0.1:$P2\"\] \(not applied: the sockets come from systemd\)" "$log" "listen.tcp kept, and logged why"
assert_match "reload: listen.http: \"127.0.0.1:$H1\" -> \"127.0.0.1:$H2\" \(not applied: the sockets come from systemd\)" "$log" "listen.http kept, and logged why"
assert_match "reload: listen.udp: \[\"127.0.0.1:$U1\"\] -> \[\"127.0.0.1:$U2\"\] \(applied\)" "$log" "listen.udp (from the file) rebinds"
assert_match 'reload done: 3 settings changed' "$log" "three changes counted"
assert_eq 0 "$(grep -c 'reload failed' "$T/daemon.log")" "no reload failed"
assert_eq 1 "$(metric logtally_config_last_reload_successful)" "the reload counts as successful"
accepts "$P2" && not_ok "listen.tcp $P2 bound by the reload" || ok "listen.tcp $P2 not bound"
accepts "$H2" && not_ok "listen.http $H2 bound by the reload" || ok "listen.http $H2 not bound"
accepts "$TCP_PORT" && ok "the inherited TCP socket still accepts" || not_ok "nothing on $TCP_PORT"
assert_eq ready "$(curl -s "$URL/readyz")" "the inherited HTTP socket still serves, ready"
lt_poll 5 udp_free "$U1" && ok "old UDP address $U1 released" || not_ok "$U1 still bound"
udp_free "$U2" && not_ok "new UDP address $U2 not bound" || ok "new UDP address $U2 bound"

persistent 11 15
send notice "$TCP_PORT" 15
send warning "$U2" 25 udp
wait_processed 105
assert_eq 15 "$(metric 'logtally_events_total{level="err"}')" "err: 10 + 5 on the connection open across the reload"
assert_eq 45 "$(metric 'logtally_events_total{level="notice"}')" "notice: 30 + 15 on the inherited socket"
assert_eq 45 "$(metric 'logtally_events_total{level="warning"}')" "warning: 20 on $U1 + 25 on $U2"
assert_eq 4 "$(metric 'logtally_connections_accepted_total{transport="tcp"}')" "TCP connections after (2 + accepts probe + 1)"
assert_eq 0 "$(stat "s['rejected_total']")" "nothing rejected"

# Reload 2: the file now names the very addresses systemd's sockets hold. Binding them would
# fail (EADDRINUSE); the reload succeeds because nothing is bound for an inherited kind. The
# log compares with the configuration in force, in which an inherited kind's keys stay as they
# were at start: the old value is $P1 again, not $P2.
config "$TCP_PORT" "$U2" "$HTTP_PORT"
hup 2
log=$(cat "$T/daemon.log")
assert_match "reload: listen.tcp: \[\"127.0.0.1:$P1\"\] -> \[\"127.0.0.1:$TCP_PORT\"\] \(not applied: the sockets come from systemd\)" "$log" "listen.tcp onto the inherited address: kept"
assert_match "reload: listen.http: \"127.0.0.1:$H1\" -> \"127.0.0.1:$HTTP_PORT\" \(not applied: the sockets come from systemd\)" "$log" "listen.http onto the inherited address: kept"
assert_eq 1 "$(grep -c 'reload done: 2 settings changed' "$T/daemon.log")" "two changes counted"
assert_eq 0 "$(grep -c 'cannot listen' "$T/daemon.log")" "nothing bound, so nothing failed to bind"
assert_eq 1 "$(metric logtally_config_last_reload_successful)" "still successful"
persistent 16 20
exec 7>&-
send warning "$U2" 5 udp
wait_processed 115
assert_eq 20 "$(metric 'logtally_events_total{level="err"}')" "err after the second reload"
assert_eq 50 "$(metric 'logtally_events_total{level="warning"}')" "warning after the second reload"
assert_eq 45 "$(metric 'logtally_events_total{level="notice"}')" "notice unchanged"

# Reload 3: the file back at the start-up TCP and HTTP addresses is no change at all.
config "$P1" "$U2" "$H1"
hup 3
assert_eq 1 "$(grep -c 'reload done: 0 settings changed' "$T/daemon.log")" "the start-up addresses are what is in force"
assert_eq 4 "$(grep -c 'not applied: the sockets come from systemd' "$T/daemon.log")" "no new 'not applied' line (2 + 2)"
assert_eq 1 "$(metric logtally_config_last_reload_successful)" "successful"
assert_eq 20 "$(metric 'logtally_events_total{level="err"}')" "err after the third reload"
lt_stop
lt_finish
