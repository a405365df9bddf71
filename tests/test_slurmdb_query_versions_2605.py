"""The /slurmdb/ query read per version for v0.0.43, v0.0.44 and v0.0.45 against the
real slurmdbd (as tests/test_slurmdb_query_versions.py does for v0.0.40 to v0.0.42):
restd serving the three at once reads each request's query with its version's kind,
so v0.0.44's job_altered filters there (a record changed by a job update is not
marked altered: only sacctmgr's runaway job fix of Slurm 25.11 marks one) and is an
unknown parameter of v0.0.43,
v0.0.43 and v0.0.44 still read the deprecated format that v0.0.45 no longer has, and
v0.0.43's cluster flags know DELETED and no longer FRONT_END."""
from __future__ import annotations

import os
import time

import pytest

from test_slurmdb_job_modify import NewVersionsDaemon

pytestmark = [pytest.mark.cluster, pytest.mark.timeout(300)]

RUN = f"{os.getpid()}"


@pytest.fixture(scope="module")
def daemon(cluster, tmp_path_factory):
    directory = tmp_path_factory.mktemp("restd-dbquery2605")
    os.chmod(directory, 0o755)
    started = NewVersionsDaemon(cluster, directory).start()
    yield started
    started.stop()


@pytest.fixture(scope="module")
def altered_job(cluster, daemon):
    """A job of alice that ran (so that the usage window sees it) and whose record
    root then changed (through restd)."""
    text = cluster.run("sbatch", "--parsable", "-A", "test", "-o", "/dev/null",
                       "--chdir=/tmp", "-J", f"rt-altered-{RUN}", "--wrap", "true",
                       user="alice").stdout.strip()
    job = int(text.split(";")[0])
    deadline = time.monotonic() + 120
    # finished, and in slurmdbd's usage window (its times come a moment later)
    while f"{job}|COMPLETED" not in cluster.run(
            "sacct", "-n", "-P", "-X", "-u", "alice", "-S", "now-1day",
            "-o", "JobID,State").stdout.split():
        assert time.monotonic() < deadline, f"job {job} did not complete"
        time.sleep(0.5)
    status, _, body = daemon.request("POST", f"/slurmdb/v0.0.44/job/{job}",
                                     body={"comment": {"system": "altered"}}, user="root")
    assert status == 200, body
    return job


def _jobs(daemon, version, query):
    status, _, body = daemon.request("GET", f"/slurmdb/{version}/jobs/?{query}", user="root")
    assert status == 200, body
    return body


def _unknown(body) -> set[str]:
    return {w["source"][2:] for w in body["warnings"]
            if w["description"].startswith("Ignoring unknown query parameter")}


def test_job_altered_is_read_from_v0044_on(daemon, cluster, altered_job):
    query = f"users=alice&start_time=now-1day&job_name=rt-altered-{RUN}"
    assert [j["job_id"] for j in _jobs(daemon, "v0.0.44", query)["jobs"]] == [altered_job]
    # v0.0.43 has no job_altered: ignored, nothing filtered
    body = _jobs(daemon, "v0.0.43", query + "&job_altered")
    assert _unknown(body) == {"job_altered"}
    assert [j["job_id"] for j in body["jobs"]] == [altered_job]
    for version in ("v0.0.44", "v0.0.45"):
        body = _jobs(daemon, version, query + "&job_altered")
        assert _unknown(body) == set()
        # slurmdbd filters: a record is marked altered by sacctmgr's runaway job fix
        # (Slurm 25.11 on), not by a job update
        assert [j["job_id"] for j in body["jobs"]] == []
        unmarked = [w for w in body["warnings"] if w["source"] == "#/job_altered"]
        if cluster.version() >= (25, 11):
            assert unmarked == []
        else:  # no record is ever marked before 25.11: restd says why none matches
            assert len(unmarked) == 1 and "25.11" in unmarked[0]["description"]


def test_format_is_read_until_v0045(daemon):
    for version in ("v0.0.43", "v0.0.44"):
        assert _unknown(_jobs(daemon, version, "format=job_id")) == set()
        parameters = {p["name"]: p for p in
                      daemon.document()["paths"][f"/slurmdb/{version}/jobs/"]["get"][
                          "parameters"]}
        assert parameters["format"].get("deprecated") is True
    assert _unknown(_jobs(daemon, "v0.0.45", "format=job_id")) == {"format"}
    assert "format" not in {p["name"] for p in daemon.document()["paths"][
        "/slurmdb/v0.0.45/jobs/"]["get"]["parameters"]}


def test_cluster_flags_of_v0043_on(daemon):
    for version in ("v0.0.43", "v0.0.44", "v0.0.45"):
        status, _, body = daemon.request("GET", f"/slurmdb/{version}/cluster/restd"
                                         "?flags=DELETED", user="root")
        assert status == 200, body  # read: the local cluster is no deleted one
        assert body["clusters"] == []
        status, _, body = daemon.request("GET", f"/slurmdb/{version}/cluster/restd"
                                         "?flags=FRONT_END", user="root")
        assert status == 422, body
        assert body["errors"][0]["source"] == "#/flags"
        status, _, body = daemon.request("GET", f"/slurmdb/{version}/cluster/restd",
                                         user="root")
        assert status == 200 and [c["name"] for c in body["clusters"]] == ["restd"]
