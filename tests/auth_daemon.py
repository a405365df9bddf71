"""Helpers for the authentication tests (test_auth_jwt.py, test_auth_local.py): the
cluster's JWT key, a slurm.conf copy naming a key the restd user can read, and
``python -m restd`` run as the unprivileged user restd with ``-a jwt,local`` and the
test content plugin, on a unix socket and on 127.0.0.1.

No data_parser plugin is built in yet, so the daemon gets one from a site package
(an entry point in a throw-away .dist-info): the testing content plugin's routes
need one. Nothing here changes the cluster's files.
"""
from __future__ import annotations

import json
import os
import pwd
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Optional

REPO = Path(__file__).resolve().parent.parent
PYTHON = str(REPO / ".venv" / "bin" / "python")
DATA_PARSER = "v0.0.99"
DAEMON_USER = "restd"

SITE_DATA_PARSER = '''
NAME = "v0.0.99"
FLAGS = frozenset()
VERSION = None
def schemas():
    return {}
'''


def cluster_key_path(cluster) -> Path:
    conf = cluster.slurm_conf.read_text()
    match = re.search(r"^AuthAltParameters=.*?jwt_key=([^,\s]+)", conf, re.M | re.I)
    assert match, "the cluster's slurm.conf names no jwt_key"
    return Path(match.group(1))


def cluster_key(cluster) -> bytes:
    """The cluster's HS256 key (the tests run as root)."""
    return cluster_key_path(cluster).read_bytes()


def conf_naming_unreadable_key(cluster, directory: Path) -> Path:
    """A slurm.conf copy in ``directory`` naming a copy of the cluster's key that only
    root can read: the daemon's user cannot verify tokens with it. (The cluster's own
    key is readable by the restd group, so it cannot serve for this.)"""
    key = directory / "jwt_hs256.root-only.key"
    key.write_bytes(cluster_key(cluster))
    key.chmod(0o600)
    conf = directory / "slurm-unreadable-key.conf"
    conf.write_text(re.sub(r"^AuthAltParameters=.*$", f"AuthAltParameters=jwt_key={key}",
                           cluster.slurm_conf.read_text(), flags=re.M | re.I))
    conf.chmod(0o644)
    return conf


def chown(path: Path, user: str) -> None:
    entry = pwd.getpwnam(user)
    os.chown(path, entry.pw_uid, entry.pw_gid)


class AuthDaemon:
    """A world-searchable directory holding slurm.conf copies, a site package and
    the daemon's socket, and the daemon once :meth:`start`\\ ed."""

    def __init__(self, cluster):
        self.cluster = cluster
        self.dir = Path(tempfile.mkdtemp(prefix="restd-auth-", dir="/tmp"))
        self.dir.chmod(0o755)
        etc = self.dir / "etc"
        etc.mkdir(mode=0o755)
        # A copy of the key readable by restd only, and slurm.conf copies naming it
        # (key readable) or naming a copy only root can read.
        self.key = etc / "jwt_hs256.key"
        self.key.write_bytes(cluster_key(cluster))
        chown(self.key, DAEMON_USER)
        self.key.chmod(0o600)
        original = cluster.slurm_conf.read_text()
        self.conf_with_key = etc / "slurm.conf"
        self.conf_with_key.write_text(re.sub(
            r"^AuthAltParameters=.*$", f"AuthAltParameters=jwt_key={self.key}", original,
            flags=re.M | re.I))
        self.conf_with_key.chmod(0o644)
        self.conf_without_key = conf_naming_unreadable_key(cluster, etc)
        site = self.dir / "site"
        site.mkdir(mode=0o755)
        (site / "restd_auth_test_site.py").write_text(SITE_DATA_PARSER)
        info = site / "restd_auth_test_site-0.dist-info"
        info.mkdir(mode=0o755)
        (info / "METADATA").write_text("Metadata-Version: 2.1\nName: restd-auth-test-site\n"
                                       "Version: 0\n")
        (info / "entry_points.txt").write_text(
            f"[restd.plugins]\ndata_parser.{DATA_PARSER} = restd_auth_test_site\n")
        self.run_dir = self.dir / "run"
        self.run_dir.mkdir(mode=0o755)
        chown(self.run_dir, DAEMON_USER)
        self.socket = self.run_dir / "restd.sock"
        self.stderr_path = self.dir / "stderr.log"
        self.process: Optional[subprocess.Popen] = None
        self.port: Optional[int] = None

    def env(self, slurm_conf: Path) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("SLURM", "RESTD_", "PYTHON"))}
        env.update(PYTHONPATH=f"{REPO}:{self.dir / 'site'}", RESTD_ENABLE_TEST_PLUGINS="1",
                   SLURM_CONF=str(slurm_conf))
        return env

    def command(self, *args: str) -> list[str]:
        return ["setpriv", "--reuid", DAEMON_USER, "--regid", DAEMON_USER, "--clear-groups",
                PYTHON, "-m", "restd", *args]

    def start(self, *, key_readable: bool = True, auth: str = "jwt,local",
              options: tuple[str, ...] = ()) -> "AuthDaemon":
        conf = self.conf_with_key if key_readable else self.conf_without_key
        with open(self.stderr_path, "wb") as stderr:
            self.process = subprocess.Popen(
                self.command(f"unix:{self.socket}", "127.0.0.1:0", "-a", auth,
                             "-s", "testing", "-d", DATA_PARSER, "-t", "2", *options),
                env=self.env(conf), cwd="/tmp", stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=stderr)
        deadline = time.monotonic() + 30
        while True:
            match = re.search(r"listening on .*127\.0\.0\.1:(\d+)", self.stderr())
            if match and self.socket.exists():
                self.port = int(match.group(1))
                # Let every user connect, so that refusals come from rest_auth/local
                # rather than from the file's permissions.
                self.socket.chmod(0o777)
                return self
            assert self.process.poll() is None, f"restd exited:\n{self.stderr()}"
            assert time.monotonic() < deadline, f"restd did not start:\n{self.stderr()}"
            time.sleep(0.05)

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def status(self) -> dict[str, int]:
        """VmRSS (kB) and open descriptors of the daemon."""
        pid = self.process.pid
        rss = re.search(r"^VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text(), re.M)
        return {"rss_kb": int(rss.group(1)), "fds": len(os.listdir(f"/proc/{pid}/fd"))}

    def echo_path(self) -> str:
        return f"/testing/{DATA_PARSER}/echo/hello"


UNIX_CLIENT = r'''
import json, socket, sys
path, target, headers = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
sock = socket.socket(socket.AF_UNIX)
sock.connect(path)
lines = [f"GET {target} HTTP/1.1", "Host: localhost", "Connection: close"]
lines += [f"{name}: {value}" for name, value in headers.items()]
sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
data = b""
while chunk := sock.recv(65536):
    data += chunk
head, _, body = data.partition(b"\r\n\r\n")
print(json.dumps({"status": int(head.split()[1]), "body": body.decode()}))
'''


def unix_get(socket_path: Path, target: str, *, user: Optional[str] = None,
             headers: Optional[dict[str, str]] = None) -> tuple[int, dict]:
    """GET over the unix socket from a process running as ``user`` (root: None)."""
    command = [PYTHON, "-c", UNIX_CLIENT, str(socket_path), target, json.dumps(headers or {})]
    if user is not None:
        command = ["setpriv", "--reuid", user, "--regid", user, "--clear-groups", *command]
    result = subprocess.run(command, capture_output=True, text=True, timeout=30, cwd="/tmp")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    return answer["status"], json.loads(answer["body"])
