"""Every RPC of a request carries that request's identity, also when requests of
different users are interleaved in restd's worker threads (issue: acting as the user)."""
from __future__ import annotations

import concurrent.futures
import uuid

import pytest

from slurmctld_support import cancel, squeue

pytestmark = pytest.mark.cluster


def test_interleaved_users_never_borrow_each_others_identity(restd, cluster):
    name = f"restd-identity-{uuid.uuid4().hex[:8]}"
    users = ["alice", "bob"] * 20  # more requests than worker threads, alternating

    def submit(user: str):
        status, _, body = restd.request("POST", "job/submit", user=user, body={
            "script": "#!/bin/bash\ntrue",
            "job": {"name": name, "hold": True, "current_working_directory": "/tmp",
                    "environment": ["PATH=/bin:/usr/bin"],
                    "standard_output": "/dev/null"}})
        assert status == 200, body
        return user, body["job_id"], body["meta"]["client"]["user"]

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        submitted = list(pool.map(submit, users))
    try:
        owners = {int(job_id): user for job_id, user in squeue(cluster, "-n", name, "-o", "%i|%u")}
        for user, job_id, meta_user in submitted:
            assert meta_user == user
            assert owners[job_id] == user, (job_id, user, owners[job_id])
        assert len(owners) == len(users)

        # ... and what a request may do is what its user may: alice's cancels of bob's
        # jobs, interleaved with bob's own reads of them, are all refused.
        def act(attempt):
            user, method, path, *payload = attempt
            status, _, body = restd.request(method, path, user=user,
                                            body=payload[0] if payload else None)
            return user, method, path, status, body

        bobs = [job_id for user, job_id, _ in submitted if user == "bob"]
        attempts = [attempt for job_id in bobs for attempt in (
            ("alice", "DELETE", f"job/{job_id}"),                   # cancel
            ("alice", "DELETE", f"job/{job_id}?signal=SIGUSR1"),    # signal
            ("alice", "POST", f"job/{job_id}", {"comment": "alice was here"}),  # update
            ("bob", "GET", f"job/{job_id}"))]
        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            results = list(pool.map(act, attempts))
        for user, method, path, status, body in results:
            if user == "alice":  # Slurm's refusals: access denied / not the job's user
                assert status == 403, (method, path, body)
                assert body["errors"][0]["error_number"] in (2002, 2010)
            else:
                assert status == 200 and body["jobs"][0]["user_name"] == "bob"
        assert {(state, comment) for _, state, comment in
                squeue(cluster, "-n", name, "-u", "bob", "-o", "%i|%T|%k")} == {("PENDING", "(null)")}  # no comment: squeue shows (null)
    finally:
        cancel(cluster, *(job_id for _, job_id, _ in submitted))
