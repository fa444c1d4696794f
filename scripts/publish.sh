#!/usr/bin/env bash
# Publishes lvsd and lvsadm into artifacts/bin exactly as the README's contract says; quiet on success.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

out=artifacts/bin
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for p in src/lvsd/lvsd.csproj src/lvsadm/lvsadm.csproj src/lvsagent/lvsagent.csproj; do
    if ! dotnet publish "$p" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
        -o "$out" --nologo -v q -clp:ErrorsOnly >"$log" 2>&1; then
        echo "publish.sh: dotnet publish $p failed:" >&2
        cat "$log" >&2
        exit 1
    fi
done
[[ -x $out/lvsd && -x $out/lvsadm ]] || { echo "publish.sh: $out/lvsd or $out/lvsadm missing after publish" >&2; exit 1; }
