"""The v0.0.42 accounting (slurmdbd) objects: v0.0.41's
(restd.data_parser.v0041_slurmdb) plus what Slurm 24.11 changed in
src/plugins/data_parser/v0.0.42/parsers.c (slurm-24-11-5-1), change by
change, each saying what Slurm changed (``why``). restd.data_parser.v0042
derives V0042 with ``*CHANGES`` and publishes ``ROOTS``.

Found as v0041_slurmdb's were (the reference document's v0.0.41 and v0.0.42
/slurmdb/ bodies compared field by field, and the parsers.c diff); checked by
tests/test_slurmdb_schema_versions.py.

Members the installed Slurm lacks read as C zero/NULL in
restd.native.accounting (slurmdb_accounting_rec_t.id_alt and
slurmdb_job_rec_t.qos_req and .restart_cnt came with Slurm 24.11), dumped as
slurmrestd dumps those values: 0 and "".
"""
from __future__ import annotations

from restd.data_parser import rules
from restd.data_parser.describe import (AddFields, AddKind, Field as F, Object, RemoveBits,
                                        RemoveFields, ReplaceField, ReplaceKind)
from restd.data_parser.types import ArrayOf, FlagBit, Flags


# PARSER_ARRAY(SLURMDBD_PING): slurmdbd_ping_t, as slurmdb_ping_all() returns it
SLURMDBD_PING = Object("SLURMDBD_PING", "slurmdbd_ping", "slurmdbd_ping_t", (
    F("hostname", "STRING", "hostname", required=True),
    F("responding", "BOOL", "pinged", required=True),
    F("latency", "UINT64", "latency", required=True),
    F("primary", "CONTROLLER_PING_PRIMARY", "offset", required=True),
))

# Where slurmrestd 26.05.5's document of v0.0.42 differs from 24.11.5's,
# restd follows 26.05's (restd.data_parser.v0042.CHANGES_26_05 for slurmctld).
CHANGES_26_05 = (
    RemoveBits("CLUSTER_REC_FLAGS", ("FRONT_END",),
               why="26.05's v0.0.42 no longer lists CLUSTER_FLAG_FE (front end "
                   "clusters gone from Slurm)"),
)

OPENAPI_SLURMDBD_PING_RESP = rules.slurmdb_response("OPENAPI_SLURMDBD_PING_RESP", "pings",
                                                    "SLURMDBD_PING_ARRAY")

CHANGES = (
    AddFields("ACCOUNTING", (F("id_alt", "UINT32", "id_alt"),), after="id",
              why="PARSER_ARRAY(ACCOUNTING) added id_alt "
                  "(slurmdb_accounting_rec_t.id_alt, Slurm 24.11; \"not currently used\")"),
    AddFields("QOS", (F("limits/max/jobs/count", "UINT32_NO_VAL", "grp_submit_jobs"),),
              after="limits/max/active_jobs/count",
              why="PARSER_ARRAY(QOS) added GrpSubmitJobs as limits/max/jobs/count"),
    AddFields("QOS", (F("limits/max/tres/minutes/total", "TRES_STR", "grp_tres_mins"),),
              after="limits/max/tres/total",
              why="PARSER_ARRAY(QOS) added GrpTRESMins as limits/max/tres/minutes/total"),
    AddFields("JOB", (F("qosreq", "STRING", "qos_req"),), after="qos",
              why="PARSER_ARRAY(JOB) added the requested QOS "
                  "(slurmdb_job_rec_t.qos_req, Slurm 24.11)"),
    AddFields("JOB", (F("restart_cnt", "UINT16", "restart_cnt"),),
              after="kill_request_user",
              why="PARSER_ARRAY(JOB) added how many times the job was requeued "
                  "(slurmdb_job_rec_t.restart_cnt, Slurm 24.11)"),
    ReplaceField("STEP", F("pid", "STRING", "pid_str", deprecated=True),
                 why="PARSER_ARRAY(STEP): pid deprecated (SLURM_24_11_PROTOCOL_VERSION)"),
    AddKind(SLURMDBD_PING, why="PARSER_ARRAY(SLURMDBD_PING) came with v0.0.42"),
    AddKind(ArrayOf("SLURMDBD_PING_ARRAY", "slurmdbd_ping_array", "SLURMDBD_PING",
                    "slurmdbd_ping_t *", checked=False),
            why="the array slurmdb_ping_all() returns (one entry per DbdHost)"),
    AddKind(OPENAPI_SLURMDBD_PING_RESP,
            why="add_openapi_response_single(OPENAPI_SLURMDBD_PING_RESP, "
                "SLURMDBD_PING_ARRAY, \"pings\"): the body of GET /slurmdb/v0.0.42/ping"),
    *CHANGES_26_05,
)

