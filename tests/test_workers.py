"""restd --workers against the real cluster: the parent opens the listeners (TCP, a unix
socket, or systemd's), drops privileges and forks workers, each of which answers Slurm
requests; workers answer at the same time; SIGTERM stops them all and leaves no
process behind; a killed worker is replaced; a parent that dies takes its workers with
it; inetd mode stays one process. Which process answered is read from the access log
(every line carries restd[pid]) and the parentage from /proc. Only "did not hang"
bounds, never timing assertions."""
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

HANG_BOUND = 60.0  # seconds; only reached when something hangs
SOCKET_ACTIVATE = "/usr/bin/systemd-socket-activate"
PYTHON = str(REPO / ".venv" / "bin" / "python")
AS_RESTD = ["/usr/bin/setpriv", "--reuid", "restd", "--regid", "restd", "--init-groups"]
SERVICE_ARGS = ["-a", "jwt", "-s", "slurmctld", "-d", "v0.0.40"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def proc_status(pid: int) -> dict[str, str]:
    """/proc/PID/status as a dict; empty once the process is gone (or a zombie)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return {}
    fields = dict(line.split(":\t", 1) for line in text.splitlines() if ":\t" in line)
    return {} if fields.get("State", "").startswith("Z") else fields


def children(pid: int) -> set[int]:
    """Live processes whose parent is ``pid``."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            status = proc_status(int(entry))
            if status.get("PPid", "").strip() == str(pid):
                found.add(int(entry))
    return found


def wait_until(condition, what: str, bound: float = HANG_BOUND):
    deadline = time.monotonic() + bound
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"{what}: not within {bound} s"
        time.sleep(0.05)


class Workers:
    """restd with --workers, started as a subprocess; its log in ``directory``."""

    def __init__(self, cluster: Cluster, directory: Path, count: int, *, listen: list[str],
                 options: list[str] = (), as_root_then_drop: bool = False,
                 command_prefix: list[str] = (), before_serving=None):
        self.cluster = cluster
        self.count = count
        self.log_path = directory / "restd.log"
        self.tokens: dict[str, str] = {}
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("SLURM", "RESTD_", "PYTHON", "LISTEN_"))}
        env.update(PYTHONPATH=str(REPO), SLURM_JWT="daemon", SLURM_CONF=str(cluster.slurm_conf))
        # -u/-g: the parent binds as root and switches to restd before any worker exists
        run_as = ["-u", "restd", "-g", "restd"] if as_root_then_drop else []
        prefix = list(command_prefix) or ([] if as_root_then_drop else AS_RESTD)
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [*prefix, PYTHON, "-m", "restd", *listen, *SERVICE_ARGS, *run_as,
                 "--workers", str(count), "-v", *options],
                env=env, cwd="/tmp", stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        # -v: the access log names each request's client (its address and port), so
        # that a connection can be traced to the worker that accepted it
        serving = r"restd\[(\d+)\]: INFO: %d workers serving.*\(pids ([\d ]+)\)" % count
        try:
            if before_serving is not None:
                before_serving(self)
            match = wait_until(lambda: re.search(serving, self.log)
                               or self.process.poll() is not None, f"{count} workers serving")
            assert self.process.poll() is None, f"restd exited:\n{self.log}"
        except BaseException:
            self.process.kill()  # nothing of it left behind, whatever failed
            self.process.wait()
            raise
        self.parent = int(match.group(1))
        self.pids = [int(pid) for pid in match.group(2).split()]

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def token(self, user: str = "alice") -> str:
        if user not in self.tokens:
            self.tokens[user] = self.cluster.token(user, 3600)
        return self.tokens[user]

    def answering_pid(self, local_port: int) -> int:
        """The worker whose access log line names a client on ``local_port``."""
        def logged():
            found = re.findall(r"restd\[(\d+)\]: INFO: GET \S+ \d+ .*client=\[127\.0\.0\.1\]:%d\("
                               % local_port, self.log)
            return found[-1] if found else None
        return int(wait_until(logged, f"access log line of the client on port {local_port}"))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=HANG_BOUND)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def get(connection: http.client.HTTPConnection, token: str,
        path: str = "/slurm/v0.0.40/partitions") -> tuple[int, bytes]:
    connection.request("GET", path, headers={"X-SLURM-USER-TOKEN": token})
    response = connection.getresponse()
    return response.status, response.read()


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path: str):
        super().__init__("localhost", timeout=HANG_BOUND)
        self._path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(HANG_BOUND)
        self.sock.connect(self._path)


