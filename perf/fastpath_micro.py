#!/usr/bin/env python3
"""Micro-benchmark: the jobs/nodes lists dumped to JSON by the Python path
(restd.data_parser with restd.native.services, then orjson) and by the native
fast path (restd.native.fastpath), on the local cluster's data. A benchmark,
not a test: it reports, it never passes or fails (it does check both give the
same bytes, and says so).

    .venv/bin/python perf/fastpath_micro.py                    # the jobs there are
    .venv/bin/python perf/fastpath_micro.py --replicate 10000  # records copied to N
    .venv/bin/python perf/fastpath_micro.py --submit 10000     # N held jobs, cancelled after

--replicate copies the loaded records (shallow, sharing their strings) into a
message of N records: no load on the cluster. --submit fills the cluster with
held jobs of alice named restd-fastpath (cancelled at the end unless --keep).
"""
from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CLUSTER_SH = REPO / "conf" / "cluster" / "cluster.sh"
JOB_NAME = "restd-fastpath"


def cluster_conf() -> Path:
    directory = subprocess.run(["bash", str(CLUSTER_SH), "dir"], capture_output=True,
                               text=True, check=True).stdout.strip()
    return Path(directory) / "etc" / "slurm.conf"


def submit(target: int, conf: Path) -> None:
    """Bring the held restd-fastpath jobs to ``target`` (a failed sbatch, e.g. a
    busy controller, is retried)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLURM_")}
    env["SLURM_CONF"] = str(conf)
    have = subprocess.run(["squeue", "-h", "-n", JOB_NAME, "-t", "PD", "-o", "%i"], env=env,
                          capture_output=True, text=True, check=True).stdout.split()
    count = target - len(have)
    if count <= 0:
        return
    command = ["runuser", "-u", "alice", "--", "env", f"SLURM_CONF={conf}", "sbatch",
               "--hold", "--parsable", "--chdir=/tmp", "-o", "/dev/null", "-J", JOB_NAME,
               "-t", "5", "--wrap", "sleep 600"]
    print(f"submitting {count} held jobs ...", file=sys.stderr)

    def one(_):
        for attempt in range(5):
            if subprocess.run(command, env=env, capture_output=True, cwd="/tmp").returncode == 0:
                return
            time.sleep(0.5 * (attempt + 1))
        raise RuntimeError("sbatch keeps failing")
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        list(pool.map(one, range(count)))


def cancel(conf: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLURM_")}
    env["SLURM_CONF"] = str(conf)
    subprocess.run(["scancel", "-n", JOB_NAME], env=env, check=False)


def replicate(ffi, msg, kind: str, count: int):
    """A message of ``count`` records copied (shallow) from ``msg``'s."""
    c = msg.c
    struct, array_member, msg_type = (("slurm_job_info_t", "job_array", "job_info_msg_t")
                                      if kind == "jobs" else
                                      ("node_info_t", "node_array", "node_info_msg_t"))
    source = getattr(c, array_member)
    size = ffi.sizeof(struct)
    array = ffi.new(f"{struct}[]", count)
    for index in range(count):
        ffi.memmove(array + index, source + index % c.record_count, size)
    copy = ffi.new(f"{msg_type} *")
    copy.record_count = count
    setattr(copy, array_member, array)
    copy.last_update = c.last_update

    class Owner:
        pass
    holder = Owner()
    holder.c, holder.keep = copy, (array, msg)
    return holder


def timed(function, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submit", type=int, default=0, help="fill the cluster to N held jobs")
    parser.add_argument("--replicate", type=int, default=0, help="copy records to N")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the submitted jobs")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()

    conf = cluster_conf()
    os.environ["SLURM_CONF"] = str(conf)
    sys.path.insert(0, str(REPO))
    import orjson

    from restd.data_parser import dump as _dump
    from restd.data_parser.v0040 import V0040
    from restd.native import controller, fastpath, library, services
    ffi, _ = library.load()
    version = V0040.with_services(services.LibslurmServices())

    results = {}
    try:
        if args.submit:
            submit(args.submit, conf)
        for kind in ("jobs", "nodes"):
            start = time.perf_counter()
            msg = controller.load_jobs() if kind == "jobs" else controller.load_nodes()
            load_s = time.perf_counter() - start
            if args.replicate:
                msg = replicate(ffi, msg, kind, args.replicate)
            c = msg.c
            array = c.job_array if kind == "jobs" else c.node_array
            list_kind = "JOB_INFO_MSG" if kind == "jobs" else "NODES"
            fast = fastpath.dump_jobs_json if kind == "jobs" else fastpath.dump_nodes_json

            def python_dump():
                records = [array + index for index in range(c.record_count)]
                return _dump.dump(version, list_kind, records, get=services.get,
                                  warnings=[])
            python_s, python = timed(python_dump, max(1, args.runs // 2))
            orjson_s, python_bytes = timed(
                lambda: orjson.dumps(python, option=orjson.OPT_INDENT_2), args.runs)
            fast_s, fast_bytes = timed(lambda: fast(msg, True, 0), args.runs)
            compact_s, compact_bytes = timed(lambda: fast(msg, False, 0), args.runs)
            results[kind] = {
                "records": c.record_count, "load_s": load_s,
                "python_dump_s": python_s, "python_orjson_s": orjson_s,
                "python_total_s": python_s + orjson_s,
                "fast_pretty_s": fast_s, "fast_compact_s": compact_s,
                "speedup": (python_s + orjson_s) / fast_s if fast_s else None,
                "bytes_pretty": len(fast_bytes),
                "same_pretty_bytes": fast_bytes == python_bytes,
                "same_compact_bytes": compact_bytes == orjson.dumps(python),
            }
    finally:
        if args.submit and not args.keep:
            cancel(conf)
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"{'list':6} {'records':>8} {'load':>9} {'python':>10} {'+orjson':>9} "
          f"{'fast':>9} {'compact':>9} {'speedup':>8} {'MiB':>6}  same bytes")
    for kind, r in results.items():
        print(f"{kind:6} {r['records']:8d} {r['load_s'] * 1e3:7.1f}ms "
              f"{r['python_dump_s'] * 1e3:8.1f}ms {r['python_orjson_s'] * 1e3:7.1f}ms "
              f"{r['fast_pretty_s'] * 1e3:7.2f}ms {r['fast_compact_s'] * 1e3:7.2f}ms "
              f"{r['speedup']:7.0f}x {r['bytes_pretty'] / 2 ** 20:6.1f}  "
              f"{r['same_pretty_bytes'] and r['same_compact_bytes']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
