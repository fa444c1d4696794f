#!/usr/bin/env bash
# Demo: a namespace lab, lvsd directing a VIP to three nginx real servers in NAT mode, driven by lvsadm.
#   scripts/demo.sh          run it and tear everything down (also on failure or Ctrl-C)
#   scripts/demo.sh --keep   leave the lab and lvsd running and print how to use and remove them
# Needs root. LVS_BIN_DIR=DIR uses lvsd/lvsadm from DIR instead of publishing into artifacts/bin.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

keep=0
case "${1:-}" in
    "") ;;
    --keep) keep=1 ;;
    -h | --help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "demo.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
esac
[[ $(id -u) -eq 0 ]] || { echo "demo.sh: must run as root (network namespaces)" >&2; exit 1; }

VIP=198.18.0.100
RS=(198.19.0.11 198.19.0.12 198.19.0.13)
UDP_PORT=9000

step() { printf '\n== %s\n' "$*"; }

step "dependencies"
scripts/deps.sh

bin=${LVS_BIN_DIR:-}
if [[ -z $bin ]]; then
    step "publish lvsd and lvsadm -> artifacts/bin"
    scripts/publish.sh
    bin=$ROOT/artifacts/bin
fi
bin=$(cd "$bin" && pwd)

PREFIX=lvsdemo-$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
LABDIR=/tmp/$PREFIX
SOCK=$LABDIR/lvsd.sock
LOG=$LABDIR/lvsd.log

cleanup() {
    local rc=$?
    # A second Ctrl-C (or the same one reaching our children) must not cut the teardown short.
    trap - EXIT
    trap "" INT TERM
    if ((keep)); then
        cat <<EOF

Lab $PREFIX is still running (lvsd log: $LOG).
  curl through the VIP:   scripts/lab.sh exec $PREFIX client curl http://$VIP/
  lvsadm on the director: scripts/lab.sh exec $PREFIX dir $bin/lvsadm --socket $SOCK -L -n
                          (or export LVSADM_SOCKET=$SOCK)
  a shell in a node:      scripts/lab.sh exec $PREFIX client bash   (nodes: client dir rs1 rs2 rs3 sw)
  tear it all down:       scripts/lab.sh down $PREFIX
EOF
    else
        step "teardown"
        scripts/lab.sh down "$PREFIX" || rc=1
        echo "lab $PREFIX removed"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'echo "demo.sh: interrupted" >&2; exit 130' INT TERM

step "lab up ($PREFIX)"
scripts/lab.sh up "$PREFIX"

lvsadm() { scripts/lab.sh exec "$PREFIX" dir "$bin/lvsadm" --socket "$SOCK" "$@"; }
say_lvsadm() {
    echo "lvsadm $*"
    lvsadm "$@"
}

step "start lvsd in $PREFIX-dir"
scripts/lab.sh exec "$PREFIX" dir setsid "$bin/lvsd" --interface eth0 --interface eth1 --socket "$SOCK" \
    </dev/null >"$LOG" 2>&1 &
lvsd_pid=$!
ready=0
for ((i = 0; i < 100; i++)); do # 100 x 0.2 s = 20 s at most
    if ! kill -0 "$lvsd_pid" 2>/dev/null; then
        echo "demo.sh: lvsd exited early; its log:" >&2
        cat "$LOG" >&2
        exit 1
    fi
    if lvsadm -L -n 2>/dev/null | grep -q "^IP Virtual Server"; then
        ready=1
        break
    fi
    sleep 0.2
done
((ready)) || { echo "demo.sh: lvsd not ready after 20 s; its log:" >&2; cat "$LOG" >&2; exit 1; }
echo "lvsd running (pid $lvsd_pid), control socket $SOCK"

step "configure: TCP $VIP:80 rr and UDP $VIP:$UDP_PORT rr, three real servers in NAT mode"
say_lvsadm -A -t "$VIP:80" -s rr
for rs in "${RS[@]}"; do say_lvsadm -a -t "$VIP:80" -r "$rs:80" -m -w 1; done
say_lvsadm -A -u "$VIP:$UDP_PORT" -s rr
for rs in "${RS[@]}"; do say_lvsadm -a -u "$VIP:$UDP_PORT" -r "$rs:$UDP_PORT" -m; done

step "9 HTTP requests from the client to http://$VIP/"
for i in $(seq 1 9); do
    if ! answer=$(scripts/lab.sh exec "$PREFIX" client curl -sS --connect-timeout 3 --max-time 5 "http://$VIP/"); then
        echo "demo.sh: request $i failed; lvsd log tail:" >&2
        tail -n 20 "$LOG" >&2
        exit 1
    fi
    echo "request $i -> $answer"
done

step "UDP echo through $VIP:$UDP_PORT"
py=python3
[[ -x /usr/bin/python3 ]] && py=/usr/bin/python3
scripts/lab.sh exec "$PREFIX" client "$py" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.sendto(b"hello from the client", (sys.argv[1], int(sys.argv[2])))
data, peer = s.recvfrom(2048)
print(f"answer from {peer[0]}:{peer[1]}: {data.decode()}")
' "$VIP" "$UDP_PORT" || { echo "demo.sh: UDP echo got no answer" >&2; exit 1; }

step "lvsadm -L -n"
lvsadm -L -n
