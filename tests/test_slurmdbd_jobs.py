"""/slurmdb/v0.0.40/jobs/ and job/{job_id} against the real slurmdbd: jobs run on
the cluster (alice's failing two-node job with steps, bob's job in the other
partition, alice's array job and a cancelled one) appear with what sacct says of
them, every filter of the reference selects what it should, bad filters are 422
naming the parameter, and batch scripts follow slurmdbd's rule (own jobs only).

The query -> slurmdb_job_cond_t conversion is also checked as a plain function
(sacct's defaults for the usage window, flags, libslurm's readings of times,
states and reasons)."""
from __future__ import annotations

import time

import pytest

from openapi_check import validate
from slurmdbd_daemon import dbd, sample  # noqa: F401

pytestmark = pytest.mark.cluster

PATH = "/slurmdb/v0.0.40/jobs/"
RUN = f"{int(time.time()) % 100000}"
SCRIPT_MARK = f"# restd slurmdb jobs test {RUN}"
RESERVATION = f"rt_dbj_{RUN}"


# --- the query as slurmdb_job_cond_t (plain function) -----------------------------------

@pytest.fixture(scope="module")
def conditions(cluster):
    """restd's job_condition with libslurm loaded (its time/state/reason readings)."""
    import os
    os.environ["SLURM_CONF"] = str(cluster.slurm_conf)
    from restd.native import library
    library.load(conf=str(cluster.slurm_conf))
    from restd.plugins.content import _slurmdb_jobs
    return _slurmdb_jobs


def _cond(module, query, now=1_800_000_000.0):
    warnings = []
    cond = module.job_condition(query, lambda d, s: warnings.append((d, s)), "restd", now=now)
    return cond, warnings


def test_condition_defaults_are_sacct_and_slurmrestd_ones(conditions):
    now = 1_800_000_000.0
    cond, warnings = _cond(conditions, {}, now)
    today = time.localtime(now)
    midnight = int(time.mktime((today.tm_year, today.tm_mon, today.tm_mday, 0, 0, 0, 0, 0, -1)))
    assert cond == {"flags": conditions.JOBCOND_FLAG_DUP | conditions.JOBCOND_FLAG_NO_TRUNC,
                    "db_flags": conditions.SLURMDB_JOB_FLAG_NOTSET,
                    "usage_start": midnight, "usage_end": int(now) + 1,
                    "cluster_list": ["restd"]}
    assert warnings == []
    # a state without a time: the window is now (sacct -s)
    cond, _ = _cond(conditions, {"state": "CD,failed"}, now)
    assert cond["state_list"] == ["3", "5"]
    assert (cond["usage_start"], cond["usage_end"]) == (int(now), int(now) + 1)
    # jobs named: no default start (all their history)
    cond, _ = _cond(conditions, {"step": "12,13_2,14+1,15.batch,16.0+1"}, now)
    assert cond["step_list"] == ["12", "13_2", "14+1", "15.batch", "16.0+1"]
    assert "usage_start" not in cond and cond["usage_end"] == int(now) + 1
    # submit_time: the start, without the default window
    cond, _ = _cond(conditions, {"submit_time": "1700000000"}, now)
    assert cond["usage_start"] == 1700000000 and "usage_end" not in cond
    assert cond["flags"] & conditions.JOBCOND_FLAG_NO_DEFAULT_USAGE


