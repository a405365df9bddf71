"""The v0.0.41 descriptions: v0.0.40 plus what Slurm 24.11 changed in
src/plugins/data_parser/v0.0.41/ (slurm-24-11-5-1), declared change by
change, each saying what Slurm changed (``why``). Drafted with
``python -m restd.data_parser.tools.draft_changes v0.0.40 v0.0.41`` and
written from v0.0.41/parsers.c; tests/test_openapi_parity.py checks the
result against slurmrestd 24.11.5's document.

Whole-version differences are properties of the version, not per-kind
copies (restd.data_parser.describe.Properties): v0.0.41 publishes only its
request and response bodies as components and writes every other schema
inline, gives the {set, infinite, number} objects no defaults and a number
sized as its C type, marks deprecated fields, and dumps a NULL pointer of a
field that is not required as null (a job never allocated: "job_resources":
null, as slurmrestd 24.11 answers).

The accounting (slurmdbd) changes are in restd.data_parser.v0041_slurmdb:
its ``CHANGES`` are applied after these, its ``ROOTS`` published with
``ROOTS``.
"""
from __future__ import annotations

from restd.data_parser import rules
from restd.data_parser import v0041_slurmdb as _slurmdb
from restd.data_parser.describe import (AddBits, AddFields, AddKind, Field as F, Object,
                                        RemoveBits, RemoveFields, ReplaceField, ReplaceKind)
from restd.data_parser.types import STRING, ArrayOf, FlagBit, Flags
from restd.data_parser.v0040 import V0040

NAME = "v0.0.41"

ALL16, ALL32, ALL64 = ("INFINITE16", 0xFFFF), ("INFINITE", 0xFFFFFFFF), \
    ("INFINITE64", 0xFFFFFFFFFFFFFFFF)


def _bit(name: str, macro: str, value: int, mask=ALL64) -> FlagBit:
    return FlagBit(name, "bit", macro, value, *mask)


def _equal(name: str, macro: str, value: int, mask=ALL64) -> FlagBit:
    return FlagBit(name, "equal", macro, value, *mask)


# --- new kinds ---------------------------------------------------------------------------

# CR_TYPE: the consumable resource selection (slurm.h CR_*), of job_resources_t and
# partition_info_t (parsers.c PARSER_FLAG_ARRAY(CR_TYPE))
_CR_MASK = ("(CR_CPU|CR_SOCKET|CR_CORE)", 0x7)
CR_TYPE = Flags("CR_TYPE", "cr_type", "uint16_t", (
    _equal("CPU", "CR_CPU", 0x1, _CR_MASK),
    _equal("SOCKET", "CR_SOCKET", 0x2, _CR_MASK),
    _equal("CORE", "CR_CORE", 0x4, _CR_MASK),
    _bit("BOARD", "CR_BOARD", 0x8),
    _bit("MEMORY", "CR_MEMORY", 0x10),
    _bit("ONE_TASK_PER_CORE", "CR_ONE_TASK_PER_CORE", 0x100),
    _bit("PACK_NODES", "CR_PACK_NODES", 0x200),
    _bit("CORE_DEFAULT_DIST_BLOCK", "CR_CORE_DEFAULT_DIST_BLOCK", 0x1000),
    _bit("LLN", "CR_LLN", 0x4000),
    _bit("LINEAR", "CR_LINEAR", 0x8000),
))

# NODE_CR_TYPE: job_resources_t.node_req (job_resources.h node_cr_state)
NODE_CR_TYPE = Flags("NODE_CR_TYPE", "node_cr_type", "uint32_t", (
    _equal("AVAILABLE", "NODE_CR_AVAILABLE", 0, ALL32),
    _equal("ONE_ROW", "NODE_CR_ONE_ROW", 1, ALL32),
    _equal("RESERVED", "NODE_CR_RESERVED", 64000, ALL32),
))

# JOB_RES_CORE_STATUS: the status parsers.c gives each core of an allocation
JOB_RES_CORE_STATUS = Flags("JOB_RES_CORE_STATUS", "job_res_core_status",
                            "JOB_RES_CORE_status_t", (
    _equal("INVALID", "JOB_RES_CORE_INVALID", 0),
    _equal("UNALLOCATED", "JOB_RES_CORE_UNALLOC", rules.JOB_RES_CORE_UNALLOC),
    _bit("ALLOCATED", "JOB_RES_CORE_ALLOC", rules.JOB_RES_CORE_ALLOC),
    _bit("IN_USE", "JOB_RES_CORE_IN_USE", rules.JOB_RES_CORE_IN_USE),
))

