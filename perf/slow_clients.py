#!/usr/bin/env python3
"""Slow clients against restd, and what an ordinary client sees meanwhile.

A measurement, not a test: it reports, it never passes or fails. On loopback only, bounded
in connections and in time, and it stops by itself:

  1. starts restd on 127.0.0.1 as the service user (``-a jwt -s slurmctld``,
     SLURM_JWT=daemon), on the local cluster of this checkout's environment (or uses a
     running one with --port);
  2. baseline: ping probes alone for --baseline seconds;
  3. opens --slow-headers connections that send a request's headers one line per
     --byte-interval seconds and never finish them, and --slow-bodies connections that
     announce a large body and send it a byte per --byte-interval seconds, all from
     --slow-source (127.0.0.2: another peer than the probes' 127.0.0.1, as an abusive
     host beside a user); each one the server closes is opened again 0.1 s later, so
     that many stay open for the whole phase;
  4. for --duration seconds, ping probes from another client (another process than the
     slow clients' one): one new connection per
     probe, one ``GET /slurm/v0.0.40/ping`` with alice's token, every --probe-interval
     seconds; a probe succeeds when it gets 200 within --probe-timeout seconds;
  5. prints the probes' success rate and p50/p99 latency for both phases, how many slow
     connections were open and how many the server closed, and writes the report as JSON
     (--json).

    export RESTD_CLUSTER_PORT_BASE=...       # the cluster of this checkout
    .venv/bin/python perf/slow_clients.py                        # 500 + 200, 100 s
    .venv/bin/python perf/slow_clients.py --restd-args "--max-connections 124"
    .venv/bin/python perf/slow_clients.py --restd-args "--max-connections 124 --max-connections-per-peer 64"
"""
from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import re
import resource
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CLUSTER_SH = REPO / "conf" / "cluster" / "cluster.sh"
SERVICE_USER = "restd"
PROBE_USER = "alice"
MAX_SLOW = 5000  # per kind: the script's own bound
MAX_SECONDS = 900
RECONNECT_PAUSE = 0.1  # after the server closed a slow connection: bounds our own CPU


def cluster_dir() -> Path:
    return Path(subprocess.run(["bash", str(CLUSTER_SH), "dir"], check=True,
                               capture_output=True, text=True).stdout.strip())


