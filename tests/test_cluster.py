"""The local cluster is real Slurm: these tests check what the harness promises."""
from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

pytestmark = pytest.mark.cluster

NODES = ["n1", "n2", "n3", "n4"]


def _pids(cluster) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted((cluster.dir / "run" / "pids").iterdir())}


def test_four_nodes_up_in_debug_and_long(cluster):
    out = cluster.run("sinfo", "-h", "-N", "-o", "%N %P %t").stdout.split("\n")
    rows = [line.split() for line in out if line]
    by_partition: dict[str, set[str]] = {}
    for node, partition, state in rows:
        by_partition.setdefault(partition, set()).add(node)
        # idle when nothing runs ("plnd": idle, held for a pending job by the backfill
        # scheduler); never down, drained or unresponsive ("*")
        assert state in {"idle", "plnd", "mix", "alloc", "comp"}, (node, state)
    assert by_partition == {"debug*": set(NODES), "long": set(NODES)}


def test_start_is_idempotent(cluster):
    before = _pids(cluster)
    result = cluster.script("start")
    assert result.returncode == 0, result.stderr
    assert "starting" not in result.stderr
    assert _pids(cluster) == before


def test_alice_job_runs_on_two_nodes_and_is_accounted(cluster):
    script = "#!/bin/bash\nsrun bash -c 'echo $SLURMD_NODENAME'\n"
    proc = subprocess.run(
        ["runuser", "-u", "alice", "--", "env", f"SLURM_CONF={cluster.slurm_conf}",
         "sbatch", "--parsable", "--wait", "-N2", "-n2", "--chdir=/tmp",
         "-o", "/tmp/restd-test-%j.out"],
        input=script, capture_output=True, text=True, timeout=120, cwd="/tmp")
    assert proc.returncode == 0, proc.stderr
    job_id = proc.stdout.strip().split(";")[0]
    output = f"/tmp/restd-test-{job_id}.out"
    nodes = sorted(open(output).read().split())
    os.unlink(output)
    assert len(set(nodes)) == 2 and set(nodes) <= set(NODES), nodes

    # slurmctld hands the record to slurmdbd asynchronously: give it a few seconds.
    deadline = time.monotonic() + 30
    while True:
        row = cluster.run("sacct", "-n", "-P", "-X", "-j", job_id,
                          "-o", "User,Account,State,NNodes,ExitCode").stdout.strip()
        if row.startswith("alice|") and "COMPLETED" in row or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert row == "alice|test|COMPLETED|2|0:0"


def _hold_job(cluster, user: str) -> str:
    out = cluster.run("sbatch", "--parsable", "--hold", "--chdir=/tmp", "-o", "/dev/null",
                      "--wrap", "sleep 600", user=user).stdout
    return out.strip().split(";")[0]


def test_jwt_token_is_accepted_as_its_user_and_tampered_one_refused(cluster):
    bob = cluster.token("bob")
    alice_job = _hold_job(cluster, "alice")
    try:
        # The token authenticates to slurmctld over auth/jwt: squeue works with it.
        ok = cluster.run("squeue", "-h", "-j", alice_job, "-o", "%u",
                         env=cluster.env(SLURM_JWT=bob))
        assert ok.stdout.strip() == "alice"
        # ... and slurmctld takes the request as bob's: bob may not cancel alice's job.
        refused = cluster.run("scancel", alice_job, env=cluster.env(SLURM_JWT=bob), check=False)
        assert "Access/permission denied" in refused.stderr + refused.stdout
        assert cluster.run("squeue", "-h", "-j", alice_job, "-o", "%T").stdout.strip() == "PENDING"

        header, payload, signature = bob.split(".")
        flipped = ("A" if signature[5] != "A" else "B")
        tampered = ".".join([header, payload, signature[:5] + flipped + signature[6:]])
        bad = cluster.run("squeue", "-h", env=cluster.env(SLURM_JWT=tampered), check=False)
        assert bad.returncode != 0
    finally:
        cluster.run("scancel", alice_job, check=False)


def test_restart_keeps_state_and_stop_spares_other_processes(cluster):
    # A process named like a Slurm daemon, not started by the harness: it must survive.
    decoy = subprocess.Popen(["bash", "-c", "exec -a slurmctld sleep 300"])
    job = _hold_job(cluster, "alice")
    try:
        result = cluster.script("restart")
        assert result.returncode == 0, result.stderr[-2000:]
        assert decoy.poll() is None
        assert cluster.run("squeue", "-h", "-j", job, "-o", "%u %T").stdout.split() == \
            ["alice", "PENDING"]
    finally:
        cluster.run("scancel", job, check=False)
        decoy.send_signal(signal.SIGTERM)
        decoy.wait()