def connection_per_worker(daemon: Workers, port: int) -> dict[int, http.client.HTTPConnection]:
    """A keep-alive TCP connection held by each worker. A worker that has one is
    stopped (SIGSTOP) while the next connection is made, so that another accepts it."""
    held: dict[int, http.client.HTTPConnection] = {}
    try:
        while len(held) < daemon.count:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=HANG_BOUND)
            assert get(connection, daemon.token())[0] == 200
            pid = daemon.answering_pid(connection.sock.getsockname()[1])
            assert pid in daemon.pids, (pid, daemon.pids)
            assert pid not in held  # a stopped worker accepts nothing
            held[pid] = connection
            os.kill(pid, signal.SIGSTOP)
    finally:
        for pid in held:
            os.kill(pid, signal.SIGCONT)
    return held


@pytest.fixture
def workdir():
    """A directory restd (after -u) can reach, to remove its socket file from: pytest's
    own are under root's private /tmp/pytest-of-root."""
    directory = Path(tempfile.mkdtemp(prefix="restd-workers-", dir="/tmp"))
    os.chmod(directory, 0o777)
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


def test_every_worker_answers_at_once_and_sigterm_stops_them_all(cluster, workdir):
    port = free_port()
    sock_path = workdir / "restd.sock"
    daemon = Workers(cluster, workdir, 3, listen=[f"127.0.0.1:{port}", f"unix:{sock_path}"],
                     options=["--max-connections", "30"], as_root_then_drop=True)
    try:
        restd_uid = str(int(subprocess.run(["id", "-u", "restd"], capture_output=True,
                                           text=True, check=True).stdout))
        # Forked after the privilege drop: the parent and every worker are restd,
        # all the parent's children, each with the --max-connections share.
        assert sorted(children(daemon.parent)) == sorted(daemon.pids)
        for pid in [daemon.parent, *daemon.pids]:
            assert proc_status(pid)["Uid"].split()[:3] == [restd_uid] * 3, pid
        assert "up to 10 connections in each of 3 workers" in daemon.log
        # Fork safety: the parent never loads restd's libslurm binding (libslurmfull is
        # only preloaded there, uninitialised) and has one thread; each worker loaded
        # and initialised libslurm itself, after its fork.
        assert "_libslurm" not in Path(f"/proc/{daemon.parent}/maps").read_text()
        assert proc_status(daemon.parent)["Threads"].strip() == "1"
        for pid in daemon.pids:
            assert "_libslurm" in Path(f"/proc/{pid}/maps").read_text(), pid
        # The parent bound the unix socket as root, before dropping privileges.
        assert sock_path.is_socket() and sock_path.stat().st_uid == 0

        # Each worker holds one connection; the three requests are then sent before
        # any answer is read, and each is answered by its own worker process.
        held = connection_per_worker(daemon, port)
        assert sorted(held) == sorted(daemon.pids)
        for connection in held.values():
            connection.request("GET", "/slurm/v0.0.40/jobs",
                               headers={"X-SLURM-USER-TOKEN": daemon.token()})
        for pid, connection in held.items():
            response = connection.getresponse()
            assert response.status == 200
            assert b'"jobs"' in response.read()
            assert daemon.answering_pid(connection.sock.getsockname()[1]) == pid
            connection.close()

        # The unix socket is served by the workers too.
        unix = UnixHTTPConnection(str(sock_path))
        status, body = get(unix, daemon.token(), "/slurm/v0.0.40/ping")
        unix.close()
        assert status == 200 and b'"UP"' in body

        daemon.process.send_signal(signal.SIGTERM)
        assert daemon.process.wait(HANG_BOUND) == 0, daemon.log
        for pid in daemon.pids:  # no orphan left behind, reparented to init
            assert not proc_status(pid), f"worker {pid} outlived the parent"
        assert not sock_path.exists()  # removed once, by the parent
        assert len(re.findall(r"worker \d \(pid \d+\) exited with status 0", daemon.log)) == 3
    finally:
        daemon.stop()


