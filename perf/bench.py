#!/usr/bin/env python3
"""restd side by side with the distribution's slurmrestd, on the same local cluster, in
one run. A benchmark, not a test: it reports, it never passes or fails.

For each job count N it fills the cluster with N held jobs (alice's), starts both daemons
as the unprivileged service user with SLURM_JWT=daemon and JWT authentication, and for
GET jobs, nodes, partitions and ping measures:
  - single requests: median seconds and bytes over --runs runs, each daemon's peak RSS;
  - load: requests/s and p50/p99 latency at 1, 16 and 64 keep-alive connections (wrk);
  - the floor: squeue's own fetch of the same jobs.
It writes perf/results/<time>.json and perf/results/<time>.md (and latest.*).

    make perf                                   # N = 1000 and 10000
    .venv/bin/python perf/bench.py --jobs 1000 --runs 3 --duration 3
"""
from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CLUSTER_SH = REPO / "conf" / "cluster" / "cluster.sh"
RESULTS = REPO / "perf" / "results"
SERVICE_USER = "restd"
JOB_USER = "alice"
JOB_NAME = "restd-bench"  # only the benchmark's own jobs are counted and cancelled
ENDPOINTS = ["jobs", "nodes", "partitions", "ping"]
CONNECTIONS = [1, 16, 64]


def cluster_dir() -> Path:
    return Path(subprocess.run(["bash", str(CLUSTER_SH), "dir"], check=True,
                               capture_output=True, text=True).stdout.strip())


def slurm_env(slurm_conf: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLURM")}
    env["SLURM_CONF"] = str(slurm_conf)
    env.update(extra)
    return env


def token(user: str) -> str:
    out = subprocess.run(["bash", str(CLUSTER_SH), "token", user, "86400"], check=True,
                         capture_output=True, text=True).stdout.strip()
    return out.split("=", 1)[1]


# --- the cluster's load ------------------------------------------------------------------

def held_jobs(env) -> list[str]:
    out = subprocess.run(["squeue", "-h", "-u", JOB_USER, "-n", JOB_NAME, "-t", "PD", "-o", "%i"],
                         env=env, check=True, capture_output=True, text=True).stdout
    return out.split()


def fill_jobs(target: int, env) -> None:
    """Bring alice's held jobs to exactly ``target``."""
    have = held_jobs(env)
    if len(have) > target:
        subprocess.run(["scancel", *have[target:]], env=env, check=True)
        return
    missing = target - len(have)
    if not missing:
        return
    print(f"submitting {missing} held jobs ...", file=sys.stderr)
    command = ["runuser", "-u", JOB_USER, "--", "env", f"SLURM_CONF={env['SLURM_CONF']}",
               "sbatch", "--hold", "--parsable", "--chdir=/tmp", "-o", "/dev/null",
               "-J", JOB_NAME, "--wrap", "true"]

    def submit(_):
        subprocess.run(command, env=env, check=True, capture_output=True, cwd="/tmp")

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(submit, range(missing)))


