#!/usr/bin/env python3
"""restd's RSS and slurmctld's REQUEST_JOB_INFO count around a burst of concurrent
GET jobs (issue 14). A measurement, not a test: it reports.

It brings alice's held benchmark jobs to --jobs (perf/bench.py's filling code),
starts restd as the service user (JWT, as perf/bench.py does) once per
configuration, reads its RSS once it answered a ping and a first GET jobs (the
baseline: libslurm and the fast path loaded), sends --rounds rounds of
--connections concurrent GET /slurm/v0.0.40/jobs/ as alice (one connection each),
samples RSS every 50 ms meanwhile (the peak), waits --settle seconds and reads RSS
again (after). Configurations: the defaults, shared fetches off
(RESTD_SHARED_FETCH_WINDOW=0), and both shared fetches and malloc_trim off. Bounded by --max-seconds per configuration and a
RSS limit (the daemon is killed past it); writes perf/results/memory_burst.md.

    RESTD_CLUSTER_PORT_BASE=17810 .venv/bin/python perf/memory_burst.py --jobs 10000
"""
from __future__ import annotations

import argparse
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402  (perf/bench.py: the cluster, tokens, the daemon)

CONFIGURATIONS = (("shared fetches, malloc_trim (the defaults)", {}),
                  ("not shared (RESTD_SHARED_FETCH_WINDOW=0)",
                   {"RESTD_SHARED_FETCH_WINDOW": "0"}),
                  ("neither (RESTD_SHARED_FETCH_WINDOW=0 RESTD_MALLOC_TRIM=0)",
                   {"RESTD_SHARED_FETCH_WINDOW": "0", "RESTD_MALLOC_TRIM": "0"}))


def job_info_rpcs(env) -> int:
    env = {k: v for k, v in env.items() if k != "SLURM_JWT"}  # sdiag as root, by munge
    out = subprocess.run(["sdiag"], env=env, capture_output=True, text=True).stdout
    found = re.search(r"REQUEST_JOB_INFO\s+\(\s*2003\)\s+count:(\d+)", out)
    return int(found.group(1)) if found else 0


def run(name: str, extra_env: dict, args, env, token: str) -> dict:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    daemon = bench.Daemon("restd-memory", [str(bench.REPO / ".venv" / "bin" / "python"), "-m",
                                           "restd", "-a", "jwt", "-s", "slurmctld",
                                           "-d", "v0.0.40", f"127.0.0.1:{port}"],
                          port, "v0.0.40", {**env, "PYTHONPATH": str(bench.REPO), **extra_env},
                          {"X-SLURM-USER-TOKEN": token}, "v0.0.40")
    daemon.start()
    try:
        size = len(daemon.get("jobs"))
        time.sleep(args.settle)
        baseline = daemon.rss_mib()
        peak = baseline
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.wait(0.05):
                peak = max(peak, daemon.rss_mib())

        def get(_) -> int:
            request = urllib.request.Request(daemon.url("jobs"), headers=daemon.headers)
            with urllib.request.urlopen(request, timeout=300) as answer:
                return len(answer.read())

        rpcs = job_info_rpcs(env)
        start = time.monotonic()
        sampler = threading.Thread(target=sample, daemon=True)
        with bench.RssGuard(daemon, args.rss_limit_mib) as guard:
            sampler.start()
            rounds = 0
            with ThreadPoolExecutor(args.connections) as pool:
                for _ in range(args.rounds):
                    if time.monotonic() - start > args.max_seconds:
                        break
                    sizes = list(pool.map(get, range(args.connections)))
                    assert all(abs(s - size) < size / 10 for s in sizes), sizes
                    rounds += 1
            elapsed = time.monotonic() - start
            rpcs = job_info_rpcs(env) - rpcs
            time.sleep(args.settle)
            after = daemon.rss_mib()
            done.set()
            sampler.join()
        return {"name": name, "baseline": baseline, "peak": peak, "after": after,
                "hwm": daemon.peak_rss_mib(), "rounds": rounds, "rpcs": rpcs,
                "requests": rounds * args.connections, "seconds": elapsed,
                "size_mb": size / 1e6, "killed": guard.tripped}
    finally:
        daemon.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=10000)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--settle", type=float, default=3.0,
                        help="seconds waited before the baseline and after the burst")
    parser.add_argument("--max-seconds", type=float, default=300)
    parser.add_argument("--rss-limit-mib", type=float, default=4096)
    args = parser.parse_args()

    env = bench.slurm_env(bench.cluster_dir() / "etc" / "slurm.conf", SLURM_JWT="daemon")
    bench.RESULTS.mkdir(parents=True, exist_ok=True)
    bench.fill_jobs(args.jobs, {k: v for k, v in env.items() if k != "SLURM_JWT"})
    token = bench.token("alice")
    results = [run(name, extra, args, env, token) for name, extra in CONFIGURATIONS]
    lines = [f"# restd RSS around {args.rounds} rounds of {args.connections} concurrent "
             f"GET jobs ({args.jobs} jobs)", "",
             "RSS in MiB: baseline after a ping and one GET jobs, peak sampled every 50 ms "
             f"(and the kernel's VmHWM), after: {args.settle:g} s after the last answer. "
             "RPCs: slurmctld's REQUEST_JOB_INFO count (sdiag) over the burst.", "",
             "| configuration | answer MB | requests | REQUEST_JOB_INFO RPCs | baseline | "
             "peak (VmHWM) | after | s |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in results:
        killed = f" (killed at {r['killed']:.0f} MiB)" if r["killed"] else ""
        lines.append(f"| {r['name']}{killed} | {r['size_mb']:.1f} | {r['requests']} | "
                     f"{r['rpcs']} | {r['baseline']:.0f} | {r['peak']:.0f} ({r['hwm']:.0f}) | "
                     f"{r['after']:.0f} | {r['seconds']:.1f} |")
    report = "\n".join(lines) + "\n"
    (bench.RESULTS / "memory_burst.md").write_text(report)
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
