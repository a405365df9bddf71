"""The v0.0.44 descriptions: v0.0.43 plus what Slurm 25.11 changed in
src/plugins/data_parser/v0.0.44/, declared change by change, each saying what
Slurm changed (``why``). Drafted with ``python -m
restd.data_parser.tools.draft_changes v0.0.43 v0.0.44 --document
../shared/reference/slurmrestd-26.05.5-openapi.json`` and written from
v0.0.44/parsers.c; tests/test_openapi_parity.py checks the result against
slurmrestd 26.05.5's document.

The accounting (slurmdbd) changes are in restd.data_parser.v0044_slurmdb:
its ``CHANGES`` are applied after these, its ``ROOTS`` published with
``ROOTS``.
"""
from __future__ import annotations

from restd.data_parser import rules
from restd.data_parser import v0044_slurmdb as _slurmdb
from restd.data_parser.describe import (AddBits, AddFields, AddKind, Field as F, Object,
                                        RemoveBits)
from restd.data_parser.types import STRING, ArrayOf, FlagBit, Pointer
from restd.data_parser.v0043 import V0043

NAME = "v0.0.44"

# Kinds v0.0.44 adds as request or response bodies (slurmctld side).
ROOTS: tuple[str, ...] = ()

_ALL64 = ("INFINITE64", 0xFFFFFFFFFFFFFFFF)
_NODE_STATE_FLAGS = ("NODE_STATE_FLAGS", 0xFFFFFFF0)


def _bit(name: str, macro: str, value: int, mask=_ALL64) -> FlagBit:
    return FlagBit(name, "bit", macro, value, *mask)


# PARSER_ARRAY(SLURM_STEP_ID): slurm_step_id_t with the SLUID Slurm 25.11 added
SLURM_STEP_ID_KINDS = (
    rules.scalar("SLUID", STRING, "sluid_t", rules.dump_sluid,
                 rules.read_only("SLUID")),
    Object("SLURM_STEP_ID", "slurm_step_id", "slurm_step_id_t", (
        F("sluid", "SLUID", "sluid"),
        F("job_id", "UINT32_NO_VAL", "job_id"),
        F("step_het_component", "UINT32_NO_VAL", "step_het_comp"),
        F("step_id", "STEP_ID", "step_id"),
    )),
)

CHANGES = (
    *(AddKind(kind, why="25.11 v0.0.44: a step id with its SLUID "
              "(PARSER_ARRAY(SLURM_STEP_ID), DUMP_FUNC(SLUID))") for kind in SLURM_STEP_ID_KINDS),
    AddKind(rules.complex_kind("JOB_INFO_STEP_ID", rules.dump_job_step_id,
                               target="SLURM_STEP_ID"),
            why="25.11 v0.0.44: the job's step id (slurm_job_info_t.step_id, its SLUID)"),
    AddKind(rules.complex_kind("JOB_DESC_MSG_STEP_ID", None, rules.parse_job_desc_step_id,
                               target="SLURM_STEP_ID"),
            why="25.11 v0.0.44: job_desc_msg_t.step_id (its job_id the job id asked for)"),
    AddFields("JOB_INFO", (F("step_id", "JOB_INFO_STEP_ID", None),), after="shared",
              why="25.11 v0.0.44: add_parse(SLURM_STEP_ID, step_id, \"step_id\")"),
    AddKind(rules.optional_member("JOB_INFO_SUBMIT_LINE", "submit_line", "STRING"),
            why="26.05: slurm_job_info_t.submit_line, a member older Slurm lacks"),
    AddFields("JOB_INFO", (F("submit_line", "JOB_INFO_SUBMIT_LINE", None),),
              after="submit_time",
              why="25.11 v0.0.44: the job's submit line (submit_line)"),
    AddFields("JOB_DESC_MSG", (F("step_id", "JOB_DESC_MSG_STEP_ID", None),),
              after="spank_environment",
              why="25.11 v0.0.44: add_parse(SLURM_STEP_ID, step_id, \"step_id\")"),
    AddKind(rules.optional_member("LICENSE_NODES", "nodes", "STRING"),
            why="25.11: slurm_license_info_t.nodes (HRes), a member older Slurm lacks"),
    AddFields("LICENSE", (F("Nodes", "LICENSE_NODES", None),),
              why="25.11 v0.0.44: the nodes of a hierarchical resource (\"Nodes\")"),
    AddBits("JOB_FLAGS", (_bit("SPREAD_SEGMENTS", "SPREAD_SEGMENTS", 1 << 43),
                          _bit("CONSOLIDATE_SEGMENTS", "CONSOLIDATE_SEGMENTS", 1 << 44),
                          _bit("EXPEDITED_REQUEUE", "EXPEDITED_REQUEUE", 1 << 45)),
            why="25.11: segment placement (--segment) and expedited requeue job flags"),
    AddBits("JOB_STATE", (_bit("EXPEDITING", "JOB_EXPEDITING", 1 << 24,
                               ("JOB_EXPEDITING", 1 << 24)),),
            why="25.11: JOB_EXPEDITING, a job checked for expedited requeue"),
    RemoveBits("MEMORY_BINDING_TYPE", ("SORT",),
               why="25.11 v0.0.44: SORT removed (add_flag_removed(\"SORT\"))"),
    AddBits("NODE_STATES", (_bit("EXTERNAL", "NODE_STATE_EXTERNAL", 1 << 4,
                                 _NODE_STATE_FLAGS),),
            after="FUTURE", why="25.05: NODE_STATE_EXTERNAL (a node without slurmd)"),
    AddBits("NODE_STATES", (_bit("BLOCKED", "NODE_STATE_BLOCKED", 1 << 27,
                                 _NODE_STATE_FLAGS),),
            after="DYNAMIC_NORM", why="24.11: NODE_STATE_BLOCKED (exclusive topology), "
                                      "listed from v0.0.44 on"),
    AddBits("RESERVATION_FLAGS", (_bit("NO_ANY_NODES", "RESERVE_FLAG_NO_ANY_NODES", 1 << 9),),
            after="ANY_NODES", why="v0.0.44 lists RESERVE_FLAG_NO_ANY_NODES"),
    AddBits("RESERVATION_FLAGS", (_bit("REPLACE_DOWN", "RESERVE_FLAG_REPLACE_DOWN",
                                       1 << 30),),
            after="NO_HOLD_JOBS_AFTER_END", why="v0.0.44 lists RESERVE_FLAG_REPLACE_DOWN"),
    AddBits("RESERVATION_FLAGS", (_bit("NO_MAGNETIC", "RESERVE_FLAG_NO_MAGNETIC", 1 << 33),),
            after="MAGNETIC", why="v0.0.44 lists RESERVE_FLAG_NO_MAGNETIC"),
    AddBits("RESERVATION_FLAGS", (_bit("FORCE_START", "RESERVE_FLAG_FORCE_START", 1 << 42),),
            after="USER_DELETE", why="25.05: RESERVE_FLAG_FORCE_START"),
    AddBits("RESERVATION_FLAGS", (_bit("TRES_PER_NODE", "RESERVE_TRES_PER_NODE", 1 << 38),),
            after="REOCCURRING",
            why="v0.0.44 lists RESERVE_TRES_PER_NODE (for POSTed reservations)"),
)

