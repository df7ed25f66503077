#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Stops one thread of a running process, leaving its other threads running, the way a loop
stuck in a system call or a tight loop would look: PTRACE_SEIZE plus PTRACE_INTERRUPT act on
a single task. Prints "frozen TID" once the thread is stopped, keeps it stopped until the file
RELEASE exists (60 s at most), then detaches and prints "thawed"; if the process dies
meanwhile, reaps the thread and prints "gone".

usage: freeze_thread.py PID THREAD_NAME RELEASE"""
import ctypes
import os
import sys
import time

PTRACE_DETACH, PTRACE_SEIZE, PTRACE_INTERRUPT = 17, 0x4206, 0x4207
WALL = 0x40000000

pid, name, release = int(sys.argv[1]), sys.argv[2], sys.argv[3]
libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]


def ptrace(req, tid):
    if libc.ptrace(req, tid, None, None) != 0:
        err = ctypes.get_errno()
        sys.exit("freeze_thread: ptrace(%d, %d): %s" % (req, tid, os.strerror(err)))


tid = None
for task in os.listdir("/proc/%d/task" % pid):
    with open("/proc/%d/task/%s/comm" % (pid, task)) as f:
        if f.read().strip() == name:
            tid = int(task)
if tid is None:
    sys.exit("freeze_thread: no thread named %s in process %d" % (name, pid))

ptrace(PTRACE_SEIZE, tid)
ptrace(PTRACE_INTERRUPT, tid)
os.waitpid(tid, WALL)
print("frozen %d" % tid, flush=True)
deadline = time.monotonic() + 60
while not os.path.exists(release) and time.monotonic() < deadline:
    # The process may be killed meanwhile (a watchdog's SIGABRT): its stopped thread then dies
    # too, and only its tracer can reap it, without which the process never finishes exiting.
    try:
        done, status = os.waitpid(tid, os.WNOHANG | WALL)
    except ChildProcessError:
        done, status = tid, 0
    if done == tid and not os.WIFSTOPPED(status):
        print("gone", flush=True)
        sys.exit(0)
    time.sleep(0.05)
ptrace(PTRACE_DETACH, tid)
print("thawed", flush=True)
