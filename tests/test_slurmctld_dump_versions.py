"""The real controller's records dumped with the v0.0.41 to v0.0.45
descriptions: a running job of alice's, the nodes, the partitions,
slurmctld's statistics and the controller pings are read through
restd.native.controller (in a child process), dumped as the bodies of GET
jobs, nodes, partitions, diag and ping, and each dump is valid against the
reference slurmrestd 24.11.5 component of that version and against restd's
own (v0.0.41, v0.0.42: slurmrestd 24.11.5's document; v0.0.42 to v0.0.45:
26.05.5's); the fields those versions added or rewrote show what Slurm holds
(scontrol and sdiag being the witnesses): the job's allocation node by
node with its cores (v0.0.41's job_resources), the RPC statistics as
objects, the pings' responding and primary (v0.0.42), the stdio paths as
given and expanded (v0.0.43), the job's own step id (v0.0.44), the
partitions' Exclusive=, OverSubscribe= and flags and the ping status
(v0.0.45).

The scenario functions at the end run in the child (``python THIS_FILE SCENARIO ARGS``).
"""
from __future__ import annotations

import json
import re
import sys
import time

import pytest

import native_child

pytestmark = pytest.mark.cluster

VERSIONS = ("v0.0.41", "v0.0.42", "v0.0.43", "v0.0.44", "v0.0.45")
# the real daemon's document each version's dumps are checked against
REFERENCES = {"v0.0.41": ("24.11.5",), "v0.0.42": ("24.11.5", "26.05.5"),
              "v0.0.43": ("26.05.5",), "v0.0.44": ("26.05.5",), "v0.0.45": ("26.05.5",)}


@pytest.fixture(scope="module")
def running_job(cluster):
    out = cluster.run("sbatch", "--parsable", "-A", "test", "-N1", "-n1",
                      "-J", "restd-dumpver-ctld", "--chdir=/tmp", "-o", "/dev/null",
                      "-t", "5", "--wrap", "sleep 300", user="alice")
    job_id = int(out.stdout.strip().split(";")[0])
    deadline = time.monotonic() + 60
    while cluster.run("squeue", "-h", "-j", str(job_id), "-o", "%T").stdout.strip() \
            != "RUNNING":
        assert time.monotonic() < deadline, f"job {job_id} never ran"
        time.sleep(0.5)
    yield job_id
    cluster.run("scancel", str(job_id), check=False)


@pytest.fixture(scope="module")
def held_job(cluster):
    """A pending job slurmctld holds: never allocated, no job_resources."""
    out = cluster.run("sbatch", "--parsable", "-H", "-A", "test", "-N1", "-n1",
                      "-J", "restd-dumpver-held", "--chdir=/tmp", "-o", "/dev/null",
                      "-t", "5", "--wrap", "true", user="alice")
    job_id = int(out.stdout.strip().split(";")[0])
    yield job_id
    cluster.run("scancel", str(job_id), check=False)


@pytest.fixture(scope="module")
def patterned_job(cluster):
    """A held job whose output paths are patterns (%j, %x), with no input file
    given (sbatch makes the relative error path absolute itself)."""
    out = cluster.run("sbatch", "--parsable", "-H", "-A", "test", "-N1", "-n1",
                      "-J", "restd-dumpver-pat", "--chdir=/tmp",
                      "-o", "/tmp/restd-dumpver-%j.out", "-e", "dumpver-%x.err",
                      "-t", "5", "--wrap", "true", user="alice")
    job_id = int(out.stdout.strip().split(";")[0])
    yield job_id
    cluster.run("scancel", str(job_id), check=False)


@pytest.fixture(scope="module")
def dumps(cluster, running_job, held_job, patterned_job):
    env = cluster.env(SLURM_JWT="daemon")
    return native_child.run_child(__file__, "dumps", env, timeout=180,
                                  token=cluster.token("alice"))


def _scontrol_job(cluster, job_id) -> dict:
    text = cluster.run("scontrol", "show", "job", "-d", str(job_id)).stdout
    return dict(re.findall(r"(\w+)=(\S*)", text))


@pytest.mark.parametrize("version", VERSIONS)
def test_dumps_of_real_records_are_valid_for_the_reference(dumps, version):
    assert dumps[version]["errors"] == {}
    for body in ("jobs", "nodes", "partitions", "diag", "ping"):
        assert dumps[version][body], body


