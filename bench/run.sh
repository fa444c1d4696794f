#!/usr/bin/env bash
# Lab benchmark: the same loads through the kernel's own paths, HAProxy and lvsd, in namespaces it builds itself.
#
#   bench/run.sh [--rounds N] [--duration S] [--connections N] [--connects N] [--paths LIST] [--quick] [--no-build]
#
#   --rounds N       alternating rounds, medians over them (default 3)
#   --duration S     seconds of each wrk and iperf3 load (default 5)
#   --connections N  wrk connections in all, split over the 4 clients (default 48)
#   --connects N     TCP connects of the connect-time probe (default 2000)
#   --paths LIST     comma-separated rows to run, by letter or name (default a,b,c,d,e,f):
#                      a direct    director kernel routes to rs1 (ip_forward=1, no balancer)
#                      b nft       nftables DNAT numgen inc mod 3 (ip_forward=1)
#                      c haproxy   HAProxy mode tcp roundrobin on the director (TCP only)
#                      d lvsd-nat  lvsd NAT rr, all workers (both CPUs)
#                      e lvsd-dr   lvsd DR rr, all workers (both CPUs), own lab
#                      f lvsd-nat1 lvsd NAT rr, one worker pinned to CPU 1
#   --quick          smoke test: 1 round, 2 s loads, 300 connects, 50 pings
#   --no-build       use artifacts/bin as it is (default: scripts/publish.sh first)
#
# Needs root and at least 2 CPUs. Results (raw outputs, results.tsv, summary.json, summary.md) stay in
# /tmp/lvsb-results-*; everything else it creates (namespaces, processes, /tmp/lvsb-PID) is removed on exit,
# failure or Ctrl-C. docs/performance.md ("Lab benchmark") explains the topology and how to read the table.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
BENCH=$ROOT/bench

# ---------------------------------------------------------------------------------------------------- settings

ROUNDS=3
DURATION=5
CONNECTIONS=48
CONNECTS=2000
PINGS=200
BUILD=1
PATHS_ARG=a,b,c,d,e,f

VIP=198.18.0.100
DIR_ADDR=198.18.0.1          # director eth0 in both labs: the "director kernel address" pinged beside the VIP
CLIENTS=(c1 c2 c3 c4)        # 198.18.0.2..5: lvsd steers flows to workers by client address
RS_NAMES=(rs1 rs2 rs3)
HTTP_PORT=80
IPERF_BASE=5200              # client cK talks to port 5200+K (one iperf3 server per client on every real server)
METRICS_PORT=9103
CLIENT_CPU=0                 # wrk, iperf3 clients, ping, the connect probe
SERVER_CPU=1                 # nginx, iperf3 servers, haproxy, single-worker lvsd

declare -A PATH_NAME=([a]=direct [b]=nft [c]=haproxy [d]=lvsd-nat [e]=lvsd-dr [f]=lvsd-nat1)
PATH_ORDER=(a b c d e f)

PY=python3
[[ -x /usr/bin/python3 ]] && PY=/usr/bin/python3   # the distribution's interpreter, not a pyenv shim

