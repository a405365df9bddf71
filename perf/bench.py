#!/usr/bin/env python3
"""restd side by side with the distribution's slurmrestd, on the same local cluster, in
one run. A benchmark, not a test: it reports, it never passes or fails.

For each job count N it fills the cluster with N held jobs (alice's), starts both daemons
as the unprivileged service user with SLURM_JWT=daemon and JWT authentication, and for
GET jobs, nodes, partitions and ping measures:
  - single requests: median seconds and bytes over --runs runs, each daemon's peak RSS;
  - load: requests/s and p50/p99 latency at 1, 16 and 64 keep-alive connections (wrk);
  - the floor: squeue's own fetch of the same jobs.
Then the job history (slurmdb/jobs): it runs --steps-jobs jobs that really run (``srun
true``, so the history has steps), cancels the held jobs, waits until sacct counts all of
them as finished, and asks both daemons, freshly started, for the same jobs (the same
job_cond: name, end states and time window), checks that both answer the same job ids, and
measures single requests, peak RSS after them and after load, and wrk at --db-connections;
the floor is sacct's own fetch of the same jobs.
It writes perf/results/<time>.json and perf/results/<time>.md (and latest.*).

It fills the cluster with tens of thousands of jobs: run it on a cluster of its own, not
on the one the tests use (conf/cluster/cluster.sh takes its directory and ports from the
environment, and so does this script):

    export RESTD_CLUSTER_DIR=/var/tmp/restd-perf RESTD_CLUSTER_PORT_BASE=19810
    make perf                                   # N = 1000 and 10000, then the history
    bash conf/cluster/cluster.sh stop           # the same environment: that cluster only
    .venv/bin/python perf/bench.py --jobs 300 --steps-jobs 20 --runs 3 --duration 3
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
import threading
import time
import urllib.parse
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
HISTORY = "slurmdb/jobs"
# Every state a finished job can end in: with a state list, slurmdbd selects the jobs that
# ended in the window (without one it selects only jobs that became eligible, and held
# jobs never did). The same list for sacct -s and for both daemons' state=.
FINISHED_STATES = "CANCELLED,COMPLETED,FAILED,TIMEOUT,NODE_FAIL,OUT_OF_MEMORY"
# The daemons' ports, above the cluster's (conf/cluster/cluster.sh: base+6 ... base+23),
# so that benchmarks of clusters with other port bases do not collide.
PORT_BASE = int(os.environ.get("RESTD_CLUSTER_PORT_BASE", "17810"))
RESTD_PORT, SLURMRESTD_PORT = PORT_BASE + 40, PORT_BASE + 41


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


def fill_jobs(target: int, env) -> int:
    """Bring alice's held jobs to exactly ``target``; returns how many it submitted."""
    have = held_jobs(env)
    if len(have) > target:
        subprocess.run(["scancel", *have[target:]], env=env, check=True)
        return 0
    missing = target - len(have)
    if not missing:
        return 0
    print(f"submitting {missing} held jobs ...", file=sys.stderr)
    command = ["runuser", "-u", JOB_USER, "--", "env", f"SLURM_CONF={env['SLURM_CONF']}",
               "sbatch", "--hold", "--parsable", "--chdir=/tmp", "-o", "/dev/null",
               "-J", JOB_NAME, "--wrap", "true"]

    def submit(_):
        subprocess.run(command, env=env, check=True, capture_output=True, cwd="/tmp")

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(submit, range(missing)))
    return missing


def as_job_user(env, *argv: str) -> list[str]:
    return ["runuser", "-u", JOB_USER, "--", "env", f"SLURM_CONF={env['SLURM_CONF']}", *argv]


def run_steps_jobs(count: int, env) -> None:
    """``count`` jobs that really run, each with one step (srun true) beside its batch
    step, spread over the nodes; returns once none of them is queued or running."""
    if not count:
        return
    print(f"running {count} jobs with steps ...", file=sys.stderr)
    command = as_job_user(env, "sbatch", "--parsable", "--chdir=/tmp", "-o", "/dev/null",
                          "-J", JOB_NAME, "--wrap", "srun true")

    def submit(_):
        return subprocess.run(command, env=env, check=True, capture_output=True, cwd="/tmp",
                              text=True).stdout.strip().split(";")[0]

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        ids = set(pool.map(submit, range(count)))
    deadline = time.monotonic() + 900
    while True:
        queued = set(subprocess.run(
            ["squeue", "-h", "-u", JOB_USER, "-n", JOB_NAME, "-t", "PD,CF,R,CG,S", "-o", "%i"],
            env=env, check=True, capture_output=True, text=True).stdout.split())
        if not ids & queued:
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"{len(ids & queued)} of the jobs with steps still queued "
                               f"after 900 s")
        time.sleep(2)


