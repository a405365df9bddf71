"""POST /slurm/v0.0.41/job/allocate and /slurm/v0.0.42/job/allocate through restd against
the real cluster: the allocation is the requesting user's in slurmctld (no batch script,
running), the answer is the reference's openapi_job_alloc_resp, and the job is cancelled
through restd. Refusals: a bad body (422 naming where), slurmctld's refusals, a version
without the operation (v0.0.40: 404). Every job created is cancelled."""
from __future__ import annotations

import pwd
import re
import time

import pytest

from conftest import AllVersionsDaemon
from openapi_check import reference_document, validate

pytestmark = [pytest.mark.cluster, pytest.mark.timeout(600)]

VERSIONS = ("v0.0.41", "v0.0.42")



@pytest.fixture(scope="module")
def daemon(cluster, tmp_path_factory):
    import os
    directory = tmp_path_factory.mktemp("restd-allocate")
    os.chmod(directory, 0o755)
    started = AllVersionsDaemon(cluster, directory).start()
    yield started
    started.stop()
    cluster.run("scancel", "-u", "alice", check=False)


@pytest.fixture(scope="module")
def reference():
    return reference_document()


def job_body(name: str, **fields) -> dict:
    # a working directory: slurmctld 24.11 refuses an allocation without one (salloc
    # sends its own; slurmrestd passes the body's)
    job = {"name": name, "partition": "debug", "current_working_directory": "/tmp",
           "time_limit": {"set": True, "number": 5}, "environment": ["PATH=/bin:/usr/bin"]}
    job.update(fields)
    return {"job": job}


def show_job(cluster, job_id: int) -> str:
    return cluster.run("scontrol", "show", "job", str(job_id), check=False).stdout


