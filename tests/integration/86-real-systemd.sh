#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The shipped units under a real systemd: a container (systemd-nspawn, the host's /usr
# read-only, a copy of /etc) boots systemd as its PID 1, sharing the host's loopback. There
# `systemctl start` returns once READY=1 came, the service runs as a dynamic user with a
# readable STATUS=, `systemctl reload` keeps the counts, `systemctl stop` logs the final totals,
# a counter checkpoint in the StateDirectory survives a restart, the three socket units hand
# their sockets to one activated service, the sandbox scores OK, a stuck ingest loop makes
# systemd's watchdog restart the daemon, and port 514 is refused until the contrib drop-in
# grants CAP_NET_BIND_SERVICE.
. "$(dirname "$0")/lib.sh"
[ "${LT_HAVE_SYSTEMD:-yes}" = yes ] || skip_all "built without libsystemd"
[ "$(id -u)" -eq 0 ] || skip_all "booting a container needs root"
command -v systemd-nspawn >/dev/null || skip_all "systemd-nspawn missing (package systemd-container)"
[ -L /bin ] || skip_all "the host is not merged-/usr, so its /usr alone cannot boot"

R=$T/root
mkdir -p "$R"/{usr/lib,var,dev,proc,sys,run,tmp,root,opt/logtally,etc}
for d in bin sbin lib lib64; do ln -s "usr/$d" "$R/$d"; done
cp /usr/lib/os-release "$R/usr/lib/" # nspawn looks for it before /usr is mounted
cp -a /etc/. "$R/etc/"
python3 -c 'import uuid; print(uuid.uuid4().hex)' >"$R/etc/machine-id" # a machine of its own
# Only what the test starts runs: no services or timers the host happens to have enabled.
rm -rf "$R"/etc/systemd/system/*.wants "$R"/etc/systemd/system/logtally*
cp "$LOGTALLYD" "$R/opt/logtally/logtallyd"
cp "$LT_SRCDIR/tests/integration/freeze_thread.py" "$R/opt/logtally/"
units=$R/etc/systemd/system
sed 's|@sbindir@/logtallyd|/opt/logtally/logtallyd|; s|@sysconfdir@|/etc|g' \
    "$LT_SRCDIR/systemd/logtallyd.service.in" >"$units/logtallyd.service"
cp "$LT_SRCDIR"/systemd/logtallyd*.socket "$units/"
case "${LT_SAN_CFLAGS:-}" in *address*)
    # LeakSanitizer stops the world with ptrace, which the unit's system call filter forbids
    # (the process would hang at exit); every other test checks leaks.
    mkdir -p "$units/logtallyd.service.d"
    printf '[Service]\nEnvironment=ASAN_OPTIONS=detect_leaks=0\n' >"$units/logtallyd.service.d/asan.conf" ;;
esac

TCP_PORT=$(lt_free_port) UDP_PORT=$(lt_free_port udp) HTTP_PORT=$(lt_free_port)
URL=http://127.0.0.1:$HTTP_PORT
mkdir -p "$R/etc/logtally"
# write_config [EXTRA]: the test's listeners, plus EXTRA top-level keys.
write_config() {
    cat >"$R/etc/logtally/logtally.json" <<JSON
{ "listen": { "tcp": ["127.0.0.1:$TCP_PORT"], "udp": ["127.0.0.1:$UDP_PORT"],
              "http": "127.0.0.1:$HTTP_PORT" } ${1:+, $1} }
JSON
}
write_config

systemd-nspawn -D "$R" --bind-ro=/usr --register=no --keep-unit -M "lt-test-$$" -b \
    --console=pipe >"$T/boot.log" 2>&1 &
NS_PID=$!
stop_container() {
    kill -TERM "$NS_PID" 2>/dev/null # halts the container's systemd
    lt_poll 20 eval '! kill -0 "$NS_PID" 2>/dev/null' || kill -KILL "$NS_PID" 2>/dev/null
    wait "$NS_PID" 2>/dev/null
}
trap 'touch "$R/opt/logtally/release" 2>/dev/null; stop_container; lt_cleanup' EXIT
leader() { LEADER=$(pgrep -P "$NS_PID" -x systemd | head -n1); [ -n "$LEADER" ]; }
lt_poll 10 leader || { cat "$T/boot.log"; not_ok "container started"; lt_finish; }
ct() { nsenter -t "$LEADER" -a "$@"; }
booting() { ct test -S /run/systemd/private 2>/dev/null; }
lt_poll 20 booting || not_ok "systemd in the container answers"
state=$(timeout 60 nsenter -t "$LEADER" -a systemctl is-system-running --wait)
case "$state" in
    running) ok "systemd booted in the container" ;;
    *) not_ok "systemd state '$state': $(ct systemctl --failed --no-legend 2>&1)"; lt_finish ;;
esac
show() { ct systemctl show logtallyd.service -p "$1" --value; }

# --- Type=notify: start returns after READY=1, so the listeners are already bound.
ct systemctl start logtallyd.service
assert_eq active "$(ct systemctl is-active logtallyd.service)" "systemctl start"
assert_eq ready "$(curl -s "$URL/readyz")" "ready as soon as start returns"
assert_eq logtallyd "$(ct ps -o user= -p "$(show MainPID)")" "runs as the dynamic user"
printf 'tcp %s\n' 1 2 3 4 5 | logger -n 127.0.0.1 -P "$TCP_PORT" -T -p daemon.err
printf 'udp %s\n' 1 2 3 | logger -n 127.0.0.1 -P "$UDP_PORT" -d -p daemon.warning
wait_processed 8
status_says_8() { show StatusText | grep -q ', 8 events$'; }
lt_poll 5 status_says_8 && ok "STATUS= in systemctl show: $(show StatusText)" \
    || not_ok "StatusText: $(show StatusText)"
score=$(ct systemd-analyze security logtallyd.service --no-pager |
    sed -n 's/.*Overall exposure level for logtallyd.service: \([0-9.]*\).*/\1/p')
