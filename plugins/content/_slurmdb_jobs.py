"""content/slurmdbd, job history: GET /slurmdb/{data_parser}/jobs/ and job/{job_id}.

As slurmrestd 24.11's openapi/slurmdbd jobs.c: the query becomes a
slurmdb_job_cond_t (its v0.0.40 JOB_CONDITION parser: the same names, lists,
flags and defaults, slurmdb_job_cond_def_start_end() included), the local
cluster is the default, and slurmdb_jobs_get() answers as the requesting user
(slurmdbd itself decides what that user may see: other users' batch scripts
and environments only for administrators and coordinators).

Where restd reads the query better than slurmrestd 24.11 does, on purpose:
- times (start_time, end_time, submit_time) are read as sacct reads -S/-E
  (libslurm's parse_time() with past=1: ``now-2days``, ``2026-11-25T08:00``,
  ``11/25``, ``noon``), besides seconds since the epoch;
- ``state`` takes sacct's short names too (``CD,F``), ``reason`` reason names,
  ``qos`` QOS names and ``reservation`` reservation names, converted to the
  numbers slurmdbd compares with (slurmrestd passes reason and QOS names
  through, which match nothing, and slurmdbd 22.05 compares the job indexes of
  a reservation name with reservation ids, filtering nothing when none match);
- list filters holding a quote or a backslash are refused (slurmdbd 22.05
  pastes them into its SQL unescaped);
- ``exit_code`` selects the jobs that exited with that code (slurmdbd ignores
  job_cond.exitcode: slurmrestd's filter selects nothing out);
- cpus, nodes and timelimit ranges are ranges: a minimum alone is "at least"
  (slurmdbd: "exactly") and a maximum alone "at most" (slurmdbd ignores it);
- a step that Slurm's own parser would stop the daemon on (``step=x``: libslurm
  calls fatal()) is a 422 naming the parameter, checked before libslurm sees it.

The answer streams (restd.plugin_api.Records with a batch): slurmdbd's list is
kept as libslurm returned it and converted 500 jobs at a time while the answer
is written, so a history of 100,000 jobs is never held twice.
"""
from __future__ import annotations

import re
import time
from typing import Any, Callable

from restd.native.slurm_h import (INFINITE, JOBCOND_FLAG_DUP, JOBCOND_FLAG_ENV,
                                  JOBCOND_FLAG_NO_DEFAULT_USAGE, JOBCOND_FLAG_NO_TRUNC,
                                  JOBCOND_FLAG_RUNAWAY, JOBCOND_FLAG_SCRIPT, NO_VAL,
                                  SLURMDB_JOB_FLAG_NOTSET)
from restd.plugin_api import Parameter
from restd.plugins.content import slurmdbd
from restd.plugins.content._backend import Worker, invalid_query
from restd.plugins.content.slurmdbd import _run, _values, q_csv, q_ids, read_query

# What libslurm's step parser (slurm_parse_step_str) reads without calling
# fatal(): job[_task|+het_offset][.step[+het_component]].
STEP_PATTERN = re.compile(r"\d{1,10}(?:_\d{1,10}|\+\d{1,10})?"
                          r"(?:\.(?:\d{1,10}|batch|extern|interactive)(?:\+\d{1,10})?)?")

BATCH = 500  # jobs converted per worker job while the answer is written
JOB_LIST_TYPE = "JOB_LIST"  # the data_parser kind of slurmdbd's job records


# --- query -> slurmdb_job_cond_t ---------------------------------------------------------

def _last(value) -> str:
    return str(_values(value)[-1]).strip()


def q_uint32(value, name):
    text = _last(value)
    if not text.isdecimal() or int(text) >= NO_VAL:
        raise invalid_query(f"Unable to parse {name}: expected a number but got {text!r}",
                            f"#/{name}")
    return int(text)


def q_int32(value, name):
    text = _last(value)
    if not re.fullmatch(r"[+-]?\d{1,10}", text) or not -2**31 <= int(text) < 2**31:
        raise invalid_query(f"Unable to parse {name}: expected a number but got {text!r}",
                            f"#/{name}")
    return int(text)



