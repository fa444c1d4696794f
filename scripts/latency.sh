#!/usr/bin/env bash
# Latency through the director. Every director measured gets a two-arm lab of its own (scripts/lab.sh), all labs up
# at once, and the probes take turns round by round (R rounds of N/R samples each), so a machine whose load comes and
# goes (other builds, other benchmarks) disturbs every director alike and the figures of one run compare:
#
#   scripts/latency.sh [--count N] [--rounds R] [--load none,udp,wrk] [--seconds S] [--throughput S] [--nft]
#                      [NAME=LVSD_BINARY]...
#
#   NAME=LVSD_BINARY  an lvsd to measure (default: new=artifacts/bin/lvsd); several compare builds side by side. The
#                     value may start with a wrapper that execs it, e.g. fifo="chrt -f 1 artifacts/bin/lvsd"; a NAME
#                     ending in @fifo has only lvsd's packet worker thread (lvsd-worker-0) moved to SCHED_FIFO 1
#   --nft             also the kernel's nftables DNAT balancer, in a lab of its own (ip_forward=1 there)
#   --count N         samples per probe, director and load (default 200)
#   --rounds R        turns the count is split into (default 5)
#   --load LIST       background loads, each applied only to the lab being probed: none (idle), udp (~2,000
#                     datagrams/s through the VIP), wrk (wrk -t1 -c8 saturating HTTP keep-alive); default none,udp,wrk
#   --seconds S       idle time over which each lvsd's CPU use is read from /proc (default 10)
#   --throughput S    then S seconds each of wrk -t1 -c8 (requests/s, latency p50/p99), iperf3 upload and download
#                     through the VIP (TCP super-frames both ways) and iperf3 UDP with 64-byte datagrams as fast as
#                     the client sends them (frames/s), per director in turn; 0 skips it (default 10)
#
# Per director and load it prints p50/p99/max (µs) of: ping to the VIP (answered by lvsd itself; by the kernel
# for nft), ping to the director's kernel address 198.18.0.1 (the kernel path over the same wires), TCP connect()
# through the VIP, and an HTTP keep-alive request/response round trip through the VIP; then each lvsd's CPU use
# while idle. Service: 198.18.0.100:80/tcp, :9000/udp and :5201/tcp+udp, NAT to rs1 (198.19.0.11) only.
# Needs root. The labs (prefix lat-XXXXXX-N) are removed on exit, also on failure or Ctrl-C.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

count=200
rounds=5
loads=none,udp,wrk
idle_seconds=10
nft=0
throughput=10
entries=()
while (($# > 0)); do
    case "$1" in
        --count) count=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        --load) loads=$2; shift 2 ;;
        --seconds) idle_seconds=$2; shift 2 ;;
        --throughput) throughput=$2; shift 2 ;;
        --nft) nft=1; shift ;;
        -h | --help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *=*) entries+=("$1"); shift ;;
        *) echo "latency.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