def squeue_floor(env, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(["squeue", "-h", "-o", "%i %u %T %P %j"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# --- the daemons -------------------------------------------------------------------------

class Daemon:
    """A REST daemon started as the service user; stopped by its pid."""

    def __init__(self, name: str, argv: list[str], port: int, version: str, env,
                 headers: dict[str, str]):
        self.name, self.argv, self.port, self.version = name, argv, port, version
        self.env, self.headers = env, headers
        self.process: subprocess.Popen | None = None

    def url(self, endpoint: str) -> str:
        return f"http://127.0.0.1:{self.port}/slurm/{self.version}/{endpoint}/"

    def start(self) -> None:
        log = open(RESULTS / f"{self.name}.log", "ab")
        self.process = subprocess.Popen(
            ["setpriv", f"--reuid={SERVICE_USER}", f"--regid={SERVICE_USER}", "--init-groups",
             *self.argv], env=self.env, stdout=log, stderr=log, cwd="/tmp")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: see {RESULTS / (self.name + '.log')}")
            try:
                self.get("ping")
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer within 30 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def get(self, endpoint: str) -> bytes:
        request = urllib.request.Request(self.url(endpoint), headers=self.headers)
        with urllib.request.urlopen(request, timeout=300) as answer:
            return answer.read()

    def peak_rss_mib(self) -> float:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


def slurmrestd_newest(env) -> tuple[list[str], str]:
    """The distribution's slurmrestd arguments for its newest API version."""
    listing = subprocess.run(["setpriv", f"--reuid={SERVICE_USER}", f"--regid={SERVICE_USER}",
                              "--init-groups", "slurmrestd", "-d", "list"], env=env,
                             capture_output=True, text=True, cwd="/tmp")
    parsers = re.findall(r"data_parser/(v0\.0\.\d+)", listing.stdout + listing.stderr)
    if parsers:  # 23.11 and later: versioned data_parser plugins
        newest = max(parsers, key=lambda v: int(v.rsplit(".", 1)[1]))
        return ["-s", "slurmctld", "-d", newest], newest
    listing = subprocess.run(["setpriv", f"--reuid={SERVICE_USER}", f"--regid={SERVICE_USER}",
                              "--init-groups", "slurmrestd", "-s", "list"], env=env,
                             capture_output=True, text=True, cwd="/tmp")
    plugins = re.findall(r"openapi/(v0\.0\.\d+)", listing.stdout + listing.stderr)
    newest = max(plugins, key=lambda v: int(v.rsplit(".", 1)[1]))
    return ["-s", f"openapi/{newest}"], newest


# --- measurements ------------------------------------------------------------------------

def single_requests(daemon: Daemon, endpoint: str, runs: int) -> dict:
    """Median wall time of one request by curl (a C client: Python's own reading of a
    78 MB answer would be measured too), and the answer's size."""
    headers = [arg for name, value in daemon.headers.items() for arg in ("-H", f"{name}: {value}")]
    times, size = [], 0
    for _ in range(runs):
        out = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w",
                              "%{http_code} %{time_total} %{size_download}", *headers,
                              daemon.url(endpoint)], capture_output=True, text=True,
                             check=True).stdout.split()
        if out[0] != "200":
            raise RuntimeError(f"{daemon.name} {endpoint}: HTTP {out[0]}")
        times.append(float(out[1]))
        size = int(out[2])
    return {"seconds": statistics.median(times), "bytes": size}


def wrk(daemon: Daemon, endpoint: str, connections: int, duration: int) -> dict:
    headers = [arg for name, value in daemon.headers.items() for arg in ("-H", f"{name}: {value}")]
    run = subprocess.run(["wrk", "--latency", "-t", str(min(connections, 2)), "-c",
                          str(connections), "-d", f"{duration}s", "--timeout", "120s", *headers,
                          daemon.url(endpoint)], capture_output=True, text=True)
    out = run.stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not rate:
        print(f"wrk gave no rate for {daemon.name} {endpoint} c={connections}:\n"
              f"{out}{run.stderr}", file=sys.stderr)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)

    def percentile(p: str) -> float | None:
        found = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not found:
            return None
        scale = {"us": 1e-6, "ms": 1e-3, "s": 1.0}[found.group(2)]
        return float(found.group(1)) * scale

    return {"requests_per_s": float(rate.group(1)) if rate else 0.0,
            "p50_s": percentile("50"), "p99_s": percentile("99"),
            "non_2xx": int(non_2xx.group(1)) if non_2xx else 0}


def measure(daemon: Daemon, args) -> dict:
    result = {"single": {}, "load": {}}
    for endpoint in ENDPOINTS:
        daemon.get(endpoint)  # warm up
        result["single"][endpoint] = single_requests(daemon, endpoint, args.runs)
        result["load"][endpoint] = {
            str(c): wrk(daemon, endpoint, c, args.duration)
            for c in CONNECTIONS if endpoint != "jobs" or c <= args.max_jobs_connections}
    result["peak_rss_mib"] = daemon.peak_rss_mib()
    return result


# --- report ------------------------------------------------------------------------------

def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.1f}x" if a and b else "n/a"


