#!/usr/bin/env bash
# install-packages.sh @LIST|PACKAGE...: install the Debian packages that are missing, and
# only those. @LIST names a list of this project, conf/packages/LIST.txt (one package a
# line, `#` comments); a bare word is a package. `apt-get update` runs when the package
# lists have never been fetched, and once more when an install fails on stale lists.
# Package scripts are kept from starting system-wide daemons (policy-rc.d style), since
# the project runs its own munge, MariaDB and Slurm under .cluster/.
set -euo pipefail
lists=$(cd "$(dirname "${BASH_SOURCE[0]}")/packages" && pwd)
wanted=()
for arg in "$@"; do
    if [ "${arg#@}" != "$arg" ]; then
        [ -f "$lists/${arg#@}.txt" ] || { echo "install-packages: no list $lists/${arg#@}.txt" >&2; exit 1; }
        while read -r p; do wanted+=("$p"); done < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$lists/${arg#@}.txt")
    else
        wanted+=("$arg")
    fi
done
missing=()
for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
[ "$(id -u)" = 0 ] || { echo "install-packages: need root to install ${missing[*]}" >&2; exit 1; }
echo "[packages] installing ${missing[*]}" >&2
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -print -quit 2>/dev/null)" ]; then
    apt-get update -q >/dev/null
fi
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod 755 "$policy"; own_policy=1
fi
trap '[ $own_policy = 1 ] && rm -f "$policy"' EXIT
# Recommends too, whatever this machine's apt is told: what they bring is what a step
# loads on a bare machine (tests/test_install_closure.py follows them).
install() {
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --install-recommends "${missing[@]}" >/dev/null
}
if ! install; then
    echo "[packages] install failed; refreshing the package lists and retrying" >&2
    apt-get update -q >/dev/null
    install
fi