def q_sacct_time(value, name):
    """Seconds since the epoch, or a time as sacct -S/-E read it."""
    from restd.native import parsing
    text = _last(value)
    if text.isdecimal():
        return int(text)
    moment = parsing.parse_time(text, past=True) if text else None
    if moment is None:
        raise invalid_query(f"Unable to parse {name}: invalid time {text!r} (expected "
                            f"seconds since the epoch or a time as sacct -S takes)",
                             f"#/{name}")
    return moment


def _ids(lookup: Callable[[str], Any], what: str):
    def convert(value, name):
        out = []
        for item in q_csv(value, name):
            number = int(item) if item.isdecimal() else lookup(item)
            if number is None:
                raise invalid_query(f"Unable to parse {name}: unknown {what} {item!r}",
                                    f"#/{name}")
            out.append(str(number))
        return out
    return convert


def _user_id(name: str):
    import pwd
    try:
        return pwd.getpwnam(name).pw_uid
    except KeyError:
        return None


def _group_id(name: str):
    import grp
    try:
        return grp.getgrnam(name).gr_gid
    except KeyError:
        return None


def _state_number(name: str):
    from restd.native import parsing
    return parsing.job_state_num(name)


def _reason_number(name: str):
    from restd.native import parsing
    return parsing.job_reason_num(name)


def q_steps(value, name):
    items = q_csv(value, name)
    for item in items:
        if not STEP_PATTERN.fullmatch(item):
            raise invalid_query(f"Unable to parse {name}: invalid job or step id {item!r} "
                                f"(expected job[_task|+offset][.step])", f"#/{name}")
    return items


# How restd reads JOB_CONDITION's members (by C member; the kind of the request's
# version names the parameters: restd.plugins.content.slurmdbd.read_query).
JOB_CONDITION_READERS = {
    "associd_list": q_ids,
    "cpus_max": q_uint32,
    "cpus_min": q_uint32,
    "exitcode": q_int32,
    "groupid_list": _ids(_group_id, "group"),
    "nodes_max": q_uint32,
    "nodes_min": q_uint32,
    "qos_list": q_csv,  # names: resolved with the database's QOS list
    "reason_list": _ids(_reason_number, "job state reason"),
    "resvid_list": q_ids,
    "state_list": _ids(_state_number, "job state"),
    "step_list": q_steps,
    "timelimit_max": q_uint32,
    "timelimit_min": q_uint32,
    "usage_end": q_sacct_time,
    "usage_start": q_sacct_time,
    "JOB_CONDITION_SUBMIT_TIME": q_sacct_time,
    "userid_list": _ids(_user_id, "user"),
}
def job_condition(query: dict[str, Any], warn: Callable[[str, str], None], cluster: str,
                  now: float | None = None, version=None) -> dict[str, Any]:
    """The slurmdb_job_cond_t (C member names) for a jobs/ query read as
    JOB_CONDITION of ``version`` (the request's; v0.0.40 when not given), with
    slurmrestd's defaults: db_flags scheduler_unset, flags show_duplicates and
    disable_truncate_usage_time when none is given, usage times as sacct's,
    the local cluster. Raises RequestFailed (422) naming a bad parameter."""
    if version is None:
        from restd.data_parser.v0040 import V0040 as version
    values = read_query(query, warn, version, "JOB_CONDITION", JOB_CONDITION_READERS)
    # the flags set by name (macro -> bit, as the version's flag tables give them)
    bits = {member: {bit.value_name: bit.value for bit in version.kind(table).bits}
            for member, table in (("flags", "JOB_CONDITION_FLAGS"),
                                  ("db_flags", "JOB_CONDITION_DB_FLAGS"))}
    cond: dict[str, Any] = {"flags": 0, "db_flags": 0}
    for sets, value in values.items():
        member = next((member for member, table in bits.items() if sets in table), None)
        if member is not None:
            cond[member] |= bits[member][sets] if value else 0
        elif sets != "JOB_CONDITION_SUBMIT_TIME":
            cond[sets] = value
    _ranges(cond)
    if "JOB_CONDITION_SUBMIT_TIME" in values:  # submit_time: usage_start, as submit time
        cond["usage_start"] = values["JOB_CONDITION_SUBMIT_TIME"]
        cond["flags"] |= JOBCOND_FLAG_NO_DEFAULT_USAGE
    if not cond["db_flags"]:
        cond["db_flags"] = SLURMDB_JOB_FLAG_NOTSET
    if not cond["flags"]:
        cond["flags"] = JOBCOND_FLAG_DUP | JOBCOND_FLAG_NO_TRUNC
    _default_start_end(cond, time.time() if now is None else now)
    if not cond.get("cluster_list"):
        cond["cluster_list"] = [cluster]
    return cond


