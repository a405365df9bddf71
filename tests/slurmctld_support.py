"""What the tests of the slurmctld content plugin share: calling the daemon with
every answer validated against our own OpenAPI document, and the cluster's view
(squeue, scontrol) to compare with."""
from __future__ import annotations

import re
import time

from openapi_check import validate, validate_component

PREFIX = "/slurm/v0.0.40/"


def call(restd, method: str, template: str, *, user: str = "alice", body=None,
         query: str = "", expect: int | None = 200, **params):
    """``method template`` (relative to /slurm/v0.0.40/, e.g. ``job/{job_id}``) with
    ``params`` filled in; the answer is validated against our /openapi/v3: a 200
    against the operation's response component, any other JSON answer against the
    envelope (v0.0.40_openapi_resp). Returns (status, body)."""
    path = PREFIX + template.format(**params) + (f"?{query}" if query else "")
    status, headers, answer = restd.request(method, path, user=user, body=body)
    if expect is not None:
        assert status == expect, (status, answer)
    if isinstance(answer, dict):
        document = restd.document()
        if status == 200:
            validate(document, PREFIX + template, method, answer)
        else:
            validate_component(document, "v0.0.40_openapi_resp", answer)
        assert set(answer) >= {"meta", "errors", "warnings"}
    return status, answer


def squeue(cluster, *args: str) -> list[list[str]]:
    out = cluster.run("squeue", "-h", *args).stdout
    return [line.split("|") for line in out.splitlines() if line.strip()]


def scontrol_job(cluster, job_id) -> dict:
    """``scontrol -o show job`` of one job (its first record) as a dict."""
    out = cluster.run("scontrol", "-o", "show", "job", str(job_id)).stdout
    line = out.splitlines()[0].strip()
    # values may hold spaces (JobName=a b): a field starts at " Key="
    return dict(item.split("=", 1) for item in re.split(r" (?=[A-Za-z_:/]+=)", line)
                if "=" in item)


def wait_for(predicate, timeout: float = 240, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.5)


def job_state(cluster, job_id) -> str:
    return scontrol_job(cluster, job_id).get("JobState", "")


def cancel(cluster, *job_ids) -> None:
    # scancel gives up on all of them at an invalid id such as 0
    job_ids = [str(j) for j in job_ids if j]
    if job_ids:
        cluster.run("scancel", *job_ids, check=False)


def same_fields_as_reference(answer: dict, reference_body: dict) -> bool:
    """The answer has the reference's fields; where the reference leaves a field of
    the schema out of a failure, restd sends it empty (clients generated from the
    document require every field)."""
    def empty(value) -> bool:
        if isinstance(value, dict):
            return all(empty(v) for v in value.values())
        return not value
    extra = set(answer) - set(reference_body)
    return set(answer) >= set(reference_body) and all(empty(answer[k]) for k in extra)


def sinfo_nodes(cluster, fields: str) -> list[str]:
    """sinfo's node lines (``-N -o "%N <fields>"``, the state as ``%t``), sorted, with
    "plnd" read as "idle": PLANNED is the backfill scheduler marking an idle node for
    a pending job (22.05 on), which comes and goes with other tests' jobs, not
    something a request changed."""
    lines = cluster.run("sinfo", "-h", "-N", "-o", f"%N {fields}").stdout.splitlines()
    return sorted(re.sub(r"(?<= )plnd\b", "idle", line) for line in lines)
