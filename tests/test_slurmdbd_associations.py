"""/slurmdb/v0.0.40/associations and association against the real slurmdbd;
effects checked with sacctmgr."""
from __future__ import annotations

import pytest

from slurmdbd_daemon import dbd, envelope_ok, key_shape, rt_cleanup, sample  # noqa: F401

pytestmark = pytest.mark.cluster


def _assocs(dbd, *where):
    return {tuple(row) for row in dbd.sacctmgr(
        "show", "assoc", *where, "format=cluster,account,user,partition,qos,defaultqos")}


def _as_rows(associations):
    return {(a["cluster"], a["account"], a["user"], a["partition"], ",".join(a["qos"]),
             a["default"]["qos"]) for a in associations}


def test_get_associations_match_sacctmgr(dbd):
    status, body = dbd.request("GET", "associations/")
    assert status == 200
    envelope_ok(body)
    assert _as_rows(body["associations"]) == _assocs(dbd)
    reference = sample("db_associations")["body"]
    assert list(body) == list(reference)
    ours = next(a for a in body["associations"] if a["user"] == "alice")
    theirs = next(a for a in reference["associations"] if a["user"])
    assert key_shape(ours) == key_shape(theirs)
    assert list(ours) == list(theirs)
    # ids are the association's own, qos by name (as the reference)
    assert ours["id"]["user"] == "alice" and ours["id"]["id"] > 0
    assert ours["qos"] == ["normal"]
    assert ours["max"]["jobs"]["active"] == {"set": False, "infinite": True, "number": 0}


def test_filters(dbd):
    status, body = dbd.request("GET", "associations/?user=alice,bob")
    assert status == 200
    assert _as_rows(body["associations"]) == _assocs(dbd, "user=alice,bob")
    status, body = dbd.request("GET", "association/?account=physics&user=bob")
    assert status == 200
    assert {(a["account"], a["user"]) for a in body["associations"]} == {("physics", "bob")}
    status, body = dbd.request("GET", "associations/?qos=normal")
    assert status == 200
    assert _as_rows(body["associations"]) == _assocs(dbd, "qos=normal")
    status, body = dbd.request("GET", "associations/?user=rt_nobody")
    assert status == 200 and body["associations"] == []
    assert "found nothing" in body["warnings"][0]["description"]


def test_bad_filters_are_422_naming_the_parameter(dbd):
    for query, parameter in (("usage_start=yesterday-ish", "usage_start"),
                             ("with_deleted=maybe", "with_deleted"),
                             ("qos=rt_no_such_qos", "qos")):
        status, body = dbd.request("GET", f"associations/?{query}")
        assert status == 422, query
        assert body["errors"][0]["source"] == f"#/{parameter}"


def test_add_and_delete_associations(dbd, rt_cleanup):
    status, body = dbd.request("POST", "accounts_association/", body={
        "association_condition": {"accounts": ["rt_acct20"]},
        "account": {"description": "d", "organization": "o"}})
    assert status == 200, body
    status, body = dbd.request("POST", "users/", body={"users": [{"name": "rt_user20"}]})
    assert status == 200, body
    status, body = dbd.request("POST", "associations/", body={"associations": [
        {"account": "rt_acct20", "cluster": "restd", "user": "rt_user20",
         "qos": ["normal"]}]})
    assert status == 200, body
    envelope_ok(body)
    assert _assocs(dbd, "user=rt_user20") == {("restd", "rt_acct20", "rt_user20", "",
                                              "normal", "")}

    # posting it again sets its limits
    status, body = dbd.request("POST", "associations/", body={"associations": [
        {"account": "rt_acct20", "cluster": "restd", "user": "rt_user20",
         "max": {"jobs": {"active": {"set": True, "number": 3}},
                 "tres": {"per": {"job": [{"type": "cpu", "count": 2}]}}}}]})
    assert status == 200, body
    assert dbd.sacctmgr("show", "assoc", "user=rt_user20", "format=maxjobs,maxtres") == \
        [["3", "cpu=2"]]
    status, body = dbd.request("GET", "associations/?user=rt_user20")
    [assoc] = body["associations"]
    assert assoc["max"]["jobs"]["active"] == {"set": True, "infinite": False, "number": 3}
    assert assoc["max"]["tres"]["per"]["job"] == [
        {"type": "cpu", "name": "", "id": 1, "count": 2}]

    status, body = dbd.request("DELETE", "association/?user=rt_user20&account=rt_acct20")
    assert status == 200
    envelope_ok(body)
    assert len(body["removed_associations"]) == 1
    assert "rt_user20" in body["removed_associations"][0]
    assert _assocs(dbd, "user=rt_user20") == set()
    status, body = dbd.request("DELETE", "association/?user=rt_user20&account=rt_acct20")
    assert status == 304


def test_ordinary_user_cannot_delete_associations(dbd):
    before = _assocs(dbd, "user=bob")
    status, body = dbd.request("DELETE", "associations/?user=bob", user="alice")
    assert status == 403
    assert body["errors"][0]["error_number"] == 2002
    assert _assocs(dbd, "user=bob") == before


def test_deleting_without_a_condition_is_refused(dbd):
    """slurmdbd would remove every association: restd refuses (422)."""
    before = _assocs(dbd)
    for path in ("associations/", "association/?with_deleted=true"):
        status, body = dbd.request("DELETE", path)
        assert status == 422
        assert "without a condition" in body["errors"][0]["description"]
    assert _assocs(dbd) == before
