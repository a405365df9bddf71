#!/usr/bin/env python3
"""restd (--workers 1 and --workers auto) and the real slurmrestd under load, on one
cluster, in one run (issue 14). A measurement, not a test: it reports, it never passes
or fails; its figures are ratios within one run.

It brings alice's held benchmark jobs to --jobs (perf/bench.py's filling code), then, for
each daemon in turn (slurmrestd serving its newest data_parser, restd serving the same
version where it has it, else v0.0.40), started as the service user with JWT
authentication, each phase on a freshly started daemon:

  matrix   requests/s and p50/p99 (wrk) at 1, 16 and 64 keep-alive connections for ping,
           nodes, partitions and jobs, as alice; per cell the controller RPCs per answer:
           sdiag's REQUEST_PING, REQUEST_NODE_INFO, REQUEST_PARTITION_INFO and
           REQUEST_JOB_INFO counts from before the cell until the daemon is idle again,
           divided by the answers wrk counted (requests still in flight when wrk stops add
           their RPCs but not their answers: an upper bound);
  polling  --pollers clients, each on its own keep-alive connection, GET jobs every second
           for --poll-seconds, sending If-None-Match with the last ETag it received:
           answers/s, the share of 304s, REQUEST_JOB_INFO RPCs;
  burst    --burst clients connect, then send the same GET jobs at once: how many
           REQUEST_JOB_INFO RPCs they cost (answers awaited at most --burst-seconds).

Around each phase: the daemon's RSS (summed over its processes: restd --workers is a
parent and its workers) once it answered a first request of each kind (before), sampled
every 0.2 s (peak), once it is idle again and --settle seconds later (after), and
--late seconds after that (late); before, after and late are also recorded per process
(parent first), to tell a worker holding memory from one on its way back.

Run it on a cluster of its own (it fills it with jobs), as perf/bench.py:

    export RESTD_CLUSTER_DIR=/var/tmp/restd-perf RESTD_CLUSTER_PORT_BASE=19810
    bash conf/cluster/cluster.sh start
    .venv/bin/python perf/load.py --label "$(git rev-parse --short HEAD)"

It writes perf/results/load-<time>.json and .md (and load-latest.*).
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402  (perf/bench.py: the cluster, jobs, tokens, daemons, wrk)

ENDPOINTS = ["ping", "nodes", "partitions", "jobs"]
CONNECTIONS = [1, 16, 64]
RPCS = {"REQUEST_PING": 1008, "REQUEST_NODE_INFO": 2007, "REQUEST_PARTITION_INFO": 2009,
        "REQUEST_JOB_INFO": 2003}
RESTD_VERSIONS = ("v0.0.40", "v0.0.41", "v0.0.42", "v0.0.43", "v0.0.44", "v0.0.45")


# --- what the controller and the kernel count --------------------------------------------

def rpc_counts(env) -> dict[str, int]:
    """slurmctld's count of each RPC type of interest (sdiag, as root over munge)."""
    env = {k: v for k, v in env.items() if k != "SLURM_JWT"}
    out = subprocess.run(["sdiag"], env=env, capture_output=True, text=True,
                         check=True).stdout
    counts = {}
    for name in RPCS:
        found = re.search(rf"^\s*{name}\s+\(\s*\d+\)\s+count:(\d+)", out, re.M)
        counts[name] = int(found.group(1)) if found else 0
    return counts


