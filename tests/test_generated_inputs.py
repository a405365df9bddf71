"""Generated input against every GET and POST operation of restd's own document
(schemathesis): whatever a client sends, restd answers without a server error
and with an answer its document describes.

restd runs with ``-s slurmctld,slurmdbd`` on the local cluster and every request
is alice's (not an administrator, not a coordinator). Each operation gets a
bounded number of cases, half of them valid for the document (odd and non-ASCII
strings, huge numbers) and half not (wrong types, missing fields); generation is
derandomized, so a run is repeatable, and nothing is shrunk (a failure is
reported as generated). DELETE operations are left out: removing what the
other tests rely on is not something to try at random.

Checks on every answer: ``not_a_server_error`` and
``response_schema_conformance``. The only 5xx answers allowed are the two
operations restd answers 501 by design, whatever the input: POST tres (Slurm
does not support adding TRES) and GET instances on a Slurm before 23.11 (the
call does not exist there).

Writes are refused to alice, and the test checks that accounting (accounts,
users, associations, QOS, wckeys, clusters) and the nodes are the same after
the run. Jobs a generated submission may have queued are cancelled after the
module (conftest.no_jobs_left_behind).
"""
from __future__ import annotations

import collections
import json
import urllib.request

import pytest

import schemathesis  # the test extras (setup.py)
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error, response_schema_conformance

from slurmctld_support import sinfo_nodes
from slurmdbd_daemon import dbd  # noqa: F401  (the fixture)

pytestmark = pytest.mark.cluster

USER = "alice"
EXAMPLES = 12  # cases per operation: 487 cases, 65 to 95 s for the 47 operations here
METHODS = ("GET", "POST")
# restd answers these 501 for any input, on purpose (see the module's docstring)
NOT_IMPLEMENTED = {"POST /slurmdb/v0.0.40/tres/": lambda version: True,
                   "GET /slurmdb/v0.0.40/instances/": lambda version: version < (23, 11),
                   "GET /slurmdb/v0.0.40/instance/": lambda version: version < (23, 11)}

# statuses answered, per operation, for the summary (pytest -s prints it)
ANSWERS: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)


@pytest.fixture(scope="module")
def document(dbd):  # noqa: F811
    with urllib.request.urlopen(f"http://127.0.0.1:{dbd.port}/openapi/v3", timeout=60) as r:
        return json.load(r)


def _operations(document) -> list:
    schema = schemathesis.openapi.from_dict(document)
    found = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() in METHODS:
            found.append(operation)
    return found


def _errors(response) -> str:
    """The answer's error entries (or the start of its text), for a failure report."""
    try:
        return json.dumps(response.json().get("errors"))[:600]
    except ValueError:
        return response.text[:300]


def accounting_state(cluster) -> dict:
    """What alice must not be able to change, as sacctmgr and sinfo show it."""
    def rows(*args: str) -> list[str]:
        return sorted(cluster.run("sacctmgr", "-n", "-P", *args).stdout.splitlines())
    return {
        "accounts": rows("show", "accounts", "format=account,description,organization"),
        "users": rows("show", "users", "format=user,defaultaccount,adminlevel"),
        "associations": rows("show", "associations",
                             "format=cluster,account,user,partition,qos,defaultqos,"
                             "grpjobs,maxjobs,maxwall,fairshare"),
        "qos": rows("show", "qos", "format=name,priority,maxwall,flags,preempt"),
        "wckeys": rows("show", "wckeys", "format=wckey,cluster,user"),
        "clusters": rows("show", "clusters", "format=cluster,classification,flags"),
        "nodes": sinfo_nodes(cluster, "%t %E %w %f"),
    }


def test_generated_inputs_answer_no_server_error(dbd, cluster, document):  # noqa: F811
    version = cluster.version()
    token = dbd.token(USER)
    base_url = f"http://127.0.0.1:{dbd.port}"
    operations = _operations(document)
    assert {op.method.upper() for op in operations} == set(METHODS)
    before = accounting_state(cluster)
    failures: list[str] = []

    for operation in operations:
        label = f"{operation.method.upper()} {operation.path}"
        allowed_501 = NOT_IMPLEMENTED.get(label, lambda version: False)(version)
        cases = st.one_of(operation.as_strategy(schemathesis.GenerationMode.POSITIVE),
                          operation.as_strategy(schemathesis.GenerationMode.NEGATIVE))

        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(case=cases)
        def run(case):
            response = case.call(base_url=base_url, timeout=120,
                                 headers={"X-SLURM-USER-TOKEN": token})
            ANSWERS[label][response.status_code] += 1
            if allowed_501 and response.status_code == 501:
                checks = (response_schema_conformance,)
            elif response.status_code == 304:
                # slurmdbd changed nothing: 304 without a body, as slurmrestd answers
                # (reference samples db_*); the reference documents no 304 to conform to
                assert not response.content, response.content[:200]
                checks = (not_a_server_error,)
            else:
                checks = (not_a_server_error, response_schema_conformance)
            try:
                case.validate_response(response, checks=checks)
            except BaseException as failure:  # schemathesis' FailureGroup
                failures.append(f"{label} -> {response.status_code}: "
                                f"{_errors(response)} {str(failure).splitlines()[2:3]}\n"
                                f"    {case.as_curl_command({'X-SLURM-USER-TOKEN': '...'})[:600]}")
        run()

    cases = sum(sum(counter.values()) for counter in ANSWERS.values())
    statuses = collections.Counter()
    for counter in ANSWERS.values():
        statuses.update(counter)
    print(f"\ngenerated inputs: {len(ANSWERS)} operations, {cases} cases, statuses "
          f"{dict(sorted(statuses.items()))}")
    for label in sorted(ANSWERS):
        print(f"  {label}: {dict(sorted(ANSWERS[label].items()))}")
    assert len(ANSWERS) == len(operations)
    assert not failures, f"{len(failures)} failing cases:\n" + "\n".join(failures[:20])
    assert accounting_state(cluster) == before
