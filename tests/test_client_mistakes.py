"""A client's mistake is answered 4xx naming what and where, never 500, and never
stored as something else: the probe's cases (issue 10) against restd and the
real cluster. Numbers that do not fit their field are refused (slurmrestd stores
them through the C conversions: 2^64 becomes 0, -1 becomes unlimited); the
documented ways to say unlimited and unset keep working; bodies are read as
their Content-Type says."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from slurmctld_support import call, cancel, scontrol_job

PATH_ENV = ["PATH=/bin/:/usr/bin/:/sbin/"]

pytestmark = [pytest.mark.cluster, pytest.mark.timeout(300)]

HELD_JOB = {"script": "#!/bin/bash\ntrue\n",
            "job": {"environment": PATH_ENV, "name": "rt_mistakes", "tasks": 1,
                    "current_working_directory": "/tmp", "account": "test",
                    "memory_per_node": {"set": True, "number": 50}, "hold": True,
                    "time_limit": {"set": True, "number": 10}}}


@pytest.fixture(scope="module")
def held_job(restd, cluster):
    """One of alice's jobs, held, to update."""
    _, answer = call(restd, "POST", "job/submit", body=HELD_JOB)
    yield answer["job_id"]
    cancel(cluster, answer["job_id"])


def _refused(status: int, body: dict, source: str, statuses=(422,)) -> dict:
    assert status in statuses, (status, body)
    error = body["errors"][0]
    assert error["source"] == source, body["errors"]
    return error


# --- numbers ------------------------------------------------------------------------

@pytest.mark.parametrize("time_limit", [
    1 << 64, -1, -2, 1 << 32, 99999999999, 1.5, 1e30,
    {"set": True, "number": 1 << 64}, {"set": True, "number": -1}])
def test_update_with_a_time_limit_that_does_not_fit_is_422_and_changes_nothing(
        restd, cluster, held_job, time_limit):
    status, body = call(restd, "POST", "job/{job_id}", job_id=held_job,
                        body={"time_limit": time_limit}, expect=None)
    assert status == 422, body
    assert any(e["source"] == "#/time_limit/" and e["error_number"] == 9202
               for e in body["errors"]), body["errors"]
    assert scontrol_job(cluster, held_job)["TimeLimit"] == "00:10:00"


@pytest.mark.parametrize("time_limit, shown", [
    ("infinity", "UNLIMITED"), ({"infinite": True}, "UNLIMITED"),
    ({"set": True, "number": 20}, "00:20:00"), (30, "00:30:00"), ("40", "00:40:00")])
def test_update_with_the_documented_forms_of_a_time_limit(restd, cluster, held_job,
                                                         time_limit, shown):
    call(restd, "POST", "job/{job_id}", job_id=held_job, body={"time_limit": time_limit})
    assert scontrol_job(cluster, held_job)["TimeLimit"] == shown


@pytest.mark.parametrize("cpus", [-1, 1 << 16, 1 << 32, 1 << 64, 1e30, 2.5])
def test_submit_with_cpus_per_task_that_does_not_fit_is_422(restd, cluster, cpus):
    body = json.loads(json.dumps(HELD_JOB))
    body["job"]["cpus_per_task"] = cpus
    status, answer = call(restd, "POST", "job/submit", body=body, expect=None)
    cancel(cluster, answer.get("job_id"))
    error = _refused(status, answer, "#/job/cpus_per_task/")
    assert "uint16_t" in error["description"] or "integer" in error["description"]
    assert answer["job_id"] == 0


# --- wrong JSON types: 422 naming the field, on submit, update and node update -------

WRONG_TYPES = [
    ("tasks", "many"), ("tasks", {}), ("tasks", []), ("name", {}), ("name", [1]),
    ("environment", "PATH=/bin"), ("environment", [{}]), ("hold", "perhaps"),
    ("memory_per_node", []), ("memory_per_node", "lots"), ("time_limit", "soon"),
    ("time_limit", []), ("nodes", {}), ("flags", 5), ("flags", ["NO_SUCH_FLAG"]),
    ("begin_time", "someday"), ("begin_time", 1 << 70), ("nice", "nice"),
    ("cpu_frequency", {}), ("user_id", "rt_no_such_user"), ("distribution", 5),
    ("kill_warning_signal", "SIGNOPE"), ("minimum_cpus_per_node", "x"),
]


