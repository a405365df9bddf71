"""The battery of exchanges recorded from the real slurmrestd (the reference samples of
v0.0.40 in ../shared/reference/samples, and tests/fixtures/real-24.11/v0.0.41 and v0.0.42,
recorded by tests/reference/record_real_slurmrestd.py; v0.0.45 in
../shared/reference/samples, from slurmrestd 26.05.5 without accounting: its slurmctld
exchanges only) and replayed against restd by tests/test_real_daemon_parity.py.

One list, in the order it runs: later exchanges use what earlier ones made (the job a
submission created is read, updated, signalled and cancelled; the account added is
removed). A path is a template: ``{v}`` is the API version, ``{service_user}`` the user the
daemon runs as, and ``{<exchange name>}`` the ``job_id`` that exchange answered.

Every exchange is made with a token of root (an administrator), unless its ``headers``
give ``X-SLURM-USER-TOKEN`` themselves (no_token, bad_token). Stored requests never carry
the valid token: only the headers named here.
"""
from __future__ import annotations

import copy
import string
import time
from dataclasses import dataclass
from typing import Any, Optional

V40, V41, V42, V45 = "v0.0.40", "v0.0.41", "v0.0.42", "v0.0.45"
ALL = frozenset({V40, V41, V42, V45})
# The user every exchange's token is for: the reference samples were recorded as root.
USER = "root"
TOKEN_HEADER = "X-SLURM-USER-TOKEN"
# Lists kept to their first items when stored (the reference keeps db_jobs' first three).
TRIMMED_LISTS = {"jobs": 3}
ENVIRONMENT = ["PATH=/bin/:/usr/bin/:/sbin/"]


def _job(name: str, **more) -> dict:
    return {"environment": ENVIRONMENT, "name": name, "current_working_directory": "/tmp",
            "tasks": 1, "memory_per_node": {"set": True, "number": 100}, **more}


@dataclass(frozen=True)
class Exchange:
    name: str
    method: str
    path: str
    body: Any = None
    headers: Optional[dict] = None
    versions: frozenset = ALL
    # why the exchange is there, when its name does not say it
    note: str = ""
    # the exchange whose job must be RUNNING before this one is made (unrecorded reads
    # of job/{id} until it is): a job just submitted is in a transition slurmctld refuses
    # signals and updates in (2020, "Job can not be altered now"), for a while that
    # depends on the machine
    after_running: Optional[str] = None
    # the exchange whose job must have left its nodes (neither running nor completing)
    # before this one is made
    after_ended: Optional[str] = None
    # the exchange whose job accounting must hold as ended before this one is made
    after_accounted: Optional[str] = None
    # made (unrecorded) until its own answer lists a job: slurmdbd lists no job without
    # an eligible time, and on a fresh cluster a job that starts as it is submitted can
    # be accounted without one (sacct: Eligible "Unknown"), while job/{id} finds it
    until_listed: bool = False
    # False: made (it cleans up after another), never stored nor compared, for what it
    # answers depends on how long the other's job lived
    stored: bool = True

    def placeholders(self) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(self.path) if name}

    def render(self, version: str, values: dict[str, Any]) -> dict:
        """The request as stored: method, path, body, headers (extra headers only)."""
        missing = self.placeholders() - {"v"} - set(values)
        if missing:
            raise KeyError(f"{self.name}: no value for {sorted(missing)} "
                           "(the exchange that makes it failed or did not run)")
        return {"method": self.method, "path": self.path.format(v=version, **values),
                "body": copy.deepcopy(self.body), "headers": copy.deepcopy(self.headers)}


