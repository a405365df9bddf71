"""The v0.0.45 descriptions: v0.0.44 plus what Slurm 26.05 changed in
src/plugins/data_parser/v0.0.45/, declared change by change, each saying what
Slurm changed (``why``). Drafted with ``python -m
restd.data_parser.tools.draft_changes v0.0.44 v0.0.45 --document
../shared/reference/slurmrestd-26.05.5-openapi.json`` and written from
v0.0.45/parsers.c; tests/test_openapi_parity.py checks the result against
slurmrestd 26.05.5's document.

GET conf's objects (slurmctld's configuration) are in restd.data_parser.v0045_conf:
its ``KINDS`` are applied after these, its ``ROOTS`` published with ``ROOTS``.
The accounting (slurmdbd) changes are in restd.data_parser.v0045_slurmdb:
its ``CHANGES`` are applied after these, its ``ROOTS`` published with
``ROOTS``.
"""
from __future__ import annotations

from restd.data_parser import rules
from restd.data_parser import v0045_conf as _conf
from restd.data_parser import v0045_slurmdb as _slurmdb
from restd.data_parser.describe import (AddBits, AddFields, AddKind, Field as F, Object,
                                        RemoveBits, RemoveFields, ReplaceField, UpdateKind)
from restd.data_parser.types import STRING, ArrayOf, FlagBit, Flags
from restd.data_parser.v0044 import V0044

NAME = "v0.0.45"

# Kinds v0.0.45 adds as request or response bodies (slurmctld side).
ROOTS: tuple[str, ...] = ()

_ALL16, _ALL32, _ALL64 = (("INFINITE16", 0xFFFF), ("INFINITE", 0xFFFFFFFF),
                          ("INFINITE64", 0xFFFFFFFFFFFFFFFF))
_NODE_STATE_FLAGS = ("NODE_STATE_FLAGS", 0xFFFFFFF0)


def _bit(name, macro, value, mask=_ALL64, hidden=False):
    return FlagBit(name, "bit", macro, value, *mask, hidden=hidden)


def _equal(name, macro, value, mask, hidden=False):
    return FlagBit(name, "equal", macro, value, *mask, hidden=hidden)


