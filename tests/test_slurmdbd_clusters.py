"""/slurmdb/v0.0.40/clusters, cluster/{name}, tres and wckeys against the real
slurmdbd; effects checked with sacctmgr."""
from __future__ import annotations

import urllib.parse

import pytest

from slurmdbd_daemon import dbd, envelope_ok, key_shape, rt_cleanup, sample  # noqa: F401

pytestmark = pytest.mark.cluster


def _tres_by_id(dbd):
    return {int(row[0]): row for row in dbd.sacctmgr("show", "tres", "format=id,type,name")}


def test_get_clusters(dbd):
    status, _, body = dbd.request("GET", "clusters/")
    assert status == 200
    envelope_ok(body)
    rows = dbd.sacctmgr("show", "cluster", "format=cluster,controlhost,controlport,rpc")
    assert [[c["name"], c["controller"]["host"], str(c["controller"]["port"]),
             str(c["rpc_version"])] for c in body["clusters"]] == rows
    cluster = next(c for c in body["clusters"] if c["name"] == "restd")
    reference = sample("db_clusters")["body"]
    assert list(body) == list(reference)
    assert key_shape(cluster) == key_shape(reference["clusters"][0])
    assert list(cluster) == list(reference["clusters"][0])
    assert cluster["select_plugin"] == ""
    assert cluster["associations"]["root"]["account"] == "root"
    # TRES: the cluster's tres string, named from the TRES table
    tres = _tres_by_id(dbd)
    [[tres_string]] = dbd.sacctmgr("show", "cluster", "restd", "format=tres%-200")
    counts = dict(part.split("=", 1) for part in tres_string.split(","))
    for item in cluster["tres"]:
        row = tres[item["id"]]
        assert item["type"] == row[1] and item["name"] == row[2]
    # sacctmgr prints names (cpu=16,mem=8000M,...); compare the cpu count
    assert next(t["count"] for t in cluster["tres"] if t["type"] == "cpu") == \
        int(counts["cpu"])


def test_get_one_cluster_and_a_missing_one(dbd):
    status, _, body = dbd.request("GET", "cluster/restd")
    assert status == 200
    assert [c["name"] for c in body["clusters"]] == ["restd"]
    status, _, body = dbd.request("GET", "cluster/rt_nope")
    assert status == 200 and body["clusters"] == []
    assert body["warnings"][0]["source"] == "_dump_clusters"


def test_add_and_delete_a_cluster(dbd, rt_cleanup):
    try:
        status, _, body = dbd.request("POST", "clusters/", body={"clusters": [{"name": "rt_cl1"}]})
        assert status == 200, body
        envelope_ok(body)
        assert ["rt_cl1"] in dbd.sacctmgr("show", "cluster", "format=cluster")
        status, _, body = dbd.request("DELETE", "cluster/rt_cl1")
        assert status == 200
        assert body["deleted_clusters"] == ["rt_cl1"]
        assert ["rt_cl1"] not in dbd.sacctmgr("show", "cluster", "format=cluster")
        status, _, body = dbd.request("DELETE", "cluster/rt_cl1")
        assert status == 304
    finally:
        dbd.cluster.run("sacctmgr", "-i", "delete", "cluster", "rt_cl1", check=False)


def test_ordinary_user_cannot_add_clusters(dbd):
    status, _, body = dbd.request("POST", "clusters/", user="alice",
                               body={"clusters": [{"name": "rt_cl2"}]})
    assert status == 403
    assert ["rt_cl2"] not in dbd.sacctmgr("show", "cluster", "format=cluster")


def test_get_tres(dbd):
    status, _, body = dbd.request("GET", "tres/")
    assert status == 200
    envelope_ok(body)
    tres = _tres_by_id(dbd)
    assert {t["id"] for t in body["TRES"]} >= set(tres)
    for item in body["TRES"]:
        if item["id"] in tres:
            assert [str(item["id"]), item["type"], item["name"]] == tres[item["id"]]
    assert body["TRES"][:9] == sample("db_tres")["body"]["TRES"]


def test_adding_tres_is_not_supported(dbd):
    status, _, body = dbd.request("POST", "tres/", body={"TRES": [
        {"type": "gres", "name": "rt_gpu"}]})
    assert status == 501
    assert body["errors"][0]["source"] == "op_handler_tres"


def test_wckeys(dbd, rt_cleanup):
    status, _, body = dbd.request("POST", "accounts_association/", body={
        "association_condition": {"accounts": ["rt_acct30"]}, "account": {}})
    assert status == 200, body
    status, _, body = dbd.request("POST", "users_association/", body={
        "association_condition": {"accounts": ["rt_acct30"], "users": ["rt_user30"]},
        "user": {}})
    assert status == 200, body

    status, _, body = dbd.request("POST", "wckeys/", body={"wckeys": [
        {"name": "rt_wckey30", "user": "rt_user30", "cluster": "restd"}]})
    assert status == 200, body
    envelope_ok(body)
    assert dbd.sacctmgr("show", "wckey", "rt_wckey30", "format=wckey,cluster,user") == \
        [["rt_wckey30", "restd", "rt_user30"]]

    status, _, body = dbd.request("GET", "wckey/rt_wckey30")
    assert status == 200
    [wckey] = body["wckeys"]
    assert (wckey["name"], wckey["cluster"], wckey["user"], wckey["flags"]) == \
        ("rt_wckey30", "restd", "rt_user30", [])
    assert list(wckey) == ["accounting", "cluster", "id", "name", "user", "flags"]
    status, _, body = dbd.request("GET", "wckeys/?user=rt_user30")
    assert [w["name"] for w in body["wckeys"]] == ["rt_wckey30"]

    status, _, body = dbd.request("DELETE", "wckey/rt_wckey30")
    assert status == 200
    assert len(body["deleted_wckeys"]) == 1 and "rt_wckey30" in body["deleted_wckeys"][0]
    assert dbd.sacctmgr("show", "wckey", "rt_wckey30", "format=wckey") == []


