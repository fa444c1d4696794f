#!/usr/bin/env bash
# The kernel's cost per frame of a frame lvsd forwards, with and without lvsd's tc ingress filter, measured where it
# is spent: a veth delivers a frame to its peer in the sender's own softirq, so the director's whole receive path
# (lvsd's capture tap, then tc ingress, then the IP stack: route lookup, the ip_forward=0 drop) runs on the
# sender's system time, or in ksoftirqd when the kernel defers it. Other processes on a busy machine do not move
# these two numbers, which is why this complements bench/kernel-bypass.sh's load through the whole lab.
#
#   bench/kernel-drop-path.sh [--rounds N] [--frames F]
#
# Two namespaces PREFIX-tx and PREFIX-dir joined by a veth (offloads off, so one datagram is one frame). lvsd runs
# in PREFIX-dir on its end with a UDP service 198.18.0.100:9000 (NAT to 198.18.0.50, never answering, so nothing
# comes back) and kernel_bypass.ingress_drop off or on; a Python sender in PREFIX-tx sends F datagrams to the VIP.
# Per frame: (sender system time + ksoftirqd time) / F. Rounds alternate which mode goes first; medians at the end.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

rounds=7 frames=500000
while (($# > 0)); do
    case "$1" in
        --rounds) rounds=$2; shift 2 ;;
        --frames) frames=$2; shift 2 ;;
        -h | --help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "kernel-drop-path.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
[[ $(id -u) -eq 0 ]] || { echo "kernel-drop-path.sh: must run as root (network namespaces)" >&2; exit 1; }
bin=${LVS_BIN_DIR:-$ROOT/artifacts/bin}
[[ -x $bin/lvsd && -x $bin/lvsadm ]] || { echo "kernel-drop-path.sh: no lvsd in $bin (scripts/publish.sh)" >&2; exit 1; }
py=/usr/bin/python3
[[ -x $py ]] || py=$(command -v python3)

PREFIX=lvsbench-$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
WORK=/tmp/$PREFIX
lvsd_pid=""
cleanup() {
    if [[ -n $lvsd_pid ]]; then kill -TERM "$lvsd_pid" 2>/dev/null || true; wait "$lvsd_pid" 2>/dev/null || true; fi
    local ns
    for ns in "$PREFIX-tx" "$PREFIX-dir"; do
        # shellcheck disable=SC2046
        kill -KILL $(ip netns pids "$ns" 2>/dev/null) 2>/dev/null || true
        ip netns del "$ns" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$WORK"
ip netns add "$PREFIX-tx"
ip netns add "$PREFIX-dir"
ip -n "$PREFIX-tx" link add eth0 type veth peer name eth0 netns "$PREFIX-dir"
for ns in tx dir; do
    ip netns exec "$PREFIX-$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip -n "$PREFIX-$ns" link set lo up
    ip -n "$PREFIX-$ns" link set eth0 up
    ip netns exec "$PREFIX-$ns" ethtool -K eth0 tso off gso off gro off >/dev/null 2>&1 || true
done
ip -n "$PREFIX-tx" addr add 198.18.0.2/24 dev eth0
ip -n "$PREFIX-dir" addr add 198.18.0.1/24 dev eth0
ip netns exec "$PREFIX-dir" sysctl -qw net.ipv4.ip_forward=0
mac=$(ip -n "$PREFIX-dir" -br link show eth0 | awk '{print $3}')
ip -n "$PREFIX-tx" neigh add 198.18.0.100 lladdr "$mac" dev eth0 nud permanent

cpu_ns() {
    local pid total=0 f
    for pid in "$@"; do
        for f in /proc/"$pid"/task/*/schedstat; do [[ -r $f ]] && total=$((total + $(cut -d' ' -f1 "$f"))); done
    done
    echo "$total"
}
errors() { ip netns exec "$PREFIX-dir" nstat -asz IpInAddrErrors | awk '$1 == "IpInAddrErrors" { print $2 }'; }

run() {
    local mode=$1 drop=false sock=$WORK/lvsd.sock
    [[ $mode == on ]] && drop=true
    cat >"$WORK/lvsd.yaml" <<YAML
interfaces: [eth0]
socket: { path: $sock }
logging: { level: warning }
kernel_bypass: { ingress_drop: $drop }
services:
  - { protocol: udp, address: 198.18.0.100, port: 9000, real_servers: [ { address: 198.18.0.50, method: masq } ] }
YAML
    ip netns exec "$PREFIX-dir" "$bin/lvsd" --config "$WORK/lvsd.yaml" </dev/null >>"$WORK/lvsd.log" 2>&1 &
    lvsd_pid=$!
    local i
    for ((i = 0; i < 100; i++)); do
        ip netns exec "$PREFIX-dir" "$bin/lvsadm" --socket "$sock" -L -n >/dev/null 2>&1 && break
        sleep 0.1
    done
    sleep 0.5
    local softirqd soft0 err0 sender
    softirqd=$(pgrep -x 'ksoftirqd/[0-9]+' | tr '\n' ' ')
    # shellcheck disable=SC2086
    soft0=$(cpu_ns $softirqd)
    err0=$(errors)
    # The sender's system time: its own transmit path and, inline, the director's receive path.
    sender=$(ip netns exec "$PREFIX-tx" timeout 300 "$py" - "$frames" <<'PY'
import resource, socket, sys
n = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
payload, target = b"x" * 64, ("198.18.0.100", 9000)
for _ in range(n):
    s.sendto(payload, target)
print(int(resource.getrusage(resource.RUSAGE_SELF).ru_stime * 1e9))
PY
)
    # shellcheck disable=SC2086
    local soft=$(($(cpu_ns $softirqd) - soft0)) err=$(($(errors) - err0))
    kill -TERM "$lvsd_pid"
    wait "$lvsd_pid" || true
    lvsd_pid=""
    printf '%s %d %d %d %d\n' "$mode" $((sender / frames)) $((soft / frames)) $(((sender + soft) / frames)) "$err" | tee -a "$WORK/results.txt"
}

echo "# $(date -u +%FT%TZ) $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); $frames datagrams per run"
echo "# mode sender_sys_ns_per_frame ksoftirqd_ns_per_frame total_ns_per_frame IpInAddrErrors"
for ((r = 0; r < rounds; r++)); do
    if ((r % 2 == 0)); then run off; run on; else run on; run off; fi
done
"$py" - "$WORK/results.txt" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
med = {m: statistics.median(int(r[3]) for r in rows if r[0] == m) for m in ("off", "on")}
pairs = sorted(int(a[3]) - int(b[3]) for a, b in zip([r for r in rows if r[0] == "off"], [r for r in rows if r[0] == "on"]))
print(f"median ns per frame: off {med['off']:.0f}, on {med['on']:.0f}; saved {med['off'] - med['on']:.0f} ns per frame")
print(f"paired off - on per round: {pairs}")
PY
