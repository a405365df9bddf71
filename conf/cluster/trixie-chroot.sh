#!/usr/bin/env bash
# Kept for existing habits: `trixie-chroot.sh [run|up|down|test ...]` is
# `slurm-chroot.sh trixie ...` (Debian 13, Slurm 24.11). TRIXIE_ROOT and TRIXIE_MIRROR
# still choose the chroot's directory and mirror.
export SLURM_CHROOT_ROOT=${TRIXIE_ROOT:-${SLURM_CHROOT_ROOT:-/var/lib/restd-trixie}}
export SLURM_CHROOT_MIRROR=${TRIXIE_MIRROR:-${SLURM_CHROOT_MIRROR:-http://deb.debian.org/debian}}
exec bash "$(dirname "${BASH_SOURCE[0]}")/slurm-chroot.sh" trixie "$@"
