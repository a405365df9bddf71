"""One cell of perf/load.py's matrix, repeated: slurmrestd (its newest data_parser) and
restd --workers 1 (v0.0.40, or the same version as slurmrestd where restd serves it)
take turns, each freshly started for each measurement, wrk as load.py runs it (2
threads, --connections, 5 s after a 2 s warm-up); the order alternates between
rounds. Prints each round's requests/s and ratio, and the medians: how far one run's
ratio for a cell can be trusted.

    RESTD_CLUSTER_DIR=... RESTD_CLUSTER_PORT_BASE=... \\
        .venv/bin/python perf/alternate.py --rounds 5 --endpoints partitions,ping
"""
from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402
from load import RESTD_VERSIONS  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--endpoints", default="partitions,ping")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--duration", type=int, default=5)
    args = parser.parse_args()
    directory = bench.cluster_dir()
    env = bench.slurm_env(directory / "etc" / "slurm.conf")
    daemon_env = bench.slurm_env(directory / "etc" / "slurm.conf", SLURM_JWT="daemon",
                                 GLIBC_TUNABLES="glibc.malloc.hugetlb=1")
    bench.RESULTS.mkdir(parents=True, exist_ok=True)
    headers = {"X-SLURM-USER-TOKEN": bench.token(bench.JOB_USER),
               "X-SLURM-USER-NAME": bench.JOB_USER}
    real_args, real_version = bench.slurmrestd_newest(env)
    version = real_version if real_version in RESTD_VERSIONS else "v0.0.40"
    makers = {
        "slurmrestd": lambda: bench.Daemon(
            "slurmrestd", ["slurmrestd", "-a", "rest_auth/jwt", *real_args,
                           f"127.0.0.1:{bench.SLURMRESTD_PORT}"], bench.SLURMRESTD_PORT,
            real_version, daemon_env, headers, real_version),
        "restd-w1": lambda: bench.Daemon(
            "restd-w1", [str(bench.REPO / ".venv" / "bin" / "restd"),
                         f"127.0.0.1:{bench.RESTD_PORT}", "-a", "jwt", "-s", "slurmctld",
                         "-d", version, "--workers", "1"], bench.RESTD_PORT, version,
            daemon_env, headers, version),
    }
    endpoints = [e for e in args.endpoints.split(",") if e]
    rates: dict[tuple[str, str], list[float]] = {(e, n): [] for e in endpoints for n in makers}
    for round_number in range(args.rounds):
        order = list(makers) if round_number % 2 == 0 else list(reversed(makers))
        for endpoint in endpoints:
            for name in order:
                daemon = makers[name]()
                daemon.start()
                try:
                    daemon.get(endpoint)
                    bench.wrk(daemon, endpoint, args.connections, 2)
                    rates[(endpoint, name)].append(
                        bench.wrk(daemon, endpoint, args.connections,
                                  args.duration)["requests_per_s"])
                finally:
                    daemon.stop()
    print(f"slurmrestd {real_version} vs restd {version} --workers 1, "
          f"{args.connections} connections, {args.rounds} rounds")
    for endpoint in endpoints:
        real, ours = rates[(endpoint, "slurmrestd")], rates[(endpoint, "restd-w1")]
        ratios = [o / r if r else float("inf") for o, r in zip(ours, real)]
        print(f"{endpoint}: slurmrestd {' '.join(f'{x:.0f}' for x in real)} "
              f"(median {statistics.median(real):.0f}); restd {' '.join(f'{x:.0f}' for x in ours)} "
              f"(median {statistics.median(ours):.0f}); ratio "
              f"{' '.join(f'{x:.2f}' for x in ratios)} (median {statistics.median(ratios):.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
