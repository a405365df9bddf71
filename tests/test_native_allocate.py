"""restd.native's job allocation (slurm_allocate_resources_blocking, the call behind
POST job/allocate) against the local cluster: the allocation is alice's in slurmctld,
and is released; slurmctld's refusals come back as their Slurm errors.

Each scenario runs in a child Python (libslurm reads SLURM_CONF and SLURM_JWT once):
see tests/native_child.py.
"""
from __future__ import annotations

import json
import os
import pwd
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

import native_child

REPO = Path(__file__).resolve().parent.parent


def run_child(scenario: str, env: dict[str, str], timeout: float = 120, **args):
    return native_child.run_child(__file__, scenario, env, timeout, **args)


def _ids(user: str) -> tuple[int, int]:
    entry = pwd.getpwnam(user)
    return entry.pw_uid, entry.pw_gid


def _show_job(cluster, job_id: int) -> str:
    return cluster.run("scontrol", "show", "job", str(job_id), check=False).stdout


def _state(cluster, job_id: int) -> str:
    match = re.search(r"JobState=(\w+)", _show_job(cluster, job_id))
    return match.group(1) if match else ""


def _wait_state(cluster, job_id: int, state: str, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while _state(cluster, job_id) != state and time.monotonic() < deadline:
        time.sleep(0.3)
    return _state(cluster, job_id)


@pytest.mark.cluster
def test_allocation_is_the_users_and_released_by_kill(cluster):
    uid, gid = _ids("alice")
    result = run_child("allocate", cluster.env(SLURM_JWT="daemon"),
                       token=cluster.token("alice"), user="alice", uid=uid, gid=gid,
                       partition="debug")
    job_id = result["job_id"]
    try:
        assert job_id > 0 and result["error_code"] == 0
        assert result["node_cnt"] == 1
        shown = _show_job(cluster, job_id)
        # slurmctld holds it as alice's allocation (no batch script), running on the
        # node the answer names, with the description's name and limit
        assert f"UserId=alice({uid})" in shown
        assert "JobState=RUNNING" in shown
        assert "BatchFlag=0" in shown
        assert "JobName=rt-native-alloc" in shown
        assert f"NodeList={result['node_list']}" in shown
        assert "TimeLimit=00:05:00" in shown
        # released as the user: cancelled
        run_child("kill", cluster.env(SLURM_JWT="daemon"), token=cluster.token("alice"),
                  user="alice", job_id=job_id)
        assert _wait_state(cluster, job_id, "CANCELLED") == "CANCELLED"
    finally:
        cluster.run("scancel", str(job_id), check=False)


@pytest.mark.cluster
def test_pending_allocation_is_followed_until_granted(cluster):
    # a begin time a few seconds ahead: slurmctld answers "pending" and grants it later.
    # With SLURM_JWT=daemon, libslurm's blocking wait could not verify slurmctld's
    # munge-signed announcement and slurmctld would kill the job: it must be running.
    uid, gid = _ids("alice")
    result = run_child("allocate", cluster.env(SLURM_JWT="daemon"),
                       token=cluster.token("alice"), user="alice", uid=uid, gid=gid,
                       partition="debug", begin_in=3)
    job_id = result["job_id"]
    try:
        assert result["node_cnt"] == 1 and result["node_list"]
        assert result["waited"] >= 2, result
        time.sleep(2)  # slurmctld killed an allocation it could not announce at once
        shown = _show_job(cluster, job_id)
        assert "JobState=RUNNING" in shown, shown
        assert f"NodeList={result['node_list']}" in shown
    finally:
        cluster.run("scancel", str(job_id), check=False)


@pytest.mark.cluster
def test_pending_allocation_past_its_timeout_is_cancelled(cluster):
    uid, gid = _ids("alice")
    result = run_child("allocate", cluster.env(SLURM_JWT="daemon"),
                       token=cluster.token("alice"), user="alice", uid=uid, gid=gid,
                       partition="debug", begin_in=600, wait_limit=2, name="rt-native-late")
    assert result["error"] == "ETIMEDOUT", result
    # slurmctld still holds the job (MinJobAge): cancelled, not left pending
    states = cluster.run("squeue", "-h", "-t", "all", "-n", "rt-native-late",
                         "-o", "%T").stdout.split()
    assert states, "slurmctld shows no rt-native-late job"
    assert set(states) == {"CANCELLED"}, states


@pytest.mark.cluster
def test_het_allocation_answers_each_component(cluster):
    # munge authentication (no SLURM_JWT) in a process of alice's (as restd's local
    # authentication runs): slurmctld's announcement is a munge credential for alice,
    # which libslurm's blocking wait then verifies
    uid, gid = _ids("alice")
    command = ["setpriv", "--reuid", "alice", "--regid", str(gid), "--init-groups",
               sys.executable, str(Path(__file__).resolve()), "allocate_het",
               json.dumps({"token": None, "uid": uid, "gid": gid})]
    proc = subprocess.run(command, env=cluster.env(), capture_output=True, text=True,
                          timeout=120, cwd="/tmp")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    job_id = result["results"][0]["job_id"]
    try:
        assert len(result["results"]) == 2
        # the leader's id, then the second component's (leader + 1), as slurmctld
        # numbers a het job's components
        assert result["results"][1]["job_id"] == job_id + 1
        time.sleep(1)  # slurmctld kills an allocation it could not announce at once
        shown = _show_job(cluster, job_id)
        assert f"HetJobId={job_id}" in shown and "HetJobIdSet=" in shown
        assert "JobState=RUNNING" in shown and f"UserId=alice({uid})" in shown
    finally:
        cluster.run("scancel", str(job_id), check=False)


@pytest.mark.cluster
def test_het_allocation_with_jwt_is_not_supported(cluster):
    uid, gid = _ids("alice")
    before = cluster.run("squeue", "-h", "-u", "alice", "-o", "%i").stdout
    result = run_child("allocate_het", cluster.env(SLURM_JWT="daemon"),
                       token=cluster.token("alice"), uid=uid, gid=gid)
    assert result["error"] == "ESLURM_NOT_SUPPORTED", result
    # refused before anything reached slurmctld
    assert cluster.run("squeue", "-h", "-u", "alice", "-o", "%i").stdout == before


@pytest.mark.cluster
def test_unknown_partition_is_refused(cluster):
    uid, gid = _ids("alice")
    result = run_child("allocate", cluster.env(SLURM_JWT="daemon"),
                       token=cluster.token("alice"), user="alice", uid=uid, gid=gid,
                       partition="rt_no_such_partition")
    assert result["error"] == "ESLURM_INVALID_PARTITION_NAME", result


@pytest.mark.cluster
def test_user_without_association_is_refused(cluster):
    # "nobody" is a Unix user with no association in slurmdbd; the cluster enforces
    # associations (AccountingStorageEnforce=associations)
    assert cluster.run("sacctmgr", "-n", "-P", "show", "assoc", "user=nobody").stdout == ""
    uid, gid = _ids("nobody")
    result = run_child("allocate", cluster.env(SLURM_JWT="daemon"),
                       token=cluster.token("nobody"), user="nobody", uid=uid, gid=gid,
                       partition="debug")
    assert result["error"] == "ESLURM_INVALID_ACCOUNT", result


@pytest.mark.cluster
def test_another_users_id_is_never_allocated(cluster):
    # alice asking for bob's uid: slurmctld 22.05 refuses (ESLURM_USER_ID_MISSING); from
    # 23.11 on it sets the allocation's user to the authenticated one (_slurm_rpc_
    # allocate_resources(): user_id = auth_uid), so the job is alice's
    uid, gid = _ids("bob")
    result = run_child("allocate", cluster.env(SLURM_JWT="daemon"),
                       token=cluster.token("alice"), user="alice", uid=uid, gid=gid,
                       partition="debug")
    if cluster.version() < (23, 11):
        assert result.get("error") == "ESLURM_USER_ID_MISSING", result
        return
    job_id = result["job_id"]
    try:
        alice = pwd.getpwnam("alice").pw_uid
        assert f"UserId=alice({alice})" in _show_job(cluster, job_id)
    finally:
        cluster.run("scancel", str(job_id), check=False)


# ---------------------------------------------------------------------------
# child side
# ---------------------------------------------------------------------------

def _load():
    from restd.native import library
    # as the daemon: libslurm's error() must be Slurm's, not glibc's (native/README.md)
    library.ensure_preloaded()
    return library.load(jwt_daemon=os.environ.get("SLURM_JWT") == "daemon")


def _alloc_desc(uid, gid, partition="debug", name="rt-native-alloc", **extra):
    # (slurmctld 24.11 refuses an allocation without working directory: salloc sends its)
    return dict(name=name, partition=partition, user_id=uid, group_id=gid, min_nodes=1,
                time_limit=5, other_port=0, work_dir="/tmp", **extra)


def scenario_allocate(token, user, uid, gid, partition, begin_in=0, wait_limit=60,
                      name="rt-native-alloc"):
    _load()
    from restd.native import controller, identity
    from restd.native.errors import SlurmError
    extra = {"begin_time": int(time.time()) + begin_in} if begin_in else {}
    started = time.monotonic()
    with identity.as_user(token, user):
        try:
            result = controller.allocate_job(_alloc_desc(uid, gid, partition, name, **extra),
                                             timeout=wait_limit)
        except SlurmError as error:
            return {"error": error.name, "number": error.number}
    return dict(result._asdict(), waited=time.monotonic() - started)


def scenario_allocate_het(token, uid, gid):
    _load()
    import contextlib
    from restd.native import controller, identity
    from restd.native.errors import SlurmError
    scope = identity.as_user(token, "alice") if token else contextlib.nullcontext()
    with scope:
        try:
            results = controller.allocate_het_job(
                [_alloc_desc(uid, gid, name="rt-native-het0"),
                 _alloc_desc(uid, gid, name="rt-native-het1")], timeout=60)
        except SlurmError as error:
            return {"error": error.name, "number": error.number}
    return {"results": [result._asdict() for result in results]}


def scenario_kill(token, user, job_id):
    _load()
    from restd.native import controller, identity
    with identity.as_user(token, user):
        controller.kill_job(job_id)
    return {}


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    name, args = sys.argv[1], json.loads(sys.argv[2])
    print(json.dumps(globals()["scenario_" + name](**args)))