python3 -c "import sys; sys.exit(0 if float('$score') <= 2.0 else 1)" \
    && ok "sandbox exposure $score <= 2.0 on the running service" || not_ok "exposure '$score'"

pid=$(show MainPID)
ct systemctl reload logtallyd.service
reloaded() { ct journalctl -u logtallyd.service -o cat | grep -q 'reload done'; }
lt_poll 5 reloaded && ok "systemctl reload re-read the config" || not_ok "no 'reload done' in the journal"
assert_eq "$pid" "$(show MainPID)" "reload keeps the process"
assert_eq 5 "$(metric 'logtally_events_total{level="err"}')" "err kept across reload"
assert_eq 3 "$(metric 'logtally_events_total{level="warning"}')" "warning kept across reload"

ct systemctl stop logtallyd.service
assert_eq inactive "$(ct systemctl is-active logtallyd.service)" "systemctl stop"
assert_eq success "$(show Result)" "clean exit"
[ "$(show Result)" = success ] || ct journalctl -u logtallyd.service -n 40 -o cat
assert_match 'final totals: events=8 .*err=5 warning=3' "$(ct journalctl -u logtallyd.service -o cat)" \
    "final totals in the journal"
# The unit's system call filter lets sched_setattr through for the HTTP thread's slice (on
# kernels with per-thread slices; older ones log that they have none).
assert_match 'http thread: (scheduler slice 100 us|default scheduler slice \(per-thread)' \
    "$(ct journalctl -u logtallyd.service -o cat)" "the unit allows the HTTP thread's slice"

# --- StateDirectory=: the dynamic user keeps a counter checkpoint in /var/lib/logtally.
write_config '"state": { "file": "/var/lib/logtally/state.json" }'
ct systemctl start logtallyd.service
printf 'kept %s\n' 1 2 3 | logger -n 127.0.0.1 -P "$TCP_PORT" -T -p daemon.err
wait_processed 3
ct systemctl stop logtallyd.service
assert_match 'state: wrote the final checkpoint' "$(ct journalctl -u logtallyd.service -o cat)" \
    "final checkpoint written under the sandbox"
ct systemctl start logtallyd.service
assert_eq 3 "$(metric 'logtally_events_total{level="err"}')" "err count restored after a restart"
assert_eq 1 "$(metric logtally_state_restored)" "logtally_state_restored under systemd"
ct systemctl stop logtallyd.service
write_config