@pytest.mark.parametrize("version", VERSIONS)
def test_job_allocation_node_by_node_as_scontrol_shows_it(cluster, dumps, running_job,
                                                         version):
    [job] = [j for j in dumps[version]["jobs"]["jobs"] if j["job_id"] == running_job]
    shown = _scontrol_job(cluster, running_job)
    resources = job["job_resources"]
    assert resources["nodes"]["list"] == shown["NodeList"]
    assert resources["nodes"]["count"] == int(shown["NumNodes"])
    assert resources["cpus"] == int(shown["NumCPUs"])
    [node] = resources["nodes"]["allocation"]
    assert (node["index"], node["name"]) == (0, shown["NodeList"])
    assert node["cpus"]["count"] == int(shown["NumCPUs"])
    cores = [(socket["index"], core["index"], core["status"])
             for socket in node["sockets"] for core in socket["cores"]]
    # every core of the node is listed; the job's have ALLOCATED (scontrol -d: CPU_IDs)
    allocated = [entry for entry in cores if "ALLOCATED" in entry[2]]
    assert allocated and all(status == ["UNALLOCATED"] for *_, status in cores
                             if "ALLOCATED" not in status)
    # v0.0.45 names cr_type as select_type_param_string() does (CR_CORE_MEMORY...)
    named = ({"CPU", "SOCKET", "CORE", "BOARD", "MEMORY", "ONE_TASK_PER_CORE", "PACK_NODES",
              "CORE_DEFAULT_DIST_BLOCK", "LLN", "LINEAR"} if version < "v0.0.45" else
             {"NONE", "CR_CPU_MEMORY", "CR_CPU", "CR_CORE_MEMORY", "CR_CORE",
              "CR_SOCKET_MEMORY", "CR_SOCKET", "CR_MEMORY", "CR_ONE_TASK_PER_CORE",
              "CR_CORE_DEFAULT_DIST_BLOCK", "CR_NO_DIST_TOPO_BLOCK", "CR_LLN", "CR_PACK_NODES",
              "LL_SHARED_GRES", "MULTIPLE_SHARING_GRES_PJ", "ENFORCE_BINDING_GRES",
              "ONE_TASK_PER_SHARING_GRES"})
    assert resources["select_type"] and set(resources["select_type"]) <= named
    assert "allocated_nodes" not in resources


@pytest.mark.parametrize("version", VERSIONS)
def test_rpc_statistics_are_objects_sdiag_names(cluster, dumps, version):
    statistics = dumps[version]["diag"]["statistics"]
    by_type = {rpc["message_type"]: rpc for rpc in statistics["rpcs_by_message_type"]}
    # the child loaded the job list just before: slurmctld counted REQUEST_JOB_INFO
    assert by_type["REQUEST_JOB_INFO"]["count"] >= 1
    sdiag = cluster.run("sdiag").stdout
    for name, rpc in by_type.items():
        # sdiag: "REQUEST_JOB_INFO                  ( 2003) count:..."
        assert re.search(rf"{name}\s+\(\s*{rpc['type_id']}\)", sdiag), name
        assert rpc["average_time"]["set"] is (rpc["total_time"] > 0 and rpc["count"] > 0)
    assert all(isinstance(rpc["user"], str) for rpc in statistics["rpcs_by_user"])
    assert isinstance(statistics["pending_rpcs"], list)


@pytest.mark.parametrize("version", VERSIONS)
def test_a_job_never_allocated_has_null_job_resources(dumps, held_job, version):
    """v0.0.41 on, a NULL pointer of a field that is not required is null (as
    slurmrestd 24.11 answers for a job never allocated), not v0.0.40's {}:
    job_res now requires its fields, so {} would break strict clients."""
    [job] = [j for j in dumps[version]["jobs"]["jobs"] if j["job_id"] == held_job]
    assert job["job_resources"] is None
    assert job["job_state"] == ["PENDING"]


def test_v0042_pings_say_responding_and_primary(dumps):
    [ping] = dumps["v0.0.42"]["ping"]["pings"]
    assert (ping["responding"], ping["primary"]) == (True, True)
    assert (ping["pinged"], ping["mode"]) == ("UP", "primary")
    assert "responding" not in dumps["v0.0.41"]["ping"]["pings"][0]