def delta(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {name: after[name] - before[name] for name in before}


def process_tree(pid: int) -> list[int]:
    """pid and its descendants (restd --workers: the parent and its workers)."""
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return pids


def rss_by_process_mib(pid: int, field: str = "VmRSS") -> list[float]:
    """The RSS of pid and of each of its descendants, in process_tree's order (restd
    --workers: the parent first); a process gone meanwhile counts 0. VmHWM for
    ``field``: each process's peak RSS since it started."""
    sizes = []
    for p in process_tree(pid):
        try:
            found = re.search(rf"{field}:\s+(\d+) kB", Path(f"/proc/{p}/status").read_text())
        except OSError:
            found = None
        sizes.append(int(found.group(1)) / 1024 if found else 0.0)
    return sizes


def tree_rss_mib(pid: int) -> float:
    return sum(rss_by_process_mib(pid))


def tree_cpu_s(pid: int) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in process_tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def wait_idle(daemon: bench.Daemon, limit_s: float) -> float:
    """Wait until the daemon uses less than 5% of a core over a second (requests that
    clients abandoned are still being served: slurmrestd finishes them); returns the
    seconds waited (``limit_s`` when it never got idle)."""
    start = time.monotonic()
    last = tree_cpu_s(daemon.process.pid)
    while time.monotonic() - start < limit_s:
        time.sleep(1)
        now = tree_cpu_s(daemon.process.pid)
        if now - last < 0.05:
            return time.monotonic() - start
        last = now
    return limit_s


class RssSampler:
    """The daemon's summed RSS every 0.2 s; kills it past ``limit_mib`` (the machine is
    shared: better a missing cell than the OOM killer choosing)."""

    def __init__(self, daemon: bench.Daemon, limit_mib: float):
        self.daemon, self.limit_mib = daemon, limit_mib
        self.peak, self.tripped = 0.0, 0.0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.watch, daemon=True)

    def watch(self) -> None:
        while not self.done.wait(0.2):
            rss = tree_rss_mib(self.daemon.process.pid)
            self.peak = max(self.peak, rss)
            if rss > self.limit_mib:
                self.tripped = rss
                for p in reversed(process_tree(self.daemon.process.pid)):
                    try:
                        os.kill(p, 9)
                    except OSError:
                        pass
                return

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()


# --- clients -----------------------------------------------------------------------------

def get(connection: http.client.HTTPConnection, path: str, headers: dict,
        buffer: bytearray) -> tuple[int, str | None]:
    """One GET on a keep-alive connection, its body read and dropped."""
    connection.request("GET", path, headers=headers)
    answer = connection.getresponse()
    view = memoryview(buffer)
    while answer.readinto(view):
        pass
    return answer.status, answer.getheader("ETag")


def polling(daemon: bench.Daemon, clients: int, seconds: float, grace: float) -> dict:
    """``clients`` pollers, each GET jobs once a second (at once when its last answer came
    late) with If-None-Match of the last ETag it received."""
    path = "/" + daemon.url("jobs").split("/", 3)[3]
    start = time.monotonic()
    end = start + seconds
    lock = threading.Lock()
    stats = {"answers": 0, "not_modified": 0, "errors": 0, "other": 0, "latencies": []}

    def poll(_index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", daemon.port, timeout=grace + seconds)
        buffer, etag, tick = bytearray(1 << 20), None, start
        try:
            while tick < end:
                delay = tick - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                headers = dict(daemon.headers)
                if etag:
                    headers["If-None-Match"] = etag
                sent = time.monotonic()
                try:
                    status, new_etag = get(connection, path, headers, buffer)
                except (OSError, http.client.HTTPException):
                    with lock:
                        stats["errors"] += 1
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", daemon.port,
                                                            timeout=grace + seconds)
                    tick = max(tick + 1, time.monotonic())
                    continue
                received = time.monotonic()
                with lock:
                    if received <= end + grace:
                        stats["answers"] += 1
                        stats["latencies"].append(received - sent)
                        if status == 304:
                            stats["not_modified"] += 1
                        elif status != 200:
                            stats["other"] += 1
                etag = new_etag or etag
                tick = max(tick + 1, received)
        finally:
            connection.close()

    threads = [threading.Thread(target=poll, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.1, end + grace - time.monotonic()))
    latencies = sorted(stats.pop("latencies"))
    stats["unfinished"] = sum(thread.is_alive() for thread in threads)
    stats["seconds"] = seconds
    stats["answers_per_s"] = stats["answers"] / seconds
    stats["p50_s"] = statistics.median(latencies) if latencies else None
    stats["p99_s"] = latencies[int(len(latencies) * 0.99)] if latencies else None
    return stats


def burst(daemon: bench.Daemon, clients: int, limit_s: float) -> dict:
    """``clients`` connections, opened first, then the same GET jobs sent on all of them
    at once."""
    path = "/" + daemon.url("jobs").split("/", 3)[3]
    ready = threading.Barrier(clients)
    results: list[tuple[int, float] | None] = [None] * clients

    def one(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", daemon.port, timeout=limit_s)
        connection.connect()
        ready.wait()
        sent = time.monotonic()
        try:
            status, _etag = get(connection, path, daemon.headers, bytearray(1 << 20))
            results[index] = (status, time.monotonic() - sent)
        except (OSError, http.client.HTTPException):
            pass
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(i,), daemon=True) for i in range(clients)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.1, start + limit_s - time.monotonic()))
    done = [r for r in results if r]
    return {"clients": clients, "answered": sum(1 for s, _ in done if s == 200),
            "seconds": max((t for _, t in done), default=None), "limit_s": limit_s}


