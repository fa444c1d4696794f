#!/bin/bash
# Regenerates the IPv6 golden frames (*6.hex) from real kernels: ping -6, curl -6 / socat over a veth pair between two
# throw-away namespaces (prefix pk6-), addresses in 2001:db8::/32 only. Neighbor Discovery (NS/NA) and MLD reports
# (hop-by-hop router alert) come from the kernels themselves; ping -s 3000 makes the kernel fragment (fragment headers).
# Requires root, iproute2, ethtool, tcpdump, socat, curl, iputils-ping, python3-scapy (for pcap2hex.py).
set -euo pipefail
cd "$(dirname "$0")"
P="pk6-$$"
A="${P}a"; B="${P}b"; VA="pk6a$$"; VB="pk6b$$"
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
ip link add "$VA" netns "$A" address 02:00:00:00:6a:01 type veth peer name "$VB" netns "$B" address 02:00:00:00:6a:02
ia() { ip netns exec "$A" "$@"; }
ib() { ip netns exec "$B" "$@"; }
for ns in "$A" "$B"; do ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.accept_ra=0 net.ipv6.conf.all.accept_ra=0; done
ia ip link set lo up; ib ip link set lo up
ia ethtool -K "$VA" tx off tso off gso off >/dev/null 2>&1 || true
ib ethtool -K "$VB" tx off tso off gso off gro off >/dev/null 2>&1 || true
ia ip addr add 2001:db8:6::1/64 dev "$VA" nodad; ib ip addr add 2001:db8:6::2/64 dev "$VB" nodad

capture() {
    ip netns exec "$B" tcpdump -i "$VB" -s 262144 --immediate-mode -U -w "$WORK/$1.pcap" >/dev/null 2>&1 &
    CAP=$!
    for _ in $(seq 100); do [ "$(stat -c %s "$WORK/$1.pcap" 2>/dev/null || echo 0)" -ge 24 ] && break; sleep 0.1; done
    sleep 0.3
}
stop() { sleep 1; kill "$CAP"; wait "$CAP" 2>/dev/null || true; }

ib ip link set "$VB" up
capture nd
ia ip link set "$VA" up
sleep 2
ia ping -6 -c 1 -W 2 2001:db8:6::2 >/dev/null
stop

ib socat TCP6-LISTEN:8080,reuseaddr,fork SYSTEM:'read l; echo HTTP/1.0 200 OK; echo; echo hello' >/dev/null 2>&1 &
ib socat -u UDP6-RECV:5353 OPEN:/dev/null >/dev/null 2>&1 &
sleep 0.5

capture icmp
ia ping -6 -c 2 -i 0.2 -s 57 -W 1 2001:db8:6::2 >/dev/null
ia ping -6 -c 1 -s 3000 -W 1 2001:db8:6::2 >/dev/null
stop
capture tcp
ia curl -s --max-time 3 'http://[2001:db8:6::2]:8080/golden-frame' >/dev/null || true
printf 'golden udp6 datagram!' | ia socat -u - UDP6-SENDTO:[2001:db8:6::2]:5353
stop

{
    echo "# Kernel Neighbor Discovery (NS/NA), MLD reports (hop-by-hop router alert) and the ping -6 that caused them, veth, tx offload off"
    /usr/bin/python3 pcap2hex.py "kernel nd" "$WORK/nd.pcap"
} > nd6.hex
{
    echo "# ICMPv6 echo (ping -6 -s 57) and a fragmented echo (ping -6 -s 3000: fragment headers) over veth, tx offload off"
    /usr/bin/python3 pcap2hex.py "ping -6" "$WORK/icmp.pcap"
} > icmp6.hex
{
    echo "# HTTP over IPv6 (curl -6 client, socat server) and a socat UDP6 datagram over veth, tx offload off"
    /usr/bin/python3 pcap2hex.py "curl/socat -6" "$WORK/tcp.pcap"
} > tcp6.hex
wc -l ./*6.hex
