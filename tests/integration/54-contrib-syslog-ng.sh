#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# contrib/syslog-ng/logtally.conf with the real syslog-ng (extracted from syslog-ng-core by
# dev.sh, since it conflicts with rsyslog): a private instance (own config, persist file,
# pid file and control socket) receives a known mix and forwards it through the snippet's
# syslog() destination (RFC 5424, octet counting); logtally counts exactly that.
. "$(dirname "$0")/lib.sh"
dir=${LT_LOGGEN_DIR:-}
[ -n "$dir" ] && [ -x "$dir/usr/sbin/syslog-ng" ] || skip_all "syslog-ng not available (dev.sh extracts syslog-ng-core)"
modules=$(ls -d "$dir"/usr/lib/syslog-ng/[0-9]* | head -n1)
version=$(basename "$modules")

echo '{ "labels": ["level", "app"] }' >"$T/labels.json"
lt_start -c "$T/labels.json"
SN_PORT=$(lt_free_port)
{
    echo "@version: $version"
    echo 'options { keep-hostname(yes); };'
    echo "source s_src { network(ip(\"127.0.0.1\") port($SN_PORT) transport(\"tcp\")); };"
    sed "s/port(5514)/port($TCP_PORT)/" "$LT_SRCDIR/contrib/syslog-ng/logtally.conf"
} >"$T/syslog-ng.conf"
grep -q "port($TCP_PORT)" "$T/syslog-ng.conf" || not_ok "snippet's port rewritten"
LD_LIBRARY_PATH="$dir/usr/lib/syslog-ng" SYSLOGNG_PREFIX="$dir/usr" \
    timeout 120 "$dir/usr/sbin/syslog-ng" -F -f "$T/syslog-ng.conf" --module-path="$modules" \
    --persist-file="$T/sn.persist" --pidfile="$T/sn.pid" --control="$T/sn.ctl" --no-caps \
    >"$T/syslog-ng.log" 2>&1 &
SN_PID=$!
trap 'kill $SN_PID 2>/dev/null; lt_cleanup' EXIT
lt_poll 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$SN_PORT" 2>/dev/null || { not_ok "syslog-ng listening"; cat "$T/syslog-ng.log"; }

send_tagged "$SN_PORT" 9 user.err payments
send_tagged "$SN_PORT" 4 daemon.notice nginx
send_tagged "$SN_PORT" 6 local3.debug cron-job
assert_app_counts syslog-ng 19 err:payments:9 notice:nginx:4 debug:cron-job:6 || cat "$T/syslog-ng.log"
kill "$SN_PID"; wait "$SN_PID" 2>/dev/null
lt_stop
lt_finish
