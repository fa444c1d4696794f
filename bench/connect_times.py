#!/usr/bin/env python3
"""TCP connect-time probe for bench/run.sh: COUNT sequential connects to HOST:PORT, one line per connect.

Each line is the time from connect() to its return (the SYN / SYN-ACK round trip through the path plus the
client's own syscall cost, the same on every path), in microseconds, or "fail" when the connect did not complete
within the per-connect timeout. The socket is closed at once; the whole loop stops at the deadline (bounded).
"""
import socket
import sys
import time

host, port, count, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
deadline = time.monotonic() + float(sys.argv[5]) if len(sys.argv) > 5 else time.monotonic() + 60
lines = []
for _ in range(count):
    if time.monotonic() > deadline:
        break
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.settimeout(1.0)
    t0 = time.perf_counter_ns()
    try:
        s.connect((host, port))
        lines.append(str((time.perf_counter_ns() - t0) // 1000))
    except OSError:
        lines.append("fail")
    finally:
        s.close()
with open(out, "w") as f:
    f.write("\n".join(lines) + "\n")
