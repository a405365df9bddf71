#!/usr/bin/env bash
# Developer tool (not used by CI): run conf/cluster/cluster.sh and the test suite with the
# Slurm of another Debian release, in a chroot of that release on this host, beside any
# running cluster: trixie (Debian 13, Slurm 24.11), forky (Debian 14/testing, Slurm 26.05),
# or any release debootstrap can make.
#
#   slurm-chroot.sh RELEASE [run]   create the chroot if missing, bind-mount /proc /dev
#                            /dev/pts /sys, copy this tree to <chroot>/srv/restd, start the
#                            cluster there, run tests/test_cluster.py, stop it, check that
#                            no process is left in the chroot, unmount
#   slurm-chroot.sh RELEASE up      the same up to the tests, then leave cluster and mounts
#                            as they are (to look around: chroot <chroot> bash; `down` ends it)
#   slurm-chroot.sh RELEASE down    stop the chroot's cluster with its own script, unmount
#   slurm-chroot.sh RELEASE test [PYTEST ARGS]
#                            up, then in the chroot: `make venv` (restd built against the
#                            release's Slurm in <chroot>/srv/restd/.venv) and pytest with
#                            the cluster up (default: the whole suite); then down
#   slurm-chroot.sh RELEASE sh 'COMMAND'
#                            run a command in the chroot (mounted, tree copied), in /srv/restd
#
# Settings: SLURM_CHROOT_ROOT (default /var/lib/restd-RELEASE), SLURM_CHROOT_MIRROR (default
# http://deb.debian.org/debian), RESTD_CLUSTER_PORT_BASE (default per release, trixie 18810,
# forky 18850, others 18890: the ports must not clash with the host's cluster, 17810),
# SLURM_CHROOT_TREE (default /srv/restd: where the tree is copied in the chroot; another path
# keeps a second user of the same chroot, tests/reference/record_real_slurmrestd.py, apart),
# FRESH=1 to discard the chroot cluster's state first. A release newer than the host's
# debootstrap knows (forky on Debian 12) is made with debootstrap's sid script.
# The chroot shares the host's pid space and network: processes are stopped by cluster.sh
# (by the pids it recorded), never by name.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
RELEASE=${1:-}
case "$RELEASE" in
    ""|run|up|down|test|sh|-*) sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 1 ;;
esac
shift
case "$RELEASE" in
    trixie) default_port_base=18810 ;;
    forky) default_port_base=18850 ;;
    *) default_port_base=18890 ;;
esac
ROOT=${SLURM_CHROOT_ROOT:-/var/lib/restd-$RELEASE}
MIRROR=${SLURM_CHROOT_MIRROR:-http://deb.debian.org/debian}
PORT_BASE=${RESTD_CLUSTER_PORT_BASE:-$default_port_base}
# Below /srv, not /root: /root is 700 and jobs run as alice and bob.
TREE=${SLURM_CHROOT_TREE:-/srv/restd}
MOUNTS=(proc sys dev dev/pts)   # /run is deliberately not shared: munge's lives there

log() { printf '[%s] %s\n' "$RELEASE" "$*" >&2; }
die() { printf '[%s] error: %s\n' "$RELEASE" "$*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root"
case "$TREE" in /srv/?*) ;; *) die "SLURM_CHROOT_TREE must be below /srv (got $TREE)" ;; esac

in_chroot() { chroot "$ROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
    LANG=C.UTF-8 RESTD_CLUSTER_PORT_BASE="$PORT_BASE" ${CHROOT_PIP_CERT:+PIP_CERT=$CHROOT_PIP_CERT} \
    bash -c "$1"; }

# Processes whose root directory is the chroot: whatever runs inside it, found exactly.
chroot_pids() {
    local p r
    for p in /proc/[0-9]*; do
        r=$(readlink "$p/root" 2>/dev/null) || continue
        [ "$r" = "$ROOT" ] && printf '%s ' "${p#/proc/}"
    done
    return 0
}

create() {
    [ -x "$ROOT/usr/bin/apt-get" ] && return 0
    command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap
    local script=() logfile=/tmp/restd-$RELEASE-debootstrap.log
    # a release this debootstrap has no script for (forky on Debian 12) is made the way
    # testing and unstable are
    [ -e "/usr/share/debootstrap/scripts/$RELEASE" ] || script=(/usr/share/debootstrap/scripts/sid)
    log "debootstrap $RELEASE into $ROOT (a few minutes)"
    mkdir -p "$ROOT"
    debootstrap "$RELEASE" "$ROOT" "$MIRROR" "${script[@]}" > "$logfile" 2>&1 \
        || { tail -n 20 "$logfile" >&2; die "debootstrap failed"; }
}