@pytest.mark.parametrize("field, value", WRONG_TYPES)
def test_submit_with_a_wrong_type_is_422_naming_the_field(restd, cluster, field, value):
    body = json.loads(json.dumps(HELD_JOB))
    body["job"][field] = value
    status, answer = call(restd, "POST", "job/submit", body=body, expect=None)
    cancel(cluster, answer.get("job_id"))
    assert status == 422, answer
    assert answer["errors"][0]["source"].startswith(f"#/job/{field}"), answer["errors"]


@pytest.mark.parametrize("field, value", WRONG_TYPES)
def test_update_with_a_wrong_type_is_422_naming_the_field(restd, held_job, field, value):
    status, answer = call(restd, "POST", "job/{job_id}", job_id=held_job,
                          body={field: value}, expect=None)
    assert status == 422, answer
    assert any(e["source"].startswith(f"#/{field}") for e in answer["errors"]), \
        answer["errors"]


@pytest.mark.parametrize("field, value", [
    ("state", 5), ("state", ["NO_SUCH_STATE"]), ("weight", "heavy"), ("weight", -1),
    ("weight", 1 << 32), ("features", {}), ("comment", ["x"]), ("reason", {"a": 1}),
    ("reason_uid", 1e30), ("address", [{}]), ("cpu_bind", "fast")])
def test_node_update_with_a_wrong_value_is_422_naming_the_field(restd, field, value):
    # parsed before slurmctld is asked (which would refuse alice: 403)
    status, answer = call(restd, "POST", "node/{node_name}", node_name="n1",
                          body={field: value}, expect=None)
    assert status == 422, answer
    assert answer["errors"][0]["source"].startswith(f"#/{field}"), answer["errors"]


def _job_desc_members(cluster) -> set:
    """The members of this Slurm's job_desc_msg_t, as the binding restd uses sees them."""
    code = ("import json; from restd.native import controller, library; "
            f"library.load(conf={str(cluster.slurm_conf)!r}); "
            "print(json.dumps(sorted(controller.struct_members('job_desc_msg_t'))))")
    out = subprocess.run([sys.executable, "-c", code], env=cluster.env(), capture_output=True,
                         text=True, check=True, timeout=60).stdout
    return set(json.loads(out.splitlines()[-1]))


def test_a_field_this_slurm_lacks_is_refused_naming_it(restd, cluster):
    """container_id (job_desc_msg_t of Slurm 23.02 to 25.11; 22.05 and 26.05 lack it):
    refused naming it where the Slurm lacks the member; where it has it, never refused
    as unsupported."""
    body = json.loads(json.dumps(HELD_JOB))
    body["job"]["container_id"] = "c1"
    status, answer = call(restd, "POST", "job/submit", body=body, expect=None)
    cancel(cluster, answer.get("job_id"))
    if "container_id" not in _job_desc_members(cluster):
        error = _refused(status, answer, "#/job/container_id/")
        major, minor = cluster.version()
        assert "container_id" in error["description"], error
        assert f"{major}.{minor:02d}" in error["description"], error
    else:
        assert not [error for error in answer.get("errors", [])
                    if error["description"].startswith("Not supported by Slurm")], answer


# --- query parameters -----------------------------------------------------------------

@pytest.mark.parametrize("path", ["reservations/", "jobs/", "nodes/", "partitions/",
                                  "job/1", "reservation/x", "partition/debug", "node/n1"])
@pytest.mark.parametrize("value", ["999999999999999999999999999999", "%C3%A9t%C3%A9", "-2",
                                   "1.5"])
