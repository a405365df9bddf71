"""GET /slurm/v0.0.45/conf: slurmctld's configuration (slurm_load_ctl_conf()'s
slurm_conf_t, what ``scontrol show config`` shows), as v0.0.45/parsers.c of Slurm 26.05
describes it (PARSER_ARRAY(SLURM_CONF), PARSER_ARRAY(SLURM_CONF_META),
PARSER_ARRAY(OPENAPI_CONF_RESP) and their flag tables; read at slurm-26-05-3-1).
restd.data_parser.v0045 derives V0045 with ``CHANGES`` and publishes ``ROOTS``.

The flag tables give Slurm 26.05's values (its slurm.h and src/common/read_config.h).
restd.native reads slurm_conf_t on every release restd builds against and gives these
members as 26.05 names them: the scripts (one char * before 24.11), PrologTimeout and
EpilogTimeout (PrologEpilogTimeout before 26.05), NamespaceType (JobContainerType
before 26.05), and the bits older releases numbered otherwise (DebugFlags,
HealthCheckNodeState, LogTimeFormat, SelectTypeParameters: restd_conf_*() of
native/_cffi_src/slurm.py). Members a release lacks (restd.native.services
CONF_OPTIONAL_MEMBERS) are left out of the answer there, never made up.
"""
from __future__ import annotations

from restd.data_parser import rules
from restd.data_parser.describe import AddKind, Field as F, Object
from restd.data_parser.types import (STRING, Alias, ArrayOf, FlagBit, Flags, PerVersion,
                                     Pointer, Special)

_ALL16, _ALL32, _ALL64 = (("INFINITE16", 0xFFFF), ("INFINITE", 0xFFFFFFFF),
                          ("INFINITE64", 0xFFFFFFFFFFFFFFFF))


def _bit(name, macro, value, mask=_ALL64, hidden=False):
    return FlagBit(name, "bit", macro, value, *mask, hidden=hidden)


def _masked(name, macro, value, mask):
    """add_flag_masked_bit(): set when ``value`` is, and ``mask`` is not all set."""
    return FlagBit(name, "bit", macro, value, *mask)


def _equal(name, macro, value, mask=_ALL64, hidden=False):
    return FlagBit(name, "equal", macro, value, *mask, hidden=hidden)


def _bits(pairs, mask=_ALL64):
    return tuple(_bit(name, macro, value, mask) for name, macro, value in pairs)


# PARSER_FLAG_ARRAY(CONF_FLAGS) and the three tables on the same conf_flags member
CONF_FLAGS = Flags("CONF_FLAGS", None, "uint32_t", _bits((
    ("DisableRootJobs", "CONF_FLAG_DRJ", 0x4),
    ("AllowSpecResourcesUsage", "CONF_FLAG_ASRU", 0x8),
    ("UsePam", "CONF_FLAG_PAM", 0x10),
    ("TrackWCKey", "CONF_FLAG_WCKEY", 0x20))))
CONF_FLAGS_COMMUNICATION_PARAMETERS = Flags(
    "CONF_FLAGS_COMMUNICATION_PARAMETERS", None, "uint32_t", _bits((
        ("IPv4", "CONF_FLAG_IPV4_ENABLED", 0x40),
        ("IPv6", "CONF_FLAG_IPV6_ENABLED", 0x80),
        ("disable_http", "CONF_FLAG_DISABLE_HTTP", 0x20000))))
CONF_FLAGS_ACCOUNTING_STORE = Flags("CONF_FLAGS_ACCOUNTING_STORE", None, "uint32_t", _bits((
    ("job_comment", "CONF_FLAG_SJC", 0x2),
    ("job_extra", "CONF_FLAG_SJX", 0x100),
    ("job_script", "CONF_FLAG_SJS", 0x200),
    ("job_env", "CONF_FLAG_SJE", 0x400),
    ("no_stdio", "CONF_FLAG_NO_STDIO", 0x10000))))
CONF_FLAGS_SLURMD_PARAMETERS = Flags("CONF_FLAGS_SLURMD_PARAMETERS", None, "uint32_t", _bits((
    ("config_overrides", "CONF_FLAG_OR", 0x1),
    ("l3cache_as_socket", "CONF_FLAG_L3CSOCK", 0x800),
    ("numa_node_as_socket", "CONF_FLAG_NNSOCK", 0x1000),
    ("allow_ecores", "CONF_FLAG_ECORE", 0x2000),
    ("shutdown_on_reboot", "CONF_FLAG_SHR", 0x4000),
    ("contain_spank", "CONF_FLAG_CONTAIN_SPANK", 0x8000))))

# read_config.h: ALL is every bit but nojobs and nosteps
_ENFORCE_ALL = ("ACCOUNTING_ENFORCE_ALL", 0xFFFF & ~(0x20 | 0x40))
ACCT_STORAGE_ENFORCE = Flags("ACCT_STORAGE_ENFORCE", None, "uint16_t", (
    _bit("all", *_ENFORCE_ALL, _ENFORCE_ALL, hidden=True),
    *_bits((("associations", "ACCOUNTING_ENFORCE_ASSOCS", 0x1),
            ("limits", "ACCOUNTING_ENFORCE_LIMITS", 0x2),
            ("wckeys", "ACCOUNTING_ENFORCE_WCKEYS", 0x4),
            ("qos", "ACCOUNTING_ENFORCE_QOS", 0x8),
            ("safe", "ACCOUNTING_ENFORCE_SAFE", 0x10),
            ("nojobs", "ACCOUNTING_ENFORCE_NO_JOBS", 0x20),
            ("nosteps", "ACCOUNTING_ENFORCE_NO_STEPS", 0x40))),
))

