"""The real cluster's accounting records dumped with the v0.0.41 and v0.0.42
descriptions: the whole configuration (clusters, TRES, accounts, users, QOS,
wckeys, associations, instances), slurmdbd's statistics and a finished job's
record are read through restd.native.accounting (in a child process, as root),
dumped as the bodies of GET config, diag and jobs, and each dump is valid
against the reference slurmrestd 24.11.5 component of that version and
against restd's own; the fields those versions added show what Slurm holds
(sacctmgr and sacct being the witnesses).

The scenario functions at the end run in the child (``python THIS_FILE SCENARIO ARGS``).
"""
from __future__ import annotations

import json
import os
import sys
import time

import pytest

import native_child

pytestmark = pytest.mark.cluster

VERSIONS = ("v0.0.41", "v0.0.42")
QOS = "rt_dumpver"
STDOUT = "/tmp/restd-dumpver-%j-%x.out"


@pytest.fixture(scope="module")
def accounting(cluster):
    """A QOS with the limits v0.0.42 added (GrpSubmitJobs, GrpTRESMins) and
    alice's finished job, once slurmdbd has it; the QOS is removed after."""
    cluster.run("sacctmgr", "-i", "delete", "qos", QOS, check=False)
    cluster.run("sacctmgr", "-i", "add", "qos", QOS, "GrpSubmitJobs=7",
                "GrpTRESMins=cpu=100", "MaxWall=30")
    out = cluster.run("sbatch", "--parsable", "--wait", "-A", "test", "--qos=normal", "-N1",
                      "-n1",
                      "-J", "restd-dumpver", "--chdir=/tmp", "-o", STDOUT, "-t", "2",
                      "--wrap", "true", user="alice", timeout=180)
    job_id = int(out.stdout.strip().split(";")[0])
    deadline = time.monotonic() + 90
    while True:
        state = cluster.run("sacct", "-X", "-n", "-P", "-j", str(job_id), "-o",
                            "State").stdout.strip()
        if state and state not in ("PENDING", "RUNNING", "COMPLETING"):
            break
        assert time.monotonic() < deadline, f"slurmdbd never recorded job {job_id}"
        time.sleep(1)
    try:
        os.unlink(STDOUT.replace("%j", str(job_id)).replace("%x", "restd-dumpver"))
    except OSError:
        pass
    yield job_id
    cluster.run("sacctmgr", "-i", "delete", "qos", QOS, check=False)


@pytest.fixture(scope="module")
def dumps(cluster, accounting):
    env = cluster.env(SLURM_JWT="daemon")
    return native_child.run_child(__file__, "dumps", env, timeout=180,
                                  token=cluster.token("root"), job_id=accounting)


@pytest.mark.parametrize("version", VERSIONS)
def test_dumps_of_real_records_are_valid_for_the_reference(dumps, version):
    assert dumps[version]["errors"] == {}
    for body in ("config", "diag", "jobs"):
        assert dumps[version][body], body


@pytest.mark.parametrize("version", VERSIONS)
def test_association_ids_are_numbers_sacctmgr_shows(cluster, dumps, version):
    """v0.0.41 on: an association's "id" is its number (v0.0.40: an object)."""
    rows = cluster.run("sacctmgr", "-n", "-P", "show", "assoc",
                       "format=id,cluster,account,user,partition").stdout.splitlines()
    expected = {tuple(row.split("|")[1:]): int(row.split("|")[0]) for row in rows}
    shown = {(a["cluster"], a["account"], a["user"], a["partition"]): a["id"]
             for a in dumps[version]["config"]["associations"]}
    assert shown == expected


@pytest.mark.parametrize("version", VERSIONS)
def test_flags_and_rollups_have_the_version_shape(dumps, version):
    config = dumps[version]["config"]
    accounts = {a["name"]: a for a in config["accounts"]}
    assert accounts["test"]["flags"] == []  # no hidden NONE
    assert all(set(a["flags"]) <= {"DELETED", "NoUpdate", "Exact", "NoUsersAreCoords",
                                   "UsersAreCoords"} for a in config["associations"])
    rollups = dumps[version]["diag"]["statistics"]["rollups"]
    assert set(rollups) == {"hourly", "daily", "monthly"}
    assert set(rollups["hourly"]) == {"count", "last_run", "duration"}