((${#entries[@]} > 0 || nft == 1)) || entries=("new=$ROOT/artifacts/bin/lvsd")
((nft == 0)) || entries+=("nft=nft")
[[ $(id -u) -eq 0 ]] || { echo "latency.sh: must run as root" >&2; exit 1; }

VIP=198.18.0.100
KERNEL=198.18.0.1
RS=198.19.0.11
PY=/usr/bin/python3
[[ -x $PY ]] || PY=$(command -v python3)
BASE=lat-$(head -c3 /dev/urandom | od -An -tx1 | tr -d ' \n')
OUT=/tmp/$BASE-results
LVSADM=$ROOT/artifacts/bin/lvsadm
names=()
prefixes=()
pids=()

cleanup() {
    local i
    for i in "${!prefixes[@]}"; do
        stop_lvsd "$i"
        "$ROOT/scripts/lab.sh" down "${prefixes[$i]}" >/dev/null 2>&1 || true
    done
    rm -rf "$OUT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# in_ns INDEX NODE COMMAND...: runs COMMAND in node NODE of director INDEX's lab.
in_ns() { local p=${prefixes[$1]}; shift; local node=$1; shift; ip netns exec "$p-$node" "$@"; }

lvsadm() { in_ns "$1" dir "$LVSADM" --socket "/tmp/${prefixes[$1]}/lvsd.sock" "${@:2}"; }

stop_lvsd() {
    local pid=${pids[$1]:-}
    if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    pids[$1]=""
}

start_lvsd() {
    local i=$1 command p=${prefixes[$1]}
    read -ra command <<<"$2"
    [[ -x ${command[-1]} ]] || { echo "latency.sh: ${command[-1]} is not executable" >&2; exit 1; }
    # ip netns exec (and nice, chrt) exec the next program, so the pid is lvsd's own.
    ip netns exec "$p-dir" "${command[@]}" --interface eth0 --interface eth1 --socket "/tmp/$p/lvsd.sock" \
        </dev/null >>"/tmp/$p/lvsd.log" 2>&1 &
    pids[$i]=$!
    for _ in $(seq 100); do
        if lvsadm "$i" -L -n 2>/dev/null | grep -q '^IP Virtual Server'; then
            lvsadm "$i" -A -t $VIP:80 -s rr && lvsadm "$i" -a -t $VIP:80 -r $RS:80 -m
            lvsadm "$i" -A -u $VIP:9000 -s rr && lvsadm "$i" -a -u $VIP:9000 -r $RS:9000 -m
            lvsadm "$i" -A -t $VIP:5201 -s rr && lvsadm "$i" -a -t $VIP:5201 -r $RS:5201 -m
            lvsadm "$i" -A -u $VIP:5201 -s rr && lvsadm "$i" -a -u $VIP:5201 -r $RS:5201 -m
            if [[ ${names[$i]} == *@fifo ]]; then
                local task
                for task in /proc/"${pids[$i]}"/task/*; do
                    [[ $(cat "$task/comm") != lvsd-worker-0 ]] || chrt -f -p 1 "${task##*/}" >/dev/null
                done
            fi
            return
        fi
        kill -0 "${pids[$i]}" 2>/dev/null || break
        sleep 0.2
    done
    echo "latency.sh: lvsd ($2) did not come up; log:" >&2
    tail -n 20 "/tmp/$p/lvsd.log" >&2
    exit 1
}

start_nft() {
    local i=$1
    in_ns "$i" dir sysctl -qw net.ipv4.ip_forward=1
    in_ns "$i" dir ip addr add $VIP/32 dev eth0
    in_ns "$i" dir nft -f - <<EOF
table ip latency {
    chain prerouting {
        type nat hook prerouting priority dstnat;
        ip daddr $VIP tcp dport 80 dnat to $RS:80
        ip daddr $VIP udp dport 9000 dnat to $RS:9000
        ip daddr $VIP tcp dport 5201 dnat to $RS:5201
        ip daddr $VIP udp dport 5201 dnat to $RS:5201
    }
}
EOF
}

# p50/p99/max in µs of the numbers (ms) on stdin.
percentiles() {
    "$PY" -c '
import sys
v = sorted(float(x) * 1000 for x in sys.stdin.read().split())
if not v:
    print("no samples"); sys.exit()
pick = lambda q: v[min(len(v) - 1, int(q * len(v)))]
print(f"p50 {pick(0.50):7.0f}  p99 {pick(0.99):7.0f}  max {v[-1]:7.0f}  (n={len(v)})")'
}

# Probes: milliseconds per sample on stdout. $1 director index, $2 samples.
probe_ping_vip() { in_ns "$1" client ping -n -c "$2" -i 0.01 -W 1 $VIP | sed -n 's/.*time=\([0-9.]*\) ms.*/\1/p'; }
probe_ping_kernel() { in_ns "$1" client ping -n -c "$2" -i 0.01 -W 1 $KERNEL | sed -n 's/.*time=\([0-9.]*\) ms.*/\1/p'; }

# TCP connect() through the VIP, each a new connection closed with a reset (no TIME_WAIT piles up).
probe_connect() {
    in_ns "$1" client "$PY" - "$VIP" 80 "$2" <<'EOF'
import socket, struct, sys, time
host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for _ in range(n):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    t = time.perf_counter()
    s.connect((host, port))
    print((time.perf_counter() - t) * 1000)
    s.close()
    time.sleep(0.005)
EOF
}

# HTTP request/response on one keep-alive connection through the VIP.
probe_request() {
    in_ns "$1" client "$PY" - "$VIP" 80 "$2" <<'EOF'
import socket, sys, time
host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.create_connection((host, port), timeout=5)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
request = f"GET / HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
for _ in range(n):
    t = time.perf_counter()
    s.sendall(request)
    data = b""
    while not data.endswith(b"rs1\n"):
        chunk = s.recv(4096)
        if not chunk:
            sys.exit("connection closed")
        data += chunk
    print((time.perf_counter() - t) * 1000)
    time.sleep(0.005)
EOF
}

PROBES=(ping_vip ping_kernel connect request)
declare -A LABELS=([ping_vip]="ping VIP $VIP" [ping_kernel]="ping kernel $KERNEL" [connect]="TCP connect via VIP" [request]="HTTP keep-alive RTT via VIP")

load_pid=""
start_load() {
    case "$2" in
        none) load_pid="" ;;
        udp)
            # ~2,000 datagrams/s (two every millisecond), bounded to 120 s; echoes are read and dropped.
            # Simple commands, not in_ns: a backgrounded function would run in a subshell that ignores SIGINT.
            ip netns exec "${prefixes[$1]}-client" "$PY" - "$VIP" 9000 <<'EOF' &
import signal, socket, sys, time
signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setblocking(False)
end = time.monotonic() + 120
while time.monotonic() < end:
    s.sendto(b"load", (sys.argv[1], int(sys.argv[2])))
    s.sendto(b"load", (sys.argv[1], int(sys.argv[2])))
    try:
        while True:
            s.recv(2048)
    except BlockingIOError:
        pass
    time.sleep(0.001)
EOF
            load_pid=$! ;;
        wrk)
            ip netns exec "${prefixes[$1]}-client" wrk -t1 -c8 -d120s "http://$VIP/" >/dev/null 2>&1 &
            load_pid=$! ;;
        *) echo "latency.sh: unknown load $2" >&2; exit 2 ;;
    esac
    [[ -z $load_pid ]] || sleep 0.5
}

