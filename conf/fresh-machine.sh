#!/usr/bin/env bash
# fresh-machine.sh bookworm|trixie|forky: the README's quick start on a bare Debian.
#
# Debootstraps a bare chroot of the release, copies in the committed tree (git archive
# HEAD) at /srv/restd and ../shared beside it at /srv/shared, and runs there exactly the
# README's commands: its one prerequisite (make), `make test`, then `make run` in the
# background and a curl of ping with the token it prints for alice. It reports each
# result, stops everything it started by pid, and unmounts. Exit status 0 only when both
# commands worked.
#
# Settings (environment):
#   RESTD_CLUSTER_PORT_BASE  the chroot's cluster ports (default 24810); the chroot shares
#                            this host's network, so pick a base no other cluster uses
#   LISTEN                   where `make run` listens (default 127.0.0.1:PORT_BASE+29)
#   FRESH_DIR                chroots, logs and the debootstrap cache (/var/tmp/restd-fresh)
#   FRESH_MIRROR             Debian mirror (default: the one this host's apt uses)
#   KEEP=1                   keep the chroot afterwards (it is always unmounted)
#
# The debootstrap download is cached as a tarball (FRESH_DIR/RELEASE-debootstrap.tgz) to
# save time, but every run installs a new, bare chroot from it. The chroot shares this
# host's pid space, where other Slurm daemons run: processes are stopped by the pids this
# script and the chroot's cluster script recorded, and, for anything left, only those whose
# root directory is this chroot. Never by name.
set -euo pipefail

release=${1:-}
case "$release" in
    bookworm|trixie) script="" ;;
    # Debian 12's debootstrap has no forky script; sid's is the one that fits.
    forky) script=/usr/share/debootstrap/scripts/sid ;;
    *) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PORT_BASE=${RESTD_CLUSTER_PORT_BASE:-24810}
LISTEN=${LISTEN:-127.0.0.1:$((PORT_BASE + 29))}
BASE=${FRESH_DIR:-/var/tmp/restd-fresh}
ROOT=$BASE/$release
CACHE=$BASE/$release-debootstrap.tgz
LOGS=$BASE/logs/$release
TREE=/srv/restd            # below /srv, not /root: /root is 700 and jobs run as alice
# /run stays the chroot's own (munge's lives there). /sys is bound with what is mounted
# below it, as a booted machine sees it: slurmd 22.05 will not start without the cgroup
# hierarchies under /sys/fs/cgroup ("No filesystem mounted on /sys/fs/cgroup",
# "Unexpected fs type on /sys/fs/cgroup/systemd"). rslave: nothing done in the chroot's
# copy propagates back to the host.
MOUNTS=(proc sys dev dev/pts)