def test_condition_members_and_flags(conditions):
    import grp
    import pwd
    cond, warnings = _cond(conditions, {
        "account": "test,physics", "association": "3,4", "cluster": "other",
        "constraints": "a,b", "cpus_max": "8", "cpus_min": "2", "exit_code": "768",
        "format": "jobid", "groups": f"bob,{grp.getgrnam('alice').gr_gid}",
        "job_name": "x,y", "nodes_max": "3", "nodes_min": "1", "partition": "debug",
        "qos": "normal", "reason": "Resources,Dependency", "reservation": "r1",
        "reservation_id": "7", "timelimit_max": "60", "timelimit_min": "1",
        "start_time": "1700000000", "end_time": "1700003600", "node": "n[1-2]",
        "users": "alice,0", "wckey": "w", "skip_steps": "true", "show_duplicates": "false",
        "job_started": "1", "bogus": "1"})
    assert cond["acct_list"] == ["test", "physics"]
    assert cond["associd_list"] == ["3", "4"] and cond["cluster_list"] == ["other"]
    assert cond["constraint_list"] == ["a", "b"]
    assert (cond["cpus_max"], cond["cpus_min"], cond["nodes_max"], cond["nodes_min"]) == \
        (8, 2, 3, 1)
    assert cond["exitcode"] == 768 and cond["format_list"] == ["jobid"]
    assert cond["groupid_list"] == [str(grp.getgrnam("bob").gr_gid),
                                    str(grp.getgrnam("alice").gr_gid)]
    assert cond["jobname_list"] == ["x", "y"] and cond["partition_list"] == ["debug"]
    assert cond["qos_list"] == ["normal"]  # ids once the database's QOS are known
    assert cond["reason_list"] == ["3", "2"]  # WAIT_RESOURCES, WAIT_DEPENDENCY
    assert cond["resv_list"] == ["r1"] and cond["resvid_list"] == ["7"]
    assert (cond["timelimit_max"], cond["timelimit_min"]) == (60, 1)
    assert (cond["usage_start"], cond["usage_end"]) == (1700000000, 1700003600)
    assert cond["used_nodes"] == "n[1-2]"
    assert cond["userid_list"] == [str(pwd.getpwnam("alice").pw_uid), "0"]
    assert cond["wckey_list"] == ["w"]
    # skip_steps given (show_duplicates false): no default flags
    assert cond["flags"] == 1 << 1
    assert cond["db_flags"] == 1 << 4
    assert warnings == [("Ignoring unknown query parameter bogus", "#/bogus")]


def test_condition_ranges_are_ranges(conditions):
    cond, _ = _cond(conditions, {"cpus_min": "2", "nodes_max": "3", "timelimit_min": "5",
                                 "timelimit_max": "9"})
    assert (cond["cpus_min"], cond["cpus_max"]) == (2, 0xFFFFFFFF)
    assert (cond["nodes_min"], cond["nodes_max"]) == (1, 3)
    assert (cond["timelimit_min"], cond["timelimit_max"]) == (5, 9)
    from restd.plugin_api import RequestFailed
    with pytest.raises(RequestFailed) as failure:
        _cond(conditions, {"nodes_min": "4", "nodes_max": "2"})
    assert failure.value.status == 422 and failure.value.entry["source"] == "#/nodes_min"


def test_condition_times_as_sacct_reads_them(conditions):
    now = time.time()
    cond, _ = _cond(conditions, {"start_time": "now-2days", "end_time": "now-1day"}, now)
    assert abs(cond["usage_start"] - (now - 2 * 86400)) < 5
    assert abs(cond["usage_end"] - (now - 86400)) < 5
    cond, _ = _cond(conditions, {"start_time": "2026-01-02T03:04:05"}, now)
    assert cond["usage_start"] == int(time.mktime((2026, 1, 2, 3, 4, 5, 0, 0, -1)))


@pytest.mark.parametrize("name, value", [
    ("step", "x"), ("step", "12.bogus"), ("step", "12_x"), ("step", "12+"),
    ("start_time", "yesterdayish"), ("end_time", "2026-13-45"), ("submit_time", "soon"),
    ("users", "rt_no_such_user"), ("groups", "rt_no_such_group"), ("state", "SLEEPY"),
    ("reason", "NoReasonAtAll"), ("cpus_min", "-1"), ("cpus_max", "many"),
    ("nodes_min", "1.5"), ("timelimit_max", "1h"), ("exit_code", "x"),
    ("association", "a"), ("reservation_id", "r"), ("skip_steps", "maybe"),
])
def test_bad_filter_is_422_naming_it(conditions, name, value):
    from restd.plugin_api import RequestFailed
    with pytest.raises(RequestFailed) as failure:
        _cond(conditions, {name: value})
    assert failure.value.status == 422
    assert failure.value.entry["source"] == f"#/{name}"
    assert failure.value.entry["error_number"] == 9000


# --- jobs run on the cluster ----------------------------------------------------------

def _sbatch(cluster, user, *args):
    out = cluster.run("sbatch", "--parsable", "-o", "/dev/null", "-e", "/dev/null",
                      "--chdir=/tmp", *args, user=user).stdout.strip()
    return int(out.split(";")[0])


