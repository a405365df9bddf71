"""The /slurmdb/ query read per version against the real slurmdbd: restd serving
v0.0.40, v0.0.41 and v0.0.42 at once reads each request's query with its version's
query kind (as slurmrestd 24.11 does), so a parameter a later version renamed or
added filters in slurmdbd under its new name, the old name is an unknown parameter
there (ignored with a warning, as Slurm's parser does), and v0.0.40's names still
filter. Effects are checked with what slurmdbd answers, set up with sacctmgr."""
from __future__ import annotations

import os
from urllib.parse import quote

import pytest

from conftest import AllVersionsDaemon
from slurmdbd_daemon import rt_cleanup  # noqa: F401

pytestmark = [pytest.mark.cluster, pytest.mark.timeout(300)]

USER = "rt_dbq_user"
DEFAULT_ACCOUNT, OTHER_ACCOUNT = "rt_dbq_acct1", "rt_dbq_acct2"


@pytest.fixture(scope="module")
def daemon(cluster, tmp_path_factory):
    directory = tmp_path_factory.mktemp("restd-dbquery")
    os.chmod(directory, 0o755)
    started = AllVersionsDaemon(cluster, directory).start()
    yield started
    started.stop()


@pytest.fixture
def two_accounts(cluster, rt_cleanup):  # noqa: F811
    """A user with associations in two accounts, the first its default."""
    cluster.run("sacctmgr", "-i", "add", "account", f"{DEFAULT_ACCOUNT},{OTHER_ACCOUNT}",
                "cluster=restd")
    cluster.run("sacctmgr", "-i", "add", "user", USER,
                f"account={DEFAULT_ACCOUNT},{OTHER_ACCOUNT}",
                f"defaultaccount={DEFAULT_ACCOUNT}", "cluster=restd")


def _get(daemon, version: str, path: str, *parameters: str):
    query = "&".join(parameters)
    status, _, body = daemon.request("GET", f"/slurmdb/{version}/{path}?{query}", user="root")
    return status, body


def _unknown(body) -> set[str]:
    return {w["source"][2:] for w in body["warnings"]
            if w["description"].startswith("Ignoring unknown query parameter")}


def _user_accounts(daemon, version, *parameters) -> tuple[set[str], set[str]]:
    status, body = _get(daemon, version, "associations/", f"user={USER}", *parameters)
    assert status == 200, body
    return {a["account"] for a in body["associations"]}, _unknown(body)


ONLY_DEFAULTS_V42 = quote("Filter to only defaults")


def test_v0042_association_flags_named_by_their_description_filter(daemon, two_accounts):
    both = {DEFAULT_ACCOUNT, OTHER_ACCOUNT}
    assert _user_accounts(daemon, "v0.0.42") == (both, set())
    # ASSOC_CONDITION_FLAGS exploded: the flag's description is the parameter
    assert _user_accounts(daemon, "v0.0.42", f"{ONLY_DEFAULTS_V42}=true") == (
        {DEFAULT_ACCOUNT}, set())
    assert _user_accounts(daemon, "v0.0.42", ONLY_DEFAULTS_V42) == ({DEFAULT_ACCOUNT}, set())
    # v0.0.40's name is no parameter of v0.0.42: ignored, nothing filtered
    assert _user_accounts(daemon, "v0.0.42", "only_defaults=true") == (
        both, {"only_defaults"})
    # and v0.0.40 still reads its own name, not v0.0.42's
    assert _user_accounts(daemon, "v0.0.40", "only_defaults=true") == ({DEFAULT_ACCOUNT},
                                                                       set())
    assert _user_accounts(daemon, "v0.0.40", f"{ONLY_DEFAULTS_V42}=true") == (
        both, {"Filter to only defaults"})
    # v0.0.41 keeps v0.0.40's association query
    assert _user_accounts(daemon, "v0.0.41", "only_defaults=true") == ({DEFAULT_ACCOUNT},
                                                                       set())


def _account_associations(daemon, version, *parameters):
    status, body = _get(daemon, version, "accounts/", *parameters)
    assert status == 200, body
    [account] = [a for a in body["accounts"] if a["name"] == DEFAULT_ACCOUNT]
    return {(a["account"], a["user"]) for a in account["associations"]}, _unknown(body)


