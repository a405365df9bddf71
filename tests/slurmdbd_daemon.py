"""Helpers for the slurmdbd endpoint tests (tests/test_slurmdbd_*.py): restd run as
the unprivileged user restd with ``-a jwt -s slurmctld,slurmdbd -d v0.0.40`` on
127.0.0.1 (SLURM_JWT=daemon: every request acts as its token's user), requests
with a user's token, ``sacctmgr -n -P`` to check effects, and the removal of
every ``rt_`` entity a test creates (never the cluster's own users and accounts).
"""
from __future__ import annotations

import http.client
import json
import socket
import subprocess
import time
from pathlib import Path
from typing import Any, Optional

import pytest
from shared_dir import SHARED

REPO = Path(__file__).resolve().parent.parent
PYTHON = str(REPO / ".venv" / "bin" / "python")
PREFIX = "/slurmdb/v0.0.40/"
PROTECTED = {"alice", "bob", "oper", "restd", "root", "test", "physics"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DbDaemon:
    """A running ``python -m restd`` serving the slurmdbd (and slurmctld) endpoints."""

    def __init__(self, cluster, wrapper: tuple[str, ...] = ()):
        """``wrapper``: a command restd is started through (``prlimit --nofile=...``)."""
        self.cluster = cluster
        self.port = _free_port()
        self.log = open(f"/tmp/rt_restd_slurmdbd_{self.port}.log", "w+b")
        env = cluster.env(SLURM_JWT="daemon")
        self.process = subprocess.Popen(
            [*wrapper, "setpriv", "--reuid", "restd", "--regid", "restd", "--init-groups",
             PYTHON, "-m", "restd", "-a", "jwt", "-s", "slurmctld,slurmdbd",
             "-d", "v0.0.40", f"127.0.0.1:{self.port}"],
            env=env, cwd="/tmp", stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while True:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise RuntimeError("restd exited: " + self.log.read().decode(errors="replace"))
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("restd did not start listening")
                time.sleep(0.1)
        self._tokens: dict[str, str] = {}

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def token(self, user: str) -> str:
        if user not in self._tokens:
            self._tokens[user] = self.cluster.token(user, lifespan=3600)
        return self._tokens[user]

    def request(self, method: str, path: str, user: str = "root", body: Any = None,
                raw: Optional[bytes] = None) -> tuple[int, Any]:
        """(status, parsed JSON body or the raw bytes when not JSON)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"X-SLURM-USER-TOKEN": self.token(user), "Accept": "application/json"}
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
        if data is not None:
            headers["Content-Type"] = "application/json"
        try:
            connection.request(method, PREFIX + path.lstrip("/"), body=data, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            status = response.status
        finally:
            connection.close()
        try:
            return status, json.loads(payload) if payload else payload
        except ValueError:
            return status, payload

    # effects, as sacctmgr sees them
    def sacctmgr(self, *args: str) -> list[list[str]]:
        result = self.cluster.run("sacctmgr", "-n", "-P", *args)
        return [line.split("|") for line in result.stdout.splitlines() if line.strip()]


def remove_rt_entities(cluster) -> None:
    """Delete every rt_ user, QOS, cluster and account (and so their associations and
    wckeys) from accounting."""
    def names(entity: str) -> list[str]:
        out = cluster.run("sacctmgr", "-n", "-P", "show", entity,
                          "format=" + ("name" if entity == "qos" else entity),
                          check=False).stdout
        return sorted({line.strip() for line in out.splitlines()
                       if line.strip().startswith("rt_")} - PROTECTED)
    users = names("user")
    if users:
        cluster.run("sacctmgr", "-i", "delete", "user", "name=" + ",".join(users), check=False)
    qos = names("qos")
    if qos:
        cluster.run("sacctmgr", "-i", "delete", "qos", ",".join(qos), check=False)
    clusters = names("cluster")
    if clusters:
        cluster.run("sacctmgr", "-i", "delete", "cluster", ",".join(clusters), check=False)
    accounts = names("account")
    if accounts:
        cluster.run("sacctmgr", "-i", "delete", "account", "name=" + ",".join(accounts),
                    check=False)


@pytest.fixture(scope="session")
def dbd(cluster):
    """The daemon, shared by the slurmdbd test modules; rt_ entities removed
    before and after."""
    remove_rt_entities(cluster)
    daemon = DbDaemon(cluster)
    try:
        yield daemon
    finally:
        daemon.stop()
        remove_rt_entities(cluster)


@pytest.fixture
def rt_cleanup(cluster):
    """Removes the rt_ entities a test created, even when it fails."""
    yield
    remove_rt_entities(cluster)


def envelope_ok(body: dict) -> None:
    assert body["errors"] == [], body["errors"]
    assert body["meta"]["plugin"] == {"type": "openapi/slurmdbd",
                                      "name": "Slurm OpenAPI slurmdbd",
                                      "data_parser": "data_parser/v0.0.40",
                                      "accounting_storage": "accounting_storage/slurmdbd"}


def sample(name: str) -> dict:
    path = (SHARED / "reference/samples/v0.0.40") / f"{name}.json"
    return json.loads(path.read_text())


def key_shape(value: Any) -> Any:
    """The keys of a JSON value, recursively (lists as the shape of their first item)."""
    if isinstance(value, dict):
        return {key: key_shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [key_shape(value[0])] if value else []
    return type(value).__name__
