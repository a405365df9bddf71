"""/slurmdb/v0.0.40/diag/ against the real slurmdbd (sdiag's accounting side:
`sacctmgr show stats`)."""
from __future__ import annotations

import pytest

from slurmdbd_daemon import dbd, envelope_ok, key_shape, sample  # noqa: F401

pytestmark = pytest.mark.cluster


def test_diag(dbd):
    status, _, body = dbd.request("GET", "diag/")
    assert status == 200
    envelope_ok(body)
    stats = body["statistics"]
    reference = sample("db_ping_diag")["body"]["statistics"]
    assert list(stats) == list(reference)
    assert key_shape(stats["RPCs"][0]) == key_shape(reference["RPCs"][0])
    assert key_shape(stats["users"][0]) == key_shape(reference["users"][0])
    if stats["rollups"]:
        assert list(stats["rollups"][0]) == list(reference["rollups"][0])
    rpcs = {rpc["rpc"] for rpc in stats["RPCs"]}
    assert "DBD_GET_STATS" in rpcs or "SLURM_PERSIST_INIT" in rpcs
    assert all(not rpc.isdigit() for rpc in rpcs)
    # users by name, as sacctmgr show stats lists them
    text = dbd.cluster.run("sacctmgr", "show", "stats").stdout
    for user in stats["users"]:
        assert user["user"] in text
    assert stats["time_start"] > 0


def test_instances_need_a_newer_slurm(dbd):
    """Slurm 22.05 has no instances (slurmdb_instances_get(), 23.11): 501. From 23.11
    on, the instances sacctmgr shows (none on this cluster: no cloud nodes), with the
    real slurmrestd's warning when there is none (db_instances)."""
    shown = dbd.sacctmgr("show", "instance", "format=cluster,nodename,instanceid") \
        if dbd.cluster.version() >= (23, 11) else None
    for path in ("instances/", "instance/?cluster=restd", "instances/?node_list=n1,n2"):
        status, _, body = dbd.request("GET", path)
        if dbd.cluster.version() < (23, 11):
            assert status == 501
            assert body["errors"][0]["error"] == \
                "Requested operation not supported on this system"
            assert "23.11" in body["errors"][0]["description"]
            continue
        assert status == 200 and body["errors"] == []
        envelope_ok(body)
        assert [[i["cluster"], i["node_name"], i["instance_id"]]
                for i in body["instances"]] == [row for row in shown if "node_list" not in path
                                                or row[1] in ("n1", "n2")]
        if not body["instances"]:
            assert [w["source"] for w in body["warnings"]] == \
                [w["source"] for w in sample("db_instances")["body"]["warnings"]]
            assert body["warnings"][0]["description"] == "slurmdb_instances_get() found nothing"


def test_config_is_the_whole_accounting_configuration(dbd):
    status, _, body = dbd.request("GET", "config")
    assert status == 200
    envelope_ok(body)
    reference = sample("db_config")["body"]
    assert list(body) == list(reference)
    assert {c["name"] for c in body["clusters"]} == \
        {row[0] for row in dbd.sacctmgr("show", "cluster", "format=cluster")}
    assert {a["name"] for a in body["accounts"]} == \
        {row[0] for row in dbd.sacctmgr("show", "account", "format=account")}
    assert {u["name"] for u in body["users"]} == \
        {row[0] for row in dbd.sacctmgr("show", "user", "format=user")}
    assert {q["name"] for q in body["qos"]} == \
        {row[0] for row in dbd.sacctmgr("show", "qos", "format=name")}
    assert len(body["associations"]) == len(dbd.sacctmgr("show", "assoc", "format=id"))
    # users come with their associations, accounts with theirs
    alice = next(u for u in body["users"] if u["name"] == "alice")
    assert alice["associations"] and alice["default"]["account"] == "test"
    for key in ("clusters", "tres", "accounts", "users", "qos", "associations"):
        assert list(body[key][0]) == list(reference[key][0]), key
