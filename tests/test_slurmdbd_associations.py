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
    status, _, body = dbd.request("GET", "associations/")
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
    status, _, body = dbd.request("GET", "associations/?user=alice,bob")
    assert status == 200
    assert _as_rows(body["associations"]) == _assocs(dbd, "user=alice,bob")
    status, _, body = dbd.request("GET", "association/?account=physics&user=bob")
    assert status == 200
    assert {(a["account"], a["user"]) for a in body["associations"]} == {("physics", "bob")}
    status, _, body = dbd.request("GET", "associations/?qos=normal")
    assert status == 200
    assert _as_rows(body["associations"]) == _assocs(dbd, "qos=normal")
    status, _, body = dbd.request("GET", "associations/?user=rt_nobody")
    assert status == 200 and body["associations"] == []
    assert "found nothing" in body["warnings"][0]["description"]


def test_bad_filters_are_422_naming_the_parameter(dbd):
    for query, parameter in (("usage_start=yesterday-ish", "usage_start"),
                             ("with_deleted=maybe", "with_deleted"),
                             ("qos=rt_no_such_qos", "qos")):
        status, _, body = dbd.request("GET", f"associations/?{query}")
        assert status == 422, query
        assert body["errors"][0]["source"] == f"#/{parameter}"


def test_add_and_delete_associations(dbd, rt_cleanup):
    status, _, body = dbd.request("POST", "accounts_association/", body={
        "association_condition": {"accounts": ["rt_acct20"]},
        "account": {"description": "d", "organization": "o"}})
    assert status == 200, body
    status, _, body = dbd.request("POST", "users/", body={"users": [{"name": "rt_user20"}]})
    assert status == 200, body
    status, _, body = dbd.request("POST", "associations/", body={"associations": [
        {"account": "rt_acct20", "cluster": "restd", "user": "rt_user20",
         "qos": ["normal"]}]})
    assert status == 200, body
    envelope_ok(body)
    assert _assocs(dbd, "user=rt_user20") == {("restd", "rt_acct20", "rt_user20", "",
                                              "normal", "")}

    # posting it again sets its limits
    status, _, body = dbd.request("POST", "associations/", body={"associations": [
        {"account": "rt_acct20", "cluster": "restd", "user": "rt_user20",
         "max": {"jobs": {"active": {"set": True, "number": 3}},
                 "tres": {"per": {"job": [{"type": "cpu", "count": 2}]}}}}]})
    assert status == 200, body
    assert dbd.sacctmgr("show", "assoc", "user=rt_user20", "format=maxjobs,maxtres") == \
        [["3", "cpu=2"]]
    status, _, body = dbd.request("GET", "associations/?user=rt_user20")
    [assoc] = body["associations"]
    assert assoc["max"]["jobs"]["active"] == {"set": True, "infinite": False, "number": 3}
    assert assoc["max"]["tres"]["per"]["job"] == [
        {"type": "cpu", "name": "", "id": 1, "count": 2}]

    status, _, body = dbd.request("DELETE", "association/?user=rt_user20&account=rt_acct20")
    assert status == 200
    envelope_ok(body)
    assert len(body["removed_associations"]) == 1
    assert "rt_user20" in body["removed_associations"][0]
    assert _assocs(dbd, "user=rt_user20") == set()
    status, _, body = dbd.request("DELETE", "association/?user=rt_user20&account=rt_acct20")
    assert status == 304


def test_ordinary_user_cannot_delete_associations(dbd):
    before = _assocs(dbd, "user=bob")
    status, _, body = dbd.request("DELETE", "associations/?user=bob", user="alice")
    assert status == 403
    assert body["errors"][0]["error_number"] == 2002
    assert _assocs(dbd, "user=bob") == before


def test_deleting_without_a_condition_is_refused(dbd):
    """slurmdbd would remove every association: restd refuses (422)."""
    before = _assocs(dbd)
    for path in ("associations/", "association/?with_deleted=true"):
        status, _, body = dbd.request("DELETE", path)
        assert status == 422
        assert "without a condition" in body["errors"][0]["description"]
    assert _assocs(dbd) == before