def _sacct(cluster, *job_ids, fields="JobID,JobName,State,ExitCode,NodeList,AllocTRES,"
           "ElapsedRaw,Account,Partition,User,Submit"):
    out = cluster.run("sacct", "-n", "-P", "-j", ",".join(map(str, job_ids)),
                      "-o", fields).stdout
    names = fields.split(",")
    return [dict(zip(names, line.split("|"))) for line in out.splitlines() if line]


FINAL = ("COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL")


@pytest.fixture(scope="module")
def ran(cluster):
    """The jobs of this module, finished and recorded by slurmdbd."""
    jobs = {}
    jobs["failing"] = _sbatch(
        cluster, "alice", "-A", "test", "-p", "debug", "-N", "2", "-J", f"rt-dbj-fail-{RUN}",
        "--wrap", f"{SCRIPT_MARK}\nsrun -N2 true; srun -N1 -n1 false; exit 3")
    jobs["bob"] = _sbatch(cluster, "bob", "-A", "physics", "-p", "long", "-N", "1",
                          "-t", "5", "-J", f"rt-dbj-bob-{RUN}",
                          "--wrap", f"{SCRIPT_MARK}\nsrun true")
    jobs["array"] = _sbatch(cluster, "alice", "-A", "test", "-p", "debug", "--array=1-2",
                            "-J", f"rt-dbj-array-{RUN}", "--wrap", "true")
    jobs["cancelled"] = _sbatch(cluster, "alice", "-A", "test", "-H",
                                "-J", f"rt-dbj-cancel-{RUN}", "--wrap", "true")
    cluster.run("scancel", str(jobs["cancelled"]), user="alice")
    # one job in a reservation of its own (removed once the job is done)
    cluster.run("scontrol", "create", "reservation", f"ReservationName={RESERVATION}",
                "Users=alice", "NodeCnt=1", "StartTime=now", "Duration=10")
    # slurmdbd names a job's reservation only if it began strictly before the job
    time.sleep(1.5)
    try:
        jobs["reserved"] = _sbatch(cluster, "alice", "-A", "test",
                                   f"--reservation={RESERVATION}",
                                   "-J", f"rt-dbj-resv-{RUN}", "--wrap", "true")
        _wait_finished(cluster, jobs)
    finally:
        cluster.run("scontrol", "delete", f"ReservationName={RESERVATION}", check=False)
    return jobs


def _wait_finished(cluster, jobs):
    deadline = time.monotonic() + 180
    while True:
        rows = _sacct(cluster, *jobs.values(), fields="JobID,State")
        states = [row["State"].split()[0] for row in rows]
        top = {row["JobID"] for row in rows if "." not in row["JobID"]}
        if (len(top) >= len(jobs) + 1 and rows and all(s in FINAL for s in states)
                and any(row["JobID"] == f"{jobs['failing']}.1" for row in rows)
                # and slurmdbd has their eligible times: in the last hour's window
                and _sacct_ids(cluster, "-S", "now-1hour", "-u", "alice,bob")
                >= set(jobs.values()) - {jobs.get("cancelled")}):
            break
        if time.monotonic() > deadline:
            pytest.fail(f"jobs did not finish in slurmdbd: {rows}")
        time.sleep(1)


@pytest.fixture(scope="module")
def document(dbd):
    status, _, body = dbd.request("GET", "/openapi/v3", user="alice")
    assert status == 200
    return body


def _jobs(dbd, document, query="", user="alice", path=PATH):
    status, _, parsed = dbd.request("GET", path + (f"?{query}" if query else ""), user=user)
    if status == 200:
        validate(document, "/slurmdb/v0.0.40/jobs/" if path == PATH
                 else "/slurmdb/v0.0.40/job/{job_id}", "GET", parsed)
    return status, parsed


def _ids(body):
    return {job["job_id"] for job in body["jobs"]}


def _window(ran):
    return f"start_time={int(time.time()) - 3600}"


