"""Conversion rules of the accounting (slurmdbd) parsers that data_parser
v0.0.41 and v0.0.42 added or changed (Slurm 24.11's
src/plugins/data_parser/v0.0.41/ and v0.0.42/ parsers.c): what each rule
reads from the records restd.native.accounting returns (C member names) and
what it writes. The version modules (v0041_slurmdb, v0042_slurmdb) only
declare which kind uses which rule.
"""
from __future__ import annotations

import re
import time
from typing import Any, Callable, Optional

from restd.data_parser.types import INFINITE, NO_VAL, Invalid, json_type_name

ESLURM_INVALID_ASSOC = 2057
UINT64_MASK = (1 << 64) - 1


# --- associations ------------------------------------------------------------------------

def dump_assoc_id(assoc: Any, services, get: Callable) -> int:
    """DUMP(ASSOC_ID) from v0.0.41 on: the association's numeric id (v0.0.40
    showed it as an assoc_short object).

    Slurm dumps the id of the association compare_assoc() finds in
    ``args->assoc_list``, 0 when none; but ASSOC_ID does not ask for that list
    (NEED_NONE), so slurmrestd 24.11 has it only when another parser of the
    same answer loaded it. restd dumps the record's own id, the association
    that lookup is meant to find (0 when it has none, as Slurm's 0 or NO_VAL)."""
    assoc_id = int(get(assoc, "id") or 0)
    return 0 if assoc_id >= NO_VAL else assoc_id


def parse_assoc_id(data: Any, ctx, path: str, out: dict) -> None:
    """PARSE(ASSOC_ID) from v0.0.41 on: null, "", 0 and {} are no association;
    a number (or numeric string) is the id; an object is the association by
    account, cluster, partition and user (assoc_short), as v0.0.40 read it.
    Anything else is ESLURM_INVALID_ASSOC ("Expected numeric Association ID")."""
    if data is None or data == "" or data == {}:
        return
    if isinstance(data, dict):
        from restd.data_parser.parse import _set_member
        for key, member in (("account", "acct"), ("cluster", "cluster"),
                            ("partition", "partition"), ("user", "user"), ("id", "id")):
            if key in data and data[key] not in (None, ""):
                _set_member(out, member, data[key] if key != "id" else
                            _assoc_number(data[key]))
        return
    if isinstance(data, bool) or isinstance(data, list):
        raise Invalid(f"Expected numeric Association ID but got {json_type_name(data)}",
                      ESLURM_INVALID_ASSOC)
    number = _assoc_number(data)
    if number:
        out["id"] = number


def _assoc_number(data: Any) -> int:
    """An association id as its uint32_t member: whole numbers only."""
    if isinstance(data, float) and data.is_integer():
        data = int(data)
    if isinstance(data, str) and data.strip().isdecimal():
        data = int(data)
    if not isinstance(data, int) or isinstance(data, bool) or not 0 <= data < NO_VAL:
        raise Invalid(f"Unable to convert {data!r} to integer for association id")
    return data


# --- slurmdbd statistics -----------------------------------------------------------------

# slurmdb_rollup_stats_t's arrays are indexed by DBD_ROLLUP_HOUR, _DAY, _MONTH
ROLLUP_PERIODS = ("DBD_ROLLUP_HOUR", "DBD_ROLLUP_DAY", "DBD_ROLLUP_MONTH")
ROLLUP_MEMBERS = ("count", "timestamp", "time_last", "time_max", "time_total")


def rollup_members(stats: dict) -> dict:
    """slurmdb_rollup_stats_t as restd.native.accounting gives it (each member
    a list indexed by period) keyed as the C expressions the ROLLUP_STATS
    fields name ("count[DBD_ROLLUP_HOUR]")."""
    return {f"{member}[{period}]": int(stats[member][index])
            for member in ROLLUP_MEMBERS
            for index, period in enumerate(ROLLUP_PERIODS)}


# --- job records ---------------------------------------------------------------------------

def dump_planned_time(job: Any, services, get: Callable) -> int:
    """DUMP(JOB_PLANNED_TIME): the seconds from eligible to start, as sacct's
    PlannedCPU computes them: 0 when never eligible; end - eligible for a job
    that ended without starting; now - eligible for one still waiting. A
    uint64_t, so the {set, infinite, number} object of UINT64_NO_VAL."""
    eligible = int(get(job, "eligible") or 0)
    start = int(get(job, "start") or 0)
    end = int(get(job, "end") or 0)
    if not eligible or eligible == INFINITE:
        diff = 0
    elif start == NO_VAL and end:
        diff = end - eligible
    elif start:
        diff = start - eligible
    else:
        diff = int(time.time()) - eligible
    return diff & UINT64_MASK