BATTERY: list[Exchange] = [
    # slurmctld reads
    Exchange("ping", "GET", "/slurm/{v}/ping/"),
    Exchange("diag", "GET", "/slurm/{v}/diag/"),
    Exchange("licenses", "GET", "/slurm/{v}/licenses/"),
    Exchange("nodes", "GET", "/slurm/{v}/nodes/"),
    Exchange("partitions", "GET", "/slurm/{v}/partitions/"),
    Exchange("partition_debug", "GET", "/slurm/{v}/partition/debug"),
    Exchange("partition_missing", "GET", "/slurm/{v}/partition/nope"),
    Exchange("reservations", "GET", "/slurm/{v}/reservations/"),
    Exchange("shares", "GET", "/slurm/{v}/shares"),
    Exchange("openapi_v3", "GET", "/openapi/v3",
             note="stored as the list of this version's paths"),
    # submissions
    Exchange("submit", "POST", "/slurm/{v}/job/submit",
             {"script": "#!/bin/bash\nsleep 600", "job": _job("captured job")}),
    Exchange("submit_array", "POST", "/slurm/{v}/job/submit",
             {"script": "#!/bin/bash\ntrue",
              "job": _job("captured array", array="1-3", hold=True)}),
    Exchange("submit_het", "POST", "/slurm/{v}/job/submit",
             {"script": "#!/bin/bash\ntrue",
              "jobs": [_job("het a", hold=True),
                       {"tasks": 1, "environment": ENVIRONMENT,
                        "memory_per_node": {"set": True, "number": 50},
                        "current_working_directory": "/tmp"}]}),
    Exchange("submit_bad_field", "POST", "/slurm/{v}/job/submit",
             {"script": "#!/bin/bash\ntrue", "job": _job("captured job", bogus_field=1,
                                                          hold=True)}),
    Exchange("submit_inf_string", "POST", "/slurm/{v}/job/submit",
             {"script": "#!/bin/bash\ntrue", "job": _job("captured job", time_limit="infinity",
                                                          hold=True)}),
    Exchange("submit_no_script", "POST", "/slurm/{v}/job/submit",
             {"job": _job("captured job")}),
    # a job that fails, for db_jobs_state_failed to find one whatever ran before
    Exchange("submit_failing", "POST", "/slurm/{v}/job/submit",
             {"script": "#!/bin/bash\nexit 1", "job": _job("captured failure")},
             versions=frozenset({V41, V42})),
    # one job: read, update, signal, cancel
    Exchange("job_get", "GET", "/slurm/{v}/job/{submit}", after_running="submit"),
    Exchange("job_array_task", "GET", "/slurm/{v}/job/{submit_array}_1"),
    Exchange("jobs", "GET", "/slurm/{v}/jobs/", versions=frozenset({V41, V42})),
    Exchange("jobs_state", "GET", "/slurm/{v}/jobs/state/", versions=frozenset({V41, V42})),
    Exchange("node", "GET", "/slurm/{v}/node/n1", versions=frozenset({V41, V42})),
    Exchange("job_update", "POST", "/slurm/{v}/job/{submit}",
             {"comment": "updated", "priority": {"set": True, "number": 0}}),
    Exchange("job_signal", "DELETE", "/slurm/{v}/job/{submit}?signal=SIGINT"),
    Exchange("job_cancel", "DELETE", "/slurm/{v}/job/{submit}"),
    Exchange("job_missing", "GET", "/slurm/{v}/job/999999"),
    Exchange("job_bad_id", "GET", "/slurm/{v}/job/abc"),
    # an allocation without a script (v0.0.41 and later): slurmrestd waits for it
    # (slurm_allocate_resources_blocking), so it must fit at once; cancelled right after
    Exchange("job_allocate", "POST", "/slurm/{v}/job/allocate",
             {"job": _job("captured allocation", time_limit={"set": True, "number": 5})},
             versions=frozenset({V41, V42}), after_ended="submit"),
    # slurmrestd 24.11's allocation has ended by then (v0.0.42 answers a status entry
    # 2021, "already completing or completed"); restd's may still run: not compared
    Exchange("job_allocate_cancel", "DELETE", "/slurm/{v}/job/{job_allocate}",
             versions=frozenset({V41, V42}), stored=False),
    # formats, credentials, routing
    Exchange("jobs_yaml", "GET", "/slurm/{v}/ping/", headers={"Accept": "application/yaml"},
             note="named jobs_yaml in the reference, although it reads ping"),
    Exchange("no_token", "GET", "/slurm/{v}/ping/", headers={TOKEN_HEADER: ""}),
    Exchange("bad_token", "GET", "/slurm/{v}/ping/", headers={TOKEN_HEADER: "abc.def.ghi"}),
    Exchange("unknown_url", "GET", "/slurm/{v}/nothing"),
    Exchange("bad_method", "PUT", "/slurm/{v}/jobs/"),
    # slurmdbd, as an administrator
    Exchange("db_ping", "GET", "/slurmdb/{v}/ping/", versions=frozenset({V42})),
    Exchange("db_ping_diag", "GET", "/slurmdb/{v}/diag/"),
    Exchange("db_config", "GET", "/slurmdb/{v}/config"),
    Exchange("db_accounts", "GET", "/slurmdb/{v}/accounts/"),
    Exchange("db_account_test", "GET", "/slurmdb/{v}/account/test"),
    Exchange("db_account_missing", "GET", "/slurmdb/{v}/account/nope"),
    Exchange("db_associations", "GET", "/slurmdb/{v}/associations/"),
    Exchange("db_clusters", "GET", "/slurmdb/{v}/clusters/"),
    Exchange("db_instances", "GET", "/slurmdb/{v}/instances/"),
    Exchange("db_qos", "GET", "/slurmdb/{v}/qos/"),
    Exchange("db_qos_normal", "GET", "/slurmdb/{v}/qos/normal"),
    Exchange("db_tres", "GET", "/slurmdb/{v}/tres/"),
    Exchange("db_users", "GET", "/slurmdb/{v}/users/"),
    Exchange("db_user_rest", "GET", "/slurmdb/{v}/user/{service_user}",
             note="the user the daemon runs as (rest in the v0.0.40 reference)"),
    Exchange("db_wckeys", "GET", "/slurmdb/{v}/wckeys/"),
    # after root's job reached slurmdbd (slurmctld sends it on its own time): on a new
    # cluster the list would be empty
    Exchange("db_jobs", "GET", "/slurmdb/{v}/jobs/?users=root", after_accounted="submit",
             until_listed=True),
    Exchange("db_jobs_state_failed", "GET", "/slurmdb/{v}/jobs/?state=FAILED",
             after_accounted="submit_failing"),
    Exchange("db_job", "GET", "/slurmdb/{v}/job/{submit}", versions=frozenset({V41, V42})),
    Exchange("db_add_account", "POST", "/slurmdb/{v}/accounts/",
             {"accounts": [{"name": "capacct", "description": "captured",
                            "organization": "org"}]}),
    Exchange("db_add_user", "POST", "/slurmdb/{v}/users_association/",
             {"association_condition": {"accounts": ["capacct"], "users": ["capuser"]},
              "user": {"default": {"account": "capacct"}}},
             note="capuser is no Unix user: nothing is added (304)"),
    Exchange("db_del_user", "DELETE", "/slurmdb/{v}/user/capuser"),
    Exchange("db_del_account", "DELETE", "/slurmdb/{v}/account/capacct"),
]
BY_NAME = {exchange.name: exchange for exchange in BATTERY}
assert len(BY_NAME) == len(BATTERY), "exchange names must be unique"


