"""The /slurm/ operations v0.0.43 to v0.0.45 added, against the real local cluster, on
whatever Slurm restd is built against (22.05 here, 24.11 and 26.05 in the chroots):

- v0.0.43: POST reservation, POST reservations/ (slurm_create_reservation(),
  slurm_update_reservation(): operators and administrators);
- v0.0.44: POST new/node/ (slurm_create_node(), dynamic nodes: administrators),
  GET resources/{job_id} (slurm_get_resource_layout(), Slurm 25.11 on; before, 501
  naming what is missing);
- v0.0.45: GET job/{job_id}/requeue, POST jobs/requeue (slurm_requeue2(): the job's
  owner or an operator), POST partitions/ and DELETE partition/{partition_name}
  (administrators).

Each is tried as a plain user (refused as Slurm refuses: 403) and as an operator or
administrator (root), and what it did is read back with scontrol; bad bodies are 422
naming the field. Everything created is deleted again, whatever the test's outcome.
Every answer is checked against restd's own document."""
from __future__ import annotations

import time

import pytest

from openapi_check import validate, validate_component
from slurmctld_support import cancel, job_state, scontrol_job, sinfo_nodes, wait_for
from conftest import RestdDaemon

pytestmark = pytest.mark.cluster

VERSIONS = ["v0.0.40", "v0.0.41", "v0.0.42", "v0.0.43", "v0.0.44", "v0.0.45"]
RESERVATION = "restd_test_resv"
PARTITION = "restd_test_part"
NODE = "restd-dyn1"


@pytest.fixture(scope="module")
def daemon(cluster):
    restd = RestdDaemon(cluster, data_parser=",".join(VERSIONS),
                        services="slurmctld,slurmdbd").start()
    yield restd
    restd.stop()


@pytest.fixture(scope="module")
def document(daemon):
    status, _, body = daemon.request("GET", "/openapi/v3")
    assert status == 200
    return body


def call(daemon, document, method, version, template, *, user="alice", body=None,
         query="", expect=200, **params):
    """One exchange as ``user``, checked against restd's document: a 200 against the
    operation's response, any other JSON answer against the envelope."""
    path = f"/slurm/{version}/{template.format(**params)}" + (f"?{query}" if query else "")
    status, _, answer = daemon.request(method, path, user=user, body=body)
    assert status == expect, (status, answer)
    assert isinstance(answer, dict), answer
    if status == 200:
        validate(document, f"/slurm/{version}/{template}", method, answer)
    else:
        validate_component(document, f"{version}_openapi_resp", answer)
    return answer


def error_sources(answer) -> list[str]:
    return [entry.get("source") for entry in answer["errors"]]


def scontrol_show(cluster, what, name, *flags) -> str:
    result = cluster.run("scontrol", *flags, "-o", "show", what, name, check=False)
    return result.stdout if result.returncode == 0 else ""


# --- which version serves which ------------------------------------------------------------

ADDED = {
    ("POST", "reservation"): "v0.0.43", ("POST", "reservations/"): "v0.0.43",
    ("POST", "new/node/"): "v0.0.44", ("GET", "resources/{job_id}"): "v0.0.44",
    ("GET", "job/{job_id}/requeue"): "v0.0.45", ("POST", "jobs/requeue"): "v0.0.45",
    ("POST", "partitions/"): "v0.0.45", ("DELETE", "partition/{partition_name}"): "v0.0.45",
    # slurmrestd 26.05 serves it from v0.0.42 on (24.11's v0.0.42 did not have it)
    ("DELETE", "reservation/{reservation_name}"): "v0.0.42",
}