# --- one daemon ---------------------------------------------------------------------------

class Phase:
    """A freshly started daemon: warmed up (one request of each kind), RSS before, the
    sampler running; at the end, idle, RSS after; then stopped."""

    def __init__(self, daemon: bench.Daemon, args):
        self.daemon, self.args = daemon, args
        self.result: dict = {}

    def __enter__(self):
        self.daemon.start()
        try:
            for endpoint in ENDPOINTS:
                self.daemon.get(endpoint)
        except BaseException:
            self.daemon.stop()  # not left to hold the port for the next daemon
            raise
        time.sleep(self.args.settle)
        self.record_rss("before")
        self.result["processes"] = len(process_tree(self.daemon.process.pid))
        self.sampler = RssSampler(self.daemon, self.args.rss_limit_mib).__enter__()
        return self

    def record_rss(self, when: str, field: str = "VmRSS") -> None:
        """rss_<when>_by_process_mib (parent first) and their sum, rss_<when>_mib."""
        sizes = rss_by_process_mib(self.daemon.process.pid, field)
        self.result[f"rss_{when}_by_process_mib"] = sizes
        self.result[f"rss_{when}_mib"] = sum(sizes)

    def alive(self) -> bool:
        return self.daemon.process.poll() is None and not self.sampler.tripped

    def __exit__(self, *exc):
        try:
            if self.alive():
                self.result["idle_after_s"] = wait_idle(self.daemon, self.args.idle_limit)
                time.sleep(self.args.settle)
                self.record_rss("after")
                # and once more later: memory still held, or on its way back
                time.sleep(self.args.late)
                self.record_rss("late")
            if self.alive():
                # each process's own peak (the daemon is started afresh for each phase)
                self.record_rss("highest", "VmHWM")
            self.sampler.__exit__()
            self.result["rss_peak_mib"] = self.sampler.peak
            if self.sampler.tripped:
                self.result["rss_limit_hit_mib"] = self.sampler.tripped
        finally:
            self.daemon.stop()


def measure(daemon: bench.Daemon, env, args) -> dict:
    out = {}
    if "matrix" in args.phases:
        with Phase(daemon, args) as phase:
            cells = phase.result["cells"] = {}
            for endpoint in ENDPOINTS:
                for c in CONNECTIONS:
                    if not phase.alive():
                        break
                    duration = args.jobs_duration if endpoint == "jobs" else args.duration
                    wait_idle(daemon, args.idle_limit)
                    before = rpc_counts(env)
                    cell = bench.wrk(daemon, endpoint, c, duration)
                    cell["answers"] = wrk_answers(cell)
                    cell["idle_after_s"] = wait_idle(daemon, args.idle_limit)
                    cell["rpcs"] = delta(before, rpc_counts(env))
                    cells[f"{endpoint} {c}"] = cell
                    print(f"{daemon.name} {endpoint} c={c}: {cell['requests_per_s']:.1f} "
                          f"req/s, rpcs {sum(cell['rpcs'].values())} for {cell['answers']}",
                          file=sys.stderr)
        out["matrix"] = phase.result
    if "polling" in args.phases:
        with Phase(daemon, args) as phase:
            before = rpc_counts(env)
            phase.result.update(polling(daemon, args.pollers, args.poll_seconds,
                                        args.poll_grace))
            phase.result["idle_s"] = wait_idle(daemon, args.idle_limit)
            phase.result["rpcs"] = delta(before, rpc_counts(env))
        out["polling"] = phase.result
        print(f"{daemon.name} polling: {phase.result}", file=sys.stderr)
    if "burst" in args.phases:
        with Phase(daemon, args) as phase:
            before = rpc_counts(env)
            phase.result.update(burst(daemon, args.burst, args.burst_seconds))
            phase.result["rpcs"] = delta(before, rpc_counts(env))
        out["burst"] = phase.result
        print(f"{daemon.name} burst: {phase.result}", file=sys.stderr)
    return out


def wrk_answers(cell: dict) -> int:
    return round(cell["requests_per_s"] * cell["duration_s"])


# --- report ------------------------------------------------------------------------------