def markdown(report: dict) -> str:
    lines = [f"restd vs {report['slurmrestd']} (Slurm {report['slurm']}), medians of "
             f"{report['runs']} runs; load by wrk for {report['duration']} s per cell.", ""]
    for n, row in report["by_jobs"].items():
        r, s = row["restd"], row["slurmrestd"]
        lines += [f"### {n} jobs (squeue's own fetch of the cluster's {row['jobs_in_cluster']} "
                  f"jobs: {row['squeue_s']:.3f} s)", "",
                  "| endpoint | restd s | slurmrestd s | speed-up | restd bytes | slurmrestd bytes |",
                  "| --- | ---: | ---: | ---: | ---: | ---: |"]
        for e in ENDPOINTS:
            a, b = r["single"][e], s["single"][e]
            lines.append(f"| {e} | {a['seconds']:.4f} | {b['seconds']:.4f} | "
                         f"{ratio(b['seconds'], a['seconds'])} | {a['bytes']} | {b['bytes']} |")
        lines += ["", "| endpoint | connections | restd req/s | slurmrestd req/s | ratio | "
                  "restd p50/p99 ms | slurmrestd p50/p99 ms | non-2xx restd/slurmrestd |",
                  "| --- | ---: | ---: | ---: | ---: | --- | --- | --- |"]
        for e in ENDPOINTS:
            for c, a in r["load"][e].items():
                b = s["load"][e].get(c, {})

                def ms(x):
                    return f"{x * 1000:.1f}" if x is not None else "n/a"
                lines.append(
                    f"| {e} | {c} | {a['requests_per_s']:.1f} | {b.get('requests_per_s', 0):.1f} "
                    f"| {ratio(a['requests_per_s'], b.get('requests_per_s'))} | "
                    f"{ms(a['p50_s'])}/{ms(a['p99_s'])} | "
                    f"{ms(b.get('p50_s'))}/{ms(b.get('p99_s'))} | "
                    f"{a['non_2xx']}/{b.get('non_2xx', 0)} |")
        lines += ["", f"Peak RSS: restd {r['peak_rss_mib']:.0f} MiB, slurmrestd "
                  f"{s['peak_rss_mib']:.0f} MiB.", ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", default="1000,10000", help="comma-separated job counts")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--duration", type=int, default=5, help="seconds of wrk per cell")
    parser.add_argument("--max-jobs-connections", type=int, default=64,
                        help="highest concurrency for GET jobs (large answers)")
    parser.add_argument("--restd-args", default="-d v0.0.40", help="extra restd arguments")
    args = parser.parse_args()
    for tool in ("wrk", "slurmrestd"):
        if not shutil.which(tool):
            sys.exit(f"perf needs {tool}: apt-get install {'wrk' if tool == 'wrk' else 'slurmrestd'}")

    RESULTS.mkdir(parents=True, exist_ok=True)
    directory = cluster_dir()
    env = slurm_env(directory / "etc" / "slurm.conf")
    # as conf/systemd/restd.service runs restd (both daemons get it)
    daemon_env = slurm_env(directory / "etc" / "slurm.conf", SLURM_JWT="daemon",
                           GLIBC_TUNABLES="glibc.malloc.hugetlb=1")
    jwt = token(JOB_USER)
    headers = {"X-SLURM-USER-TOKEN": jwt, "X-SLURM-USER-NAME": JOB_USER}
    reference_args, reference_version = slurmrestd_newest(env)
    release = subprocess.run(["scontrol", "-V"], env=env, capture_output=True,
                             text=True).stdout.strip()

    restd = Daemon("restd", [str(REPO / ".venv" / "bin" / "restd"), "127.0.0.1:16821", "-a",
                             "jwt", "-s", "slurmctld", *args.restd_args.split()],
                   16821, "v0.0.40", daemon_env, headers)
    reference = Daemon("slurmrestd", ["slurmrestd", "-a", "rest_auth/jwt", *reference_args,
                                      "127.0.0.1:16822"], 16822, reference_version,
                       daemon_env, headers)
    report = {"slurm": release, "slurmrestd": f"slurmrestd {reference_version}",
              "runs": args.runs, "duration": args.duration, "by_jobs": {}}
    try:
        for n in [int(x) for x in args.jobs.split(",")]:
            fill_jobs(n, env)
            row = {"squeue_s": squeue_floor(env, args.runs),
                   "jobs_in_cluster": len(subprocess.run(
                       ["squeue", "-h", "-o", "%i"], env=env, check=True, capture_output=True,
                       text=True).stdout.split())}
            for daemon in (restd, reference):
                daemon.start()
                try:
                    row[daemon.name] = measure(daemon, args)
                finally:
                    daemon.stop()
            report["by_jobs"][str(n)] = row
    finally:
        subprocess.run(["scancel", "-u", JOB_USER, "-n", JOB_NAME], env=env)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    text = markdown(report)
    for name in (stamp, "latest"):
        (RESULTS / f"{name}.json").write_text(json.dumps(report, indent=2))
        (RESULTS / f"{name}.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
