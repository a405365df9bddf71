"""POST /slurmdb/v0.0.40/config against the real slurmdbd: a document shaped as
GET config's answer, loaded in one request, kept only when all of it loaded;
effects checked with sacctmgr.

The tests create only entities named rtcfg<pid>_... and remove only those.
Other test modules may run at the same time with rt_ entities of their own,
and remove every rt_ entity when they start and end (hence a prefix of our
own, and one per process for a run of this module at the same time): the
comparisons leave every line of a test entity out, and documents taken from
GET config leave out every such entity, so that nothing of another test is
re-added.
"""
from __future__ import annotations

import copy
import os
import re

import pytest

from slurmdbd_daemon import DbDaemon, envelope_ok

pytestmark = pytest.mark.cluster

MINE = f"rtcfg{os.getpid()}_"


def _of_a_test(text: str, keep_mine: bool = False) -> bool:
    """A name, a sacctmgr line or a dump line naming a test entity (but this
    process's when ``keep_mine``)."""
    return any(not (keep_mine and match.group(1) == MINE)
               for match in re.finditer(r"(?:^|[|'\s,=])(rt_|rtcfg\d+_)", text))


def _remove_mine(cluster) -> None:
    def names(entity: str) -> list[str]:
        out = cluster.run("sacctmgr", "-n", "-P", "show", entity,
                          "format=" + ("name" if entity == "qos" else entity),
                          check=False).stdout
        return sorted({line.strip() for line in out.splitlines()
                       if line.strip().startswith(MINE)})
    for entity in ("user", "qos", "account"):
        found = names(entity)
        if found:
            cluster.run("sacctmgr", "-i", "delete", entity,
                        ("name=" if entity != "qos" else "") + ",".join(found), check=False)


@pytest.fixture(scope="module")
def db(cluster):
    _remove_mine(cluster)
    daemon = DbDaemon(cluster).start()
    try:
        yield daemon
    finally:
        daemon.stop()
        _remove_mine(cluster)


@pytest.fixture
def mine(cluster):
    """Removes this process's test entities after a test, even when it fails."""
    yield
    _remove_mine(cluster)


def _state(db, keep_mine: bool = False) -> dict[str, list[str]]:
    """Accounting as sacctmgr shows it, the lines of test entities left out
    (but this process's when ``keep_mine``)."""
    # an association's place in the tree: its lineage (23.11 and later); not
    # lft/rgt (22.05), which shift whenever any association is added or
    # removed, by another test module too
    tree = "lineage," if db.cluster.version() >= (23, 11) else ""
    views = {
        "clusters": ("show", "cluster", "withdeleted",
                     "format=cluster,controlhost,controlport,rpc,flags,classification,"
                     "nodenames,tres%-300"),
        "accounts": ("show", "account", "withassoc", "withcoord", "withdeleted"),
        "users": ("show", "user", "withassoc", "withcoord", "withdeleted"),
        "user_defaults": ("show", "user", "withdeleted",
                          "format=user,defaultaccount,defaultwckey,adminlevel"),
        "associations": ("show", "assoc", "withdeleted",
                         "format=cluster,account,user,partition,parentname,id," + tree +
                         "share,grpjobs,grpjobsaccrue,grpsubmit,grptres,grptresmins,"
                         "grptresrunmins,grpwall,maxjobs,maxjobsaccrue,maxsubmit,maxtres,"
                         "maxtrespernode,maxtresmins,maxwall,priority,qos,defaultqos"),
        "qos": ("show", "qos", "withdeleted", "format=id,name,priority,flags,preempt,"
                "preemptmode,gracetime,grpjobs,grptres,grpwall,maxjobspu,maxsubmitpu,"
                "maxtres,maxtrespu,maxtrespernode,maxwall,mintres,usagefactor,"
                "usagethreshold,description%60"),
        "tres": ("show", "tres", "withdeleted"),
        "wckeys": ("show", "wckey", "withdeleted"),
    }
    state = {name: sorted("|".join(row) for row in db.sacctmgr(*args)
                          if not _of_a_test("|".join(row), keep_mine))
             for name, args in views.items()}
    dump = f"/tmp/rtcfg_dump_{os.getpid()}.cfg"
    db.cluster.run("sacctmgr", "-i", "dump", "restd", f"file={dump}")
    try:
        with open(dump) as handle:
            state["dump"] = [line for line in handle.read().splitlines()
                             if not _of_a_test(line, keep_mine)]
    finally:
        os.unlink(dump)
    return state


