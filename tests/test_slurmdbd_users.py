"""/slurmdb/v0.0.40/users, user/{name} and users_association against the real
slurmdbd; effects checked with sacctmgr."""
from __future__ import annotations

import re

import pytest

from slurmdbd_daemon import dbd, envelope_ok, key_shape, rt_cleanup, sample  # noqa: F401

pytestmark = pytest.mark.cluster

ADMIN = {"None": "None", "Operator": "Operator", "Administrator": "Administrator"}


def _users(dbd):
    return {row[0]: row for row in dbd.sacctmgr("show", "user",
                                                "format=user,defaultaccount,adminlevel")}


def _account_with_association(dbd, name):
    status, _, body = dbd.request("POST", "accounts_association/", body={
        "association_condition": {"accounts": [name]},
        "account": {"description": name, "organization": "rt_org"}})
    assert status == 200, body


def test_get_users_lists_what_sacctmgr_shows(dbd):
    status, _, body = dbd.request("GET", "users/")
    assert status == 200
    envelope_ok(body)
    expected = _users(dbd)
    assert {u["name"] for u in body["users"]} == set(expected)
    for user in body["users"]:
        name, default_account, admin = expected[user["name"]]
        # slurmdbd fills in default accounts only with the associations (the
        # reference shows root's as "" too)
        assert user["default"]["account"] == ""
        assert user["administrator_level"] == [admin]
        assert user["flags"] == ["NONE"]
    status, _, body_assocs = dbd.request("GET", "users/?with_assocs=true")
    assert status == 200
    for user in body_assocs["users"]:
        assert user["default"]["account"] == expected[user["name"]][1]
    reference = sample("db_users")["body"]
    assert list(body) == list(reference)
    assert list(body["users"][0]) == list(reference["users"][0])
    assert key_shape(body["users"][0]) == key_shape(reference["users"][0])


def test_get_users_filtered_by_admin_level(dbd):
    status, _, body = dbd.request("GET", "users/?admin_level=Administrator")
    assert status == 200
    expected = {name for name, row in _users(dbd).items() if row[2] == "Administrator"}
    assert {u["name"] for u in body["users"]} == expected
    status, _, body = dbd.request("GET", "users/?admin_level=emperor")
    assert status == 422 and body["errors"][0]["source"] == "#/admin_level"


def test_get_one_user_with_associations(dbd):
    status, _, body = dbd.request("GET", "user/alice?with_assocs=true")
    assert status == 200
    envelope_ok(body)
    [user] = body["users"]
    assert user["name"] == "alice" and user["default"]["account"] == "test"
    expected = {tuple(row) for row in dbd.sacctmgr("show", "assoc", "user=alice",
                                                    "format=cluster,account,user,partition")}
    assert {(a["cluster"], a["account"], a["user"], a["partition"])
            for a in user["associations"]} == expected
    assert key_shape(user) == key_shape({**sample("db_user_rest")["body"]["users"][0],
                                         "associations": user["associations"]})


def test_missing_user_is_empty_with_a_warning(dbd):
    status, _, body = dbd.request("GET", "user/rt_nobody")
    assert status == 200
    assert body["users"] == []
    [warning] = body["warnings"]
    assert re.match(r"^slurmdb_users_get\(\) found nothing$",
                    warning["description"])


def test_users_association_adds_user_then_delete(dbd, rt_cleanup):
    _account_with_association(dbd, "rt_acct10")
    request = {"association_condition": {"accounts": ["rt_acct10"], "users": ["rt_user10"]},
               "user": {"defaultaccount": "rt_acct10"}}
    status, _, body = dbd.request("POST", "users_association/", body=request)
    assert status == 200, body
    envelope_ok(body)
    assert "rt_user10" in body["added_users"]
    assert _users(dbd)["rt_user10"] == ["rt_user10", "rt_acct10", "None"]
    assert dbd.sacctmgr("show", "assoc", "user=rt_user10", "format=cluster,account,user") == \
        [["restd", "rt_acct10", "rt_user10"]]

    # the same again changes nothing: 304 without a body (as db_add_user)
    status, _, body = dbd.request("POST", "users_association/", body=request)
    assert status == 304 and body == ""
    assert sample("db_add_user")["status"] == 304

    status, _, body = dbd.request("DELETE", "user/rt_user10")
    assert status == 200
    envelope_ok(body)
    assert body["removed_users"] == ["rt_user10"]
    assert "rt_user10" not in _users(dbd)
    # nothing left: 304 (as db_del_user)
    status, _, body = dbd.request("DELETE", "user/rt_user10")
    assert status == 304 and body == ""


