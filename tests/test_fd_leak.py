"""restd holds no more file descriptors after requests than before them, whatever
slurmdbd answers and whenever the client goes away (issue 10: every slurmdb
request slurmdbd refused left one socket open, until "Too many open files" and a
crash).

The cluster tests run restd as the tests' other slurmdbd modules do (as the user
restd, JWT, slurmctld and slurmdbd endpoints) against the real local cluster and
count its descriptors in /proc/PID/fd. The Resources/runner tests at the end drive
plain objects: they check the lifetime rules, not anything about Slurm.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import errno
import http.client
import json
import os
import re
import socket
import struct
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Optional

import pytest

from slurmdbd_daemon import DbDaemon, rt_cleanup  # noqa: F401

PREFIX = "/slurmdb/v0.0.40/"
# alice is neither an operator nor an administrator: slurmdbd refuses these (and
# then ends the connection: the path that leaked)
REFUSED = ("diag", "config", "wckeys", "wckey/rt_fd_probe")
ALLOWED = ("tres", "accounts", "account/test", "qos", "users", "user/alice", "clusters")
REQUESTS = 2000  # refused, and as many allowed
CLIENTS = 8  # keep-alive connections, each in its own thread
SLACK = 2  # descriptors restd may open or close for reasons of its own
ADDRESS = re.compile(r"0x[0-9a-fA-F]{4,}")
ACCESS_REFUSED = {2002, 2010}  # ESLURM_ACCESS_DENIED, ESLURM_USER_ID_MISSING


def descriptors(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def settled(pid: int, at_most: int, timeout: float = 30) -> int:
    """restd's descriptor count once it is at most ``at_most`` (the server notices
    closed connections asynchronously), or the count when ``timeout`` is over."""
    deadline = time.monotonic() + timeout
    while True:
        count = descriptors(pid)
        if count <= at_most or time.monotonic() > deadline:
            return count
        time.sleep(0.1)


class Client:
    """One keep-alive connection to restd, with a user's token."""

    def __init__(self, daemon: DbDaemon, user: str = "alice"):
        self.connection = http.client.HTTPConnection("127.0.0.1", daemon.port, timeout=120)
        self.headers = {"X-SLURM-USER-TOKEN": daemon.token(user), "Accept": "application/json"}

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        headers = dict(self.headers)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        url = path if path.startswith("/") else PREFIX + path
        self.connection.request(method, url, body=data, headers=headers)
        response = self.connection.getresponse()
        payload = response.read()
        self.last_size = len(payload)
        kind = response.getheader("Content-Type") or ""
        return response.status, json.loads(payload) if "json" in kind and payload else payload

    def close(self) -> None:
        self.connection.close()


def assert_refused(status: int, body: dict, path: str) -> None:
    assert status == 403, (path, status, body)
    assert body["errors"] and body["errors"][0]["error_number"] in ACCESS_REFUSED, body
    assert "meta" in body and isinstance(body["warnings"], list)


def texts(body: dict) -> list[str]:
    return [entry["description"] for entry in body.get("errors", []) + body.get("warnings", [])]


@pytest.fixture(scope="module")
def daemon(cluster):
    restd = DbDaemon(cluster).start()
    yield restd
    restd.stop()