# cpu_freq_govlist_to_string()
CPU_FREQ_GOVS = Flags("CPU_FREQ_GOVS", None, "uint32_t", tuple(
    _equal(name, macro, value, _ALL32) for name, macro, value in (
        ("Unset", "NO_VAL", 0xFFFFFFFE),
        ("Conservative", "CPU_FREQ_CONSERVATIVE", 0x88000000),
        ("OnDemand", "CPU_FREQ_ONDEMAND", 0x84000000),
        ("Performance", "CPU_FREQ_PERFORMANCE", 0x82000000),
        ("PowerSave", "CPU_FREQ_POWERSAVE", 0x81000000),
        ("SchedUtil", "CPU_FREQ_SCHEDUTIL", 0x80400000),
        ("UserSpace", "CPU_FREQ_USERSPACE", 0x80800000),
        ("Low", "CPU_FREQ_LOW", 0x80000001),
        ("Medium", "CPU_FREQ_MEDIUM", 0x80000002),
        ("Highm1", "CPU_FREQ_HIGHM1", 0x80000004),
        ("High", "CPU_FREQ_HIGH", 0x80000003))))

# debug_flags2str()
DEBUG_FLAGS = Flags("DEBUG_FLAGS", None, "uint64_t", _bits((
    ("Accrue", "DEBUG_FLAG_ACCRUE", 1 << 50),
    ("Agent", "DEBUG_FLAG_AGENT", 1 << 52),
    ("AuditRPCs", "DEBUG_FLAG_AUDIT_RPCS", 1 << 25),
    ("AuditTLS", "DEBUG_FLAG_AUDIT_TLS", 1 << 15),
    ("Backfill", "DEBUG_FLAG_BACKFILL", 1 << 12),
    ("BackfillMap", "DEBUG_FLAG_BACKFILL_MAP", 1 << 27),
    ("BurstBuffer", "DEBUG_FLAG_BURST_BUF", 1 << 40),
    ("Cgroup", "DEBUG_FLAG_CGROUP", 1 << 55),
    ("ConMgr", "DEBUG_FLAG_CONMGR", 1 << 9),
    ("CpuFrequency", "DEBUG_FLAG_CPU_FREQ", 1 << 41),
    ("CPU_Bind", "DEBUG_FLAG_CPU_BIND", 1 << 3),
    ("Data", "DEBUG_FLAG_DATA", 1 << 8),
    ("DBD_Agent", "DEBUG_FLAG_DBD_AGENT", 1 << 51),
    ("DB_Archive", "DEBUG_FLAG_DB_ARCHIVE", 1 << 44),
    ("DB_Assoc", "DEBUG_FLAG_DB_ASSOC", 1 << 30),
    ("DB_Event", "DEBUG_FLAG_DB_EVENT", 1 << 31),
    ("DB_Job", "DEBUG_FLAG_DB_JOB", 1 << 32),
    ("DB_QOS", "DEBUG_FLAG_DB_QOS", 1 << 33),
    ("DB_Query", "DEBUG_FLAG_DB_QUERY", 1 << 34),
    ("DB_Reservation", "DEBUG_FLAG_DB_RESV", 1 << 35),
    ("DB_Resource", "DEBUG_FLAG_DB_RES", 1 << 36),
    ("DB_Step", "DEBUG_FLAG_DB_STEP", 1 << 37),
    ("DB_TRES", "DEBUG_FLAG_DB_TRES", 1 << 45),
    ("DB_Usage", "DEBUG_FLAG_DB_USAGE", 1 << 38),
    ("DB_WCKey", "DEBUG_FLAG_DB_WCKEY", 1 << 39),
    ("Dependency", "DEBUG_FLAG_DEPENDENCY", 1 << 53),
    ("Energy", "DEBUG_FLAG_ENERGY", 1 << 18),
    ("Federation", "DEBUG_FLAG_FEDR", 1 << 48),
    ("Gang", "DEBUG_FLAG_GANG", 1 << 13),
    ("GLOB_SILENCE", "DEBUG_FLAG_GLOB_SILENCE", 1 << 23),
    ("Gres", "DEBUG_FLAG_GRES", 1 << 6),
    ("Hetjob", "DEBUG_FLAG_HETJOB", 1 << 49),
    ("Interconnect", "DEBUG_FLAG_INTERCONNECT", 1 << 22),
    ("JobAccountGather", "DEBUG_FLAG_JAG", 1 << 54),
    ("JobComp", "DEBUG_FLAG_JOBCOMP", 1 << 46),
    ("Namespace", "DEBUG_FLAG_NAMESPACE", 1 << 24),
    ("NodeFeatures", "DEBUG_FLAG_NODE_FEATURES", 1 << 47),
    ("License", "DEBUG_FLAG_LICENSE", 1 << 20),
    ("Metrics", "DEBUG_FLAG_METRICS", 1 << 57),
    ("MPI", "DEBUG_FLAG_MPI", 1 << 7),
    ("Network", "DEBUG_FLAG_NET", 1 << 10),
    ("NetworkRaw", "DEBUG_FLAG_NET_RAW", 1 << 4),
    ("NO_CONF_HASH", "DEBUG_FLAG_NO_CONF_HASH", 1 << 5),
    ("Power", "DEBUG_FLAG_POWER", 1 << 42),
    ("Priority", "DEBUG_FLAG_PRIO", 1 << 11),
    ("Profile", "DEBUG_FLAG_PROFILE", 1 << 21),
    ("Protocol", "DEBUG_FLAG_PROTOCOL", 1 << 26),
    ("Reservation", "DEBUG_FLAG_RESERVATION", 1 << 14),
    ("Route", "DEBUG_FLAG_ROUTE", 1 << 29),
    ("Sack", "DEBUG_FLAG_SACK", 1 << 16),
    ("Script", "DEBUG_FLAG_SCRIPT", 1 << 56),
    ("SelectType", "DEBUG_FLAG_SELECT_TYPE", 1 << 0),
    ("Steps", "DEBUG_FLAG_STEPS", 1 << 1),
    ("Switch", "DEBUG_FLAG_SWITCH", 1 << 17),
    ("thread", "DEBUG_FLAG_THREAD", 1 << 43),
    ("TLS", "DEBUG_FLAG_TLS", 1 << 19),
    ("TraceJobs", "DEBUG_FLAG_TRACE_JOBS", 1 << 28),
    ("Triggers", "DEBUG_FLAG_TRIGGERS", 1 << 2))))

