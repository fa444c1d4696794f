#!/usr/bin/env python3
"""UDP probes for fragments and ICMP errors through the VIP. Usage:
  udp_fragment_probe.py echo HOST PORT SIZE   - sends SIZE random bytes (fragmented by the kernel above the MTU),
                                                prints 'NAME LENGTH' of the 'NAME:payload' answer, fails on a mismatch
  udp_fragment_probe.py refused HOST PORT     - sends on a connected socket and expects ECONNREFUSED from the
                                                ICMP port unreachable the real server's kernel answers; prints 'refused'
"""
import os
import socket
import sys

mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
    s.settimeout(3)
    s.connect((host, port))
    if mode == "echo":
        payload = os.urandom(int(sys.argv[4]))
        s.send(payload)
        data = s.recv(65535)
        name, _, echoed = data.partition(b":")
        if echoed != payload:
            sys.exit(f"answer of {len(data)} bytes does not carry the {len(payload)} bytes sent")
        print(f"{name.decode()} {len(echoed)}", flush=True)
    elif mode == "refused":
        s.send(b"anyone there?")
        try:
            data = s.recv(65535)
        except ConnectionRefusedError:
            print("refused", flush=True)
            sys.exit(0)
        except socket.timeout:
            sys.exit("no answer and no ICMP error within 3 s")
        sys.exit(f"unexpected answer {data!r}")
    else:
        sys.exit(f"unknown mode {mode}")
