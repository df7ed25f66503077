#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# The "obvious Python script" peer of bench/run: an asyncio TCP server that frames syslog
# (LF lines or RFC 6587 octet counting), takes the severity from the PRI and counts levels
# with collections.Counter. When it has counted --expect messages it writes the counts as JSON
# to --done (written to a temporary name, then renamed, so the file appears complete).
import argparse
import asyncio
import collections
import json
import os

NAMES = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"]


def severity(msg):
    if msg[:1] == b"<":
        end = msg.find(b">", 1, 5)
        if end > 1:
            return NAMES[int(msg[1:end]) & 7]
    return "unknown"


class Tally:
    def __init__(self, expect, done):
        self.counts = collections.Counter()
        self.total = 0
        self.expect = expect
        self.done = done

    def add(self, messages):
        self.counts.update(severity(m) for m in messages)
        self.total += len(messages)
        if self.total >= self.expect and self.done:
            with open(self.done + ".tmp", "w") as f:
                json.dump({"total": self.total, "levels": self.counts}, f)
            os.rename(self.done + ".tmp", self.done)
            self.done = None


def split_frames(buf):
    """Whole messages at the start of buf and the unfinished rest (both framings)."""
    out = []
    i = 0
    n = len(buf)
    while i < n:
        c = buf[i]
        if 0x31 <= c <= 0x39:  # octet counting: "LEN SP MSG"
            sp = buf.find(b" ", i, i + 12)
            if sp < 0:
                break
            end = sp + 1 + int(buf[i:sp])
            if end > n:
                break
            out.append(buf[sp + 1:end])
            i = end
        elif c == 0x0A:
            i += 1
        else:
            lf = buf.find(b"\n", i)
            if lf < 0:
                break
            out.append(buf[i:lf])
            i = lf + 1
    return out, buf[i:]


async def serve(tally, reader, writer):
    rest = b""
    while True:
        data = await reader.read(1 << 16)
        if not data:
            break
        messages, rest = split_frames(rest + data)
        tally.add(messages)
    writer.close()


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--expect", type=int, required=True)
    ap.add_argument("--done", required=True)
    args = ap.parse_args()
    tally = Tally(args.expect, args.done)
    server = await asyncio.start_server(
        lambda r, w: serve(tally, r, w), "127.0.0.1", args.port, backlog=1024)
    # --port 0 lets the kernel pick a free port; bench/run reads it from this line.
    port = server.sockets[0].getsockname()[1]
    print(f"pyserver ready on port {port}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