# health_check_node_state_str(): HEALTH_CHECK_BASE_STATE_MASK is ANY|START_ONLY|REBOOT_ONLY
_HC_ANY = ("HEALTH_CHECK_NODE_ANY", 0x00FF)
_HC_BASE = ("HEALTH_CHECK_BASE_STATE_MASK", 0x00FF | 0x0200 | 0x0400)
HEALTH_CHECK_NODE_STATE = Flags("HEALTH_CHECK_NODE_STATE", None, "uint16_t", (
    _equal("START_ONLY", "HEALTH_CHECK_START_ONLY", 0x0200, _HC_BASE),
    _equal("REBOOT_ONLY", "HEALTH_CHECK_REBOOT_ONLY", 0x0400, _HC_BASE),
    _equal("ANY", "HEALTH_CHECK_NODE_ANY", 0x00FF, _HC_ANY),
    _masked("IDLE", "HEALTH_CHECK_NODE_IDLE", 0x0001, _HC_ANY),
    _masked("ALLOC", "HEALTH_CHECK_NODE_ALLOC", 0x0002, _HC_ANY),
    _masked("MIXED", "HEALTH_CHECK_NODE_MIXED", 0x0004, _HC_ANY),
    _masked("NONDRAINED_IDLE", "HEALTH_CHECK_NODE_NONDRAINED_IDLE", 0x0008, _HC_ANY),
    _masked("CYCLE", "HEALTH_CHECK_CYCLE", 0x0100, ("HEALTH_CHECK_ORTHOGONAL_MASK", 0x0100)),
))

# parse_part_enforce_type_2str()
ENFORCE_PART_LIMITS = Flags("ENFORCE_PART_LIMITS", None, "uint16_t", (
    _equal("NO", "PARTITION_ENFORCE_NONE", 0, _ALL16),
    _equal("ANY", "PARTITION_ENFORCE_ANY", 2, _ALL16),
    _equal("ALL", "PARTITION_ENFORCE_ALL", 1, _ALL16),
))

# priority_flags_string()
PRIORITY_FLAGS = Flags("PRIORITY_FLAGS", None, "uint16_t", _bits((
    ("ACCRUE_ALWAYS", "PRIORITY_FLAGS_ACCRUE_ALWAYS", 0x1),
    ("SMALL_RELATIVE_TO_TIME", "PRIORITY_FLAGS_SIZE_RELATIVE", 0x4),
    ("CALCULATE_RUNNING", "PRIORITY_FLAGS_CALCULATE_RUNNING", 0x10),
    ("DEPTH_OBLIVIOUS", "PRIORITY_FLAGS_DEPTH_OBLIVIOUS", 0x8),
    ("FAIR_TREE", "PRIORITY_FLAGS_FAIR_TREE", 0x20),
    ("INCR_ONLY", "PRIORITY_FLAGS_INCR_ONLY", 0x40),
    ("MAX_TRES", "PRIORITY_FLAGS_MAX_TRES", 0x2),
    ("MAX_TRES_GRES", "PRIORITY_FLAGS_MAX_TRES_GRES", 0x800),
    ("NO_NORMAL_ASSOC", "PRIORITY_FLAGS_NO_NORMAL_ASSOC", 0x80),
    ("NO_NORMAL_PART", "PRIORITY_FLAGS_NO_NORMAL_PART", 0x100),
    ("NO_NORMAL_QOS", "PRIORITY_FLAGS_NO_NORMAL_QOS", 0x200),
    ("NO_NORMAL_TRES", "PRIORITY_FLAGS_NO_NORMAL_TRES", 0x400))))


def _single(name, entries):
    """addfas(): one name of a table of values, published as a plain string
    (openapi.c lists no enum for these: slurmrestd 26.05.5's document)."""
    table = Flags(name, None, "uint16_t", tuple(_equal(*entry) for entry in entries),
                  single=True)
    return rules.scalar(name, STRING, "uint16_t",
                        lambda value, services: table.dump_value(value), table.parse_value)


PRIORITY_RESET_PERIOD = _single("PRIORITY_RESET_PERIOD", (
    ("NONE", "PRIORITY_RESET_NONE", 0), ("NOW", "PRIORITY_RESET_NOW", 1),
    ("DAILY", "PRIORITY_RESET_DAILY", 2), ("WEEKLY", "PRIORITY_RESET_WEEKLY", 3),
    ("MONTHLY", "PRIORITY_RESET_MONTHLY", 4), ("QUARTERLY", "PRIORITY_RESET_QUARTERLY", 5),
    ("YEARLY", "PRIORITY_RESET_YEARLY", 6)))

# private_data_string()
PRIVATE_DATA = Flags("PRIVATE_DATA", None, "uint16_t", _bits((
    ("accounts", "PRIVATE_DATA_ACCOUNTS", 0x20), ("events", "PRIVATE_DATA_EVENTS", 0x100),
    ("jobs", "PRIVATE_DATA_JOBS", 0x1), ("nodes", "PRIVATE_DATA_NODES", 0x2),
    ("partitions", "PRIVATE_DATA_PARTITIONS", 0x4),
    ("reservations", "PRIVATE_DATA_RESERVATIONS", 0x40),
    ("usage", "PRIVATE_DATA_USAGE", 0x8), ("users", "PRIVATE_DATA_USERS", 0x10))))

