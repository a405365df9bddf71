#!/usr/bin/env bash
# run-local.sh LISTEN: run restd in the foreground against the local cluster, as the
# unprivileged service user `restd`, on LISTEN and on a unix socket under .cluster/.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
listen=${1:-127.0.0.1:6820}
dir=$(bash "$repo/conf/cluster/cluster.sh" dir)
socket_dir=$dir/run/restd
install -d -o restd -g restd -m 755 "$socket_dir"

token=$(bash "$repo/conf/cluster/cluster.sh" token alice 86400 | cut -d= -f2-)
port=${listen##*:}
cat <<MSG

restd is starting on http://$listen and unix:$socket_dir/restd.sock (Ctrl-C stops it;
\`make cluster-stop\` stops the cluster). A token for alice, valid for a day:

  export SLURM_JWT=$token

The slides' rest() function, pointed at this restd:

  function rest() { path=\$1; shift; curl -s -H "X-SLURM-USER-TOKEN:\${SLURM_JWT}" "http://localhost:$port/\${path}" "\$@"; }
  rest slurm/v0.0.40/jobs | jq -r '.jobs[].job_id'

or with curl alone:

  curl -s -H "X-SLURM-USER-TOKEN:\$SLURM_JWT" http://localhost:$port/slurm/v0.0.40/ping
  curl -s --unix-socket $socket_dir/restd.sock http://localhost/openapi/v3 | head

MSG
# SLURM_JWT=daemon: the daemon itself holds no credential; each request's token is
# handed to libslurm for that request's RPCs only.
exec runuser -u restd -- env SLURM_CONF="$dir/etc/slurm.conf" SLURM_JWT=daemon \
    GLIBC_TUNABLES=glibc.malloc.hugetlb=1 \
    "$repo/.venv/bin/restd" "$listen" "unix:$socket_dir/restd.sock" "${@:2}"
