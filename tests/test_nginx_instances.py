"""conf/nginx/restd-instances.conf, run by a real nginx over two restd instances on
unix sockets, against the real cluster: both instances answer, the client's token
reaches restd (the answer is the token's user's), the same data has the same ETag on
both (If-None-Match from one answered 304 by the other), and an instance that dies
costs no request."""
from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from conftest import REPO, Cluster

pytestmark = [pytest.mark.cluster, pytest.mark.timeout(300)]

NGINX = "/usr/sbin/nginx"
EXAMPLE = REPO / "conf" / "nginx" / "restd-instances.conf"
HANG_BOUND = 60.0
PYTHON = str(REPO / ".venv" / "bin" / "python")
AS_RESTD = ["/usr/bin/setpriv", "--reuid", "restd", "--regid", "restd", "--init-groups"]
PARTITIONS = "/slurm/v0.0.40/partitions"


def wait_until(condition, what: str):
    deadline = time.monotonic() + HANG_BOUND
    while not (value := condition()):
        assert time.monotonic() < deadline, f"{what}: not within {HANG_BOUND} s"
        time.sleep(0.05)
    return value


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Instance:
    """One restd, as the service user, on a unix socket."""

    def __init__(self, cluster: Cluster, directory: Path, name: str):
        self.socket = directory / f"{name}.sock"
        self.log_path = directory / f"{name}.log"
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("SLURM", "RESTD_", "PYTHON", "LISTEN_"))}
        env.update(PYTHONPATH=str(REPO), SLURM_JWT="daemon", SLURM_CONF=str(cluster.slurm_conf))
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [*AS_RESTD, PYTHON, "-m", "restd", f"unix:{self.socket}", "-a", "jwt",
                 "-s", "slurmctld", "-d", "v0.0.40"],
                env=env, cwd="/tmp", stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        wait_until(lambda: f"listening on unix:{self.socket}" in self.log
                   or self.process.poll() is not None, f"restd {name} listening")
        assert self.process.poll() is None, self.log

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def answered(self, user: str) -> int:
        """GET partitions answered 200 for ``user`` (access log lines)."""
        return len(re.findall(r"GET %s 200 user=%s " % (PARTITIONS, user), self.log))

    def request(self, path: str, headers: dict) -> tuple[int, dict, bytes]:
        connection = http.client.HTTPConnection("localhost", timeout=HANG_BOUND)
        connection.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.sock.settimeout(HANG_BOUND)
        connection.sock.connect(str(self.socket))
        return get(connection, path, headers)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(HANG_BOUND)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def setup(cluster):
    """Two instances and nginx running the example; yields (instances, nginx port)."""
    directory = Path(tempfile.mkdtemp(prefix="restd-nginx-", dir="/tmp"))
    os.chmod(directory, 0o777)  # restd (the service user) binds its sockets here
    instances, nginx = [], None
    try:
        instances = [Instance(cluster, directory, name) for name in ("one", "two")]
        port = free_port()
        example = EXAMPLE.read_text()
        replacements = {"server unix:/run/restd/restd-1.sock": f"server unix:{instances[0].socket}",
                        "server unix:/run/restd/restd-2.sock": f"server unix:{instances[1].socket}",
                        "listen 127.0.0.1:6820;": f"listen 127.0.0.1:{port};"}
        for old, new in replacements.items():
            assert example.count(old) == 1, f"the example no longer has {old!r}"
            example = example.replace(old, new)
        (directory / "restd-instances.conf").write_text(example)
        # nginx's workers run as restd: a unix socket needs write permission to connect
        (directory / "nginx.conf").write_text(f"""
user restd restd;
worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/nginx-error.log info;
events {{ worker_connections 256; }}
http {{
    access_log {directory}/nginx-access.log;
    client_body_temp_path {directory}/client_body;
    proxy_temp_path {directory}/proxy;
    fastcgi_temp_path {directory}/fastcgi;
    uwsgi_temp_path {directory}/uwsgi;
    scgi_temp_path {directory}/scgi;
    include {directory}/restd-instances.conf;
}}
""")
        nginx = subprocess.Popen(
            [NGINX, "-p", str(directory), "-c", str(directory / "nginx.conf"),
             "-e", str(directory / "nginx-error.log"), "-g", "daemon off;"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

        def listening() -> bool:
            assert nginx.poll() is None, (directory / "nginx-error.log").read_text()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return True
            except OSError:
                return False

        wait_until(listening, "nginx listening")
        yield instances, port
    finally:
        if nginx is not None and nginx.poll() is None:
            nginx.send_signal(signal.SIGQUIT)  # graceful: master and workers
            try:
                nginx.wait(HANG_BOUND)
            except subprocess.TimeoutExpired:
                nginx.kill()
                nginx.wait()
        for instance in instances:
            instance.stop()
        shutil.rmtree(directory, ignore_errors=True)


def get(connection: http.client.HTTPConnection, path: str, headers: dict
        ) -> tuple[int, dict, bytes]:
    """GET ``path`` on ``connection``, then closed: (status, headers, body)."""
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def through_nginx(port: int, headers: dict, path: str = PARTITIONS) -> tuple[int, dict, bytes]:
    return get(http.client.HTTPConnection("127.0.0.1", port, timeout=HANG_BOUND), path, headers)


def test_two_instances_behind_nginx(cluster, setup):
    instances, port = setup
    alice = {"X-SLURM-USER-TOKEN": cluster.token("alice")}
    bob = {"X-SLURM-USER-TOKEN": cluster.token("bob")}

    # Both instances answer, round robin; each answer is the token's user's.
    for user in (alice, bob):
        for _ in range(10):
            assert through_nginx(port, user)[0] == 200
    # (an access log line is written once its answer is sent: the client may read the
    # answer first)
    for user in ("alice", "bob"):
        wait_until(lambda: sum(instance.answered(user) for instance in instances) == 10,
                   f"10 access log lines of {user}")
    for instance in instances:
        assert instance.answered("alice") > 0 and instance.answered("bob") > 0, instance.log
    # No token: restd's own 401, passed on.
    status, _, body = through_nginx(port, {})
    assert status == 401 and b"errors" in body

    # The same data has the same ETag on both instances (a hash of the answer's bytes
    # without meta.client's values, and of the user and group), so a client's
    # If-None-Match is honoured by either.
    first = instances[0].request(PARTITIONS, alice)
    second = instances[1].request(PARTITIONS, alice)
    assert first[0] == second[0] == 200
    etag = first[1]["ETag"]
    assert etag == second[1]["ETag"]
    assert instances[1].request(PARTITIONS, {**alice, "If-None-Match": etag})[0] == 304
    assert instances[0].request(PARTITIONS, {**bob, "If-None-Match": etag})[0] == 200  # bob's
    for _ in range(4):
        status, headers, body = through_nginx(port, {**alice, "If-None-Match": etag})
        assert (status, headers.get("ETag"), body) == (304, etag, b"")

    # One instance dies (killed: its socket file stays, and refuses): every request is
    # still answered, by the other.
    wait_until(lambda: sum(instance.answered("alice") for instance in instances) == 12,
               "alice's 200s so far: 10 through nginx, 2 directly")
    before = instances[1].answered("alice")
    instances[0].process.kill()
    instances[0].process.wait()
    for _ in range(10):
        status, _, body = through_nginx(port, alice)
        assert status == 200 and b'"partitions"' in body
    wait_until(lambda: instances[1].answered("alice") == before + 10,
               "the other instance answering all 10")