usage() { sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { echo "bench: $*" >&2; exit 1; }
# A row that cannot start says why and is skipped; the run goes on with the others.
row_fail() { echo "   bench: $*" >&2; echo "$*" >"$ROW_DIR/failed.txt"; return 1; }
say() { printf '%s\n' "$*"; }
step() { printf '\n== %s\n' "$*"; }

parse_args() {
    while (($# > 0)); do
        case $1 in
            --rounds) ROUNDS=${2:?}; shift ;;
            --duration) DURATION=${2:?}; shift ;;
            --connections) CONNECTIONS=${2:?}; shift ;;
            --connects) CONNECTS=${2:?}; shift ;;
            --paths) PATHS_ARG=${2:?}; shift ;;
            --quick) ROUNDS=1; DURATION=2; CONNECTS=300; PINGS=50 ;;
            --no-build) BUILD=0 ;;
            -h | --help) usage; exit 0 ;;
            *) usage >&2; exit 2 ;;
        esac
        shift
    done
    local n
    for n in "$ROUNDS" "$DURATION" "$CONNECTIONS" "$CONNECTS"; do
        [[ $n =~ ^[1-9][0-9]*$ ]] || die "expected a positive integer, got '$n'"
    done
    ((CONNECTIONS >= ${#CLIENTS[@]})) || die "--connections must be at least ${#CLIENTS[@]} (one per client)"
    ((DURATION <= 60)) || die "--duration is at most 60 s (every load is bounded)"
    SELECTED=()
    local item key k
    IFS=, read -ra items <<<"$PATHS_ARG"
    for item in "${items[@]}"; do
        key=""
        for k in "${PATH_ORDER[@]}"; do
            [[ $item == "$k" || $item == "${PATH_NAME[$k]}" ]] && key=$k
        done
        [[ -n $key ]] || die "unknown path '$item' (a..f or ${PATH_NAME[*]})"
        [[ " ${SELECTED[*]} " == *" $key "* ]] || SELECTED+=("$key")
    done
    # Canonical order, whatever order they were given in.
    local sorted=()
    for k in "${PATH_ORDER[@]}"; do [[ " ${SELECTED[*]} " == *" $k "* ]] && sorted+=("$k"); done
    SELECTED=("${sorted[@]}")
}

# ---------------------------------------------------------------------------------------------------- cleanup

PREFIX=lvsb-$$
TMPD=/tmp/$PREFIX
CREATED_NS=()

# Kills every process in the namespaces this run made (all of them are ours: nothing else enters them), deletes
# the namespaces and the temp dir. Runs on every exit path; a second Ctrl-C must not cut it short.
cleanup() {
    local rc=$? ns pids i alive
    trap - EXIT
    trap '' INT TERM
    for ns in "${CREATED_NS[@]}"; do
        # shellcheck disable=SC2046
        kill -TERM $(ip netns pids "$ns" 2>/dev/null) 2>/dev/null || true
    done
    for ((i = 0; i < 30; i++)); do
        alive=0
        for ns in "${CREATED_NS[@]}"; do
            pids=$(ip netns pids "$ns" 2>/dev/null || true)
            [[ -n $pids ]] && alive=1
        done
        ((alive)) || break
        sleep 0.1
    done
    for ns in "${CREATED_NS[@]}"; do
        # shellcheck disable=SC2046
        kill -KILL $(ip netns pids "$ns" 2>/dev/null) 2>/dev/null || true
        ip netns del "$ns" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    rm -rf "$TMPD"
    for ns in "${CREATED_NS[@]}"; do
        if ip netns list | awk '{print $1}' | grep -qx -- "$ns"; then
            echo "bench: could not delete namespace $ns" >&2
            rc=1
        fi
    done
    ((${#CREATED_NS[@]} == 0)) || echo "bench: removed ${#CREATED_NS[@]} namespaces ($PREFIX-*) and $TMPD" >&2
    exit "$rc"
}

# Runs a command in the background and waits for it: bash runs a trap only between commands, so a load in the
# foreground would delay Ctrl-C until it ends; wait returns at once on a signal.
fg_wait() {
    "$@" &
    wait $!
}

# ---------------------------------------------------------------------------------------------------- the labs

# Namespace of NODE in LAB (n: two-arm NAT lab, d: direct-routing lab).
ns() { echo "$PREFIX-$1-$2"; }
nsx() {
    local lab=$1 node=$2
    shift 2
    ip netns exec "$(ns "$lab" "$node")" "$@"
}
# A long-running server in a namespace, detached from our stdio (so nothing waits on its pipes).
spawn() {
    local lab=$1 node=$2 log=$3
    shift 3
    ip netns exec "$(ns "$lab" "$node")" setsid "$@" </dev/null >>"$log" 2>&1 &
}

add_ns() {
    local name
    name=$(ns "$1" "$2")
    CREATED_NS+=("$name") # first: an interrupt right after the add must still find it
    ip netns add "$name"
    ip -n "$name" link set lo up
    # IPv4 only: no router solicitations, MLD or DAD traffic on the wires while measuring.
    nsx "$1" "$2" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
}

# A veth pair from the switch namespace's bridge port SWPORT to IFNAME in NODE. TSO, GSO and GRO are off on the
# node end so every frame on the wire has wire size on every path alike (lvsd would segment super-frames, the
# kernel would forward them whole: with offloads on, the rows would not carry the same frames).
wire() {
    local lab=$1 node=$2 ifname=$3 bridge=$4 swport=$5
    ip -n "$(ns "$lab" sw)" link add "$swport" type veth peer name "$ifname" netns "$(ns "$lab" "$node")"
    ip -n "$(ns "$lab" sw)" link set "$swport" master "$bridge" up
    ip -n "$(ns "$lab" "$node")" link set "$ifname" up
    nsx "$lab" "$node" ethtool -K "$ifname" tso off gso off gro off >/dev/null 2>&1 || true
}

# A tiny answer ("rsN\n"), keep-alive without a request limit, no access log; every file nginx may write (temp
# dirs, pid, log) under DIR, so nothing lands in the package's /var/lib/nginx.
write_nginx_conf() {
    local name=$1 dir=$2 t temps=""
    mkdir -p "$dir/tmp"
    chmod 755 "$dir" "$dir/tmp"
    for t in client_body proxy fastcgi uwsgi scgi; do temps+="    ${t}_temp_path $dir/tmp/$t;"$'\n'; done
    cat >"$dir/nginx.conf" <<EOF
worker_processes 1;
worker_rlimit_nofile 65536;
pid $dir/nginx.pid;
error_log $dir/error.log error;
events { worker_connections 16384; }
http {
    access_log off;
$temps    default_type text/plain;
    keepalive_timeout 120s;
    keepalive_requests 10000000;
    server {
        listen $HTTP_PORT default_server backlog=4096;
        location / { return 200 "$name\n"; }
    }
}
EOF
}

# Real server services, all pinned to SERVER_CPU: nginx (one worker) on 80 and one iperf3 server per client.
# In DR the iperf3 servers bind the VIP: iperf3 connect()s its UDP socket to the client, and unbound, the reply
# would leave from the server's own address, which the client's socket (connected to the VIP) does not accept.
start_real_servers() {
    local lab=$1 name d k bind=()
    [[ $lab == d ]] && bind=(-B "$VIP")
    for name in "${RS_NAMES[@]}"; do
        d=$TMPD/$lab-$name
        write_nginx_conf "$name" "$d"
        nsx "$lab" "$name" sysctl -qw net.core.somaxconn=4096 net.ipv4.tcp_max_syn_backlog=4096
        nsx "$lab" "$name" taskset -c "$SERVER_CPU" nginx -q -e "$d/error.log" -p "$d" -c "$d/nginx.conf" </dev/null \
            >>"$d/nginx.out" 2>&1 || die "nginx failed on $lab-$name: $(tail -n 5 "$d/error.log" "$d/nginx.out" 2>/dev/null)"
        for k in "${!CLIENTS[@]}"; do
            spawn "$lab" "$name" "$d/iperf3-$((IPERF_BASE + k + 1)).log" \
                taskset -c "$SERVER_CPU" iperf3 -s "${bind[@]}" -p "$((IPERF_BASE + k + 1))"
        done
    done
}

# Bounded wait (15 s a server at most) until every real server of LAB answers HTTP from the director with its
# name, and listens on its iperf3 ports.
check_real_servers() {
    local lab=$1 net=$2 i k body try
    for i in 1 2 3; do
        for ((try = 0; try < 75; try++)); do
            body=$(nsx "$lab" dir curl -s --max-time 0.5 "http://$net.1$i:$HTTP_PORT/" 2>/dev/null) && [[ $body == "rs$i" ]] && break
            sleep 0.1
        done
        [[ $body == "rs$i" ]] || die "rs$i of lab $lab ($net.1$i) does not serve HTTP (answered '$body')"
        for k in "${!CLIENTS[@]}"; do
            wait_listen "$lab" "rs$i" $((IPERF_BASE + k + 1)) || die "iperf3 not listening on $lab-rs$i port $((IPERF_BASE + k + 1))"
        done
    done
}

add_clients() {
    local lab=$1 k
    for k in "${!CLIENTS[@]}"; do
        add_ns "$lab" "${CLIENTS[$k]}"
        wire "$lab" "${CLIENTS[$k]}" eth0 br0 "${CLIENTS[$k]}"
        ip -n "$(ns "$lab" "${CLIENTS[$k]}")" addr add "198.18.0.$((k + 2))/24" dev eth0
        ip -n "$(ns "$lab" "${CLIENTS[$k]}")" route add default via "$DIR_ADDR"
        # Many short connections per run: the whole port range, and reuse of the client's own TIME_WAIT ports.
        nsx "$lab" "${CLIENTS[$k]}" sysctl -qw net.ipv4.ip_local_port_range="1024 65535" net.ipv4.tcp_tw_reuse=1
    done
}

# Two-arm NAT lab "n": clients and director eth0 on br0 (198.18.0.0/24), director eth1 and rs1..3 on br1
# (198.19.0.0/24, default via the director). Rows a, b, c, d, f.
build_nat_lab() {
    local node i
    for node in sw dir rs1 rs2 rs3; do add_ns n "$node"; done
    ip -n "$(ns n sw)" link add br0 type bridge stp_state 0 forward_delay 0
    ip -n "$(ns n sw)" link add br1 type bridge stp_state 0 forward_delay 0
    ip -n "$(ns n sw)" link set br0 up
    ip -n "$(ns n sw)" link set br1 up
    wire n dir eth0 br0 dir0
    wire n dir eth1 br1 dir1
    ip -n "$(ns n dir)" addr add "$DIR_ADDR/24" dev eth0
    ip -n "$(ns n dir)" addr add 198.19.0.1/24 dev eth1
    nsx n dir sysctl -qw net.ipv4.ip_forward=0 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
        net.ipv4.conf.eth0.rp_filter=0 net.ipv4.conf.eth1.rp_filter=0 net.ipv4.conf.all.send_redirects=0 \
        net.ipv4.ip_local_port_range="1024 65535"
    for i in 1 2 3; do
        wire n "rs$i" eth0 br1 "rs$i"
        ip -n "$(ns n "rs$i")" addr add "198.19.0.1$i/24" dev eth0
        ip -n "$(ns n "rs$i")" route add default via 198.19.0.1
    done
    add_clients n
    start_real_servers n
    check_real_servers n 198.19.0
}

# Direct-routing lab "d": clients, director eth0 and rs1..3 (198.18.0.11..13) on one bridge; each real server
# holds the VIP on lo with arp_ignore/arp_announce (lvsagent setup --mode dr) and answers the client directly.
build_dr_lab() {
    local node i
    for node in sw dir rs1 rs2 rs3; do add_ns d "$node"; done
    ip -n "$(ns d sw)" link add br0 type bridge stp_state 0 forward_delay 0
    ip -n "$(ns d sw)" link set br0 up
    wire d dir eth0 br0 dir0
    ip -n "$(ns d dir)" addr add "$DIR_ADDR/24" dev eth0
    nsx d dir sysctl -qw net.ipv4.ip_forward=0 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
        net.ipv4.conf.eth0.rp_filter=0
    for i in 1 2 3; do
        wire d "rs$i" eth0 br0 "rs$i"
        ip -n "$(ns d "rs$i")" addr add "198.18.0.1$i/24" dev eth0
        nsx d "rs$i" "$BIN/lvsagent" setup --vip "$VIP" --mode dr >>"$TMPD/lvsagent.log" 2>&1 \
            || die "lvsagent setup failed on rs$i: $(tail -n 5 "$TMPD/lvsagent.log")"
    done
    add_clients d
    start_real_servers d
    check_real_servers d 198.18.0
}

# ---------------------------------------------------------------------------------------------------- the paths

# Per-row state: the lab, the address loads go to, what runs the balancer (in words, and the CPUs for the table).
ROW_LAB="" ROW_TARGET="" ROW_PID="" ROW_SOCK="" ROW_PINNING="" ROW_CPUS=""

# The director kernel's part in a row: forwarding on or off, the VIP on eth0 or on no interface. Clients forget
# their ARP entries so the VIP is resolved again by whoever answers it in this row (the kernel or lvsd).
director_kernel() {
    local lab=$1 forward=$2 vip_on_kernel=$3 c
    nsx "$lab" dir sysctl -qw net.ipv4.ip_forward="$forward"
    ip -n "$(ns "$lab" dir)" addr del "$VIP/32" dev eth0 2>/dev/null || true
    if ((vip_on_kernel)); then ip -n "$(ns "$lab" dir)" addr add "$VIP/32" dev eth0; fi
    for c in "${CLIENTS[@]}"; do ip -n "$(ns "$lab" "$c")" neigh flush all 2>/dev/null || true; done
}

rs_addresses() { if [[ $1 == d ]]; then echo 198.18.0.11 198.18.0.12 198.18.0.13; else echo 198.19.0.11 198.19.0.12 198.19.0.13; fi; }

nft_rules() {
    local map="{ 0 : 198.19.0.11, 1 : 198.19.0.12, 2 : 198.19.0.13 }"
    # iperf3's TCP control connection and its UDP datagrams must reach the same server (rr would split them):
    # one rule for both protocols hashing the client address, with a fixed seed (nft picks a random one per rule).
    cat <<EOF
table ip lvsbench {
    chain prerouting {
        type nat hook prerouting priority dstnat; policy accept;
        ip daddr $VIP tcp dport $HTTP_PORT dnat to numgen inc mod 3 map $map
        ip daddr $VIP meta l4proto { tcp, udp } th dport $((IPERF_BASE + 1))-$((IPERF_BASE + ${#CLIENTS[@]})) dnat to jhash ip saddr mod 3 seed 0x0 map $map
    }
}
EOF
}

haproxy_conf() {
    cat <<EOF
global
    maxconn 8000
    nbthread 1
defaults
    mode tcp
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend bench
    bind $VIP:$HTTP_PORT
    default_backend rs
backend rs
    balance roundrobin
    server rs1 198.19.0.11:$HTTP_PORT
    server rs2 198.19.0.12:$HTTP_PORT
    server rs3 198.19.0.13:$HTTP_PORT
EOF
}

# lvsadm -R input: TCP 80 rr over the three servers; per client port, TCP and UDP with sh (same reason as nft).
lvsadm_rules() {
    local method=$1 rs p
    echo "-A -t $VIP:$HTTP_PORT -s rr"
    for rs in $(rs_addresses "$ROW_LAB"); do echo "-a -t $VIP:$HTTP_PORT -r $rs:$HTTP_PORT $method -w 1"; done
    for ((p = IPERF_BASE + 1; p <= IPERF_BASE + ${#CLIENTS[@]}; p++)); do
        echo "-A -t $VIP:$p -s sh"
        echo "-A -u $VIP:$p -s sh"
        for rs in $(rs_addresses "$ROW_LAB"); do
            echo "-a -t $VIP:$p -r $rs:$p $method -w 1"
            echo "-a -u $VIP:$p -r $rs:$p $method -w 1"
        done
    done
}

lvsadm() { nsx "$ROW_LAB" dir "$BIN/lvsadm" --socket "$ROW_SOCK" "$@"; }

# Starts lvsd in the row's director namespace (pinned when CPUS is given), waits until its control socket
# answers, loads the services with one lvsadm -R. The VIP is on no kernel interface and ip_forward is 0.
start_lvsd() {
    local key=$1 cpus=$2 method=$3
    shift 3
    local cfg=$TMPD/lvsd-$key.yaml log=$ROW_DIR/lvsd.log i
    ROW_SOCK=$TMPD/lvsd-$key.sock
    # A file because the metrics page (frame and drop counters) has no flag; it listens on the director's own kernel
    # address inside its namespace. A file must name the interfaces: eth0 (clients), eth1 (NAT real servers), the
    # same as --interface eth0 --interface eth1 would.
    {
        echo "interfaces:"
        echo "  - name: eth0"
        [[ $ROW_LAB == n ]] && echo "  - name: eth1"
        printf 'metrics:\n  listen: %s:%s\n  status_page: false\n' "$DIR_ADDR" "$METRICS_PORT"
    } >"$cfg"
    local cmd=("$BIN/lvsd" --config "$cfg" --socket "$ROW_SOCK" --log-level information "$@")
    [[ -n $cpus ]] && cmd=(taskset -c "$cpus" "${cmd[@]}")
    say "   ${cmd[*]//"$BIN"\//}   ($(grep -c name: "$cfg") interfaces, metrics on $DIR_ADDR:$METRICS_PORT)"
    # exec chain ip -> taskset -> lvsd keeps one pid: $! is lvsd's own.
    ip netns exec "$(ns "$ROW_LAB" dir)" "${cmd[@]}" </dev/null >>"$log" 2>&1 &
    ROW_PID=$!
    for ((i = 0; i < 100; i++)); do # 100 x 0.2 s = 20 s at most
        kill -0 "$ROW_PID" 2>/dev/null || row_fail "lvsd exited at start; log: $(tail -n 20 "$log")" || return 1
        if lvsadm -L -n 2>/dev/null | grep -q '^IP Virtual Server'; then
            lvsadm_rules "$method" | lvsadm -R || row_fail "lvsadm -R failed" || return 1
            # The director kernel's interface counters from here on, against lvsd's frames received: what the
            # interfaces got and lvsd did not is lost in its capture rings, which lvsd also counts itself (lvsd_worker_ring_drops_total).
            nsx "$ROW_LAB" dir ip -s -j link show >"$ROW_DIR/dir-links-before.json" 2>/dev/null || true
            # lvsd's runtime counters once it is ready, so the row's collections and allocation exclude start-up.
            nsx "$ROW_LAB" dir curl -sS --max-time 3 "http://$DIR_ADDR:$METRICS_PORT/metrics" >"$ROW_DIR/lvsd-metrics-before.txt" 2>&1 || true
            return 0
        fi
        sleep 0.2
    done
    row_fail "lvsd not ready after 20 s; log: $(tail -n 20 "$log")"
}

stop_pid() {
    local pid=$1 i
    [[ -n $pid ]] || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# lvsd's own view after a row: per-service/server stats and the data path's frame and drop counters, so a loss
# in the table shows where it happened.
lvsd_counters() {
    lvsadm -L -n --stats >"$ROW_DIR/lvsadm-stats.txt" 2>&1 || true
    nsx "$ROW_LAB" dir curl -sS --max-time 3 "http://$DIR_ADDR:$METRICS_PORT/metrics" >"$ROW_DIR/lvsd-metrics.txt" 2>&1 || true
    nsx "$ROW_LAB" dir ip -s -j link show >"$ROW_DIR/dir-links-after.json" 2>/dev/null || true
    "$PY" "$BENCH/report.py" counters "$ROW_DIR" | sed 's/^/   /'
}

# Brings a row up: sets ROW_LAB, ROW_TARGET (what loads connect to) and ROW_PINNING, starts its balancer.
path_up() {
    local key=$1
    local all_cpus="CPUs 0-$(($(nproc) - 1))"
    ROW_PID="" ROW_SOCK="" ROW_CPUS="CPU $SERVER_CPU"
    ROW_LAB=n ROW_TARGET=$VIP
    case $key in
        a)
            ROW_TARGET=198.19.0.11
            director_kernel n 1 0
            ROW_PINNING="no balancer: director kernel forwarding (softirq on the CPU that delivers the frame)"
            ROW_CPUS="kernel routing to rs1"
            ;;
        b)
            director_kernel n 1 1
            nft_rules | nsx n dir nft -f - || row_fail "nft rules failed" || return 1
            ROW_PINNING="nftables in the director kernel (softirq on the CPU that delivers the frame)"
            ROW_CPUS="kernel (softirq)"
            ;;
        c)
            director_kernel n 0 1
            haproxy_conf >"$TMPD/haproxy.cfg"
            ip netns exec "$(ns n dir)" taskset -c "$SERVER_CPU" haproxy -db -f "$TMPD/haproxy.cfg" \
                </dev/null >>"$ROW_DIR/haproxy.log" 2>&1 &
            ROW_PID=$!
            wait_listen n dir "$HTTP_PORT" || row_fail "haproxy not listening; log: $(tail -n 5 "$ROW_DIR/haproxy.log")" || return 1
            ROW_PINNING="haproxy (nbthread 1) on CPU $SERVER_CPU"
            ;;
        d | f)
            director_kernel n 0 0
            if [[ $key == d ]]; then
                ROW_CPUS=$all_cpus
                start_lvsd "$key" "" -m "${WORKERS_ALL[@]}" || return 1
                ROW_PINNING="lvsd on $all_cpus (all workers${WORKERS_ALL[*]:+: ${WORKERS_ALL[*]}}), unpinned"
            else
                start_lvsd "$key" "$SERVER_CPU" -m "${WORKERS_ONE[@]}" || return 1
                ROW_PINNING="lvsd on CPU $SERVER_CPU${WORKERS_ONE[*]:+ (${WORKERS_ONE[*]})}"
            fi
            ;;
        e)
            ROW_LAB=d
            director_kernel d 0 0
            ROW_CPUS=$all_cpus
            start_lvsd "$key" "" -g "${WORKERS_ALL[@]}" || return 1
            ROW_PINNING="lvsd on $all_cpus (all workers${WORKERS_ALL[*]:+: ${WORKERS_ALL[*]}}), unpinned"
            ;;
    esac
}

path_down() {
    local key=$1
    if [[ $key == [def] ]] && kill -0 "$ROW_PID" 2>/dev/null; then lvsd_counters; fi
    stop_pid "$ROW_PID"
    ROW_PID=""
    [[ $key == b ]] && { nsx n dir nft delete table ip lvsbench 2>/dev/null || true; }
    director_kernel "$ROW_LAB" 0 0
}

wait_listen() {
    local lab=$1 node=$2 port=$3 i
    for ((i = 0; i < 50; i++)); do
        [[ -n $(nsx "$lab" "$node" ss -ltnH "sport = :$port" 2>/dev/null) ]] && return 0
        sleep 0.1
    done
    return 1
}

# ---------------------------------------------------------------------------------------------------- the loads

on_client() {
    local k=$1
    shift
    nsx "$ROW_LAB" "${CLIENTS[$k]}" taskset -c "$CLIENT_CPU" "$@"
}

# Six requests from c1: the path works, and which servers answer (rr shows all three).
sanity() {
    local answers="" i a
    for ((i = 0; i < 6; i++)); do
        a=$(on_client 0 curl -sS --connect-timeout 2 --max-time 3 "http://$ROW_TARGET:$HTTP_PORT/" 2>/dev/null) || a=FAIL
        answers+="${a:-EMPTY} "
    done
    say "   sanity (6 GETs from c1): $answers"
    [[ $answers != *FAIL* ]]
}

# One wrk per client namespace, all at once, the connections split evenly; NAME is ka or close.
wrk_load() {
    local name=$1 k n
    shift
    local pids=()
    for k in "${!CLIENTS[@]}"; do
        n=$((CONNECTIONS / ${#CLIENTS[@]} + (k < CONNECTIONS % ${#CLIENTS[@]} ? 1 : 0)))
        on_client "$k" timeout -k 2 $((DURATION + 15)) wrk -t1 -c"$n" -d"${DURATION}s" --timeout 2s --latency \
            -s "$BENCH/wrk-report.lua" "$@" "http://$ROW_TARGET:$HTTP_PORT/" >"$ROW_DIR/wrk-$name-${CLIENTS[$k]}.txt" 2>&1 &
        pids+=($!)
    done
    wait "${pids[@]}" || true
}

# One iperf3 UDP stream of 64-byte datagrams per client, unlimited rate, each to its own server port. iperf3 3.12
# sends its UDP "connect" datagram once: when a lossy path drops it (or the reply) the client waits forever, so the
# bound is short and the summary counts such streams as failed instead of hiding them.
udp_load() {
    local k pids=()
    for k in "${!CLIENTS[@]}"; do
        on_client "$k" timeout -k 2 $((DURATION + 6)) iperf3 -c "$ROW_TARGET" -p $((IPERF_BASE + k + 1)) -u -l 64 -b 0 \
            -t "$DURATION" -J >"$ROW_DIR/iperf3-${CLIENTS[$k]}.json" 2>&1 &
        pids+=($!)
    done
    wait "${pids[@]}" || true
}

latency_probes() {
    fg_wait on_client 0 timeout -k 2 $((CONNECTS / 100 + 30)) "$PY" "$BENCH/connect_times.py" "$ROW_TARGET" "$HTTP_PORT" \
        "$CONNECTS" "$ROW_DIR/connect.txt" $((CONNECTS / 100 + 20)) || true
    fg_wait on_client 0 timeout -k 2 30 ping -n -c "$PINGS" -i 0.005 -W 1 -w 20 "$ROW_TARGET" >"$ROW_DIR/ping-target.txt" 2>&1 || true
    fg_wait on_client 0 timeout -k 2 30 ping -n -c "$PINGS" -i 0.005 -W 1 -w 20 "$DIR_ADDR" >"$ROW_DIR/ping-dir.txt" 2>&1 || true
}

run_row() {
    local round=$1 key=$2
    ROW_DIR=$RESULTS/round-$round/$key-${PATH_NAME[$key]}
    mkdir -p "$ROW_DIR"
    step "round $round/$ROUNDS: ($key) ${PATH_NAME[$key]}"
    local up=0
    path_up "$key" && up=1
    printf '%s\n%s\n' "${PATH_NAME[$key]}" "$ROW_CPUS" >"$ROW_DIR/row.txt" # name and CPUs for the summary
    if ((!up)); then
        say "   row not started: no loads in this row"
    elif say "   target $ROW_TARGET; balancer: $ROW_PINNING; clients on CPU $CLIENT_CPU; servers on CPU $SERVER_CPU" \
        && echo "$ROW_PINNING" >"$ROW_DIR/pinning.txt" && sanity; then
        fg_wait wrk_load ka
        fg_wait wrk_load close -H "Connection: close"
        if [[ $key == c ]]; then
            echo "HAProxy mode tcp proxies no UDP" >"$ROW_DIR/udp-skipped.txt"
        else
            fg_wait udp_load
        fi
        fg_wait latency_probes
    else
        echo "sanity check failed" >"$ROW_DIR/failed.txt"
        say "   sanity check failed: no loads in this row"
        if [[ -f $ROW_DIR/lvsd.log ]]; then tail -n 10 "$ROW_DIR/lvsd.log" | sed 's/^/   lvsd.log: /'; fi
    fi
    path_down "$key"
    "$PY" "$BENCH/report.py" row "$ROW_DIR" | sed 's/^/   /'
}

# ---------------------------------------------------------------------------------------------------- main

ensure_tools() {
    "$ROOT/scripts/deps.sh" --bench || die "installing the bench tools failed"
    if ((BUILD)); then
        step "publish lvsd, lvsadm, lvsagent -> artifacts/bin (--no-build skips)"
        "$ROOT/scripts/publish.sh"
    fi
    BIN=${LVS_BIN_DIR:-$ROOT/artifacts/bin}
    [[ -x $BIN/lvsd && -x $BIN/lvsadm && -x $BIN/lvsagent ]] || die "lvsd/lvsadm/lvsagent missing in $BIN (drop --no-build)"
}

# lvsd grows --workers N: with it, row d passes one worker per CPU and row f one worker; without it both rows run
# the same lvsd command and differ only in pinning (say so, loudly).
probe_workers() {
    WORKERS_ALL=() WORKERS_ONE=()
    if "$BIN/lvsd" --help 2>&1 | grep -q -- '--workers'; then
        WORKERS_ALL=(--workers "$(nproc)")
        WORKERS_ONE=(--workers 1)
        say "lvsd has --workers: rows d/e use --workers $(nproc) (both CPUs), row f --workers 1 on CPU $SERVER_CPU"
    else
        say "NOTE: lvsd --help lists no --workers: rows d and f run the same lvsd command (its one packet worker);"
        say "      d may use both CPUs, f is pinned to CPU $SERVER_CPU."
    fi
}

main() {
    parse_args "$@"
    [[ $(id -u) -eq 0 ]] || die "must run as root (network namespaces)"
    (($(nproc) >= 2)) || die "needs at least 2 CPUs (clients on CPU $CLIENT_CPU, servers on CPU $SERVER_CPU)"
    trap cleanup EXIT
    trap 'echo "bench: interrupted" >&2; exit 130' INT TERM

    RESULTS=/tmp/lvsb-results-$(date -u +%Y%m%dT%H%M%SZ)-$$
    mkdir -p "$RESULTS" "$TMPD"
    chmod 755 "$TMPD"
    ensure_tools
    probe_workers
    {
        echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
        echo "commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo +dirty)"
        echo "nproc=$(nproc)"
        echo "load_before=$(cut -d' ' -f1-3 /proc/loadavg)"
        printf 'rounds=%s\nduration=%s\nconnections=%s\nconnects=%s\npings=%s\n' "$ROUNDS" "$DURATION" "$CONNECTIONS" "$CONNECTS" "$PINGS"
        echo "paths=${SELECTED[*]}"
        echo "workers_flag=$([[ ${#WORKERS_ALL[@]} -gt 0 ]] && echo yes || echo no)"
    } >"$RESULTS/run.txt"

    step "labs ($PREFIX-*)"
    if [[ " ${SELECTED[*]} " == *[abcdf]* ]]; then build_nat_lab; say "NAT lab up: clients 198.18.0.2-5, director 198.18.0.1 / 198.19.0.1, rs 198.19.0.11-13"; fi
    if [[ " ${SELECTED[*]} " == *" e "* ]]; then build_dr_lab; say "DR lab up: clients 198.18.0.2-5, director 198.18.0.1, rs 198.18.0.11-13 (VIP on lo)"; fi
    say "pinning: wrk, iperf3 clients, ping, connect probe -> CPU $CLIENT_CPU; nginx, iperf3 servers, haproxy,"
    say "         single-worker lvsd -> CPU $SERVER_CPU; all-worker lvsd rows (d, e) -> every CPU"
    say "load: ${#CLIENTS[@]} client namespaces, $CONNECTIONS wrk connections split among them, one iperf3 stream each"

    local round order key
    for ((round = 1; round <= ROUNDS; round++)); do
        # Alternate the order (forward, then backward) so a drift in the machine's load hits every row alike.
        order=("${SELECTED[@]}")
        if ((round % 2 == 0)); then
            order=()
            for ((key = ${#SELECTED[@]} - 1; key >= 0; key--)); do order+=("${SELECTED[$key]}"); done
        fi
        for key in "${order[@]}"; do run_row "$round" "$key"; done
    done

    printf 'load_after=%s\nelapsed_s=%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)" "$SECONDS" >>"$RESULTS/run.txt"
    step "summary (medians over $ROUNDS round(s); raw data and TSV/JSON in $RESULTS)"
    "$PY" "$BENCH/report.py" summary "$RESULTS"
}

main "$@"