# _logfmtstr()
LOG_TIME_FORMAT = _single("LOG_TIME_FORMAT", (
    ("iso8601_ms", "LOG_FMT_ISO8601_MS", 0), ("iso8601", "LOG_FMT_ISO8601", 1),
    ("rfc5424_ms", "LOG_FMT_RFC5424_MS", 2), ("rfc5424", "LOG_FMT_RFC5424", 3),
    ("rfc3339", "LOG_FMT_RFC3339", 7), ("clock", "LOG_FMT_CLOCK", 4),
    ("short", "LOG_FMT_SHORT", 5), ("thread_id", "LOG_FMT_THREAD_ID", 6)))

PROPAGATE_PRIO_PROCESS = _single("PROPAGATE_PRIO_PROCESS", (
    ("off", "PROP_PRIO_OFF", 0), ("on", "PROP_PRIO_ON", 1),
    ("nicer", "PROP_PRIO_NICER", 2)))

RETURN_TO_SERVICE = _single("RETURN_TO_SERVICE", (
    ("none", "RETURN_TO_SERVICE_NONE", 0),
    ("non_responsive_only", "RETURN_TO_SERVICE_NON_RESP", 1),
    ("all", "RETURN_TO_SERVICE_ALL", 2)))

# prolog_flags2str()
PROLOG_FLAGS = Flags("PROLOG_FLAGS", None, "uint16_t", _bits((
    ("Alloc", "PROLOG_FLAG_ALLOC", 0x1), ("NoHold", "PROLOG_FLAG_NOHOLD", 0x2),
    ("Contain", "PROLOG_FLAG_CONTAIN", 0x4), ("Serial", "PROLOG_FLAG_SERIAL", 0x8),
    ("X11", "PROLOG_FLAG_X11", 0x10), ("DeferBatch", "PROLOG_FLAG_DEFER_BATCH", 0x20),
    ("ForceRequeueOnFail", "PROLOG_FLAG_FORCE_REQUEUE_ON_FAIL", 0x40),
    ("RunInJob", "PROLOG_FLAG_RUN_IN_JOB", 0x80))))

# reconfig_flags2str()
RECONFIG_FLAGS = Flags("RECONFIG_FLAGS", None, "uint16_t", _bits((
    ("KeepPartInfo", "RECONFIG_KEEP_PART_INFO", 0x1),
    ("KeepPartState", "RECONFIG_KEEP_PART_STAT", 0x2),
    ("KeepPowerSaveSettings", "RECONFIG_KEEP_POWER_SAVE_SETTINGS", 0x4))))

# TaskPluginParam (_validate_and_set_defaults())
_CPU_BIND_T_MASK, _CPU_BIND_T_TO_MASK = ("CPU_BIND_T_MASK", 0xFE0), ("CPU_BIND_T_TO_MASK", 0x1E)
_CPU_BIND_T_AUTO_TO_MASK = ("CPU_BIND_T_AUTO_TO_MASK", 0x34000)
TASK_PLUGIN_PARAM_FLAGS = Flags("TASK_PLUGIN_PARAM_FLAGS", None, "uint32_t", (
    _equal("None", "CPU_BIND_NONE", 0x20, _CPU_BIND_T_MASK),
    _equal("Threads", "CPU_BIND_TO_THREADS", 0x2, _CPU_BIND_T_TO_MASK),
    _equal("Cores", "CPU_BIND_TO_CORES", 0x4, _CPU_BIND_T_TO_MASK),
    _equal("Sockets", "CPU_BIND_TO_SOCKETS", 0x8, _CPU_BIND_T_TO_MASK),
    _equal("autobind=threads", "CPU_AUTO_BIND_TO_THREADS", 0x4000, _CPU_BIND_T_AUTO_TO_MASK),
    _equal("autobind=cores", "CPU_AUTO_BIND_TO_CORES", 0x10000, _CPU_BIND_T_AUTO_TO_MASK),
    _equal("autobind=sockets", "CPU_AUTO_BIND_TO_SOCKETS", 0x20000, _CPU_BIND_T_AUTO_TO_MASK),
    _masked("Verbose", "CPU_BIND_VERBOSE", 0x1, ("CPU_BIND_VERBOSE", 0x1)),
    _bit("SlurmdOffSpec", "SLURMD_OFF_SPEC", 0x40000),
    _bit("OOMKillStep", "OOM_KILL_STEP", 0x100000),
    _bit("SlurmdSpecOverride", "SLURMD_SPEC_OVERRIDE", 0x200000),
))

# preempt_mode_string()
SLURM_CONF_PREEMPT_MODES = Flags("SLURM_CONF_PREEMPT_MODES", None, "uint16_t", (
    _equal("DISABLED", "PREEMPT_MODE_OFF", 0),
    *_bits((("SUSPEND", "PREEMPT_MODE_SUSPEND", 0x1), ("REQUEUE", "PREEMPT_MODE_REQUEUE", 0x2),
            ("CANCEL", "PREEMPT_MODE_CANCEL", 0x8), ("GANG", "PREEMPT_MODE_GANG", 0x8000),
            ("WITHIN", "PREEMPT_MODE_WITHIN", 0x4000),
            ("PRIORITY", "PREEMPT_MODE_PRIORITY", 0x2000))),
))

JOB_DEFAULTS_TYPE = Flags("JOB_DEFAULTS_TYPE", None, "uint16_t", (
    _equal("DefCpuPerGPU", "JOB_DEF_CPU_PER_GPU", 0x1),
    _equal("DefMemPerGPU", "JOB_DEF_MEM_PER_GPU", 0x2),
))


def dump_port_range(value, services) -> dict:
    """DUMP(PORT_RANGE_ARRAY): a uint16_t[2] (min, max) as port_range_t, set when both
    are above 0."""
    low, high = (int(value[0]), int(value[1])) if value is not None else (0, 0)
    if low > 0 and high > 0:
        return {"min": low, "max": high, "set": True}
    return {"min": 0, "max": 0, "set": False}


