#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# contrib/prometheus and contrib/grafana: promtool accepts the scrape config and the rules,
# the rules' unit tests pass, every dashboard query is valid PromQL, and a real Prometheus
# server (private port, temp TSDB, 1 s scrapes) scraping logtallyd reports exactly the counts
# that were sent.
. "$(dirname "$0")/lib.sh"
P=$LT_SRCDIR/contrib/prometheus
PROMTOOL=${PROMTOOL:-$(command -v promtool)}
[ -n "$PROMTOOL" ] || skip_all "promtool not installed (Debian package prometheus)"
PROMETHEUS=$(command -v prometheus || echo /usr/bin/prometheus)

out=$("$PROMTOOL" check config "$P/prometheus.yml" 2>&1); assert_eq 0 $? "promtool check config"
out=$("$PROMTOOL" check rules "$P/logtally.rules.yml" 2>&1); assert_eq 0 $? "promtool check rules"
assert_match '5 rules found' "$out" "four alerts and one recording rule"
for a in LogtallyDown LogtallyErrorRateHigh LogtallyUdpDrops LogtallySeriesOverflow; do
    assert_match "alert: $a\$" "$(cat "$P/logtally.rules.yml")" "alert $a defined"
done
out=$(cd "$P" && "$PROMTOOL" test rules logtally.rules.test.yml 2>&1); rc=$?
assert_eq 0 $rc "promtool test rules"; [ $rc -eq 0 ] || echo "$out"

# The dashboard: valid JSON, the expected panels, and each query valid PromQL (checked by
# promtool as recording rules, with Grafana's variables filled in).
D=$LT_SRCDIR/contrib/grafana/logtally-dashboard.json
titles=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("|".join(p["title"] for p in d["panels"]))' "$D")
assert_eq 0 $? "dashboard is valid JSON"
for t in "Events per second by level" "Top apps (events/s)" "Top hosts (events/s)" \
         "UDP datagrams dropped by the kernel" "Rejected messages by reason"; do
    case "|$titles|" in *"|$t|"*) ok "panel: $t" ;; *) not_ok "panel missing: $t (have: $titles)" ;; esac
done
python3 - "$D" >"$T/dash.rules.yml" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("groups:\n  - name: dashboard\n    rules:")
for p in d["panels"]:
    for t in p["targets"]:
        e = t["expr"].replace("$__rate_interval", "1m").replace("$instance", ".*")
        print("      - record: dashboard:panel%d:%s\n        expr: %s" % (p["id"], t["refId"], json.dumps(e)))
PY
out=$("$PROMTOOL" check rules "$T/dash.rules.yml" 2>&1); assert_eq 0 $? "dashboard queries parse"
[ -x "$PROMETHEUS" ] || { not_ok "prometheus not installed"; lt_finish; }

# A real Prometheus scraping a real logtallyd.
lt_start
PROM_PORT=$(lt_free_port)
sed -e "s/127\.0\.0\.1:9514/127.0.0.1:$HTTP_PORT/" -e 's/scrape_interval: 15s/scrape_interval: 1s/' \
    -e 's/evaluation_interval: 15s/evaluation_interval: 1s/' \
    -e "s|- logtally.rules.yml|- $P/logtally.rules.yml|" "$P/prometheus.yml" >"$T/prometheus.yml"
"$PROMETHEUS" --config.file="$T/prometheus.yml" --storage.tsdb.path="$T/tsdb" \
    --web.listen-address="127.0.0.1:$PROM_PORT" >"$T/prometheus.log" 2>&1 &
PROM_PID=$!
trap 'kill $PROM_PID 2>/dev/null; lt_cleanup' EXIT

printf 'prom %s\n' $(seq 1 7) | logger -n 127.0.0.1 -P "$TCP_PORT" -T -p user.err
printf 'prom %s\n' $(seq 1 3) | logger -n 127.0.0.1 -P "$TCP_PORT" -T -p user.warning
printf 'prom %s\n' $(seq 1 5) | logger -n 127.0.0.1 -P "$UDP_PORT" -d -p user.info
wait_processed 15
query() {
    curl -s --get "http://127.0.0.1:$PROM_PORT/api/v1/query" --data-urlencode "query=$1" |
        python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(" ".join(sorted("%s=%s" % (x["metric"].get("level",""), x["value"][1]) for x in r)))' 2>/dev/null
}
want="alert=0 crit=0 debug=0 emerg=0 err=7 info=5 notice=0 unknown=0 warning=3"
got=
scraped() { got=$(query 'sum by (level) (logtally_events_total)'); [ "$got" = "$want" ]; }
lt_poll 30 scraped || { echo "# prometheus log:"; tail -n 20 "$T/prometheus.log"; }
assert_eq "$want" "$got" "Prometheus: sum by (level) (logtally_events_total)"
assert_eq "=1" "$(query 'up{job="logtally"}')" "Prometheus: up"
assert_eq "" "$(query 'ALERTS{alertname="LogtallyDown"}')" "LogtallyDown not firing"

kill "$PROM_PID"; wait "$PROM_PID" 2>/dev/null
lt_stop
lt_finish