def token(user: str) -> str:
    out = subprocess.run(["bash", str(CLUSTER_SH), "token", user, "3600"], check=True,
                         capture_output=True, text=True).stdout.strip()
    return out.split("=", 1)[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Restd:
    """restd started as the service user on 127.0.0.1; stopped by its pid."""

    def __init__(self, port: int, extra_args: list[str], log: Path):
        self.port, self.log = port, log
        conf = cluster_dir() / "etc" / "slurm.conf"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLURM", "RESTD_"))}
        env.update(SLURM_CONF=str(conf), SLURM_JWT="daemon")
        with open(log, "wb") as out:
            self.process = subprocess.Popen(
                ["setpriv", f"--reuid={SERVICE_USER}", f"--regid={SERVICE_USER}", "--init-groups",
                 str(REPO / ".venv" / "bin" / "python"), "-m", "restd", f"127.0.0.1:{port}",
                 "-a", "jwt", "-s", "slurmctld", "-d", "v0.0.40", *extra_args],
                env=env, stdout=out, stderr=out, cwd="/tmp", stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while not re.search(rf"listening on 127\.0\.0\.1:{port}\b", log.read_text(errors="replace")):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                sys.exit(f"restd did not start: see {log}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class SlowClients:
    """Keeps ``count`` slow connections of one kind open until ``stop`` is set."""

    def __init__(self, kind: str, port: int, count: int, interval: float, source: str):
        self.kind, self.port, self.count, self.interval = kind, port, count, interval
        self.source = source
        self.open = 0
        self.peak_open = 0
        self.opened = 0
        self.closed_by_server = 0
        self.failed_to_connect = 0
        self.answers: dict[str, int] = {}

    def head(self) -> bytes:
        if self.kind == "header":
            return b"GET /slurm/v0.0.40/ping HTTP/1.1\r\nHost: localhost\r\n"
        return (b"POST /slurm/v0.0.40/job/submit HTTP/1.1\r\nHost: localhost\r\n"
                b"Content-Type: application/json\r\nContent-Length: 1000000\r\n\r\n")

    def trickle(self) -> bytes:
        return b"X-Slow: 1\r\n" if self.kind == "header" else b" "

    async def one(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                reader, writer = await asyncio.open_connection(
                    "127.0.0.1", self.port, local_addr=(self.source, 0))
            except OSError:
                self.failed_to_connect += 1
                await asyncio.sleep(self.interval)
                continue
            self.opened += 1
            self.open += 1
            self.peak_open = max(self.peak_open, self.open)
            try:
                writer.write(self.head())
                while not stop.is_set():
                    try:
                        answer = await asyncio.wait_for(reader.read(4096), self.interval)
                    except asyncio.TimeoutError:
                        writer.write(self.trickle())
                        continue
                    status = answer.split(b" ", 2)[1].decode() if answer.startswith(b"HTTP/") else "closed"
                    self.answers[status] = self.answers.get(status, 0) + 1
                    self.closed_by_server += 1
                    break
            except OSError:
                self.closed_by_server += 1
                self.answers["reset"] = self.answers.get("reset", 0) + 1
            finally:
                self.open -= 1
                writer.close()
            await asyncio.sleep(RECONNECT_PAUSE)

    async def run(self, stop: asyncio.Event) -> None:
        # Opened gradually (a few per millisecond), as a real crowd arrives.
        tasks = []
        for _ in range(self.count):
            tasks.append(asyncio.ensure_future(self.one(stop)))
            await asyncio.sleep(0.002)
        await asyncio.gather(*tasks)

    def report(self) -> dict:
        return {"kind": f"slow {self.kind}", "wanted": self.count, "peak_open": self.peak_open,
                "opened": self.opened, "closed_by_server": self.closed_by_server,
                "server_answers": self.answers, "failed_to_connect": self.failed_to_connect}


async def probe(port: int, request: bytes, timeout: float) -> tuple[bool, float, str]:
    started = time.monotonic()
    writer = None
    try:
        async with asyncio.timeout(timeout):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(request)
            answer = await reader.read()
        status = answer.split(b" ", 2)[1].decode() if answer.startswith(b"HTTP/") else "no answer"
        ok = status == "200" and b'"pinged": "UP"' in answer
        return ok, time.monotonic() - started, status
    except (OSError, TimeoutError) as error:
        return False, time.monotonic() - started, type(error).__name__
    finally:
        if writer is not None:
            writer.close()


async def probes(port: int, request: bytes, seconds: float, interval: float,
                 timeout: float) -> dict:
    results = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        results.append(await probe(port, request, timeout))
        await asyncio.sleep(interval)
    latencies = sorted(ms for ok, ms, _ in results if ok)
    outcomes: dict[str, int] = {}
    for _, _, status in results:
        outcomes[status] = outcomes.get(status, 0) + 1

    def percentile(p: float):
        if not latencies:
            return None
        return round(1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))], 1)

    return {"probes": len(results), "succeeded": len(latencies),
            "success_rate": round(len(latencies) / len(results), 4) if results else None,
            "p50_ms": percentile(0.50), "p99_ms": percentile(0.99),
            "max_ms": round(1000 * latencies[-1], 1) if latencies else None,
            "mean_ms": round(1000 * statistics.mean(latencies), 1) if latencies else None,
            "outcomes": outcomes}


def run_crowds(args, port: int, ready, stop, results) -> None:
    """The slow clients, in a process of their own so that their load on the client side
    does not slow the probes down: ``ready`` once every slow client has connected (or
    after 30 s), until ``stop``; their report goes to ``results``."""
    # Our own connections: slow ones and a margin.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = args.slow_headers + args.slow_bodies + 256
    if soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, needed), hard))

    async def crowds() -> dict:
        stopping = asyncio.Event()
        crowds = [SlowClients("header", port, args.slow_headers, args.byte_interval, args.slow_source),
                  SlowClients("body", port, args.slow_bodies, args.byte_interval, args.slow_source)]
        running = [asyncio.ensure_future(crowd.run(stopping)) for crowd in crowds]
        ramp_end = time.monotonic() + 30
        while (time.monotonic() < ramp_end
               and any(crowd.opened < crowd.count for crowd in crowds)):
            await asyncio.sleep(0.1)
        ready.set()
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, stop.wait, MAX_SECONDS)
        open_at_end = {crowd.kind: crowd.open for crowd in crowds}
        stopping.set()
        await asyncio.wait(running, timeout=args.byte_interval + 5)
        return {"slow_open_at_end": open_at_end, "slow_clients": [crowd.report() for crowd in crowds]}

    results.put(asyncio.run(crowds()))