def test_failing_job_is_what_sacct_says(dbd, document, ran, cluster):
    job_id = ran["failing"]
    status, body = _jobs(dbd, document, path=f"/slurmdb/v0.0.40/job/{job_id}")
    assert status == 200, body
    assert body["errors"] == [] and body["warnings"] == []
    [job] = body["jobs"]
    rows = {row["JobID"]: row for row in _sacct(cluster, job_id)}
    top = rows[str(job_id)]
    assert job["job_id"] == job_id and job["name"] == f"rt-dbj-fail-{RUN}"
    assert (job["user"], job["account"], job["partition"]) == ("alice", "test", "debug")
    assert job["association"]["user"] == "alice" and job["association"]["account"] == "test"
    assert job["state"]["current"] == ["FAILED"]
    assert job["exit_code"]["status"] == ["ERROR"]
    assert job["exit_code"]["return_code"] == {"set": True, "infinite": False, "number": 3}
    assert top["ExitCode"] == "3:0"
    assert job["nodes"] == top["NodeList"] and job["allocation_nodes"] == 2
    assert job["time"]["elapsed"] == int(top["ElapsedRaw"])
    assert job["working_directory"] == "/tmp"
    assert job["submit_line"].startswith("sbatch")
    allocated = {t["type"]: t["count"] for t in job["tres"]["allocated"]}
    expected = dict(part.split("=") for part in top["AllocTRES"].split(","))
    assert allocated["cpu"] == int(expected["cpu"]) and allocated["node"] == 2
    # steps, as sacct lists them: batch, 0 (srun true on 2 nodes), 1 (srun false)
    steps = {step["step"]["id"]: step for step in job["steps"]}
    assert set(steps) == {f"{job_id}.batch", f"{job_id}.0", f"{job_id}.1"} == \
        {key for key in rows if "." in key and not key.endswith(".extern")}
    assert steps[f"{job_id}.0"]["nodes"]["count"] == 2
    assert steps[f"{job_id}.0"]["exit_code"]["status"] == ["SUCCESS"]
    assert steps[f"{job_id}.1"]["exit_code"]["status"] == ["ERROR"]
    assert steps[f"{job_id}.1"]["exit_code"]["return_code"]["number"] == 1
    assert steps[f"{job_id}.1"]["state"] == ["FAILED"]
    assert steps[f"{job_id}.0"]["tres"]["allocated"], "a step's allocated TRES"
    assert job["script"] == ""  # not asked for


def test_job_key_order_is_the_references(dbd, document, ran):
    _, body = _jobs(dbd, document, path=f"/slurmdb/v0.0.40/job/{ran['bob']}")
    reference = sample("db_jobs")["body"]
    assert list(body) == list(reference)
    assert list(body["jobs"][0]) == list(reference["jobs"][0])


def test_array_job_by_task_and_whole(dbd, document, ran):
    job_id = ran["array"]
    _, body = _jobs(dbd, document, path=f"/slurmdb/v0.0.40/job/{job_id}")
    tasks = {job["array"]["task_id"]["number"] for job in body["jobs"]}
    assert tasks == {1, 2}
    assert {job["array"]["job_id"] for job in body["jobs"]} == {job_id}
    _, body = _jobs(dbd, document, path=f"/slurmdb/v0.0.40/job/{job_id}_2")
    assert [job["array"]["task_id"]["number"] for job in body["jobs"]] == [2]


def test_unknown_job_is_empty_with_a_warning(dbd, document, ran):
    status, body = _jobs(dbd, document, path="/slurmdb/v0.0.40/job/999999")
    assert status == 200 and body["jobs"] == []
    [warning] = body["warnings"]
    assert warning["source"] == "_dump_jobs"
    assert warning["description"] == "slurmdb_jobs_get() found nothing"


@pytest.mark.parametrize("job_id", ["abc", "12.x", "1_2_3", "-1"])
def test_bad_job_id_is_422(dbd, document, job_id):
    status, body = _jobs(dbd, document, path=f"/slurmdb/v0.0.40/job/{job_id}")
    assert status == 422
    assert body["errors"][0]["source"] == "#/job_id"


def _sacct_ids(cluster, *args) -> set[int]:
    out = cluster.run("sacct", "-n", "-P", "-X", "-o", "JobIDRaw,JobID", *args).stdout
    ids = set()
    for line in out.splitlines():
        raw, shown = line.split("|")
        ids.add(int(shown.split("_")[0]) if "_" in shown else int(raw))
    return ids


