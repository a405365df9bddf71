"""Job records from slurmdbd (sacct's data) through the binding and the v0.0.40
descriptions: alice runs a job with two srun steps, one of which fails; once slurmdbd
has it, restd.native.accounting.Connection.jobs_get reads it (as alice, in a child
process: libslurm reads SLURM_JWT once), the data_parser dumps it as JOB_LIST, the
dump is valid for our OpenAPI document and the reference's, and shows what sacct shows.

The scenario functions at the end run in the child (``python THIS_FILE SCENARIO ARGS``).
"""
from __future__ import annotations

import json
import os
import pwd
import sys
import time

import pytest

import native_child

pytestmark = pytest.mark.cluster

# --acctg-freq=1: jobacct_gather samples the step, so that it has TRES usage maxima
SCRIPT = """#!/bin/bash
srun --acctg-freq=1 --job-name=restd-ok sleep 2
srun --job-name=restd-bad false
exit 0
"""
SACCT_FIELDS = ("JobID", "JobName", "State", "ExitCode", "DerivedExitCode", "User",
                "Account", "AllocTRES", "NodeList", "Partition")


def _sacct(cluster, job_id: int) -> list[dict]:
    out = cluster.run("sacct", "-j", str(job_id), "-P", "-n", "-o",
                      ",".join(SACCT_FIELDS)).stdout
    return [dict(zip(SACCT_FIELDS, line.split("|"))) for line in out.splitlines() if line]


@pytest.fixture(scope="module")
def finished_job(cluster) -> tuple[int, list[dict]]:
    """alice's job, run to its end, and sacct's rows of it once slurmdbd has the job
    and its batch and two srun steps."""
    path = f"/tmp/restd-records-{os.getpid()}.sh"  # (Cluster.run passes no stdin)
    with open(path, "w") as script:
        script.write(SCRIPT)
    os.chmod(path, 0o755)
    try:
        out = cluster.run("sbatch", "--parsable", "--wait", "-A", "test", "-N1", "-n1",
                          "-J", "restd-records", "--chdir=/tmp", "-o", "/dev/null",
                          "-t", "2", path, user="alice", timeout=180)
    finally:
        os.unlink(path)
    job_id = int(out.stdout.strip().split(";")[0])
    deadline = time.monotonic() + 90
    while True:
        rows = _sacct(cluster, job_id)
        names = {row["JobName"] for row in rows}
        ended = rows and rows[0]["State"] not in ("PENDING", "RUNNING", "COMPLETING")
        if ended and {"batch", "restd-ok", "restd-bad"} <= names and all(
                row["State"] not in ("RUNNING", "PENDING") for row in rows):
            return job_id, rows
        assert time.monotonic() < deadline, f"slurmdbd never recorded job {job_id}: {rows}"
        time.sleep(1)


def _child(cluster, scenario: str, **args):
    env = cluster.env(SLURM_JWT="daemon")
    return native_child.run_child(__file__, scenario, env, timeout=120, **args)


def _tres(text: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in text.split(",") if part)