# The /slurmdb/ bodies v0.0.42 adds: the slurmdbd ping
ROOTS: tuple[str, ...] = ("OPENAPI_SLURMDBD_PING_RESP",)


# --- query parameters (see v0041_slurmdb.QUERY_CHANGES) --------------------------------

_COND_BIT = ("INFINITE64", 0xffffffffffffffff)

QUERY_CHANGES = (
    AddKind(Flags("QOS_CONDITION_FLAGS", None, "uint16_t", (
        FlagBit("Include deleted QOS", "bit", "QOS_COND_FLAG_WITH_DELETED", 0x1, *_COND_BIT),
    )), why="PARSER_FLAG_ARRAY(QOS_CONDITION_FLAGS): slurmdb_qos_cond_t.flags, whose one "
            "flag is named by its description, \"Include deleted QOS\""),
    RemoveFields("QOS_CONDITION", ("with_deleted",),
                 why="PARSER_ARRAY(QOS_CONDITION): with_deleted "
                     "(QOS_CONDITION_WITH_DELETED_OLD) is gone, replaced by the flag below"),
    AddFields("QOS_CONDITION", (F("", "QOS_CONDITION_FLAGS", "flags"),), after="description",
              why="PARSER_ARRAY(QOS_CONDITION) parses QOS_CONDITION_FLAGS exploded: the "
                  "parameter is named \"Include deleted QOS\", spaces and all"),
    AddKind(Flags("ASSOC_CONDITION_FLAGS", None, "uint32_t", tuple(
        FlagBit(name, "bit", macro, 1 << bit, *_COND_BIT)
        for bit, (name, macro) in enumerate((
            ("Include deleted associations", "ASSOC_COND_FLAG_WITH_DELETED"),
            ("Include usage", "ASSOC_COND_FLAG_WITH_USAGE"),
            ("Filter to only defaults", "ASSOC_COND_FLAG_ONLY_DEFS"),
            ("Include the raw QOS or delta_qos", "ASSOC_COND_FLAG_RAW_QOS"),
            ("Include sub acct information", "ASSOC_COND_FLAG_SUB_ACCTS"),
            ("Exclude parent id/name", "ASSOC_COND_FLAG_WOPI"),
            ("Exclude limits from parents", "ASSOC_COND_FLAG_WOPL"))))),
            why="PARSER_FLAG_ARRAY(ASSOC_CONDITION_FLAGS): slurmdb_assoc_cond_t.flags, "
                "the flags named by their descriptions"),
    RemoveFields("ASSOC_CONDITION", ("only_defaults", "with_usage", "with_deleted",
                                     "with_raw_qos", "with_sub_accts", "without_parent_info",
                                     "without_parent_limits"),
                 why="PARSER_ARRAY(ASSOC_CONDITION): the with_*/without_*/only_defaults "
                     "booleans (ASSOC_CONDITION_*_OLD) are gone, replaced by the flags below"),
    AddFields("ASSOC_CONDITION", (F("", "ASSOC_CONDITION_FLAGS", "flags"),),
              after="default_qos",
              why="PARSER_ARRAY(ASSOC_CONDITION) parses ASSOC_CONDITION_FLAGS exploded: "
                  "one parameter per flag, named by its description"),
    ReplaceKind(Flags("CLUSTER_CLASSIFICATION", None, "uint16_t", (
        FlagBit("UNCLASSIFIED", "equal", "SLURMDB_CLASS_NONE", 0x0, "INFINITE16", 0xffff),
        FlagBit("CAPABILITY", "bit", "SLURMDB_CLASS_CAPABILITY", 0x1, *_COND_BIT),
        FlagBit("CAPACITY", "bit", "SLURMDB_CLASS_CAPACITY", 0x2, *_COND_BIT),
        FlagBit("CAPAPACITY", "bit", "SLURMDB_CLASS_CAPAPACITY", 0x3, *_COND_BIT),
    )), why="PARSER_FLAG_ARRAY(CLUSTER_CLASSIFICATION): the flag \"CAPAPACITY (both "
            "CAPABILITY and CAPACITY)\" is named \"CAPAPACITY\" (SLURMDB_CLASS_CAPAPACITY)"),
)
