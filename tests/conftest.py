"""Shared fixtures. Tests marked ``cluster`` use the real local Slurm cluster that
``make cluster`` (conf/cluster/cluster.sh) starts; they never fake Slurm."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CLUSTER_SH = REPO / "conf" / "cluster" / "cluster.sh"


class Cluster:
    """The running local cluster, seen from a test: its SLURM_CONF and its commands."""

    def __init__(self, directory: Path):
        self.dir = directory
        self.slurm_conf = directory / "etc" / "slurm.conf"

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SLURM_")}
        env["SLURM_CONF"] = str(self.slurm_conf)
        env.update(extra)
        return env

    def run(self, *argv: str, user: str | None = None, check: bool = True,
            env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
        """Run a Slurm command, as ``user`` (via runuser) when given."""
        command = list(argv)
        environment = env or self.env()
        if user is not None:
            command = ["runuser", "-u", user, "--", "env",
                       *(f"{k}={v}" for k, v in environment.items() if k.startswith("SLURM_")),
                       *command]
        return subprocess.run(command, env=environment, capture_output=True, text=True,
                              check=check, timeout=timeout, cwd="/tmp")

    def version(self) -> tuple[int, int]:
        """The cluster's Slurm (``scontrol --version``: "slurm 24.11.5") as (24, 11)."""
        major, minor = self.run("scontrol", "--version").stdout.split()[1].split(".")[:2]
        return int(major), int(minor)

    def token(self, user: str, lifespan: int = 600) -> str:
        out = subprocess.run(["bash", str(CLUSTER_SH), "token", user, str(lifespan)],
                             capture_output=True, text=True, check=True).stdout.strip()
        assert out.startswith("SLURM_JWT="), out
        return out.split("=", 1)[1]

    def script(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["bash", str(CLUSTER_SH), *args], capture_output=True,
                              text=True, timeout=600)


@pytest.fixture(scope="session")
def cluster() -> Cluster:
    directory = Path(subprocess.run(["bash", str(CLUSTER_SH), "dir"], capture_output=True,
                                    text=True, check=True).stdout.strip())
    status = subprocess.run(["bash", str(CLUSTER_SH), "status"], capture_output=True, text=True)
    if status.returncode != 0:
        pytest.fail("the local cluster is not running: start it with `make cluster`\n"
                    + status.stdout + status.stderr)
    return Cluster(directory)


# --- restd against the test cluster: the one helper that starts it and talks to it ---------