def wait_state(cluster, job_id: int, state: str, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while True:
        match = re.search(r"JobState=(\w+)", show_job(cluster, job_id))
        found = match.group(1) if match else ""
        if found == state or time.monotonic() > deadline:
            return found
        time.sleep(0.3)


@pytest.mark.parametrize("version", VERSIONS)
def test_allocation_is_alices_and_cancelled_through_restd(daemon, cluster, reference,
                                                          version):
    path = f"/slurm/{version}/job/allocate"
    status, _, body = daemon.request("POST", path, user="alice",
                                     body=job_body(f"rt-alloc-{version}"))
    assert status == 200, body
    validate(reference, path, "post", body)
    assert body["errors"] == [], body
    job_id = body["job_id"]
    assert isinstance(job_id, int) and job_id > 0
    try:
        shown = show_job(cluster, job_id)
        uid = pwd.getpwnam("alice").pw_uid
        assert f"UserId=alice({uid})" in shown
        assert f"JobName=rt-alloc-{version}" in shown
        assert "JobState=RUNNING" in shown and "BatchFlag=0" in shown
        assert "TimeLimit=00:05:00" in shown
        time.sleep(1)  # still running: not an allocation slurmctld could not announce
        assert wait_state(cluster, job_id, "RUNNING", timeout=0) == "RUNNING"
        # released through restd, as alice
        status, _, answer = daemon.request("DELETE", f"/slurm/{version}/job/{job_id}",
                                           user="alice")
        assert status == 200, answer
        assert wait_state(cluster, job_id, "CANCELLED") == "CANCELLED"
    finally:
        cluster.run("scancel", str(job_id), check=False)


def test_v0040_has_no_allocate(daemon, cluster):
    # v0.0.40 does not describe job/allocate: the path is POST job/{job_id} with the job id
    # "allocate", which is no job id (422, as slurmrestd answers job/abc), and nothing is
    # allocated
    status, _, body = daemon.request("POST", "/slurm/v0.0.40/job/allocate", user="alice",
                                     body=job_body("rt-alloc-v0040"))
    assert status == 422, body
    assert body["errors"] and not body["job_id"], body
    assert "rt-alloc-v0040" not in cluster.run("squeue", "-h", "-o", "%j").stdout
    paths = daemon.document()["paths"]
    assert "/slurm/v0.0.40/job/allocate" not in paths
    assert {"/slurm/v0.0.41/job/allocate", "/slurm/v0.0.42/job/allocate"} <= set(paths)
    assert paths["/slurm/v0.0.41/job/allocate"]["post"]["operationId"] == \
        "slurm_v0041_post_job_allocate"


@pytest.mark.parametrize("version", VERSIONS)
def test_bad_field_is_422_naming_its_path(daemon, reference, version):
    path = f"/slurm/{version}/job/allocate"
    status, _, body = daemon.request("POST", path, user="alice",
                                     body=job_body("rt-alloc-bad", time_limit="soon"))
    assert status == 422, body
    assert body["errors"][0]["source"] == "#/job/time_limit/", body["errors"]
    validate(reference, path, "post", body)


@pytest.mark.parametrize("body, text, source", [
    ({"job": {"name": "rt-a"}, "hetjob": [{"name": "rt-b"}]},
     "Specify only one \"job\" or \"hetjob\" fields but never both", "op_handler_alloc_job"),
    ({}, "Specifing either \"job\" or \"hetjob\" fields are required to allocate job",
     "op_handler_alloc_job"),
    ({"hetjob": []}, "Refusing HetJob submission without any components", "#/hetjob/"),
])
def test_job_or_hetjob_is_required(daemon, body, text, source):
    status, _, answer = daemon.request("POST", "/slurm/v0.0.42/job/allocate", user="alice",
                                       body=body)
    assert status == 422, answer
    assert answer["errors"][0]["description"] == text
    assert answer["errors"][0]["source"] == source


def test_unknown_partition_is_refused_by_slurmctld(daemon, reference):
    path = "/slurm/v0.0.41/job/allocate"
    status, _, body = daemon.request("POST", path, user="alice",
                                     body=job_body("rt-alloc-part", partition="rt_nowhere"))
    assert status == 422, body
    error = body["errors"][0]
    assert error["error"] == "Invalid partition name specified", error
    assert error["source"] == "slurm_allocate_resources_blocking()"
    validate(reference, path, "post", body)


def test_user_without_association_is_refused(daemon, cluster):
    # nobody exists on this machine, has no association, and the cluster enforces them
    assert cluster.run("sacctmgr", "-n", "-P", "show", "assoc", "user=nobody").stdout == ""
    status, _, body = daemon.request("POST", "/slurm/v0.0.42/job/allocate", user="nobody",
                                     body=job_body("rt-alloc-nobody"))
    assert status == 422, body
    assert body["errors"][0]["error"].startswith("Invalid account"), body["errors"]


def test_hetjob_under_jwt_is_not_supported_and_creates_nothing(daemon, cluster):
    before = cluster.run("squeue", "-h", "-u", "alice", "-o", "%i").stdout
    body = {"hetjob": [job_body("rt-het0")["job"], job_body("rt-het1")["job"]]}
    status, _, answer = daemon.request("POST", "/slurm/v0.0.42/job/allocate", user="alice",
                                       body=body)
    assert status == 501, answer
    assert answer["errors"][0]["error_number"] == 2036  # ESLURM_NOT_SUPPORTED
    assert cluster.run("squeue", "-h", "-u", "alice", "-o", "%i").stdout == before


def test_pending_allocation_is_answered_once_granted(daemon, cluster):
    # a begin time a few seconds ahead: slurmctld first answers "pending"
    begin = int(time.time()) + 3
    started = time.monotonic()
    status, _, body = daemon.request(
        "POST", "/slurm/v0.0.42/job/allocate", user="alice",
        body=job_body("rt-alloc-later", begin_time={"set": True, "number": begin}))
    assert status == 200, body
    job_id = body["job_id"]
    try:
        assert time.monotonic() - started >= 2
        time.sleep(1)
        assert wait_state(cluster, job_id, "RUNNING", timeout=0) == "RUNNING"
    finally:
        cluster.run("scancel", str(job_id), check=False)



def pending_jobs(cluster, name: str) -> list[int]:
    return [int(job_id) for job_id in cluster.run(
        "squeue", "-h", "-t", "PENDING", "-n", name, "-o", "%i").stdout.split()]


def send_pending_allocation(daemon, cluster, client, name: str) -> int:
    """A request for an allocation that pends (its begin time 10 minutes ahead) sent
    on ``client``, a raw socket; its job id once slurmctld holds the job pending."""
    import json
    body = json.dumps(job_body(name, begin_time={"set": True,
                                                 "number": int(time.time()) + 600})).encode()
    client.sendall((f"POST /slurm/v0.0.42/job/allocate HTTP/1.1\r\nHost: x\r\n"
                    f"X-SLURM-USER-TOKEN: {daemon.token('alice')}\r\n"
                    f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
                    ).encode() + body)
    deadline = time.monotonic() + 30
    while not (pending := pending_jobs(cluster, name)):
        assert time.monotonic() < deadline, "the allocation never reached slurmctld"
        time.sleep(0.3)
    return pending[0]


def test_pending_allocation_of_a_client_gone_is_cancelled(daemon, cluster):
    # the client closes its connection while its allocation pends: restd stops
    # following it and cancels the pending job, which leaves squeue's pending jobs
    # (slurmrestd's blocking wait would leave it to start with nobody to tell)
    import socket
    name = "rt-alloc-client-gone"
    job_id = None
    try:
        with socket.create_connection(("127.0.0.1", daemon.port)) as client:
            job_id = send_pending_allocation(daemon, cluster, client, name)
            time.sleep(2)  # restd has looked the pending job up again: still waiting
            assert pending_jobs(cluster, name) == [job_id]
        deadline = time.monotonic() + 30
        while pending_jobs(cluster, name) and time.monotonic() < deadline:
            time.sleep(0.3)
        assert pending_jobs(cluster, name) == []
        assert wait_state(cluster, job_id, "CANCELLED") == "CANCELLED"
        assert daemon.process.poll() is None
    finally:
        if job_id is not None:
            cluster.run("scancel", str(job_id), check=False)


def test_pending_allocation_abandoned_at_shutdown_is_cancelled(cluster, tmp_path_factory):
    # restd stops (SIGTERM twice: no grace period) while an allocation pends: the
    # request is abandoned, restd stops following it and cancels the pending job
    # (slurmrestd's blocking wait would leave the job to start with nobody to tell)
    import os
    import socket
    directory = tmp_path_factory.mktemp("restd-allocate-stop")
    os.chmod(directory, 0o755)
    own = AllVersionsDaemon(cluster, directory).start()
    job_id = None
    try:
        with socket.create_connection(("127.0.0.1", own.port)) as client:
            job_id = send_pending_allocation(own, cluster, client, "rt-alloc-abandoned")
            own.process.terminate()
            time.sleep(0.5)
            own.process.terminate()
            own.process.wait(timeout=30)
        assert wait_state(cluster, job_id, "CANCELLED") == "CANCELLED"
    finally:
        own.stop()
        if job_id is not None:
            cluster.run("scancel", str(job_id), check=False)