log() { printf '[fresh %s] %s\n' "$release" "$*" >&2; }
die() { log "error: $*"; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root"
case "$ROOT" in /work|/work/*) die "the chroot must not be under /work" ;; esac

host_mirror() {
    local uri
    uri=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null \
        | awk '/^URIs:/ {for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) {print $i; exit}}')
    [ -n "$uri" ] || uri=$(awk '$1 == "deb" && $0 !~ /security/ {for (i = 2; i <= NF; i++)
        if ($i ~ /^https?:.*\/debian\/?$/) {print $i; exit}}' /etc/apt/sources.list 2>/dev/null)
    echo "${uri:-http://deb.debian.org/debian}"
}
MIRROR=${FRESH_MIRROR:-$(host_mirror)}

# Processes whose root directory is the chroot: whatever runs inside it, found exactly.
chroot_pids() {
    local p r
    for p in /proc/[0-9]*; do
        r=$(readlink "$p/root" 2>/dev/null) || continue
        [ "$r" = "$ROOT" ] && printf '%s ' "${p#/proc/}"
    done
    return 0
}

mounted_below() { findmnt -rn -o TARGET | awk -v r="$ROOT/" 'index($0, r) == 1'; }

in_chroot() { # in_chroot COMMAND: a login-like clean environment, plus our settings
    chroot "$ROOT" env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        HOME=/root LANG=C.UTF-8 TERM=dumb RESTD_CLUSTER_PORT_BASE="$PORT_BASE" LISTEN="$LISTEN" \
        ${CHROOT_PIP_CERT:+PIP_CERT=$CHROOT_PIP_CERT} bash -c "$1"
}

create() {
    local args=(--variant=minbase)
    [ -z "$(mounted_below)" ] || die "something is still mounted below $ROOT: $(mounted_below | tr '\n' ' ')"
    [ -z "$(chroot_pids)" ] || die "processes still run in $ROOT (pids $(chroot_pids))"
    rm -rf --one-file-system "$ROOT"
    mkdir -p "$BASE" "$LOGS"
    command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null
    if [ ! -s "$CACHE" ]; then
        log "downloading $release's base system from $MIRROR into $CACHE"
        local scratch
        scratch=$(mktemp -d "$BASE/.download.XXXXXX")
        debootstrap "${args[@]}" --make-tarball="$CACHE.part" "$release" "$scratch" "$MIRROR" $script \
            > "$LOGS/debootstrap-download.log" 2>&1 \
            || { tail -n 20 "$LOGS/debootstrap-download.log" >&2; rm -rf "$scratch" "$CACHE.part"; die "debootstrap --make-tarball failed"; }
        rm -rf "$scratch"
        mv "$CACHE.part" "$CACHE"
    fi
    log "installing a bare $release into $ROOT (debootstrap from $CACHE)"
    debootstrap "${args[@]}" --unpack-tarball="$CACHE" "$release" "$ROOT" "$MIRROR" $script \
        > "$LOGS/debootstrap.log" 2>&1 \
        || { tail -n 20 "$LOGS/debootstrap.log" >&2; die "debootstrap failed"; }
}

mount_all() {
    local m
    for m in "${MOUNTS[@]}"; do
        mountpoint -q "$ROOT/$m" && continue
        if [ "$m" = sys ]; then
            mount --rbind /sys "$ROOT/sys" && mount --make-rslave "$ROOT/sys"
        else
            mount --bind "/$m" "$ROOT/$m"
        fi
    done
    cp /etc/hosts /etc/resolv.conf "$ROOT/etc/"
    # The mirror's quirks as this host's apt knows them (a mirror whose testing Release
    # files are past their Valid-Until: forky), like resolv.conf: the network's settings.
    apt-config dump | grep -E '^Acquire::Check-(Valid-Until|Date) ' \
        > "$ROOT/etc/apt/apt.conf.d/99host-mirror" || rm -f "$ROOT/etc/apt/apt.conf.d/99host-mirror"
    # pip in the chroot trusts what pip trusts here (a site CA in PIP_CERT, if any), as
    # apt does through resolv.conf: the network's settings, not the machine's packages.
    if [ -n "${PIP_CERT:-}" ] && [ -f "$PIP_CERT" ]; then
        cp "$PIP_CERT" "$ROOT/etc/host-pip-ca.crt"
        CHROOT_PIP_CERT=/etc/host-pip-ca.crt
    fi
}

copy_tree() {
    mkdir -p "$ROOT$TREE"
    git -C "$repo" archive --format=tar HEAD | tar -x -C "$ROOT$TREE"
    # the shared material beside the checkout (the tests find it there: tests/shared_dir.py)
    cp -a "$repo/../shared" "$ROOT$(dirname "$TREE")/shared"
    log "tree: $(git -C "$repo" log -1 --format='%h %s' HEAD | cut -c1-80)"
}

RUN_PGID=""
# stop_all: restd of `make run` (its process group, which we created), the chroot's
# cluster by its own script (its pid files), then anything still rooted in the chroot.
stop_all() {
    local left p i
    if [ -n "$RUN_PGID" ] && kill -0 -- "-$RUN_PGID" 2>/dev/null; then
        kill -INT -- "-$RUN_PGID" 2>/dev/null || true
        for i in $(seq 1 50); do kill -0 -- "-$RUN_PGID" 2>/dev/null || break; sleep 0.2; done
        kill -KILL -- "-$RUN_PGID" 2>/dev/null || true
    fi
    RUN_PGID=""
    if mountpoint -q "$ROOT/proc" && [ -f "$ROOT$TREE/conf/cluster/cluster.sh" ]; then
        in_chroot "cd $TREE && bash conf/cluster/cluster.sh stop" >> "$LOGS/stop.log" 2>&1 || true
    fi
    left=$(chroot_pids)
    if [ -n "$left" ]; then
        log "still running in the chroot, stopping by pid: $left"
        for p in $left; do kill -TERM "$p" 2>/dev/null || true; done
        for i in $(seq 1 50); do [ -z "$(chroot_pids)" ] && break; sleep 0.2; done
        for p in $(chroot_pids); do kill -KILL "$p" 2>/dev/null || true; done
        sleep 0.5
    fi
}

umount_all() {
    local i m
    for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
        m=${MOUNTS[$i]}
        if mountpoint -q "$ROOT/$m"; then umount -R "$ROOT/$m"; fi
    done
    [ -z "$(mounted_below)" ] || log "still mounted: $(mounted_below | tr '\n' ' ')"
}

# save_cluster_logs NAME: the chroot cluster's logs, kept beside ours (the chroot goes)
save_cluster_logs() {
    [ -d "$ROOT$TREE/.cluster/log" ] || return 0
    rm -rf "$LOGS/cluster-$1"
    cp -a "$ROOT$TREE/.cluster/log" "$LOGS/cluster-$1" || true
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    stop_all
    save_cluster_logs final
    [ -z "$(chroot_pids)" ] || log "processes left in the chroot: $(chroot_pids)"
    umount_all
    if [ "${KEEP:-0}" != 1 ] && [ -z "$(mounted_below)" ] && [ -z "$(chroot_pids)" ]; then
        rm -rf --one-file-system "$ROOT"
    fi
    exit $rc
}

# make_run: `make run` in the background, in a process group of its own; then a curl of
# ping inside the chroot with the token it printed for alice.
make_run() {
    local out=$LOGS/make-run.log token i answer
    : > "$out"
    setsid chroot "$ROOT" env -i \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
        TERM=dumb RESTD_CLUSTER_PORT_BASE="$PORT_BASE" LISTEN="$LISTEN" \
        ${CHROOT_PIP_CERT:+PIP_CERT=$CHROOT_PIP_CERT} \
        bash -c "cd $TREE && make run" > "$out" 2>&1 < /dev/null &
    RUN_PGID=$!
    for i in $(seq 1 900); do   # the cluster starts first: allow 3 minutes
        grep -q 'listening on' "$out" && break
        kill -0 "$RUN_PGID" 2>/dev/null || { tail -n 30 "$out" >&2; return 1; }
        sleep 0.2
    done
    grep -q 'listening on' "$out" || { tail -n 30 "$out" >&2; log "restd did not start"; return 1; }
    token=$(sed -n 's/^ *export SLURM_JWT=//p' "$out" | head -n1)
    [ -n "$token" ] || { log "make run printed no token"; return 1; }
    answer=$(in_chroot "curl -s -H 'X-SLURM-USER-TOKEN:$token' http://$LISTEN/slurm/v0.0.40/ping")
    printf '%s\n' "$answer" > "$LOGS/ping.json"
    printf '%s' "$answer" | in_chroot "python3 -c '
import json, sys
answer = json.load(sys.stdin)
assert not answer[\"errors\"], answer[\"errors\"]
assert answer[\"pings\"] and answer[\"pings\"][0][\"pinged\"] == \"UP\", answer[\"pings\"]
print(\"ping as alice: \" + \", \".join(p[\"hostname\"] + \" \" + p[\"pinged\"] for p in answer[\"pings\"]))
'" || { log "ping answered: $answer"; return 1; }
}

main() {
    local test_rc=0 run_rc=0 started summary
    started=$(date -u +'%Y-%m-%d %H:%M UTC')
    mkdir -p "$LOGS"
    rm -rf "$LOGS"/*.log "$LOGS"/cluster-*
    create
    trap cleanup EXIT
    trap 'exit 130' INT TERM
    mount_all
    copy_tree
    log "README prerequisite: apt-get update && apt-get install -y make"
    in_chroot "apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q make" \
        > "$LOGS/prerequisite.log" 2>&1 || { tail -n 20 "$LOGS/prerequisite.log" >&2; die "could not install make"; }
    log "make test (log: $LOGS/make-test.log)"
    in_chroot "cd $TREE && make test" > "$LOGS/make-test.log" 2>&1 || test_rc=$?
    summary=$(grep -E '^(=+ )?[0-9]+ (passed|failed|error)|^=+ .* in [0-9.]+s' "$LOGS/make-test.log" | tail -n1 || true)
    # no pytest summary: say which make step stopped it (the venv's build, the cluster...)
    [ -n "$summary" ] || summary=$(grep -E '^make: \*\*\*' "$LOGS/make-test.log" | tail -n1 || true)
    save_cluster_logs make-test
    log "make test: exit $test_rc${summary:+ ($summary)}"
    [ $test_rc = 0 ] || tail -n 40 "$LOGS/make-test.log" >&2
    log "make run in the background, LISTEN=$LISTEN (log: $LOGS/make-run.log)"
    make_run > "$LOGS/ping.log" 2>&1 || run_rc=1   # not in a pipe: RUN_PGID must stay set
    cat "$LOGS/ping.log" >&2
    grep -q '^ping as alice' "$LOGS/ping.log" || run_rc=1
    log "make run: $([ $run_rc = 0 ] && echo 'restd answered ping' || echo FAILED)"
    {
        echo "release: $release ($(cat "$ROOT/etc/debian_version")), started $started"
        echo "slurm: $(chroot "$ROOT" dpkg-query -W -f='${Version}' libslurm-dev 2>/dev/null || echo 'not installed')"
        echo "make test: exit $test_rc${summary:+ ($summary)}"
        echo "make run: $([ $run_rc = 0 ] && grep '^ping as alice' "$LOGS/ping.log" || echo FAILED)"
    } | tee "$BASE/$release.result" >&2
    [ $test_rc = 0 ] && [ $run_rc = 0 ]
}

main
