#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Renders bench/run's raw results (one JSON object per run) as RESULTS.md: a table per
# workload with the median of the runs, ratios of logtally to each peer and to the ceiling,
# and the machine. Appends bench/soak.md (the last soak) and bench/hotpath.md (profiles,
# before/after) when they exist.
import json
import os
import re
import statistics
import sys

res_path, facts_json, notes_path, load0 = sys.argv[1:5]
facts = json.loads(facts_json)
rows = [json.loads(line) for line in open(res_path) if line.strip()]
notes = [n.strip() for n in open(notes_path) if n.strip()]
NAMES = {"logtally": "logtally", "rsyslog": "rsyslog", "syslogng": "syslog-ng",
         "python": "Python asyncio + Counter", "ceiling": "ceiling (C, counts newlines)"}
out = []
p = out.append


def median_run(runs):
    """The run with the median messages/s (the lower middle one for even counts)."""
    runs = sorted(runs, key=lambda r: r["run"]["msgs_per_s"])
    return runs[(len(runs) - 1) // 2]


def mib(kib):
    return "%.1f" % (kib / 1024) if kib and kib > 0 else "-"


p("# logtally benchmark results")
p("")
# The load before the run says whether anything else was running; the load at the end is
# mostly the run itself.
try:
    busy = float(load0.split()[0]) > 0.75 * facts["nproc"]
except (ValueError, IndexError):
    busy = True
if busy:
    setting = ("**One run on a shared, noisy machine**: other work ran at the same time (load "
               "average %s at the start, %s at the end)." % (load0, facts["load_end"]))
else:
    setting = ("**One run**: nothing else ran on the machine (load average %s at the start; %s "
               "at the end, from the run itself), but the same workload can still differ by a "
               "fifth to a third from one run to the next." % (load0, facts["load_end"]))
p("Written by `bench/run`%s on %s. %s Each workload ran %d time(s); tables show the median run "
  "by messages/s. Sender and receiver share the same %d cores, so every figure includes the "
  "cost of the sender."
  % (" --quick" if facts["quick"] else "", facts["date"], setting, facts["runs"], facts["nproc"]))
p("")
p("| machine | |")
p("| --- | --- |")
p("| cores (nproc) | %s |" % facts["nproc"])
p("| CPU | %s |" % facts["cpu"])
p("| kernel | %s |" % facts["kernel"])
for k in ("logtally", "rsyslog", "syslogng", "python"):
    p("| %s | %s |" % (NAMES[k].split(" ")[0], facts[k] or "not available"))
p("")


def tcp_table(w, title):
    runs = [r for r in rows if r["workload"] == w]
    if not runs:
        return
    by = {}
    for r in runs:
        by.setdefault(r["target"], []).append(r)
    med = {t: median_run(rs) for t, rs in by.items()}
    lt = med.get("logtally")
    p("## %s" % title)
    p("")
    p("| target | messages/s | MB/s | wall s | target CPU s | messages per CPU s | peak RSS MiB "
      "| exact counts | logtally ÷ target |")
    p("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |")
    for t in ("logtally", "rsyslog", "syslogng", "python", "ceiling"):
        if t not in med:
            continue
        r = med[t]["run"]
        cpu = r.get("target_cpu_s", 0)
        ratio = lt["run"]["msgs_per_s"] / r["msgs_per_s"] if lt and r["msgs_per_s"] else 0
        exact = all(x["ok"] for x in by[t])
        p("| %s | %s | %.0f | %.2f | %.2f | %s | %s | %s | %s |" % (
            NAMES[t], "{:,}".format(int(r["msgs_per_s"])), r["mb_per_s"], r["elapsed_s"], cpu,
            "{:,}".format(int(r["processed"] / cpu)) if cpu > 0 else "-",
            mib(r.get("target_peak_rss_kib")), "yes (%d/%d)" % (len(by[t]), len(by[t])) if exact
            else "NO", "—" if t == "logtally" else "%.2f×" % ratio))
    r0 = runs[0]["run"]
    p("")
    p("%s messages, %s bytes, %d connections, %s framing, per-level totals sent: `%s`. "
      "messages/s = messages ÷ time from the first byte sent until the target had processed "
      "the last one (logtally: `/api/v1/stats`; rsyslog and syslog-ng: their per-message output "
      "file on tmpfs; Python: its Counter total; ceiling: bytes read)."
      % ("{:,}".format(r0["count"]), "{:,}".format(r0["bytes"]), r0["conns"], r0["framing"],
         json.dumps(r0["levels"])))
    if lt and "ceiling" in med:
        p("logtally reaches **%.0f %%** of the ceiling." %
          (100 * lt["run"]["msgs_per_s"] / med["ceiling"]["run"]["msgs_per_s"]))
    p("")


tcp_table("W1", "W1: TCP, 4 connections, RFC 3164 (~200 bytes), LF framing")
tcp_table("W2", "W2: TCP, 64 connections, RFC 5424 with structured data, octet counting")

w3 = [r for r in rows if r["workload"] == "W3"]
if w3:
    p("## W3: UDP datagrams (RFC 3164), 2 sending sockets")
    p("")
    p("The zero-loss rate was found by a binary search (probes of 200,000 datagrams), then "
      "confirmed with the full count. The burst sends as fast as the sender can. *dropped* is "
      "the rise of `logtally_udp_dropped_total` (kernel receive-buffer drops) during the run.")
    p("")
    p("| target | phase | rate limit /s | sent | processed | lost | dropped (logtally) "
      "| exact counts | CPU s | peak RSS MiB |")
    p("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |")
    for r in w3:
        x = r["run"]
        p("| %s | %s | %s | %s | %s | %s | %s | %s | %.2f | %s |" % (
            NAMES[r["target"]], r["phase"], "{:,}".format(int(x["rate_limit"])) if x["rate_limit"]
            else "none", "{:,}".format(x["count"]), "{:,}".format(x["processed"]),
            "{:,}".format(r["lost"]), "{:,}".format(r["dropped"]) if r["target"] == "logtally"
            else "-", "-" if r["phase"] == "burst" and r["target"] != "logtally" else "yes" if r["ok"] else "no", x.get("target_cpu_s", 0),
            mib(x.get("target_peak_rss_kib"))))
    p("")

w4 = [r for r in rows if r["workload"] == "W4"]
if w4:
    p("## W4: counting a file")
    p("")
    by = {}
    for r in w4:
        by.setdefault(r["tool"]["tool"], []).append(dict(r["tool"], ok=r["ok"]))
    med = {t: sorted(v, key=lambda x: float(x["wall_s"]))[(len(v) - 1) // 2] for t, v in by.items()}
    g = w4[0]
    p("%s lines of RFC 3164, %s bytes, on tmpfs; `grep -c` counts lines containing `]: `; "
      "`logtally scan --json` and the Python script must report exactly the generated "
      "per-level totals `%s`."
      % ("{:,}".format(g["run"]["count"]), "{:,}".format(g["file_bytes"]),
         json.dumps(g["run"]["levels"])))
    p("")
    p("| tool | wall s | CPU s | peak RSS MiB | output | exact | logtally scan ÷ tool (wall) |")
    p("| --- | ---: | ---: | ---: | --- | --- | ---: |")
    sc = med.get("logtally scan")
    for t, x in med.items():
        m = re.search(r"events_total:(\d+)", x["output"])
        shown = "events_total %s" % m.group(1) if m else x["output"][:60]
        p("| `%s` | %.2f | %.2f | %s | `%s` | %s | %s |" % (
            t, float(x["wall_s"]), x["cpu_s"], mib(x["rss_kib"]), shown,
            {True: "yes", False: "NO", None: "-"}[x["ok"]],
            "—" if t == "logtally scan" or not sc or float(x["wall_s"]) == 0
            else "%.2f×" % (float(sc["wall_s"]) / float(x["wall_s"]))))
    p("")

w5 = [r for r in rows if r["workload"] == "W5"]
if w5:
    p("## W5: `/metrics` scrape latency while ingesting (W1 load)")
    p("")
    p("logtally with labels level, host and app (60 hosts × 50 apps), scraped every 20 ms by a "
      "C client (new connection per request, as Prometheus without keep-alive) while 4 TCP "
      "connections send RFC 3164 as fast as they can. p50, p99 and max are over every scrape of "
      "the run; *first* is the first scrape alone, which also sorts the 10,969 new series (the "
      "order is kept for the scrapes after it until series are added).")
    p("")
    p("| run | series | body bytes | scrapes | p50 ms | p99 ms | max ms | first ms | ingest messages/s |")
    p("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for i, r in enumerate(w5, 1):
        s = r["scrape"]
        p("| %d | %s | %s | %d | %.2f | %.2f | %.2f | %.2f | %s |" % (
            i, "{:,}".format(s["series"]), "{:,}".format(s["body_bytes"]), s["requests"],
            s["p50_ms"], s["p99_ms"], s["max_ms"], s.get("first_ms", 0.0),
            "{:,}".format(int(r["run"]["msgs_per_s"]))))
    p("")

if notes:
    p("## Notes from this run")
    p("")
    for n in notes:
        p("- %s" % n)
    p("")

# The soak's last result (bench/soak writes soak.md), then the profiles, kept across runs.
for name in ("soak.md", "hotpath.md"):
    extra = os.path.join(os.path.dirname(os.path.abspath(__file__)), name)
    if os.path.exists(extra) and not facts["quick"]:
        p(open(extra).read().rstrip())
        p("")
print("\n".join(out))
