#!/usr/bin/env bash
# Developer tool (`make test-all-slurm`, not used by CI): the whole test suite on each
# Slurm restd supports, one after the other, and a table of their results:
#   host     this machine's Slurm (22.05 on Debian 12): `make test`
#   trixie   Slurm 24.11 in a Debian 13 chroot:   conf/cluster/slurm-chroot.sh trixie test
#   forky    Slurm 26.05 in a Debian 14 chroot:   conf/cluster/slurm-chroot.sh forky test
#
#   test-all-slurm.sh [TARGET...]     default: host trixie forky
#
# Each run's output goes to build/test-all-slurm/TARGET.log; the table (Slurm version,
# pytest's counts, exit status) to build/test-all-slurm/summary.md and standard output.
# Ports: RESTD_CLUSTER_PORT_BASE for the host's cluster; RESTD_TRIXIE_PORT_BASE and
# RESTD_FORKY_PORT_BASE for the chroots' (default: slurm-chroot.sh's, 18810 and 18850).
# Chroot roots: /var/lib/restd-RELEASE (created on first use: debootstrap, a few minutes).
# Exit status: 0 when every run passed.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=$repo/build/test-all-slurm
mkdir -p "$out"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(host trixie forky)

# the Slurm a target runs: slurmctld -V of the host or of the chroot
slurm_version() {
    local root=""
    [ "$1" = host ] || root=/var/lib/restd-$1
    if [ -z "$root" ]; then
        slurmctld -V 2>/dev/null
    elif [ -x "$root/usr/sbin/slurmctld" ]; then
        chroot "$root" /usr/sbin/slurmctld -V 2>/dev/null
    fi | awk '{print $2}'
}

# pytest's closing counts ("12 passed, 1 failed, 2 skipped") from a log: passed failed
# errors skipped
counts() {
    local line
    line=$(grep -E '^(=+ )?[0-9]+ (passed|failed|error|errors|skipped)' "$1" | tail -n 1)
    local what number
    for what in passed failed error skipped; do
        number=$(grep -oE "[0-9]+ $what" <<< "$line" | awk '{print $1}' | head -n 1)
        printf '%s ' "${number:-0}"   # never empty: `read` would shift the others
    done
}

run_target() {
    local target=$1 log=$out/$1.log
    case "$target" in
        host)
            (cd "$repo" && make test) ;;
        trixie)
            RESTD_CLUSTER_PORT_BASE=${RESTD_TRIXIE_PORT_BASE:-18810} \
                bash "$here/slurm-chroot.sh" trixie test ;;
        forky)
            RESTD_CLUSTER_PORT_BASE=${RESTD_FORKY_PORT_BASE:-18850} \
                bash "$here/slurm-chroot.sh" forky test ;;
        *)
            echo "unknown target $target (host, trixie, forky)" >&2; return 2 ;;
    esac > "$log" 2>&1
}

rows=()
failed=0
for target in "${targets[@]}"; do
    echo "[test-all-slurm] $target: running (log: $out/$target.log)" >&2
    start=$(date +%s)
    run_target "$target"
    rc=$?
    [ $rc = 0 ] || failed=1
    read -r passed failures errors skipped <<< "$(counts "$out/$target.log")"
    rows+=("| $target | $(slurm_version "$target") | ${passed:-0} | ${failures:-0} | ${errors:-0} | ${skipped:-0} | $rc | $(( $(date +%s) - start )) |")
    echo "[test-all-slurm] $target: exit $rc" >&2
done

{
    echo "Test suite on each Slurm, $(date -u '+%Y-%m-%d %H:%M UTC'), $(git -C "$repo" rev-parse --short HEAD):"
    echo
    echo "| target | Slurm | passed | failed | errors | skipped | exit | seconds |"
    echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    printf '%s\n' "${rows[@]}"
} | tee "$out/summary.md"
exit $failed