def history_window(start: str) -> dict[str, str]:
    """The benchmark's finished jobs, as a slurmdb/jobs query (both daemons)."""
    return {"job_name": JOB_NAME, "state": FINISHED_STATES, "start_time": start,
            "end_time": "now"}


def sacct_argv(start: str, *output: str) -> list[str]:
    """sacct for the same job_cond as history_window()."""
    return ["sacct", "-n", "-a", "--name", JOB_NAME, "-s", FINISHED_STATES, "-S", start,
            "-E", "now", *output]


def wait_for_history(expected: int, start: str, env) -> int:
    """Wait until slurmdbd has recorded all ``expected`` jobs as finished."""
    deadline = time.monotonic() + 900
    while True:
        have = len(subprocess.run(as_job_user(env, *sacct_argv(start, "-X", "-P", "-o",
                                                                "jobid")),
                                  env=env, check=True, capture_output=True, cwd="/tmp",
                                  text=True).stdout.split())
        if have >= expected or time.monotonic() > deadline:
            if have != expected:
                print(f"sacct counts {have} finished jobs, {expected} expected",
                      file=sys.stderr)
            return have
        time.sleep(3)


def sacct_floor(start: str, env, runs: int) -> dict:
    """sacct's own fetch of the same jobs (with their steps): parsable, all fields, and
    its JSON (Slurm's own dumper, as its slurmrestd's)."""
    result = {}
    for name, output in (("parsable_all", ("-P", "-o", "all")), ("json", ("--json",))):
        times, size = [], 0
        for _ in range(runs):
            begin = time.perf_counter()
            out = subprocess.run(as_job_user(env, *sacct_argv(start, *output)), env=env,
                                 check=True, capture_output=True, cwd="/tmp").stdout
            times.append(time.perf_counter() - begin)
            size = len(out)
        result[name] = {"seconds": statistics.median(times), "bytes": size}
    return result


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
                 headers: dict[str, str], db_version: str):
        self.name, self.argv, self.port, self.version = name, argv, port, version
        self.env, self.headers, self.db_version = env, headers, db_version
        self.process: subprocess.Popen | None = None
        self.query = ""  # of slurmdb/jobs

    def url(self, endpoint: str) -> str:
        if endpoint == HISTORY:
            return (f"http://127.0.0.1:{self.port}/slurmdb/{self.db_version}/jobs/"
                    f"?{self.query}")
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

    def rss_mib(self) -> float:
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return 0.0
        found = re.search(r"VmRSS:\s+(\d+) kB", status)
        return int(found.group(1)) / 1024 if found else 0.0


class RssGuard:
    """Kills the daemon when its RSS passes ``limit_mib`` (the machine is shared: better
    a missing cell than the OOM killer choosing among other people's processes)."""

    def __init__(self, daemon: Daemon, limit_mib: float):
        self.daemon, self.limit_mib, self.tripped = daemon, limit_mib, 0.0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.watch, daemon=True)

    def watch(self) -> None:
        while not self.done.wait(0.2):
            rss = self.daemon.rss_mib()
            if rss > self.limit_mib:
                self.tripped = rss
                self.daemon.process.kill()
                return

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()


def slurmrestd_newest(env) -> tuple[list[str], str]:
    """The distribution's slurmrestd arguments for its newest API version (slurmctld's
    and slurmdbd's)."""
    listing = subprocess.run(["setpriv", f"--reuid={SERVICE_USER}", f"--regid={SERVICE_USER}",
                              "--init-groups", "slurmrestd", "-d", "list"], env=env,
                             capture_output=True, text=True, cwd="/tmp")
    parsers = re.findall(r"data_parser/(v0\.0\.\d+)", listing.stdout + listing.stderr)
    if parsers:  # 23.11 and later: versioned data_parser plugins
        newest = max(parsers, key=lambda v: int(v.rsplit(".", 1)[1]))
        return ["-s", "slurmctld,slurmdbd", "-d", newest], newest
    listing = subprocess.run(["setpriv", f"--reuid={SERVICE_USER}", f"--regid={SERVICE_USER}",
                              "--init-groups", "slurmrestd", "-s", "list"], env=env,
                             capture_output=True, text=True, cwd="/tmp")
    plugins = re.findall(r"openapi/(v0\.0\.\d+)", listing.stdout + listing.stderr)
    newest = max(plugins, key=lambda v: int(v.rsplit(".", 1)[1]))
    return ["-s", f"openapi/{newest},openapi/db{newest}"], newest


