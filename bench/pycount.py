#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# W4's "obvious Python script": read a syslog file line by line and count levels (the PRI's
# severity) with collections.Counter. Prints the counts as JSON.
import collections
import json
import sys

NAMES = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"]
counts = collections.Counter()
with open(sys.argv[1], "rb") as f:
    for line in f:
        end = line.find(b">", 1, 5)
        counts[NAMES[int(line[1:end]) & 7] if line[:1] == b"<" and end > 1 else "unknown"] += 1
print(json.dumps(counts, sort_keys=True))
