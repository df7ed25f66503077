#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Hostile clients for tests/integration/90-hostile-clients.sh. Each prints one line saying
what it sent (bytes, connections, the status it got) so the test can assert exact figures.

  hostile.py flood PORT BYTES        one line of BYTES 'x' without a newline, then "\\n" and a
                                     good message (app "hostile"); prints bytes sent
  hostile.py binary PORT BYTES SEED  seeded random bytes; prints bytes sent
  hostile.py octet PORT LEN          "LEN " + LEN bytes (an octet-counted frame over the limit),
                                     then a good message
  hostile.py idle PORT N             opens N connections, prints "open", holds them until a
                                     line arrives on stdin, closes them
  hostile.py churn PORT N            N connect/close (RST), one after another
  hostile.py slowloris PORT          an HTTP request one header byte per second; prints the
                                     status line of the answer and the seconds it took
  hostile.py http PORT REQUEST_FILE  sends the raw request; prints the status line
"""
import random, socket, struct, sys, time

GOOD = b"<11>Nov 25 03:14:45 h hostile[1]: after the attack\n"

def connect(port):
    s = socket.create_connection(("127.0.0.1", port))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
    return s

def finish(s, sent):
    s.sendall(b"\n" + GOOD)
    s.close()
    print(sent + 1 + len(GOOD))

def flood(port, n):
    s, chunk, left = connect(port), b"x" * (1 << 20), n
    while left > 0:
        k = min(left, len(chunk))
        s.sendall(chunk[:k] if k < len(chunk) else chunk)
        left -= k
    finish(s, n)

def binary(port, n, seed):
    data = random.Random(seed).randbytes(n)
    s = connect(port)
    s.sendall(data)
    s.close()
    print(n)

def octet(port, n):
    s = connect(port)
    head = b"%d " % n
    s.sendall(head)
    chunk, left = b"y" * (1 << 20), n
    while left > 0:
        k = min(left, len(chunk))
        s.sendall(chunk[:k])
        left -= k
    s.sendall(GOOD)
    s.close()
    print(len(head) + n + len(GOOD))

def idle(port, n):
    held = []
    for _ in range(n):
        held.append(socket.create_connection(("127.0.0.1", port)))
    print("open", flush=True)
    sys.stdin.readline()
    for s in held:
        s.close()

def churn(port, n):
    # SO_LINGER 0: close sends RST, so no TIME_WAIT is left behind and 100,000 connections fit
    # in the ephemeral port range without waiting.
    linger = struct.pack("ii", 1, 0)
    for _ in range(n):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
        s.connect(("127.0.0.1", port))
        s.close()
    print(n)

def read_status(s):
    data = b""
    while b"\r\n" not in data:
        d = s.recv(4096)
        if not d:
            break
        data += d
    return data.split(b"\r\n", 1)[0].decode("latin-1")

def slowloris(port):
    req = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"z" * 60 + b"\r\n\r\n"
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(1.0)
    start = time.monotonic()
    for b in req:
        try:
            s.sendall(bytes([b]))
        except OSError:
            break
        try:
            d = s.recv(4096, socket.MSG_PEEK)
            if d:
                break
        except socket.timeout:
            pass
    s.settimeout(10)
    print(read_status(s), round(time.monotonic() - start))

def http(port, path):
    s = socket.create_connection(("127.0.0.1", port))
    data = open(path, "rb").read()
    try:
        s.sendall(data)
    except OSError:
        pass                      # the server may answer and close before reading it all
    s.settimeout(10)
    print(read_status(s))

cmd, port = sys.argv[1], int(sys.argv[2])
args = [int(a) if a.isdigit() else a for a in sys.argv[3:]]
{"flood": flood, "binary": binary, "octet": octet, "idle": idle, "churn": churn,
 "slowloris": slowloris, "http": http}[cmd](port, *args)