stop_load() {
    if [[ -n $load_pid ]]; then
        # ip netns exec execs the load itself, so the pid is the load's.
        kill -INT "$load_pid" 2>/dev/null || true
        wait "$load_pid" 2>/dev/null || true
    fi
    load_pid=""
}

measure() {
    local load round i probe per=$(((count + rounds - 1) / rounds))
    for load in ${loads//,/ }; do
        for ((round = 1; round <= rounds; round++)); do
            for i in "${!names[@]}"; do
                start_load "$i" "$load"
                for probe in "${PROBES[@]}"; do
                    "probe_$probe" "$i" "$per" >>"$OUT/$i-$load-$probe" || true
                done
                stop_load
            done
        done
        for i in "${!names[@]}"; do
            echo "  [${names[$i]}, load $load]"
            for probe in "${PROBES[@]}"; do
                printf '    %-30s %s\n' "${LABELS[$probe]}" "$(percentiles <"$OUT/$i-$load-$probe")"
            done
        done
        echo "  (load $load done at $(date -u +%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg))"
    done
}

throughput_run() {
    local i=$1 out
    out=$(in_ns "$i" client wrk -t1 -c8 -d"${throughput}s" --latency "http://$VIP/" 2>&1)
    printf '    %-30s %s\n' "wrk -t1 -c8 ${throughput} s" "$(echo "$out" | awk '/Requests\/sec/ {r=$2} / 50%/ {p50=$2} / 99%/ {p99=$2} END {print r " req/s, latency p50 " p50 " p99 " p99}')"
    out=$(in_ns "$i" client iperf3 -c $VIP -p 5201 -t "$throughput" -f m 2>&1 | awk '/receiver/ {print $7 " " $8}')
    printf '    %-30s %s\n' "iperf3 upload ${throughput} s" "$out"
    out=$(in_ns "$i" client iperf3 -c $VIP -p 5201 -t "$throughput" -f m -R 2>&1 | awk '/receiver/ {print $7 " " $8}')
    printf '    %-30s %s\n' "iperf3 download ${throughput} s" "$out"
    # Small datagrams as fast as one client sends them: frames per second through the director.
    out=$(in_ns "$i" client iperf3 -c $VIP -p 5201 -u -l 64 -b 0 -t "$throughput" 2>&1 |
        awk -v s="$throughput" '/receiver/ {split($(NF-2), a, "/"); printf "%.0f datagrams/s received of %.0f sent (%s lost)", (a[2] - a[1]) / s, a[2] / s, $(NF-1)}')
    printf '    %-30s %s\n' "iperf3 UDP 64 B ${throughput} s" "$out"
}

# CPU use (% of one core) of every lvsd over one idle window.
idle_cpu() {
    local i hz before=() after=()
    hz=$(getconf CLK_TCK)
    for i in "${!names[@]}"; do
        [[ -z ${pids[$i]:-} ]] || before[$i]=$(awk '{print $14 + $15}' "/proc/${pids[$i]}/stat")
    done
    sleep "$idle_seconds"
    for i in "${!names[@]}"; do
        [[ -n ${pids[$i]:-} ]] || continue
        after[$i]=$(awk '{print $14 + $15}' "/proc/${pids[$i]}/stat")
        printf '  %-32s %s\n' "${names[$i]} idle CPU over ${idle_seconds} s" \
            "$("$PY" -c "print(f'{(${after[$i]} - ${before[$i]}) * 100 / ($hz * $idle_seconds):.2f} %')")"
    done
}

mkdir -p "$OUT"
echo "latency.sh: $(date -u +%FT%TZ), $(nproc) CPUs, kernel $(uname -r), labs $BASE-N, $count samples per probe in $rounds rounds, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for entry in "${entries[@]}"; do
    i=${#names[@]}
    names+=("${entry%%=*}")
    prefixes+=("$BASE-$i")
    "$ROOT/scripts/lab.sh" up "${prefixes[$i]}" >/dev/null
    # lab.sh down kills every process in the lab's namespaces, this server included.
    in_ns "$i" rs1 iperf3 -s -D -p 5201
    if [[ ${entry#*=} == nft ]]; then
        start_nft "$i"
        echo "== ${names[$i]}: nftables DNAT (kernel forwarding), lab ${prefixes[$i]}"
    else
        start_lvsd "$i" "${entry#*=}"
        echo "== ${names[$i]}: lvsd ${entry#*=}, lab ${prefixes[$i]}"
    fi
    in_ns "$i" client ping -n -c 3 -i 0.2 -q $VIP >/dev/null || true
done
measure
idle_cpu
if ((throughput > 0)); then
    for i in "${!names[@]}"; do
        echo "  [${names[$i]} throughput, load average $(cut -d' ' -f1-3 /proc/loadavg)]"
        throughput_run "$i"
    done
fi