# PARSER_FLAG_ARRAY(SELECT_TYPE_PARAM): cr_type as select_type_param_string() names it
_EXCL = ("SELECT_TYPE_EXCL_MASK", 0x1 | 0x2 | 0x4 | 0x10)
_NON_EXCL = ("SELECT_TYPE_NON_EXCL_MASK", 0xFFFF & ~(0x1 | 0x2 | 0x4 | 0x10))
SELECT_TYPE_PARAM = Flags("SELECT_TYPE_PARAM", "select_type_param", "uint16_t", (
    _equal("NONE", "0", 0, _ALL32),
    _equal("CR_CPU_MEMORY", "SELECT_CPU|SELECT_MEMORY", 0x11, _EXCL),
    _equal("CR_CPU", "SELECT_CPU", 0x1, _EXCL),
    _equal("CPU", "SELECT_CPU", 0x1, _EXCL, hidden=True),
    _equal("CR_CORE_MEMORY", "SELECT_CORE|SELECT_MEMORY", 0x14, _EXCL),
    _equal("CR_CORE", "SELECT_CORE", 0x4, _EXCL),
    _equal("CORE", "SELECT_CORE", 0x4, _EXCL, hidden=True),
    _equal("CR_SOCKET_MEMORY", "SELECT_SOCKET|SELECT_MEMORY", 0x12, _EXCL),
    _equal("CR_SOCKET", "SELECT_SOCKET", 0x2, _EXCL),
    _equal("SOCKET", "SELECT_SOCKET", 0x2, _EXCL, hidden=True),
    _equal("CR_MEMORY", "SELECT_MEMORY", 0x10, _EXCL),
    _bit("MEMORY", "SELECT_MEMORY", 0x10, _EXCL, hidden=True),
    _bit("BOARD", "SELECT_BOARD", 0x8, _NON_EXCL, hidden=True),
    _bit("CR_ONE_TASK_PER_CORE", "SELECT_ONE_TASK_PER_CORE", 0x100, _NON_EXCL),
    _bit("ONE_TASK_PER_CORE", "SELECT_ONE_TASK_PER_CORE", 0x100, _NON_EXCL, hidden=True),
    _bit("CR_CORE_DEFAULT_DIST_BLOCK", "SELECT_CORE_DEFAULT_DIST_BLOCK", 0x1000, _NON_EXCL),
    _bit("CORE_DEFAULT_DIST_BLOCK", "SELECT_CORE_DEFAULT_DIST_BLOCK", 0x1000, _NON_EXCL,
         hidden=True),
    _bit("CR_NO_DIST_TOPO_BLOCK", "SELECT_NO_DIST_TOPO_BLOCK", 0x800, _NON_EXCL),
    _bit("CR_LLN", "SELECT_LLN", 0x4000, _NON_EXCL),
    _bit("LLN", "SELECT_LLN", 0x4000, _NON_EXCL, hidden=True),
    _bit("CR_PACK_NODES", "SELECT_PACK_NODES", 0x200, _NON_EXCL),
    _bit("PACK_NODES", "SELECT_PACK_NODES", 0x200, _NON_EXCL, hidden=True),
    _bit("LL_SHARED_GRES", "SELECT_LL_SHARED_GRES", 0x400, _NON_EXCL),
    _bit("MULTIPLE_SHARING_GRES_PJ", "SELECT_MULTIPLE_SHARING_GRES_PJ", 0x8000, _NON_EXCL),
    _bit("ENFORCE_BINDING_GRES", "SELECT_ENFORCE_BINDING_GRES", 0x40, _NON_EXCL),
    _bit("ONE_TASK_PER_SHARING_GRES", "SELECT_ONE_TASK_PER_SHARING_GRES", 0x80, _NON_EXCL),
))

# PARSER_FLAG_ARRAY(NODE_PARTITION_CPU_BINDING_FLAGS): what xlate_cpu_bind_str() parses
_TO_MASK, _T_MASK = ("CPU_BIND_T_TO_MASK", 0x1E), ("CPU_BIND_T_MASK", 0xFE0)
NODE_PARTITION_CPU_BINDING_FLAGS = Flags(
    "NODE_PARTITION_CPU_BINDING_FLAGS", "node_partition_cpu_binding_flags", "uint32_t", (
        _equal("CPU_BIND_TO_THREADS", "CPU_BIND_TO_THREADS", 0x2, _TO_MASK),
        _equal("CPU_BIND_TO_CORES", "CPU_BIND_TO_CORES", 0x4, _TO_MASK),
        _equal("CPU_BIND_TO_SOCKETS", "CPU_BIND_TO_SOCKETS", 0x8, _TO_MASK),
        _equal("CPU_BIND_TO_LDOMS", "CPU_BIND_TO_LDOMS", 0x10, _TO_MASK),
        _equal("CPU_BIND_NONE", "CPU_BIND_NONE", 0x20, _T_MASK),
        _equal("CPU_BIND_OFF", "CPU_BIND_OFF", 0x80000,
               ("CPU_BIND_T_TASK_PARAMS_MASK", 0x40000 | 0x80000)),
        _bit("VERBOSE", "CPU_BIND_VERBOSE", 0x1, ("CPU_BIND_VERBOSE", 0x1)),
    ))