def _hierarchy(dbd):
    """rt_acct40 (MaxJobs 7) > rt_acct41, rt_acct42; rt_user40 in rt_acct41
    (its default) and rt_acct42."""
    for account, parent, limits in (("rt_acct40", "root", {"max": {"jobs": {"active": {
            "set": True, "number": 7}}}}), ("rt_acct41", "rt_acct40", {}),
            ("rt_acct42", "root", {})):
        status, _, body = dbd.request("POST", "accounts_association/", body={
            "association_condition": {"accounts": [account],
                                      "association": {"parent": parent}},
            "account": {"description": "d", "organization": "o"}})
        assert status == 200, body
        if limits:
            status, _, body = dbd.request("POST", "associations/", body={"associations": [
                {"account": account, "cluster": "restd", "user": "", **limits}]})
            assert status == 200, body
    status, _, body = dbd.request("POST", "users_association/", body={
        "association_condition": {"accounts": ["rt_acct41", "rt_acct42"],
                                  "users": ["rt_user40"]},
        "user": {"defaultaccount": "rt_acct41"}})
    assert status == 200, body


def _get(dbd, query):
    status, _, body = dbd.request("GET", f"associations/?{query}")
    assert status == 200, body
    return {(a["account"], a["user"]): a for a in body["associations"]}


def test_query_flags_reach_slurmdbd(dbd, rt_cleanup):
    _hierarchy(dbd)
    assert set(_get(dbd, "user=rt_user40")) == {("rt_acct41", "rt_user40"),
                                                ("rt_acct42", "rt_user40")}
    assert set(_get(dbd, "user=rt_user40&only_defaults=true")) == \
        {("rt_acct41", "rt_user40")}

    assert set(_get(dbd, "account=rt_acct40")) == {("rt_acct40", "")}
    assert set(_get(dbd, "account=rt_acct40&with_sub_accts=true")) == {
        ("rt_acct40", ""), ("rt_acct41", ""), ("rt_acct41", "rt_user40")}

    # the parent's limit and QOS show on its children, unless asked not to
    unlimited = {"set": False, "infinite": True, "number": 0}
    plain = _get(dbd, "account=rt_acct41")
    assert plain[("rt_acct41", "")]["parent_account"] == "rt_acct40"
    for assoc in plain.values():
        assert assoc["max"]["jobs"]["active"] == {"set": True, "infinite": False,
                                                  "number": 7}
        assert assoc["qos"] == ["normal"]
    for assoc in _get(dbd, "account=rt_acct41&without_parent_limits=true").values():
        assert assoc["max"]["jobs"]["active"] == unlimited
        assert assoc["qos"] == []
    without_info = _get(dbd, "account=rt_acct41&without_parent_info=true")
    assert without_info[("rt_acct41", "")]["parent_account"] == ""
    assert without_info[("rt_acct41", "rt_user40")]["max"]["jobs"]["active"] == unlimited


def test_with_usage_adds_the_usage_of_the_period(dbd):
    """with_usage, usage_start and usage_end reach slurmdbd: the associations'
    accounting records of the period, their CPU seconds as sreport counts them.
    Usage exists only once slurmdbd's hourly rollup has seen jobs; the period
    ends an hour before the current one, which is rolled up."""
    import time
    end = int(time.time()) // 3600 * 3600 - 3600
    start = end - 12 * 3600

    def local(stamp):
        return time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(stamp))
    report = dbd.cluster.run("sreport", "-n", "-P", "-t", "seconds", "cluster",
                             "AccountUtilizationByUser", f"start={local(start)}",
                             f"end={local(end)}").stdout
    # cluster|account|login|proper name|used|energy: CPU seconds by association
    rows = [line.split("|") for line in report.splitlines() if line.strip()]
    used = {(row[1], row[2]): int(row[4]) for row in rows if int(row[4])}
    period = f"usage_start={start}&usage_end={end}"
    with_usage = _get(dbd, f"with_usage=true&{period}")
    cpu_seconds = {key: sum(record["allocated"]["seconds"] for record in a["accounting"]
                            if record["TRES"]["id"] == 1)
                   for key, a in with_usage.items()}
    # the same usage as sreport's; on a cluster younger than the period (CI's fresh
    # one) both show none
    assert {key: seconds for key, seconds in cpu_seconds.items() if seconds} == used
    if used:
        record = next(r for a in with_usage.values() for r in a["accounting"])
        assert start <= record["start"] < end
        assert list(record) == ["allocated", "id", "start", "TRES"]
    assert all(a["accounting"] == [] for a in _get(dbd, period).values())