def test_users_association_needs_an_account_association(dbd, rt_cleanup):
    """As the reference's db_add_user (capacct had no association): nothing is
    added, 304, and the user does not exist afterwards (db_del_user: 304)."""
    status, _, body = dbd.request("POST", "accounts/", body={"accounts": [
        {"name": "rt_acct11", "description": "no association", "organization": "o"}]})
    assert status == 200, body
    request = {"association_condition": {"accounts": ["rt_acct11"], "users": ["rt_user11"]},
               "user": {"default": {"account": "rt_acct11"}}}
    assert request == {**sample("db_add_user")["request"]["body"],
                       "association_condition": {"accounts": ["rt_acct11"],
                                                 "users": ["rt_user11"]},
                       "user": {"default": {"account": "rt_acct11"}}}
    status, _, body = dbd.request("POST", "users_association/", body=request)
    assert status == 304 and body == ""
    assert "rt_user11" not in _users(dbd)
    status, _, body = dbd.request("DELETE", "user/rt_user11")
    assert status == 304 and body == ""


def test_post_users_adds_and_modifies(dbd, rt_cleanup):
    status, _, body = dbd.request("POST", "users/", body={"users": [
        {"name": "rt_user12", "administrator_level": ["Operator"]}]})
    assert status == 200, body
    envelope_ok(body)
    assert _users(dbd)["rt_user12"][2] == "Operator"
    status, _, body = dbd.request("POST", "users/", body={"users": [
        {"name": "rt_user12", "administrator_level": ["None"]}]})
    assert status == 200, body
    assert _users(dbd)["rt_user12"][2] == "None"


def test_ordinary_user_cannot_change_users(dbd, rt_cleanup):
    status, _, body = dbd.request("DELETE", "user/bob", user="alice")
    assert status == 403
    assert body["errors"][0]["error_number"] == 2002
    assert "bob" in _users(dbd)
    status, _, body = dbd.request("POST", "users/", user="alice", body={"users": [
        {"name": "rt_user13"}]})
    assert status == 403
    assert "rt_user13" not in _users(dbd)


def test_operator_may_add_accounts(dbd, rt_cleanup):
    """oper is an Operator: slurmdbd lets operators add accounts (what a user may
    do is slurmdbd's decision, restd only passes the request on as that user)."""
    # conf/cluster/cluster.sh makes oper an Operator
    assert _users(dbd)["oper"][2] == "Operator"
    status, _, body = dbd.request("POST", "accounts/", user="oper", body={"accounts": [
        {"name": "rt_acct14", "description": "d", "organization": "o"}]})
    assert status == 200, body
    assert dbd.sacctmgr("show", "account", "rt_acct14", "format=account") == [["rt_acct14"]]


def test_post_users_renames_a_user_with_old_name(dbd, rt_cleanup):
    """old_name renames (sacctmgr modify user name=X set newname=Y): the user's
    associations follow; the rest of the record is then set on the new name."""
    _account_with_association(dbd, "rt_acct15")
    status, _, body = dbd.request("POST", "users_association/", body={
        "association_condition": {"accounts": ["rt_acct15"], "users": ["rt_user15"]},
        "user": {}})
    assert status == 200, body
    status, _, body = dbd.request("POST", "users/", body={"users": [
        {"name": "rt_user15b", "old_name": "rt_user15"}]})
    assert status == 200, body
    envelope_ok(body)
    assert body["warnings"] == []
    users = _users(dbd)
    assert "rt_user15" not in users
    assert users["rt_user15b"] == ["rt_user15b", "rt_acct15", "None"]
    assert dbd.sacctmgr("show", "assoc", "account=rt_acct15", "format=account,user") == \
        [["rt_acct15", ""], ["rt_acct15", "rt_user15b"]]

    # renamed and modified in one record
    status, _, body = dbd.request("POST", "users/", body={"users": [
        {"name": "rt_user15c", "old_name": "rt_user15b", "administrator_level": ["Operator"],
         "default": {"account": "rt_acct15"}}]})
    assert status == 200, body
    users = _users(dbd)
    assert "rt_user15b" not in users
    assert users["rt_user15c"] == ["rt_user15c", "rt_acct15", "Operator"]

    # "" is no rename (as Slurm): the user named is added
    status, _, body = dbd.request("POST", "users/", body={"users": [
        {"name": "rt_user16", "old_name": ""}]})
    assert status == 200, body
    assert "rt_user16" in _users(dbd)


def test_renaming_a_missing_user_or_onto_another_fails_and_changes_nothing(dbd, rt_cleanup):
    status, _, body = dbd.request("POST", "users/", body={"users": [
        {"name": "rt_user17"}, {"name": "rt_user18"}]})
    assert status == 200, body
    before = _users(dbd)
    status, _, body = dbd.request("POST", "users/", body={"users": [
        {"name": "rt_user19", "old_name": "rt_nobody"}]})
    assert status == 404, body
    assert body["errors"][0] == {
        "description": "Unable to rename non-existant user rt_nobody to rt_user19",
        "error_number": 2010, "error": body["errors"][0]["error"],
        "source": "_foreach_update_user"}
    # the first rename of the request is rolled back with the failing second
    status, _, body = dbd.request("POST", "users/", body={"users": [
        {"name": "rt_user19", "old_name": "rt_user17"},
        {"name": "rt_user19", "old_name": "rt_user18"}]})
    assert status == 409, body
    assert body["errors"][0]["description"] == \
        "Unable to rename user rt_user18 to existing rt_user19"
    assert _users(dbd) == before