# PARSER_FLAG_ARRAY(PARTITION_FLAGS): partition_info_t.flags
PARTITION_FLAGS = Flags("PARTITION_FLAGS", "partition_flags", "uint32_t", (
    *(_bit(name, macro, 1 << bit) for name, macro, bit in (
        ("DEFAULT", "PART_FLAG_DEFAULT", 0), ("HIDDEN", "PART_FLAG_HIDDEN", 1),
        ("NO_ROOT", "PART_FLAG_NO_ROOT", 2), ("ROOT_ONLY", "PART_FLAG_ROOT_ONLY", 3),
        ("REQ_RESV", "PART_FLAG_REQ_RESV", 4), ("LLN", "PART_FLAG_LLN", 5),
        ("PDOI", "PART_FLAG_PDOI", 7), ("DEFAULT_CLEAR", "PART_FLAG_DEFAULT_CLR", 8),
        ("HIDDEN_CLEAR", "PART_FLAG_HIDDEN_CLR", 9),
        ("NO_ROOT_CLEAR", "PART_FLAG_NO_ROOT_CLR", 10),
        ("ROOT_ONLY_CLEAR", "PART_FLAG_ROOT_ONLY_CLR", 11),
        ("REQ_RESV_CLEAR", "PART_FLAG_REQ_RESV_CLR", 12),
        ("LLN_CLEAR", "PART_FLAG_LLN_CLR", 13), ("PDOI_CLEAR", "PART_FLAG_PDOI_CLR", 15))),
    # hidden: PARTITION_EXCLUSIVE says them; the scheduler's own are not for users
    *(_bit(name, macro, 1 << bit, hidden=True) for name, macro, bit in (
        ("EXCLUSIVE_USER", "PART_FLAG_EXCLUSIVE_USER", 6),
        ("EXC_USER_CLEAR", "PART_FLAG_EXC_USER_CLR", 14),
        ("EXCLUSIVE_TOPO", "PART_FLAG_EXCLUSIVE_TOPO", 16),
        ("EXC_TOPO_CLEAR", "PART_FLAG_EXC_TOPO_CLR", 17),
        ("SCHED_FAILED", "PART_FLAG_SCHED_FAILED", 18),
        ("SCHED_CLEARED", "PART_FLAG_SCHED_CLEARED", 19))),
))

# PARSER_FLAG_ARRAY(PARTITION_PREEMPT_MODES): partition_info_t.preempt_mode
PARTITION_PREEMPT_MODES = Flags("PARTITION_PREEMPT_MODES", "partition_preempt_modes",
                                "uint16_t", (
    _equal("CLUSTER_GLOBAL", "NO_VAL16", 0xFFFE, _ALL64),
    _equal("DISABLED", "PREEMPT_MODE_OFF", 0, _ALL64),
    _bit("SUSPEND", "PREEMPT_MODE_SUSPEND", 0x1),
    _bit("REQUEUE", "PREEMPT_MODE_REQUEUE", 0x2),
    _bit("CANCEL", "PREEMPT_MODE_CANCEL", 0x8),
    _bit("PRIORITY", "PREEMPT_MODE_PRIORITY", 0x2000),
))

# Members Slurm 26.05 added (optional in the binding): dumped unset where absent
OPTIONAL_MEMBERS = (
    rules.optional_member("JOB_CONTAINER_TYPE", "container_type", "STRING"),
    rules.optional_member("JOB_MEM_UPDATE_DELAY", "mem_update_delay", "UINT16", 0),
    rules.optional_member("JOB_MEM_UPDATE_MARGIN", "mem_update_margin", "UINT16", 0),
    rules.optional_member("NODE_SUSPEND_TIME", "suspend_time", "UINT32_NO_VAL"),
)

_REMOVED_26_05 = "26.05 (SLURM_26_05_PROTOCOL_VERSION)"
_GONE = "v0.0.45 no longer lists what older versions marked removed"

