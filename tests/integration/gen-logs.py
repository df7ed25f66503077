#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes a log data set with a known mix and its own expected tally, for logtally scan and
the daemon to be checked against.

  gen-logs.py DIR [--lines N] [--seed S]
      writes DIR/mix.log (syslog RFC 5424 and RFC 3164, JSON lines, plain text, malformed
      lines, binary garbage, CRLF endings, an overlong line) and DIR/expect.json:
      {"levels": {level: count}, "rejected": {reason: count}, "lines": N} and
      DIR/expect-err.log (the lines at err or worse, byte for byte) and
      DIR/expect-app-web.log (the lines whose app is "web").
  gen-logs.py --stream BYTES
      writes about BYTES bytes of valid mixed lines to stdout, fast, for throughput and
      memory measurements (a 1 MB block repeated; its tally is printed on stderr).

Lines never start with a digit and never contain NUL, so that the daemon's TCP framer
(RFC 6587: a leading digit is an octet count, NUL ends a frame) sees the same lines."""
import json
import os
import random
import sys

LEVELS = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug", "unknown"]
JSON_NAMES = {"emerg": "emergency", "alert": "alert", "crit": "critical", "err": "error",
              "warning": "warn", "notice": "notice", "info": "info", "debug": "debug"}
HOSTS = ["web1", "web2", "db1"]
APPS = ["web", "db", "cron", "kernel"]
MAX_LINE = 65536


def line_for(rng, kind):
    """Returns (bytes of one line with its ending, level or None, reason or None, app)."""
    host, app = rng.choice(HOSTS), rng.choice(APPS)
    sev = rng.randrange(8)
    fac = rng.choice([1, 3, 16, 23])
    end = b"\r\n" if rng.random() < 0.1 else b"\n"
    words = " ".join(rng.choice(["disk", "full", "ok", "retry", "über", "timeout", "接続"])
                     for _ in range(rng.randrange(1, 12)))
    if kind == "5424":
        ts = "2024-05-%02dT%02d:%02d:%02d.%03dZ" % (rng.randrange(1, 29), rng.randrange(24),
                                                    rng.randrange(60), rng.randrange(60),
                                                    rng.randrange(1000))
        text = "<%d>1 %s %s %s %d - - %s" % (fac * 8 + sev, ts, host, app, rng.randrange(99999),
                                             words)
        return text.encode() + end, LEVELS[sev], None, app
    if kind == "3164":
        text = "<%d>Oct %2d %02d:%02d:%02d %s %s[%d]: %s" % (
            fac * 8 + sev, rng.randrange(1, 29), rng.randrange(24), rng.randrange(60),
            rng.randrange(60), host, app, rng.randrange(99999), words)
        return text.encode() + end, LEVELS[sev], None, app
    if kind == "json":
        level = LEVELS[sev]
        obj = {"time": "2024-06-01T12:00:00Z", "level": JSON_NAMES[level], "host": host,
               "app": app, "msg": words}
        return json.dumps(obj, ensure_ascii=False).encode() + end, level, None, app
    if kind == "json-unknown":
        obj = {"msg": words, "host": host, "app": app}
        return json.dumps(obj).encode() + end, "unknown", None, app
    if kind == "plain":  # no PRI: user.notice (RFC 3164 4.3.3)
        return ("plain text line " + words).encode() + end, "notice", None, ""
    if kind == "bad_pri":
        return b"<999>   " + end, None, "bad_pri", ""
    if kind == "bad_json":
        return b'{"level":"error","msg":"cut' + end, None, "bad_json", ""
    if kind == "binary":
        return b"garbage \x01\x02\x03 \xff\xfe\xfd" + end, None, "binary", ""
    raise ValueError(kind)


KINDS = ["5424"] * 30 + ["3164"] * 30 + ["json"] * 25 + ["json-unknown"] * 2 + ["plain"] * 5 + \
    ["bad_pri", "bad_json", "binary"]


def write_set(out_dir, n, seed):
    rng = random.Random(seed)
    levels = dict.fromkeys(LEVELS, 0)
    rejected = {"oversize": 0, "bad_pri": 0, "bad_json": 0, "binary": 0}
    lines = 0
    with open(os.path.join(out_dir, "mix.log"), "wb") as f, \
            open(os.path.join(out_dir, "expect-err.log"), "wb") as err, \
            open(os.path.join(out_dir, "expect-app-web.log"), "wb") as web:
        for i in range(n):
            if i == n // 2:  # one overlong line in the middle, and one exactly at the limit
                f.write(b"<11>" + b"x" * MAX_LINE + b"\n")
                rejected["oversize"] += 1
                f.write(b"<11>" + b"y" * (MAX_LINE - 4) + b"\n")
                levels["err"] += 1
                err.write(b"<11>" + b"y" * (MAX_LINE - 4) + b"\n")
                lines += 2
                continue
            if i % 997 == 0:
                f.write(b"\n")  # empty lines are not lines
            data, level, reason, app = line_for(rng, rng.choice(KINDS))
            f.write(data)
            lines += 1
            if level is not None:
                levels[level] += 1
                if LEVELS.index(level) <= LEVELS.index("err"):
                    err.write(data)
                if app == "web":
                    web.write(data)
            else:
                rejected[reason] += 1
        # The last line has no LF: it still counts, and --print keeps it as it is.
        data = b"<8>1 2024-05-01T00:00:00Z last app - - - no newline at the end"
        f.write(data)
        err.write(data)
        levels["emerg"] += 1
        lines += 1
    with open(os.path.join(out_dir, "expect.json"), "w") as f:
        json.dump({"levels": levels, "rejected": rejected, "lines": lines}, f)


def stream(total):
    rng = random.Random(1)
    block, levels = bytearray(), dict.fromkeys(LEVELS, 0)
    while len(block) < 1 << 20:
        data, level, reason, _ = line_for(rng, rng.choice(KINDS[:-3]))
        block += data
        levels[level] += 1
    out = sys.stdout.buffer
    written = reps = 0
    while written < total:
        out.write(block)
        written += len(block)
        reps += 1
    out.flush()
    print(json.dumps({k: v * reps for k, v in levels.items()}), file=sys.stderr)


def main():
    args = sys.argv[1:]
    if len(args) == 2 and args[0] == "--stream":
        stream(int(args[1]))
        return
    n, seed = 20000, 5
    out_dir = None
    while args:
        a = args.pop(0)
        if a == "--lines":
            n = int(args.pop(0))
        elif a == "--seed":
            seed = int(args.pop(0))
        else:
            out_dir = a
    if out_dir is None:
        sys.exit(__doc__)
    write_set(out_dir, n, seed)


if __name__ == "__main__":
    main()
