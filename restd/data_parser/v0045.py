"""The v0.0.45 descriptions: v0.0.44 plus what Slurm 26.05 changed in
src/plugins/data_parser/v0.0.45/, declared change by change, each saying what
Slurm changed (``why``). Drafted with ``python -m
restd.data_parser.tools.draft_changes v0.0.44 v0.0.45 --document
../shared/reference/slurmrestd-26.05.5-openapi.json`` and written from
v0.0.45/parsers.c; tests/test_openapi_parity.py checks the result against
slurmrestd 26.05.5's document.

The accounting (slurmdbd) changes are in restd.data_parser.v0045_slurmdb:
its ``CHANGES`` are applied after these, its ``ROOTS`` published with
``ROOTS``.
"""
from __future__ import annotations

from restd.data_parser import rules
from restd.data_parser import v0045_slurmdb as _slurmdb
from restd.data_parser.describe import AddKind, Field as F, Object, UpdateKind
from restd.data_parser.types import ArrayOf, FlagBit, Flags
from restd.data_parser.v0044 import V0044

NAME = "v0.0.45"

# Kinds v0.0.45 adds as request or response bodies (slurmctld side).
ROOTS: tuple[str, ...] = ()

CHANGES = ()

# The request and response bodies of the slurmctld operations v0.0.45 adds
# (their kinds, published with OPERATION_ROOTS).
OPERATION_ROOTS: tuple[str, ...] = ("OPENAPI_JOB_REQUEUE_RESP", "OPENAPI_JOBS_REQUEUE_QUERY",
                                     "OPENAPI_JOBS_REQUEUE_RESP", "OPENAPI_PARTITIONS_MOD_REQ")

_REQUEUE = ("26.05 v0.0.45: GET job/{job_id}/requeue and POST jobs/requeue requeue jobs "
            "with slurm_requeue2() (openapi/slurmctld jobs.c)")
_PARTITIONS = ("26.05 v0.0.45: POST partitions/ creates each partition described, or "
               "updates the one of that name (openapi/slurmctld partitions.c)")

_REQUEST_STEPS = (_REQUEUE + ": POST names its jobs in its body, each parsed as "
                  "unfmt_job_id_string() reads it (PARSE_FUNC(SELECTED_STEP))")

OPERATIONS = (
    AddKind(Flags("OPENAPI_JOB_REQUEUE_FLAGS", None, "uint32_t", (
        FlagBit("Incomplete", "bit", "JOB_RUNNING", 0x1, "INFINITE64", 0xffffffffffffffff),
        FlagBit("Hold", "bit", "JOB_REQUEUE_HOLD", 0x800, "INFINITE64", 0xffffffffffffffff),
        FlagBit("SpecialExit", "bit", "JOB_SPECIAL_EXIT", 0x1000, "INFINITE64",
                0xffffffffffffffff),
        FlagBit("Fail", "bit", "JOB_RECONFIG_FAIL", 0x20000, "INFINITE64", 0xffffffffffffffff,
                hidden=True),
    )), why=_REQUEUE + ": the flags slurm_requeue2() takes "
                       "(PARSER_FLAG_ARRAY(OPENAPI_JOB_REQUEUE_FLAGS))"),
    AddKind(Object("OPENAPI_JOB_REQUEUE_QUERY", None, "openapi_job_requeue_query_t", (
        F("", "OPENAPI_JOB_REQUEUE_FLAGS", "flags"),
    )), why=_REQUEUE + ": GET's flags, each a query parameter"),
    UpdateKind("SELECTED_STEP", {"parse": rules.parse_selected_step},
               why=_REQUEST_STEPS),
    UpdateKind("SELECTED_STEP_LIST", {"component": "selected_step_list"},
               why=_REQUEUE + ": POST's jobs, a component of its own"),
    AddKind(Object("OPENAPI_JOBS_REQUEUE_QUERY", "openapi_jobs_requeue_query",
                   "openapi_jobs_requeue_query_t", (
                       F("flags", "OPENAPI_JOB_REQUEUE_FLAGS", "flags"),
                       F("jobs", "SELECTED_STEP_LIST", "jobs"),
                   )), why=_REQUEUE + ": POST's body"),
    AddKind(ArrayOf("JOB_ARRAY_RESPONSE_MSG_PTR_LIST", "job_array_response_msg_ptr_list",
                    "JOB_ARRAY_RESPONSE_MSG_PTR", "list_t *", checked=False),
            why=_REQUEUE + ": POST answers slurm_requeue2()'s answer per job"),
    AddKind(rules.response("OPENAPI_JOB_REQUEUE_RESP", "openapi_resp_single_t", "status",
                           "JOB_ARRAY_RESPONSE_MSG_PTR"), why=_REQUEUE),
    AddKind(rules.response("OPENAPI_JOBS_REQUEUE_RESP", "openapi_resp_single_t", "status",
                           "JOB_ARRAY_RESPONSE_MSG_PTR_LIST"), why=_REQUEUE),
    AddKind(ArrayOf("UPDATE_PARTITION_MSG_LIST", "update_partition_msg_list",
                    "PARTITION_INFO", "list_t *", checked=False),
            why=_PARTITIONS + ": partitions described as GET partitions/ answers them "
                              "(update_part_msg_t is partition_info_t)"),
    AddKind(Object("OPENAPI_PARTITIONS_MOD_REQ", "openapi_partitions_mod_req",
                   "openapi_part_mod_req_t", (
                       F("partitions", "UPDATE_PARTITION_MSG_LIST", "partition_list",
                         required=True),
                       F("meta", "OPENAPI_META_PTR", "meta"),
                       F("errors", "OPENAPI_ERRORS", "errors"),
                       F("warnings", "OPENAPI_WARNINGS", "warnings"),
                   )), why=_PARTITIONS + ": the body"),
)

V0045 = V0044.derive(
    NAME, (*CHANGES, *OPERATIONS, *_slurmdb.CHANGES, *_slurmdb.QUERY_CHANGES),
    roots=(*ROOTS, *OPERATION_ROOTS, *_slurmdb.ROOTS))
V0045.check()
