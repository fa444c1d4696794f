#!/usr/bin/python3
"""Converts a pcap into golden hex text: per frame one '# <tool>: <summary>' line and one hex line.

usage: pcap2hex.py TOOL_LABEL IN.pcap [--min-len N] [--max-frames N] >> OUT.hex
"""
import sys
from scapy.all import rdpcap, Ether  # noqa: F401  (Ether registers the link-layer decoder)

label, path = sys.argv[1], sys.argv[2]
args = sys.argv[3:]
min_len = int(args[args.index("--min-len") + 1]) if "--min-len" in args else 0
max_frames = int(args[args.index("--max-frames") + 1]) if "--max-frames" in args else 1 << 30
count = 0
for pkt in rdpcap(path):
    raw = bytes(pkt)
    if len(raw) < min_len or count >= max_frames:
        continue
    print(f"# {label}: {pkt.summary()} ({len(raw)} bytes)")
    print(raw.hex())
    count += 1
