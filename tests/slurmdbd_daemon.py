"""Helpers for the slurmdbd endpoint tests (tests/test_slurmdbd_*.py): conftest's
RestdDaemon with ``-s slurmctld,slurmdbd -d v0.0.40`` (DbDaemon), ``sacctmgr -n -P`` to
check effects, and the removal of every ``rt_`` entity a test creates (never the
cluster's own users and accounts).
"""
from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import RestdDaemon
from shared_dir import SHARED

PROTECTED = {"alice", "bob", "oper", "restd", "root", "test", "physics"}


class DbDaemon(RestdDaemon):
    """restd serving the slurmdbd (and slurmctld) endpoints of v0.0.40: request paths
    relative to /slurmdb/v0.0.40/, as root unless told; effects checked with sacctmgr."""

    SERVICES = "slurmctld,slurmdbd"
    PREFIX = "/slurmdb/v0.0.40/"
    USER = "root"

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
    daemon = DbDaemon(cluster).start()
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