def test_wckeys_none_found(dbd):
    status, _, body = dbd.request("GET", "wckeys/?name=rt_none")
    assert status == 200 and body["wckeys"] == []
    assert body["warnings"][0]["source"] == sample("db_wckeys")["body"]["warnings"][0]["source"]
    status, _, body = dbd.request("GET", "wckeys/?only_defaults=sure")
    assert status == 422 and body["errors"][0]["source"] == "#/only_defaults"


def test_cluster_query_flags_reach_slurmdbd(dbd):
    """The conditions of clusters/ and cluster/{name} (declared for both;
    slurmrestd reads them for the list only) filter in slurmdbd."""
    [[rpc]] = dbd.sacctmgr("show", "cluster", "restd", "format=rpc")
    for path in ("clusters/?", "cluster/restd?"):
        for query, found in ((f"rpc_version={rpc}", ["restd"]), ("rpc_version=1", []),
                             ("flags=MULTIPLE_SLURMD", ["restd"]), ("flags=FRONT_END", []),
                             ("classification=CAPACITY", []),
                             ("federation=rt_no_federation", []),
                             ("with_deleted=true&with_usage=true", ["restd"])):
            status, _, body = dbd.request("GET", path + query)
            assert status == 200, (path, query, body)
            assert [c["name"] for c in body["clusters"] if not c["name"].startswith("rt_")] \
                == found, (path, query)
    status, _, body = dbd.request("GET", "cluster/restd?cluster=rt_other")
    assert [c["name"] for c in body["clusters"]] == ["restd"]
    assert body["warnings"][0]["source"] == "#/cluster"


def test_adding_an_existing_cluster_leaves_it_as_it_is(dbd):
    """slurmdbd would register it anew (controller address and flags reset)."""
    fields = "format=cluster,controlhost,controlport,rpc,flags,classification"
    before = dbd.sacctmgr("show", "cluster", "restd", fields)
    status, _, body = dbd.request("POST", "clusters/", body={"clusters": [{"name": "restd"}]})
    assert status == 200, body
    assert body["warnings"] == [{"description": "Cluster restd exists: left as it is",
                                 "source": "update_clusters"}]
    assert dbd.sacctmgr("show", "cluster", "restd", fields) == before


def test_wckey_query_flags_reach_slurmdbd(dbd, rt_cleanup):
    status, _, body = dbd.request("POST", "accounts_association/", body={
        "association_condition": {"accounts": ["rt_acct32"]}, "account": {}})
    assert status == 200, body
    status, _, body = dbd.request("POST", "users_association/", body={
        "association_condition": {"accounts": ["rt_acct32"], "users": ["rt_user32"],
                                  "wckeys": ["rt_wckey32a", "rt_wckey32b"]},
        "user": {"defaultwckey": "rt_wckey32a"}})
    assert status == 200, body

    def names(query):
        status, _, body = dbd.request("GET", f"wckeys/?{query}")
        assert status == 200, body
        return sorted(w["name"] for w in body["wckeys"])
    assert names("user=rt_user32") == ["rt_wckey32a", "rt_wckey32b"]
    assert names("user=rt_user32&only_defaults=true") == ["rt_wckey32a"]
    assert names("user=rt_user32&name=rt_wckey32b") == ["rt_wckey32b"]
    assert names("user=rt_user32&cluster=rt_no_cluster") == []
    # no usage (no job ran with a wckey) nor deleted wckeys here: the flags pass
    assert names("user=rt_user32&with_usage=true&with_deleted=true") == \
        ["rt_wckey32a", "rt_wckey32b"]


def test_a_cluster_name_slurmdbd_cannot_hold_is_not_a_server_error(dbd):
    """Such names are the client's values: 22.05's MariaDB cannot compare this one
    (latin1 tables: 422 saying so), 24.11 and 26.05 find no such cluster, and where
    slurmdbd refuses a name (ESLURM_INVALID_CLUSTER_NAME, seen from the generated-input
    run on 24.11 and 26.05; slurmrestd: 500) restd answers 422. Never 5xx."""
    name = urllib.parse.quote("Ω≈ç√∫˜µ≤≥÷åß∂ƒ©˙∆˚¬…æœ∑´®†¥¨ˆøπ“‘¡™£¢∞§¶•ªº–≠" * 2)
    status, _, body = dbd.request("GET", f"cluster/{name}")
    assert status in (200, 422), body
    if status == 422:
        [error] = body["errors"]
        assert error["error"] == "Invalid cluster name" or "character set" in error["error"]
    else:
        assert body["clusters"] == [] and body["errors"] == [], body