def real_and_restd(names: list[str]) -> tuple[str | None, list[str]]:
    """The real daemon (None when --daemons left it out) and restd's configurations."""
    real = "slurmrestd" if "slurmrestd" in names else None
    return real, [n for n in names if n != real]


def markdown(report: dict) -> str:
    names = list(report["daemons"])
    real, restd_names = real_and_restd(names)
    results = report["results"]
    head = (f"{report['label']}: {', '.join(report['daemons'][n] for n in names)}; "
            f"{report['slurm']}, {report['jobs_in_cluster']} jobs in the cluster; "
            f"{report['cores']} cores shared with the load generators (and other work): "
            f"compare within this run only.")
    lines = [head, "",
             f"Requests/s (wrk, {report['duration']} s per cell, "
             f"{report['jobs_duration']} s for jobs), p50/p99 ms, controller RPCs per answer "
             "(sdiag), each daemon freshly started:", "",
             "| endpoint | conns | req/s " + " / ".join(names) + " | "
             + ("restd vs real | " if real else "")
             + "p50/p99 ms " + " / ".join(names) + " | RPCs per answer " + " / ".join(names)
             + " |", "| --- | ---: | --- | " + ("--- | " if real else "") + "--- | --- |"]

    def cell(name, key):
        return results.get(name, {}).get("matrix", {}).get("cells", {}).get(key)

    def ms(x):
        return f"{x * 1000:.0f}" if x is not None and x >= 0.01 else (
            f"{x * 1000:.1f}" if x is not None else "n/a")

    for endpoint in ENDPOINTS:
        for c in CONNECTIONS:
            key = f"{endpoint} {c}"
            found = {n: cell(n, key) for n in names}
            rates = " / ".join(f"{found[n]['requests_per_s']:.1f}" if found[n] else "n/a"
                               for n in names)
            ratios = ""
            if real:
                base = found[real]["requests_per_s"] if found[real] else None
                ratios = ", ".join(
                    bench.ratio(found[n]["requests_per_s"] if found[n] else None, base)
                    if base else ("inf" if found[n] and found[n]["requests_per_s"] else "n/a")
                    for n in restd_names) + " | "
            latency = " / ".join(f"{ms(found[n]['p50_s'])}/{ms(found[n]['p99_s'])}"
                                 if found[n] else "n/a" for n in names)
            rpcs = " / ".join(per_answer(found[n]) for n in names)
            lines.append(f"| {endpoint} | {c} | {rates} | {ratios}{latency} | {rpcs} |")
    late = report.get("late")
    lines += ["", "RSS MiB (summed over the daemon's processes): before (after one request "
              "of each kind), peak (sampled every 0.2 s), after (idle again, then "
              f"{report['settle']} s), late ({late} s after that); per process, parent "
              "first, and each process's own peak (VmHWM):", "",
              "| daemon | phase | before | peak | after | after / before | late | "
              "per process before / after / late | per process peak |",
              "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |"]

    def each(sizes):
        return " + ".join(f"{size:.0f}" for size in sizes) if sizes else "n/a"
    for n in names:
        for phase in ("matrix", "polling", "burst"):
            r = results.get(n, {}).get(phase)
            if not r:
                continue
            after, later = r.get("rss_after_mib"), r.get("rss_late_mib")
            growth = f"{after / r['rss_before_mib']:.2f}x" if after else "n/a"
            hit = (f" (stopped at {r['rss_limit_hit_mib']:.0f} MiB)"
                   if r.get("rss_limit_hit_mib") else "")
            lines.append(f"| {n} | {phase}{hit} | {r['rss_before_mib']:.0f} | "
                         f"{r['rss_peak_mib']:.0f} | "
                         f"{f'{after:.0f}' if after is not None else 'n/a'} | {growth} | "
                         f"{f'{later:.0f}' if later is not None else 'n/a'} | "
                         f"{each(r.get('rss_before_by_process_mib'))} / "
                         f"{each(r.get('rss_after_by_process_mib'))} / "
                         f"{each(r.get('rss_late_by_process_mib'))} | "
                         f"{each(r.get('rss_highest_by_process_mib'))} |")
    lines += ["", f"Polling: {report['pollers']} clients, each GET jobs every second for "
              f"{report['poll_seconds']} s with If-None-Match of the last ETag it received:", "",
              "| daemon | answers | answers/s | 304 share | REQUEST_JOB_INFO RPCs | "
              "p50/p99 ms | errors |", "| --- | ---: | ---: | ---: | ---: | --- | ---: |"]
    for n in names:
        r = results.get(n, {}).get("polling")
        if not r or "answers" not in r:
            continue
        share = f"{100 * r['not_modified'] / r['answers']:.0f}%" if r["answers"] else "n/a"
        lines.append(f"| {n} | {r['answers']} | {r['answers_per_s']:.1f} | {share} | "
                     f"{r['rpcs']['REQUEST_JOB_INFO']} | {ms(r['p50_s'])}/{ms(r['p99_s'])} | "
                     f"{r['errors']} |")
    lines += ["", f"Burst: {report['burst']} connections send the same GET jobs at once "
              f"(answers awaited at most {report['burst_seconds']} s):", "",
              "| daemon | answered | slowest answer s | REQUEST_JOB_INFO RPCs |",
              "| --- | ---: | ---: | ---: |"]
    for n in names:
        r = results.get(n, {}).get("burst")
        if not r or "answered" not in r:
            continue
        slowest = f"{r['seconds']:.1f}" if r["seconds"] is not None else "n/a"
        lines.append(f"| {n} | {r['answered']} of {r['clients']} | {slowest} | "
                     f"{r['rpcs']['REQUEST_JOB_INFO']} |")
    return "\n".join(lines + ["", *goals(report)]) + "\n"