CHANGES = (
    *(AddKind(kind, why="26.05 v0.0.45: the partition's flags, sharing, preemption and "
              "CPU binding as named lists (PARSER_FLAG_ARRAY)")
      for kind in (SELECT_TYPE_PARAM, NODE_PARTITION_CPU_BINDING_FLAGS, PARTITION_FLAGS,
                   PARTITION_PREEMPT_MODES)),
    *(AddKind(kind, why="members Slurm 26.05 added that v0.0.45 dumps")
      for kind in OPTIONAL_MEMBERS),
    AddKind(rules.complex_kind("PARTITION_EXCLUSIVE", rules.dump_partition_exclusive,
                               rules.parse_partition_exclusive, openapi=STRING),
            why="26.05 v0.0.45: Exclusive= as scontrol shows it (DUMP_FUNC(PARTITION_EXCLUSIVE))"),
    AddKind(rules.scalar("PARTITION_OVERSUBSCRIBE", STRING, "uint16_t",
                         rules.dump_partition_oversubscribe,
                         rules.parse_partition_oversubscribe),
            why="26.05 v0.0.45: OverSubscribe= as scontrol shows it "
                "(DUMP_FUNC(PARTITION_OVERSUBSCRIBE) of max_share)"),
    # controller ping: the pinged/mode aliases gone, the ping's result code added
    RemoveFields("CONTROLLER_PING", ("pinged", "mode"),
                 why="26.05 v0.0.45: the deprecated pinged and mode are gone"),
    AddFields("CONTROLLER_PING", (F("status", "ERROR", "rc"),),
              why="26.05: controller_ping_t.rc, the ping's result (add_parse(ERROR, rc))"),
    # jobs
    RemoveFields("JOB_DESC_MSG", ("power_flags",), why=_GONE),
    AddFields("JOB_DESC_MSG", (F("container_type", "JOB_CONTAINER_TYPE", None),),
              after="container_id", why="26.05: the job container plugin type"),
    AddFields("JOB_DESC_MSG", (F("cores_per_socket", "UINT16", "cores_per_socket"),),
              after="core_specification",
              why="26.05 v0.0.45: cores_per_socket parsed again (UINT16)"),
    AddFields("JOB_DESC_MSG", (F("memory_update_delay", "JOB_MEM_UPDATE_DELAY", None),
                               F("memory_update_margin", "JOB_MEM_UPDATE_MARGIN", None)),
              after="memory_per_tres",
              why="26.05: memory auto-reduction (mem_update_delay, mem_update_margin)"),
    RemoveFields("JOB_INFO", ("power/flags",), why=_GONE),
    ReplaceField("JOB_INFO", F("shared", "JOB_SHARED", None, removed=True, deprecated=True),
                 why="26.05 v0.0.45: shared ignored, replaced by oversubscribe and "
                     "exclusive: " + _REMOVED_26_05),
    AddFields("JOB_INFO", (F("container_type", "JOB_CONTAINER_TYPE", None),),
              after="container_id", why="26.05: the job container plugin type"),
    AddFields("JOB_INFO", (F("memory_update_margin", "JOB_MEM_UPDATE_MARGIN", None),
                           F("memory_update_delay", "JOB_MEM_UPDATE_DELAY", None)),
              after="memory_per_tres",
              why="26.05: memory auto-reduction (mem_update_margin, mem_update_delay)"),
    AddBits("JOB_FLAGS", (_bit("JOB_IMPLICIT_MAX_NODES", "JOB_IMPLICIT_MAX_NODES", 1 << 47),),
            why="26.05: max_nodes set implicitly (JOB_IMPLICIT_MAX_NODES)"),
    RemoveBits("CPU_BINDING_FLAGS", ("CPU_BIND_RANK",),
               why="v0.0.45 no longer lists CPU_BIND_RANK (removed in 24.11)"),
    ReplaceField("JOB_RES", F("select_type", "SELECT_TYPE_PARAM", "cr_type", required=True),
                 why="26.05 v0.0.45: cr_type named as select_type_param_string() does"),
    # nodes
    RemoveFields("NODE", ("external_sensors", "power", "tres_weighted"), why=_GONE),
    AddFields("NODE", (F("suspend_time", "NODE_SUSPEND_TIME", None),), after="weight",
              why="26.05: the node's own SuspendTime (node_info_t.suspend_time)"),
    AddBits("NODE_STATES", (
        _bit("POWER_DOWN_ASAP", "NODE_STATE_POWER_DOWN|NODE_STATE_POWER_DRAIN",
             (1 << 23) | (1 << 25), _NODE_STATE_FLAGS),
        _bit("POWER_DOWN_FORCE", "NODE_STATE_POWER_DOWN|NODE_STATE_POWERED_DOWN",
             (1 << 23) | (1 << 12), _NODE_STATE_FLAGS)),
        after="POWER_DRAIN", why="26.05 v0.0.45: power down ASAP and FORCE as named states"),
    # partitions
    ReplaceField("PARTITION_INFO", F("select_type", "SELECT_TYPE_PARAM", "cr_type"),
                 why="26.05 v0.0.45: cr_type named as select_type_param_string() does"),
    ReplaceField("PARTITION_INFO", F("cpus/task_binding", "NODE_PARTITION_CPU_BINDING_FLAGS",
                                     "cpu_bind"),
                 why="26.05 v0.0.45: CpuBind as flags (NODE_PARTITION_CPU_BINDING_FLAGS)"),
    *(ReplaceField("PARTITION_INFO", F(key, kind, None, removed=True, deprecated=True),
                   why="26.05 v0.0.45: the raw value, replaced by partition_memory_per_* "
                       "and partition/oversubscribe and exclusive: " + _REMOVED_26_05)
      for key, kind in (("defaults/memory_per_cpu", "UINT64"),
                        ("maximums/memory_per_cpu", "UINT64"),
                        ("maximums/shares", "UINT16"),
                        ("maximums/oversubscribe/jobs", "OVERSUBSCRIBE_JOBS"),
                        ("maximums/oversubscribe/flags", "OVERSUBSCRIBE_FLAGS"))),
    AddFields("PARTITION_INFO", (F("flags", "PARTITION_FLAGS", "flags"),
                                 F("partition/exclusive", "PARTITION_EXCLUSIVE", None)),
              after="qos/deny",
              why="26.05 v0.0.45: the partition's flags and Exclusive="),
    AddFields("PARTITION_INFO", (F("partition/oversubscribe", "PARTITION_OVERSUBSCRIBE",
                                   "max_share"),),
              after="maximums/oversubscribe/flags",
              why="26.05 v0.0.45: OverSubscribe= (FORCE:n, NO, YES:n)"),
    AddFields("PARTITION_INFO", (F("preempt_mode", "PARTITION_PREEMPT_MODES",
                                   "preempt_mode"),),
              after="maximums/over_time_limit",
              why="26.05 v0.0.45: the partition's PreemptMode"),
    RemoveFields("RESERVATION_INFO", ("watts",), why=_GONE),
    RemoveFields("STATS_MSG", ("parts_packed",), why=_GONE),
)

# The request and response bodies of the slurmctld operations v0.0.45 adds
# (their kinds, published with OPERATION_ROOTS).
OPERATION_ROOTS: tuple[str, ...] = ("OPENAPI_JOB_REQUEUE_RESP", "OPENAPI_JOBS_REQUEUE_QUERY",
                                     "OPENAPI_JOBS_REQUEUE_RESP", "OPENAPI_PARTITIONS_MOD_REQ")

_REQUEUE = ("26.05 v0.0.45: GET job/{job_id}/requeue and POST jobs/requeue requeue jobs "
            "with slurm_requeue2() (openapi/slurmctld jobs.c)")
_PARTITIONS = ("26.05 v0.0.45: POST partitions/ creates each partition described, or "
               "updates the one of that name (openapi/slurmctld partitions.c)")

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
    NAME, (*CHANGES, *OPERATIONS, *_conf.KINDS, *_slurmdb.CHANGES, *_slurmdb.QUERY_CHANGES),
    roots=(*ROOTS, *OPERATION_ROOTS, *_conf.ROOTS, *_slurmdb.ROOTS))
V0045.check()
