#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Sends a known mix of syslog messages as fast as the socket takes them, and prints the
per-level counts it sent as JSON. The mix is fixed by the message number: 70 % info,
15 % debug, 10 % warning, 4 % err, 1 % crit.

  blast.py tcp PORT COUNT [--octet] [--tag T]     one connection, large writes
  blast.py udp PORT COUNT [--rate N]              one datagram per message (N per second max)
"""
import argparse, json, socket, sys, time

SEV = {"crit": 2, "err": 3, "warning": 4, "info": 6, "debug": 7}

def level_of(i):
    r = i % 100
    return "info" if r < 70 else "debug" if r < 85 else "warning" if r < 95 else "err" if r < 99 else "crit"

def message(i, tag):
    lvl = level_of(i)
    return lvl, b"<%d>Nov 25 03:14:45 blaster %s[%d]: message %d level %s" % (
        8 + SEV[lvl], tag.encode(), i % 1000, i, lvl.encode())

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("transport", choices=["tcp", "udp"])
    ap.add_argument("port", type=int)
    ap.add_argument("count", type=int)
    ap.add_argument("--octet", action="store_true")
    ap.add_argument("--tag", default="blast")
    ap.add_argument("--rate", type=int, default=0)
    a = ap.parse_args()
    sent = {}
    if a.transport == "tcp":
        s = socket.create_connection(("127.0.0.1", a.port))
        batch = []
        for i in range(a.count):
            lvl, m = message(i, a.tag)
            sent[lvl] = sent.get(lvl, 0) + 1
            batch.append(b"%d %s" % (len(m), m) if a.octet else m + b"\n")
            if len(batch) == 2000:
                s.sendall(b"".join(batch)); batch = []
        s.sendall(b"".join(batch))
        s.close()
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        start = time.monotonic()
        for i in range(a.count):
            lvl, m = message(i, a.tag)
            sent[lvl] = sent.get(lvl, 0) + 1
            s.sendto(m, ("127.0.0.1", a.port))
            if a.rate and i % 100 == 99:   # pace in steps of 100 datagrams
                ahead = (i + 1) / a.rate - (time.monotonic() - start)
                if ahead > 0:
                    time.sleep(ahead)
    json.dump(sent, sys.stdout)
    print()

main()