def goals(report: dict) -> list[str]:
    """Issue 14's goals, each with what this run measured and whether it is met."""
    real, restd_names = real_and_restd(list(report["daemons"]))
    results = report["results"]
    lines = ["Issue 14's goals in this run:", "",
             "| goal | daemon | measured | met |", "| --- | --- | --- | --- |"]

    def rate(name, key):
        found = results.get(name, {}).get("matrix", {}).get("cells", {}).get(key)
        return found["requests_per_s"] if found else None

    for name in restd_names:
        # the req/s goals are against the real daemon: none without it (--daemons restd-w1,...)
        for endpoint, want in (("ping", 2), ("nodes", 2), ("partitions", 2), ("jobs", 20)) \
                if real else ():
            mine, theirs = rate(name, f"{endpoint} 64"), rate(real, f"{endpoint} 64")
            if mine is None:
                continue
            if theirs is None:  # no cell: the real daemon passed the RSS limit in it
                measured = f"{mine:.1f} req/s; the real daemon was stopped (RSS limit)"
                met = mine > 0
            elif theirs:
                measured, met = f"{mine / theirs:.1f}x ({mine:.1f} vs {theirs:.1f} req/s)", \
                    mine / theirs >= want
            else:
                measured = f"{mine:.1f} vs 0 req/s (the real daemon finished none in the cell)"
                met = mine > 0
            lines.append(f"| >= {want}x the real daemon's req/s, {endpoint} at 64 conns | "
                         f"{name} | {measured} | {'yes' if met else 'NO'} |")
        for phase in ("matrix", "polling", "burst"):
            r = results.get(name, {}).get(phase)
            if not r or not r.get("rss_after_mib"):
                continue
            growth = r["rss_after_mib"] / r["rss_before_mib"]
            lines.append(f"| RSS after the load <= 1.5x before ({phase}) | {name} | "
                         f"{r['rss_before_mib']:.0f} -> {r['rss_after_mib']:.0f} MiB, "
                         f"{growth:.2f}x | {'yes' if growth <= 1.5 else 'NO'} |")
        r = results.get(name, {}).get("burst")
        if r and "rpcs" in r:
            count = r["rpcs"]["REQUEST_JOB_INFO"]
            lines.append(f"| <= 2 RPCs for {r['clients']} concurrent GET jobs | {name} | "
                         f"{count} RPCs, {r['answered']} answered | "
                         f"{'yes' if count <= 2 and r['answered'] == r['clients'] else 'NO'} |")
    return lines


def per_answer(found: dict | None) -> str:
    if not found:
        return "n/a"
    total = sum(found["rpcs"].values())
    return f"{total / found['answers']:.2f}" if found["answers"] else f"{total} for 0"


