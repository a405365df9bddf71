"""One cell of perf/load.py's matrix, repeated: slurmrestd and restd --workers 1, as
load.py runs them, take turns, each freshly started for each measurement, wrk as
load.py runs it (2 threads, --connections, 5 s after a 2 s warm-up); the order
alternates between rounds. Prints each round's requests/s and ratio, and the medians: how far one run's
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
from load import compared_daemons  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--endpoints", default="partitions,ping")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--duration", type=int, default=5)
    args = parser.parse_args()
    directory = bench.cluster_dir()
    bench.RESULTS.mkdir(parents=True, exist_ok=True)
    compared = compared_daemons(directory, bench.slurm_env(directory / "etc" / "slurm.conf"))
    daemons = {name: compared[name] for name in ("slurmrestd", "restd-w1")}
    endpoints = [e for e in args.endpoints.split(",") if e]
    rates: dict[tuple[str, str], list[float]] = {(e, n): [] for e in endpoints for n in daemons}
    for round_number in range(args.rounds):
        order = list(daemons) if round_number % 2 == 0 else list(reversed(daemons))
        for endpoint in endpoints:
            for name in order:
                daemon = daemons[name][1]
                daemon.start()
                try:
                    daemon.get(endpoint)
                    bench.wrk(daemon, endpoint, args.connections, 2)
                    rates[(endpoint, name)].append(
                        bench.wrk(daemon, endpoint, args.connections,
                                  args.duration)["requests_per_s"])
                finally:
                    daemon.stop()
    print(f"{daemons['slurmrestd'][0]} vs {daemons['restd-w1'][0]}, "
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