def test_each_operation_is_published_from_the_version_that_added_it(document):
    """As slurmrestd 26.05.5's document lists them: from the version that added the
    operation on, and under no older version."""
    for (method, template), first in ADDED.items():
        for version in VERSIONS:
            operation = document["paths"].get(f"/slurm/{version}/{template}", {}).get(
                method.lower())
            if VERSIONS.index(version) >= VERSIONS.index(first):
                assert operation is not None, (method, version, template)
                assert operation["operationId"].startswith(
                    f"slurm_v{version[1:].replace('.', '')}_"), operation["operationId"]
            else:
                assert operation is None, (method, version, template)


def test_an_operation_of_a_newer_version_is_not_served_under_an_older_one(daemon):
    status, _, _ = daemon.request("DELETE", f"/slurm/v0.0.44/partition/{PARTITION}")
    assert status in (404, 405)
    status, _, _ = daemon.request("POST", "/slurm/v0.0.42/reservation", body={})
    assert status in (404, 405)


# --- reservations (v0.0.43) ------------------------------------------------------------------

@pytest.fixture
def no_reservation(cluster):
    cluster.run("scontrol", "delete", f"reservation={RESERVATION}", check=False)
    yield
    cluster.run("scontrol", "delete", f"reservation={RESERVATION}", check=False)


def _reservation(start_offset=3600, **more):
    return {"name": RESERVATION, "node_list": ["n1"], "users": ["alice"],
            "start_time": {"set": True, "number": int(time.time()) + start_offset},
            "duration": {"set": True, "number": 30}, **more}


@pytest.mark.parametrize("version", ["v0.0.43", "v0.0.45"])
def test_reservation_created_by_root_then_updated(daemon, document, cluster, no_reservation,
                                                  version):
    answer = call(daemon, document, "POST", version, "reservation", user="root",
                  body=_reservation())
    assert answer["errors"] == []
    (echoed,) = answer["reservations"]
    assert echoed["name"] == RESERVATION and echoed["node_list"] == ["n1"]
    shown = scontrol_show(cluster, "reservation", RESERVATION)
    assert f"ReservationName={RESERVATION}" in shown and "Nodes=n1 " in shown
    assert "Users=alice " in shown and "Duration=00:30:00" in shown
    # the same name again: updated, not created twice
    call(daemon, document, "POST", version, "reservation", user="root",
         body={"name": RESERVATION, "duration": {"set": True, "number": 45},
               "users": ["alice", "bob"]})
    shown = scontrol_show(cluster, "reservation", RESERVATION)
    assert "Duration=00:45:00" in shown and "Users=alice,bob " in shown, shown
    # GET reservation/{name} of the same version sees it
    got = call(daemon, document, "GET", version, "reservation/{reservation_name}",
               reservation_name=RESERVATION)
    assert [r["name"] for r in got["reservations"]] == [RESERVATION]
    call(daemon, document, "DELETE", version, "reservation/{reservation_name}",
         user="root", reservation_name=RESERVATION)
    assert scontrol_show(cluster, "reservation", RESERVATION) == ""


def test_reservations_list_created_by_the_operator(daemon, document, cluster, no_reservation):
    """slurmctld lets an operator (oper, AdminLevel=Operator) create reservations."""
    answer = call(daemon, document, "POST", "v0.0.44", "reservations/", user="oper",
                  body={"reservations": [_reservation(flags=["MAINT"])]})
    assert [r["name"] for r in answer["reservations"]] == [RESERVATION]
    shown = scontrol_show(cluster, "reservation", RESERVATION)
    assert "MAINT" in shown, shown


def test_reservation_refused_to_a_user(daemon, document, cluster, no_reservation):
    answer = call(daemon, document, "POST", "v0.0.43", "reservation", user="alice",
                  body=_reservation(), expect=403)
    assert answer["errors"][0]["source"] == "slurm_create_reservation"
    assert scontrol_show(cluster, "reservation", RESERVATION) == ""
    # nor may the user delete one
    call(daemon, document, "POST", "v0.0.43", "reservation", user="root", body=_reservation())
    answer = call(daemon, document, "DELETE", "v0.0.42", "reservation/{reservation_name}",
                  user="alice", reservation_name=RESERVATION, expect=403)
    assert answer["errors"][0]["source"] == "slurm_delete_reservation"
    assert f"ReservationName={RESERVATION}" in scontrol_show(cluster, "reservation",
                                                             RESERVATION)