def test_a_killed_worker_is_replaced_and_logged(cluster, workdir):
    port = free_port()
    daemon = Workers(cluster, workdir, 2, listen=[f"127.0.0.1:{port}"])
    try:
        victim = daemon.pids[0]
        os.kill(victim, signal.SIGKILL)
        replaced = wait_until(lambda: re.search(
            r"worker 1 \(pid %d\) killed by SIGKILL after [\d.]+ s; restarting it in "
            r"[\d.]+ s.*worker 1 \(pid (\d+)\) serving" % victim, daemon.log, re.S),
            "the replacement of worker 1")
        replacement = int(replaced.group(1))
        assert children(daemon.parent) == {replacement, daemon.pids[1]}
        daemon.pids = [replacement, daemon.pids[1]]
        held = connection_per_worker(daemon, port)  # both answer, the new one included
        assert sorted(held) == sorted(daemon.pids)
        # Each worker computes its ETags itself, from the answer's bytes: the same data
        # has the same ETag whichever worker answers.
        etags = set()
        for connection in held.values():
            connection.request("GET", "/slurm/v0.0.40/partitions",
                               headers={"X-SLURM-USER-TOKEN": daemon.token()})
            response = connection.getresponse()
            assert response.status == 200
            response.read()
            etags.add(response.getheader("ETag"))
            connection.close()
        assert len(etags) == 1 and None not in etags
    finally:
        daemon.stop()
    assert daemon.process.returncode == 0


def test_workers_do_not_outlive_a_parent_killed_outright(cluster, workdir):
    daemon = Workers(cluster, workdir, 2, listen=[f"127.0.0.1:{free_port()}"])
    try:
        daemon.process.kill()  # no chance to stop them: the kernel tells them (PDEATHSIG)
        daemon.process.wait()
        wait_until(lambda: not any(proc_status(pid) for pid in daemon.pids),
                   "the workers exiting after their parent")
    finally:
        daemon.stop()
        for pid in daemon.pids:
            if proc_status(pid):
                os.kill(pid, signal.SIGKILL)


