#!/usr/bin/env bash
# Network-namespace lab for LvsDirector: a client, a director and three real servers joined by bridges
# that live in their own namespace, so nothing is ever created in the root namespace.
#
#   scripts/lab.sh up PREFIX [--one-arm|--dr|--tun]  build the lab (namespaces PREFIX-client, -dir, -rs1..3, -sw[, -rt])
#   scripts/lab.sh down PREFIX              kill every process in the lab namespaces, delete them (idempotent)
#   scripts/lab.sh exec PREFIX NODE CMD...  run CMD inside PREFIX-NODE (NODE: client dir rs1 rs2 rs3 sw)
#   scripts/lab.sh list                     prefixes of labs that exist
#
# Two-arm (default):                         One-arm (--one-arm):
#   client 198.18.0.2/24  ─┐ br0               client 198.18.0.2/24 ──┐   (the client also has 198.18.0.3:
#                                                                           a second source for curl --interface)
#   dir eth0 198.18.0.1/24 ─┘                  dir eth0 198.18.0.1/24 ─┤ br0
#   dir eth1 198.19.0.1/24 ─┐ br1              rs1..3 198.18.0.11..13 ─┘ (/32, everything via 198.18.0.1)
#   rs1..3 198.19.0.11..13 ─┘ (default via 198.19.0.1)
#
# Direct routing (--dr): client, director eth0 and rs1..3 198.18.0.11..13/24 on br0; each real server
#   holds the VIP on lo with arp_ignore=1/arp_announce=2 (lvsagent setup --mode dr) and answers the client directly.
# Tunnelling (--tun): client and director eth0 on br0 (198.18.0.0/24), director eth1 198.19.0.1/24 with MTU 1400
#   on br1, a router PREFIX-rt (198.18.0.254 on br0, 198.19.0.254 on br1, 198.20.0.254 on br2) and rs1..3
#   198.20.0.11..13/24 on br2 (default via the router). The director reaches them through its kernel route
#   198.20.0.0/24 via 198.19.0.254. Each real server runs lvsagent setup --mode tun and lvsagent run (IPIP, and
#   GUE on udp/6080); replies go real server -> router -> client. The client has TSO/GSO off so its packets have
#   wire sizes (the PMTU test needs real 1500-byte DF packets, not aggregates); TunnelSuperFrameTests switches them
#   back on for its upload (the client's TSO is what puts super-frames on the director: veth GRO does not merge here).
#
# IPv6 (every mode, beside IPv4; addresses with nodad and accept_dad=0 so nothing waits for DAD):
#   br0 2001:db8::/64     client ::2 (and ::3), director eth0 ::1, VIP 2001:db8::100; one-arm/DR real servers ::11..13
#                         (one-arm: /128 with only the director on-link, default via 2001:db8::1); TUN router ::254
#   br1 2001:db8:1::/64   director eth1 2001:db8:1::1; two-arm real servers ::11..13 (default via 2001:db8:1::1);
#                         TUN router 2001:db8:1::254
#   br2 2001:db8:2::/64   TUN real servers 2001:db8:2::11..13 (default via ::254); the router forwards IPv6 and the
#                         director routes 2001:db8:2::/64 via 2001:db8:1::254. DR/TUN real servers hold the v6 VIP on lo
#                         as /128 (lvsagent setup); lvsagent run also decapsulates 6in6 (next header 41).
#   The switch namespace has IPv6 disabled, so its bridge ports send no ND/MLD of their own.
#
# The VIPs 198.18.0.100 and 2001:db8::100 are on no kernel interface: lvsd owns them. The director keeps ip_forward=0 and
# rp_filter off. Offloads (checksum, TSO/GSO, GRO) stay at the veth defaults on purpose: lvsd must
# cope with partial checksums and super-frames.
#
# Real server services (each answers with its own name), on IPv4 and IPv6:
#   TCP 80   nginx: GET / -> "rsN\n"; GET /big.bin -> 1 MiB file (same bytes on all, copy at /tmp/PREFIX/big.bin)
#   TCP 443  nginx, the same answers in plain HTTP (a second port for firewall-mark services)
#   UDP 9000 echo:  datagram P -> "rsN:P"
#   TCP 9001 echo:  byte-for-byte echo (socat + cat)
# Everything a lab writes lives under /tmp/PREFIX/.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NODES=(client dir rs1 rs2 rs3 sw rt)
GUE_PORT=6080
RS_NAMES=(rs1 rs2 rs3)
VIP=198.18.0.100
VIP6=2001:db8::100
UDP_PORT=9000
TCP_ECHO_PORT=9001

