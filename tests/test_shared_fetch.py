"""Shared fetches (restd/shared_fetch.py) against the real cluster: concurrent
identical GETs of one user are one slurmctld RPC (counted by slurmctld itself,
sdiag), each answer keeps its own meta.client, a change is seen by the next GET;
users share a fetch only where PrivateData hides nothing (PrivateData=jobs: alice
never sees bob's jobs)."""
from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import time

import pytest

from conftest import RestdDaemon
from slurmctld_support import cancel, wait_for

pytestmark = [pytest.mark.cluster, pytest.mark.timeout(600)]

CONCURRENT = 8


def job_info_rpcs(cluster) -> int:
    """REQUEST_JOB_INFO RPCs slurmctld has answered (sdiag)."""
    out = cluster.run("sdiag").stdout
    found = re.search(r"REQUEST_JOB_INFO\s+\(\s*2003\)\s+count:(\d+)", out)
    return int(found.group(1)) if found else 0


def concurrent_gets(daemon: RestdDaemon, path: str, users: list[str],
                    headers: dict | None = None) -> list[tuple[int, dict, bytes, str]]:
    """One GET per entry of ``users``, each on its own connection: every connection
    is opened first, then the requests are sent back to back, then the answers read.
    Returns (status, headers, body, the client's own address as restd names it)."""
    sockets = []
    try:
        for _ in users:
            sockets.append(socket.create_connection(("127.0.0.1", daemon.port), timeout=120))
        for sock, user in zip(sockets, users):
            lines = [f"GET /slurm/v0.0.40/{path} HTTP/1.1", "Host: restd",
                     f"X-SLURM-USER-TOKEN: {daemon.token(user)}", "Connection: close"]
            lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
            sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        answers = []
        for sock in sockets:
            response = http.client.HTTPResponse(sock)
            response.begin()
            body = response.read()
            port = sock.getsockname()[1]
            answers.append((response.status, dict(response.getheaders()), body,
                            f"[127.0.0.1]:{port}"))
        return answers
    finally:
        for sock in sockets:
            sock.close()


def without_client(answer: dict) -> dict:
    answer = json.loads(json.dumps(answer))
    answer["meta"]["client"].pop("source")
    return answer


def test_concurrent_identical_gets_are_one_rpc(restd, cluster):
    restd.request("GET", "jobs/")  # libslurm loaded, the token checked once
    before = job_info_rpcs(cluster)
    answers = concurrent_gets(restd, "jobs/", ["alice"] * CONCURRENT)
    assert job_info_rpcs(cluster) - before == 1
    parsed = [json.loads(body) for status, _, body, _ in answers]
    assert [status for status, *_ in answers] == [200] * CONCURRENT
    # each answer names its own client, and is otherwise the same answer
    for (_, _, _, source), answer in zip(answers, parsed):
        assert answer["meta"]["client"]["source"].startswith(source)
        assert answer["meta"]["client"]["user"] == "alice"
    assert all(without_client(answer) == without_client(parsed[0]) for answer in parsed)


def test_yaml_and_json_gets_are_fetched_each(restd, cluster):
    """The output format is part of what is shared: a YAML GET never gets JSON."""
    before = job_info_rpcs(cluster)
    answers = concurrent_gets(restd, "jobs/", ["alice"] * 2)
    yaml_answers = concurrent_gets(restd, "jobs/", ["alice"] * 2,
                                   headers={"Accept": "application/yaml"})
    assert all(headers["Content-Type"] == "application/json" for _, headers, _, _ in answers)
    assert all(headers["Content-Type"] == "application/yaml"
               for _, headers, _, _ in yaml_answers)
    assert job_info_rpcs(cluster) - before >= 2


@pytest.fixture(scope="module")
def unshared(cluster, tmp_path_factory):
    """restd with RESTD_SHARED_FETCH_WINDOW=0: nothing shared (the count above
    then rises with every request: what sdiag counts is restd's RPCs)."""
    directory = tmp_path_factory.mktemp("restd-unshared")
    os.chmod(directory, 0o755)
    daemon = RestdDaemon(cluster, directory).start(
        extra_env={"RESTD_SHARED_FETCH_WINDOW": "0"})
    yield daemon
    daemon.stop()