def test_job_records_dump_as_sacct_shows_them(cluster, finished_job):
    job_id, rows = finished_job
    result = _child(cluster, "records", token=cluster.token("alice"), job_id=job_id,
                    alice=pwd.getpwnam("alice").pw_uid, bob=pwd.getpwnam("bob").pw_uid)

    # the binding's records: C member names, steps with their stats and ids
    [record] = result["records"]
    assert record["jobid"] == job_id and record["user"] == "alice"
    steps = {step["stepname"]: step for step in record["steps"]}
    assert steps["restd-bad"]["exitcode"] == 1 << 8  # a wait() status: exit 1
    assert steps["restd-ok"]["exitcode"] == 0
    assert steps["batch"]["step_id"] == {"job_id": job_id, "step_id": 0xFFFFFFFB,
                                         "step_het_comp": 0xFFFFFFFE}
    assert set(steps["batch"]["stats"]) >= {"act_cpufreq", "consumed_energy",
                                            "tres_usage_in_max", "tres_usage_out_tot"}

    # the filter: alice's uid selects the job, bob's excludes it
    assert result["as_alice_uid"] == 1 and result["as_bob_uid"] == 0
    # the list outlives the connection; close() is idempotent and final
    assert result["after_close"] == "ValueError" and result["closed_twice"]
    assert result["empty_slice"] == [] and result["past_end"] == []
    # libslurm's own step parser would exit the process on these: refused instead
    assert result["bad_steps"] == ["ESLURM_INVALID_JOB_ID"] * 3
    assert result["unknown_member"] == "KeyError"

    # the dump, valid for our document and the reference's (the child validated both)
    assert result["schema_errors"] == []
    assert result["missing"] == []
    assert result["warnings"] == []
    [job] = result["dump"]
    by_id = {row["JobID"]: row for row in rows}
    main = by_id[str(job_id)]
    assert job["job_id"] == job_id
    assert job["user"] == main["User"] == "alice"
    assert job["account"] == main["Account"] == "test"
    assert job["association"] == {"account": "test", "cluster": record["cluster"],
                                  "partition": "", "user": "alice",
                                  "id": record["associd"]}
    # an association the reader may not see: a warning, and the job's own members
    assert result["unknown_association"] == job["association"]
    assert [w["description"] for w in result["unknown_warnings"]] == [
        f"Unknown association with id#{record['associd']}. Unable to dump association."]
    assert job["partition"] == main["Partition"]
    assert job["nodes"] == main["NodeList"]
    assert job["name"] == "restd-records"
    assert job["state"]["current"] == [main["State"]] == ["COMPLETED"]
    assert job["exit_code"]["return_code"]["number"] == int(main["ExitCode"].split(":")[0])
    derived = main["DerivedExitCode"].split(":")
    assert job["derived_exit_code"]["return_code"]["number"] == int(derived[0])
    allocated = {t["type"]: t["count"] for t in job["tres"]["allocated"]}
    assert "cpu" in allocated
    assert allocated["cpu"] == int(_tres(main["AllocTRES"])["cpu"])
    assert allocated["node"] == 1

    # the steps: ids and names as sacct has them, the failing one with its code
    step_rows = {row["JobID"]: row for row in rows if row["JobID"] != str(job_id)}
    assert {step["step"]["id"]: step["step"]["name"] for step in job["steps"]} == \
        {jid: row["JobName"] for jid, row in step_rows.items()}
    assert f"{job_id}.batch" in step_rows
    dumped = {step["step"]["name"]: step for step in job["steps"]}
    bad, ok = dumped["restd-bad"], dumped["restd-ok"]
    bad_row = step_rows[bad["step"]["id"]]
    assert bad_row["ExitCode"] == "1:0" and bad_row["State"] == "FAILED"
    assert bad["exit_code"]["status"] == ["ERROR"]
    assert bad["exit_code"]["return_code"] == {"set": True, "infinite": False, "number": 1}
    assert bad["state"] == ["FAILED"]
    assert ok["exit_code"]["status"] == ["SUCCESS"] and ok["state"] == ["COMPLETED"]
    for step in job["steps"]:
        row = step_rows[step["step"]["id"]]
        assert step["nodes"]["range"] == row["NodeList"]
        assert step["nodes"]["list"] == [row["NodeList"]]  # one node: its name
        assert {t["type"]: t["count"] for t in step["tres"]["allocated"]}["cpu"] == \
            int(_tres(row["AllocTRES"])["cpu"])

    # jobacct_gather measured the sampled step: per TRES, the extreme value and the
    # node and task where it was reached, as sacct shows them
    usage = cluster.run("sacct", "-j", ok["step"]["id"], "-P", "-n", "--noconvert", "-o",
                        "TRESUsageInMax,TRESUsageInMaxNode,TRESUsageInMaxTask,"
                        "TRESUsageOutMin,TRESUsageOutMinNode").stdout.strip().split("|")
    in_max, in_max_node, in_max_task, out_min, out_min_node = map(_tres, usage)
    assert in_max, "sacct shows no TRES usage for the sampled step"

    def extremes(entries):
        return {t["type"] + ("/" + t["name"] if t["name"] else ""): t for t in entries}
    dumped_max = extremes(ok["tres"]["requested"]["max"])
    assert set(dumped_max) == set(in_max_node)
    for name, entry in dumped_max.items():
        assert entry["node"] == in_max_node[name] == ok["nodes"]["range"]
        assert entry["task"] == int(in_max_task.get(name, 0))
        if name != "cpu":  # (sacct shows CPU time as a duration)
            assert entry["count"] == int(in_max[name])
    dumped_min = extremes(ok["tres"]["consumed"]["min"])
    assert set(dumped_min) == set(out_min_node)
    assert {name: entry["count"] for name, entry in dumped_min.items()} == \
        {name: int(value) for name, value in out_min.items()}


def test_job_records_free_their_memory(cluster, finished_job):
    result = _child(cluster, "memory", token=cluster.token("alice"), rounds=100)
    assert result["jobs"] >= 1 and result["steps"] >= 3
    # every round fetches and converts alice's whole history (closed, dropped without
    # close, or refused before the call): MiBs if the lists or conditions leaked
    assert result["growth_kib"] < 4096, result