die() { echo "lab.sh: $*" >&2; exit 1; }

usage() {
    sed -n '2,6p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

check_prefix() {
    [[ "${1:-}" =~ ^[a-z0-9][a-z0-9-]{0,30}$ ]] || die "bad PREFIX '${1:-}' (lowercase letters, digits, '-', at most 31 chars)"
}

check_root() {
    [[ $(id -u) -eq 0 ]] || die "must run as root (network namespaces)"
}

check_prereqs() {
    local missing=() c
    for c in ip nginx socat curl python3 sysctl; do
        command -v "$c" >/dev/null 2>&1 || missing+=("$c")
    done
    ((${#missing[@]} == 0)) || die "missing commands: ${missing[*]} (run scripts/deps.sh)"
}

python_bin() {
    # The distribution's interpreter starts faster than a pyenv shim and is what deps.sh installs.
    if [[ -x /usr/bin/python3 ]]; then echo /usr/bin/python3; else command -v python3; fi
}

ns_exists() { ip netns list 2>/dev/null | awk '{print $1}' | grep -qx -- "$1"; }

nsx() {
    local node=$1
    shift
    ip netns exec "$PREFIX-$node" "$@"
}

# Starts a long-running service inside a namespace, fully detached from our stdio so that callers
# capturing our output (command substitution, test harnesses) never wait on it.
spawn() {
    local node=$1 log=$2
    shift 2
    # A simple command (not the nsx function) so bash execs it in the background child: no subshell
    # is left waiting outside the lab namespaces.
    ip netns exec "$PREFIX-$node" setsid "$@" </dev/null >>"$log" 2>&1 &
}

# A veth pair created directly across two lab namespaces: one end never exists in the root namespace.
wire() {
    local node=$1 ifname=$2 bridge=$3 swport=$4
    ip -n "$PREFIX-sw" link add "$swport" type veth peer name "$ifname" netns "$PREFIX-$node"
    ip -n "$PREFIX-sw" link set "$swport" master "$bridge" up
    ip -n "$PREFIX-$node" link set "$ifname" up
}

write_nginx_conf() {
    local name=$1 dir=$2
    mkdir -p "$dir/tmp" "$dir/www"
    cp "$LABDIR/big.bin" "$dir/www/big.bin"
    chmod 755 "$dir" "$dir/tmp" "$dir/www"
    chmod 644 "$dir/www/big.bin"
    cat >"$dir/nginx.conf" <<EOF
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 1024; }
http {
    access_log $dir/access.log;
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    default_type text/plain;
    keepalive_timeout 120s;
    keepalive_requests 100000;
    server {
        listen 80 default_server;
        listen 443 default_server;
        listen [::]:80 default_server ipv6only=on;
        listen [::]:443 default_server ipv6only=on;
        location = / { return 200 "$name\n"; }
        location = /big.bin { root $dir/www; }
    }
}
EOF
}

# Bounded check, from the director, that every real server answers on all three services, on IPv4
# (PREFIX_IP.11..13) and IPv6 (PREFIX6 11..13).
check_services() {
    local prefix_ip=$1 prefix6=$2 py
    py=$(python_bin)
    nsx dir "$py" - "$prefix_ip" "$prefix6" "$UDP_PORT" "$TCP_ECHO_PORT" <<'EOF'
import socket, sys, time, urllib.request
base, base6, udp_port, tcp_port = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
deadline = time.monotonic() + 10
targets = [(socket.AF_INET, f"{base}.{10 + i}", f"{base}.{10 + i}", f"rs{i}") for i in (1, 2, 3)]
targets += [(socket.AF_INET6, f"{base6}{10 + i}", f"[{base6}{10 + i}]", f"rs{i}") for i in (1, 2, 3)]
for family, ip, host, name in targets:
    while True:
        try:
            for web_port in (80, 443):
                body = urllib.request.urlopen(f"http://{host}:{web_port}/", timeout=2).read().decode()
                assert body == name + "\n", f"{ip}:{web_port} answered {body!r}"
            u = socket.socket(family, socket.SOCK_DGRAM)
            u.settimeout(1)
            u.sendto(b"probe", (ip, udp_port))
            data, peer = u.recvfrom(2048)
            assert data == f"{name}:probe".encode(), f"{ip}:{udp_port} answered {data!r}"
            t = socket.create_connection((ip, tcp_port), timeout=2)
            t.sendall(b"ping")
            assert t.recv(16) == b"ping", f"{ip}:{tcp_port} did not echo"
            t.close()
            break
        except (OSError, AssertionError) as e:
            if time.monotonic() > deadline:
                sys.exit(f"lab.sh: {name} ({ip}) not serving: {e}")
            time.sleep(0.1)
EOF
}

# An IPv6 address without duplicate address detection: usable at once, nothing in the lab waits for DAD.
addr6() {
    ip -n "$PREFIX-$1" -6 addr add "$2" dev "$3" nodad "${@:4}"
}

lvsagent_bin() {
    local bin=${LVSAGENT:-$SCRIPT_DIR/../artifacts/bin/lvsagent}
    [[ -x $bin ]] || die "lvsagent not found at $bin (scripts/publish.sh builds it; or set LVSAGENT)"
    echo "$bin"
}

lab_up() {
    local mode=$1 node i name rsip rsnet rsnet6 agent=""
    check_root
    check_prereqs
    if [[ $mode == dr || $mode == tun ]]; then agent=$(lvsagent_bin); fi
    local nodes=(client dir rs1 rs2 rs3 sw)
    [[ $mode == tun ]] && nodes+=(rt)
    for node in "${NODES[@]}"; do
        ! ns_exists "$PREFIX-$node" || die "lab '$PREFIX' already exists (scripts/lab.sh down $PREFIX)"
    done
    # Whatever fails from here on leaves nothing behind.
    trap 'rc=$?; if ((rc != 0)); then echo "lab.sh: up failed, tearing down $PREFIX" >&2; lab_down >/dev/null 2>&1 || true; fi' EXIT

    rm -rf "$LABDIR"
    mkdir -p "$LABDIR"
    chmod 755 "$LABDIR"
    head -c 1048576 /dev/urandom >"$LABDIR/big.bin"
    chmod 644 "$LABDIR/big.bin"
    echo "$mode" >"$LABDIR/mode"

    for node in "${nodes[@]}"; do
        ip netns add "$PREFIX-$node"
        ip -n "$PREFIX-$node" link set lo up
        if [[ $node == sw ]]; then
            # The switch is layer 2 only: its ports must not send router solicitations, MLD or DAD probes.
            nsx sw sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
        else
            # Set before any interface exists so every interface inherits it: no test waits for DAD.
            nsx "$node" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
        fi
    done

    ip -n "$PREFIX-sw" link add br0 type bridge stp_state 0 forward_delay 0
    ip -n "$PREFIX-sw" link set br0 up
    wire client eth0 br0 client
    wire dir eth0 br0 dir0
    ip -n "$PREFIX-client" addr add 198.18.0.2/24 dev eth0
    ip -n "$PREFIX-client" addr add 198.18.0.3/24 dev eth0
    ip -n "$PREFIX-dir" addr add 198.18.0.1/24 dev eth0
    addr6 client 2001:db8::2/64 eth0
    # Deprecated (preferred_lft 0) so the kernel picks ::2 as the source, as 198.18.0.2 is for IPv4; ::3 is there
    # for tests that bind to a second client address.
    addr6 client 2001:db8::3/64 eth0 preferred_lft 0
    addr6 dir 2001:db8::1/64 eth0

    # The director is a wire for VIP traffic: lvsd forwards in user space, the kernel must not.
    nsx dir sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0
    nsx dir sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 net.ipv4.conf.eth0.rp_filter=0

    case $mode in
        one-arm | dr)
            for name in "${RS_NAMES[@]}"; do
                wire "$name" eth0 br0 "$name"
            done
            for i in 1 2 3; do
                name=rs$i
                rsip=198.18.0.1$i
                if [[ $mode == dr ]]; then
                    # DR: the real server answers the (on-link) client itself, from the VIP on its lo.
                    ip -n "$PREFIX-$name" addr add "$rsip/24" dev eth0
                    addr6 "$name" "2001:db8::1$i/64" eth0
                    nsx "$name" "$agent" setup --vip "$VIP" --vip "$VIP6" --mode dr >>"$LABDIR/agent-setup.log" 2>&1 || die "lvsagent setup failed on $name"
                else
                    # /32 with only the director on-link: replies to the (same-subnet) client must go back
                    # through the director, or NAT cannot rewrite them.
                    ip -n "$PREFIX-$name" addr add "$rsip/32" dev eth0
                    ip -n "$PREFIX-$name" route add 198.18.0.1/32 dev eth0
                    ip -n "$PREFIX-$name" route add default via 198.18.0.1 dev eth0
                    addr6 "$name" "2001:db8::1$i/128" eth0
                    ip -n "$PREFIX-$name" -6 route add 2001:db8::1/128 dev eth0
                    ip -n "$PREFIX-$name" -6 route add default via 2001:db8::1 dev eth0
                fi
            done
            rsnet=198.18.0
            rsnet6=2001:db8::
            ;;
        two-arm)
            ip -n "$PREFIX-sw" link add br1 type bridge stp_state 0 forward_delay 0
            ip -n "$PREFIX-sw" link set br1 up
            wire dir eth1 br1 dir1
            for name in "${RS_NAMES[@]}"; do
                wire "$name" eth0 br1 "$name"
            done
            ip -n "$PREFIX-dir" addr add 198.19.0.1/24 dev eth1
            addr6 dir 2001:db8:1::1/64 eth1
            nsx dir sysctl -qw net.ipv4.conf.eth1.rp_filter=0
            for i in 1 2 3; do
                name=rs$i
                ip -n "$PREFIX-$name" addr add "198.19.0.1$i/24" dev eth0
                ip -n "$PREFIX-$name" route add default via 198.19.0.1 dev eth0
                addr6 "$name" "2001:db8:1::1$i/64" eth0
                ip -n "$PREFIX-$name" -6 route add default via 2001:db8:1::1 dev eth0
            done
            rsnet=198.19.0
            rsnet6=2001:db8:1::
            ;;
        tun)
            local br
            for br in br1 br2; do
                ip -n "$PREFIX-sw" link add "$br" type bridge stp_state 0 forward_delay 0
                ip -n "$PREFIX-sw" link set "$br" up
            done
            wire dir eth1 br1 dir1
            wire rt eth0 br0 rt0
            wire rt eth1 br1 rt1
            wire rt eth2 br2 rt2
            for name in "${RS_NAMES[@]}"; do
                wire "$name" eth0 br2 "$name"
            done
            # A smaller MTU towards the real servers: tunnelled packets must leave room for the outer header.
            ip -n "$PREFIX-dir" link set eth1 mtu 1400
            ip -n "$PREFIX-sw" link set dir1 mtu 1400
            ip -n "$PREFIX-dir" addr add 198.19.0.1/24 dev eth1
            ip -n "$PREFIX-dir" route add 198.20.0.0/24 via 198.19.0.254 dev eth1
            addr6 dir 2001:db8:1::1/64 eth1
            ip -n "$PREFIX-dir" -6 route add 2001:db8:2::/64 via 2001:db8:1::254 dev eth1
            nsx dir sysctl -qw net.ipv4.conf.eth1.rp_filter=0
            ip -n "$PREFIX-rt" addr add 198.18.0.254/24 dev eth0
            ip -n "$PREFIX-rt" addr add 198.19.0.254/24 dev eth1
            ip -n "$PREFIX-rt" addr add 198.20.0.254/24 dev eth2
            addr6 rt 2001:db8::254/64 eth0
            addr6 rt 2001:db8:1::254/64 eth1
            addr6 rt 2001:db8:2::254/64 eth2
            nsx rt sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
            nsx rt sysctl -qw net.ipv6.conf.all.forwarding=1
            nsx client ethtool -K eth0 tso off gso off >/dev/null 2>&1 || true
            for i in 1 2 3; do
                name=rs$i
                ip -n "$PREFIX-$name" addr add "198.20.0.1$i/24" dev eth0
                ip -n "$PREFIX-$name" route add default via 198.20.0.254 dev eth0
                addr6 "$name" "2001:db8:2::1$i/64" eth0
                ip -n "$PREFIX-$name" -6 route add default via 2001:db8:2::254 dev eth0
                nsx "$name" "$agent" setup --vip "$VIP" --vip "$VIP6" --mode tun >>"$LABDIR/agent-setup.log" 2>&1 || die "lvsagent setup failed on $name"
                spawn "$name" "$LABDIR/$name-agent.log" "$agent" run --vip "$VIP" --vip "$VIP6" --interface eth0 --gue-port "$GUE_PORT"
            done
            rsnet=198.20.0
            rsnet6=2001:db8:2::
            ;;
    esac

    local py
    py=$(python_bin)
    for name in "${RS_NAMES[@]}"; do
        local d="$LABDIR/$name"
        write_nginx_conf "$name" "$d"
        nsx "$name" nginx -q -e "$d/error.log" -p "$d" -c "$d/nginx.conf" </dev/null >>"$d/nginx.out" 2>&1 \
            || die "nginx failed on $name: $(tail -n 5 "$d/error.log" "$d/nginx.out" 2>/dev/null)"
        spawn "$name" "$d/udp-echo.log" "$py" "$SCRIPT_DIR/lab-udp-echo.py" "$name" "$UDP_PORT"
        spawn "$name" "$d/tcp-echo.log" socat "TCP4-LISTEN:$TCP_ECHO_PORT,fork,reuseaddr" EXEC:cat
        spawn "$name" "$d/tcp6-echo.log" socat "TCP6-LISTEN:$TCP_ECHO_PORT,fork,reuseaddr,ipv6only=1" EXEC:cat
    done

    check_services "$rsnet" "$rsnet6"
    trap - EXIT

    cat <<EOF
lab $PREFIX up ($mode): namespaces ${NODES[*]/#/$PREFIX-}
  client 198.18.0.2 (and .3)   director eth0 198.18.0.1$([[ $mode == two-arm || $mode == tun ]] && echo ", eth1 198.19.0.1")   VIP $VIP (not on any kernel interface)
  client 2001:db8::2 (and ::3) director eth0 2001:db8::1$([[ $mode == two-arm || $mode == tun ]] && echo ", eth1 2001:db8:1::1")   VIP $VIP6
  real servers $rsnet.11 $rsnet.12 $rsnet.13 and ${rsnet6}11 ${rsnet6}12 ${rsnet6}13: tcp/80 and tcp/443 nginx, udp/$UDP_PORT echo, tcp/$TCP_ECHO_PORT echo
  files under $LABDIR
EOF
}

lab_down() {
    local node ns pids=() p i
    for node in "${NODES[@]}"; do
        ns="$PREFIX-$node"
        if ns_exists "$ns"; then
            # shellcheck disable=SC2207
            pids+=($(ip netns pids "$ns" 2>/dev/null || true))
        fi
    done
    if ((${#pids[@]} > 0)); then
        kill -TERM "${pids[@]}" 2>/dev/null || true
        for ((i = 0; i < 30; i++)); do
            local alive=0
            for p in "${pids[@]}"; do
                if kill -0 "$p" 2>/dev/null; then alive=1; break; fi
            done
            ((alive)) || break
            sleep 0.1
        done
        kill -KILL "${pids[@]}" 2>/dev/null || true
    fi
    for node in "${NODES[@]}"; do
        ns="$PREFIX-$node"
        # Processes forked after the first sweep (nginx respawning a worker, socat children) go too.
        if ns_exists "$ns"; then
            # shellcheck disable=SC2046
            kill -KILL $(ip netns pids "$ns" 2>/dev/null || true) 2>/dev/null || true
            ip netns del "$ns" 2>/dev/null || true
        fi
    done
    rm -rf "$LABDIR"
    for node in "${NODES[@]}"; do
        ! ns_exists "$PREFIX-$node" || die "could not delete namespace $PREFIX-$node"
    done
}

cmd=${1:-}
case "$cmd" in
    up)
        PREFIX=${2:-}
        check_prefix "$PREFIX"
        LABDIR="/tmp/$PREFIX"
        mode=two-arm
        case "${3:-}" in
            "") ;;
            --one-arm) mode=one-arm ;;
            --dr) mode=dr ;;
            --tun) mode=tun ;;
            *) usage ;;
        esac
        (($# <= 3)) || usage
        lab_up "$mode"
        ;;
    down)
        (($# == 2)) || usage
        PREFIX=$2
        check_prefix "$PREFIX"
        LABDIR="/tmp/$PREFIX"
        check_root
        lab_down
        ;;
    exec)
        (($# >= 4)) || usage
        PREFIX=$2
        check_prefix "$PREFIX"
        node=$3
        [[ " ${NODES[*]} " == *" $node "* ]] || die "unknown node '$node' (one of: ${NODES[*]})"
        shift 3
        exec ip netns exec "$PREFIX-$node" "$@"
        ;;
    list)
        ip netns list 2>/dev/null | awk '{print $1}' | sed -n 's/-sw$//p' | sort -u
        ;;
    *)
        usage
        ;;
esac
