"""/slurmdb/v0.0.40/qos and qos/{qos} against the real slurmdbd; effects checked
with sacctmgr."""
from __future__ import annotations

import pytest

from slurmdbd_daemon import dbd, envelope_ok, rt_cleanup, sample  # noqa: F401

pytestmark = pytest.mark.cluster


def _qos(dbd, *names):
    return {row[0]: row for row in dbd.sacctmgr(
        "show", "qos", *names, "format=name,priority,maxwall,preempt,flags,grptres")}


def test_normal_qos_equals_the_reference(dbd):
    status, _, body = dbd.request("GET", "qos/normal")
    assert status == 200
    envelope_ok(body)
    assert body["qos"] == sample("db_qos_normal")["body"]["qos"]


def test_get_qos_lists_what_sacctmgr_shows(dbd):
    status, _, body = dbd.request("GET", "qos/")
    assert status == 200
    envelope_ok(body)
    assert {q["name"] for q in body["qos"]} == set(_qos(dbd))
    status, _, body = dbd.request("GET", "qos/?preempt_mode=sometimes")
    assert status == 422 and body["errors"][0]["source"] == "#/preempt_mode"


def test_add_modify_delete_qos(dbd, rt_cleanup):
    status, _, body = dbd.request("POST", "qos/", body={"qos": [
        {"name": "rt_qos1", "description": "restd test", "priority": {"set": True,
                                                                     "number": 7},
         "limits": {"max": {"wall_clock": {"per": {"job": {"set": True, "number": 90}}},
                            "tres": {"total": [{"type": "cpu", "count": 4}]}}},
         "flags": ["DENY_LIMIT"]}]})
    assert status == 200, body
    envelope_ok(body)
    # (QOS names in a body are resolved before anything is added, as in Slurm:
    # a QOS preempting one added by the same request is refused)
    status, _, body = dbd.request("POST", "qos/", body={"qos": [
        {"name": "rt_qos2", "preempt": {"list": ["rt_qos1"], "mode": ["REQUEUE"]}}]})
    assert status == 200, body
    rows = _qos(dbd, "rt_qos1", "rt_qos2")
    assert rows["rt_qos1"][:3] == ["rt_qos1", "7", "01:30:00"]
    assert rows["rt_qos1"][4] == "DenyOnLimit"
    assert rows["rt_qos1"][5] == "cpu=4"
    assert rows["rt_qos2"][3] == "rt_qos1"

    status, _, body = dbd.request("GET", "qos/rt_qos2")
    [qos] = body["qos"]
    assert qos["preempt"]["list"] == ["rt_qos1"]
    assert qos["preempt"]["mode"] == ["REQUEUE"]
    status, _, body = dbd.request("GET", "qos/rt_qos1")
    [qos] = body["qos"]
    assert qos["limits"]["max"]["tres"]["total"] == [
        {"type": "cpu", "name": "", "id": 1, "count": 4}]
    assert qos["priority"] == {"set": True, "infinite": False, "number": 7}
    assert qos["flags"] == ["DENY_LIMIT"]

    # an existing QOS is modified
    status, _, body = dbd.request("POST", "qos/", body={"qos": [
        {"name": "rt_qos1", "priority": {"set": True, "number": 9}}]})
    assert status == 200, body
    assert _qos(dbd, "rt_qos1")["rt_qos1"][1] == "9"

    status, _, body = dbd.request("DELETE", "qos/rt_qos2")
    assert status == 200
    assert body["removed_qos"] == ["rt_qos2"]
    assert "rt_qos2" not in _qos(dbd)
    # nothing left: slurmdbd answers an empty list (not "nothing changed") before
    # 26.05; libslurmdb 26.05 reports SLURM_NO_CHANGE_IN_DATA with it, which restd, as
    # slurmrestd 26.05 (db_query_list() without ignore_empty_result), answers 304
    status, _, body = dbd.request("DELETE", "qos/rt_qos2")
    if dbd.cluster.version() >= (26, 5):
        assert status == 304 and body == ""
    else:
        assert status == 200 and body["removed_qos"] == []
        assert "found nothing" in body["warnings"][0]["description"]


def test_unknown_qos_in_a_preempt_list_is_422(dbd, rt_cleanup):
    status, _, body = dbd.request("POST", "qos/", body={"qos": [
        {"name": "rt_qos3", "preempt": {"list": ["rt_no_such_qos"]}}]})
    assert status == 422
    assert "rt_no_such_qos" in body["errors"][0]["description"]
    assert body["errors"][0]["error_number"] == 2066
    assert body["errors"][0]["error"] == "Invalid qos specification"
    assert "rt_qos3" not in _qos(dbd)


def test_ordinary_user_cannot_add_qos(dbd, rt_cleanup):
    status, _, body = dbd.request("POST", "qos/", user="alice",
                               body={"qos": [{"name": "rt_qos4"}]})
    assert status == 403
    assert "rt_qos4" not in _qos(dbd)


@pytest.mark.parametrize("path", ["qos/?id=y", "qos/?id=1,x", "associations/?id=%C3%A8",
                                  "wckeys/?id=-1", "qos/?id=4294967295"])
def test_an_id_filter_that_is_no_id_is_422_naming_it(dbd, path):
    """slurmdbd compares ids as numbers: slurmdbd 26.05 fails the whole query on one
    that is not (500 before), so restd refuses it first."""
    status, _, body = dbd.request("GET", path)
    assert status == 422, body
    [error] = body["errors"]
    assert error["source"] == "#/id" and "is not an id" in error["description"], error


def test_an_id_filter_selects_by_id(dbd):
    status, _, body = dbd.request("GET", "qos/?name=normal")
    assert status == 200, body
    [normal] = body["qos"]
    status, _, body = dbd.request("GET", f"qos/?id={normal['id']}")
    assert status == 200, body
    assert [qos["name"] for qos in body["qos"]] == ["normal"]