def test_reservation_bad_bodies_name_the_field(daemon, document, cluster, no_reservation):
    answer = call(daemon, document, "POST", "v0.0.43", "reservation", user="root",
                  body=_reservation(duration="thirty"), expect=422)
    assert "#/duration/" in error_sources(answer)
    answer = call(daemon, document, "POST", "v0.0.43", "reservations/", user="root",
                  body={"reservations": [{"node_list": ["n1"]}]}, expect=422)
    assert error_sources(answer)[0] == "#/reservations[0]/name/"
    answer = call(daemon, document, "POST", "v0.0.43", "reservations/", user="root",
                  body={"reservations": [_reservation(flags=["NOT_A_FLAG"])]}, expect=422)
    assert "#/reservations[0]/flags/" in error_sources(answer)
    assert scontrol_show(cluster, "reservation", RESERVATION) == ""


def test_reservation_comment_needs_slurm_23_11(daemon, document, cluster, no_reservation):
    """resv_desc_msg_t has a comment from Slurm 23.11 on: before, the field is refused
    (422 naming it) and nothing is created."""
    if cluster.version() >= (23, 11):
        call(daemon, document, "POST", "v0.0.43", "reservation", user="root",
             body=_reservation(comment="from restd"))
        assert "Comment=from restd" in scontrol_show(cluster, "reservation", RESERVATION)
    else:
        answer = call(daemon, document, "POST", "v0.0.43", "reservation", user="root",
                      body=_reservation(comment="from restd"), expect=422)
        assert answer["errors"][0]["source"] == "#/comment/"
        assert scontrol_show(cluster, "reservation", RESERVATION) == ""


# --- partitions (v0.0.45) -----------------------------------------------------------------------

@pytest.fixture
def no_partition(cluster):
    cluster.run("scontrol", "delete", f"partitionname={PARTITION}", check=False)
    yield
    cluster.run("scontrol", "delete", f"partitionname={PARTITION}", check=False)


def test_partition_created_updated_and_deleted_by_root(daemon, document, cluster,
                                                       no_partition):
    body = {"partitions": [{"name": PARTITION, "nodes": {"configured": "n[1-2]"},
                            "maximums": {"time": {"set": True, "number": 60}},
                            "flags": ["LLN"], "priority": {"tier": 3}}]}
    call(daemon, document, "POST", "v0.0.45", "partitions/", user="root", body=body)
    shown = scontrol_show(cluster, "partition", PARTITION)
    assert f"PartitionName={PARTITION}" in shown and "Nodes=n[1-2]" in shown
    assert "MaxTime=01:00:00" in shown and "LLN=YES" in shown, shown
    assert "PriorityTier=3" in shown, shown
    listed = call(daemon, document, "GET", "v0.0.45", "partitions/")
    assert PARTITION in [p["name"] for p in listed["partitions"]]
    # the same name again: updated
    call(daemon, document, "POST", "v0.0.45", "partitions/", user="root", body={
        "partitions": [{"name": PARTITION, "maximums": {"time": {"set": True, "number": 90}}}]})
    assert "MaxTime=01:30:00" in scontrol_show(cluster, "partition", PARTITION)
    call(daemon, document, "DELETE", "v0.0.45", "partition/{partition_name}", user="root",
         partition_name=PARTITION)
    assert scontrol_show(cluster, "partition", PARTITION) == ""
    listed = call(daemon, document, "GET", "v0.0.45", "partitions/")
    assert PARTITION not in [p["name"] for p in listed["partitions"]]