def dump_conf_controllers(conf, services, get) -> list:
    """DUMP(SLURM_CONF_CONTROLLERS): control_machine and control_addr, control_cnt of
    each, as controller_t."""
    count = int(get(conf, "control_cnt") or 0)
    machines, addresses = get(conf, "control_machine"), get(conf, "control_addr")
    return [{"machine": machines[index] if machines is not None else None,
             "addr": addresses[index] if addresses is not None else None}
            for index in range(count)]


@PerVersion
def _dump_controllers(version, get):
    items = version.dumper("CONTROLLERS_ARRAY", get)

    def dump(conf, services, get):
        return items(dump_conf_controllers(conf, services, get))
    return dump


_SLURM_CONF = "PARSER_ARRAY(SLURM_CONF): slurm_conf_t as slurm_load_ctl_conf() gives it"

KINDS = (
    *(AddKind(kind, why="26.05 v0.0.45: PARSER_FLAG_ARRAY(" + kind.name + ") of slurm_conf_t")
      for kind in (CONF_FLAGS, CONF_FLAGS_COMMUNICATION_PARAMETERS, CONF_FLAGS_ACCOUNTING_STORE,
                   CONF_FLAGS_SLURMD_PARAMETERS, ACCT_STORAGE_ENFORCE, CPU_FREQ_GOVS,
                   DEBUG_FLAGS, HEALTH_CHECK_NODE_STATE, ENFORCE_PART_LIMITS, PRIORITY_FLAGS,
                   PRIORITY_RESET_PERIOD, PRIVATE_DATA, LOG_TIME_FORMAT,
                   PROPAGATE_PRIO_PROCESS, RETURN_TO_SERVICE, PROLOG_FLAGS, RECONFIG_FLAGS,
                   TASK_PLUGIN_PARAM_FLAGS, SLURM_CONF_PREEMPT_MODES, JOB_DEFAULTS_TYPE)),
    AddKind(Object("JOB_DEFAULTS", "job_defaults", "job_defaults_t", (
        F("type", "JOB_DEFAULTS_TYPE", "type"),
        F("value", "UINT64", "value"),
    )), why="PARSER_ARRAY(JOB_DEFAULTS): an item of JobDefaults="),
    AddKind(ArrayOf("JOB_DEFAULTS_LIST", "job_defaults_list", "JOB_DEFAULTS", "list_t *",
                    checked=False), why="addpl(JOB_DEFAULTS_LIST, JOB_DEFAULTS_PTR)"),
    AddKind(Object("PORT_RANGE", "port_range", "port_range_t", (
        F("minimum", "UINT16", "min"),
        F("maximum", "UINT16", "max"),
        F("set", "BOOL", "set"),
    )), why="PARSER_ARRAY(PORT_RANGE): SrunPortRange"),
    AddKind(Alias("PORT_RANGE_ARRAY", "PORT_RANGE", "uint16_t *",
                        to_target=dump_port_range,
                        parse_override=rules.read_only("PORT_RANGE_ARRAY"), synthetic=True),
            why="addpsp(PORT_RANGE_ARRAY, PORT_RANGE, uint16_t *)"),
    AddKind(Object("CONTROLLER", "controller", "controller_t", (
        F("address", "STRING", "addr"),
        F("machine", "STRING", "machine"),
    )), why="PARSER_ARRAY(CONTROLLER): a SlurmctldHost"),
    AddKind(ArrayOf("CONTROLLERS_ARRAY", "controllers_array", "CONTROLLER", "controller_t *",
                    checked=False), why="addnt(CONTROLLERS_ARRAY, CONTROLLER)"),
    AddKind(Special("SLURM_CONF_CONTROLLERS", _dump_controllers,
                    rules.read_only_complex("SLURM_CONF_CONTROLLERS"),
                    target="CONTROLLERS_ARRAY", complex=True, c_type="slurm_conf_t"),
            why="addpcp(SLURM_CONF_CONTROLLERS, CONTROLLERS_ARRAY, slurm_conf_t)"),
    AddKind(Object("SLURM_CONF", "slurm_conf", "slurm_conf_t", (
        F("AccountingStorageTRES", "CSV_STRING", "accounting_storage_tres"),
        F("AccountingStorageBackupHost", "STRING", "accounting_storage_backup_host"),
        F("AccountingStorageEnforce", "ACCT_STORAGE_ENFORCE", "accounting_storage_enforce"),
        F("AccountingStorageExternalHost", "STRING", "accounting_storage_ext_host"),
        F("AccountingStorageHost", "STRING", "accounting_storage_host"),
        F("AccountingStorageParameters", "CSV_STRING", "accounting_storage_params"),
        F("AccountingStoragePort", "UINT16", "accounting_storage_port"),
        F("AccountingStorageType", "STRING", "accounting_storage_type"),
        F("AcctGatherEnergyType", "CSV_STRING", "acct_gather_energy_type"),
        F("AcctGatherProfileType", "STRING", "acct_gather_profile_type"),
        F("AcctGatherInterconnectType", "STRING", "acct_gather_interconnect_type"),
        F("AcctGatherFilesystemType", "STRING", "acct_gather_filesystem_type"),
        F("AcctGatherNodeFreq", "UINT16", "acct_gather_node_freq"),
        F("ConfFlags", "CONF_FLAGS", "conf_flags"),
        F("AuthAltTypes", "CSV_STRING", "authalttypes"),
        F("AuthInfo", "STRING", "authinfo"),
        F("AuthAltParameters", "STRING", "authalt_params"),
        F("AuthType", "STRING", "authtype"),
        F("BatchStartTimeout", "UINT16", "batch_start_timeout"),
        F("BurstBufferType", "STRING", "bb_type"),
        F("BcastExclude", "CSV_STRING", "bcast_exclude"),
        F("BcastParameters", "CSV_STRING", "bcast_parameters"),
        F("CertgenParameters", "CSV_STRING", "certgen_params"),
        F("CertgenType", "STRING", "certgen_type"),
        F("CertmgrParameters", "STRING", "certmgr_params"),
        F("CertmgrType", "STRING", "certmgr_type"),
        F("CliFilterParameters", "CSV_STRING", "cli_filter_params"),
        F("CliFilterPlugins", "CSV_STRING", "cli_filter_plugins"),
        F("ClusterName", "STRING", "cluster_name"),
        F("CommunicationParameters", "CSV_STRING", "comm_params"),
        F("CompleteWait", "UINT16", "complete_wait"),
        F("CommunicationParametersFlags", "CONF_FLAGS_COMMUNICATION_PARAMETERS", "conf_flags"),
        F("AccountingStoreFlags", "CONF_FLAGS_ACCOUNTING_STORE", "conf_flags"),
        F("SlurmdParametersFlags", "CONF_FLAGS_SLURMD_PARAMETERS", "conf_flags"),
        F("controllers", "SLURM_CONF_CONTROLLERS", None),
        F("CpuFreqDef", "CPU_FREQ_FLAGS", "cpu_freq_def"),
        F("CpuFreqGovernors", "CPU_FREQ_GOVS", "cpu_freq_govs"),
        F("CredType", "STRING", "cred_type"),
        F("DataParserParameters", "STRING", "data_parser_parameters"),
        F("DebugFlags", "DEBUG_FLAGS", "debug_flags"),
        F("DefMemPerCPU", "MEM_PER_CPUS", "def_mem_per_cpu"),
        F("DependencyParameters", "CSV_STRING", "dependency_params"),
        F("EioTimeout", "UINT16", "eio_timeout"),
        F("EnforcePartLimits", "ENFORCE_PART_LIMITS", "enforce_part_limits"),
        F("Epilog", "STRING_ARRAY", "epilog"),
        F("EpilogMsgTime", "UINT32", "epilog_msg_time"),
        F("EpilogSlurmctld", "STRING_ARRAY", "epilog_slurmctld"),
        F("EpilogTimeout", "UINT16_NO_VAL", "epilog_timeout"),
        F("FederationParameters", "CSV_STRING", "fed_params"),
        F("FirstJobId", "UINT32", "first_job_id"),
        F("FairShareDampeningFactor", "UINT16", "fs_dampening_factor"),
        F("GetNameInfoCacheTimeout", "UINT16", "getnameinfo_cache_timeout"),
        F("GresTypes", "CSV_STRING", "gres_plugins"),
        F("GroupUpdateTime", "UINT16", "group_time"),
        F("GroupUpdateForce", "BOOL16", "group_force"),
        F("GpuFreqDef", "STRING", "gpu_freq_def"),
        F("HashPlugin", "STRING", "hash_plugin"),
        F("HealthCheckInterval", "UINT16", "health_check_interval"),
        F("HealthCheckNodeState", "HEALTH_CHECK_NODE_STATE", "health_check_node_state"),
        F("HealthCheckProgram", "STRING", "health_check_program"),
        F("HealthCheckTimeout", "UINT16", "health_check_timeout"),
        F("HttpParserType", "STRING", "http_parser_type"),
        F("HostUnreachRetryCount", "UINT32", "host_unreach_retry_count"),
        F("InactiveLimit", "UINT16", "inactive_limit"),
        F("InteractiveStepOptions", "STRING", "interactive_step_opts"),
        F("JobAcctGatherFrequency", "CSV_STRING", "job_acct_gather_freq"),
        F("JobAcctGatherType", "STRING", "job_acct_gather_type"),
        F("JobAcctGatherParams", "CSV_STRING", "job_acct_gather_params"),
        F("JobAcctOomKill", "BOOL16", "job_acct_oom_kill"),
        F("JobCompHost", "STRING", "job_comp_host"),
        F("JobCompLoc", "STRING", "job_comp_loc"),
        F("JobCompParams", "STRING", "job_comp_params"),
        F("JobCompPort", "UINT32", "job_comp_port"),
        F("JobCompType", "STRING", "job_comp_type"),
        F("JobCompUser", "STRING", "job_comp_user"),
        F("JobDefaults", "JOB_DEFAULTS_LIST", "job_defaults_list"),
        F("JobFileAppend", "BOOL16", "job_file_append"),
        F("JobRequeue", "BOOL16", "job_requeue"),
        F("JobSubmitPlugins", "CSV_STRING", "job_submit_plugins"),
        F("KeepaliveInterval", "UINT32", "keepalive_interval"),
        F("KeepaliveProbes", "UINT32", "keepalive_probes"),
        F("KeepaliveTime", "UINT32", "keepalive_time"),
        F("KillOnBadExit", "BOOL16", "kill_on_bad_exit"),
        F("KillWait", "UINT16", "kill_wait"),
        F("LaunchParameters", "CSV_STRING", "launch_params"),
        F("Licenses", "CSV_STRING", "licenses"),
        F("LicenseParameters", "CSV_STRING", "license_params"),
        F("LogTimeFormat", "LOG_TIME_FORMAT", "log_fmt"),
        F("MailDomain", "STRING", "mail_domain"),
        F("MailProg", "STRING", "mail_prog"),
        F("MaxArraySize", "UINT32", "max_array_sz"),
        F("MaxBatchRequeue", "UINT32", "max_batch_requeue"),
        F("MaxDBDMsgs", "UINT32", "max_dbd_msgs"),
        F("MaxJobCount", "UINT32", "max_job_cnt"),
        F("MaxJobId", "UINT32", "max_job_id"),
        F("MaxMemPerCPU", "MEM_PER_NODE", "max_mem_per_cpu"),
        F("MaxNodeCount", "UINT32", "max_node_cnt"),
        F("MaxStepCount", "UINT32", "max_step_cnt"),
        F("MaxTasksPerNode", "UINT16", "max_tasks_per_node"),
        F("MCSPlugin", "STRING", "mcs_plugin"),
        F("MCSParameters", "CSV_STRING", "mcs_plugin_params"),
        F("MetricsAuthUsers", "CSV_STRING", "metrics_auth_users"),
        F("MetricsParameters", "CSV_STRING", "metrics_params"),
        F("MetricsType", "STRING", "metrics_type"),
        F("MinJobAge", "UINT32", "min_job_age"),
        F("MpiDefault", "STRING", "mpi_default"),
        F("MpiParams", "CSV_STRING", "mpi_params"),
        F("MessageTimeout", "UINT16", "msg_timeout"),
        F("NamespaceType", "STRING", "namespace_plugin"),
        F("NodeFeaturesPlugins", "CSV_STRING", "node_features_plugins"),
        F("OverTimeLimit", "UINT16", "over_time_limit"),
        F("PluginDir", "STRING", "plugindir"),
        F("PlugStackConfig", "STRING", "plugstack"),
        F("PreemptExemptTime", "UINT32_NO_VAL", "preempt_exempt_time"),
        F("PreemptMode", "SLURM_CONF_PREEMPT_MODES", "preempt_mode"),
        F("PreemptParameters", "CSV_STRING", "preempt_params"),
        F("PreemptType", "STRING", "preempt_type"),
        F("PrEpParameters", "STRING", "prep_params"),
        F("PrEpPlugins", "CSV_STRING", "prep_plugins"),
        F("PriorityDecayHalfLife", "TIME_SECONDS", "priority_decay_hl"),
        F("PriorityCalcPeriod", "TIME_SECONDS", "priority_calc_period"),
        F("PriorityFavorSmall", "BOOL16", "priority_favor_small"),
        F("PriorityFlags", "PRIORITY_FLAGS", "priority_flags"),
        F("PriorityMaxAge", "TIME_SECONDS", "priority_max_age"),
        F("PriorityParameters", "STRING", "priority_params"),
        F("PriorityUsageResetPeriod", "PRIORITY_RESET_PERIOD", "priority_reset_period"),
        F("PriorityType", "STRING", "priority_type"),
        F("PriorityWeightAge", "UINT32", "priority_weight_age"),
        F("PriorityWeightAssoc", "UINT32", "priority_weight_assoc"),
        F("PriorityWeightFairshare", "UINT32", "priority_weight_fs"),
        F("PriorityWeightJobSize", "UINT32", "priority_weight_js"),
        F("PriorityWeightPartition", "UINT32", "priority_weight_part"),
        F("PriorityWeightQOS", "UINT32", "priority_weight_qos"),
        F("PriorityWeightTRES", "STRING", "priority_weight_tres"),
        F("PrivateData", "PRIVATE_DATA", "private_data"),
        F("ProctrackType", "STRING", "proctrack_type"),
        F("Prolog", "STRING_ARRAY", "prolog"),
        F("PrologSlurmctld", "STRING_ARRAY", "prolog_slurmctld"),
        F("PrologTimeout", "UINT16_NO_VAL", "prolog_timeout"),
        F("PropagatePrioProcess", "PROPAGATE_PRIO_PROCESS", "propagate_prio_process"),
        F("PrologFlags", "PROLOG_FLAGS", "prolog_flags"),
        F("PropagateResourceLimits", "CSV_STRING", "propagate_rlimits"),
        F("PropagateResourceLimitsExcept", "CSV_STRING", "propagate_rlimits_except"),
        F("RebootProgram", "STRING", "reboot_program"),
        F("ReconfigFlags", "RECONFIG_FLAGS", "reconfig_flags"),
        F("RequeueExit", "CSV_STRING", "requeue_exit"),
        F("RequeueExitHold", "CSV_STRING", "requeue_exit_hold"),
        F("ResumeFailProgram", "STRING", "resume_fail_program"),
        F("ResumeProgram", "STRING", "resume_program"),
        F("ResumeRate", "UINT16", "resume_rate"),
        F("ResumeTimeout", "UINT16", "resume_timeout"),
        F("ResvEpilog", "STRING", "resv_epilog"),
        F("ResvOverRun", "UINT16", "resv_over_run"),
        F("ResvProlog", "STRING", "resv_prolog"),
        F("ReturnToService", "RETURN_TO_SERVICE", "ret2service"),
        F("SlurmSchedLogFile", "STRING", "sched_logfile"),
        F("SlurmSchedLogLevel", "UINT16", "sched_log_level"),
        F("SchedulerParameters", "CSV_STRING", "sched_params"),
        F("SchedulerTimeSlice", "UINT16", "sched_time_slice"),
        F("SchedulerType", "STRING", "schedtype"),
        F("ScronParameters", "CSV_STRING", "scron_params"),
        F("SelectType", "STRING", "select_type"),
        F("SelectTypeParameters", "SELECT_TYPE_PARAM", "select_type_param"),
        F("PrioritySiteFactorPlugin", "STRING", "site_factor_plugin"),
        F("PrioritySiteFactorParameters", "STRING", "site_factor_params"),
        F("SlurmUserId", "UINT32", "slurm_user_id"),
        F("SlurmUser", "STRING", "slurm_user_name"),
        F("SlurmdUserId", "UINT32", "slurmd_user_id"),
        F("SlurmdUser", "STRING", "slurmd_user_name"),
        F("SlurmctldAddr", "STRING", "slurmctld_addr"),
        F("SlurmctldDebug", "LOG_LEVEL_UINT16", "slurmctld_debug"),
        F("SlurmctldHttpAuthParams", "CSV_STRING", "slurmctld_http_auth_params"),
        F("SlurmctldLogFile", "STRING", "slurmctld_logfile"),
        F("SlurmctldPidFile", "STRING", "slurmctld_pidfile"),
        F("SlurmctldPort", "UINT32", "slurmctld_port"),
        F("SlurmctldPortCount", "UINT16", "slurmctld_port_count"),
        F("SlurmctldPrimaryOffProg", "STRING", "slurmctld_primary_off_prog"),
        F("SlurmctldPrimaryOnProg", "STRING", "slurmctld_primary_on_prog"),
        F("SlurmctldSyslogDebug", "LOG_LEVEL_UINT16", "slurmctld_syslog_debug"),
        F("SlurmctldTimeout", "UINT16", "slurmctld_timeout"),
        F("SlurmctldParameters", "CSV_STRING", "slurmctld_params"),
        F("SlurmdDebug", "LOG_LEVEL_UINT16", "slurmd_debug"),
        F("SlurmdHttpAuthParams", "CSV_STRING", "slurmd_http_auth_params"),
        F("SlurmdLogFile", "STRING", "slurmd_logfile"),
        F("SlurmdParameters", "CSV_STRING", "slurmd_params"),
        F("SlurmdPidFile", "STRING", "slurmd_pidfile"),
        F("SlurmdPort", "UINT32", "slurmd_port"),
        F("SlurmdSpoolDir", "STRING", "slurmd_spooldir"),
        F("SlurmdSyslogDebug", "LOG_LEVEL_UINT16", "slurmd_syslog_debug"),
        F("SlurmdTimeout", "UINT16", "slurmd_timeout"),
        F("SrunEpilog", "STRING", "srun_epilog"),
        F("SrunPortRange", "PORT_RANGE_ARRAY", "srun_port_range"),
        F("SrunProlog", "STRING", "srun_prolog"),
        F("StateSaveLocation", "STRING", "state_save_location"),
        F("SuspendExcNodes", "CSV_STRING", "suspend_exc_nodes"),
        F("SuspendExcParts", "CSV_STRING", "suspend_exc_parts"),
        F("SuspendExcStates", "CSV_STRING", "suspend_exc_states"),
        F("SuspendProgram", "STRING", "suspend_program"),
        F("SuspendRate", "UINT16", "suspend_rate"),
        F("SuspendTime", "UINT32_NO_VAL", "suspend_time"),
        F("SuspendTimeout", "UINT16", "suspend_timeout"),
        F("SwitchType", "STRING", "switch_type"),
        F("SwitchParameters", "CSV_STRING", "switch_param"),
        F("TaskEpilog", "STRING", "task_epilog"),
        F("TaskPlugin", "CSV_STRING", "task_plugin"),
        F("TaskPluginParam", "TASK_PLUGIN_PARAM_FLAGS", "task_plugin_param"),
        F("TaskProlog", "STRING", "task_prolog"),
        F("TLSParameters", "CSV_STRING", "tls_params"),
        F("TLSType", "STRING", "tls_type"),
        F("TCPTimeout", "UINT16", "tcp_timeout"),
        F("TmpFS", "STRING", "tmp_fs"),
        F("TopologyParam", "CSV_STRING", "topology_param"),
        F("TopologyPlugin", "STRING", "topology_plugin"),
        F("TreeWidth", "UINT16", "tree_width"),
        F("UnkillableStepProgram", "STRING", "unkillable_program"),
        F("UnkillableStepTimeout", "UINT16", "unkillable_timeout"),
        F("UrlParserType", "STRING", "url_parser_type"),
        F("VSizeFactor", "UINT16", "vsize_factor"),
        F("WaitTime", "UINT16", "wait_time"),
        F("X11Parameters", "CSV_STRING", "x11_params"),
    )), why=_SLURM_CONF + " (the scripts: SLURM_CONF_EPILOG... as STRING_ARRAY)"),
    AddKind(Object("SLURM_CONF_META", "slurm_conf_meta", "slurm_conf_t", (
        F("LastUpdate", "TIMESTAMP", "last_update"),
        F("BOOT_TIME", "TIMESTAMP", "boot_time"),
        F("ClusterId", "UINT16_NO_VAL", "cluster_id"),
        F("HashValue", "UINT32", "hash_val"),
        F("NEXT_JOB_ID", "UINT32_NO_VAL", "next_job_id"),
        F("SLURM_CONF", "STRING", "slurm_conf"),
        F("SLURM_VERSION", "STRING", "version"),
    )), why="PARSER_ARRAY(SLURM_CONF_META): what slurm_conf_t says of slurmctld itself"),
    AddKind(Pointer("SLURM_CONF_PTR", "SLURM_CONF"), why="addpap(SLURM_CONF, slurm_conf_t)"),
    AddKind(Pointer("SLURM_CONF_META_PTR", "SLURM_CONF_META"),
            why="addpap(SLURM_CONF_META, slurm_conf_t)"),
    AddKind(Object("OPENAPI_CONF_RESP", "openapi_conf_resp", "openapi_resp_config_t", (
        F("slurm_conf", "SLURM_CONF_PTR", "slurm_conf"),
        F("slurm_conf_meta", "SLURM_CONF_META_PTR", "slurm_conf"),
        F("meta", "OPENAPI_META_PTR", "meta"),
        F("errors", "OPENAPI_ERRORS", "errors"),
        F("warnings", "OPENAPI_WARNINGS", "warnings"),
    )), why="PARSER_ARRAY(OPENAPI_CONF_RESP): the body of GET /slurm/v0.0.45/conf"),
    AddKind(Object("OPENAPI_CONF_QUERY", None, "openapi_config_query_t", (
        F("update_time", "TIMESTAMP", "update_time"),
    )), why="PARSER_ARRAY(OPENAPI_CONF_QUERY): GET conf's update_time"),
)

# The bodies GET conf publishes
ROOTS: tuple[str, ...] = ("OPENAPI_CONF_RESP",)