def slurmrestd_versions(env) -> list[str]:
    """The data_parser versions the distribution's slurmrestd serves (23.11 on: its
    data_parser plugins; none of v0.0.40 on before)."""
    listing = subprocess.run(["setpriv", f"--reuid={SERVICE_USER}", f"--regid={SERVICE_USER}",
                              "--init-groups", "slurmrestd", "-d", "list"], env=env,
                             capture_output=True, text=True, cwd="/tmp")
    return sorted(set(re.findall(r"data_parser/(v0\.0\.\d+)",
                                 listing.stdout + listing.stderr)))


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
    timeouts = re.search(r"Socket errors: .*timeout (\d+)", out)

    def percentile(p: str) -> float | None:
        found = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not found:
            return None
        scale = {"us": 1e-6, "ms": 1e-3, "s": 1.0}[found.group(2)]
        return float(found.group(1)) * scale

    return {"requests_per_s": float(rate.group(1)) if rate else 0.0,
            "p50_s": percentile("50"), "p99_s": percentile("99"),
            "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
            "timeouts": int(timeouts.group(1)) if timeouts else 0, "duration_s": duration}


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


def jobs_by_version(versions: list[str], served: list[str], daemon_env, headers,
                    args) -> dict:
    """GET jobs of each data_parser version: restd with its generated C fast path,
    restd with the version's Python dumper (RESTD_FASTPATH=0: the same answer, the
    other dumper), and slurmrestd -d <version> where it serves that version. Single
    requests (median of --runs), wrk on one connection, peak RSS."""
    out = {}
    for version in versions:
        restd_argv = [str(REPO / ".venv" / "bin" / "restd"), f"127.0.0.1:{RESTD_PORT}", "-a",
                      "jwt", "-s", "slurmctld,slurmdbd", "-d", version]
        daemons = [Daemon("restd", restd_argv, RESTD_PORT, version, daemon_env, headers,
                          version),
                   Daemon("restd-python", restd_argv, RESTD_PORT, version,
                          {**daemon_env, "RESTD_FASTPATH": "0"}, headers, version)]
        if version in served:
            daemons.append(Daemon("slurmrestd", [
                "slurmrestd", "-a", "rest_auth/jwt", "-s", "slurmctld,slurmdbd", "-d", version,
                f"127.0.0.1:{SLURMRESTD_PORT}"], SLURMRESTD_PORT, version, daemon_env,
                headers, version))
        row = {}
        for daemon in daemons:
            daemon.start()
            try:
                daemon.get("jobs")  # warm up
                row[daemon.name] = {
                    "single": single_requests(daemon, "jobs", args.runs),
                    "load": wrk(daemon, "jobs", 1, args.duration),
                    "peak_rss_mib": daemon.peak_rss_mib()}
            finally:
                daemon.stop()
        out[version] = row
    return out


def jobs_by_version_table(by_version: dict) -> list[str]:
    def cell(row, name, what):
        found = row.get(name)
        if not found:
            return "n/a"
        if what == "s":
            return f"{found['single']['seconds']:.4f}"
        if what == "bytes":
            return str(found["single"]["bytes"])
        return f"{found['load']['requests_per_s']:.1f}"

    def speed(row, slow, fast="restd"):
        if slow not in row or fast not in row:
            return "n/a"
        return ratio(row[slow]["single"]["seconds"], row[fast]["single"]["seconds"])

    lines = ["| version | restd C s | restd Python s | C vs Python | slurmrestd s | "
             "restd C vs slurmrestd | req/s C / Python / slurmrestd (1 conn.) | "
             "bytes restd C / Python / slurmrestd |",
             "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |"]
    for version, row in by_version.items():
        lines.append(
            f"| {version} | {cell(row, 'restd', 's')} | {cell(row, 'restd-python', 's')} | "
            f"{speed(row, 'restd-python')} | {cell(row, 'slurmrestd', 's')} | "
            f"{speed(row, 'slurmrestd')} | "
            f"{cell(row, 'restd', 'rps')} / {cell(row, 'restd-python', 'rps')} / "
            f"{cell(row, 'slurmrestd', 'rps')} | {cell(row, 'restd', 'bytes')} / "
            f"{cell(row, 'restd-python', 'bytes')} / {cell(row, 'slurmrestd', 'bytes')} |")
    return lines


