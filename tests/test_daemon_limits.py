"""The real daemon (``-a jwt -s slurmctld``, as the service user) under connection
pressure: started with 64 open files (prlimit), a burst of 500 concurrent
connections, then pings answered normally. Bounds are "did not hang", never timings."""
from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import subprocess
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PYTHON = str(REPO / ".venv" / "bin" / "python")
HANG_BOUND = 60.0
pytestmark = [pytest.mark.cluster, pytest.mark.timeout(300)]


class LimitedDaemon:
    """restd with ``-a jwt -s slurmctld -d v0.0.40`` under ``prlimit --nofile``."""

    def __init__(self, cluster, directory: Path, nofile: int, *args: str):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.log_path = directory / "restd.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLURM", "RESTD_", "PYTHON"))}
        env.update(PYTHONPATH=str(REPO), SLURM_JWT="daemon", SLURM_CONF=str(cluster.slurm_conf),
                   PYTHONFAULTHANDLER="1")
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                ["prlimit", f"--nofile={nofile}:{nofile}",
                 "setpriv", "--reuid", "restd", "--regid", "restd", "--init-groups",
                 PYTHON, "-m", "restd", f"127.0.0.1:{self.port}", "-a", "jwt",
                 "-s", "slurmctld", "-d", "v0.0.40", *args],
                env=env, cwd="/tmp", stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        deadline = time.monotonic() + 30
        while not re.search(r"listening on 127\.0\.0\.1:%d" % self.port, self.log):
            assert self.process.poll() is None, f"restd exited:\n{self.log}"
            assert time.monotonic() < deadline, f"restd did not start:\n{self.log}"
            time.sleep(0.05)

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        return self.process.wait()


def ping_request(token: str) -> bytes:
    return (f"GET /slurm/v0.0.40/ping HTTP/1.1\r\nHost: localhost\r\n"
            f"X-SLURM-USER-TOKEN: {token}\r\nConnection: close\r\n\r\n").encode()


async def exchange(port: int, request: bytes) -> tuple[int, dict]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request)
        answer = await asyncio.wait_for(reader.read(), HANG_BOUND)
    finally:
        writer.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


def ping(port: int, token: str) -> tuple[int, dict]:
    return asyncio.run(exchange(port, ping_request(token)))


@pytest.fixture
def limited(cluster, tmp_path):
    os.chmod(tmp_path, 0o755)
    daemons = []

    def start(nofile: int, *args: str) -> LimitedDaemon:
        daemon = LimitedDaemon(cluster, tmp_path, nofile, *args)
        daemons.append(daemon)
        return daemon

    yield start
    for daemon in daemons:
        daemon.stop()


@pytest.mark.parametrize("args, cap", [
    ((), "up to 8 connections"),  # derived from the limit: clients wait their turn
    # More than 64 descriptors allow: lowered, so that libslurm keeps its descriptors
    # (run out of them, Slurm 22.05's slurm_ping() crashes the process).
    (("--max-connections", "1000"), "up to 8 connections"),
], ids=["derived-cap", "cap-past-the-limit"])
def test_with_64_open_files_a_burst_of_500_connections_leaves_the_daemon_answering(
        cluster, limited, args, cap):
    token = cluster.token("alice", 600)
    daemon = limited(64, *args)
    assert f"open files limit 64: {cap}" in daemon.log
    if args:
        assert "--max-connections 1000: the open files limit (64) leaves room for 8" in daemon.log
    status, body = ping(daemon.port, token)
    assert status == 200 and body["pings"][0]["pinged"] == "UP"

    async def burst() -> list:
        request = ping_request(token)
        return await asyncio.gather(*(exchange(daemon.port, request) for _ in range(500)),
                                    return_exceptions=True)

    answers = asyncio.run(burst())
    assert daemon.process.poll() is None, daemon.log
    failures = [answer for answer in answers if isinstance(answer, BaseException)]
    assert not failures, failures[:3]
    statuses = {status for status, _ in answers}
    # Every client is answered: the ping, or a JSON refusal saying why.
    assert statuses <= {200, 503}, statuses
    for status, body in answers:
        if status == 503:
            assert body["errors"][0]["description"]
    # Afterwards: up, answering normally, and no crash or traceback in the log.
    for _ in range(5):
        status, body = ping(daemon.port, token)
        assert status == 200 and body["pings"][0]["pinged"] == "UP"
    assert daemon.stop() == 0
    assert "Traceback" not in daemon.log
