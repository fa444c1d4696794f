#!/usr/bin/env bash
# Installs lvsd and lvsadm: binaries in /opt/lvsdirector/bin, symlinks in /usr/local/sbin, the systemd unit,
# the sample configuration (only if none exists) and the control socket group. Safe to run again.
#
#   scripts/install.sh [--group NAME] [--prefix DIR] [--from DIR] [--dry-run] [--uninstall]
#
#   --group NAME  control socket group to create if missing (default lvsadm); use the same name as
#                 socket.group in /etc/lvsd/lvsd.yaml and SupplementaryGroups= in lvsd.service
#   --prefix DIR  install below DIR instead of / (packaging, tests); the group and systemctl are skipped
#   --from DIR    install binaries already published there instead of running scripts/publish.sh
#   --dry-run     print what would be done, change nothing
#   --uninstall   remove binaries, symlinks and the unit; keeps /etc/lvsd and the group
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

group=lvsadm
prefix=
from=
dry_run=0
uninstall=0
usage() { sed -n '2,14s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }
while (($#)); do
    case $1 in
        --group) group=${2:?--group needs a name}; shift 2 ;;
        --prefix) prefix=${2:?--prefix needs a directory}; shift 2 ;;
        --from) from=${2:?--from needs a directory}; shift 2 ;;
        --dry-run) dry_run=1; shift ;;
        --uninstall) uninstall=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "install.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    esac
done
[[ $group =~ ^[a-z_][a-z0-9_-]*$ ]] || { echo "install.sh: invalid group name '$group'" >&2; exit 2; }
prefix=${prefix%/}
if [[ -n $prefix ]]; then prefix=$(mkdir -p "$prefix" && cd "$prefix" && pwd); fi

bindir=$prefix/opt/lvsdirector/bin
sbindir=$prefix/usr/local/sbin
unitdir=$prefix/etc/systemd/system
confdir=$prefix/etc/lvsd

# Every change goes through run so --dry-run shows exactly what a real run does.
run() {
    if ((dry_run)); then
        printf '+'; printf ' %q' "$@"; printf '\n'
    else
        "$@"
    fi
}

systemd_reload() {
    if [[ -z $prefix ]] && command -v systemctl >/dev/null && [[ -d /run/systemd/system ]]; then
        run systemctl daemon-reload
    fi
}

if ((uninstall)); then
    if [[ -z $prefix ]] && command -v systemctl >/dev/null && [[ -d /run/systemd/system ]] \
        && systemctl is-active --quiet lvsd.service; then
        run systemctl disable --now lvsd.service
    fi
    for link in "$sbindir/lvsd" "$sbindir/lvsadm"; do
        if [[ -L $link ]]; then run rm -f "$link"; fi
    done
    if [[ -e $unitdir/lvsd.service ]]; then run rm -f "$unitdir/lvsd.service"; fi
    if [[ -d $prefix/opt/lvsdirector ]]; then run rm -rf "$prefix/opt/lvsdirector"; fi
    systemd_reload
    echo "install.sh: uninstalled; kept $confdir and group $group"
    exit 0
fi

if [[ -z $from ]]; then
    if ((dry_run)); then
        echo "+ $repo/scripts/publish.sh"
    else
        "$repo/scripts/publish.sh"
    fi
    from=$repo/artifacts/bin
fi
if ((!dry_run)) && [[ ! -x $from/lvsd || ! -x $from/lvsadm ]]; then
    echo "install.sh: $from has no lvsd and lvsadm executables" >&2
    exit 1
fi

if [[ -z $prefix ]]; then
    if getent group "$group" >/dev/null; then
        echo "install.sh: group $group exists"
    else
        run groupadd --system "$group"
    fi
else
    echo "install.sh: --prefix given, not creating group $group"
fi

run mkdir -p "$bindir" "$sbindir" "$unitdir" "$confdir"
# Replace the whole binary set so files dropped by a newer version do not linger.
run rm -rf "$bindir.new"
run cp -a "$from/." "$bindir.new"
run rm -rf "$bindir"
run mv "$bindir.new" "$bindir"
for tool in lvsd lvsadm; do
    run ln -sfn "/opt/lvsdirector/bin/$tool" "$sbindir/$tool"
done
if [[ -d $repo/docs ]]; then
    run mkdir -p "$prefix/opt/lvsdirector/docs"
    run cp "$repo"/docs/*.md "$prefix/opt/lvsdirector/docs/"
fi

run install -m 0644 "$repo/samples/lvsd.service" "$unitdir/lvsd.service"
if [[ $group != lvsadm ]]; then
    run sed -i "s/^SupplementaryGroups=lvsadm\$/SupplementaryGroups=$group/" "$unitdir/lvsd.service"
fi
if [[ -e $confdir/lvsd.yaml ]]; then
    echo "install.sh: keeping existing $confdir/lvsd.yaml"
else
    run install -m 0644 "$repo/samples/lvsd.yaml" "$confdir/lvsd.yaml"
fi
systemd_reload
echo "install.sh: installed into ${prefix:-/}; set socket.group: $group in $confdir/lvsd.yaml, then: systemctl enable --now lvsd"