def measure_history(daemon: Daemon, args) -> dict:
    """slurmdb/jobs on a freshly started daemon: which jobs it answers, single requests
    (and the peak RSS they cost), then load."""
    answer = json.loads(daemon.get(HISTORY))  # warm up, and what it answers
    jobs = answer.get("jobs") or []
    result = {"jobs": len(jobs), "steps": sum(len(job.get("steps") or []) for job in jobs),
              "errors": answer.get("errors") or [],
              "job_ids": sorted(int(job["job_id"]) for job in jobs)}
    del answer, jobs
    single = single_requests(daemon, HISTORY, args.runs)
    result["single"] = single
    result["peak_rss_single_mib"] = daemon.peak_rss_mib()
    # Long enough for about 3 answers per connection when the connections share the
    # cores, within --db-max-duration (wrk counts only the answers completed in time).
    cores = os.cpu_count() or 1

    def duration(connections: int) -> int:
        wanted = 3 * single["seconds"] * max(1.0, connections / cores)
        return max(args.db_duration, min(args.db_max_duration, int(wanted) + 1))
    result["load"] = {}
    for c in args.db_connections:
        if daemon.process.poll() is not None:
            break
        with RssGuard(daemon, args.rss_limit_mib) as guard:
            result["load"][str(c)] = wrk(daemon, HISTORY, c, duration(c))
        if guard.tripped:  # what wrk counted after the kill is no measurement
            del result["load"][str(c)]
            result["rss_limit_hit"] = {"connections": c, "rss_mib": guard.tripped}
            print(f"{daemon.name}: RSS {guard.tripped:.0f} MiB over --rss-limit-mib at "
                  f"{c} connections: stopped", file=sys.stderr)
            result["peak_rss_mib"] = guard.tripped
            return result
    result["peak_rss_mib"] = daemon.peak_rss_mib()
    return result


# --- report ------------------------------------------------------------------------------

def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.1f}x" if a and b else "n/a"


def markdown(report: dict) -> str:
    lines = [f"restd vs {report['slurmrestd']} (Slurm {report['slurm']}), medians of "
             f"{report['runs']} runs; load by wrk for {report['duration']} s per cell.", ""]
    for n, row in report["by_jobs"].items():
        lines += [f"### {n} jobs (squeue's own fetch of the cluster's {row['jobs_in_cluster']} "
                  f"jobs: {row['squeue_s']:.3f} s)", ""]
        if row.get("jobs_by_version"):
            lines += ["GET jobs per data_parser version (pretty JSON; restd Python: "
                      "RESTD_FASTPATH=0; slurmrestd where it serves the version):", "",
                      *jobs_by_version_table(row["jobs_by_version"]), ""]
        if "restd" not in row:
            continue
        r, s = row["restd"], row["slurmrestd"]
        lines += ["| endpoint | restd s | slurmrestd s | speed-up | restd bytes | slurmrestd bytes |",
                  "| --- | ---: | ---: | ---: | ---: | ---: |"]
        for e in ENDPOINTS:
            a, b = r["single"][e], s["single"][e]
            lines.append(f"| {e} | {a['seconds']:.4f} | {b['seconds']:.4f} | "
                         f"{ratio(b['seconds'], a['seconds'])} | {a['bytes']} | {b['bytes']} |")
        lines += ["", *load_table(r["load"], s["load"], ENDPOINTS)]
        lines += ["", f"Peak RSS: restd {r['peak_rss_mib']:.0f} MiB, slurmrestd "
                  f"{s['peak_rss_mib']:.0f} MiB.", ""]
    history = report.get("history")
    if history and "restd" in history and "slurmrestd" in history:
        r, s = history["restd"], history["slurmrestd"]
        a, b = r["single"], s["single"]
        floor = history["sacct"]
        lines += [f"### {HISTORY}: {history['finished_jobs']} finished jobs "
                  f"({history['steps_jobs']} of them ran, with a step)", "",
                  f"Both daemons asked for the same jobs: `?{history['query']}` (restd "
                  f"{r['jobs']} jobs with {r['steps']} steps, slurmrestd {s['jobs']} jobs "
                  f"with {s['steps']} steps; the same job ids: "
                  f"{'yes' if history['same_job_ids'] else 'NO'}). sacct's own fetch of the "
                  f"same jobs: {floor['parsable_all']['seconds']:.2f} s "
                  f"(`-P -o all`, {floor['parsable_all']['bytes']} bytes), "
                  f"{floor['json']['seconds']:.2f} s (`--json`, {floor['json']['bytes']} "
                  f"bytes).", "",
                  "| endpoint | restd s | slurmrestd s | speed-up | restd bytes | slurmrestd bytes |",
                  "| --- | ---: | ---: | ---: | ---: | ---: |",
                  f"| {HISTORY} | {a['seconds']:.3f} | {b['seconds']:.3f} | "
                  f"{ratio(b['seconds'], a['seconds'])} | {a['bytes']} | {b['bytes']} |", "",
                  *load_table({HISTORY: r["load"]}, {HISTORY: s["load"]}, [HISTORY],
                              durations=True), "",
                  f"Peak RSS after the single requests: restd {r['peak_rss_single_mib']:.0f} "
                  f"MiB, slurmrestd {s['peak_rss_single_mib']:.0f} MiB; after the load: restd "
                  f"{r['peak_rss_mib']:.0f} MiB, slurmrestd {s['peak_rss_mib']:.0f} MiB "
                  f"(both daemons started afresh for {HISTORY})."]
        for name, row in (("restd", r), ("slurmrestd", s)):
            if "rss_limit_hit" in row:
                hit = row["rss_limit_hit"]
                lines.append(f"{name} was stopped at {hit['connections']} connections: RSS "
                             f"{hit['rss_mib']:.0f} MiB passed --rss-limit-mib "
                             f"({report['rss_limit_mib']:.0f}); that cell is missing.")
        lines.append("")
    return "\n".join(lines)