# The per-node allocation of a job (parsers.c JOB_RES_NODE, JOB_RES_SOCKET,
# JOB_RES_CORE: structs parsers.c builds from job_resources_t; here records)
JOB_RES_KINDS = (
    CR_TYPE, NODE_CR_TYPE, JOB_RES_CORE_STATUS,
    Object("JOB_RES_CORE", "job_res_core", "JOB_RES_CORE_t", (
        F("index", "UINT32", "index", required=True),
        F("status", "JOB_RES_CORE_STATUS", "status", required=True),
    )),
    ArrayOf("JOB_RES_CORE_ARRAY", "job_res_core_array", "JOB_RES_CORE", "JOB_RES_CORE_t *"),
    Object("JOB_RES_SOCKET", "job_res_socket", "JOB_RES_SOCKET_t", (
        F("index", "UINT32", "index", required=True),
        F("cores", "JOB_RES_CORE_ARRAY", "cores", required=True),
    )),
    ArrayOf("JOB_RES_SOCKET_ARRAY", "job_res_socket_array", "JOB_RES_SOCKET",
            "JOB_RES_SOCKET_t *"),
    Object("JOB_RES_NODE", "job_res_node", "JOB_RES_NODE_t", (
        F("index", "UINT32", "index", required=True),
        F("name", "STRING", "name", required=True),
        F("cpus/count", "UINT16", "cpus.count", required=True),
        F("cpus/used", "UINT16", "cpus.used", required=True),
        F("memory/used", "UINT64", "memory.used", required=True),
        F("memory/allocated", "UINT64", "memory.allocated", required=True),
        F("sockets", "JOB_RES_SOCKET_ARRAY", "sockets", required=True),
    )),
)

# The RPC statistics as lists of objects (parsers.c STATS_MSG_RPC_TYPE, _USER,
# _QUEUE, _DUMP: structs built from stats_info_response_msg_t's parallel arrays)
STATS_RPC_OBJECTS = (
    Object("STATS_MSG_RPC_TYPE", "stats_msg_rpc_type", "STATS_MSG_RPC_TYPE_t", (
        F("type_id", "UINT16", "id", required=True),
        F("message_type", "STRING", "name", required=True),
        F("count", "UINT32", "count", required=True),
        F("queued", "UINT16", "queued", required=True),
        F("dropped", "UINT64", "dropped", required=True),
        F("cycle_last", "UINT16", "cycle_last", required=True),
        F("cycle_max", "UINT16", "cycle_max", required=True),
        F("total_time", "UINT64", "time", required=True),
        F("average_time", "UINT64_NO_VAL", "average_time", required=True),
    )),
    Object("STATS_MSG_RPC_USER", "stats_msg_rpc_user", "STATS_MSG_RPC_USER_t", (
        F("user_id", "UINT32", "id", required=True),
        F("user", "USER_ID", "id", required=True),
        F("count", "UINT32", "count", required=True),
        F("total_time", "UINT64", "time", required=True),
        F("average_time", "UINT64_NO_VAL", "average_time", required=True),
    )),
)
STATS_KINDS = (
    Object("STATS_MSG_RPC_QUEUE", "stats_msg_rpc_queue", "STATS_MSG_RPC_QUEUE_t", (
        F("type_id", "UINT16", "id", required=True),
        F("message_type", "STRING", "name", required=True),
        F("count", "UINT32", "count", required=True),
    )),
    Object("STATS_MSG_RPC_DUMP", "stats_msg_rpc_dump", "STATS_MSG_RPC_DUMP_t", (
        F("type_id", "UINT16", "id", required=True),
        F("message_type", "STRING", "name", required=True),
        F("count", "HOSTLIST_STRING", "hostlist", required=True),
    )),
    rules.complex_kind("STATS_MSG_RPCS_QUEUE", rules.stats_rpc_list(
        "STATS_MSG_RPC_QUEUE", "rpc_queue_type_count",
        {"id": "rpc_queue_type_id", "count": "rpc_queue_count"}),
        component="stats_msg_rpcs_queue", item="STATS_MSG_RPC_QUEUE"),
    rules.complex_kind("STATS_MSG_RPCS_DUMP", rules.stats_rpc_list(
        "STATS_MSG_RPC_DUMP", "rpc_dump_count",
        {"id": "rpc_dump_types", "hostlist": "rpc_dump_hostlist"}),
        component="stats_msg_rpcs_dump", item="STATS_MSG_RPC_DUMP"),
)

