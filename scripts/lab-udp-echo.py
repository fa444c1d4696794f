#!/usr/bin/env python3
"""UDP echo for lab real servers: answers every datagram with b'NAME:' + payload in ONE datagram.

socat's UDP4-RECVFROM,fork + SYSTEM splits the name and the payload into separate datagrams (one
per write of the child) and leaves children behind, so the lab uses this instead.
Usage: lab-udp-echo.py NAME PORT
"""
import socket
import sys


def main() -> int:
    name = sys.argv[1].encode()
    port = int(sys.argv[2])
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("0.0.0.0", port))
    while True:
        data, peer = sock.recvfrom(65535)
        sock.sendto(name + b":" + data, peer)


if __name__ == "__main__":
    sys.exit(main())