# --- Socket activation: the three socket units, moved to the test's ports by drop-ins.
dropin() { mkdir -p "$units/$1.d" && printf '[Socket]\n%s=\n%s=127.0.0.1:%s\n' "$2" "$2" "$3" >"$units/$1.d/port.conf"; }
dropin logtallyd.socket ListenStream "$TCP_PORT"
dropin logtallyd-udp.socket ListenDatagram "$UDP_PORT"
dropin logtallyd-http.socket ListenStream "$HTTP_PORT"
ct systemctl daemon-reload
ct systemctl start logtallyd.socket logtallyd-udp.socket logtallyd-http.socket
assert_eq inactive "$(ct systemctl is-active logtallyd.service)" "service waits for traffic"
printf 'activated %s\n' 1 2 3 4 | logger -n 127.0.0.1 -P "$TCP_PORT" -T -p user.crit
activated() { [ "$(ct systemctl is-active logtallyd.service)" = active ]; }
lt_poll 10 activated && ok "a TCP connection activates the service" || not_ok "service not activated"
printf 'datagram %s\n' 1 2 | logger -n 127.0.0.1 -P "$UDP_PORT" -d -p user.info
wait_processed 6
assert_eq 4 "$(metric 'logtally_events_total{level="crit"}')" "TCP lines through the inherited socket"
assert_eq 2 "$(metric 'logtally_events_total{level="info"}')" "UDP lines through the inherited socket"
journal=$(ct journalctl -u logtallyd.service -o cat)
assert_match 'listening on udp 127.0.0.1:'"$UDP_PORT" "$journal" "the UDP socket unit's fd reached the service"

# --- Watchdog: with WatchdogSec=2s, one stopped worker thread gets the daemon restarted.
mkdir -p "$units/logtallyd.service.d"
printf '[Service]\nWatchdogSec=2s\n' >"$units/logtallyd.service.d/watchdog.conf"
ct systemctl daemon-reload
ct systemctl restart logtallyd.service
pid=$(show MainPID)
ct python3 /opt/logtally/freeze_thread.py "$pid" lt-worker-0 /opt/logtally/release >"$T/freeze.out" 2>&1 &
FZ=$!
lt_poll 5 grep -q '^frozen' "$T/freeze.out" || not_ok "worker frozen: $(cat "$T/freeze.out")"
restarted() { [ "$(show NRestarts)" -ge 1 ] && [ "$(ct systemctl is-active logtallyd.service)" = active ]; }
lt_poll 30 restarted && ok "the watchdog restarted the stuck daemon" ||
    { not_ok "NRestarts=$(show NRestarts)"; ct journalctl -u logtallyd.service -n 15 -o cat; }
assert_match 'Watchdog timeout' "$(ct journalctl -u logtallyd.service -o cat)" "systemd logged the watchdog timeout"
[ "$(show MainPID)" != "$pid" ] && ok "a new process serves" || not_ok "same MainPID $pid"
touch "$R/opt/logtally/release"
wait "$FZ" 2>/dev/null
ct systemctl stop logtallyd.service logtallyd.socket logtallyd-udp.socket logtallyd-http.socket

# --- Port 514: refused without a capability, bound with the contrib drop-in.
sed -i "s/127.0.0.1:$TCP_PORT/127.0.0.1:514/" "$R/etc/logtally/logtally.json"
ct systemctl reset-failed logtallyd.service 2>/dev/null
if ct systemctl start logtallyd.service 2>/dev/null; then
    not_ok "port 514 bound without the drop-in"
else
    assert_match 'cannot listen on tcp 127.0.0.1:514: permission denied' \
        "$(ct journalctl -u logtallyd.service -o cat)" "no capability: 514 refused, and said why"
fi
cp "$LT_SRCDIR/contrib/systemd/port-514.conf" "$units/logtallyd.service.d/"
ct systemctl daemon-reload
ct systemctl reset-failed logtallyd.service 2>/dev/null
ct systemctl start logtallyd.service
assert_eq active "$(ct systemctl is-active logtallyd.service)" "port 514 with the drop-in"
printf 'privileged %s\n' 1 2 3 | logger -n 127.0.0.1 -P 514 -T -p user.notice
wait_processed 3
assert_eq 3 "$(metric 'logtally_events_total{level="notice"}')" "lines through port 514 counted"
ct systemctl stop logtallyd.service
lt_finish