def test_v0042_job_fields(cluster, dumps, running_job):
    [job] = [j for j in dumps["v0.0.42"]["jobs"]["jobs"] if j["job_id"] == running_job]
    assert "minimum_switches" not in job and "exclusive" not in job
    assert job["required_switches"] == 0
    # a job of one partition has no priority_array (slurmctld fills it for several)
    assert job["priority_by_partition"] == []


def _job(dumps, version, job_id):
    [job] = [j for j in dumps[version]["jobs"]["jobs"] if j["job_id"] == job_id]
    return job


@pytest.mark.parametrize("version", ("v0.0.43", "v0.0.44", "v0.0.45"))
def test_v0043_stdio_paths_as_given_and_expanded(cluster, dumps, patterned_job, version):
    """standard_* are the paths as the job gave them; *_expanded what scontrol
    shows (StdOut=, StdErr=: the patterns expanded, relative paths made absolute)."""
    job = _job(dumps, version, patterned_job)
    shown = _scontrol_job(cluster, patterned_job)
    assert job["standard_output"] == "/tmp/restd-dumpver-%j.out"
    assert job["standard_error"] == "/tmp/dumpver-%x.err"
    assert job["stdout_expanded"] == shown["StdOut"] == f"/tmp/restd-dumpver-{patterned_job}.out"
    assert job["stderr_expanded"] == shown["StdErr"] == "/tmp/dumpver-restd-dumpver-pat.err"
    # no input given: the path slurmctld records ("" or /dev/null), expanded as scontrol
    assert job["stdin_expanded"] == (shown["StdIn"] if job["standard_input"] else "")
    assert "standard_input" in job and job["licenses_allocated"] == ""
    assert job["segment_size"] == 0


@pytest.mark.parametrize("version", ("v0.0.44", "v0.0.45"))
def test_v0044_job_step_id_is_the_whole_job(dumps, running_job, version):
    step = _job(dumps, version, running_job)["step_id"]
    assert step["job_id"] == {"set": True, "infinite": False, "number": running_job}
    assert step["step_het_component"]["set"] is False and step["step_id"] == "entire"
    # the SLUID: Slurm 25.11 on gives one, older Slurm none
    assert step["sluid"] == "" or re.fullmatch(r"s[0-9A-HJKMNP-TV-Z]{13}", step["sluid"])
    assert "step_id" not in _job(dumps, "v0.0.43", running_job)


def test_v0045_pings_say_status_not_pinged_or_mode(dumps):
    [ping] = dumps["v0.0.45"]["ping"]["pings"]
    assert (ping["responding"], ping["primary"], ping["status"]) == (True, True, "No error")
    assert "pinged" not in ping and "mode" not in ping


def test_v0045_partitions_say_exclusive_oversubscribe_and_flags(cluster, dumps):
    """Exclusive= and OverSubscribe= as scontrol 22.05 says them (its OverSubscribe
    EXCLUSIVE is v0.0.45's exclusive NODE), Default=YES the DEFAULT flag."""
    partitions = dumps["v0.0.45"]["partitions"]["partitions"]
    assert {p["name"] for p in partitions} == {"debug", "long"}
    for partition in partitions:
        shown = dict(re.findall(r"(\w+)=(\S*)", cluster.run(
            "scontrol", "show", "partition", partition["name"]).stdout))
        oversubscribe = shown["OverSubscribe"]
        if oversubscribe == "EXCLUSIVE":
            assert partition["partition"]["exclusive"] == "NODE"
        else:
            assert partition["partition"]["oversubscribe"] == oversubscribe
            assert partition["partition"]["exclusive"] == (
                "USER" if shown.get("ExclusiveUser") == "YES" else "NO")
        assert ("DEFAULT" in partition["flags"]) is (shown["Default"] == "YES")
        assert "shares" not in partition["maximums"] or partition["maximums"]["shares"] == 0
        assert partition["select_type"] and all(
            name == "NONE" or name.startswith(("CR_", "LL_", "MULTIPLE_", "ENFORCE_",
                                               "ONE_TASK_"))
            for name in partition["select_type"])
        assert isinstance(partition["preempt_mode"], list) and partition["preempt_mode"]


def test_v0045_nodes_lack_power_and_weighted_tres(dumps):
    for node in dumps["v0.0.45"]["nodes"]["nodes"]:
        assert not {"power", "external_sensors", "tres_weighted"} & set(node)
        assert node["cert_flags"] == [] or node["cert_flags"] == ["TOKEN_SET"]
        assert set(node["suspend_time"]) == {"set", "infinite", "number"}
    # v0.0.42 as 26.05 describes it: tres_weighted removed, dumped 0.0
    assert all(node["tres_weighted"] == 0.0 for node in dumps["v0.0.42"]["nodes"]["nodes"])