def compared_daemons(directory: Path, env: dict) -> dict[str, tuple[str, bench.Daemon]]:
    """The daemons compared, by name (slurmrestd, restd-w1, restd-w2): how a report
    names each, and its Daemon (started afresh for each phase), as alice with JWT."""
    daemon_env = bench.slurm_env(directory / "etc" / "slurm.conf", SLURM_JWT="daemon",
                                 GLIBC_TUNABLES="glibc.malloc.hugetlb=1")
    headers = {"X-SLURM-USER-TOKEN": bench.token(bench.JOB_USER),
               "X-SLURM-USER-NAME": bench.JOB_USER}
    real_args, real_version = bench.slurmrestd_newest(env)
    version = real_version if real_version in RESTD_VERSIONS else "v0.0.40"
    restd = [str(bench.REPO / ".venv" / "bin" / "restd"), f"127.0.0.1:{bench.RESTD_PORT}",
             "-a", "jwt", "-s", "slurmctld", "-d", version]
    return {
        "slurmrestd": (f"slurmrestd {real_version}", bench.Daemon(
            "slurmrestd", ["slurmrestd", "-a", "rest_auth/jwt", *real_args,
                           f"127.0.0.1:{bench.SLURMRESTD_PORT}"], bench.SLURMRESTD_PORT,
            real_version, daemon_env, headers, real_version)),
        "restd-w1": (f"restd {version} --workers 1", bench.Daemon(
            "restd-w1", [*restd, "--workers", "1"], bench.RESTD_PORT, version, daemon_env,
            headers, version)),
        "restd-w2": (f"restd {version} --workers auto ({min(8, len(os.sched_getaffinity(0)))})",
                     bench.Daemon("restd-w2", [*restd, "--workers", "auto"], bench.RESTD_PORT,
                                  version, daemon_env, headers, version)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=10000)
    parser.add_argument("--duration", type=int, default=5, help="seconds of wrk per cell")
    parser.add_argument("--jobs-duration", type=int, default=15,
                        help="seconds of wrk per GET jobs cell")
    parser.add_argument("--pollers", type=int, default=64)
    parser.add_argument("--poll-seconds", type=float, default=60)
    parser.add_argument("--poll-grace", type=float, default=15,
                        help="seconds an answer to a poll sent in time may take after the end")
    parser.add_argument("--burst", type=int, default=100)
    parser.add_argument("--burst-seconds", type=float, default=120)
    parser.add_argument("--settle", type=float, default=3.0)
    parser.add_argument("--late", type=float, default=10.0,
                        help="seconds after the 'after' RSS sample to take another")
    parser.add_argument("--idle-limit", type=float, default=60,
                        help="most seconds waited for a daemon to be idle again")
    parser.add_argument("--rss-limit-mib", type=float, default=8192)
    parser.add_argument("--daemons", default="slurmrestd,restd-w1,restd-w2")
    parser.add_argument("--phases", default="matrix,polling,burst")
    parser.add_argument("--label", default="", help="named in the report (the commit)")
    args = parser.parse_args()
    args.phases = args.phases.split(",")

    directory = bench.cluster_dir()
    env = bench.slurm_env(directory / "etc" / "slurm.conf")
    bench.RESULTS.mkdir(parents=True, exist_ok=True)
    bench.fill_jobs(args.jobs, env)
    daemons = compared_daemons(directory, env)
    release = subprocess.run(["scontrol", "-V"], env=env, capture_output=True,
                             text=True).stdout.strip()
    chosen = [d for d in args.daemons.split(",") if d]
    report = {"label": args.label or "restd", "slurm": release,
              "daemons": {n: daemons[n][0] for n in chosen},
              "jobs_in_cluster": len(subprocess.run(["squeue", "-h", "-o", "%i"], env=env,
                                                    check=True, capture_output=True,
                                                    text=True).stdout.split()),
              "cores": len(os.sched_getaffinity(0)), "duration": args.duration,
              "jobs_duration": args.jobs_duration, "pollers": args.pollers,
              "poll_seconds": args.poll_seconds, "burst": args.burst,
              "burst_seconds": args.burst_seconds, "settle": args.settle, "late": args.late,
              "results": {}}
    stamp = time.strftime("%Y%m%dT%H%M%S")
    for name in chosen:
        report["results"][name] = measure(daemons[name][1], env, args)
        (bench.RESULTS / f"load-{stamp}.json").write_text(json.dumps(report, indent=2))
    text = markdown(report)
    for name in (f"load-{stamp}", "load-latest"):
        (bench.RESULTS / f"{name}.json").write_text(json.dumps(report, indent=2))
        (bench.RESULTS / f"{name}.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