def test_v0041_account_flags_exploded_filter(daemon, two_accounts):
    """v0.0.41 lists ACCOUNT_FLAGS one parameter per flag: WithAssociations is
    v0.0.40's with_assocs."""
    associations = {(DEFAULT_ACCOUNT, ""), (DEFAULT_ACCOUNT, USER)}
    assert _account_associations(daemon, "v0.0.41") == (set(), set())
    for version in ("v0.0.41", "v0.0.42"):
        assert _account_associations(daemon, version, "WithAssociations=true") == (
            associations, set())
        assert _account_associations(daemon, version, "with_assocs=true") == (
            set(), {"with_assocs"})
    assert _account_associations(daemon, "v0.0.40", "with_assocs=true") == (
        associations, set())
    assert _account_associations(daemon, "v0.0.40", "WithAssociations=true") == (
        set(), {"WithAssociations"})


def test_v0042_cluster_classification_renamed(daemon):
    """CLUSTER_CLASSIFICATION's "CAPAPACITY (both CAPABILITY and CAPACITY)" is
    "CAPAPACITY" in v0.0.42; the local cluster is unclassified, so neither finds it,
    and a name the version lacks is refused. Its flags still filter; FRONT_END is
    v0.0.40's only (slurmrestd 26.05's v0.0.42 lists no CLUSTER_FLAG_FE: refused)."""
    for version, name, other in (
            ("v0.0.42", "CAPAPACITY", "CAPAPACITY (both CAPABILITY and CAPACITY)"),
            ("v0.0.40", "CAPAPACITY (both CAPABILITY and CAPACITY)", "CAPAPACITY")):
        status, body = _get(daemon, version, "cluster/restd", f"classification={quote(name)}")
        assert status == 200 and body["clusters"] == [], (version, body)
        status, body = _get(daemon, version, "cluster/restd",
                            f"classification={quote(other)}")
        assert status == 422 and body["errors"][0]["source"] == "#/classification", body
        for flags, found in (("MULTIPLE_SLURMD", ["restd"]), ("FRONT_END", [])):
            status, body = _get(daemon, version, "cluster/restd", f"flags={flags}")
            if flags == "FRONT_END" and version == "v0.0.42":
                assert status == 422 and body["errors"][0]["source"] == "#/flags", body
                continue
            assert status == 200 and [c["name"] for c in body["clusters"]] == found


def test_v0042_qos_include_deleted_is_read(daemon):
    """QOS_CONDITION's with_deleted is "Include deleted QOS" in v0.0.42 (GET
    qos/{qos} keeps with_deleted: OPENAPI_SLURMDBD_QOS_QUERY)."""
    include = quote("Include deleted QOS")
    status, body = _get(daemon, "v0.0.42", "qos/", "name=normal", f"{include}=true")
    assert status == 200 and [q["name"] for q in body["qos"]] == ["normal"], body
    assert _unknown(body) == set()
    status, body = _get(daemon, "v0.0.42", "qos/", "name=normal", "with_deleted=true")
    assert status == 200 and _unknown(body) == {"with_deleted"}
    status, body = _get(daemon, "v0.0.42", "qos/", f"{include}=maybe")
    assert status == 422 and body["errors"][0]["source"] == "#/Include deleted QOS", body
    status, body = _get(daemon, "v0.0.42", "qos/normal", "with_deleted=true")
    assert status == 200 and _unknown(body) == set()
    status, body = _get(daemon, "v0.0.40", "qos/", "name=normal", f"{include}=true")
    assert status == 200 and _unknown(body) == {"Include deleted QOS"}


@pytest.mark.parametrize("version", ["v0.0.40", "v0.0.41", "v0.0.42"])
def test_job_ranges_parsed_in_every_version(daemon, version):
    """v0.0.41 no longer lists cpus_min, nodes_max, ... and submit_time (inline
    {set, infinite, number} objects), but Slurm still parses them: so does restd."""
    status, body = _get(daemon, version, "jobs/", "start_time=now-30days",
                        "cpus_min=4000000", "submit_time=now-30days")
    assert status == 200 and body["jobs"] == [] and _unknown(body) == set(), body
    status, body = _get(daemon, version, "jobs/", "nodes_max=x")
    assert status == 422 and body["errors"][0]["source"] == "#/nodes_max", body
    listed = {p["name"] for p in daemon.document()["paths"][f"/slurmdb/{version}/jobs/"]
              ["get"]["parameters"]}
    assert ("cpus_min" in listed) == (version == "v0.0.40")
