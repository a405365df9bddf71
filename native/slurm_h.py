"""The constants of <slurm/slurm.h> (and <slurm/slurmdb.h>) that restd's Python code
uses, by their C names.

One source for them, so that no plugin writes ``0xFFFFFFFE`` beside a ``NO_VAL``
of its own. They are plain numbers, usable before libslurm is loaded (a request's
path parameters are read before its worker job runs); their values have been the
same in every Slurm restd supports (22.05 to 26.05), and
tests/test_native.py checks each against the headers the binding is compiled
with (``restd._libslurm``), so a Slurm that changes one fails there, not in an
answer.
"""
from __future__ import annotations

# "not set" and "unlimited" of each integer size
NO_VAL = 0xFFFFFFFE
NO_VAL16 = 0xFFFE
NO_VAL64 = 0xFFFFFFFFFFFFFFFE
INFINITE = 0xFFFFFFFF
INFINITE16 = 0xFFFF
INFINITE64 = 0xFFFFFFFFFFFFFFFF

MAX_JOB_ID = 0x03FFFFFF  # the largest job id slurmctld hands out

# the step ids of a job's special steps
SLURM_PENDING_STEP = 0xFFFFFFFD
SLURM_EXTERN_CONT = 0xFFFFFFFC
SLURM_BATCH_SCRIPT = 0xFFFFFFFB
SLURM_INTERACTIVE_STEP = 0xFFFFFFFA

# show_flags of the slurm_load_*() calls, as the "flags" query parameter names them
SHOW_FLAGS = {"ALL": 0x0001, "DETAIL": 0x0002, "MIXED": 0x0008, "LOCAL": 0x0010,
              "SIBLING": 0x0020, "FEDERATION": 0x0040, "FUTURE": 0x0080}
SHOW_ALL = SHOW_FLAGS["ALL"]
SHOW_DETAIL = SHOW_FLAGS["DETAIL"]

# slurm.conf's PrivateData (slurm_conf.private_data): what slurmctld hides from users
# who are not operators (the objects restd shares answers of across users)
PRIVATE_DATA_JOBS = 0x0001
PRIVATE_DATA_NODES = 0x0002
PRIVATE_DATA_PARTITIONS = 0x0004
PRIVATE_DATA_RESERVATIONS = 0x0040

# enum job_states: the base state is job_state & JOB_STATE_BASE
JOB_PENDING = 0
JOB_RUNNING = 1
JOB_SUSPENDED = 2
JOB_STATE_BASE = 0x000000FF


# how QOS preempt (slurm.h PREEMPT_MODE_*)
PREEMPT_MODE_OFF = 0x0000
PREEMPT_MODE_SUSPEND = 0x0001
PREEMPT_MODE_REQUEUE = 0x0002
PREEMPT_MODE_CANCEL = 0x0008
PREEMPT_MODE_GANG = 0x8000

# <slurm/slurmdb.h>: slurmdb_job_cond_t's flags (JOBCOND_FLAG_*) and db_flags
JOBCOND_FLAG_DUP = 1 << 0
JOBCOND_FLAG_NO_STEP = 1 << 1
JOBCOND_FLAG_NO_TRUNC = 1 << 2
JOBCOND_FLAG_RUNAWAY = 1 << 3
JOBCOND_FLAG_WHOLE_HETJOB = 1 << 4
JOBCOND_FLAG_NO_WHOLE_HETJOB = 1 << 5
JOBCOND_FLAG_NO_WAIT = 1 << 6
JOBCOND_FLAG_NO_DEFAULT_USAGE = 1 << 7
JOBCOND_FLAG_SCRIPT = 1 << 8
JOBCOND_FLAG_ENV = 1 << 9
SLURMDB_JOB_FLAG_NOTSET = 1 << 0
SLURMDB_JOB_FLAG_SUBMIT = 1 << 1
SLURMDB_JOB_FLAG_SCHED = 1 << 2
SLURMDB_JOB_FLAG_BACKFILL = 1 << 3
SLURMDB_JOB_FLAG_START_R = 1 << 4
# the "deleted" flag of an account and of a user (enum members: not declared by the
# binding, so not checked; bit 0 of slurmdb_acct_flags_t and slurmdb_user_flags_t)
SLURMDB_ACCT_FLAG_DELETED = 1 << 0
SLURMDB_USER_FLAG_DELETED = 1 << 0


def job_finished(job_state: int) -> bool:
    """IS_JOB_FINISHED(): completed, cancelled, failed, timed out... (any base
    state past SUSPENDED)."""
    return job_state & JOB_STATE_BASE > JOB_SUSPENDED


# C names of the constants above that the binding declares (checked by the tests)
CHECKED = ("NO_VAL", "NO_VAL16", "NO_VAL64", "INFINITE", "INFINITE16", "INFINITE64",
           "MAX_JOB_ID", "SLURM_PENDING_STEP", "SLURM_EXTERN_CONT", "SLURM_BATCH_SCRIPT",
           "SLURM_INTERACTIVE_STEP", "SHOW_ALL", "SHOW_DETAIL", "JOB_PENDING", "JOB_RUNNING",
           "JOB_SUSPENDED", "JOB_STATE_BASE", "PRIVATE_DATA_JOBS", "PRIVATE_DATA_NODES",
           "PRIVATE_DATA_PARTITIONS", "PRIVATE_DATA_RESERVATIONS",
           *(f"SHOW_{name}" for name in SHOW_FLAGS),
           "PREEMPT_MODE_OFF", "PREEMPT_MODE_SUSPEND", "PREEMPT_MODE_REQUEUE",
           "PREEMPT_MODE_CANCEL", "PREEMPT_MODE_GANG",
           "JOBCOND_FLAG_DUP", "JOBCOND_FLAG_NO_STEP", "JOBCOND_FLAG_NO_TRUNC",
           "JOBCOND_FLAG_RUNAWAY", "JOBCOND_FLAG_WHOLE_HETJOB", "JOBCOND_FLAG_NO_WHOLE_HETJOB",
           "JOBCOND_FLAG_NO_WAIT", "JOBCOND_FLAG_NO_DEFAULT_USAGE", "JOBCOND_FLAG_SCRIPT",
           "JOBCOND_FLAG_ENV", "SLURMDB_JOB_FLAG_NOTSET", "SLURMDB_JOB_FLAG_SUBMIT",
           "SLURMDB_JOB_FLAG_SCHED", "SLURMDB_JOB_FLAG_BACKFILL", "SLURMDB_JOB_FLAG_START_R")


def check(lib) -> dict[str, tuple[int, int]]:
    """The constants whose value here differs from ``lib``'s: {name: (here, lib)}."""
    return {name: (globals()[name] if name in globals() else SHOW_FLAGS[name[5:]],
                   getattr(lib, name))
            for name in CHECKED
            if (globals()[name] if name in globals() else SHOW_FLAGS[name[5:]])
            != getattr(lib, name)}
