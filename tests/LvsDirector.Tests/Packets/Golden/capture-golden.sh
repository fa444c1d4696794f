#!/bin/bash
# Regenerates the golden frames in this folder from real tools (ping, curl, socat, scapy) talking across a veth pair
# between two throw-away network namespaces. Addresses: 198.18.10.0/24 only. This kernel has no 8021q module, so the
# VLAN-tagged frames are crafted by scapy rather than sent through a vlan device.
# Requires root, iproute2, ethtool, tcpdump, socat, curl, iputils-ping, python3-scapy. The pcaps are not kept.
set -euo pipefail
cd "$(dirname "$0")"
P="pg$$"
A="${P}a"; B="${P}b"; VA="${P}va"; VB="${P}vb"
WORK="$(mktemp -d)"
cleanup() {
    ip netns pids "$B" 2>/dev/null | xargs -r kill 2>/dev/null || true
    ip netns pids "$A" 2>/dev/null | xargs -r kill 2>/dev/null || true
    ip netns del "$A" 2>/dev/null || true
    ip netns del "$B" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
ip netns add "$A"; ip netns add "$B"
ip link add "$VA" netns "$A" address 02:00:00:00:0a:01 type veth peer name "$VB" netns "$B" address 02:00:00:00:0a:02
ia() { ip netns exec "$A" "$@"; }
ib() { ip netns exec "$B" "$@"; }
ia ip addr add 198.18.10.1/24 dev "$VA"; ib ip addr add 198.18.10.2/24 dev "$VB"
ia ip link set lo up; ib ip link set lo up
# No IPv6 router/MLD chatter in the captures.
ia sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ib sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ia ip link set "$VA" up; ib ip link set "$VB" up

offloads() { # on|off
    ia ethtool -K "$VA" tx "$1" tso "$1" gso "$1" >/dev/null 2>&1 || true
    ib ethtool -K "$VB" tx "$1" tso "$1" gso "$1" gro "$1" >/dev/null 2>&1 || true
    ib ethtool -K "$VB" rxvlan off >/dev/null 2>&1 || true
}
capture() { # name; starts tcpdump on B's veth
    # Not through the ib function: $! must be tcpdump itself (ip netns exec execs it) so that stop can end it.
    ip netns exec "$B" tcpdump -i "$VB" -s 262144 --immediate-mode -U -w "$WORK/$1.pcap" >/dev/null 2>&1 &
    CAP=$!
    # tcpdump writes the pcap file header once it is capturing; wait for that instead of guessing.
    for _ in $(seq 100); do [ "$(stat -c %s "$WORK/$1.pcap" 2>/dev/null || echo 0)" -ge 24 ] && break; sleep 0.1; done
    sleep 0.3
}
stop() { sleep 1; kill "$CAP"; wait "$CAP" 2>/dev/null || true; }
servers() {
    ib socat TCP-LISTEN:8080,reuseaddr,fork SYSTEM:'read l; echo HTTP/1.0 200 OK; echo; echo hello' >/dev/null 2>&1 &
    ib socat -u UDP-RECV:5353 OPEN:/dev/null >/dev/null 2>&1 &
    ib socat -u TCP-LISTEN:9090,reuseaddr OPEN:/dev/null >/dev/null 2>&1 &
    sleep 0.5
}
servers
offloads off

capture arp
ia ping -c 1 -W 1 198.18.10.2 >/dev/null
stop
capture icmp
ia ping -c 2 -i 0.2 -s 57 -W 1 198.18.10.2 >/dev/null
stop
capture tcp
ia curl -s --max-time 3 http://198.18.10.2:8080/golden-frame >/dev/null || true
stop
capture udp
printf 'golden udp datagram!!' | ia socat -u - UDP-SENDTO:198.18.10.2:5353
printf 'even' | ia socat -u - UDP-SENDTO:198.18.10.2:5353
stop
capture vlan
ia /usr/bin/python3 - "$VA" <<'PY'
import sys
from scapy.all import Ether, Dot1Q, ARP, IP, TCP, UDP, ICMP, Raw, sendp
iface = sys.argv[1]
eth = Ether(src="02:00:00:00:0a:01", dst="02:00:00:00:0a:02")
src, dst = "198.18.10.1", "198.18.10.2"
sendp([
    Ether(src="02:00:00:00:0a:01", dst="ff:ff:ff:ff:ff:ff") / Dot1Q(vlan=100) / ARP(op=1, hwsrc="02:00:00:00:0a:01", psrc=src, pdst=dst),
    eth / Dot1Q(vlan=100, prio=3) / IP(src=src, dst=dst) / TCP(sport=40100, dport=80, flags="S", seq=0xfffffff0,
        options=[("MSS", 1460), ("SAckOK", b""), ("Timestamp", (7, 0)), ("NOP", None), ("WScale", 7)]),
    eth / Dot1Q(vlan=100) / IP(src=src, dst=dst) / TCP(sport=40100, dport=80, flags="PA", seq=1, ack=1) / Raw(b"GET / HTTP/1.0\r\n\r\n"),
    eth / Dot1Q(vlan=100) / IP(src=src, dst=dst) / UDP(sport=40101, dport=53) / Raw(b"vlan-udp"),
    eth / Dot1Q(vlan=100) / IP(src=src, dst=dst) / ICMP(type=8, id=7, seq=9) / Raw(b"vlan ping"),
], iface=iface, verbose=False)
PY
stop
capture scapy
ia /usr/bin/python3 - "$VA" <<'PY'
import sys
from scapy.all import Ether, IP, TCP, UDP, ICMP, Raw, IPOption_RR, fragment, sendp
iface = sys.argv[1]
eth = Ether(src="02:00:00:00:0a:01", dst="02:00:00:00:0a:02")
src, dst = "198.18.10.1", "198.18.10.2"
frames = [
    eth / IP(src=src, dst=dst, options=[IPOption_RR(routers=["198.18.10.1"])]) / TCP(sport=40000, dport=8080, flags="S", seq=1000,
        options=[("MSS", 1460), ("SAckOK", b""), ("Timestamp", (1, 0)), ("NOP", None), ("WScale", 7)]),
    eth / IP(src=src, dst=dst) / UDP(sport=40001, dport=5353, chksum=0) / Raw(b"no checksum here"),
    eth / IP(src=src, dst=dst) / UDP(sport=40002, dport=5353) / Raw(b"x"),
    eth / IP(src=src, dst=dst) / ICMP(type=8, id=0x1234, seq=1) / Raw(b"odd"),
]
frames += [eth / f for f in fragment(IP(src=src, dst=dst, id=777) / UDP(sport=40003, dport=5353) / Raw(b"F" * 120), fragsize=64)]
sendp(frames, iface=iface, verbose=False)
PY
stop

# Offloads left on: the local stack hands the veth CHECKSUM_PARTIAL segments and unsplit TSO super-frames.
offloads on
capture offload
ia curl -s --max-time 3 http://198.18.10.2:8080/partial-checksum >/dev/null || true
head -c 300000 /dev/urandom | ia socat -u - TCP:198.18.10.2:9090 || true
stop

{
    echo "# ARP request/reply and ICMP echo triggered by iputils ping over veth (tx offload off), captured by tcpdump"
    /usr/bin/python3 pcap2hex.py "ping (kernel ARP)" "$WORK/arp.pcap"
} > arp.hex
{
    echo "# ICMP echo request/reply (ping -s 57: odd ICMP length) over veth (tx offload off), captured by tcpdump"
    /usr/bin/python3 pcap2hex.py "ping -s 57" "$WORK/icmp.pcap"
} > icmp.hex
{
    echo "# HTTP exchange: curl client (198.18.10.1) and socat server (198.18.10.2:8080) over veth (tx offload off)"
    /usr/bin/python3 pcap2hex.py "curl/socat" "$WORK/tcp.pcap"
} > tcp.hex
{
    echo "# UDP datagrams sent by socat to 198.18.10.2:5353 over veth (tx offload off)"
    /usr/bin/python3 pcap2hex.py "socat udp" "$WORK/udp.pcap"
} > udp.hex
{
    echo "# VLAN 100 (802.1Q) tagged ARP/TCP/UDP/ICMP frames crafted by scapy, sent on veth, captured by tcpdump"
    /usr/bin/python3 pcap2hex.py "scapy dot1q" "$WORK/vlan.pcap"
} > vlan.hex
{
    echo "# Frames crafted by scapy: IP record-route option + TCP options, UDP with zero checksum, 1-byte UDP, odd ICMP, UDP fragments"
    /usr/bin/python3 pcap2hex.py "scapy" "$WORK/scapy.pcap"
} > scapy.hex
{
    echo "# tx checksum offload ON: curl/socat segments whose TCP checksum holds only the pseudo-header sum (CHECKSUM_PARTIAL)"
    /usr/bin/python3 pcap2hex.py "curl with tx offload on" "$WORK/offload.pcap" --max-frames 4
    echo "# TSO super-frame (tso/gso on): socat bulk send, one unsplit TCP frame larger than the 1500-byte MTU"
    /usr/bin/python3 pcap2hex.py "socat bulk with tso on" "$WORK/offload.pcap" --min-len 1600 --max-frames 1
} > offload.hex
wc -l ./*.hex