class RestdDaemon:
    """restd started as the service user ``restd`` on 127.0.0.1 with ``-a jwt -s
    <SERVICES> -d <DATA_PARSER>`` (SLURM_JWT=daemon: every request acts as its token's
    user), called over TCP with JWTs of the cluster's users. The class attributes are
    the defaults of a kind of daemon (subclasses set them); the constructor's keywords
    set them for one daemon."""

    DATA_PARSER = "v0.0.40"  # -d
    SERVICES = "slurmctld"   # -s
    PREFIX = "/slurm/v0.0.40/"  # what a relative request path is relative to
    USER = "alice"           # whose token a request carries unless told

    def __init__(self, cluster: Cluster, directory: Path | None = None, *,
                 data_parser: str | None = None, services: str | None = None,
                 prefix: str | None = None, user: str | None = None):
        """``directory``: where restd.log goes (a new one under /tmp when None)."""
        import tempfile
        self.cluster = cluster
        self.dir = directory or Path(tempfile.mkdtemp(prefix="restd-daemon-", dir="/tmp"))
        self.data_parser = data_parser or self.DATA_PARSER
        self.services = services or self.SERVICES
        self.prefix = prefix or self.PREFIX
        self.user = user or self.USER
        self.process: subprocess.Popen | None = None
        self.port: int | None = None
        self._tokens: dict[str, str] = {}
        self._document = None

    @property
    def log(self) -> str:
        return (self.dir / "restd.log").read_text(errors="replace")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, slurm_conf: Path | None = None,
              extra_env: dict[str, str] | None = None) -> "RestdDaemon":
        import re
        import socket
        import time
        with socket.socket() as probe:  # a free port, handed to restd
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("SLURM", "RESTD_", "PYTHON"))}
        env.update(PYTHONPATH=str(REPO), SLURM_JWT="daemon",
                   SLURM_CONF=str(slurm_conf or self.cluster.slurm_conf))
        env.update(extra_env or {})
        with open(self.dir / "restd.log", "wb") as log:
            self.process = subprocess.Popen(
                ["setpriv", "--reuid", "restd", "--regid", "restd", "--init-groups",
                 str(REPO / ".venv" / "bin" / "python"), "-m", "restd",
                 f"127.0.0.1:{self.port}", "-a", "jwt", "-s", self.services,
                 "-d", self.data_parser],
                env=env, cwd="/tmp", stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        deadline = time.monotonic() + 30
        while not re.search(r"listening on 127\.0\.0\.1:%d" % self.port, self.log):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"restd did not start:\n{self.log}")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def token(self, user: str) -> str:
        if user not in self._tokens:
            self._tokens[user] = self.cluster.token(user, 3600)
        return self._tokens[user]

    _DEFAULT_USER = object()

    def request(self, method: str, path: str, *, user=_DEFAULT_USER, body=None,
                raw: bytes | None = None, headers: dict | None = None):
        """(status, headers, parsed JSON body or text) of one request; ``path`` is
        relative to the prefix unless it starts with '/'; ``user``: whose token it
        carries (None: no token), the daemon's user unless told; ``headers`` are sent
        last (a X-SLURM-USER-TOKEN of their own wins)."""
        import http.client
        import json
        if not path.startswith("/"):
            path = self.prefix + path
        if user is self._DEFAULT_USER:
            user = self.user
        sent = {"X-SLURM-USER-TOKEN": self.token(user)} if user else {}
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        sent.update(headers or {})
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            connection.request(method, path, body=data, headers=sent)
            response = connection.getresponse()
            payload = response.read()
        finally:
            connection.close()
        kind = response.getheader("Content-Type") or ""
        parsed = json.loads(payload) if payload and "json" in kind else payload.decode(
            errors="replace")
        return response.status, dict(response.getheaders()), parsed

    def document(self) -> dict:
        """Our own /openapi/v3 document."""
        if self._document is None:
            status, _, body = self.request("GET", "/openapi/v3", user=None)
            assert status == 200
            self._document = body
        return self._document


class AllVersionsDaemon(RestdDaemon):
    """restd serving slurmctld and slurmdbd in v0.0.40, v0.0.41 and v0.0.42 at once (as
    slurmrestd 24.11's ``-s slurmctld,slurmdbd -d v0.0.40,v0.0.41,v0.0.42``): request
    paths are absolute."""

    DATA_PARSER = "v0.0.40,v0.0.41,v0.0.42"
    SERVICES = "slurmctld,slurmdbd"


@pytest.fixture(scope="session")
def restd(cluster: Cluster, tmp_path_factory) -> RestdDaemon:
    directory = tmp_path_factory.mktemp("restd-slurmctld")
    os.chmod(directory, 0o755)
    daemon = RestdDaemon(cluster, directory).start()
    yield daemon
    daemon.stop()


@pytest.fixture(scope="module", autouse=True)
def no_jobs_left_behind():
    """After each test module, the test users' jobs are cancelled, so that a job a
    module failed to clean up (a pending het component holding nodes for the backfill
    scheduler, say) cannot make a later module's placement fail."""
    yield
    directory = Path(subprocess.run(["bash", str(CLUSTER_SH), "dir"], capture_output=True,
                                    text=True).stdout.strip())
    if not (directory / "run" / "pids" / "slurmctld.pid").exists():
        return  # no cluster (a module that needs none, run alone)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLURM_")}
    env["SLURM_CONF"] = str(directory / "etc" / "slurm.conf")
    subprocess.run(["scancel", "-u", "alice,bob,oper"], env=env, capture_output=True,
                   timeout=60)