def test_without_sharing_each_get_is_its_own_rpc(unshared, cluster):
    unshared.request("GET", "jobs/")
    before = job_info_rpcs(cluster)
    answers = concurrent_gets(unshared, "jobs/", ["alice"] * CONCURRENT)
    assert [status for status, *_ in answers] == [200] * CONCURRENT
    assert job_info_rpcs(cluster) - before == CONCURRENT


def submit(cluster, user: str, name: str) -> int:
    out = cluster.run("sbatch", "--parsable", "-A", "test" if user == "alice" else "physics",
                      "-J", name, "-t", "5", "--wrap", "sleep 300", user=user).stdout
    return int(out.strip().split(";")[0])


def job_ids(answer: dict) -> set[int]:
    return {job["job_id"] for job in answer["jobs"]}


def test_next_get_sees_a_change(restd, cluster):
    status, _, before = restd.request("GET", "jobs/")
    job_id = submit(cluster, "alice", "shared-fetch-change")
    try:
        status, _, after = restd.request("GET", "jobs/")
        assert status == 200 and job_id in job_ids(after) and job_id not in job_ids(before)
        cancel(cluster, job_id)
        status, _, cancelled = restd.request("GET", "jobs/")
        states = {job["job_id"]: job["job_state"] for job in cancelled["jobs"]}
        assert "CANCELLED" in states[job_id]
    finally:
        cancel(cluster, job_id)


