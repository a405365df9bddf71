"""restd.native's slurmdbd ping (slurmdb_ping_all(), or what it does before Slurm 24.05:
a persistent connection to each slurmdbd opened and closed) against the local cluster's
slurmdbd, and against a slurmdbd that is not there (a copy of slurm.conf naming a port
nobody listens on: the cluster's slurmdbd, shared with other tests, keeps running).

Each scenario runs in a child Python (libslurm reads SLURM_CONF once): see
tests/native_child.py.
"""
from __future__ import annotations

import json
import os
import re
import socket
import sys
import time
from pathlib import Path

import pytest

import native_child
from conftest import Cluster

REPO = Path(__file__).resolve().parent.parent


def run_child(scenario: str, env: dict[str, str], timeout: float = 120, **args):
    return native_child.run_child(__file__, scenario, env, timeout, **args)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _conf_copy(cluster, tmp_path: Path, port: int | None = None,
               backup_host: str | None = None) -> Cluster:
    """A copy of the cluster's configuration with slurmdbd moved to ``port`` and/or a
    backup slurmdbd host added."""
    etc = tmp_path / "etc"
    etc.mkdir()
    for item in cluster.slurm_conf.parent.iterdir():
        if item.suffix == ".conf":
            text = item.read_text()
            if item.name == "slurm.conf":
                if port is not None:
                    text = re.sub(r"(?m)^AccountingStoragePort=.*$",
                                  f"AccountingStoragePort={port}", text)
                if backup_host is not None:
                    text = re.sub(r"(?m)^(AccountingStorageHost=.*)$",
                                  rf"\1\nAccountingStorageBackupHost={backup_host}", text)
            (etc / item.name).write_text(text)
    return Cluster(tmp_path)


def _primary_host(cluster) -> str:
    return re.search(r"(?m)^AccountingStorageHost=(\S+)", cluster.slurm_conf.read_text())[1]


@pytest.mark.cluster
def test_ping_answers_the_primary_slurmdbd(cluster):
    result = run_child("ping", cluster.env(SLURM_JWT="daemon"), token=cluster.token("alice"))
    assert result["pings"] == [{"hostname": _primary_host(cluster), "pinged": True,
                                "latency": result["pings"][0]["latency"], "offset": 0,
                                "rc": 0}]
    assert 0 < result["pings"][0]["latency"] < 10_000_000


@pytest.mark.cluster
def test_ping_of_slurmdbd_that_is_not_there_is_not_responding(cluster, tmp_path):
    moved = _conf_copy(cluster, tmp_path, port=_closed_port())
    result = run_child("ping", moved.env(SLURM_JWT="daemon"), token=cluster.token("alice"))
    assert [(p["hostname"], p["pinged"], p["offset"]) for p in result["pings"]] == [
        (_primary_host(cluster), False, 0)]
    assert result["pings"][0]["latency"] >= 0
    # the ping's status code (slurmdbd_ping_t.rc of 26.05, v0.0.45's status): a failure
    assert result["pings"][0]["rc"] != 0


@pytest.mark.cluster
def test_backup_is_pinged_only_when_the_primary_does_not_answer(cluster, tmp_path):
    (tmp_path / "up").mkdir()
    (tmp_path / "down").mkdir()
    with_backup = _conf_copy(cluster, tmp_path / "up", backup_host="localhost")
    result = run_child("ping", with_backup.env(SLURM_JWT="daemon"),
                       token=cluster.token("alice"))
    assert [(p["pinged"], p["offset"]) for p in result["pings"]] == [(True, 0)]
    both_down = _conf_copy(cluster, tmp_path / "down", port=_closed_port(),
                           backup_host="localhost")
    result = run_child("ping", both_down.env(SLURM_JWT="daemon"),
                       token=cluster.token("alice"))
    assert [(p["hostname"], p["pinged"], p["offset"]) for p in result["pings"]] == [
        (_primary_host(cluster), False, 0), ("localhost", False, 1)]


@pytest.mark.cluster
def test_ping_authenticates_as_the_user(cluster):
    # an expired token: slurmdbd refuses the connection, so the host does not answer
    # as far as this user can tell (slurmdb_ping() is a connection's authentication)
    expired = cluster.token("alice", lifespan=1)
    time.sleep(2.5)
    result = run_child("ping", cluster.env(SLURM_JWT="daemon"), token=expired)
    assert [p["pinged"] for p in result["pings"]] == [False]


# ---------------------------------------------------------------------------
# child side
# ---------------------------------------------------------------------------

def scenario_ping(token):
    from restd.native import library
    library.ensure_preloaded()  # as the daemon (native/README.md: error())
    library.load(jwt_daemon=os.environ.get("SLURM_JWT") == "daemon")
    from restd.native import accounting, identity
    with identity.as_user(token, "alice"):
        return {"pings": accounting.ping_all()}


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    name, args = sys.argv[1], json.loads(sys.argv[2])
    print(json.dumps(globals()["scenario_" + name](**args)))