# Members Slurm 22.05 lacks (the binding declares them optional): dumped unset there
OPTIONAL_MEMBERS = (
    rules.optional_member("NODE_GPU_SPEC", "gpu_spec", "STRING"),
    rules.optional_member("NODE_RES_CORES_PER_GPU", "res_cores_per_gpu", "UINT16", 0),
    rules.optional_member("JOB_DESC_MSG_RESV_PORT_CNT", "resv_port_cnt", "UINT16", 0),
    rules.optional_member("JOB_DESC_MSG_SEGMENT_SIZE", "segment_size", "UINT16_NO_VAL"),
)

# Kinds v0.0.41 adds as request or response bodies (slurmctld side).
ROOTS: tuple[str, ...] = ("JOB_ALLOC_REQ", "OPENAPI_JOB_ALLOC_RESP")

CHANGES = (
    *(AddKind(kind, why="24.11 v0.0.41: the job allocation rewritten as nodes, "
              "sockets and cores (parsers.c JOB_RES_NODE, JOB_RES_SOCKET, JOB_RES_CORE, "
              "CR_TYPE, NODE_CR_TYPE)") for kind in JOB_RES_KINDS),
    ReplaceKind(rules.complex_kind(
        "JOB_RES_NODES", rules.dump_job_res_allocation, component="job_res_nodes",
        item="JOB_RES_NODE"),
        why="24.11 v0.0.41: JOB_RES_NODES lists every node's CPUs, memory and each core "
            "with its status (parsers.c DUMP_FUNC(JOB_RES_NODES), _dump_node_res())"),
    ReplaceKind(Object("JOB_RES", "job_res", "job_resources_t", (
        F("select_type", "CR_TYPE", "cr_type", required=True),
        F("nodes/count", "UINT32", "nhosts", required=True),
        F("nodes/select_type", "NODE_CR_TYPE", "node_req", required=True),
        F("nodes/list", "STRING", "nodes", required=True),
        F("nodes/whole", "BOOL", "whole_node", required=True),
        F("nodes/allocation", "JOB_RES_NODES", None, required=True),
        F("cpus", "UINT32", "ncpus", required=True),
        F("threads_per_core", "UINT16_NO_VAL", "threads_per_core", required=True),
    )), why="24.11 v0.0.41: job_resources rewritten: select_type, nodes/{count, "
            "select_type, list, whole, allocation}, cpus, threads_per_core; "
            "allocated_cores/cpus/hosts/nodes gone (parsers.c PARSER_ARRAY(JOB_RES))"),
    ReplaceField("JOB_INFO", F("show_flags", "JOB_SHOW_FLAGS", None, removed=True,
                               deprecated=True),
                 why="v0.0.41 marks the removed show_flags deprecated"),
    AddKind(rules.complex_kind("JOB_DESC_MSG_PLANE_SIZE", rules.dump_plane_size,
                               rules.parse_plane_size, target="UINT16_NO_VAL"),
            why="24.11 v0.0.41: distribution_plane_size is a {set, infinite, number} "
                "that sets the PLANE distribution (parsers.c JOB_DESC_MSG_PLANE_SIZE)"),
    AddKind(rules.complex_kind("JOB_DESC_MSG_TASK_DISTRIBUTION",
                               rules.dump_job_desc_distribution,
                               rules.parse_job_desc_distribution, openapi=STRING),
            why="24.11 v0.0.41: the distribution checked against the plane size "
                "(parsers.c JOB_DESC_MSG_TASK_DISTRIBUTION)"),
    ReplaceField("JOB_DESC_MSG", F("distribution", "JOB_DESC_MSG_TASK_DISTRIBUTION", None),
                 why="24.11 v0.0.41: add_cparse(JOB_DESC_MSG_TASK_DISTRIBUTION)"),
    *(AddKind(kind, why="members newer than Slurm 22.05 that v0.0.41 dumps")
      for kind in OPTIONAL_MEMBERS),
    ReplaceField("JOB_DESC_MSG", F("distribution_plane_size", "JOB_DESC_MSG_PLANE_SIZE", None),
                 why="24.11 v0.0.41: plane size as UINT16_NO_VAL, tied to the "
                     "distribution (add_cparse(JOB_DESC_MSG_PLANE_SIZE))"),
    RemoveFields("JOB_DESC_MSG", ("cores_per_socket",),
                 why="24.11 v0.0.41: cores_per_socket no longer parsed"),
    AddFields("JOB_DESC_MSG", (F("resv_mpi_ports", "JOB_DESC_MSG_RESV_PORT_CNT", None),),
              after="reservation",
              why="24.05: reserved MPI ports of the step manager (resv_port_cnt)"),
    AddFields("JOB_DESC_MSG", (F("segment_size", "JOB_DESC_MSG_SEGMENT_SIZE", None),),
              after="required_switches",
              why="24.11: segment size for topology/block (segment_size)"),
    ReplaceField("JOB_SUBMIT_REQ", F("script", "STRING", "script", deprecated=True),
                 why="24.05: script deprecated, given in jobs[0] or job (add_parse_deprec)"),
    AddKind(Object("JOB_ALLOC_REQ", "job_alloc_req", "openapi_job_alloc_request_t", (
        F("hetjob", "JOB_DESC_MSG_LIST", "hetjob"),
        F("job", "JOB_DESC_MSG_PTR", "job"),
    )), why="24.11 v0.0.41: POST job/allocate takes a job or a het job "
            "(parsers.c JOB_ALLOC_REQ)"),
    AddKind(Object("OPENAPI_JOB_ALLOC_RESP", "openapi_job_alloc_resp",
                   "openapi_job_alloc_response_t", (
        F("job_id", "UINT32", "job_id"),
        F("job_submit_user_msg", "STRING", "job_submit_user_msg"),
        F("meta", "OPENAPI_META_PTR", "meta"),
        F("errors", "OPENAPI_ERRORS", "errors"),
        F("warnings", "OPENAPI_WARNINGS", "warnings"),
    )), why="24.11 v0.0.41: the answer of job/allocate (parsers.c OPENAPI_JOB_ALLOC_RESP)"),
    AddFields("NODE", (F("gpu_spec", "NODE_GPU_SPEC", None),), after="active_features",
              why="24.05: cores reserved for GPU jobs (node_info_t.gpu_spec)"),
    AddFields("NODE", (F("res_cores_per_gpu", "NODE_RES_CORES_PER_GPU", None),),
              after="real_memory",
              why="24.05: cores per GPU restricted to GPU jobs (res_cores_per_gpu)"),
    AddFields("PARTITION_INFO", (F("select_type", "CR_TYPE", "cr_type"),), after="cluster",
              why="24.11 v0.0.41: the partition's consumable resource type, a TODO "
                  "in v0.0.40 (add_parse(CR_TYPE, cr_type))"),
    ReplaceField("RESERVATION_INFO", F("watts", "UINT32_NO_VAL", None, removed=True,
                                       deprecated=True),
                 why="v0.0.41 marks the removed watts deprecated"),
    *(ReplaceKind(kind, why="24.11 v0.0.41: RPC statistics as lists of objects, with "
                  "the RPC queue's counters (parsers.c STATS_MSG_RPC_TYPE/_USER)")
      for kind in STATS_RPC_OBJECTS),
    *(AddKind(kind, why="24.11 v0.0.41: the pending RPCs (parsers.c STATS_MSG_RPC_QUEUE, "
              "STATS_MSG_RPC_DUMP)") for kind in STATS_KINDS),
    ReplaceKind(rules.complex_kind(
        "STATS_MSG_RPCS_BY_TYPE", rules.stats_rpc_list(
            "STATS_MSG_RPC_TYPE", "rpc_type_size",
            {"id": "rpc_type_id", "count": "rpc_type_cnt", "time": "rpc_type_time"},
            average=True, queue=True),
        component="stats_msg_rpcs_by_type", item="STATS_MSG_RPC_TYPE"),
        why="24.11 v0.0.41: RPCs by type with queued, dropped, cycle_last, cycle_max and "
            "average_time as UINT64_NO_VAL (DUMP_FUNC(STATS_MSG_RPCS_BY_TYPE))"),
    ReplaceKind(rules.complex_kind(
        "STATS_MSG_RPCS_BY_USER", rules.stats_rpc_list(
            "STATS_MSG_RPC_USER", "rpc_user_size",
            {"id": "rpc_user_id", "count": "rpc_user_cnt", "time": "rpc_user_time"},
            average=True),
        component="stats_msg_rpcs_by_user", item="STATS_MSG_RPC_USER"),
        why="24.11 v0.0.41: RPCs by user with average_time as UINT64_NO_VAL "
            "(DUMP_FUNC(STATS_MSG_RPCS_BY_USER))"),
    AddFields("STATS_MSG", (F("schedule_cycle_sum", "UINT32", "schedule_cycle_sum"),),
              after="schedule_cycle_last",
              why="24.11 v0.0.41: schedule_cycle_sum dumped (skipped in v0.0.40)"),
    AddFields("STATS_MSG", (F("schedule_cycle_depth", "UINT32", "schedule_cycle_depth"),),
              after="schedule_cycle_per_minute",
              why="24.11 v0.0.41: schedule_cycle_depth dumped (skipped in v0.0.40)"),
    AddFields("STATS_MSG", (F("bf_cycle_max", "UINT32", "bf_cycle_max"),),
              after="bf_cycle_last", why="24.11 v0.0.41: bf_cycle_max dumped"),
    AddFields("STATS_MSG", (F("bf_table_size_sum", "UINT32", "bf_table_size_sum"),),
              after="bf_table_size",
              why="24.11 v0.0.41: bf_table_size_sum dumped (skipped in v0.0.40)"),
    AddFields("STATS_MSG", (
        F("pending_rpcs", "STATS_MSG_RPCS_QUEUE", None),
        F("pending_rpcs_by_hostlist", "STATS_MSG_RPCS_DUMP", None),
    ), why="24.11 v0.0.41: the pending RPCs, a TODO in v0.0.40 "
           "(STATS_MSG_RPCS_QUEUE, STATS_MSG_RPCS_DUMP)"),
    AddBits("JOB_SHARED", (_equal("topo", "JOB_SHARED_TOPO", 0x4, ALL16),),
            why="24.11: JOB_SHARED_TOPO (--exclusive=topo)"),
    AddBits("JOB_EXCLUSIVE_FLAGS", (_equal("topo", "JOB_SHARED_TOPO", 0x4, ALL16),),
            why="24.11: JOB_SHARED_TOPO (--exclusive=topo)"),
    RemoveBits("JOB_FLAGS", ("SAVE_BATCH_SCRIPT", "GRES_ONE_TASK_PER_SHARING",
                             "GRES_MULTIPLE_TASKS_PER_SHARING", "GRES_ALLOW_TASK_SHARING"),
               why="24.11 v0.0.41: these job flags are no longer listed"),
    AddBits("JOB_FLAGS", (_bit("STEPMGR_ENABLED", "STEPMGR_ENABLED", 1 << 41),),
            why="24.05: STEPMGR_ENABLED (the step manager)"),
    AddBits("RESERVATION_FLAGS", (_bit("USER_DELETE", "RESERVE_FLAG_USER_DEL", 1 << 39),
                                  _bit("NO_USER_DELETE", "RESERVE_FLAG_NO_USER_DEL",
                                       1 << 40)),
            after="NO_HOURLY",
            why="24.11: users in the ACL may delete the reservation (RESERVE_FLAG_USER_DEL)"),
    RemoveBits("WARN_FLAGS", ("NO_CRON_JOBS",),
               why="24.11 v0.0.41: KILL_NO_CRON no longer listed"),
)

V0041 = V0040.derive(
    NAME, (*CHANGES, *_slurmdb.CHANGES), roots=(*ROOTS, *_slurmdb.ROOTS),
    inline_schemas=True, no_val_defaults=False, no_val_sized_number=True,
    deprecated_fields_marked=True, parameters_deprecated_written=False,
    null_optional_pointers=True)
V0041.check()
