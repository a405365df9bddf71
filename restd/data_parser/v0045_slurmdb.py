"""The v0.0.45 accounting (slurmdbd) objects: v0.0.44's
(restd.data_parser.v0044_slurmdb) plus what Slurm 26.05 changed in
src/plugins/data_parser/v0.0.45/parsers.c, change by change, each saying what
Slurm changed (``why``). restd.data_parser.v0045 derives V0045 with
``*CHANGES, *QUERY_CHANGES`` and publishes ``ROOTS``.

Found by ``python -m restd.data_parser.tools.draft_changes v0.0.44 v0.0.45
--document ../shared/reference/slurmrestd-26.05.5-openapi.json`` and read in
v0.0.45/parsers.c (slurm-26-05-3-1); checked by
tests/test_slurmdb_parity_2605.py.

The job record's members 26.05 added (exclusive, oversubscribe, the SLUIDs) and the
slurmdbd ping's status code read as C zero/NULL (SLURM_ERROR for a ping that failed)
in restd.native.accounting before 26.05: "" for the texts and SLUIDs, as Slurm dumps
an unset SLUID.
"""
from __future__ import annotations

from restd.data_parser import rules
from restd.data_parser.describe import AddFields, AddKind, Field as F, Object, RemoveFields
from restd.data_parser.types import STRING, Alias, FlagBit, Flags, Invalid, Pointer

# --- GET /slurmdb/v0.0.45/conf: slurmdbd.conf as slurmdbd answers it --------------------

# log_num2string() names by log_level_t number
LOG_LEVELS = ("quiet", "fatal", "error", "info", "verbose", "debug", "debug2", "debug3",
              "debug4", "debug5")
INFINITE = 0xFFFFFFFF
NO_VAL = 0xFFFFFFFE
# slurmdb.h SLURMDB_PURGE_*: the units of a purge value, its count in the low 16 bits
PURGE_UNITS = (("hours", 0x00010000), ("days", 0x00020000), ("months", 0x00040000))
PURGE_ARCHIVE = 0x00080000


def dump_log_level(value, services) -> str:
    """DUMP(LOG_LEVEL_UINT16): the log level's name, as log_num2string()."""
    number = int(value or 0)
    return LOG_LEVELS[number] if number < len(LOG_LEVELS) else "unknown"


def parse_log_level(data, ctx, path):
    if isinstance(data, str) and data.strip().lower() in LOG_LEVELS:
        return LOG_LEVELS.index(data.strip().lower())
    raise Invalid(f"Unknown log level {data!r}", 9202)


def dump_time_seconds(value, services) -> str:
    """DUMP(TIME_SECONDS): secs2time_str(), "UNLIMITED" or [days-]hh:mm:ss."""
    seconds = int(value or 0)
    if seconds == INFINITE:
        return "UNLIMITED"
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    clock = f"{hours:02d}:{minutes:02d}:{seconds:02d}"
    return f"{days}-{clock}" if days else clock


def purge_units(value, services) -> dict:
    """slurmdb_int_2_purge_units(): a purge value as slurmdb_purge_units_t."""
    value = NO_VAL if value is None else int(value)
    if value == NO_VAL:
        return {"set": False, "hours": 0, "days": 0, "months": 0, "archive": False}
    out = {"set": True, "hours": 0, "days": 0, "months": 0,
           "archive": bool(value & PURGE_ARCHIVE)}
    for name, flag in PURGE_UNITS:
        if value & flag:
            out[name] = value & 0xFFFF
            break
    return out


_ALL_BITS = ("INFINITE64", 0xffffffffffffffff)

