#!/usr/bin/env python3
"""UDP echo for lab real servers: answers every datagram with b'NAME:' + payload in ONE datagram,
on IPv4 (0.0.0.0) and IPv6 ([::], v6 only) alike, FROM THE ADDRESS THE DATAGRAM WAS SENT TO.

The last point matters for direct routing and tunnelling: the datagram arrives for the VIP on lo, and
a plain sendto() on a wildcard socket would answer from the interface address the route picks, which
a client with a connected socket (a DNS resolver, say) drops. IP_PKTINFO / IPV6_PKTINFO fix the source.

socat's UDP4-RECVFROM,fork + SYSTEM splits the name and the payload into separate datagrams (one
per write of the child) and leaves children behind, so the lab uses this instead.
Usage: lab-udp-echo.py NAME PORT
"""
import selectors
import socket
import struct
import sys

IP_PKTINFO = getattr(socket, "IP_PKTINFO", 8)  # Linux value; older Pythons lack the constant.


def main() -> int:
    name = sys.argv[1].encode()
    port = int(sys.argv[2])
    selector = selectors.DefaultSelector()
    for family, address in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
        sock = socket.socket(family, socket.SOCK_DGRAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            # Two sockets rather than one dual-stack socket: IPv4 peers keep plain IPv4 addresses.
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVPKTINFO, 1)
        else:
            sock.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
        sock.bind((address, port))
        selector.register(sock, selectors.EVENT_READ)
    while True:
        for key, _ in selector.select():
            sock = key.fileobj
            data, ancillary, _, peer = sock.recvmsg(65535, 256)
            reply = []
            for level, kind, value in ancillary:
                if level == socket.IPPROTO_IPV6 and kind == socket.IPV6_PKTINFO:
                    # struct in6_pktinfo: the destination address, then the interface (0: let routing choose).
                    reply = [(level, kind, value[:16] + struct.pack("@i", 0))]
                elif level == socket.IPPROTO_IP and kind == IP_PKTINFO:
                    # struct in_pktinfo: ifindex, spec_dst (the source to use), addr (the header destination).
                    reply = [(level, kind, struct.pack("@i", 0) + value[8:12] + bytes(4))]
            sock.sendmsg([name + b":" + data], reply, 0, peer)


if __name__ == "__main__":
    sys.exit(main())
