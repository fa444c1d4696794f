#!/usr/bin/env python3
"""Sends one datagram per new socket (so a director sees a new UDP connection each time) and prints
'SOURCE_IP:SOURCE_PORT REPLY' per answer. HOST may be IPv4 or IPv6 (then SOURCE_IP has colons; the
last ':' separates the port). Usage: udp_probe.py HOST PORT PAYLOAD COUNT [FIRST_SOURCE_PORT]

With FIRST_SOURCE_PORT the sockets bind FIRST_SOURCE_PORT, +1, ... instead of letting the kernel pick:
the kernel's random ephemeral port repeats an earlier one about once in 4,000 sockets, and a repeat
is the earlier connection to the director, not a new one (same server, or dropped when that server
was deleted by an earlier test)."""
import socket
import sys

host, port, payload, count = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
first = int(sys.argv[5]) if len(sys.argv) > 5 else 0
family = socket.AF_INET6 if ":" in host else socket.AF_INET
for i in range(count):
    with socket.socket(family, socket.SOCK_DGRAM) as s:
        s.settimeout(3)
        if first:
            s.bind(("::" if family == socket.AF_INET6 else "0.0.0.0", first + i))
        s.sendto(f"{payload}-{i}".encode(), (host, port))
        data, peer = s.recvfrom(65535)
        print(f"{peer[0]}:{peer[1]} {data.decode()}", flush=True)
