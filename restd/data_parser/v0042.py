"""The v0.0.42 descriptions: v0.0.41 plus what Slurm 24.11 changed in
src/plugins/data_parser/v0.0.42/ (slurm-24-11-5-1), declared change by
change, each saying what Slurm changed (``why``). Drafted with
``python -m restd.data_parser.tools.draft_changes v0.0.41 v0.0.42`` and
written from v0.0.42/parsers.c; tests/test_openapi_parity.py checks the
result against slurmrestd 24.11.5's document.

Whole-version differences (restd.data_parser.describe.Properties): v0.0.42
publishes its schemas as components again, as v0.0.40 did, and names the
{set, infinite, number} components ``*_no_val_struct``
(``v0.0.42_uint32_no_val_struct``).

Slurm 24.11.5 and 26.05.5 both serve v0.0.42 and their documents of it
disagree; restd follows 26.05's (``CHANGES_26_05``, and the version marked
deprecated, as 26.05 marks the plugins older than its oldest protocol:
openapi.h IS_PLUGIN_DEPRECATED). tests/test_openapi_parity.py lists each
difference from 24.11.5's document by path.

The accounting (slurmdbd) changes are in restd.data_parser.v0042_slurmdb:
its ``CHANGES`` are applied after these, its ``ROOTS`` published with
``ROOTS``.
"""
from __future__ import annotations

from restd.data_parser import rules
from restd.data_parser import v0042_slurmdb as _slurmdb
from restd.data_parser.describe import (AddFields, AddKind, Field as F, Object, RemoveFields,
                                        ReplaceField, UpdateKind)
from restd.data_parser.types import BOOL, Scalar
from restd.data_parser.v0041 import V0041

NAME = "v0.0.42"

# Kinds v0.0.42 adds as request or response bodies (slurmctld side).
ROOTS: tuple[str, ...] = ("OPENAPI_KILL_JOB_RESP",)

_DEPRECATED_23_11 = ("23.11 deprecated these (SLURM_23_11_PROTOCOL_VERSION); "
                     "v0.0.42 no longer has them")

