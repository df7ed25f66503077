#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Socket activation without systemd: binds loopback sockets on free ports, moves them to
fds 3.., sets LISTEN_FDS, LISTEN_PID (this pid, which exec keeps) and LISTEN_FDNAMES, and
execs the program in place, as systemd does for a socket unit.

usage: listen_fds.py NAME=KIND... -- PROGRAM [ARGS...]
KIND: tcp (listening stream), udp (datagram), tcp-unlistened (bound stream, no listen)."""
import fcntl
import os
import socket
import sys

sep = sys.argv.index("--")
specs, program = sys.argv[1:sep], sys.argv[sep + 1:]
names, high = [], []
for spec in specs:
    name, kind = spec.split("=", 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if kind == "udp" else socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    if kind == "tcp":
        s.listen(128)
    # Park each socket far above 3.. before placing it, so no dup2 hits a live socket.
    high.append(fcntl.fcntl(s.fileno(), fcntl.F_DUPFD, 64))
    s.close()
    names.append(name)
for i, fd in enumerate(high):
    os.dup2(fd, 3 + i, inheritable=True)
    os.close(fd)
os.environ["LISTEN_FDS"] = str(len(names))
os.environ["LISTEN_PID"] = str(os.getpid())
os.environ["LISTEN_FDNAMES"] = ":".join(names)
os.execvp(program[0], program)