def _config(db, keep_mine: bool = False) -> dict:
    """GET config's answer without test entities (but this module's when
    ``keep_mine``)."""
    status, _, config = db.request("GET", "config")
    assert status == 200, config
    envelope_ok(config)

    def other_test(record: dict, *keys: str) -> bool:
        return any(_of_a_test(str(record.get(key) or ""), keep_mine) for key in keys)
    document = copy.deepcopy(config)
    for part, keys in (("clusters", ("name",)), ("accounts", ("name",)),
                       ("users", ("name",)), ("qos", ("name",)),
                       ("wckeys", ("name", "user")),
                       ("associations", ("account", "user", "parent_account"))):
        document[part] = [record for record in document[part]
                          if not other_test(record, *keys)]
    return document


def _mine_in_accounting(db) -> list[list[str]]:
    rows = []
    for entity in ("account", "user", "qos"):
        rows += [row for row in db.sacctmgr("show", entity) if row[0].startswith(MINE)]
    rows += [row for row in db.sacctmgr("show", "assoc", "format=account,user")
             if any(cell.startswith(MINE) for cell in row)]
    return rows


def test_config_posted_back_unchanged_changes_nothing(db):
    before = _state(db)
    document = _config(db)
    assert {"clusters", "tres", "accounts", "users", "qos", "associations"} <= {
        part for part, records in document.items() if records}
    status, _, body = db.request("POST", "config", body=document)
    assert status == 200, body
    envelope_ok(body)
    assert list(body) == ["meta", "errors", "warnings"]
    # the cluster is there already: left as it is (adding it again would reset
    # its controller registration), which the answer says
    assert {"description": "Cluster restd exists: left as it is",
            "source": "update_clusters"} in body["warnings"]
    assert _state(db) == before


def test_config_adds_an_account_a_user_and_their_associations(db, mine):
    before = _state(db)
    document = _config(db)
    document["accounts"].append({"name": f"{MINE}acct1", "description": "from config",
                                 "organization": f"{MINE}org"})
    document["users"].append({"name": f"{MINE}user1", "administrator_level": ["Operator"],
                              "default": {"wckey": f"{MINE}wckey1"}})
    document["wckeys"].append({"name": f"{MINE}wckey2", "cluster": "restd",
                               "user": f"{MINE}user1"})
    document["associations"] += [
        {"account": f"{MINE}acct1", "cluster": "restd", "user": "",
         "parent_account": "root", "shares_raw": 5},
        {"account": f"{MINE}acct1", "cluster": "restd", "user": f"{MINE}user1",
         "is_default": True, "max": {"jobs": {"active": {"set": True, "number": 4}}}}]
    status, _, body = db.request("POST", "config", body=document)
    assert status == 200, body
    envelope_ok(body)

    assert db.sacctmgr("show", "account", f"{MINE}acct1", "format=account,descr,org") == \
        [[f"{MINE}acct1", "from config", f"{MINE}org"]]
    assert db.sacctmgr("show", "user", f"{MINE}user1",
                       "format=user,defaultaccount,adminlevel") == \
        [[f"{MINE}user1", f"{MINE}acct1", "Operator"]]
    assert sorted(db.sacctmgr("show", "assoc", f"account={MINE}acct1",
                              "format=cluster,account,user,parentname,share,maxjobs")) == [
        ["restd", f"{MINE}acct1", "", "root", "5", ""],
        ["restd", f"{MINE}acct1", f"{MINE}user1", "", "1", "4"]]
    assert sorted(db.sacctmgr("show", "wckey", f"user={MINE}user1",
                              "format=wckey,cluster,user")) == [
        [f"{MINE}wckey1", "restd", f"{MINE}user1"], [f"{MINE}wckey2", "restd", f"{MINE}user1"]]
    assert db.sacctmgr("show", "user", f"{MINE}user1", "format=defaultwckey") == \
        [[f"{MINE}wckey1"]]
    assert _state(db) == before

    # GET config shows them now, and posted back changes nothing of them either
    # (the user's inherited QOS, its default wckey, the account's parent)
    mine = _state(db, keep_mine=True)
    document = _config(db, keep_mine=True)
    assert f"{MINE}acct1" in {a["name"] for a in document["accounts"]}
    assert {(f"{MINE}acct1", ""), (f"{MINE}acct1", f"{MINE}user1")} <= {
        (a["account"], a["user"]) for a in document["associations"]}
    assert {f"{MINE}wckey1", f"{MINE}wckey2"} <= {w["name"] for w in document["wckeys"]}
    status, _, body = db.request("POST", "config", body=document)
    assert status == 200, body
    assert _state(db, keep_mine=True) == mine