# filter -> the sacct options that ask the same (both over the last hour)
SAME_AS_SACCT = [
    ("users=bob", ["-u", "bob"]),
    ("users=alice", ["-u", "alice"]),
    ("account=physics", ["-A", "physics"]),
    ("partition=long", ["-r", "long"]),
    ("partition=debug", ["-r", "debug"]),
    ("state=FAILED", ["-s", "FAILED"]),
    ("state=FAILED&end_time=now", ["-s", "FAILED", "-E", "now"]),
    ("state=CD&end_time=now", ["-s", "CD", "-E", "now"]),
    ("state=CA&end_time=now", ["-s", "CA", "-E", "now"]),
    ("groups=bob", ["-g", "bob"]),
    ("cluster=restd", ["-M", "restd"]),
    ("qos=normal", ["-q", "normal"]),
    ("wckey=rt_none", ["-W", "rt_none"]),
    ("reason=Dependency", ["--reason", "Dependency"]),
]


@pytest.mark.parametrize("query, sacct_args", SAME_AS_SACCT,
                         ids=[query for query, _ in SAME_AS_SACCT])
def test_filter_selects_what_sacct_selects(dbd, document, ran, cluster, query, sacct_args):
    ours = set(ran.values())
    status, body = _jobs(dbd, document, f"start_time=now-1hour&{query}")
    assert status == 200, body
    expected = _sacct_ids(cluster, "-S", "now-1hour", *sacct_args) & ours
    assert _ids(body) & ours == expected


def test_each_filter_selects_what_it_should(dbd, document, ran, cluster):
    """Every filter of the reference on the jobs of this module (named with
    step=, or over the last hour). A job cancelled before it was ever eligible
    is outside every time window, as sacct -S shows it."""
    ours = set(ran.values())
    named = "step=" + ",".join(map(str, ours))
    window = _window(ran)

    def select(query, user="alice"):
        status, body = _jobs(dbd, document, query, user=user)
        assert status == 200, body
        return _ids(body) & ours

    failing, bob, array, cancelled, reserved = (
        ran[k] for k in ("failing", "bob", "array", "cancelled", "reserved"))
    assert select(named) == ours
    assert select(f"{window}") == {failing, bob, array, reserved}
    assert select(f"{window}&users=bob") == {bob}
    assert select(f"{window}&users=alice") == {failing, array, reserved}
    assert select(f"{named}&users=alice") == {failing, array, cancelled, reserved}
    assert select(f"{window}&account=physics") == {bob}
    assert select(f"{window}&partition=long") == {bob}
    assert select(f"{window}&job_name=rt-dbj-fail-{RUN},rt-dbj-bob-{RUN}") == {failing, bob}
    # with a state, the window ends where it starts unless an end is given (sacct -s)
    assert select(f"{window}&state=FAILED") == set()
    assert select(f"{window}&end_time=now&state=FAILED") == {failing}
    assert select(f"{named}&state=CA") == {cancelled}
    assert select(f"{window}&groups=bob") == {bob}
    assert select(f"{window}&cluster=restd") == {failing, bob, array, reserved}
    assert select(f"{window}&cluster=rt_elsewhere") == set()
    assert select(f"{window}&nodes_min=2") == {failing}
    assert select(f"{window}&nodes_max=1") == {bob, array, reserved}
    assert failing in select(f"{window}&cpus_min=2")
    assert bob not in select(f"{window}&cpus_min=2")
    assert select(f"{window}&timelimit_max=5") == {bob}
    assert bob not in select(f"{window}&timelimit_min=6")
    assert select(f"{window}&reservation={RESERVATION}") == {reserved}
    _, body = _jobs(dbd, document, f"step={reserved}")
    assert body["jobs"][0]["reservation"]["name"] == RESERVATION
    reservation_id = body["jobs"][0]["reservation"]["id"]
    assert select(f"{window}&reservation_id={reservation_id}") == {reserved}
    assert select(f"{window}&reservation_id=999999") == set()
    assert select(f"{window}&reservation=rt_none") == set()
    assert select(f"{window}&reservation={RESERVATION}&reservation_id=999999") == set()
    assert select(f"{window}&constraints=rt_feature") == set()
    # the time window: before the jobs existed, nothing
    assert select(f"start_time={int(time.time()) - 7200}&end_time={int(time.time()) - 3700}"
                  ) == set()
    # where the failing job ran
    _, body = _jobs(dbd, document, f"step={failing}")
    node = body["jobs"][0]["nodes"]
    assert failing in select(f"{window}&node={node}")
    # its association
    association = body["jobs"][0]["association"]["id"]
    assert select(f"{window}&association={association}") >= {failing}
    assert bob not in select(f"{window}&association={association}")
    # exit code: the code the job exited with (slurmdbd itself ignores it)
    assert select(f"{window}&exit_code=3") == {failing}
    assert select(f"{window}&exit_code=0") == {bob, array, reserved}
    assert select(f"{window}&exit_code=4") == set()
    # slurmdbd's scheduling flags: the jobs that started
    assert select(f"{named}&job_started=true") >= {failing, bob}