CONF_KINDS = (
    AddKind(rules.scalar("LOG_LEVEL_UINT16", STRING, "uint16_t", dump_log_level,
                         parse_log_level),
            why="DUMP_FUNC(LOG_LEVEL_UINT16): a uint16_t log level by its name"),
    AddKind(rules.scalar("TIME_SECONDS", STRING, "uint32_t", dump_time_seconds,
                         rules.read_only("TIME_SECONDS")),
            why="DUMP_FUNC(TIME_SECONDS): seconds as secs2time_str() writes them"),
    AddKind(Flags("CONF_FLAGS_DBD", None, "uint32_t", (
        FlagBit("AllowNoDefAcct", "bit", "DBD_CONF_FLAG_ALLOW_NO_DEF_ACCT", 0x1, *_ALL_BITS),
        FlagBit("AllResourcesAbsolute", "bit", "DBD_CONF_FLAG_ALL_RES_ABS", 0x2, *_ALL_BITS),
        FlagBit("DisableCoordDBD", "bit", "DBD_CONF_FLAG_DISABLE_COORD_DBD", 0x4,
                *_ALL_BITS),
        FlagBit("GetDBVer", "bit", "DBD_CONF_FLAG_GET_DBVER", 0x8, *_ALL_BITS, hidden=True),
        FlagBit("DisableArchiveCommands", "bit", "DBD_CONF_FLAG_DISABLE_ARCHIVE_COMMANDS",
                0x10, *_ALL_BITS),
    )), why="PARSER_FLAG_ARRAY(CONF_FLAGS_DBD): slurmdbd_conf_t.flags"),
    AddKind(Flags("CONF_FLAGS_PERSIST_CONN_RC", None, "uint16_t", tuple(
        FlagBit(name, "bit", macro, value, *_ALL_BITS, hidden=name != "PreserveCaseUser")
        for name, macro, value in (
            ("DBD", "PERSIST_FLAG_DBD", 0x1), ("Reconnect", "PERSIST_FLAG_RECONNECT", 0x2),
            ("AlreadyInited", "PERSIST_FLAG_ALREADY_INITED", 0x4),
            ("PreserveCaseUser", "PERSIST_FLAG_P_USER_CASE", 0x8),
            ("SuppressError", "PERSIST_FLAG_SUPPRESS_ERR", 0x10),
            ("ExternalDBD", "PERSIST_FLAG_EXT_DBD", 0x20),
            ("DontUpdateCluster", "PERSIST_FLAG_DONT_UPDATE_CLUSTER", 0x40)))),
        why="PARSER_FLAG_ARRAY(CONF_FLAGS_PERSIST_CONN_RC): "
            "slurmdbd_conf_t.persist_conn_rc_flags, PreserveCaseUser alone shown"),
    AddKind(Object("SLURMDB_PURGE_UNITS", "slurmdb_purge_units", "slurmdb_purge_units_t", (
        F("set", "BOOL", "set"),
        F("hours", "UINT32", "hours"),
        F("days", "UINT32", "days"),
        F("months", "UINT32", "months"),
        F("archive", "BOOL", "archive"),
    )), why="PARSER_ARRAY(SLURMDB_PURGE_UNITS): a purge period and whether to archive"),
    AddKind(Alias("SLURMDB_PURGE", "SLURMDB_PURGE_UNITS", "uint32_t", to_target=purge_units,
                  parse_override=rules.read_only("SLURMDB_PURGE"), synthetic=True),
            why="addpsp(SLURMDB_PURGE, SLURMDB_PURGE_UNITS, uint32_t, ...): a purge value "
                "dumped as its units (slurmdb_int_2_purge_units())"),
    AddKind(Object("SLURMDBD_CONF", "slurmdbd_conf", "slurmdbd_conf_t", (
        F("ArchiveDir", "STRING", "archive_dir"),
        F("ArchiveScript", "STRING", "archive_script"),
        F("CommitDelay", "UINT16", "commit_delay"),
        F("DbdAddr", "STRING", "dbd_addr"),
        F("DbdBackupHost", "STRING", "dbd_backup"),
        F("DbdHost", "STRING", "dbd_host"),
        F("DbdPort", "UINT16", "dbd_port"),
        F("DebugLevel", "LOG_LEVEL_UINT16", "debug_level"),
        F("DefaultQOS", "STRING", "default_qos"),
        F("Flags", "CONF_FLAGS_DBD", "flags"),
        F("LogFile", "STRING", "log_file"),
        F("MaxPurgeLimit", "UINT32", "max_purge_limit"),
        F("MaxQueryTimeRange", "TIME_SECONDS", "max_time_range"),
        F("Parameters", "CSV_STRING", "parameters"),
        F("PersistConnFlags", "CONF_FLAGS_PERSIST_CONN_RC", "persist_conn_rc_flags"),
        F("PidFile", "STRING", "pid_file"),
        *(F(f"Purge{name}After", "SLURMDB_PURGE", f"purge_{member}")
          for name, member in (("Event", "event"), ("Job", "job"), ("Resv", "resv"),
                               ("Step", "step"), ("Suspend", "suspend"), ("TXN", "txn"),
                               ("Usage", "usage"), ("JobScript", "jobscript"),
                               ("JobEnv", "jobenv"))),
        F("StorageLoc", "STRING", "storage_loc"),
        F("StoragePassScript", "STRING", "storage_pass_script"),
        F("StorageUser", "STRING", "storage_user"),
        F("DebugLevelSyslog", "LOG_LEVEL_UINT16", "syslog_debug"),
        F("TrackWCKey", "BOOL16", "track_wckey"),
        F("TrackSlurmctldDown", "BOOL16", "track_ctld"),
    )), why="PARSER_ARRAY(SLURMDBD_CONF): slurmdbd_conf_t, as slurmdb_config_get() "
            "gives it (Slurm 26.05)"),
    AddKind(Pointer("SLURMDBD_CONF_PTR", "SLURMDBD_CONF"),
            why="addpap(SLURMDBD_CONF, slurmdbd_conf_t, ...)"),
    AddKind(rules.slurmdb_response("OPENAPI_SLURMDBD_CONF_RESP", "slurmdbd_conf",
                                   "SLURMDBD_CONF_PTR"),
            why="add_openapi_response_single(OPENAPI_SLURMDBD_CONF_RESP, SLURMDBD_CONF_PTR, "
                "\"slurmdbd_conf\"): the body of GET /slurmdb/v0.0.45/conf"),
)


