#!/usr/bin/env python3
"""One HTTP/1.1 keep-alive connection: sends GET / at start and again for every stdin line 'again',
printing each response body (the real server's name) on its own line; 'quit' or EOF ends it.
The first output line is 'local PORT' so the test can tell its connection apart.
Usage: keepalive_client.py HOST PORT"""
import socket
import sys

host, port = sys.argv[1], int(sys.argv[2])
sock = socket.create_connection((host, port), timeout=5)
reader = sock.makefile("rb")
print(f"local {sock.getsockname()[1]}", flush=True)


def request() -> None:
    sock.sendall(f"GET / HTTP/1.1\r\nHost: {host}\r\nConnection: keep-alive\r\n\r\n".encode())
    status = reader.readline()
    if not status.startswith(b"HTTP/1.1 200"):
        sys.exit(f"bad status line {status!r}")
    length = None
    while True:
        line = reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.decode().partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    if length is None:
        sys.exit("no Content-Length")
    print(reader.read(length).decode().strip(), flush=True)


request()
for command in sys.stdin:
    command = command.strip()
    if command == "quit":
        break
    if command == "again":
        request()
sock.close()