def test_skip_steps_and_submit_time(dbd, document, ran):
    failing = ran["failing"]
    _, body = _jobs(dbd, document, f"step={failing}&skip_steps=true")
    assert body["jobs"][0]["steps"] == []
    _, body = _jobs(dbd, document, f"step={failing}")
    submitted = body["jobs"][0]["time"]["submission"]
    assert failing in _ids(_jobs(dbd, document, f"submit_time={submitted - 1}")[1])
    assert failing not in _ids(_jobs(dbd, document, f"submit_time={submitted + 3600}")[1])


def test_batch_script_only_for_its_owner(dbd, document, ran):
    failing, bob = ran["failing"], ran["bob"]
    _, body = _jobs(dbd, document, f"step={failing}&show_batch_script=true", user="alice")
    [job] = body["jobs"]
    assert SCRIPT_MARK in job["script"]
    # alice asking for bob's script: slurmdbd returns nothing of bob's job to her
    status, body = _jobs(dbd, document, f"step={bob}&show_batch_script=true", user="alice")
    assert status == 200
    assert all(SCRIPT_MARK not in job["script"] for job in body["jobs"])
    assert bob not in _ids(body)
    # bob reads his own
    _, body = _jobs(dbd, document, f"step={bob}&show_batch_script=true", user="bob")
    assert SCRIPT_MARK in body["jobs"][0]["script"]
    # without naming jobs slurmdbd would answer nothing: restd says why
    status, body = _jobs(dbd, document, "show_batch_script=true")
    assert status == 422 and body["errors"][0]["source"] == "#/show_batch_script"


def test_environment_flag_is_accepted(dbd, document, ran):
    """v0.0.40 has no field for the environment slurmdbd then returns: the job
    comes back, its script not replaced by the environment."""
    failing = ran["failing"]
    status, body = _jobs(dbd, document, f"step={failing}&show_job_environment=true")
    assert status == 200 and _ids(body) == {failing}
    assert body["jobs"][0]["script"] == ""


def test_answer_is_streamed_and_yaml_is_whole(dbd, ran):
    query = f"?step={ran['failing']},{ran['bob']}"
    status, headers, parsed = dbd.request("GET", PATH + query, user="alice")
    assert status == 200
    assert headers.get("Transfer-Encoding") == "chunked"
    assert {job["job_id"] for job in parsed["jobs"]} == {ran["failing"], ran["bob"]}
    status, headers, body = dbd.request("GET", PATH + query, user="alice",
                                        headers={"Accept": "application/yaml"})
    assert status == 200 and headers["Content-Type"] == "application/yaml"
    from restd.plugins.serializer import yaml
    assert yaml.load(body.encode())["jobs"] == parsed["jobs"]


def test_bad_filter_through_the_daemon(dbd, document):
    status, body = _jobs(dbd, document, "start_time=whenever")
    assert status == 422
    assert body["errors"][0]["source"] == "#/start_time"
    status, body = _jobs(dbd, document, "qos=rt_no_such_qos&step=1")
    assert status == 422
    assert body["errors"][0]["source"] == "#/qos"
    # nothing that would change slurmdbd's SQL reaches it
    for name in ("account", "job_name", "wckey", "reservation", "partition"):
        status, body = _jobs(dbd, document, f"{name}=x%27%20or%20%271%27=%271")
        assert status == 422, name
        assert body["errors"][0]["source"] == f"#/{name}"
