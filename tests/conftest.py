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