def test_update_time_that_does_not_parse_is_422_naming_it(restd, path, value):
    status, answer = call(restd, "GET", path, query=f"update_time={value}", expect=None)
    _refused(status, answer, "#/update_time")


@pytest.mark.parametrize("job_id", ["1_99999999999", "99999999999", "1.4294967295",
                                    "%D9%A3"])
def test_job_ids_that_do_not_fit_are_422(restd, job_id):
    status, answer = call(restd, "GET", "job/{job_id}", job_id=job_id, expect=None)
    assert status == 422, answer
    assert answer["errors"][0]["error_number"] == 9000


# --- content types ----------------------------------------------------------------------

def _post_raw(restd, path: str, data: bytes, content_type):
    headers = {} if content_type is None else {"Content-Type": content_type}
    return restd.request("POST", path, raw=data, headers=headers)


@pytest.mark.parametrize("content_type", [None, "application/x-www-form-urlencoded"])
def test_json_without_its_content_type_is_400(restd, cluster, content_type):
    status, _, answer = _post_raw(restd, "job/submit", json.dumps(HELD_JOB).encode(),
                                  content_type)
    assert status == 400, answer
    assert answer["errors"][0]["error_number"] == 9001
    assert answer["errors"][0]["source"] == "body"
    assert "application/x-www-form-urlencoded" in answer["errors"][0]["description"]
    assert answer["job_id"] == 0


@pytest.mark.parametrize("content_type, encoding", [
    ("application/json; charset=utf-16", "utf-16"),
    ("application/json; charset=iso-8859-1", "latin-1")])
def test_json_in_another_charset_is_415(restd, content_type, encoding):
    status, _, answer = _post_raw(restd, "job/submit",
                                  json.dumps(HELD_JOB).encode(encoding), content_type)
    assert status == 415, answer
    assert answer["errors"][0]["error_number"] == 9204
    assert "charset" in answer["errors"][0]["description"]


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml"])
def test_unsupported_content_type_is_415(restd, content_type):
    status, _, answer = _post_raw(restd, "job/submit", b"<job/>", content_type)
    assert status == 415, answer
    assert answer["errors"][0]["error_number"] == 9204


def test_json_declared_utf8_is_read(restd, cluster):
    body = json.loads(json.dumps(HELD_JOB))
    body["job"]["name"] = "rt_mistakes_é"
    status, _, answer = _post_raw(restd, "job/submit",
                                  json.dumps(body, ensure_ascii=False).encode(),
                                  "application/json; charset=UTF-8")
    try:
        assert status == 200, answer
        assert scontrol_job(cluster, answer["job_id"])["JobName"] == "rt_mistakes_é"
    finally:
        cancel(cluster, answer.get("job_id"))


# --- values slurmctld refuses: the client's, 422 (slurmrestd: 500) -------------------------

@pytest.mark.parametrize("field, value, error", [
    ("partition", "rt_no_such_partition", 2000),  # ESLURM_INVALID_PARTITION_NAME
    ("account", "rt_no_such_account", 2045),  # ESLURM_INVALID_ACCOUNT
    ("qos", "rt_no_such_qos", 2066),  # ESLURM_INVALID_QOS
    ("constraints", "rt_no_such_feature", 2029),  # ESLURM_INVALID_FEATURE
])
def test_a_value_slurmctld_refuses_is_422(restd, cluster, field, value, error):
    body = json.loads(json.dumps(HELD_JOB))
    body["job"][field] = value
    status, answer = call(restd, "POST", "job/submit", body=body, expect=None)
    cancel(cluster, answer.get("job_id"))
    assert status == 422, answer
    assert answer["errors"][0]["error_number"] == error, answer["errors"]


def test_an_update_slurmctld_refuses_is_422(restd, cluster, held_job):
    status, answer = call(restd, "POST", "job/{job_id}", job_id=held_job,
                          body={"partition": "rt_no_such_partition"}, expect=None)
    assert status == 422, answer
    assert scontrol_job(cluster, held_job)["Partition"] == "debug"
