"""content/slurmctld against the real cluster: the read operations, errors and the
published operations, compared with slurmctld itself and with the reference."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from openapi_check import missing_fields, reference_document, response_schema_name, validate
from slurmctld_support import (call, cancel, job_state, same_fields_as_reference, scontrol_job,
                                squeue, wait_for)
from shared_dir import SHARED

pytestmark = [pytest.mark.cluster, pytest.mark.timeout(300)]

SAMPLES = (SHARED / "reference/samples/v0.0.40")


def sample(name: str) -> dict:
    return json.loads((SAMPLES / f"{name}.json").read_text())


@pytest.fixture(scope="module")
def reference():
    return reference_document()


def test_every_v0040_slurm_operation_is_published_as_the_reference(restd, reference):
    ours = restd.document()
    checked = 0
    for path, operations in reference["paths"].items():
        if not path.startswith("/slurm/v0.0.40/"):
            continue
        for method, operation in operations.items():
            if method == "parameters":
                continue
            mine = ours["paths"][path][method]
            assert mine["operationId"] == operation["operationId"]
            assert response_schema_name(ours, path, method) == \
                response_schema_name(reference, path, method)
            params = {(p["name"], p["in"], json.dumps(p["schema"], sort_keys=True))
                      for p in operation.get("parameters", [])}
            assert {(p["name"], p["in"], json.dumps(p["schema"], sort_keys=True))
                    for p in mine.get("parameters", [])} == params, (method, path)
            body = operation.get("requestBody", {}).get("content", {})
            mine_body = mine.get("requestBody", {}).get("content", {})
            assert (body.get("application/json", {}).get("schema")
                    == mine_body.get("application/json", {}).get("schema")), (method, path)
            checked += 1
    assert checked == 21


def test_meta_names_the_plugin_the_cluster_and_the_slurm_version(restd, cluster):
    _, body = call(restd, "GET", "ping/")
    meta = body["meta"]
    assert meta["plugin"] == {"type": "openapi/slurmctld", "name": "Slurm OpenAPI slurmctld",
                              "data_parser": "data_parser/v0.0.40",
                              "accounting_storage": "accounting_storage/slurmdbd"}
    version = cluster.run("scontrol", "--version").stdout.split()[1]  # "22.05.8"
    major, minor, micro = version.split(".")
    assert meta["slurm"]["version"] == {"major": major, "micro": micro, "minor": minor}
    assert meta["slurm"]["release"] == version
    assert meta["slurm"]["cluster"] == "restd"
    assert meta["client"]["user"] == "alice"


def test_ping_answers_the_controller_up(restd, cluster):
    _, body = call(restd, "GET", "ping/")
    host = cluster.run("scontrol", "ping").stdout
    assert len(body["pings"]) == 1
    ping = body["pings"][0]
    assert ping["pinged"] == "UP" and ping["mode"] == "primary"
    assert f"at {ping['hostname']} is UP" in host
    assert body["errors"] == [] and body["warnings"] == []


def test_nodes_are_slurmctld_nodes_with_every_reference_field(restd, cluster, reference):
    _, body = call(restd, "GET", "nodes/")
    names = [node["name"] for node in body["nodes"]]
    assert names == ["n1", "n2", "n3", "n4"]
    sinfo = dict(line.split() for line in cluster.run(
        "sinfo", "-h", "-N", "-o", "%N %c").stdout.splitlines())
    for node in body["nodes"]:
        assert node["cpus"] == int(sinfo[node["name"]])
        assert node["partitions"] == ["debug", "long"]
        assert missing_fields(reference, "v0.0.40_node", node) == []
    _, one = call(restd, "GET", "node/{node_name}", node_name="n2")
    assert [node["name"] for node in one["nodes"]] == ["n2"]


def test_unknown_node(restd):
    status, body = call(restd, "GET", "node/{node_name}", node_name="nosuchnode",
                        expect=None)
    assert status == 404
    assert body["errors"][0]["error_number"] == 2018  # ESLURM_INVALID_NODE_NAME


def test_partitions_and_one_partition(restd, cluster, reference):
    _, body = call(restd, "GET", "partitions/")
    assert [p["name"] for p in body["partitions"]] == ["debug", "long"]
    for partition in body["partitions"]:
        assert missing_fields(reference, "v0.0.40_partition_info", partition) == []
    long = next(p for p in body["partitions"] if p["name"] == "long")
    assert long["maximums"]["time"] == {"set": True, "infinite": False, "number": 7 * 24 * 60}
    _, debug = call(restd, "GET", "partition/{partition_name}", partition_name="debug")
    assert [p["name"] for p in debug["partitions"]] == ["debug"]
    assert debug["partitions"][0]["nodes"]["configured"] == "n[1-4]"


def test_missing_partition_as_the_reference(restd):
    status, body = call(restd, "GET", "partition/{partition_name}", partition_name="nope",
                        expect=None)
    reference = sample("partition_missing")
    assert status == reference["status"] == 422
    assert body["errors"] == reference["body"]["errors"]
    assert body["warnings"] == []
    assert same_fields_as_reference(body, reference["body"])


def test_reservations_licenses_as_the_reference(restd, cluster):
    _, body = call(restd, "GET", "reservations/")
    assert body["reservations"] == []  # the cluster has none
    assert body["last_update"]["set"] is True
    _, licenses = call(restd, "GET", "licenses/")
    reference = sample("licenses")["body"]
    assert licenses["licenses"] == [] and licenses["warnings"] == reference["warnings"]
    status, missing = call(restd, "GET", "reservation/{reservation_name}",
                           reservation_name="nope", expect=None)
    assert status == 422 and missing["errors"][0]["error_number"] == 9000


def test_diag_counts_as_sdiag(restd, cluster):
    _, body = call(restd, "GET", "diag/")
    statistics = body["statistics"]
    sdiag = cluster.run("sdiag").stdout
    submitted = int(next(line for line in sdiag.splitlines()
                         if "Jobs submitted" in line).split(":")[1])
    assert submitted <= statistics["jobs_submitted"] <= submitted + 50
    assert statistics["server_thread_count"] >= 1
    assert set(statistics) >= {"rpcs_by_message_type", "rpcs_by_user", "schedule_exit",
                               "bf_exit"}


def test_reconfigure_refused_to_a_user(restd):
    # only the refusal is tested: reconfiguring the shared cluster is not an option
    status, body = call(restd, "GET", "reconfigure/", expect=None)
    assert status == 403
    assert body["errors"][0]["error_number"] == 2010  # ESLURM_USER_ID_MISSING
    assert body["errors"][0]["source"] == "slurm_reconfigure()"


def test_shares_as_sshare(restd, cluster):
    # 23.11+: slurm_associations_get_shares(); 22.05: REQUEST_SHARE_INFO sent by
    # restd itself (native/_cffi_src/protocol.py), as sshare 22.05 does
    status, _, body = restd.request("GET", "/slurm/v0.0.40/shares?users=alice", user="alice")
    assert status == 200 and body["errors"] == []
    # an association without usage has an infinite level (sshare: inf), which restd
    # writes as null (plugins/serializer/json.py); the schema's number has no such value
    checked = json.loads(json.dumps(body))
    for share in checked["shares"]["shares"]:
        if share["fairshare"]["level"] is None:
            share["fairshare"]["level"] = 0.0
    validate(restd.document(), "/slurm/v0.0.40/shares", "get", checked)
    # the same associations as sshare's, with the same raw shares and usage
    rows = cluster.run("sshare", "-P", "-n", "-u", "alice", "-o",
                       "Account,User,RawShares,RawUsage", user="alice").stdout.splitlines()
    theirs = {(row.split("|")[1] or row.split("|")[0].strip()):
              (row.split("|")[2], int(row.split("|")[3])) for row in rows}
    ours = {share["name"]: (str(share["shares"]["number"]) if share["shares"]["set"] else "",
                            share["usage"]) for share in body["shares"]["shares"]}
    assert ours == theirs
    alice = [share for share in body["shares"]["shares"] if share["name"] == "alice"]
    assert alice[0]["type"] == ["USER"] and alice[0]["parent"] == "test"


def test_job_missing_as_the_reference(restd):
    status, body = call(restd, "GET", "job/{job_id}", job_id="999999", expect=None)
    reference = sample("job_missing")
    assert status == reference["status"] == 404
    assert body["errors"] == reference["body"]["errors"]
    assert body["jobs"] == [] and same_fields_as_reference(body, reference["body"])
    assert body["last_update"] == reference["body"]["last_update"]


def test_job_bad_id_as_the_reference(restd):
    status, body = call(restd, "GET", "job/{job_id}", job_id="abc", expect=None)
    reference = sample("job_bad_id")
    assert status == reference["status"] == 422
    assert body["errors"] == reference["body"]["errors"]


def test_update_time_without_change(restd):
    # other tests may change the queue meanwhile: then slurmctld answers the jobs
    # with a newer last_update; try until nothing changed between the two requests
    for _ in range(20):
        _, body = call(restd, "GET", "jobs/")
        later = body["last_update"]["number"] + 1
        _, unchanged = call(restd, "GET", "jobs/", query=f"update_time={later}")
        if not unchanged["jobs"]:
            break
        assert unchanged["last_update"]["number"] >= later
    assert unchanged["jobs"] == []
    assert unchanged["last_update"] == {"set": True, "infinite": False, "number": 0}
    assert unchanged["warnings"][0]["description"].startswith(
        f"No job changes since update_time[{later}]=")


def test_jobs_as_squeue(restd, cluster, reference):
    for _ in range(5):  # other tests may change the queue between the two reads
        _, body = call(restd, "GET", "jobs/")
        ids = sorted(job["job_id"] for job in body["jobs"])
        queue = sorted(int(row[0]) for row in squeue(cluster, "-t", "all", "-o", "%A"))
        if ids == sorted(set(queue)):
            break
    assert ids == sorted(set(queue))
    for job in body["jobs"]:
        assert missing_fields(reference, "v0.0.40_job_info", job) == []


def _allocation_as_scontrol(cluster, job_id) -> dict:
    """``scontrol show job -d``'s allocation lines ("Nodes=n[1-2] CPU_IDs=0-2 Mem=100
    GRES=") as {node: (CPU ids, MiB)}."""
    from restd.data_parser.types import expand_hostlist
    out = cluster.run("scontrol", "show", "job", "-d", str(job_id)).stdout
    allocation = {}
    for line in out.splitlines():
        fields = dict(item.split("=", 1) for item in line.split() if "=" in item)
        if "CPU_IDs" not in fields:
            continue
        cpu_ids = set()
        for part in fields["CPU_IDs"].split(","):
            low, _, high = part.partition("-")
            cpu_ids.update(range(int(low), int(high or low) + 1))
        for node in expand_hostlist(fields["Nodes"]):
            allocation[node] = (cpu_ids, int(fields["Mem"]))
    return allocation