def test_partition_refused_to_the_user_and_the_operator(daemon, document, cluster,
                                                        no_partition):
    """slurmctld creates and deletes partitions for administrators only
    (validate_super_user()): an operator is refused too."""
    body = {"partitions": [{"name": PARTITION, "nodes": {"configured": "n1"}}]}
    for user in ("alice", "oper"):
        answer = call(daemon, document, "POST", "v0.0.45", "partitions/", user=user,
                      body=body, expect=403)
        assert answer["errors"][0]["source"] == "slurm_create_partition"
    assert scontrol_show(cluster, "partition", PARTITION) == ""
    answer = call(daemon, document, "DELETE", "v0.0.45", "partition/{partition_name}",
                  user="alice", partition_name="long", expect=403)
    assert answer["errors"][0]["source"] == "slurm_delete_partition()"
    assert "PartitionName=long" in scontrol_show(cluster, "partition", "long")


def test_partition_bad_bodies_name_the_field(daemon, document, cluster, no_partition):
    answer = call(daemon, document, "POST", "v0.0.45", "partitions/", user="root",
                  body={"partitions": [{"nodes": {"configured": "n1"}}]}, expect=422)
    assert answer["errors"][0]["source"] == "#/partitions[0]/name/"
    answer = call(daemon, document, "POST", "v0.0.45", "partitions/", user="root",
                  body={"partitions": [{"name": PARTITION,
                                        "maximums": {"time": "an hour"}}]}, expect=422)
    assert "#/partitions[0]/maximums/time/" in error_sources(answer)
    answer = call(daemon, document, "POST", "v0.0.45", "partitions/", user="root",
                  body={}, expect=422)
    assert "'partitions'" in answer["errors"][0]["description"]  # required: named
    assert scontrol_show(cluster, "partition", PARTITION) == ""


def test_deleting_an_unknown_partition(daemon, document, cluster):
    answer = call(daemon, document, "DELETE", "v0.0.45", "partition/{partition_name}",
                  user="root", partition_name="no_such_partition", expect=422)
    assert answer["errors"][0]["error_number"] > 0


# --- requeue (v0.0.45) ----------------------------------------------------------------------------

def _running_job(cluster, user="alice"):
    # output to /dev/null: a /tmp/slurm-<id>.out another cluster's job left there is
    # another user's file, which the sticky /tmp forbids opening
    out = cluster.run("sbatch", "--parsable", "-N1", "-t", "5", "--requeue",
                      "-o", "/dev/null", "--wrap", "sleep 300", user=user).stdout
    job_id = int(out.strip().split(";")[0])
    wait_for(lambda: job_state(cluster, job_id) == "RUNNING", what=f"job {job_id} running")
    return job_id


def test_job_requeued_by_its_owner_and_held(daemon, document, cluster):
    job_id = _running_job(cluster)
    try:
        answer = call(daemon, document, "GET", "v0.0.45", "job/{job_id}/requeue",
                      query="Hold", job_id=job_id)
        assert answer["errors"] == [] and answer["status"] == []
        record = wait_for(lambda: (r := scontrol_job(cluster, job_id))
                          .get("Restarts") == "1" and r, what="the requeue")
        assert record["JobState"] in ("PENDING", "REQUEUE_HOLD", "COMPLETING"), record
        assert record["Priority"] == "0", record  # held
    finally:
        cancel(cluster, job_id)


def test_jobs_requeued_by_the_operator(daemon, document, cluster):
    first, second = _running_job(cluster), _running_job(cluster, "bob")
    try:
        answer = call(daemon, document, "POST", "v0.0.45", "jobs/requeue", user="oper",
                      body={"jobs": [str(first), str(second)]})
        assert answer["errors"] == [] and answer["status"] == [[], []]
        for job_id in (first, second):
            wait_for(lambda: scontrol_job(cluster, job_id).get("Restarts") == "1",
                     what=f"job {job_id} requeued")
    finally:
        cancel(cluster, first, second)


