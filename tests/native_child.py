"""Running libslurm in a child process: libslurm reads SLURM_CONF and SLURM_JWT once,
when it is loaded, so each environment a test needs gets its own process."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def child_env(**extra: str) -> dict[str, str]:
    """This process's environment without SLURM_*, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLURM_")}
    env.update(extra)
    return env


def run_child(script: str, scenario: str, env: dict[str, str], timeout: float = 120,
              **args):
    """Run ``script scenario <args as JSON>``; its last stdout line is its JSON answer."""
    proc = subprocess.run(
        [sys.executable, str(Path(script).resolve()), scenario, json.dumps(args)],
        env=env, capture_output=True, text=True, timeout=timeout, cwd=str(REPO))
    assert proc.returncode == 0, "child %s failed (%d):\n%s\n%s" % (
        scenario, proc.returncode, proc.stdout[-4000:], proc.stderr[-4000:])
    if proc.stderr.strip():
        print(proc.stderr)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def write_offline_conf(directory: Path) -> Path:
    """A slurm.conf whose controller does not exist (port 1): no cluster needed."""
    path = directory / "slurm.conf"
    path.write_text("ClusterName=unit\nSlurmctldHost=localhost\nSlurmctldPort=1\n"
                    "MessageTimeout=1\nNodeName=x CPUs=1\nPartitionName=p Nodes=x\n")
    return path
