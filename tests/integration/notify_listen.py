#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A stand-in for systemd's notification socket: binds a datagram socket at PATH and appends
every message to OUT as one line (a message's own newlines become '|'). Exits after 120 s at
the latest, so a failed test never leaves it behind.

usage: notify_listen.py PATH OUT"""
import socket
import sys
import time

path, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
s.settimeout(0.5)
deadline = time.monotonic() + 120
with open(out, "a", buffering=1) as f:
    while time.monotonic() < deadline:
        try:
            msg = s.recv(4096)
        except socket.timeout:
            continue
        f.write(msg.decode("utf-8", "replace").replace("\n", "|") + "\n")