def test_one_association_only(dbd, rt_cleanup):
    """association/ answers for one association: more is an error, and a
    removal that would take more removes nothing."""
    _hierarchy(dbd)
    status, _, body = dbd.request("GET", "association/?user=rt_user40")
    assert status == 422, body  # slurmrestd: 500, for a request naming too much
    assert body["errors"][0]["description"] == \
        "Ambiguous request: More than 1 association would have been dumped."
    # rt_acct42's association and rt_user40's in it
    status, _, body = dbd.request("DELETE", "association/?account=rt_acct42")
    assert status == 422, body
    assert body["errors"][0]["description"] == \
        "ambiguous request: More than 1 association would have been deleted."
    assert _assocs(dbd, "account=rt_acct42") == {
        ("restd", "rt_acct42", "", "", "normal", ""),
        ("restd", "rt_acct42", "rt_user40", "", "normal", "")}
    status, _, body = dbd.request("DELETE", "association/?user=rt_user40&account=rt_acct42")
    assert status == 200, body
    assert len(body["removed_associations"]) == 1
    assert _assocs(dbd, "user=rt_user40") == {
        ("restd", "rt_acct41", "rt_user40", "", "normal", "")}


def test_posting_an_association_sets_what_is_given(dbd, rt_cleanup):
    """A TRES limit given replaces the current one (its TRES not listed are
    removed); a value equal to the one shown, inherited ones included, is no
    change; what is not given stays."""
    _hierarchy(dbd)
    key = {"account": "rt_acct42", "cluster": "restd", "user": ""}
    status, _, body = dbd.request("POST", "associations/", body={"associations": [
        {**key, "max": {"tres": {"per": {"job": [{"type": "cpu", "count": 2},
                                                 {"type": "mem", "count": 100}]}},
                        "jobs": {"total": {"set": True, "number": 9}}}}]})
    assert status == 200, body
    assert dbd.sacctmgr("show", "assoc", "account=rt_acct42", "user=", "format=maxtres,maxsubmit") \
        == [["cpu=2,mem=100M", "9"]]
    status, _, body = dbd.request("POST", "associations/", body={"associations": [
        {**key, "max": {"tres": {"per": {"job": [{"type": "cpu", "count": 3}]}}}}]})
    assert status == 200, body
    assert dbd.sacctmgr("show", "assoc", "account=rt_acct42", "user=", "format=maxtres,maxsubmit") \
        == [["cpu=3", "9"]]

    # rt_user40's association in rt_acct41 as GET shows it (MaxJobs 7 and QOS
    # normal inherited from rt_acct40) posts back without pinning either on it
    status, _, body = dbd.request("GET", "associations/?account=rt_acct41&user=rt_user40")
    [shown] = body["associations"]
    assert shown["max"]["jobs"]["active"]["number"] == 7 and shown["qos"] == ["normal"]
    status, _, body = dbd.request("POST", "associations/", body={"associations": [shown]})
    assert status == 200, body
    own = _get(dbd, "account=rt_acct41&user=rt_user40&without_parent_limits=true")
    assert own[("rt_acct41", "rt_user40")]["max"]["jobs"]["active"] == \
        {"set": False, "infinite": True, "number": 0}
    assert own[("rt_acct41", "rt_user40")]["qos"] == []