def for_version(version: str) -> list[Exchange]:
    return [exchange for exchange in BATTERY if version in exchange.versions]


def made_job_id(body: Any) -> Optional[int]:
    """The job id an answer reports (submit: ``job_id``, and ``result.job_id`` up to
    v0.0.41; allocate: ``job_id``), or None."""
    if isinstance(body, dict):
        for candidate in (body.get("job_id"), (body.get("result") or {}).get("job_id")):
            if isinstance(candidate, int) and candidate > 0:
                return candidate
    return None


def stored_body(exchange: Exchange, version: str, body: Any) -> Any:
    """The answer as the samples keep it: long lists cut to their first items, the
    OpenAPI document reduced to the paths of ``version``."""
    if exchange.name == "openapi_v3" and isinstance(body, dict):
        return {"paths": sorted(path for path in body.get("paths", {})
                                if f"/{version}/" in path)}
    if isinstance(body, dict):
        body = dict(body)
        for key, keep in TRIMMED_LISTS.items():
            if isinstance(body.get(key), list):
                body[key] = body[key][:keep]
    return body


def poll_until(probe, failure, timeout: float, interval: float) -> None:
    """Call ``probe()`` every ``interval`` seconds until it gives ``(True, _)``;
    AssertionError with ``failure(last detail)`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        done, detail = probe()
        if done:
            return
        assert time.monotonic() < deadline, failure(detail)
        time.sleep(interval)


def wait_job(fetch, version: str, job_id: int, ready, what: str,
             timeout: float = 60.0) -> None:
    """Until ``ready(states)`` holds for job ``job_id``'s job_state flags, read by
    ``fetch(method, path) -> (status, body)`` from GET job/{id} of ``version``;
    AssertionError after ``timeout`` seconds."""
    def probe():
        status, body = fetch("GET", f"/slurm/{version}/job/{job_id}")
        jobs = body.get("jobs", []) if isinstance(body, dict) else []
        states = {state for job in jobs for state in (job.get("job_state") or [])}
        return status == 200 and bool(jobs) and ready(states), states

    poll_until(probe, lambda states: f"job {job_id} not {what} after {timeout} s: {states}",
               timeout, 0.25)


def wait_accounted(fetch, version: str, job_id: int, timeout: float = 60.0) -> None:
    """Until slurmdbd holds job ``job_id`` as ended (GET slurmdb job/{id}: a state
    neither PENDING nor RUNNING): slurmctld reports a job's end to slurmdbd later."""
    def probe():
        status, body = fetch("GET", f"/slurmdb/{version}/job/{job_id}")
        jobs = body.get("jobs", []) if isinstance(body, dict) else []
        states = {state for job in jobs
                  for state in ((job.get("state") or {}).get("current") or [])}
        return status == 200 and bool(states) and not states & {"PENDING", "RUNNING"}, states

    poll_until(probe, lambda states: f"job {job_id} not ended in accounting after "
                                     f"{timeout} s: {states}", timeout, 0.5)


def wait_listed(fetch, path: str, timeout: float = 60.0) -> None:
    """Until GET ``path`` answers a non-empty ``jobs`` list (the battery's held and
    pending jobs reach slurmdbd with an eligible time on slurmctld's own schedule)."""
    def probe():
        status, body = fetch("GET", path)
        return status == 200 and isinstance(body, dict) and bool(body.get("jobs")), None

    poll_until(probe, lambda _: f"GET {path} listed no job after {timeout} s", timeout, 0.5)


def wait_before(exchange: Exchange, fetch, version: str, values: dict) -> None:
    """What ``exchange`` waits for before it is made (after_running, after_ended)."""
    if exchange.after_running:
        wait_job(fetch, version, values[exchange.after_running],
                 lambda states: "RUNNING" in states, "RUNNING")
    if exchange.after_accounted and exchange.after_accounted in values:
        wait_accounted(fetch, version, values[exchange.after_accounted])
    if exchange.until_listed:
        wait_listed(fetch, exchange.render(version, values)["path"])
    if exchange.after_ended:
        wait_job(fetch, version, values[exchange.after_ended],
                 lambda states: not states & {"RUNNING", "COMPLETING", "CONFIGURING"},
                 "ended")