CHANGES = (
    RemoveFields("CLUSTER_REC", ("select_plugin",),
                 why="PARSER_ARRAY(CLUSTER_REC): select_plugin (removed data, deprecated "
                     "since v0.0.40) is gone"),
    # SLUID: the kind v0.0.44's slurmctld changes declare (restd.data_parser.v0044)
    AddFields("JOB", (F("sluid", "SLUID", "db_sluid"),), after="container",
              why="PARSER_ARRAY(JOB) added the record's SLUID (add_parse(SLUID, db_index, "
                  "\"sluid\"): 26.05's database index is the job's SLUID)"),
    AddFields("JOB", (F("exclusive", "STRING", "exclusive"),), after="time/end",
              why="PARSER_ARRAY(JOB) added the exclusive mode the job requested "
                  "(slurmdb_job_rec_t.exclusive, Slurm 26.05)"),
    AddFields("JOB", (F("oversubscribe", "STRING", "oversubscribe"),), after="nodes",
              why="PARSER_ARRAY(JOB) added the oversubscribe mode the job requested "
                  "(slurmdb_job_rec_t.oversubscribe, Slurm 26.05)"),
    AddFields("JOB", (F("original_sluid", "SLUID", "sluid"),),
              after="segment_size",
              why="PARSER_ARRAY(JOB) added the SLUID of the job's first submission "
                  "(slurmdb_job_rec_t.sluid, Slurm 26.05)"),
    RemoveFields("STEP", ("pid",),
                 why="PARSER_ARRAY(STEP): pid (deprecated in v0.0.42) is gone"),
    AddFields("STEP", (F("submit_line", "STRING", "submit_line"),),
              after="step/stdout_expanded",
              why="PARSER_ARRAY(STEP) added the command that submitted the step "
                  "(slurmdb_step_rec_t.submit_line)"),
    RemoveFields("OPENAPI_SLURMDBD_CONFIG_RESP", ("instances",),
                 why="PARSER_ARRAY(OPENAPI_SLURMDBD_CONFIG_RESP): instances (deprecated "
                     "in 25.05, add_deprec(INSTANCE_LIST, ...)) is gone"),
    AddFields("SLURMDBD_PING", (F("status", "ERROR", "rc", required=True),),
              why="PARSER_ARRAY(SLURMDBD_PING) added the ping's status "
                  "(add_parse_req(ERROR, rc, \"status\"): slurmdbd_ping_t.rc, 26.05)"),
    *CONF_KINDS,
)

# The /slurmdb/ bodies v0.0.45 adds: GET conf's
ROOTS: tuple[str, ...] = ("OPENAPI_SLURMDBD_CONF_RESP",)


# --- query parameters (see v0041_slurmdb.QUERY_CHANGES) --------------------------------

QUERY_CHANGES = tuple(
    RemoveFields(condition, ("format",),
                 why=f"PARSER_ARRAY({condition}): format (deprecated in v0.0.43, "
                     "\"Ignored\") is gone")
    for condition in ("ASSOC_CONDITION", "CLUSTER_CONDITION", "INSTANCE_CONDITION",
                      "JOB_CONDITION", "QOS_CONDITION", "WCKEY_CONDITION"))
