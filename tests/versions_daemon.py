"""restd serving several API versions at once, as slurmrestd 24.11 does with
``-d v0.0.40,v0.0.41,v0.0.42``: ``-a jwt -s slurmctld,slurmdbd -d <versions>``, run as the
service user restd (SLURM_JWT=daemon) on 127.0.0.1, called with a user's token. Used by
tests/test_real_daemon_parity.py and tests/test_generated_client_versions.py."""
from __future__ import annotations

import http.client
import json
import socket
import subprocess
import time
from pathlib import Path
from typing import Any, Optional

REPO = Path(__file__).resolve().parent.parent
PYTHON = str(REPO / ".venv" / "bin" / "python")
TOKEN_HEADER = "X-SLURM-USER-TOKEN"


def content_type(headers: dict) -> str:
    kind = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    return kind.split(";")[0].strip()


class Restd:
    def __init__(self, cluster, versions: list[str], user: str,
                 services: str = "slurmctld,slurmdbd"):
        """``user``: whose token every exchange carries unless told otherwise;
        ``services``: the content plugins (-s)."""
        self.cluster = cluster
        self.versions = versions
        self.slurm = cluster.version()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(f"/tmp/restd-versions-{self.port}.log")
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            ["setpriv", "--reuid", "restd", "--regid", "restd", "--init-groups", PYTHON,
             "-m", "restd", "-a", "jwt", "-s", services, "-d", ",".join(versions),
             f"127.0.0.1:{self.port}"],
            env=cluster.env(SLURM_JWT="daemon", PYTHONPATH=str(REPO)), cwd="/tmp",
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"restd exited:\n{self.log_path.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("restd did not start listening")
                time.sleep(0.1)
        self._tokens: dict[str, str] = {}
        self.token = self.token_of(user)

    def token_of(self, user: str) -> str:
        if user not in self._tokens:
            self._tokens[user] = self.cluster.token(user, 3600)
        return self._tokens[user]

    def exchange(self, method: str, path: str, body: Any = None,
                 headers: Optional[dict] = None) -> tuple[int, dict, Any]:
        """(status, headers, parsed JSON or text) of one request with the token, unless
        ``headers`` give X-SLURM-USER-TOKEN."""
        sent = {TOKEN_HEADER: self.token, **(headers or {})}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            connection.request(method, path, body=data, headers=sent)
            response = connection.getresponse()
            payload = response.read()
        finally:
            connection.close()
        answer_headers = dict(response.getheaders())
        parsed: Any = payload.decode(errors="replace")
        if payload and "json" in content_type(answer_headers):
            parsed = json.loads(payload)
        return response.status, answer_headers, parsed

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