def test_v0042_shows_the_qos_limits_it_added(dumps):
    [qos] = [q for q in dumps["v0.0.42"]["config"]["qos"] if q["name"] == QOS]
    assert qos["limits"]["max"]["jobs"]["count"] == {"set": True, "infinite": False,
                                                     "number": 7}
    assert [(t["type"], t["count"]) for t in qos["limits"]["max"]["tres"]["minutes"]
            ["total"]] == [("cpu", 100)]
    [qos41] = [q for q in dumps["v0.0.41"]["config"]["qos"] if q["name"] == QOS]
    assert "count" not in qos41["limits"]["max"]["jobs"]


def test_job_record_fields_of_each_version(cluster, dumps, accounting):
    job_id = accounting
    [job41] = dumps["v0.0.41"]["jobs"]["jobs"]
    [job42] = dumps["v0.0.42"]["jobs"]["jobs"]
    assert job41["job_id"] == job42["job_id"] == job_id
    assert "qosreq" not in job41 and "restart_cnt" not in job41
    assert job42["restart_cnt"] == 0
    # time/planned: start - eligible, as sacct's Planned (seconds); 0 while slurmdbd
    # has no eligible time for the record yet (it may lag a just-ended job)
    times = job41["time"]
    assert times["planned"]["set"] is True
    assert times["planned"]["number"] == (
        times["start"] - times["eligible"] if times["eligible"] else 0), times
    assert job42["time"]["planned"] == times["planned"]
    # slurmdb_job_rec_t records them from Slurm 24.05 on, qos_req from 24.11
    assert dumps["has_stdio"] == (cluster.version() >= (24, 5))
    if dumps["has_stdio"]:
        assert job41["stdout"] == STDOUT
        assert job41["stdout_expanded"] == \
            STDOUT.replace("%j", str(job_id)).replace("%x", "restd-dumpver")
        assert job42["qosreq"] == ("normal" if cluster.version() >= (24, 11) else "")
    else:  # absent from this Slurm's records: dumped as a NULL string is
        assert (job41["stdout"], job41["stdout_expanded"], job42["qosreq"]) == ("", "", "")


def test_v0042_slurmdbd_ping(cluster, dumps):
    """slurmdb_ping_all() (Slurm 24.11; restd times a connection before): the
    cluster's slurmdbd, answering, primary, with a latency."""
    conf = {key.strip(): value.strip() for key, _, value in (
        line.partition("=") for line in cluster.run("scontrol", "show", "config")
        .stdout.splitlines()) if value}
    ping = dumps["ping"]
    assert isinstance(ping, dict), ping  # else the validation error
    [entry] = ping["pings"]
    assert entry["hostname"] == conf["AccountingStorageHost"]
    assert entry["responding"] is True and entry["primary"] is True
    assert 0 < entry["latency"] < 10_000_000


def test_v0042_qos_body_sets_the_limits_it_added(cluster):
    """A v0.0.42 QOS body with limits/max/jobs/count and
    limits/max/tres/minutes/total, parsed with V0042 and added through the
    binding (as POST qos adds it), gives slurmdbd GrpSubmitJobs and GrpTRESMins;
    v0.0.41 does not know those keys (a warning, nothing set)."""
    name = "rt_parsever"
    cluster.run("sacctmgr", "-i", "delete", "qos", name, check=False)
    try:
        result = native_child.run_child(__file__, "add_qos", cluster.env(SLURM_JWT="daemon"),
                                        token=cluster.token("root"), name=name)
        assert result["v0.0.42"]["errors"] == [], result
        assert result["v0.0.41"]["warnings"], result  # unknown keys of v0.0.41
        assert "grp_submit_jobs" not in result["v0.0.41"]["qos"]
        row = cluster.run("sacctmgr", "-n", "-P", "show", "qos", name,
                          "format=name,grpsubmit,grptresmins").stdout.strip()
        assert row == f"{name}|5|cpu=60"
    finally:
        cluster.run("sacctmgr", "-i", "delete", "qos", name, check=False)


# --- in the child process -----------------------------------------------------------------

def _load():
    from restd.native import library
    return library.load(jwt_daemon=os.environ.get("SLURM_JWT") == "daemon")