RANGES = (("cpus_min", "cpus_max"), ("nodes_min", "nodes_max"),
          ("timelimit_min", "timelimit_max"))


def _ranges(cond: dict[str, Any]) -> None:
    """slurmdbd reads a minimum alone as "exactly" and ignores a maximum alone;
    restd's parameters mean what their names say: the open side is widened
    (to 1 below: a job that never got nodes has none and matches no node range)."""
    for low, high in RANGES:
        if low in cond and high not in cond:
            cond[high] = INFINITE
        elif high in cond and low not in cond:
            cond[low] = 1
        if low in cond and cond[low] > cond[high]:
            raise invalid_query(f"Unable to parse {low}: {cond[low]} is above {high} "
                                f"{cond[high]}", f"#/{low}")


def _default_start_end(cond: dict[str, Any], now: float) -> None:
    """slurmdb_job_cond_def_start_end(): sacct's default usage window, [start, end)."""
    if cond["flags"] & (JOBCOND_FLAG_RUNAWAY | JOBCOND_FLAG_NO_DEFAULT_USAGE):
        return
    now = int(now)
    steps = bool(cond.get("step_list"))
    if cond.get("state_list"):
        if not cond.get("usage_start") and not steps:
            cond["usage_start"] = now
        if cond.get("usage_start") and not cond.get("usage_end"):
            cond["usage_end"] = cond["usage_start"]
    elif not steps and not cond.get("usage_start"):
        today = time.localtime(now)
        cond["usage_start"] = int(time.mktime(
            (today.tm_year, today.tm_mon, today.tm_mday, 0, 0, 0, 0, 0, -1)))
    if not cond.get("usage_end"):
        cond["usage_end"] = now
    # The query excludes the end: include the start when they are equal, and
    # the current second.
    if cond["usage_end"] == cond.get("usage_start", 0) or cond["usage_end"] == now:
        cond["usage_end"] += 1


# --- handlers -------------------------------------------------------------------------------

def _resolve_qos(worker: Worker, cond: dict[str, Any]) -> None:
    """QOS names of the query as the ids slurmdbd compares with."""
    names = cond.get("qos_list")
    if not names:
        return
    table = worker.lookups()
    ids = []
    for name in names:
        qos_id = int(name) if name.isdecimal() else table.qos_id(name)
        if qos_id is None:
            raise invalid_query(f"Unable to parse qos: unknown QOS {name!r}", "#/qos")
        ids.append(str(qos_id))
    cond["qos_list"] = ids


def _job_lookups(worker: Worker, records):
    """What dumping the jobs needs of the database (Slurm's NEED_QOS, NEED_TRES,
    NEED_ASSOC): fetched while the connection is open."""
    if not len(records):
        return worker.lookups()
    assocs = worker.query_list("slurmdb_associations_get", "_dump_jobs",
                               lambda: worker.db.associations_get({"flags": ["with_deleted"]}),
                               ignore_empty=True)
    return worker.lookups(assocs=assocs)


def _resolve_reservations(worker: Worker, cond: dict[str, Any]) -> bool:
    """Reservation names as ids (slurmdbd 22.05 compares the names' job
    indexes with reservation ids, and filters nothing when no job matches).
    False when no reservation can match: the answer is empty."""
    names = cond.pop("resv_list", None)
    if not names:
        return True
    ids = {str(number) for number in worker.query_list(
        "slurmdb_reservations_get", "_dump_jobs",
        lambda: worker.db.reservation_ids(names, cond.get("cluster_list")),
        ignore_empty=True)}
    if cond.get("resvid_list"):
        ids &= set(cond["resvid_list"])
    cond["resvid_list"] = sorted(ids)
    return bool(ids)