CHANGES = (
    *(UpdateKind(name, {"component": None},
                 why="v0.0.42 writes the removed power and sensor data inline, "
                     "without components of their own")
      for name in ("POWER_FLAGS", "EXT_SENSORS_DATA", "POWER_MGMT_DATA")),
    RemoveFields("JOB_INFO", ("exclusive", "oversubscribe", "show_flags"),
                 why=_DEPRECATED_23_11 + " (show_flags: removed in 24.11)"),
    ReplaceField("JOB_INFO", F("required_switches", "UINT32", "req_switch"),
                 key="minimum_switches",
                 why="24.11 v0.0.42: minimum_switches renamed required_switches "
                     "(the maximum number of switches: 'minimum' was wrong)"),
    AddKind(Object("PART_PRIO", "part_prio", "PART_PRIO_t", (
        F("partition", "STRING", "part"),
        F("priority", "UINT32", "prio"),
    )), why="24.11 v0.0.42: a partition with the job's priority in it (parsers.c PART_PRIO)"),
    AddKind(rules.complex_kind("PRIORITY_BY_PARTITION", rules.dump_priority_by_partition,
                               component="priority_by_partition", item="PART_PRIO"),
            why="24.11 v0.0.42: priority_array per priority_array_names "
                "(DUMP_FUNC(PRIORITY_BY_PARTITION))"),
    AddFields("JOB_INFO", (F("priority_by_partition", "PRIORITY_BY_PARTITION", None),),
              after="priority",
              why="24.11 v0.0.42: the job's prospective priority in each partition"),
    RemoveFields("JOB_DESC_MSG", ("exclusive", "oversubscribe"), why=_DEPRECATED_23_11),
    RemoveFields("JOB_DESC_MSG", ("resv_mpi_ports",),
                 why="24.11 v0.0.42: resv_mpi_ports no longer parsed"),
    AddKind(rules.optional_member("JOB_DESC_MSG_OOM_KILL_STEP", "oom_kill_step", "UINT16", 0),
            why="24.11: oom_kill_step, a member Slurm 22.05 lacks"),
    AddFields("JOB_DESC_MSG", (F("oom_kill_step", "JOB_DESC_MSG_OOM_KILL_STEP", None),),
              after="tasks",
              why="24.11: kill the whole step when one of its tasks runs out of memory"),
    RemoveFields("OPENAPI_JOB_POST_RESPONSE", ("job_id", "step_id", "job_submit_user_msg"),
                 why=_DEPRECATED_23_11 + ": results holds them"),
    RemoveFields("OPENAPI_JOB_SUBMIT_RESPONSE", ("result",), why=_DEPRECATED_23_11),
    AddKind(Scalar("CONTROLLER_PING_PRIMARY", BOOL, "int", rules.dump_ping_primary,
                   rules.read_only("CONTROLLER_PING_PRIMARY")),
            why="24.11 v0.0.42: whether the slurmctld answering is the primary"),
    ReplaceField("CONTROLLER_PING", F("pinged", "CONTROLLER_PING_RESULT", "pinged",
                                      deprecated=True),
                 why="24.11 v0.0.42: pinged deprecated for responding"),
    AddFields("CONTROLLER_PING", (F("responding", "BOOL", "pinged", required=True),),
              after="pinged", why="24.11 v0.0.42: the ping result as a boolean"),
    ReplaceField("CONTROLLER_PING", F("mode", "CONTROLLER_PING_MODE", "offset",
                                      deprecated=True),
                 why="24.11 v0.0.42: mode deprecated for primary"),
    AddFields("CONTROLLER_PING", (F("primary", "CONTROLLER_PING_PRIMARY", "offset",
                                    required=True),),
              after="mode", why="24.11 v0.0.42: primary or backup as a boolean"),
    *(ReplaceField("ASSOC_SHARES_OBJ_WRAP", F(key, "FLOAT64_NO_VAL", member),
                   why="24.11 v0.0.42: as FLOAT64_NO_VAL (a {set, infinite, number})")
      for key, member in (("effective_usage", "obj.usage_efctv"),
                          ("fairshare/factor", "obj.fs_factor"),
                          ("fairshare/level", "obj.level_fs"))),
    ReplaceField("RESERVATION_INFO", F("watts", "UINT32_NO_VAL", None, removed=True),
                 why="v0.0.42 shows the removed watts as a plain UINT32_NO_VAL again"),
    AddKind(rules.response("OPENAPI_KILL_JOB_RESP", "openapi_resp_single_t", "status",
                           "KILL_JOBS_RESP_MSG_PTR"),
            why="24.11 v0.0.42: DELETE job/{job_id} answers each signalled job's "
                "result (OPENAPI_KILL_JOB_RESP)"),
)

# What Slurm 25.05 to 26.05 changed in their copy of v0.0.42/parsers.c (slurm-26-05
# against slurm-24-11-5-1), which restd follows where the two releases' documents differ.
_REMOVED_26_05 = "26.05's v0.0.42 lists it as removed (add_removed), dumped empty"
CHANGES_26_05 = (
    ReplaceField("STATS_MSG", F("parts_packed", "UINT32", None, removed=True, deprecated=True),
                 why=_REMOVED_26_05 + ": removed in 25.11 (SLURM_25_11_PROTOCOL_VERSION)"),
    ReplaceField("STATS_MSG", F("schedule_cycle_sum", "UINT64", "schedule_cycle_sum"),
                 why="25.05: schedule_cycle_sum became a uint64_t, dumped as UINT64"),
    ReplaceField("NODE", F("tres_weighted", "NODE_SELECT_TRES_WEIGHTED", None, removed=True,
                           deprecated=True),
                 why=_REMOVED_26_05 + ": ignored since 25.05 (select_nodeinfo gone)"),
    ReplaceField("UPDATE_NODE_MSG", F("reason_uid", "USER_ID", None, removed=True,
                                      deprecated=True),
                 why=_REMOVED_26_05 + ": slurmctld sets the reason's user itself "
                     "(SLURM_26_05_PROTOCOL_VERSION)"),
    ReplaceField("JOB_SUBMIT_REQ", F("script", "STRING", "script"),
                 why="26.05: script no longer deprecated (the same as jobs[0] or job's)"),
)

V0042 = V0041.derive(
    NAME, (*CHANGES, *CHANGES_26_05, *_slurmdb.CHANGES, *_slurmdb.QUERY_CHANGES),
    roots=(*ROOTS, *_slurmdb.ROOTS),
    inline_schemas=False, no_val_suffix="_struct", plugin_deprecated=True)
V0042.check()