def test_nodes_and_partitions_fields_of_v0041(cluster, dumps):
    nodes = dumps["v0.0.41"]["nodes"]["nodes"]
    for node in nodes:
        shown = dict(re.findall(r"(\w+)=(\S*)", cluster.run(
            "scontrol", "show", "node", node["name"]).stdout))
        # 22.05 has neither member: dumped unset, as scontrol shows nothing
        assert node["res_cores_per_gpu"] == int(shown.get("ResCoresPerGPU", 0))
        assert node["gpu_spec"] == ""
    partitions = dumps["v0.0.41"]["partitions"]["partitions"]
    assert {p["name"] for p in partitions} == {"debug", "long"}
    assert all(isinstance(p["select_type"], list) for p in partitions)


# --- in the child process -----------------------------------------------------------------

def _load():
    import os
    from restd.native import library
    return library.load(jwt_daemon=os.environ.get("SLURM_JWT") == "daemon")


def _without_nulls(value):
    """``value`` without the null members (slurmrestd's NULL pointers of fields
    that are not required, which clients read as absent): what the strict
    schema is checked against."""
    if isinstance(value, dict):
        return {key: _without_nulls(item) for key, item in value.items()
                if item is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value


def scenario_dumps(token):
    _load()
    from openapi_check import validate_component
    from restd.data_parser.dump import dump
    from restd.data_parser.schema import component_schemas
    from restd.data_parser.versions import version as described_version
    from restd.native import controller, identity, services
    from shared_dir import REFERENCE

    references = {release: json.loads((REFERENCE / f"slurmrestd-{release}-openapi.json")
                                      .read_text()) for release in ("24.11.5", "26.05.5")}
    out = {}
    with identity.as_user(token, "alice"):
        jobs = controller.load_jobs()
        nodes = controller.load_nodes()
        partitions = controller.load_partitions()
        stats = controller.diag()
        pings = controller.ping()
        values = {
            "jobs": ("OPENAPI_JOB_INFO_RESP", {
                "jobs": [jobs.c.job_array + i for i in range(jobs.c.record_count)],
                "last_backfill": 0, "last_update": jobs.c.last_update}),
            "nodes": ("OPENAPI_NODES_RESP", {
                "nodes": [nodes.c.node_array + i for i in range(nodes.c.record_count)],
                "last_update": nodes.c.last_update}),
            "partitions": ("OPENAPI_PARTITION_RESP", {
                "partitions": [partitions.c.partition_array + i
                               for i in range(partitions.c.record_count)],
                "last_update": partitions.c.last_update}),
            "diag": ("OPENAPI_DIAG_RESP", {"response": stats.c}),
            "ping": ("OPENAPI_PING_ARRAY_RESP", {"response": [
                {"hostname": ping.hostname, "pinged": ping.responding,
                 "latency": ping.latency_us, "offset": ping.index,
                 "rc": ping.error.number if ping.error is not None else 0}
                for ping in pings]}),
        }
        for described in map(described_version, VERSIONS):
            version = described.with_services(services.LibslurmServices())
            ours = {"components": {"schemas": component_schemas(version, version.roots)}}
            dumped, errors = {}, {}
            for name, (kind, value) in values.items():
                # the envelope restd adds to every answer (restd.app)
                value = {**value, "meta": {}, "errors": [], "warnings": []}
                dumped[name] = json.loads(json.dumps(dump(version, kind, value,
                                                          get=services.get)))
                component = version.component_name(version.kind(kind))
                for label, document in (*((f"reference {release}", references[release])
                                          for release in REFERENCES[version.name]),
                                        ("ours", ours)):
                    try:
                        validate_component(document, component,
                                           _without_nulls(dumped[name]))
                    except Exception as error:  # jsonschema.ValidationError: reported
                        errors[f"{name} ({label})"] = str(error)[:2000]
            out[version.name] = {**dumped, "errors": errors}
    return out


if __name__ == "__main__":
    sys.path.insert(0, str(native_child.REPO))
    sys.path.insert(0, str(native_child.REPO / "tests"))
    name, arguments = sys.argv[1], json.loads(sys.argv[2])
    print(json.dumps(globals()["scenario_" + name](**arguments)))
