#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A stuck ingest loop stops the watchdog: one worker thread is stopped with ptrace (its
# siblings and the HTTP loop keep running), and within the liveness window /readyz turns 503
# and WATCHDOG=1 pings cease while STATUS= lines (the main loop) go on. Released, the worker
# counts what waited in its socket, exactly, and the pings and /readyz come back.
. "$(dirname "$0")/lib.sh"
[ "${LT_HAVE_SYSTEMD:-yes}" = yes ] || skip_all "built without libsystemd"

python3 "$LT_SRCDIR/tests/integration/notify_listen.py" "$T/notify.sock" "$T/notify.out" &
NL_PID=$!
FZ_PID=
trap 'touch "$T/release"; kill $NL_PID $FZ_PID 2>/dev/null; lt_cleanup' EXIT
lt_poll 5 test -S "$T/notify.sock" || not_ok "notification socket appeared"
: >>"$T/notify.out"

export NOTIFY_SOCKET=$T/notify.sock WATCHDOG_USEC=400000
lt_start --workers 1
unset NOTIFY_SOCKET WATCHDOG_USEC
count() { grep -c -x -- "$1" "$T/notify.out"; }
pings_at_least() { [ "$(count WATCHDOG=1)" -ge "$1" ]; }
lt_poll 5 pings_at_least 2 && ok "pings while the worker turns" || not_ok "pings: $(count WATCHDOG=1)"
assert_eq lt-worker-0 "$(cat /proc/"$LT_PID"/task/*/comm | grep '^lt-worker' | tr '\n' ' ' | xargs)" \
    "the worker thread is named"

printf 'before %s\n' 1 2 3 | logger -n 127.0.0.1 -P "$TCP_PORT" -T -p user.err
wait_processed 3

python3 "$LT_SRCDIR/tests/integration/freeze_thread.py" "$LT_PID" lt-worker-0 "$T/release" \
    >"$T/freeze.out" 2>&1 &
FZ_PID=$!
if ! lt_poll 5 grep -q '^frozen' "$T/freeze.out"; then
    # ptrace may be forbidden (no CAP_SYS_PTRACE, yama); that is the environment, not the daemon.
    grep -q 'Operation not permitted' "$T/freeze.out" && skip_all "ptrace not permitted here"
    not_ok "worker frozen: $(cat "$T/freeze.out")"
fi

# Lines sent now wait in the socket: the only thread that could count them is stopped.
printf 'during %s\n' 1 2 3 4 5 | logger -n 127.0.0.1 -P "$TCP_PORT" -T -p user.warning
not_ready() { [ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/readyz")" = 503 ]; }
lt_poll 10 not_ready && ok "/readyz turns 503 while the loop is stuck" || not_ok "/readyz stayed ready"
assert_eq "not ready: an ingest worker loop is not turning" "$(curl -s "$URL/readyz")" "/readyz says why"
assert_eq ok "$(curl -s "$URL/healthz")" "/healthz: the process is up"

# The main loop ticks on (a STATUS= line a second); over three ticks, 15 ping periods, no ping.
pings=$(count WATCHDOG=1)
status=$(grep -c '^STATUS=' "$T/notify.out")
status_grew() { [ "$(grep -c '^STATUS=' "$T/notify.out")" -ge $((status + 3)) ]; }
lt_poll 10 status_grew || not_ok "the main loop kept sending STATUS="
assert_eq "$pings" "$(count WATCHDOG=1)" "no WATCHDOG=1 while the worker is stuck"
assert_eq 3 "$(stat "s['events_total']")" "nothing counted by the stopped worker"

touch "$T/release"
lt_poll 5 grep -q '^thawed' "$T/freeze.out" || not_ok "worker released"
wait_processed 8
assert_eq 3 "$(metric 'logtally_events_total{level="err"}')" "err counted exactly"
assert_eq 5 "$(metric 'logtally_events_total{level="warning"}')" "the waiting lines counted exactly"
lt_poll 5 pings_at_least $((pings + 2)) && ok "pings resume" || not_ok "pings after release: $(count WATCHDOG=1)"
ready() { [ "$(curl -s "$URL/readyz")" = ready ]; }
lt_poll 5 ready && ok "/readyz ready again" || not_ok "/readyz after release"
lt_stop
lt_finish
