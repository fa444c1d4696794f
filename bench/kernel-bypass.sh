#!/usr/bin/env bash
# What the kernel ingress filter saves: fixed-rate UDP through lvsd (NAT, both directions) in the two-arm lab with
# kernel_bypass.ingress_drop off and on, in alternating rounds, reading the machine's CPU ticks (/proc/stat) over
# each load window and the director's IpInAddrErrors (the frames its IP stack looked at and dropped).
#
#   bench/kernel-bypass.sh [--rounds N] [--seconds S] [--pps P] [--size BYTES]
#     --rounds N    rounds of (off, on) or (on, off), alternating which goes first (default 7)
#     --seconds S   load window per run (default 10)
#     --pps P       datagrams per second in EACH direction, client -> VIP and real server -> client (default 20000)
#     --size BYTES  UDP payload (default 64)
#
# The load is iperf3 --bidir over UDP: the client sends to VIP:5201, rs1 sends back to the client, each at a fixed
# rate for S seconds (iperf3 stops by itself). Needs root, iperf3 and a published lvsd (scripts/publish.sh).
# The lab is torn down on exit, also on failure or Ctrl-C. Prints one line per run and the medians.
#
# Where the saving shows: a veth delivers a frame to its peer in the sender's own softirq (netif_rx, then the
# backlog runs when the sender's transmit re-enables bottom halves), so the director's receive path, taps, tc
# ingress and IP stack included, runs on the CPU time of the two iperf3 processes that send (unless the kernel
# defers it to ksoftirqd). Their CPU time (sum_exec_runtime, which includes softirq work done in their context) is
# the measure that other processes on a busy machine do not move; /proc/stat over the window is printed as well.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

rounds=7 seconds=10 pps=20000 size=64
while (($# > 0)); do
    case "$1" in
        --rounds) rounds=$2; shift 2 ;;
        --seconds) seconds=$2; shift 2 ;;
        --pps) pps=$2; shift 2 ;;
        --size) size=$2; shift 2 ;;
        -h | --help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "kernel-bypass.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
[[ $(id -u) -eq 0 ]] || { echo "kernel-bypass.sh: must run as root (network namespaces)" >&2; exit 1; }
command -v iperf3 >/dev/null || { echo "kernel-bypass.sh: needs iperf3 (apt-get install iperf3)" >&2; exit 1; }
bin=${LVS_BIN_DIR:-$ROOT/artifacts/bin}
[[ -x $bin/lvsd && -x $bin/lvsadm ]] || { echo "kernel-bypass.sh: no lvsd in $bin (scripts/publish.sh)" >&2; exit 1; }

VIP=198.18.0.100
RS1=198.19.0.11
PORT=5201
PREFIX=lvsbench-$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
LABDIR=/tmp/$PREFIX
lvsd_pid=""