def test_requeue_refused_to_another_user(daemon, document, cluster):
    job_id = _running_job(cluster, "bob")
    try:
        answer = call(daemon, document, "GET", "v0.0.45", "job/{job_id}/requeue",
                      user="alice", job_id=job_id, expect=403)
        assert answer["errors"][0]["source"] == "op_handler_job_requeue"
        assert scontrol_job(cluster, job_id).get("Restarts") == "0"
        assert job_state(cluster, job_id) == "RUNNING"
    finally:
        cancel(cluster, job_id)


def test_requeue_bad_requests(daemon, document):
    answer = call(daemon, document, "POST", "v0.0.45", "jobs/requeue", body={"jobs": []},
                  expect=422)
    assert answer["errors"][0]["source"] == "#/jobs/"
    answer = call(daemon, document, "POST", "v0.0.45", "jobs/requeue",
                  body={"jobs": ["12x"]}, expect=422)
    assert answer["errors"][0]["source"] == "#/jobs[0]/"
    answer = call(daemon, document, "POST", "v0.0.45", "jobs/requeue",
                  body={"jobs": ["1"], "flags": ["NoSuchFlag"]}, expect=422)
    assert answer["errors"][0]["source"] == "#/flags/"
    answer = call(daemon, document, "POST", "v0.0.45", "jobs/requeue",
                  body={"jobs": ["1"], "flags": ["SpecialExit"]}, expect=400)
    assert "Hold" in answer["errors"][0]["description"]
    answer = call(daemon, document, "GET", "v0.0.45", "job/{job_id}/requeue", job_id="x",
                  expect=422)


def test_requeue_of_an_unknown_job(daemon, document):
    answer = call(daemon, document, "GET", "v0.0.45", "job/{job_id}/requeue",
                  job_id=999999, expect=404)
    assert answer["errors"][0]["error"] == "Invalid job id specified"


# --- dynamic nodes (v0.0.44) -------------------------------------------------------------------

@pytest.fixture
def no_dynamic_node(cluster):
    cluster.run("scontrol", "delete", f"nodename={NODE}", check=False)
    yield
    cluster.run("scontrol", "delete", f"nodename={NODE}", check=False)


def test_node_created_by_root(daemon, document, cluster, no_dynamic_node):
    """A FUTURE node: made with the cluster's node defaults, never scheduled (the
    cluster has MaxNodeCount=8: room for dynamic nodes)."""
    call(daemon, document, "POST", "v0.0.44", "new/node/", user="root",
         body={"node_conf": f"NodeName={NODE} State=FUTURE"})
    shown = scontrol_show(cluster, "node", NODE, "--future")
    assert f"NodeName={NODE}" in shown and "FUTURE" in shown, shown
    call(daemon, document, "DELETE", "v0.0.44", "node/{node_name}", user="root",
         node_name=NODE)
    assert scontrol_show(cluster, "node", NODE, "--future") == ""


def test_node_creation_refused_to_the_user_and_the_operator(daemon, document, cluster,
                                                            no_dynamic_node):
    for user in ("alice", "oper"):
        answer = call(daemon, document, "POST", "v0.0.45", "new/node/", user=user,
                      body={"node_conf": f"NodeName={NODE} State=FUTURE"}, expect=403)
        assert answer["errors"][0]["source"] == "_create_node"
    assert scontrol_show(cluster, "node", NODE, "--future") == ""


def test_node_creation_needs_its_node_line(daemon, document, cluster, no_dynamic_node):
    answer = call(daemon, document, "POST", "v0.0.44", "new/node/", user="root", body={},
                  expect=422)
    assert "'node_conf'" in answer["errors"][0]["description"]  # required: named
    # slurmctld cannot read it (it answers SLURM_ERROR): the line is named
    for line in (5, "no node line"):
        answer = call(daemon, document, "POST", "v0.0.44", "new/node/", user="root",
                      body={"node_conf": line}, expect=422)
        assert answer["errors"][0]["source"] == "#/node_conf/"
    # a node line slurmctld reads but refuses: its reason
    answer = call(daemon, document, "POST", "v0.0.44", "new/node/", user="root",
                  body={"node_conf": f"NodeName={NODE} State=IDLE"}, expect=422)
    assert answer["errors"][0]["error"] == "Invalid node state specified"
    assert scontrol_show(cluster, "node", NODE, "--future") == ""