# expand_stdio_fields(): the patterns a stdio path of a job record expands
_STDIO_WILDCARDS = "AabJjNnstux"


def _stdio_value(letter: str, padding: int, job: dict) -> str:
    def number(value: int) -> str:
        return f"{value:0{padding}d}" if padding else str(value)
    if letter == "A":
        return number(job["array_job_id"] or job["jobid"])
    if letter in "Jj":
        return number(job["jobid"])
    if letter == "a":
        return number(job["array_task_id"])
    if letter == "b":
        return number(job["array_task_id"] % 10)
    if letter in "nt":
        return "0"
    # xstrfmtcat() writes a NULL string as "(null)"
    value = {"N": job["first_step_node"], "s": job["first_step_name"],
             "u": job["user"], "x": job["jobname"]}[letter]
    return "(null)" if value is None else str(value)


def expand_stdio_fields(path: Optional[str], job: dict) -> Optional[str]:
    """Slurm's expand_stdio_fields() (src/common/print_fields.c): a job
    record's stdin/stdout/stderr pattern with its fields filled in (%j job id,
    %A array job, %a task, %u user, %x name, %N first step's node, %s its name,
    %n and %t 0, %% a percent sign; "%4j" pads with zeros), prefixed with the
    working directory when relative. A backslash anywhere means "not to be
    expanded": the backslashes are dropped and nothing is replaced."""
    if not path:
        return None
    out = [] if path.startswith("/") else [job["work_dir"] or ""]
    if "\\" in path:
        return "".join(out) + path.replace("\\", "")
    index, length = 0, len(path)
    while index < length:
        char = path[index]
        if char != "%":
            out.append(char)
            index += 1
            continue
        index += 1
        if index >= length:
            out.append("%")
            break
        char = path[index]
        if char == "%":
            out.append("%")
            index += 1
            continue
        padding = 0
        if char.isdigit():
            digits = re.match(r"\d+", path[index:]).group()
            start = index
            if int(digits) > 9:
                padding, index = 10, index + len(digits)
            else:
                padding, index = int(digits), index + 1
            if index >= length or path[index] not in _STDIO_WILDCARDS:
                # Slurm keeps only the last digit of a padding without a pattern
                out.append(digits[-1])
                index = start + len(digits)
                continue
            char = path[index]
        if char in _STDIO_WILDCARDS:
            out.append(_stdio_value(char, padding, job))
        else:
            out.append("%" + char)
        index += 1
    return "".join(out)


def job_stdio(member: str) -> Callable:
    """DUMP(JOB_STDIN), (JOB_STDOUT), (JOB_STDERR): the job record's std_in,
    std_out or std_err expanded with the record's fields (_fill_job_stp():
    the first step gives %N and %s); "" when the record has none (a Slurm
    before 24.05 records none)."""
    def dump(job: Any, services, get: Callable) -> str:
        path = get(job, member)
        if not path:
            return ""
        steps = get(job, "steps") or ()
        first = steps[0] if steps else None
        user = get(job, "user") or services.user_name(int(get(job, "uid") or 0))
        fields = {
            "array_job_id": int(get(job, "array_job_id") or 0),
            "array_task_id": int(get(job, "array_task_id") or 0) & 0xFFFFFFFF,
            "jobid": int(get(job, "jobid") or 0),
            "jobname": get(job, "jobname"), "user": user,
            "work_dir": get(job, "work_dir"),
            "first_step_name": get(first, "stepname") if first is not None else None,
            "first_step_node": get(first, "nodes") if first is not None else None,
        }
        return expand_stdio_fields(path if isinstance(path, str) else path.decode(),
                                   fields) or ""
    return dump


def read_only_complex(name: str) -> Callable:
    """PARSE_DISABLED() of a parser of the whole struct: the value is ignored
    with Slurm's warning."""
    def read_only(data: Any, ctx, path: str, out: dict) -> None:
        ctx.warn(f"Ignoring read-only field of type {name}", path)
    return read_only


# --- slurmdbd ping -------------------------------------------------------------------------

def dump_ping_primary(offset: Any, services) -> bool:
    """DUMP(CONTROLLER_PING_PRIMARY): offset 0 is the primary (slurmdbd's
    DbdHost, as slurmctld's first SlurmctldHost)."""
    return int(offset or 0) == 0

