"""/slurmdb/v0.0.40/accounts, account/{name} and accounts_association against the
real slurmdbd (restd as the restd user, SLURM_JWT=daemon, root's token for
administration as in the reference samples); effects checked with sacctmgr."""
from __future__ import annotations

import re

import pytest

from slurmdbd_daemon import dbd, envelope_ok, key_shape, rt_cleanup, sample  # noqa: F401

pytestmark = pytest.mark.cluster

FOUND_NOTHING = re.compile(r"^slurmdb_accounts_get\(\) found nothing$")


def _accounts(dbd):
    return {row[0]: row for row in dbd.sacctmgr("show", "account",
                                                "format=account,descr,org")}


def test_get_accounts_lists_what_sacctmgr_shows(dbd):
    status, _, body = dbd.request("GET", "accounts/")
    assert status == 200
    envelope_ok(body)
    assert body["warnings"] == []
    expected = _accounts(dbd)
    assert {a["name"] for a in body["accounts"]} == set(expected)
    for account in body["accounts"]:
        row = expected[account["name"]]
        assert [account["name"], account["description"], account["organization"]] == row
        assert account["associations"] == [] and account["coordinators"] == []
        assert account["flags"] == []
    # the reference's shape, key for key and in order
    reference = sample("db_accounts")["body"]
    assert list(body) == list(reference)
    assert key_shape(body["accounts"][0]) == key_shape(reference["accounts"][0])
    assert list(body["accounts"][0]) == list(reference["accounts"][0])


def test_get_one_account(dbd):
    status, _, body = dbd.request("GET", "account/test")
    assert status == 200
    envelope_ok(body)
    [account] = body["accounts"]
    assert account["name"] == "test"
    assert [account["name"], account["description"], account["organization"]] == \
        _accounts(dbd)["test"]
    assert key_shape(body["accounts"]) == key_shape(sample("db_account_test")["body"]["accounts"])


def test_missing_account_is_empty_with_a_warning(dbd):
    status, _, body = dbd.request("GET", "account/rt_nope")
    assert status == 200
    assert body["accounts"] == [] and body["errors"] == []
    [warning] = body["warnings"]
    assert FOUND_NOTHING.match(warning["description"])
    assert warning["source"] == "_dump_accounts"
    reference = sample("db_account_missing")["body"]["warnings"][0]
    assert warning["source"] == reference["source"]
    # slurmrestd shows the connection's heap address there; restd names the call only
    assert re.match(r"^slurmdb_accounts_get\(0x[0-9a-f]+\) found nothing$",
                    reference["description"])


def test_account_with_associations(dbd):
    status, _, body = dbd.request("GET", "account/test?with_assocs=true&with_coords=1")
    assert status == 200
    envelope_ok(body)
    [account] = body["accounts"]
    expected = {(row[0], row[1], row[2]) for row in dbd.sacctmgr(
        "show", "assoc", "account=test", "format=cluster,account,user")}
    assert {(a["cluster"], a["account"], a["user"]) for a in account["associations"]} == \
        expected
    assert all(set(a) == {"account", "cluster", "partition", "user", "id"}
               for a in account["associations"])


def test_add_then_delete_an_account(dbd, rt_cleanup):
    status, _, body = dbd.request("POST", "accounts/", body={"accounts": [
        {"name": "rt_acct1", "description": "restd test", "organization": "rt_org"}]})
    assert status == 200, body
    envelope_ok(body)
    assert set(body) == set(sample("db_add_account")["body"])
    assert _accounts(dbd)["rt_acct1"] == ["rt_acct1", "restd test", "rt_org"]

    status, _, body = dbd.request("DELETE", "account/rt_acct1")
    assert status == 200
    envelope_ok(body)
    assert body["removed_accounts"] == ["rt_acct1"]
    assert list(body) == list(sample("db_del_account")["body"])
    assert "rt_acct1" not in _accounts(dbd)

    # nothing left to delete: 304 without a body
    status, _, body = dbd.request("DELETE", "account/rt_acct1")
    assert status == 304 and body == ""