# The request and response bodies of the slurmctld operations v0.0.44 adds
# (their kinds, published with OPERATION_ROOTS).
OPERATION_ROOTS: tuple[str, ...] = ("OPENAPI_CREATE_NODE_REQ", "OPENAPI_RESOURCE_LAYOUT_RESP")

_LAYOUT = ("25.11 v0.0.44: GET resources/{job_id} answers the resources a job holds on "
           "each node (slurm_get_resource_layout(), openapi/slurmctld resources.c)")

OPERATIONS = (
    AddKind(Object("OPENAPI_CREATE_NODE_REQ", "openapi_create_node_req",
                   "openapi_resp_single_t", (
                       F("node_conf", "STRING", "response", required=True),
                       F("meta", "OPENAPI_META_PTR", "meta"),
                       F("errors", "OPENAPI_ERRORS", "errors"),
                       F("warnings", "OPENAPI_WARNINGS", "warnings"),
                   )),
            why="25.11 v0.0.44: POST new/node/ creates a dynamic node from a slurm.conf "
                "node line (openapi/slurmctld nodes.c _create_node())"),
    AddKind(Object("NODE_GRES_LAYOUT", "node_gres_layout", "node_gres_layout_t", (
        F("name", "STRING", "name", required=True),
        F("type", "STRING", "type"),
        F("count", "UINT64", "count"),
        F("index", "BITSTR_PTR", "index"),
    )), why=_LAYOUT + ": the GRES allocated on a node (PARSER_ARRAY(NODE_GRES_LAYOUT))"),
    AddKind(Pointer("NODE_GRES_LAYOUT_PTR", "NODE_GRES_LAYOUT"), why=_LAYOUT),
    AddKind(ArrayOf("NODE_GRES_LAYOUT_LIST", "node_gres_layout_list", "NODE_GRES_LAYOUT",
                    "list_t *", checked=False), why=_LAYOUT),
    AddKind(Object("NODE_RESOURCE_LAYOUT", "node_resource_layout", "node_resource_layout_t", (
        F("node", "STRING", "node", required=True),
        F("sockets_per_node", "UINT16", "sockets_per_node"),
        F("cores_per_socket", "UINT16", "cores_per_socket"),
        F("mem_alloc", "UINT64", "mem_alloc"),
        F("core_bitmap", "STRING", "core_bitmap"),
        F("channel", "UINT32_NO_VAL", "channel"),
        F("gres", "NODE_GRES_LAYOUT_LIST", "gres"),
    )), why=_LAYOUT + ": one node's (PARSER_ARRAY(NODE_RESOURCE_LAYOUT))"),
    AddKind(Pointer("NODE_RESOURCE_LAYOUT_PTR", "NODE_RESOURCE_LAYOUT"), why=_LAYOUT),
    AddKind(ArrayOf("NODE_RESOURCE_LAYOUT_LIST", "node_resource_layout_list",
                    "NODE_RESOURCE_LAYOUT", "list_t *", checked=False), why=_LAYOUT),
    AddKind(rules.response("OPENAPI_RESOURCE_LAYOUT_RESP", "openapi_resp_single_t", "nodes",
                           "NODE_RESOURCE_LAYOUT_LIST"), why=_LAYOUT),
)

# The bodies of the util plugin's operations (POST /util/v0.0.44/hostlist and
# hostnames), which v0.0.44 adds.
UTIL_ROOTS: tuple[str, ...] = ()
UTIL_OPERATIONS = ()

V0044 = V0043.derive(
    NAME, (*CHANGES, *OPERATIONS, *UTIL_OPERATIONS, *_slurmdb.CHANGES, *_slurmdb.QUERY_CHANGES),
    roots=(*ROOTS, *OPERATION_ROOTS, *UTIL_ROOTS, *_slurmdb.ROOTS))
V0044.check()