def load_table(restd: dict, reference: dict, endpoints: list[str],
               durations: bool = False) -> list[str]:
    def ms(x):
        return f"{x * 1000:.1f}" if x is not None else "n/a"

    extra = " wrk s | timeouts restd/slurmrestd |" if durations else ""
    lines = ["| endpoint | connections | restd req/s | slurmrestd req/s | ratio | "
             "restd p50/p99 ms | slurmrestd p50/p99 ms | non-2xx restd/slurmrestd |" + extra,
             "| --- | ---: | ---: | ---: | ---: | --- | --- | --- |"
             + (" ---: | --- |" if durations else "")]
    def rate(x):
        return f"{x['requests_per_s']:.1f}" if x else "n/a"

    for e in endpoints:
        for c in sorted({*restd[e], *reference[e]}, key=int):
            a, b = restd[e].get(c, {}), reference[e].get(c, {})
            row = (f"| {e} | {c} | {rate(a)} | {rate(b)} "
                   f"| {ratio(a.get('requests_per_s'), b.get('requests_per_s'))} | "
                   f"{ms(a.get('p50_s'))}/{ms(a.get('p99_s'))} | "
                   f"{ms(b.get('p50_s'))}/{ms(b.get('p99_s'))} | "
                   f"{a.get('non_2xx', 'n/a')}/{b.get('non_2xx', 'n/a')} |")
            if durations:
                row += (f" {a.get('duration_s', 'n/a')}/{b.get('duration_s', 'n/a')} | "
                        f"{a.get('timeouts', 'n/a')}/{b.get('timeouts', 'n/a')} |")
            lines.append(row)
    return lines


