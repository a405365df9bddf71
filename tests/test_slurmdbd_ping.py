"""GET /slurmdb/v0.0.42/ping/ through restd against the real cluster's slurmdbd: each
slurmdbd host answers (responding, primary), as the reference's openapi_slurmdbd_ping_resp;
v0.0.40 and v0.0.41 have no slurmdb ping; with slurmdbd unreachable the answer is
slurmrestd's: the request's slurmdbd connection cannot be opened (502,
ESLURM_DB_CONNECTION from openapi_get_db_conn), before any ping."""
from __future__ import annotations

import os
import re
import shutil
import socket
import tempfile
from pathlib import Path

import pytest

from conftest import AllVersionsDaemon, Cluster
from openapi_check import reference_document, validate

pytestmark = [pytest.mark.cluster, pytest.mark.timeout(300)]

PATH = "/slurmdb/v0.0.42/ping/"



@pytest.fixture(scope="module")
def daemon(cluster, tmp_path_factory):
    directory = tmp_path_factory.mktemp("restd-dbping")
    os.chmod(directory, 0o755)
    started = AllVersionsDaemon(cluster, directory).start()
    yield started
    started.stop()


def slurmdbd_host(cluster) -> str:
    return re.search(r"(?m)^AccountingStorageHost=(\S+)", cluster.slurm_conf.read_text())[1]


@pytest.mark.parametrize("user", ["alice", "root"])
def test_ping_answers_the_slurmdbd_host_responding(daemon, cluster, user):
    status, _, body = daemon.request("GET", PATH, user=user)
    assert status == 200, body
    validate(reference_document(), PATH, "get", body)
    assert body["errors"] == []
    assert [(p["hostname"], p["responding"], p["primary"]) for p in body["pings"]] == [
        (slurmdbd_host(cluster), True, True)]
    assert 0 < body["pings"][0]["latency"] < 10_000_000  # microseconds


@pytest.mark.parametrize("version", ["v0.0.40", "v0.0.41"])
def test_older_versions_have_no_slurmdb_ping(daemon, version):
    status, _, _ = daemon.request("GET", f"/slurmdb/{version}/ping/")
    assert status == 404
    assert f"/slurmdb/{version}/ping/" not in daemon.document()["paths"]
    assert daemon.document()["paths"][PATH]["get"]["operationId"] == "slurmdb_v0042_get_ping"


def test_unreachable_slurmdbd_is_502_before_any_ping(cluster):
    # a copy of the configuration naming a port nobody listens on: the cluster's slurmdbd
    # keeps running for the other tests
    top = Path(tempfile.mkdtemp(prefix="rt_dbping_"))  # readable by the user restd
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    etc = top / "etc"
    etc.mkdir()
    for item in cluster.slurm_conf.parent.iterdir():
        if item.suffix == ".conf":
            text = item.read_text()
            if item.name == "slurm.conf":
                text = re.sub(r"(?m)^AccountingStoragePort=.*$",
                              f"AccountingStoragePort={closed_port}", text)
            (etc / item.name).write_text(text)
    for path in (top, etc, *etc.iterdir()):
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    (top / "log").mkdir(mode=0o777)
    os.chmod(top / "log", 0o777)
    moved = Cluster(top)
    daemon = AllVersionsDaemon(moved, top / "log")
    daemon.cluster = cluster  # tokens from the running cluster
    try:
        daemon.start(slurm_conf=moved.slurm_conf)
        status, _, body = daemon.request("GET", PATH, user="alice")
        assert status == 502, body
        assert body["errors"][0]["error_number"] == 7000  # ESLURM_DB_CONNECTION
        assert body["errors"][0]["source"] == "openapi_get_db_conn"
        assert body["errors"][0]["description"] == "Failed to open slurmdbd connection"
        assert body["pings"] == []
        validate(reference_document(), PATH, "get", body)
        assert daemon.process.poll() is None, "restd exited"
    finally:
        daemon.stop()
        shutil.rmtree(top)