# --- in the child process -----------------------------------------------------------------

def _load():
    from restd.native import library
    return library.load(jwt_daemon=os.environ.get("SLURM_JWT") == "daemon")


def scenario_records(token, job_id, alice, bob):
    _load()
    from openapi_check import reference_document, missing_fields, validate_component
    from restd.data_parser import lookups as data_lookups
    from restd.data_parser.dump import dump
    from restd.data_parser.v0040 import V0040, schemas
    from restd.native import identity
    from restd.native.accounting import Connection, parse_step
    from restd.native.errors import SlurmError, error_name

    with identity.as_user(token, "alice"):
        with Connection() as db:
            found = db.jobs_get({"step_list": [str(job_id)]})
            with db.jobs_get({"step_list": [str(job_id)], "userid_list": [str(alice)]}) as r:
                as_alice = len(r)
            with db.jobs_get({"step_list": [str(job_id)], "userid_list": [str(bob)]}) as r:
                as_bob = len(r)
            lookups = data_lookups.Lookups(
                qos=db.qos_names(), tres=db.tres_get(),
                assocs=db.associations_get({"flags": ["with_deleted"]}))
            try:
                db.jobs_get({"steplist": [str(job_id)]})
                unknown = "accepted"
            except KeyError:
                unknown = "KeyError"
    # read after the connection is closed
    records = found.records(0, len(found))
    empty, past_end = found.records(0, 0), found.records(5, 9)
    found.close()
    found.close()
    try:
        found.records()
        after_close = "no error"
    except ValueError:
        after_close = "ValueError"

    bad_steps = []
    for text in ("abc", "12.nope", "12_x"):
        try:
            parse_step(text)
            bad_steps.append("accepted")
        except SlurmError as error:
            bad_steps.append(error_name(error.number))

    warnings = []
    with data_lookups.lookups(lookups):
        dumped = dump(V0040, "JOB_LIST", records, warnings=warnings)
    dumped = json.loads(json.dumps(dumped))
    # without the associations (a user who may not see them): the job's own
    unknown_warnings = []
    with data_lookups.lookups(data_lookups.Lookups(qos=lookups.qos, tres=lookups.tres)):
        [without] = dump(V0040, "JOB_LIST", records, warnings=unknown_warnings)
    errors = []
    ours = {"components": {"schemas": schemas()}}
    for document in (ours, reference_document()):
        try:
            validate_component(document, "v0.0.40_job_list", dumped)
        except Exception as error:  # jsonschema.ValidationError: reported, not raised
            errors.append(str(error)[:2000])
    missing = [m for job in dumped
               for m in missing_fields(reference_document(), "v0.0.40_job", job)]
    return {"records": records, "as_alice_uid": as_alice, "as_bob_uid": as_bob,
            "after_close": after_close, "closed_twice": True, "empty_slice": empty,
            "past_end": past_end, "bad_steps": bad_steps, "unknown_member": unknown,
            "dump": dumped, "schema_errors": errors, "missing": missing,
            "warnings": warnings, "unknown_association": without["association"],
            "unknown_warnings": unknown_warnings}


def scenario_memory(token, rounds):
    _load()
    from restd.native import identity
    from restd.native.accounting import Connection
    from restd.native.errors import SlurmError

    def rss_kib():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024

    def one(round_number):
        with Connection() as db:
            found = db.jobs_get({"usage_start": 1, "flags": 0x5})  # DUP | NO_TRUNC
            try:
                db.jobs_get({"step_list": ["1", "1.x"], "userid_list": ["1"]})
            except SlurmError:
                pass
        jobs = found.records()
        if round_number % 2:
            found.close()
        del found  # the other rounds: freed by the backstop
        return len(jobs), sum(len(job["steps"]) for job in jobs)

    with identity.as_user(token, "alice"):
        for number in range(20):
            jobs, steps = one(number)
        before = rss_kib()
        for number in range(rounds):
            one(number)
        after = rss_kib()
    return {"jobs": jobs, "steps": steps, "before_kib": before, "after_kib": after,
            "growth_kib": after - before}


if __name__ == "__main__":
    sys.path.insert(0, str(native_child.REPO))
    sys.path.insert(0, str(native_child.REPO / "tests"))
    name, arguments = sys.argv[1], json.loads(sys.argv[2])
    print(json.dumps(globals()["scenario_" + name](**arguments)))
