"""sacct's readings of times, job states and reasons, by libslurm itself.

The slurmdb/jobs filters accept what sacct accepts for -S/-E (``now-1day``,
``2026-11-25T08:00``, ``11/25``, ``noon``...), -s (``CD``, ``completed``...) and
-r (``Resources``...); asking libslurm keeps restd's reading identical to
sacct's for every Slurm version instead of re-implementing it.
"""
from __future__ import annotations

from typing import Optional

from restd.native import library

NO_VAL = 0xFFFFFFFE


def parse_time(text: str, past: bool = True) -> Optional[int]:
    """parse_time(): seconds since the epoch, None when not understood.

    ``past``: a time of day without a date is the last one gone by (sacct's
    reading) rather than the next one to come."""
    ffi, lib = library.get()
    moment = lib.slurm_parse_time(text.encode(), 1 if past else 0)
    return int(moment) if moment else None


def job_state_num(name: str) -> Optional[int]:
    """job_state_num(): the JOB_* number of a state name or short name
    ("COMPLETED", "CD"), None for an unknown one."""
    ffi, lib = library.get()
    number = lib.slurm_job_state_num(name.encode())
    return None if number == NO_VAL else int(number)


def job_reason_num(name: str) -> Optional[int]:
    """job_reason_num(): the WAIT_* number of a pending reason ("Resources"),
    None for an unknown one."""
    ffi, lib = library.get()
    number = lib.restd_job_reason_num(name.encode())
    return None if number == NO_VAL else int(number)