def test_a_failed_request_commits_nothing(dbd, rt_cleanup):
    """The first account is added, slurmdbd refuses the second (no
    description): the whole request is rolled back."""
    status, _, body = dbd.request("POST", "accounts/", body={"accounts": [
        {"name": "rt_acct2", "description": "d", "organization": "o"},
        {"name": "rt_acct3", "description": "", "organization": ""}]})
    assert status >= 400, body
    assert body["errors"][0]["source"] == "_foreach_update_acct"
    assert body["errors"][0]["description"].startswith("slurmdb_accounts_add(")
    accounts = _accounts(dbd)
    assert "rt_acct2" not in accounts and "rt_acct3" not in accounts


def _coordinators(dbd, account):
    rows = dbd.sacctmgr("show", "account", account, "withcoord", "format=account,coord")
    return sorted(c for row in rows for c in row[1].split(",") if c)


def test_modify_an_account_and_its_coordinators(dbd, rt_cleanup):
    for name in ("rt_user7", "rt_user8"):
        status, _, body = dbd.request("POST", "users/", body={"users": [{"name": name}]})
        assert status == 200, body
    status, _, body = dbd.request("POST", "accounts/", body={"accounts": [
        {"name": "rt_acct7", "description": "first", "organization": "o1",
         "coordinators": [{"name": "rt_user7"}]}]})
    assert status == 200, body
    assert _accounts(dbd)["rt_acct7"] == ["rt_acct7", "first", "o1"]
    assert _coordinators(dbd, "rt_acct7") == ["rt_user7"]

    # the same name again modifies it: new description and coordinators
    status, _, body = dbd.request("POST", "accounts/", body={"accounts": [
        {"name": "rt_acct7", "description": "second", "organization": "o2",
         "coordinators": [{"name": "rt_user8"}]}]})
    assert status == 200, body
    envelope_ok(body)
    assert _accounts(dbd)["rt_acct7"] == ["rt_acct7", "second", "o2"]
    assert _coordinators(dbd, "rt_acct7") == ["rt_user8"]

    status, _, body = dbd.request("GET", "account/rt_acct7?with_coords=true")
    assert [(c["name"], c["direct"]) for c in body["accounts"][0]["coordinators"]] == \
        [("rt_user8", True)]


def test_ordinary_user_cannot_add_or_delete_accounts(dbd, rt_cleanup):
    status, _, body = dbd.request("POST", "accounts/", user="alice", body={"accounts": [
        {"name": "rt_acct4", "description": "d", "organization": "o"}]})
    assert status == 403
    [error] = body["errors"]
    assert error["error_number"] == 2002
    assert error["error"] == "Access/permission denied"
    assert error["description"] == "slurmdb_accounts_add() failed"
    assert "rt_acct4" not in _accounts(dbd)

    status, _, body = dbd.request("DELETE", "account/physics", user="alice")
    assert status == 403
    assert body["errors"][0]["error_number"] == 2002
    assert "physics" in _accounts(dbd)


def test_ordinary_user_can_read(dbd):
    status, _, body = dbd.request("GET", "accounts/", user="alice")
    assert status == 200
    assert body["meta"]["client"]["user"] == "alice"
    assert {a["name"] for a in body["accounts"]} >= {"test", "physics"}


def test_bad_query_is_422_naming_the_parameter(dbd):
    status, _, body = dbd.request("GET", "accounts/?with_deleted=perhaps")
    assert status == 422
    [error] = body["errors"]
    assert error["source"] == "#/with_deleted"
    assert "with_deleted" in error["description"]
    assert error["error_number"] == 9000


def test_body_missing_a_required_field_is_422(dbd, rt_cleanup):
    status, _, body = dbd.request("POST", "accounts/", body={"accounts": [
        {"description": "no name", "organization": "o"}]})
    assert status == 422
    assert any("name" in e["description"] for e in body["errors"])


def test_accounts_association_adds_account_and_association(dbd, rt_cleanup):
    request = {"association_condition": {"accounts": ["rt_acct5"], "clusters": ["restd"]},
               "account": {"description": "rt five", "organization": "rt_org"}}
    status, _, body = dbd.request("POST", "accounts_association/", body=request)
    assert status == 200, body
    envelope_ok(body)
    assert "rt_acct5" in body["added_accounts"]
    assert _accounts(dbd)["rt_acct5"] == ["rt_acct5", "rt five", "rt_org"]
    assert dbd.sacctmgr("show", "assoc", "account=rt_acct5",
                        "format=cluster,account,user,parentname") == \
        [["restd", "rt_acct5", "", "root"]]
    # again: nothing changed
    status, _, body = dbd.request("POST", "accounts_association/", body=request)
    assert status == 304
