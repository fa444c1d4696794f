#!/usr/bin/env bash
# Installs what the lab, the demo and the tests need, only if something is missing; quiet on success.
#   scripts/deps.sh            system packages + dotnet restore
#   scripts/deps.sh --no-restore   system packages only
#   scripts/deps.sh --bench        what bench/run.sh needs (the common set, load generators, balancers), no restore
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

restore=1
bench=0
case "${1:-}" in
    --no-restore) restore=0 ;;
    --bench) restore=0 bench=1 ;;
esac

log=$(mktemp)
trap 'rm -f "$log"' EXIT
fail() {
    echo "deps.sh: $*" >&2
    cat "$log" >&2
    exit 1
}

# command -> Debian package providing it: what both the tests and the bench use, then each one's own.
declare -A PKG=(
    [ip]=iproute2
    [nginx]=nginx-light
    [curl]=curl
    [python3]=python3
    [ps]=procps
    [sysctl]=procps
    [ping]=iputils-ping
    [ethtool]=ethtool
    [setsid]=util-linux
)
if ((bench)); then
    PKG+=([taskset]=util-linux [ss]=iproute2 [wrk]=wrk [iperf3]=iperf3 [haproxy]=haproxy [nft]=nftables)
else
    PKG+=([socat]=socat [tcpdump]=tcpdump [tshark]=tshark [chromium]=chromium [keepalived]=keepalived [arping]=arping)
fi
missing=()
for c in "${!PKG[@]}"; do
    # /usr/bin/python3 specifically: a pyenv shim on PATH is not the distribution's interpreter.
    if [[ $c == python3 ]]; then
        [[ -x /usr/bin/python3 ]] && continue
    elif command -v "$c" >/dev/null 2>&1; then
        continue
    fi
    missing+=("${PKG[$c]}")
done

if ((${#missing[@]} > 0)); then
    [[ $(id -u) -eq 0 ]] || fail "missing packages ${missing[*]} and not root to install them"
    # shellcheck disable=SC2207
    missing=($(printf '%s\n' "${missing[@]}" | sort -u))
    export DEBIAN_FRONTEND=noninteractive
    # tshark asks whether non-root users may capture; answer once, non-interactively.
    echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections 2>/dev/null || true
    apt-get update -qq >"$log" 2>&1 || fail "apt-get update failed"
    if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
        # nginx-light is a transitional package on some releases; plain nginx serves the same purpose.
        if [[ " ${missing[*]} " == *" nginx-light "* ]]; then
            missing=("${missing[@]/nginx-light/nginx}")
            apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$log" 2>&1 \
                || fail "apt-get install ${missing[*]} failed"
        else
            fail "apt-get install ${missing[*]} failed"
        fi
    fi
fi

if ((restore)); then
    command -v dotnet >/dev/null 2>&1 || fail "dotnet SDK not found"
    dotnet restore LvsDirector.sln --nologo -v q >"$log" 2>&1 || fail "dotnet restore failed"
fi