async def _answer_jobs(ctx, cond: dict[str, Any]):
    """slurmdb_jobs_get() as the requesting user; the jobs streamed. The records
    belong to the request's resources (plugins/content/_backend.py), handed on to
    the answer, which closes them once written or cut short."""
    def work(worker: Worker):
        _resolve_qos(worker, cond)
        if not _resolve_reservations(worker, cond):
            worker.warn("slurmdb_jobs_get() found nothing", "_dump_jobs")
            return {"jobs": []}
        exit_code = cond.pop("exitcode", None)
        records = worker.query_list("slurmdb_jobs_get", "_dump_jobs",
                                    lambda: worker.db.jobs_get(cond))
        if exit_code is not None:
            # slurmdbd ignores job_cond.exitcode: the jobs that exited with this code
            records.retain_exited_with(exit_code)
            if not len(records):
                worker.warn("slurmdb_jobs_get() found nothing", "_dump_jobs")
        return {"jobs": worker.records(JOB_LIST_TYPE, records, batch=BATCH,
                                       lookups=_job_lookups(worker, records))}
    return await _run(ctx, work)


# v0.0.44's job_altered (SLURMDB_JOB_FLAG_ALTERED): the records sacctmgr's runaway job
# fix changed, which it marks so from Slurm 25.11 on (runaway_job_functions.c); before,
# no record is ever marked, and the filter matches nothing.
def _warn_unmarked_altered(ctx, cond: dict[str, Any]) -> None:
    """job_altered asked of a Slurm whose runaway job fix marks no record altered
    (before 25.11): said, since the empty answer would otherwise read as "no record
    was altered"."""
    from restd.plugins.content import _backend as backend
    table = ctx.data_parser.version.kind("JOB_CONDITION_DB_FLAGS")
    altered = next((bit.value for bit in table.bits
                    if bit.value_name == "SLURMDB_JOB_FLAG_ALTERED"), 0)
    if altered and cond["db_flags"] & altered and backend.slurm_version()[:2] < (25, 11):
        major, minor, _ = backend.slurm_version()
        ctx.warning(f"job_altered matches no job: Slurm {major}.{minor:02d} marks no "
                    f"record altered (the runaway job fix of Slurm 25.11 does)",
                    "#/job_altered")


async def get_jobs(ctx):
    cond = job_condition(ctx.query, ctx.warning, slurmdbd._cluster(),
                         version=ctx.data_parser.version)
    _warn_unmarked_altered(ctx, cond)
    # (named alike in every version's JOB_CONDITION_FLAGS)
    needs_jobs = [name for name, bit in (("show_batch_script", JOBCOND_FLAG_SCRIPT),
                                         ("show_job_environment", JOBCOND_FLAG_ENV))
                  if cond["flags"] & bit]
    if needs_jobs and not cond.get("step_list"):
        # slurmdbd refuses these without job ids ("this is not allowed") and
        # answers nothing: say why instead.
        raise invalid_query(f"{needs_jobs[0]} needs the jobs to be named with step "
                            f"(job ids)", f"#/{needs_jobs[0]}")
    return await _answer_jobs(ctx, cond)


async def get_job(ctx):
    """One job (with its array tasks or het components, as sacct -j): job_id is
    job[_task|+offset][.step]."""
    job_id = ctx.path_params["job_id"]
    if not STEP_PATTERN.fullmatch(job_id):
        raise invalid_query(f"Unable to parse job_id: invalid job id {job_id!r} "
                            f"(expected job[_task|+offset][.step])", "#/job_id")
    cond = {"flags": JOBCOND_FLAG_DUP | JOBCOND_FLAG_NO_TRUNC,
            "db_flags": SLURMDB_JOB_FLAG_NOTSET, "step_list": [job_id],
            "cluster_list": [slurmdbd._cluster()]}
    return await _answer_jobs(ctx, cond)


def operations(op) -> list:
    """The two operations, declared with ``op`` (slurmdbd._op)."""
    return [
        op("GET", "job/{job_id}", "get_job", get_job, "openapi_slurmdbd_jobs_resp",
           (Parameter("job_id", "path"),)),
        op("GET", "jobs/", "get_jobs", get_jobs, "openapi_slurmdbd_jobs_resp",
           query="JOB_CONDITION"),
    ]