@pytest.mark.cluster
def test_refused_and_allowed_requests_leave_no_descriptor_open(daemon):
    pid = daemon.process.pid
    clients = [Client(daemon) for _ in range(CLIENTS)]
    try:
        for client in clients:  # connections open, libslurm's plugins loaded
            for path in REFUSED + ALLOWED:
                client.request("GET", path)
        before = descriptors(pid)

        def run(index: int) -> tuple[int, int]:
            client, refused, allowed = clients[index], 0, 0
            for number in range(REQUESTS // CLIENTS):
                path = REFUSED[(number + index) % len(REFUSED)]
                status, body = client.request("GET", path)
                assert_refused(status, body, path)
                refused += 1
                path = ALLOWED[(number + index) % len(ALLOWED)]
                status, body = client.request("GET", path)
                assert status == 200 and body["errors"] == [], (path, status, body)
                allowed += 1
            return refused, allowed

        with ThreadPoolExecutor(CLIENTS) as pool:
            counts = list(pool.map(run, range(CLIENTS)))
        assert [sum(column) for column in zip(*counts)] == [REQUESTS, REQUESTS]
        after = descriptors(pid)
        assert daemon.process.poll() is None, "restd exited"
        assert abs(after - before) <= SLACK, \
            f"restd had {before} descriptors before {2 * REQUESTS} requests, {after} after"
    finally:
        for client in clients:
            client.close()


@pytest.mark.cluster
def test_error_texts_name_the_call_without_an_address(daemon, rt_cleanup):
    client = Client(daemon)
    try:
        seen = []
        for path in REFUSED:
            status, body = client.request("GET", path)
            assert_refused(status, body, path)
            seen += texts(body)
        assert "slurmdb_get_stats() failed" in seen
        assert "slurmdb_wckeys_get() failed" in seen
        status, body = client.request("GET", "account/rt_nope")
        assert status == 200 and texts(body) == ["slurmdb_accounts_get() found nothing"]
        seen += texts(body)
        status, body = client.request("POST", "accounts/", {"accounts": [
            {"name": "rt_fd_probe", "description": "d", "organization": "o"}]})
        assert status == 403, body
        assert body["errors"][0]["description"] == "slurmdb_accounts_add() failed"
        seen += texts(body)
        assert not [text for text in seen if ADDRESS.search(text)], seen
    finally:
        client.close()


# --- the client goes away mid-request ---------------------------------------------------

HELD_JOBS = 200  # answers far larger than what the socket buffers hold
JOB_NAME = "rt_fd_leak"


def _jobs_in_both_daemons(cluster, count: int) -> None:
    """``count`` jobs of alice's that slurmctld lists (cancelled: kept for MinJobAge)
    and slurmdbd has recorded (a held job is recorded once it ends)."""
    command = ["sbatch", "--hold", "--parsable", "--chdir=/tmp", "-o", "/dev/null",
               "-J", JOB_NAME, "--wrap", "true"]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: cluster.run(*command, user="alice"), range(count)))
    cluster.run("scancel", "-u", "alice", "-n", JOB_NAME)
    deadline = time.monotonic() + 120
    while cluster.run("sacct", "-n", "-X", "-P", "-o", "jobname", "-u", "alice", "-s", "CA",
                      "-S", "now-1hour", "-E", "now").stdout.split().count(JOB_NAME) < count:
        assert time.monotonic() < deadline, "slurmdbd did not record the cancelled jobs"
        time.sleep(1)


def _raw_request(port: int, path: str, token: str, receive_buffer: Optional[int] = None):
    sock = socket.socket()
    if receive_buffer is not None:  # a small window: restd's writes stall mid-answer
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.connect(("127.0.0.1", port))
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: restd\r\nX-SLURM-USER-TOKEN: {token}\r\n"
                 f"Accept: application/json\r\n\r\n".encode())
    return sock