def history(restd: Daemon, reference: Daemon, window_start: str, expected: int, env,
            args) -> dict:
    """slurmdb/jobs over the benchmark's finished jobs: the held ones, cancelled, and
    --steps-jobs that ran."""
    run_steps_jobs(args.steps_jobs, env)
    subprocess.run(["scancel", "-u", JOB_USER, "-n", JOB_NAME, "-t", "PD"], env=env,
                   check=True)
    print(f"waiting for slurmdbd to record {expected} finished jobs ...", file=sys.stderr)
    finished = wait_for_history(expected, window_start, env)
    query = urllib.parse.urlencode(history_window(window_start))
    result = {"query": query, "window_start": window_start, "expected_jobs": expected,
              "finished_jobs": finished, "steps_jobs": args.steps_jobs,
              "sacct": sacct_floor(window_start, env, args.runs)}
    for daemon in (restd, reference):
        daemon.query = query
        daemon.start()
        try:
            result[daemon.name] = measure_history(daemon, args)
        finally:
            daemon.stop()
    ids = [result[d.name].pop("job_ids") for d in (restd, reference)]
    result["same_job_ids"] = ids[0] == ids[1]
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", default="1000,10000", help="comma-separated job counts")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--duration", type=int, default=5, help="seconds of wrk per cell")
    parser.add_argument("--max-jobs-connections", type=int, default=64,
                        help="highest concurrency for GET jobs (large answers)")
    parser.add_argument("--restd-args", default="-d v0.0.40", help="extra restd arguments")
    parser.add_argument("--versions", default="",
                        help="comma-separated data_parser versions (v0.0.40,v0.0.41,v0.0.42): "
                             "GET jobs per version, restd's C fast path vs its Python "
                             "dumper vs slurmrestd where it serves the version")
    parser.add_argument("--no-endpoints", dest="endpoints", action="store_false",
                        help="skip the comparison of every endpoint with slurmrestd's "
                             "newest version (keep --versions' GET jobs)")
    parser.add_argument("--no-history", dest="history", action="store_false",
                        help=f"skip {HISTORY} (the finished jobs)")
    parser.add_argument("--steps-jobs", type=int, default=200,
                        help="jobs that really run, with a step, for the history")
    parser.add_argument("--db-connections", default="1,16",
                        type=lambda text: [int(x) for x in text.split(",")],
                        help=f"wrk concurrencies for {HISTORY} (large, slow answers)")
    parser.add_argument("--db-duration", type=int, default=10,
                        help=f"least seconds of wrk per {HISTORY} cell (longer when 3 "
                             f"answers per connection take longer)")
    parser.add_argument("--db-max-duration", type=int, default=60,
                        help=f"most seconds of wrk per {HISTORY} cell")
    parser.add_argument("--rss-limit-mib", type=float, default=14336,
                        help=f"stop a daemon whose RSS passes this under {HISTORY} load")
    args = parser.parse_args()
    for tool in ("wrk", "slurmrestd"):
        if not shutil.which(tool):
            sys.exit(f"perf needs {tool}: apt-get install {'wrk' if tool == 'wrk' else 'slurmrestd'}")

    RESULTS.mkdir(parents=True, exist_ok=True)
    if not os.environ.get("RESTD_CLUSTER_DIR"):
        print("warning: RESTD_CLUSTER_DIR is not set: the benchmark fills the cluster the "
              "tests use with its jobs (see perf/bench.py's docstring)", file=sys.stderr)
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

    restd = Daemon("restd", [str(REPO / ".venv" / "bin" / "restd"), f"127.0.0.1:{RESTD_PORT}",
                             "-a", "jwt", "-s", "slurmctld,slurmdbd", *args.restd_args.split()],
                   RESTD_PORT, "v0.0.40", daemon_env, headers, "v0.0.40")
    reference = Daemon("slurmrestd", ["slurmrestd", "-a", "rest_auth/jwt", *reference_args,
                                      f"127.0.0.1:{SLURMRESTD_PORT}"], SLURMRESTD_PORT,
                       reference_version, daemon_env, headers, reference_version)
    versions = [v for v in args.versions.split(",") if v]
    served = slurmrestd_versions(env)
    report = {"slurm": release, "slurmrestd": f"slurmrestd {reference_version}",
              "slurmrestd_versions": served,
              "runs": args.runs, "duration": args.duration,
              "rss_limit_mib": args.rss_limit_mib, "by_jobs": {}}
    # The history's window opens after any held jobs left by an interrupted run are gone.
    subprocess.run(["scancel", "-u", JOB_USER, "-n", JOB_NAME, "-t", "PD"], env=env)
    time.sleep(1.5)
    window_start = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(time.time() - 0.5))
    submitted = 0
    try:
        for n in [int(x) for x in args.jobs.split(",")]:
            submitted += fill_jobs(n, env)
            row = {"squeue_s": squeue_floor(env, args.runs),
                   "jobs_in_cluster": len(subprocess.run(
                       ["squeue", "-h", "-o", "%i"], env=env, check=True, capture_output=True,
                       text=True).stdout.split())}
            if versions:
                row["jobs_by_version"] = jobs_by_version(versions, served, daemon_env,
                                                         headers, args)
            for daemon in (restd, reference) if args.endpoints else ():
                daemon.start()
                try:
                    row[daemon.name] = measure(daemon, args)
                finally:
                    daemon.stop()
            report["by_jobs"][str(n)] = row
        if args.history:
            report["history"] = history(restd, reference, window_start,
                                        submitted + args.steps_jobs, env, args)
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