# --- job resource layouts (v0.0.44; slurm_get_resource_layout(): Slurm 25.11 on) ------------------

def test_resources_of_a_job(daemon, document, cluster):
    job_id = _running_job(cluster)
    try:
        if cluster.version() < (25, 11):
            answer = call(daemon, document, "GET", "v0.0.44", "resources/{job_id}",
                          job_id=job_id, expect=501)
            (error,) = answer["errors"]
            assert "slurm_get_resource_layout()" in error["description"]
            assert "Slurm 25.11" in error["description"]
            major, minor = cluster.version()
            assert f"Slurm {major}.{minor:02d}" in error["description"]
        else:
            answer = call(daemon, document, "GET", "v0.0.45", "resources/{job_id}",
                          job_id=job_id)
            (node,) = answer["nodes"]
            assert node["node"] == scontrol_job(cluster, job_id)["NodeList"]
            assert node["core_bitmap"]
    finally:
        cancel(cluster, job_id)


# --- generated input (schemathesis), as tests/test_generated_inputs.py does for v0.0.40 -------

def test_generated_inputs_to_the_new_operations(daemon, document, cluster):
    """Generated requests (valid and invalid for the document, 12 per operation,
    derandomized) to the GET and POST operations v0.0.43 to v0.0.45 added, in
    v0.0.45, as alice: no server error (but GET resources' 501 before Slurm 25.11),
    every answer as the document says, and no partition, reservation or node made."""
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import strategies as st
    from schemathesis.checks import not_a_server_error, response_schema_conformance

    wanted = {(method, f"/slurm/v0.0.45/{path}") for method, path in ADDED
              if method in ("GET", "POST")}
    schema = schemathesis.openapi.from_dict(document)
    operations = [result.ok() for result in schema.get_all_operations()
                  if (result.ok().method.upper(), result.ok().path) in wanted]
    assert len(operations) == len(wanted)

    def state():  # sorted: sinfo's order of a node's partitions varies
        nodes = cluster.run("scontrol", "--future", "-o", "show", "nodes").stdout
        return (sorted(line.split()[0] for line in nodes.splitlines() if line.strip()),
                sinfo_nodes(cluster, "%P %t"),
                *(sorted(cluster.run(*argv).stdout.splitlines()) for argv in (
                    ("scontrol", "-o", "show", "reservations"),
                    ("scontrol", "-o", "show", "partitions"))))
    before = state()
    failures = []
    token = daemon.token("alice")
    for operation in operations:
        label = f"{operation.method.upper()} {operation.path}"
        allowed_501 = label.endswith("resources/{job_id}") and cluster.version() < (25, 11)
        cases = st.one_of(operation.as_strategy(schemathesis.GenerationMode.POSITIVE),
                          operation.as_strategy(schemathesis.GenerationMode.NEGATIVE))

        @settings(max_examples=12, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(case=cases)
        def run(case):
            response = case.call(base_url=daemon.url, timeout=120,
                                 headers={"X-SLURM-USER-TOKEN": token})
            checks = (response_schema_conformance,) if allowed_501 and \
                response.status_code == 501 else (not_a_server_error,
                                                  response_schema_conformance)
            try:
                case.validate_response(response, checks=checks)
            except BaseException as failure:  # schemathesis' FailureGroup
                failures.append(f"{label} -> {response.status_code}: {response.text[:400]} "
                                f"{str(failure).splitlines()[2:3]}")
        run()
    assert not failures, "\n".join(failures)
    assert state() == before
