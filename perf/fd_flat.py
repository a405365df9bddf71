#!/usr/bin/env python3
"""restd's file descriptors and memory over many slurmdb requests that slurmdbd refuses
(issue 10: each one used to leave a socket open). A measurement, not a test: it reports.

It starts restd as the service user (JWT, slurmctld and slurmdbd endpoints, as the tests
and perf/bench.py do) on the local cluster, sends --requests GET requests that slurmdbd
refuses to alice (diag, config, wckeys, wckey/{id}, in turn) over --clients keep-alive
connections, and samples restd's descriptor count (/proc/PID/fd) and RSS every
--every requests. It stops at --requests or after --max-seconds, whichever comes first,
and writes perf/results/fd_flat.md.

    RESTD_CLUSTER_PORT_BASE=17810 .venv/bin/python perf/fd_flat.py --requests 10000
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402  (perf/bench.py: the cluster, tokens, the daemon)

REFUSED = ("diag", "config", "wckeys", "wckey/rt_fd_probe")


def descriptors(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--every", type=int, default=1000)
    parser.add_argument("--max-seconds", type=float, default=1800)
    args = parser.parse_args()

    env = bench.slurm_env(bench.cluster_dir() / "etc" / "slurm.conf", SLURM_JWT="daemon")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    bench.RESULTS.mkdir(parents=True, exist_ok=True)
    token = bench.token("alice")
    daemon = bench.Daemon("restd-fd-flat", [str(bench.REPO / ".venv" / "bin" / "python"), "-m",
                                            "restd", "-a", "jwt", "-s", "slurmctld,slurmdbd",
                                            "-d", "v0.0.40", f"127.0.0.1:{port}"],
                          port, "v0.0.40", {**env, "PYTHONPATH": str(bench.REPO)},
                          {"X-SLURM-USER-TOKEN": token}, "v0.0.40")
    daemon.start()
    pid = daemon.process.pid
    headers = {"X-SLURM-USER-TOKEN": token, "Accept": "application/json"}
    lock = threading.Lock()
    sent = 0
    statuses: dict[int, int] = {}

    def refused(connection: http.client.HTTPConnection, path: str) -> None:
        connection.request("GET", f"/slurmdb/v0.0.40/{path}", headers=headers)
        response = connection.getresponse()
        body = json.loads(response.read())
        assert response.status == 403 and body["errors"], (path, response.status, body)
        with lock:
            statuses[response.status] = statuses.get(response.status, 0) + 1

    connections = [http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                   for _ in range(args.clients)]
    for connection in connections:  # open, and libslurm's plugins loaded: the baseline
        refused(connection, REFUSED[0])
    samples = [(0, descriptors(pid), daemon.rss_mib(), 0.0)]
    start = time.monotonic()

    def client(index: int) -> None:
        nonlocal sent
        number = index
        while True:
            with lock:
                if sent >= args.requests or time.monotonic() - start > args.max_seconds:
                    return
                sent += 1
                ordinal = sent
            refused(connections[index], REFUSED[number % len(REFUSED)])
            number += 1
            if ordinal % args.every == 0:
                sample = (ordinal, descriptors(pid), daemon.rss_mib(),
                          time.monotonic() - start)
                with lock:
                    samples.append(sample)

    try:
        with ThreadPoolExecutor(args.clients) as pool:
            list(pool.map(client, range(args.clients)))
        elapsed = time.monotonic() - start
        after = (descriptors(pid), daemon.rss_mib())
        alive = daemon.process.poll() is None
        answered = alive and bool(daemon.get("ping"))
    finally:
        for connection in connections:
            connection.close()
        daemon.stop()
    samples.sort()

    lines = [f"# restd descriptors over {sent} refused slurmdb requests (alice)", "",
             f"{args.clients} keep-alive connections, {', '.join(REFUSED)} in turn; "
             f"{elapsed:.0f} s ({sent / elapsed:.0f} requests/s); statuses "
             + ", ".join(f"{status}: {count}" for status, count in sorted(statuses.items()))
             + f"; restd alive at the end: {alive}, ping answered: {answered}.", "",
             "Descriptors while requests run include the slurmdbd sockets of the requests in "
             f"flight (up to {args.clients}); after: once every request is answered.", "",
             "| requests | descriptors | RSS MiB | s |", "| ---: | ---: | ---: | ---: |"]
    lines += [f"| {count} | {fds} | {rss:.0f} | {at:.0f} |" for count, fds, rss, at in samples]
    lines.append(f"| after {sent} | {after[0]} | {after[1]:.0f} | {elapsed:.0f} |")
    report = "\n".join(lines) + "\n"
    (bench.RESULTS / "fd_flat.md").write_text(report)
    print(report)
    return 0 if alive else 1


if __name__ == "__main__":
    sys.exit(main())