def test_a_worker_that_cannot_start_stops_the_daemon(cluster, workdir):
    """A configuration error found by the workers (here: one of them cannot load the
    data_parser asked for) is the daemon's: exit 1 with the reason, nothing left."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLURM", "RESTD_", "PYTHON"))}
    env.update(PYTHONPATH=str(REPO), SLURM_JWT="daemon", SLURM_CONF=str(cluster.slurm_conf))
    process = subprocess.Popen(
        [*AS_RESTD, PYTHON, "-m", "restd", f"127.0.0.1:{free_port()}", "-a", "jwt",
         "-s", "slurmctld", "-d", "v0.0.40+no_such_flag", "--workers", "2"],
        env=env, cwd="/tmp", stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    try:
        _, stderr = process.communicate(timeout=HANG_BOUND)
    finally:
        process.kill()
    assert process.returncode == 1
    assert "unknown flag(s) no_such_flag" in stderr
    assert re.search(r"worker \d \(pid \d+\) exited with status 1 before serving: stopping",
                     stderr)
    assert not children(process.pid)


def test_inetd_mode_stays_one_process(cluster):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLURM", "RESTD_", "PYTHON"))}
    env.update(PYTHONPATH=str(REPO), SLURM_JWT="daemon", SLURM_CONF=str(cluster.slurm_conf))
    token = cluster.token("alice")
    result = subprocess.run(
        [*AS_RESTD, PYTHON, "-m", "restd", *SERVICE_ARGS, "--workers", "3"], env=env,
        cwd="/tmp", capture_output=True, timeout=HANG_BOUND,
        input=f"GET /slurm/v0.0.40/ping HTTP/1.1\r\nX-SLURM-USER-TOKEN: {token}\r\n\r\n".encode())
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(b"HTTP/1.1 200 OK\r\n") and b'"UP"' in result.stdout
    assert b"one process, not 3 workers" in result.stderr


def test_socket_activation_with_workers(cluster, workdir):
    port = free_port()
    sock_path = workdir / "activated.sock"
    environment = [f"-E{name}={value}" for name, value in (
        ("PYTHONPATH", REPO), ("SLURM_JWT", "daemon"), ("SLURM_CONF", cluster.slurm_conf))]
    # systemd-socket-activate binds both and execs setpriv, which execs restd: the pid
    # systemd names in LISTEN_PID is the parent's. It execs on the first connection.
    first = http.client.HTTPConnection("127.0.0.1", port, timeout=HANG_BOUND)

    def connect_first(daemon: Workers) -> None:
        wait_until(lambda: daemon.log.count("Listening on") == 2, "the activator listening")
        first.request("GET", "/slurm/v0.0.40/ping",
                      headers={"X-SLURM-USER-TOKEN": daemon.token()})

    daemon = Workers(cluster, workdir, 2, listen=[], command_prefix=[
        SOCKET_ACTIVATE, "-l", f"127.0.0.1:{port}", "-l", str(sock_path), *environment,
        *AS_RESTD], before_serving=connect_first)
    try:
        response = first.getresponse()  # the connection that started restd
        assert response.status == 200 and b'"UP"' in response.read()
        first.close()
        assert re.search(r"2 workers serving on 127\.0\.0\.1:%d, unix:%s " % (port, sock_path),
                         daemon.log)
        held = connection_per_worker(daemon, port)
        assert sorted(held) == sorted(daemon.pids)
        for connection in held.values():
            connection.close()
        unix = UnixHTTPConnection(str(sock_path))
        assert get(unix, daemon.token())[0] == 200
        unix.close()
        daemon.process.send_signal(signal.SIGTERM)
        assert daemon.process.wait(HANG_BOUND) == 0, daemon.log
        assert not any(proc_status(pid) for pid in daemon.pids)
    finally:
        daemon.stop()


def job_info_rpcs(cluster: Cluster) -> int:
    """REQUEST_JOB_INFO RPCs slurmctld has answered (sdiag)."""
    found = re.search(r"REQUEST_JOB_INFO\s+\(\s*2003\)\s+count:(\d+)", cluster.run("sdiag").stdout)
    return int(found.group(1)) if found else 0


def test_shared_fetches_are_per_worker(cluster, workdir):
    """8 concurrent identical GET jobs over two workers: each worker shares one fetch
    among the requests it accepted, so slurmctld counts at most one RPC per worker."""
    port = free_port()
    daemon = Workers(cluster, workdir, 2, listen=[f"127.0.0.1:{port}"])
    try:
        for connection in connection_per_worker(daemon, port).values():
            connection.close()  # each worker has answered once: plugins and token warm
        before = job_info_rpcs(cluster)
        sockets = [socket.create_connection(("127.0.0.1", port), timeout=HANG_BOUND)
                   for _ in range(8)]
        try:
            for sock in sockets:  # all connected first, then the requests back to back
                sock.sendall(f"GET /slurm/v0.0.40/jobs HTTP/1.1\r\nHost: restd\r\n"
                             f"X-SLURM-USER-TOKEN: {daemon.token()}\r\n"
                             f"Connection: close\r\n\r\n".encode())
            for sock in sockets:
                response = http.client.HTTPResponse(sock)
                response.begin()
                assert response.status == 200 and b'"jobs"' in response.read()
        finally:
            for sock in sockets:
                sock.close()
        assert 1 <= job_info_rpcs(cluster) - before <= 2
    finally:
        daemon.stop()
