#!/usr/bin/env bash
# Builds everything and runs every test project (unit and end-to-end), then prints ONE closing line:
#   N passed, N failed[, N skipped]
# summed over the TRX files of all test assemblies. Exit code is non-zero when the build, the publish
# or any test failed. End-to-end tests need root (network namespaces).
#
#   scripts/test.sh [--filter EXPR] [--project NAME]...
#     --filter EXPR   passed to every `dotnet test --filter`
#     --project NAME  only this test project (directory name under tests/), repeatable
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

filter=""
only=()
while (($# > 0)); do
    case "$1" in
        --filter) filter=$2; shift 2 ;;
        --project) only+=("$2"); shift 2 ;;
        -h | --help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "test.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done

results=$ROOT/artifacts/test-results
rm -rf "$results"
mkdir -p "$results"
labs=$results/e2e-labs.txt
: >"$labs"
status=0

summary() {
    local py=python3
    [[ -x /usr/bin/python3 ]] && py=/usr/bin/python3
    "$py" "$ROOT/scripts/trx-summary.py" "$results"
}

finish() {
    # Labs an aborted test host could not tear down itself (the fixtures record every prefix they create).
    local p
    while read -r p; do
        [[ -n $p ]] && "$ROOT/scripts/lab.sh" down "$p" >/dev/null 2>&1
    done <"$labs"
    summary || status=1
    exit "$status"
}
trap 'status=130; finish' INT TERM

if ! scripts/deps.sh; then
    echo "test.sh: dependencies could not be installed" >&2
    status=1
    finish
fi

echo "== build (Release)"
if ! dotnet build LvsDirector.sln -c Release --nologo -v q -clp:ErrorsOnly >"$results/build.log" 2>&1; then
    grep -E 'error|Error' "$results/build.log" | sort -u | head -n 60 >&2
    echo "test.sh: build failed (full log: artifacts/test-results/build.log)" >&2
    status=1
    finish
fi

echo "== publish lvsd, lvsadm -> artifacts/bin"
if ! scripts/publish.sh; then
    # Unit tests still run; the end-to-end fixture reports the missing binaries itself.
    status=1
fi

projects=()
# Unit tests first: quick feedback before the slower end-to-end labs.
for csproj in $(ls tests/*/*.csproj | grep -v EndToEnd) $(ls tests/*/*.csproj | grep EndToEnd); do
    grep -q '<IsTestProject>true</IsTestProject>' "$csproj" || continue
    name=$(basename "$(dirname "$csproj")")
    if ((${#only[@]} > 0)) && [[ " ${only[*]} " != *" $name "* ]]; then continue; fi
    projects+=("$csproj")
done
((${#projects[@]} > 0)) || { echo "test.sh: no test project selected" >&2; status=1; finish; }

export LVSE2E_LAB_LIST=$labs
export LVSE2E_LOG_DIR=$results/e2e-logs
run_project() { # csproj trx-name [ENV=VALUE...]
    local csproj=$1 trx=$2
    shift 2
    local args=(test "$csproj" -c Release --no-build --nologo
        --logger "trx;LogFileName=$trx.trx" --results-directory "$results"
        --blame-hang-timeout 10m --blame-hang-dump-type none)
    [[ -n $filter ]] && args+=(--filter "$filter")
    if ! env "$@" dotnet "${args[@]}"; then
        status=1
    fi
}

for csproj in "${projects[@]}"; do
    name=$(basename "$csproj" .csproj)
    echo "== test $name"
    run_project "$csproj" "$name"
    if [[ $name == *EndToEnd ]]; then
        # The labs again with one packet worker: lvsd's default is one per CPU (fanout-steered), and both must hold.
        echo "== test $name (lvsd --workers 1)"
        run_project "$csproj" "$name.workers1" LVSE2E_WORKERS=1
    fi
done

finish