def scenario_dumps(token, job_id):
    _load()
    from openapi_check import reference_document, validate_component
    from restd.data_parser.lookups import Lookups, lookups
    from restd.data_parser.dump import dump
    from restd.data_parser.schema import component_schemas
    from restd.data_parser.v0041 import V0041
    from restd.data_parser.v0042 import V0042
    from restd.native import identity
    from restd.native.accounting import Connection, ping_all

    assoc_flags = ["with_deleted", "with_usage", "with_raw_qos", "with_sub_accts"]
    with identity.as_user(token, "root"):
        with Connection() as db:
            config = {
                "clusters": db.clusters_get({"with_deleted": True, "with_usage": True}),
                "tres": db.tres_get(with_deleted=True),
                "accounts": db.accounts_get(
                    flags=["with_deleted", "with_assocs", "with_coords"],
                    assoc_flags=assoc_flags),
                "users": db.users_get(with_deleted=True, with_assocs=True,
                                      with_coords=True, assoc_flags=assoc_flags),
                "qos": db.qos_get({"with_deleted": True}),
                "wckeys": db.wckeys_get({"with_deleted": True, "with_usage": True}),
                "associations": db.associations_get({"flags": assoc_flags}),
                "instances": [],
            }
            stats = db.stats()
            lists = Lookups(
                qos=db.qos_names(), tres=db.tres_get(),
                assocs=db.associations_get({"flags": ["with_deleted"]}))
            found = db.jobs_get({"step_list": [str(job_id)]})
        pings = ping_all()
    records = found.records(0, len(found))
    found.close()

    out = {"has_stdio": any(record.get("std_out") for record in records)}
    ping = json.loads(json.dumps(dump(V0042, "OPENAPI_SLURMDBD_PING_RESP",
                                      {"response": pings, "meta": {}})))
    try:
        validate_component(reference_document(), "v0.0.42_openapi_slurmdbd_ping_resp", ping)
        out["ping"] = ping
    except Exception as error:  # jsonschema.ValidationError: reported
        out["ping"] = str(error)[:2000]
    reference = reference_document()
    for version in (V0041, V0042):
        ours = {"components": {"schemas": component_schemas(version, version.roots)}}
        # (meta as the content plugin fills it: a NULL meta of v0.0.41 on is null)
        bodies = {"config": ("OPENAPI_SLURMDBD_CONFIG_RESP", {**config, "meta": {}}),
                  "diag": ("OPENAPI_SLURMDBD_STATS_RESP", {"response": stats, "meta": {}}),
                  "jobs": ("OPENAPI_SLURMDBD_JOBS_RESP", {"response": records, "meta": {}})}
        dumped, errors = {}, {}
        with lookups(lists):
            for name, (kind, value) in bodies.items():
                dumped[name] = json.loads(json.dumps(dump(version, kind, value)))
                component = version.component_name(version.kind(kind))
                for label, document in (("reference", reference), ("ours", ours)):
                    try:
                        validate_component(document, component, dumped[name])
                    except Exception as error:  # jsonschema.ValidationError: reported
                        errors[f"{name} ({label})"] = str(error)[:2000]
        out[version.name] = {**dumped, "errors": errors}
    return out


def scenario_add_qos(token, name):
    _load()
    from restd.data_parser.lookups import Lookups, lookups
    from restd.data_parser.parse import parse
    from restd.data_parser.v0041 import V0041
    from restd.data_parser.v0042 import V0042
    from restd.native import identity
    from restd.native.accounting import Connection

    body = {"qos": [{"name": name, "limits": {"max": {
        "jobs": {"count": {"set": True, "number": 5}},
        "tres": {"minutes": {"total": [{"type": "cpu", "count": 60}]}}}}}]}
    out = {}
    with identity.as_user(token, "root"):
        with Connection() as db:
            with lookups(Lookups(qos=db.qos_names(), tres=db.tres_get())):
                for version in (V0041, V0042):
                    result = parse(version, "OPENAPI_SLURMDBD_QOS_RESP", body)
                    [qos] = result.value["response"]
                    out[version.name] = {"qos": qos, "errors": result.errors,
                                         "warnings": result.warnings}
            db.qos_add([qos])  # v0.0.42's
            db.commit()
    return json.loads(json.dumps(out, default=str))


if __name__ == "__main__":
    sys.path.insert(0, str(native_child.REPO))
    sys.path.insert(0, str(native_child.REPO / "tests"))
    name, arguments = sys.argv[1], json.loads(sys.argv[2])
    print(json.dumps(globals()["scenario_" + name](**arguments)))