mount_all() {
    local m
    for m in "${MOUNTS[@]}"; do
        mountpoint -q "$ROOT/$m" || mount --bind "/$m" "$ROOT/$m"
    done
    cp /etc/hosts /etc/resolv.conf "$ROOT/etc/"
}

umount_all() {
    local m i left=""
    for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
        m=${MOUNTS[$i]}
        mountpoint -q "$ROOT/$m" && { umount "$ROOT/$m" || left="$left $m"; }
    done
    [ -z "$left" ] || die "could not unmount:$left"
}

copy_tree() {
    mkdir -p "$ROOT$TREE"
    # The chroot's cluster state (.cluster) stays between runs, like the host's.
    # and so does its own build (restd/_libslurm*.so, compiled against the chroot's Slurm)
    rsync -a --delete --exclude .cluster --exclude .venv --exclude __pycache__ \
        --exclude .pytest_cache --exclude '/restd/_libslurm*' --exclude /build \
        --exclude '*.egg-info' "$repo/" "$ROOT$TREE/"
    # the shared material beside the checkout (reference document, samples: tests/shared_dir.py)
    if [ -d "$repo/../shared/reference" ]; then
        rsync -a --delete "$repo/../shared/" "$ROOT$(dirname "$TREE")/shared/"
    fi
    if [ "${FRESH:-0}" = 1 ]; then
        [ -z "$(chroot_pids)" ] || die "FRESH=1 while processes run in the chroot: run down first"
        rm -rf "$ROOT$TREE/.cluster"
    fi
}

up() { # chained with &&: set -e does not act inside a function called as `up || ...`
    create && mount_all && copy_tree &&
    in_chroot "python3 -c 'import pytest' 2>/dev/null || DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q python3-pytest >/dev/null" &&
    log "starting the cluster in the chroot (ports from $PORT_BASE)" &&
    in_chroot "bash $TREE/conf/cluster/cluster.sh start"
}

down() {
    local left
    if [ -x "$ROOT$TREE/conf/cluster/cluster.sh" ] && mountpoint -q "$ROOT/proc"; then
        in_chroot "bash $TREE/conf/cluster/cluster.sh stop"
    fi
    left=$(chroot_pids)
    [ -z "$left" ] || die "processes still run in the chroot (pids $left): not unmounting"
    umount_all
    log "no process left in $ROOT; unmounted"
}

# pip in the chroot trusts what pip trusts here (a site CA in PIP_CERT, if any)
pip_cert() {
    [ -n "${PIP_CERT:-}" ] && [ -f "$PIP_CERT" ] || return 0
    cp "$PIP_CERT" "$ROOT/root/host-pip-ca.crt"
    CHROOT_PIP_CERT=/root/host-pip-ca.crt
}

test_suite() {
    local rc=0 args=""
    [ $# = 0 ] || args=$(printf '%q ' "$@")
    up || rc=$?
    if [ $rc = 0 ]; then
        pip_cert
        log "make venv and pytest ${args:-(whole suite)} in the chroot"
        in_chroot "cd $TREE && bash conf/install-packages.sh make && make venv &&
            .venv/bin/python -m pytest -q -p no:cacheprovider \
            --timeout=600 $args" || rc=$?
    fi
    down
    [ $rc = 0 ] && log "passed" || log "FAILED (rc $rc)"
    return $rc
}

run() {
    local rc=0
    up || rc=$?
    if [ $rc = 0 ]; then
        log "tests/test_cluster.py in the chroot"
        in_chroot "cd $TREE && python3 -m pytest -q -p no:cacheprovider tests/test_cluster.py" \
            || rc=$?
    fi
    down
    [ $rc = 0 ] && log "passed" || log "FAILED (rc $rc)"
    return $rc
}

# a command in the chroot, mounts and tree in place (left mounted: `down` ends it)
shell() {
    create && mount_all && copy_tree && pip_cert && in_chroot "cd $TREE && $1"
}

case "${1:-run}" in
    run) run ;;
    up) up ;;
    down) down ;;
    test) shift; test_suite "$@" ;;
    sh) shell "${2:?sh needs a command}" ;;
    *) sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 1 ;;
esac