def _reset(sock: socket.socket) -> None:
    """Close with a TCP reset (SO_LINGER 0): the client is gone at once."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


@pytest.mark.cluster
def test_client_gone_mid_request_leaves_no_descriptor_open(daemon, cluster):
    pid = daemon.process.pid
    _jobs_in_both_daemons(cluster, HELD_JOBS)
    streamed = ("/slurm/v0.0.40/jobs", f"/slurmdb/v0.0.40/jobs?job_name={JOB_NAME}"
                "&state=CANCELLED&start_time=now-1hours&end_time=now")
    for path in streamed:  # whole answers, far larger than what the socket buffers hold
        client = Client(daemon)
        status, body = client.request("GET", path)
        client.close()
        assert status == 200 and len(body["jobs"]) >= HELD_JOBS, (path, status)
        assert client.last_size > 500_000, (path, client.last_size)
    client = Client(daemon)
    for path in REFUSED + ALLOWED:
        client.request("GET", path)
    client.close()
    time.sleep(0.5)
    before = descriptors(pid)

    token = daemon.token("alice")
    # gone before the answer: restd's work goes on and must release what it opened
    for _ in range(20):
        for path in [PREFIX + p for p in REFUSED + ALLOWED] + list(streamed):
            _reset(_raw_request(daemon.port, path, token))
    # gone while a streamed answer is written (a small window: restd cannot send it all)
    for _ in range(10):
        for path in streamed:
            sock = _raw_request(daemon.port, path, token, receive_buffer=4096)
            assert sock.recv(1024).startswith(b"HTTP/1.1 200")  # 1 KiB of megabytes
            time.sleep(0.3)
            _reset(sock)

    after = settled(pid, before + SLACK, timeout=60)
    assert daemon.process.poll() is None, "restd exited"
    assert after <= before + SLACK, \
        f"restd had {before} descriptors before the clients went away, {after} after"
    client = Client(daemon)
    try:
        assert client.request("GET", "tres")[0] == 200
        assert_refused(*client.request("GET", "diag"), "diag")
    finally:
        client.close()


# --- no descriptor left -----------------------------------------------------------------

def lowest_free_descriptor(pid: int) -> int:
    used = {int(name) for name in os.listdir(f"/proc/{pid}/fd")}
    return next(number for number in range(len(used) + 1) if number not in used)


def set_open_files_limit(pid: int, soft: int) -> None:
    """The soft RLIMIT_NOFILE of a running process. prlimit(2) runs as the process's
    own user (the uids match), since root here may lack CAP_SYS_RESOURCE."""
    hard = open(f"/proc/{pid}/limits").read().split("Max open files")[1].split()[1]
    status = os.stat(f"/proc/{pid}")
    subprocess.run(["setpriv", f"--reuid={status.st_uid}", f"--regid={status.st_gid}",
                    "--clear-groups",
                    "prlimit", f"--pid={pid}", f"--nofile={soft}:{hard}"], check=True)


@pytest.mark.cluster
def test_no_descriptor_left_is_503_and_restd_recovers(cluster):
    """With no descriptor left for a Slurm connection, a request is 503 (EMFILE), not a
    crash, and restd serves again once descriptors are free.

    restd's own connection cap keeps clients from taking every descriptor (it is
    derived from the limit), so the descriptors are taken away instead: the soft
    limit is lowered to restd's lowest free descriptor number, so that opening any
    new one fails with EMFILE while the connection already open goes on."""
    daemon = DbDaemon(cluster).start()
    pid = daemon.process.pid
    client = Client(daemon)
    try:
        assert client.request("GET", "tres")[0] == 200
        assert client.request("GET", "/slurm/v0.0.40/ping")[0] == 200
        original = open(f"/proc/{pid}/limits").read().split("Max open files")[1].split()[0]
        set_open_files_limit(pid, lowest_free_descriptor(pid))
        try:
            for path in ("tres", "diag", "/slurm/v0.0.40/ping", "/slurm/v0.0.40/jobs"):
                status, body = client.request("GET", path)
                assert status == 503, (path, status, body)
                [error] = body["errors"]
                assert error["error_number"] == errno.EMFILE
                assert error["error"] == os.strerror(errno.EMFILE)
                assert "Too many open files" in error["description"] and error["source"]
                assert body["meta"]["plugin"]["type"] in ("openapi/slurmdbd",
                                                          "openapi/slurmctld")
                assert body["warnings"] == []
        finally:
            set_open_files_limit(pid, int(original))
        assert client.request("GET", "tres")[0] == 200
        assert client.request("GET", "/slurm/v0.0.40/ping")[0] == 200
        assert_refused(*client.request("GET", "diag"), "diag")
        assert daemon.process.poll() is None, "restd exited"
    finally:
        client.close()
        daemon.stop()


# --- the lifetime rules, on plain objects ------------------------------------------------

class Closeable:
    def __init__(self, name: str, closed: list):
        self.name, self._closed = name, closed

    def close(self) -> None:
        self._closed.append(self.name)


def test_resources_close_what_the_job_holds_and_what_the_answer_keeps_once_written():
    from restd.native.resources import Resources
    closed: list = []
    resources = Resources()
    first = resources.own(Closeable("first", closed))
    kept = resources.own(Closeable("kept", closed))
    with resources.closing(Closeable("connection", closed)):
        pass
    assert closed == ["connection"]
    close_kept = resources.hand_over(kept)
    resources.own(Closeable("last", closed))
    resources.end_job()
    assert closed == ["connection", "last", "first"]  # most recent first; kept stays open
    assert first.name == "first" and resources.open_count() == 1
    close_kept()
    close_kept()  # once only
    assert closed == ["connection", "last", "first", "kept"]
    with pytest.raises(RuntimeError):
        resources.own(Closeable("too late", closed))
    assert closed[-1] == "too late"


class _Context:
    """What the runner reads of a request context: no identity (the daemon itself)."""

    identity = None

    def __init__(self, pool: concurrent.futures.Executor):
        self._pool = pool

    async def run_blocking(self, function, *args):
        return await asyncio.get_running_loop().run_in_executor(self._pool, function, *args)


def test_runner_closes_what_a_cancelled_request_hands_on_when_its_job_ends():
    from restd.plugins.content import _backend
    closed: list = []
    started, finish = threading.Event(), threading.Event()

    def job(resources):
        resources.own(Closeable("held", closed))
        answer = resources.own(Closeable("answer", closed))
        started.set()
        finish.wait(10)
        return resources.hand_over(answer)

    async def main():
        with ThreadPoolExecutor(1) as pool:
            request = asyncio.ensure_future(
                _backend.run_in_worker(_Context(pool), job, load=lambda: None, source="test"))
            await asyncio.get_running_loop().run_in_executor(None, started.wait, 10)
            request.cancel()  # the client went away while the job runs
            with pytest.raises(asyncio.CancelledError):
                await request
            assert closed == []
            finish.set()
        assert sorted(closed) == ["answer", "held"]

    asyncio.run(main())


def test_runner_closes_on_exceptions_and_refusals():
    from restd.plugin_api import RequestFailed
    from restd.plugins.content import _backend
    closed: list = []

    def refused(resources):
        resources.own(Closeable("refused", closed))
        raise RequestFailed(403, "no")

    def broken(resources):
        resources.own(Closeable("broken", closed))
        raise ValueError("a bug")

    async def main():
        with ThreadPoolExecutor(1) as pool:
            with pytest.raises(RequestFailed):
                await _backend.run_in_worker(_Context(pool), refused, load=lambda: None, source="test")
            with pytest.raises(ValueError):
                await _backend.run_in_worker(_Context(pool), broken, load=lambda: None, source="test")

    asyncio.run(main())
    assert closed == ["refused", "broken"]


def test_exhausted_descriptors_are_found_and_answered_503():
    from restd.plugins.content import _backend
    assert _backend.descriptors_exhausted() is None
    failure = _backend.exhausted_failure(errno.EMFILE, "test")
    assert failure.status == 503
    assert failure.entry == {"description": "restd cannot open a connection to Slurm now "
                                            "(Too many open files): retry later",
                             "error_number": errno.EMFILE, "error": "Too many open files",
                             "source": "test"}
    # in a child with no descriptor to spare: found
    code = ("import resource, socket; from restd.plugins.content import _backend\n"
            "resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))\n"
            "held = []\n"
            "try:\n"
            "    while True: held.append(socket.socket())\n"
            "except OSError: pass\n"
            "print(_backend.descriptors_exhausted())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == str(errno.EMFILE)


# --- slurmdbd unreachable ---------------------------------------------------------------

@pytest.mark.cluster
def test_slurmdbd_unreachable_is_502_and_restd_stays_up(cluster):
    """libslurm logs the failed connection with error(): in a Python process that was
    glibc's error(3), which ended restd (library.ensure_preloaded)."""
    from pathlib import Path
    import shutil
    import tempfile
    from conftest import Cluster
    tmp_path = Path(tempfile.mkdtemp(prefix="rt_fd_leak_"))  # readable by the user restd
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    etc = tmp_path / "etc"
    etc.mkdir()
    for item in cluster.slurm_conf.parent.iterdir():
        if item.suffix == ".conf":
            text = item.read_text()
            if item.name == "slurm.conf":
                text = re.sub(r"(?m)^AccountingStoragePort=.*$",
                              f"AccountingStoragePort={closed_port}", text)
            (etc / item.name).write_text(text)
    for path in (tmp_path, etc, *etc.iterdir()):
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    try:
        daemon = DbDaemon(Cluster(tmp_path)).start()
        try:
            client = Client(daemon)
            for _ in range(3):
                status, body = client.request("GET", "tres")
                assert status == 502, (status, body)
                assert body["errors"][0]["source"] == "openapi_get_db_conn", body["errors"]
            assert client.request("GET", "/slurm/v0.0.40/ping")[0] == 200
            assert daemon.process.poll() is None, "restd exited"
            client.close()
        finally:
            daemon.stop()
    finally:
        shutil.rmtree(tmp_path)