def test_users_share_a_fetch_where_private_data_hides_nothing(restd, cluster):
    """Without PrivateData, slurmctld answers the job list (SHOW_ALL, restd's default)
    alike to every user: alice's and bob's interleaved GETs are one RPC, each answer
    naming its own client (source, user, group), its ETag its user's."""
    restd.request("GET", "jobs/", user="bob")  # PrivateData read, bob's token checked
    users = ["alice", "bob"] * (CONCURRENT // 2)
    before = job_info_rpcs(cluster)
    answers = concurrent_gets(restd, "jobs/", users)
    assert job_info_rpcs(cluster) - before == 1
    etags = {}
    parsed = []
    for user, (status, headers, body, source) in zip(users, answers):
        answer = json.loads(body)
        assert status == 200
        client = answer["meta"]["client"]
        assert client["source"].startswith(source)
        assert client["user"] == user and client["group"] == user
        parsed.append(answer)
    for answer in parsed:
        client = answer["meta"]["client"]
        for name in ("source", "user", "group"):
            client.pop(name)
    assert all(answer == parsed[0] for answer in parsed)
    # a list answered whole (nodes, with SHOW_ALL): one ETag per user
    answers = concurrent_gets(restd, "nodes/?flags=ALL", users)
    for user, (status, headers, body, _) in zip(users, answers):
        assert status == 200 and json.loads(body)["meta"]["client"]["user"] == user
        etags.setdefault(user, set()).add(headers["ETag"])
    if all(len(tags) == 1 for tags in etags.values()):  # nodes unchanged meanwhile
        assert etags["alice"] != etags["bob"]


@pytest.fixture(scope="module")
def private_jobs(cluster):
    """PrivateData=jobs on the cluster for the test, removed afterwards."""
    extra = cluster.dir / "etc" / "slurm.conf.extra"
    assert not extra.exists(), f"{extra} is someone else's"
    extra.write_text("PrivateData=jobs\n")
    try:
        assert cluster.script("start").returncode == 0
        wait_for(lambda: "PrivateData" in cluster.run("scontrol", "show", "config").stdout
                 and "jobs" in cluster.run("scontrol", "show", "config").stdout,
                 60, "PrivateData=jobs")
        yield
    finally:
        extra.unlink()
        started = cluster.script("start")
        assert started.returncode == 0, started.stdout + started.stderr


def test_users_never_share_a_fetch(private_jobs, restd, cluster):
    """With PrivateData=jobs (set while restd runs: restd reads slurmctld's again),
    alice and bob never share a fetch: each sees their own jobs only."""
    alice_job = submit(cluster, "alice", "shared-fetch-alice")
    bob_job = submit(cluster, "bob", "shared-fetch-bob")
    try:
        time.sleep(1.5)  # PRIVATE_DATA_RECHECK: restd asks slurmctld again from now on
        for _ in range(3):
            users = ["alice", "bob"] * (CONCURRENT // 2)
            before = job_info_rpcs(cluster)
            answers = concurrent_gets(restd, "jobs/", users)
            assert job_info_rpcs(cluster) - before >= 2
            for user, (status, _, body, source) in zip(users, answers):
                answer = json.loads(body)
                assert status == 200
                assert answer["meta"]["client"]["user"] == user
                seen = job_ids(answer)
                mine, theirs = (alice_job, bob_job) if user == "alice" else (bob_job, alice_job)
                assert mine in seen and theirs not in seen, (user, seen)
    finally:
        cancel(cluster, alice_job, bob_job)


# --- conditional requests: ETag and If-None-Match --------------------------------------

def test_etag_is_the_same_for_every_client_and_if_none_match_answers_304(restd):
    def unchanged_between_requests() -> bool:
        """The checks below, on nodes that did not change meanwhile (slurmctld changes
        their state on its own, a job ending say: then the ETag changes, and the whole
        sequence is tried again)."""
        answers = concurrent_gets(restd, "nodes/", ["alice"] * 2)
        etags = {headers.get("ETag") for _, headers, _, _ in answers}
        assert None not in etags
        if len(etags) != 1:
            return False
        etag, = etags  # meta.client is not in the ETag
        assert re.fullmatch(r'"[0-9a-f]{40}"', etag)
        status, headers, body = restd.request("GET", "nodes/",
                                              headers={"If-None-Match": etag})
        if status == 200:
            assert headers["ETag"] != etag
            return False
        assert status == 304 and body == "" and headers["ETag"] == etag
        assert "Content-Length" not in headers and "Content-Type" not in headers
        # weak comparison and lists, as RFC 9110 reads If-None-Match
        status, _, _ = restd.request("GET", "nodes/",
                                     headers={"If-None-Match": f'"x", W/{etag}'})
        if status != 304:
            return False
        status, headers, body = restd.request("GET", "nodes/", headers={"If-None-Match": '"x"'})
        assert status == 200 and body["nodes"]
        if headers["ETag"] != etag:
            return False
        # another user's answer is another answer (meta.client.user)
        _, bob_headers, _ = restd.request("GET", "nodes/", user="bob")
        assert bob_headers["ETag"] != etag
        status, _, _ = restd.request("GET", "nodes/", user="bob",
                                     headers={"If-None-Match": etag})
        assert status == 200
        return True

    wait_for(unchanged_between_requests, 120, "nodes unchanged for a few requests")


def test_a_change_changes_the_etag(restd, cluster):
    yaml = {"Accept": "application/yaml"}
    status, headers, _ = restd.request("GET", "jobs/", headers=yaml)
    etag = headers["ETag"]
    assert status == 200
    job_id = submit(cluster, "alice", "shared-fetch-etag")
    try:
        status, headers, body = restd.request("GET", "jobs/",
                                              headers={**yaml, "If-None-Match": etag})
        assert status == 200 and headers["ETag"] != etag
        assert f"job_id: {job_id}" in body
    finally:
        cancel(cluster, job_id)


def test_failures_carry_no_etag(restd):
    status, headers, _ = restd.request("GET", "node/nosuchnode")
    assert status == 404 and "ETag" not in headers
    status, headers, _ = restd.request("GET", "node/nosuchnode", headers={"If-None-Match": "*"})
    assert status == 404


# --- Last-Modified and If-Modified-Since ------------------------------------------------

def test_if_modified_since_asks_slurmctld_whether_anything_changed(restd, cluster):
    """Last-Modified is the time slurmctld wrote the list; If-Modified-Since with it
    is a load with update_time, answered 304 when slurmctld says nothing changed."""
    def not_modified(path: str) -> bool:
        """GET, then GET with If-Modified-Since: 304 unless slurmctld changed
        something in between (it purges and schedules jobs on its own: retried)."""
        status, headers, _ = restd.request("GET", path)
        assert status == 200
        last_modified = headers["Last-Modified"]
        before = job_info_rpcs(cluster)
        status, headers, body = restd.request("GET", path,
                                              headers={"If-Modified-Since": last_modified})
        assert status in (200, 304), path
        if path == "jobs/":  # slurmctld was asked, with update_time
            assert job_info_rpcs(cluster) - before == 1
        if status == 304:
            assert body == "" and headers["Last-Modified"] == last_modified
        return status == 304

    for path in ("jobs/", "partitions/", "reservations/"):
        wait_for(lambda: not_modified(path), 120, f"a 304 for {path}")
    status, headers, _ = restd.request("GET", "jobs/")
    last_modified = headers["Last-Modified"]
    # If-None-Match decides when both are sent; a date restd cannot read is ignored
    status, _, _ = restd.request("GET", "jobs/", headers={"If-Modified-Since": last_modified,
                                                          "If-None-Match": '"x"'})
    assert status == 200
    status, _, _ = restd.request("GET", "jobs/", headers={"If-Modified-Since": "yesterday"})
    assert status == 200
    job_id = submit(cluster, "alice", "shared-fetch-modified")  # in the same second, maybe
    try:
        status, headers, body = restd.request("GET", "jobs/",
                                              headers={"If-Modified-Since": last_modified})
        assert status == 200 and job_id in job_ids(body)
    finally:
        cancel(cluster, job_id)


# --- the last answer, reused while slurmctld reports no change -----------------------------

@pytest.fixture(scope="module")
def logged(cluster, tmp_path_factory):
    """restd logging at debug level: what it dumped and what it reused, by operation."""
    directory = tmp_path_factory.mktemp("restd-logged")
    os.chmod(directory, 0o755)
    daemon = RestdDaemon(cluster, directory).start(extra_env={"SLURMRESTD_DEBUG": "debug"})
    yield daemon
    daemon.stop()


def dumps_and_reuses(daemon: RestdDaemon, operation: str) -> tuple[int, int]:
    """(answers dumped, answers reused) of ``operation`` so far, from restd's log."""
    log = daemon.log
    return (len(re.findall(rf"slurm_v0040_{operation}: answer dumped", log)),
            len(re.findall(rf"slurm_v0040_{operation}: slurmctld reports no change", log)))


def test_an_unchanged_list_is_not_dumped_again(logged):
    """Partitions, nodes, reservations and the YAML jobs list: while slurmctld reports
    no change since the last answer (a load with its time as update_time), that answer
    is served again (same ETag and body) without a dump; If-None-Match naming it is a
    304, also without a dump."""
    for path, operation, headers in (
            ("partitions/?flags=ALL", "get_partitions", {}),
            ("nodes/?flags=ALL", "get_nodes", {}),
            ("reservations/", "get_reservations", {}),
            ("jobs/", "get_jobs", {"Accept": "application/yaml"})):
        def unchanged() -> bool:
            """Three GETs in a row: slurmctld may change nodes or jobs on its own
            meanwhile (then a dump is due and the sequence is tried again)."""
            status, first_headers, first = logged.request("GET", path, headers=headers)
            assert status == 200
            dumped, reused = dumps_and_reuses(logged, operation)
            status, again_headers, again = logged.request("GET", path, headers=headers)
            assert status == 200
            if dumps_and_reuses(logged, operation) != (dumped, reused + 1):
                return False
            assert again_headers["ETag"] == first_headers["ETag"]
            assert again_headers["Last-Modified"] == first_headers["Last-Modified"]
            if isinstance(first, dict):  # JSON: the same answer, from its own client
                assert without_client(again) == without_client(first)
            else:
                assert re.sub(r"source: .*", "", again) == re.sub(r"source: .*", "", first)
            status, not_modified, body = logged.request(
                "GET", path, headers={**headers, "If-None-Match": first_headers["ETag"]})
            if dumps_and_reuses(logged, operation) != (dumped, reused + 2):
                return False
            assert status == 304 and body == "" and not_modified["ETag"] == first_headers["ETag"]
            return True

        wait_for(unchanged, 120, f"{path} unchanged for three GETs")


def test_a_change_is_seen_by_the_next_get_of_a_reused_answer(logged, cluster):
    yaml = {"Accept": "application/yaml"}
    for _ in range(2):  # the second answer is the kept one, reused if nothing changed
        status, headers, before = logged.request("GET", "jobs/", headers=yaml)
    job_id = submit(cluster, "alice", "last-answer-change")
    try:
        status, headers, after = logged.request("GET", "jobs/", headers=yaml)
        assert status == 200 and f"job_id: {job_id}" in after
        assert f"job_id: {job_id}" not in before
    finally:
        cancel(cluster, job_id)
    # a node updated: the next GET of nodes shows it
    path = "nodes/?flags=ALL"
    logged.request("GET", path)
    _, headers, before = logged.request("GET", path)
    try:
        cluster.run("scontrol", "update", "NodeName=n4", "State=DRAIN",
                    "Reason=last-answer-test")
        status, after_headers, after = logged.request("GET", path)
        node = next(node for node in after["nodes"] if node["name"] == "n4")
        assert status == 200 and node["reason"] == "last-answer-test"
        assert after_headers["ETag"] != headers["ETag"]
    finally:
        cluster.run("scontrol", "update", "NodeName=n4", "State=RESUME")


def test_users_share_the_kept_answer_only_where_private_data_hides_nothing(logged):
    """The kept answer is kept per sharing key: alice's kept partitions (flags=ALL,
    PrivateData off) are bob's too, each with their own meta.client and ETag."""
    path = "partitions/?flags=ALL"

    def shared() -> bool:
        status, alice_headers, alice = logged.request("GET", path)
        dumped, reused = dumps_and_reuses(logged, "get_partitions")
        status, bob_headers, bob = logged.request("GET", path, user="bob")
        if dumps_and_reuses(logged, "get_partitions") != (dumped, reused + 1):
            return False
        assert alice["meta"]["client"]["user"] == "alice"
        assert bob["meta"]["client"]["user"] == "bob"
        assert bob_headers["ETag"] != alice_headers["ETag"]
        assert without_client(bob)["partitions"] == without_client(alice)["partitions"]
        return True

    wait_for(shared, 120, "partitions unchanged for two GETs")


# --- the streamed jobs list: a weak ETag from the time slurmctld wrote it ---------------

def test_streamed_jobs_have_a_weak_etag_answered_304_by_slurmctlds_change_detection(
        restd, cluster):
    """The JSON jobs list is written piece by piece: its ETag is weak, made of the time
    slurmctld wrote the list and its number of jobs; If-None-Match naming it is a load
    with that time as update_time (one RPC), answered 304 when slurmctld reports no
    change."""
    def not_modified() -> bool:
        status, headers, _ = restd.request("GET", "jobs/")
        assert status == 200
        etag = headers["ETag"]
        assert re.fullmatch(r'W/"[0-9]+-[0-9]+-[0-9a-f]{24}"', etag), etag
        last_modified = headers["Last-Modified"]
        before = job_info_rpcs(cluster)
        # concurrent polls with the same validator share one load
        answers = concurrent_gets(restd, "jobs/", ["alice"] * 4,
                                  headers={"If-None-Match": etag})
        assert job_info_rpcs(cluster) - before == 1
        statuses = {status for status, *_ in answers}
        if statuses != {304}:  # slurmctld changed a job meanwhile
            assert statuses == {200}
            return False
        for _, headers, body, _ in answers:
            assert body == b"" and headers["ETag"] == etag
            assert headers["Last-Modified"] == last_modified
        # bob's validator is his own: alice's does not match his answer
        status, bob_headers, _ = restd.request("GET", "jobs/", user="bob",
                                               headers={"If-None-Match": etag})
        assert status == 200 and bob_headers["ETag"] != etag
        # a validator of another time, or not made by restd, is not believed
        when = int(etag[3:].split("-")[0])
        forged = etag.replace(f'"{when}-', f'"{when + 3600}-')
        for tag in (forged, 'W/"1-1-000000000000000000000000"'):
            status, _, _ = restd.request("GET", "jobs/", headers={"If-None-Match": tag})
            assert status == 200
        return True

    wait_for(not_modified, 120, "jobs unchanged between two GETs")
    status, headers, _ = restd.request("GET", "jobs/")
    etag = headers["ETag"]
    job_id = submit(cluster, "alice", "stream-validator")
    try:
        status, headers, body = restd.request("GET", "jobs/", headers={"If-None-Match": etag})
        assert status == 200 and headers["ETag"] != etag and job_id in job_ids(body)
    finally:
        cancel(cluster, job_id)