cleanup() {
    if [[ -n $lvsd_pid ]]; then kill -TERM "$lvsd_pid" 2>/dev/null || true; wait "$lvsd_pid" 2>/dev/null || true; fi
    scripts/lab.sh down "$PREFIX" >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

scripts/lab.sh up "$PREFIX" >/dev/null
mkdir -p "$LABDIR/bench"
ip netns exec "$PREFIX-rs1" iperf3 -s -D -p "$PORT" --pidfile "$LABDIR/bench/iperf3.pid" >/dev/null

# All the CPU ticks of the machine except idle and iowait, and its softirq ticks.
ticks() { awk '/^cpu / { print $2+$3+$4+$7+$8+$9, $8 }' /proc/stat; }
# CPU time in microseconds of every thread of the given processes (schedstat's first field is ns on the CPU).
cpu_us() {
    local pid total=0 f
    for pid in "$@"; do
        for f in /proc/"$pid"/task/*/schedstat; do
            [[ -r $f ]] && total=$((total + $(cut -d' ' -f1 "$f")))
        done
    done
    echo $((total / 1000))
}
counter() { ip netns exec "$PREFIX-dir" nstat -asz IpInAddrErrors | awk '$1 == "IpInAddrErrors" { print $2 }'; }

start_lvsd() {
    local drop=$1 sock=$LABDIR/bench/lvsd.sock
    cat >"$LABDIR/bench/lvsd.yaml" <<YAML
interfaces: [eth0, eth1]
socket: { path: $sock }
logging: { level: warning }
kernel_bypass: { ingress_drop: $drop }
services:
  - { protocol: tcp, address: $VIP, port: $PORT, real_servers: [ { address: $RS1, method: masq } ] }
  - { protocol: udp, address: $VIP, port: $PORT, real_servers: [ { address: $RS1, method: masq } ] }
YAML
    ip netns exec "$PREFIX-dir" "$bin/lvsd" --config "$LABDIR/bench/lvsd.yaml" </dev/null >>"$LABDIR/bench/lvsd.log" 2>&1 &
    lvsd_pid=$!
    local i
    for ((i = 0; i < 100; i++)); do
        ip netns exec "$PREFIX-dir" "$bin/lvsadm" --socket "$sock" -L -n >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "kernel-bypass.sh: lvsd did not start; log:" >&2
    tail -n 20 "$LABDIR/bench/lvsd.log" >&2
    exit 1
}

stop_lvsd() {
    kill -TERM "$lvsd_pid"
    wait "$lvsd_pid" || true
    lvsd_pid=""
}

bitrate=$((pps * size * 8))
results=$LABDIR/bench/results.txt
: >"$results"
run() {
    local mode=$1 drop=false
    [[ $mode == on ]] && drop=true
    start_lvsd "$drop"
    local filters
    filters=$(ip netns exec "$PREFIX-dir" tc filter show dev eth0 ingress | grep -c 'pref 65000' || true)
    if [[ $mode == on && $filters == 0 ]] || [[ $mode == off && $filters != 0 ]]; then
        echo "kernel-bypass.sh: filter state on eth0 does not match mode $mode" >&2
        exit 1
    fi
    sleep 1
    local before_counter before after after_counter server lvsd0 server0 soft0 client_us lvsd_us server_us soft_us
    local softirqd
    softirqd=$(pgrep -x 'ksoftirqd/[0-9]+' | tr '\n' ' ')
    server=$(cat "$LABDIR/bench/iperf3.pid")
    before_counter=$(counter)
    lvsd0=$(cpu_us "$lvsd_pid")
    server0=$(cpu_us "$server")
    # shellcheck disable=SC2086
    soft0=$(cpu_us $softirqd)
    read -r -a before <<<"$(ticks)"
    # The client's CPU time from its rusage (user + system, softirq work in its context included).
    client_us=$(python3 - "$LABDIR/bench/iperf3-$mode.json" ip netns exec "$PREFIX-client" timeout $((seconds + 20)) \
        iperf3 -c "$VIP" -p "$PORT" -u --bidir -b "$bitrate" -l "$size" -t "$seconds" -J <<'PY'
import resource, subprocess, sys
with open(sys.argv[1], "w") as out:
    subprocess.run(sys.argv[2:], stdout=out, stderr=subprocess.STDOUT)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print(int((r.ru_utime + r.ru_stime) * 1e6))
PY
)
    read -r -a after <<<"$(ticks)"
    after_counter=$(counter)
    server_us=$(($(cpu_us "$server") - server0))
    lvsd_us=$(($(cpu_us "$lvsd_pid") - lvsd0))
    # shellcheck disable=SC2086
    soft_us=$(($(cpu_us $softirqd) - soft0))
    stop_lvsd
    # Datagrams that arrived at each end (from iperf3's end-of-test summary).
    local delivered
    delivered=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))["end"]
up, down = d["sum"], d["sum_bidir_reverse"]
print(up["packets"] - up["lost_packets"], down["packets"] - down["lost_packets"])' "$LABDIR/bench/iperf3-$mode.json" 2>/dev/null || echo "? ?")
    printf '%s %d %d %d %d %d %d %d %d %s\n' "$mode" $(((client_us + server_us) / 1000)) $((client_us / 1000)) $((server_us / 1000)) \
        $((soft_us / 1000)) $((lvsd_us / 1000)) $((after[0] - before[0])) $((after[1] - before[1])) \
        $((after_counter - before_counter)) "$delivered" | tee -a "$results"
}

echo "# $(date -u +%FT%TZ) $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); $pps pps each way, $size-byte payload, ${seconds}s, HZ ticks"
echo "# mode senders_ms client_ms server_ms ksoftirqd_ms lvsd_ms busy_ticks softirq_ticks IpInAddrErrors delivered_up delivered_down"
for ((r = 0; r < rounds; r++)); do
    if ((r % 2 == 0)); then run off; run on; else run on; run off; fi
done

python3 - "$results" "$seconds" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
seconds = float(sys.argv[2])
names = ["senders_ms", "client_ms", "server_ms", "ksoftirqd_ms", "lvsd_ms", "busy_ticks", "softirq_ticks", "IpInAddrErrors"]
def med(mode, col):
    return statistics.median(float(r[col]) for r in rows if r[0] == mode)
print("# medians per mode (ticks are 4 ms, HZ=250, summed over both CPUs)")
for mode in ("off", "on"):
    print(mode + ": " + " ".join(f"{n} {med(mode, i + 1):.0f}" for i, n in enumerate(names)))
frames = med("off", 8)
for i, n in enumerate(names[:7]):
    saved = med("off", i + 1) - med("on", i + 1)
    unit = 4.0 if n.endswith("_ticks") else 1.0
    per_frame = f", {saved * unit * 1e6 / frames:.0f} ns per frame the kernel no longer takes" if frames else ""
    print(f"saved {n}: {saved:.0f} = {saved * unit / seconds:.1f} ms of CPU per second of load{per_frame}")
# Paired: each round's off minus its on, so slow drifts of the machine's load cancel.
offs = [float(r[1]) for r in rows if r[0] == "off"]
ons = [float(r[1]) for r in rows if r[0] == "on"]
pairs = sorted(a - b for a, b in zip(offs, ons))
print(f"senders_ms off - on per round: {pairs} (median {statistics.median(pairs):.0f})")
PY