def _failing_document(db, last_association: dict) -> dict:
    """A document adding an account, a user, a QOS and their associations,
    whose last association is ``last_association``."""
    document = _config(db)
    document["accounts"].append({"name": f"{MINE}acct2", "description": "d",
                                 "organization": "o"})
    document["users"].append({"name": f"{MINE}user2"})
    document["qos"].append({"name": f"{MINE}qos2", "description": "from config",
                            "priority": {"set": True, "number": 7}})
    document["associations"] += [
        {"account": f"{MINE}acct2", "cluster": "restd", "user": "",
         "parent_account": "root"},
        {"account": f"{MINE}acct2", "cluster": "restd", "user": f"{MINE}user2",
         "is_default": True},
        last_association]
    return document


def test_config_failing_in_its_last_part_keeps_nothing(db, mine):
    """The document's last association is one slurmdbd refuses, after the
    account, user, QOS and first associations of the document were written
    (on the request's connection, not committed): nothing of them is kept.

    What slurmdbd refuses there depends on its version. Up to 23.02 it
    refuses to add an association under a parent account that does not
    exist. From 23.11 on, as_mysql_add_assocs() reports no failure of the
    association it adds (it returns add_assoc_cond.rc, which its checks, the
    parent's among them, never set): the association is left out and the
    request succeeds. A modification is refused there instead: a default QOS
    the association has no access to (ESLURM_NO_REMOVE_DEFAULT_QOS, which
    slurmdbd 22.05 does not check), here a QOS made beforehand (the document
    can only name a QOS that exists when it is parsed)."""
    if db.cluster.version() >= (23, 11):
        other_qos = f"{MINE}qos_other"
        db.cluster.run("sacctmgr", "-i", "add", "qos", other_qos)
        # the user's association again, now existing: a default QOS outside
        # the QOS it has (normal, from root)
        last = {"account": f"{MINE}acct2", "cluster": "restd", "user": f"{MINE}user2",
                "default": {"qos": other_qos}}
        call, number = "slurmdb_associations_modify", 7011  # ESLURM_NO_REMOVE_DEFAULT_QOS
    else:
        other_qos = None
        last = {"account": f"{MINE}acct2x", "cluster": "restd", "user": "",
                "parent_account": f"{MINE}no_parent"}
        call, number = "slurmdb_associations_add", None
    before = _state(db)
    document = _failing_document(db, last)
    status, _, body = db.request("POST", "config", body=document)
    assert status == 500, body
    [error] = body["errors"]
    assert error["source"] == "_foreach_update_assoc"
    assert error["description"].startswith(f"{call}()")
    if number is not None:
        assert error["error_number"] == number
    # the account, user, QOS and associations of the earlier parts were rolled back
    assert [row for row in _mine_in_accounting(db) if row[0] != other_qos] == []
    assert _state(db) == before


def test_config_with_an_unknown_qos_is_refused_before_anything(db, mine):
    before = _state(db)
    document = _failing_document(db, {"account": f"{MINE}acct2", "cluster": "restd",
                                      "user": f"{MINE}user2", "partition": "debug",
                                      "qos": [f"{MINE}no_such_qos"]})
    status, _, body = db.request("POST", "config", body=document)
    assert status == 422, body
    assert body["errors"][0]["error_number"] == 2066  # ESLURM_INVALID_QOS
    assert body["errors"][0]["source"].startswith("#/associations[")
    assert _mine_in_accounting(db) == []
    assert _state(db) == before


def test_config_with_a_new_tres_is_not_supported(db, mine):
    before = _state(db)
    document = _config(db)
    document["accounts"].append({"name": f"{MINE}acct3", "description": "d",
                                 "organization": "o"})
    document["tres"].append({"type": "gres", "name": f"{MINE}gpu"})
    status, _, body = db.request("POST", "config", body=document)
    assert status == 422, body  # the document's content, not the operation, is refused
    [error] = body["errors"]
    assert error["source"] == "update_tres" and error["error_number"] == 2036
    assert f"gres/{MINE}gpu" in error["description"]
    assert _mine_in_accounting(db) == []
    assert _state(db) == before


def test_ordinary_user_is_refused_and_nothing_changes(db, mine):
    before = _state(db)
    document = _config(db)
    document["accounts"].append({"name": f"{MINE}acct4", "description": "d",
                                 "organization": "o"})
    status, _, body = db.request("POST", "config", user="alice", body=document)
    assert status == 403, body
    assert body["errors"][0]["error_number"] == 2002  # ESLURM_ACCESS_DENIED
    assert _mine_in_accounting(db) == []
    assert _state(db) == before