def measure(args, port: int) -> dict:
    request = (f"GET /slurm/v0.0.40/ping HTTP/1.1\r\nHost: localhost\r\n"
               f"X-SLURM-USER-TOKEN: {token(PROBE_USER)}\r\nConnection: close\r\n\r\n").encode()
    report = {"baseline": asyncio.run(probes(port, request, args.baseline, args.probe_interval,
                                             args.probe_timeout))}
    ready, stop, results = multiprocessing.Event(), multiprocessing.Event(), multiprocessing.Queue()
    crowd = multiprocessing.Process(target=run_crowds, args=(args, port, ready, stop, results))
    crowd.start()
    try:
        ready.wait(60)
        report["under_slow_clients"] = asyncio.run(probes(
            port, request, args.duration, args.probe_interval, args.probe_timeout))
        stop.set()
        report.update(results.get(timeout=args.byte_interval + 30))
    finally:
        stop.set()
        crowd.join(30)
        if crowd.is_alive():
            crowd.kill()
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, help="a restd already listening on 127.0.0.1")
    parser.add_argument("--restd-args", default="", help="extra restd arguments")
    parser.add_argument("--slow-headers", type=int, default=500)
    parser.add_argument("--slow-bodies", type=int, default=200)
    parser.add_argument("--slow-source", default="127.0.0.2",
                        help="loopback address the slow clients connect from")
    parser.add_argument("--byte-interval", type=float, default=1.0,
                        help="seconds between a slow client's bytes")
    parser.add_argument("--baseline", type=float, default=10.0, help="seconds of probes alone")
    parser.add_argument("--duration", type=float, default=100.0,
                        help="seconds of probes among the slow clients")
    parser.add_argument("--probe-interval", type=float, default=0.1)
    parser.add_argument("--probe-timeout", type=float, default=5.0)
    parser.add_argument("--json", type=Path, help="also write the report here")
    args = parser.parse_args()
    if not (0 <= args.slow_headers <= MAX_SLOW and 0 <= args.slow_bodies <= MAX_SLOW):
        parser.error(f"at most {MAX_SLOW} slow connections of each kind")
    if not args.slow_source.startswith("127."):
        parser.error("--slow-source: loopback (127.x.y.z) only")
    if args.baseline + args.duration > MAX_SECONDS:
        parser.error(f"at most {MAX_SECONDS} s of probes")
    daemon = None
    port = args.port
    if port is None:
        port = free_port()
        log = Path("/tmp") / f"restd-slow-clients-{port}.log"
        daemon = Restd(port, args.restd_args.split(), log)
    try:
        report = measure(args, port)
        if daemon is not None:
            text = daemon.log.read_text(errors="replace")
            report["restd_log"] = {
                "log": str(daemon.log),
                "limit_line": next((line.split(": ", 2)[-1] for line in text.splitlines()
                                    if "open files limit" in line), None),
                "408_answers": len(re.findall(r": - - 408 ", text)),
                "tracebacks": text.count("Traceback"),
                "alive_at_end": daemon.process.poll() is None,
            }
    finally:
        if daemon is not None:
            daemon.stop()
    report["command"] = " ".join([Path(sys.argv[0]).as_posix(), *sys.argv[1:]])
    report["settings"] = {k: v for k, v in vars(args).items() if k != "json"}
    print(json.dumps(report, indent=2, default=str))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
