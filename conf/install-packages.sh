#!/usr/bin/env bash
# install-packages.sh PACKAGE...: install the Debian packages that are missing, and only
# those; `apt-get update` runs once, when the package lists have never been fetched.
# Package scripts are kept from starting system-wide daemons (policy-rc.d style), since
# the project runs its own munge, MariaDB and Slurm under .cluster/.
set -euo pipefail
missing=()
for p in "$@"; do
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
DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