def scontrol_node(cluster, name: str) -> dict:
    """``scontrol -o show node`` of one node as a dict."""
    line = cluster.run("scontrol", "-o", "show", "node", name).stdout.strip()
    return dict(item.split("=", 1) for item in line.split() if "=" in item)


def _yaml_jobs(restd, job_id) -> list:
    """GET job/{id} as YAML: the Python dumper (JSON answers come from the C fast path)."""
    from ruamel.yaml import YAML
    status, _, text = restd.request("GET", f"job/{job_id}",
                                    headers={"Accept": "application/x-yaml"})
    assert status == 200, text
    return json.loads(json.dumps(YAML(typ="safe").load(text)))["jobs"]


def test_job_resources_are_dumped(restd, cluster, reference):
    """A running 2-node job of alice's, its steps using every CPU it got: both
    dumpers give job_resources as slurmctld has it (scontrol show job -d)."""
    _, submitted = call(restd, "POST", "job/submit", body={
        "script": "#!/bin/bash\nsrun sleep 300\n",
        "job": {"name": "restd job_resources", "current_working_directory": "/tmp",
                "environment": ["PATH=/bin:/usr/bin"], "standard_output": "/dev/null",
                "nodes": "2", "tasks": 6, "tasks_per_node": 3,
                "memory_per_node": {"set": True, "number": 100},
                "time_limit": {"set": True, "number": 5}}})
    job_id = submitted["job_id"]
    try:
        wait_for(lambda: job_state(cluster, job_id) == "RUNNING", what="job running")

        def resources_in_use():
            _, body = call(restd, "GET", "job/{job_id}", job_id=job_id)
            resources = body["jobs"][0]["job_resources"]
            nodes = resources.get("allocated_nodes") or []
            return resources if nodes and all(n["cpus_used"] == 3 for n in nodes) else None
        fast = wait_for(resources_in_use, what="the job's step using its CPUs")
        python = _yaml_jobs(restd, job_id)[0]["job_resources"]
        assert python == fast
        assert missing_fields(reference, "v0.0.40_job_res", fast) == []

        info = scontrol_job(cluster, job_id)
        allocation = _allocation_as_scontrol(cluster, job_id)
        assert fast["nodes"] == info["NodeList"]
        assert fast["allocated_hosts"] == int(info["NumNodes"]) == 2
        # the cluster's SelectTypeParameters=CR_Core_Memory: cores counted, not CPUs
        assert fast["allocated_cores"] == int(info["NumCPUs"]) == 6
        assert fast["allocated_cpus"] == 0
        node_layout = {name: scontrol_node(cluster, name) for name in allocation}
        assert [node["nodename"] for node in fast["allocated_nodes"]] == list(allocation)
        for node in fast["allocated_nodes"]:
            layout = node_layout[node["nodename"]]
            assert layout["ThreadsPerCore"] == "1"  # a core is a CPU: CPU ids are core ids
            cores_per_socket = int(layout["CoresPerSocket"])
            cores = {int(socket) * cores_per_socket + int(core): state
                     for socket, entry in node["sockets"].items()
                     for core, state in entry["cores"].items()}
            cpu_ids, memory = allocation[node["nodename"]]
            assert set(cores) == cpu_ids and len(cpu_ids) == 3
            # "allocated_and_in_use" only for cores a step was given as its own
            # (core_bitmap_used): slurmctld's choice, the same in both dumps
            assert set(cores.values()) <= {"allocated", "allocated_and_in_use"}
            assert node["memory_allocated"] == memory == 100
            assert node["cpus_used"] == 3
    finally:
        cancel(cluster, job_id)

    # a pending job has no resources: {} from both dumpers, as slurmrestd
    held = call(restd, "POST", "job/submit", body={
        "script": "#!/bin/bash\nsleep 300\n",
        "job": {"name": "restd job_resources held", "current_working_directory": "/tmp",
                "environment": ["PATH=/bin:/usr/bin"], "hold": True}})[1]["job_id"]
    try:
        _, body = call(restd, "GET", "job/{job_id}", job_id=held)
        assert body["jobs"][0]["job_resources"] == {}
        assert _yaml_jobs(restd, held)[0]["job_resources"] == {}
    finally:
        cancel(cluster, held)


def test_controller_down_is_a_bad_gateway(cluster):
    """A restd whose slurm.conf names a controller port nobody listens on."""
    import shutil
    import socket
    import tempfile
    from conftest import RestdDaemon
    directory = Path(tempfile.mkdtemp(prefix="restd-down-", dir="/tmp"))
    directory.chmod(0o755)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]
    text = cluster.slurm_conf.read_text()
    import re
    text = re.sub(r"(?m)^SlurmctldPort=.*$", f"SlurmctldPort={dead_port}", text)
    conf = directory / "slurm.conf"
    conf.write_text(text)
    conf.chmod(0o644)
    daemon = RestdDaemon(cluster, directory).start(slurm_conf=conf)
    try:
        status, _, body = daemon.request("GET", "jobs/")
        assert status == 502, body
        assert body["errors"][0]["error_number"] in (1800, 1001)
        assert body["errors"][0]["source"] == "slurm_load_jobs()"
    finally:
        daemon.stop()
        shutil.rmtree(directory, ignore_errors=True)
