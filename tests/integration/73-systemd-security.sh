#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The shipped units, read by systemd's own tools without a running systemd: they verify
# without a single warning, and the service's sandbox scores "OK" (2.0 or lower) in
# `systemd-analyze security --offline`, as shipped and with the port-514 drop-in, which is
# the only way the service gets a capability.
. "$(dirname "$0")/lib.sh"
command -v systemd-analyze >/dev/null || skip_all "systemd-analyze missing (package systemd)"

mkdir -p "$T/units"
sed "s|@sbindir@/logtallyd|$LOGTALLYD|; s|@sysconfdir@|/etc|g" \
    "$LT_SRCDIR/systemd/logtallyd.service.in" >"$T/units/logtallyd.service"
cp "$LT_SRCDIR"/systemd/logtallyd*.socket "$T/units/"
cd "$T/units" || exit 1
if systemd-analyze verify --man=no ./logtallyd.service ./logtallyd.socket ./logtallyd-udp.socket \
    ./logtallyd-http.socket >"$T/verify.out" 2>&1 && [ ! -s "$T/verify.out" ]; then
    ok "systemd-analyze verify: the four units, no warning"
else
    not_ok "systemd-analyze verify: $(cat "$T/verify.out")"
fi

exposure() { # UNIT-FILE: the overall exposure level systemd-analyze gives it
    systemd-analyze security --offline=yes "$1" 2>&1 |
        sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\) .*/\1/p'
}
at_most_2() { python3 -c "import sys; sys.exit(0 if 0 < float(sys.argv[1]) <= 2.0 else 1)" "$1" 2>/dev/null; }
score=$(exposure logtallyd.service)
at_most_2 "$score" && ok "exposure as shipped: $score (OK)" || not_ok "exposure as shipped: '$score'"
grep -q '^AmbientCapabilities' logtallyd.service && not_ok "the shipped unit grants a capability" \
    || ok "the shipped unit grants no capability"
grep -qx 'CapabilityBoundingSet=' logtallyd.service && ok "empty capability bounding set" \
    || not_ok "CapabilityBoundingSet= is not empty"

# A drop-in's [Service] lines are read as if appended to the unit.
cat logtallyd.service "$LT_SRCDIR/contrib/systemd/port-514.conf" >logtallyd-514.service
score514=$(exposure logtallyd-514.service)
at_most_2 "$score514" && ok "exposure with the port-514 drop-in: $score514 (OK)" \
    || not_ok "exposure with the drop-in: '$score514'"
systemd-analyze security --offline=yes logtallyd-514.service 2>&1 | grep -q '✗ AmbientCapabilities=' \
    && ok "the drop-in is what grants CAP_NET_BIND_SERVICE" || not_ok "drop-in not read"
lt_finish
