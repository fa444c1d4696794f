#!/usr/bin/env python3
"""Streams SIZE random bytes to a TCP echo service and checks every byte comes back in order; prints
'ok SIZE' or exits non-zero. Large writes with TSO/GSO on cross the veth as super-frames.
Usage: tcp_echo_probe.py HOST PORT SIZE"""
import os
import socket
import sys
import threading

host, port, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = os.urandom(size)
sock = socket.create_connection((host, port), timeout=10)


def send() -> None:
    sock.sendall(data)
    sock.shutdown(socket.SHUT_WR)


sender = threading.Thread(target=send, daemon=True)
sender.start()
received = bytearray()
while len(received) < size:
    chunk = sock.recv(1 << 20)
    if not chunk:
        break
    received += chunk
sender.join(timeout=10)
if bytes(received) != data:
    first = next((i for i, (a, b) in enumerate(zip(received, data)) if a != b), min(len(received), size))
    sys.exit(f"echo mismatch: got {len(received)} of {size} bytes, first difference at {first}")
print(f"ok {size}")
