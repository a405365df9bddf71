"""The v0.0.40 accounting (slurmdbd) objects: accounts, users, coordinators,
associations, wckeys, clusters, QOS, slurmdbd statistics, instances,
accounting records, TRES, and the responses of the /slurmdb/v0.0.40
endpoints that use them.

Data only, as restd.data_parser.v0040 (which merges ``KINDS`` into
``V0040`` and publishes ``ROOTS``): tables drafted from Slurm 24.11's
src/plugins/data_parser/v0.0.40/parsers.c with
``python -m restd.data_parser.tools.parsers_c`` and checked against the
reference OpenAPI document (tests/test_slurmdb_schema.py).

Records are the dicts restd.native.accounting returns and takes (C member
names). Three of Slurm's parsers need the database's own lists, which Slurm
passes in its parser arguments (``args->qos_list``, ``args->tres_list``):
QOS_ID, QOS_STRING_ID_LIST and TRES_STR. Here the content plugin fetches them
once per request and installs them with :func:`lookups` around dump and parse.
"""
from __future__ import annotations

import contextlib
import contextvars
from dataclasses import dataclass, field
from typing import Iterator, Optional

from restd.data_parser.describe import Field as F, Object
from restd.data_parser.types import (INFINITE, STRING, Alias, ArrayOf, FlagBit, Flags,
                                     Invalid, Pointer, Special, dump_warning,
                                     json_type_name, text)

ESLURM_INVALID_QOS = 2066
ESLURM_INVALID_TRES = 2088


# --- per-request database lists ---------------------------------------------------------

@dataclass
class Lookups:
    """The QOS and TRES of the database, for the parsers that resolve ids."""

    qos: dict[int, str] = field(default_factory=dict)  # id -> name
    tres: list[dict] = field(default_factory=list)  # {"id", "type", "name"}

    def qos_id(self, name: str) -> Optional[int]:
        for qos_id, qos_name in self.qos.items():
            if qos_name == name:
                return qos_id
        return None

    def tres_by_id(self, tres_id: int) -> Optional[dict]:
        return next((t for t in self.tres if t["id"] == tres_id), None)

    def tres_id(self, tres_type: str, name: Optional[str]) -> Optional[int]:
        for t in self.tres:
            if t["type"] == tres_type and (t.get("name") or "") == (name or ""):
                return t["id"]
        return None


_LOOKUPS: contextvars.ContextVar = contextvars.ContextVar("slurmdb_lookups", default=None)


@contextlib.contextmanager
def lookups(value: Lookups) -> Iterator[None]:
    """Within the block, dump and parse resolve QOS and TRES with ``value``."""
    token = _LOOKUPS.set(value)
    try:
        yield
    finally:
        _LOOKUPS.reset(token)


def _current() -> Lookups:
    value = _LOOKUPS.get()
    return value if value is not None else Lookups()


# --- conversions (the Slurm parser of the same name) ------------------------------------

def _dump_qos_id(value, services, get):
    """DUMP(QOS_ID): the QOS name; "" for none; "Unknown" with a warning."""
    qos_id = int(value or 0)
    if not qos_id or qos_id == INFINITE:
        return ""
    name = _current().qos.get(qos_id)
    if name:
        return name
    dump_warning(f"Unknown QOS with id#{qos_id}. Unable to dump QOS.", "DUMP_FUNC(QOS_ID)")
    return "Unknown"


def _resolve_qos(data, path) -> int:
    """resolve_qos(): a QOS given by name, by id (number or numeric string) or
    as an object with "name" or "id"."""
    if isinstance(data, dict):
        data = data.get("name", data.get("id"))
    if isinstance(data, bool) or data is None or isinstance(data, (list, dict)):
        raise Invalid(f"Unable to resolve QOS of type {json_type_name(data)}",
                      ESLURM_INVALID_QOS)
    table = _current()
    if isinstance(data, (int, float)) or (isinstance(data, str) and data.isdigit()):
        if int(data) in table.qos:
            return int(data)
    else:
        qos_id = table.qos_id(str(data))
        if qos_id is not None:
            return qos_id
    raise Invalid(f"Unable to resolve QOS: {data}", ESLURM_INVALID_QOS)


def _parse_qos_id(data, ctx, path):
    return _resolve_qos(data, path)


def _dump_qos_string_id_list(value, services, get):
    """DUMP(QOS_STRING_ID_LIST): the ids (strings) of a qos_list as names."""
    if value is None:
        return []
    table = _current().qos
    out = []
    for string_id in value:
        name = table.get(int(string_id)) if str(string_id).isdigit() else None
        out.append(name if name else str(string_id))
    return out


def _parse_qos_string_id_list(data, ctx, path):
    if not isinstance(data, list):
        raise Invalid(f"Expected list but got {json_type_name(data)}")
    return [str(_resolve_qos(item, f"{path}[{index}]")) for index, item in enumerate(data)]


def _tres_string_items(string: str):
    for part in string.split(","):
        if "=" not in part:
            continue
        tres_id, _, count = part.partition("=")
        try:
            yield int(tres_id), int(count)
        except ValueError:
            continue


def _dump_tres_str(value, services, get):
    """DUMP(TRES_STR): "1=2,4=1" as TRES records named from the TRES list."""
    string = text(value)
    if not string:
        return []
    out = []
    for tres_id, count in _tres_string_items(string):
        known = _current().tres_by_id(tres_id) or {}
        out.append({"type": known.get("type") or "", "name": known.get("name") or "",
                    "id": tres_id, "count": count})
    return out


def _parse_tres_str(data, ctx, path):
    """PARSE(TRES_STR): TRES records (by id, or type and name) as "id=count,..."."""
    if not isinstance(data, list):
        raise Invalid(f"TRES should be LIST but is type {json_type_name(data)}", 9208)
    if not data:
        return None
    parts = []
    for item in data:
        if not isinstance(item, dict):
            raise Invalid(f"Expected dictionary but got {json_type_name(item)}", 9209)
        tres_id = item.get("id")
        if tres_id is None:
            tres_id = _current().tres_id(str(item.get("type") or ""), item.get("name"))
        if tres_id is None:
            raise Invalid(f"Unable to find TRES {item.get('type')}/{item.get('name') or ''}",
                          ESLURM_INVALID_TRES)
        parts.append(f"{int(tres_id)}={int(item.get('count') or 0)}")
    return ",".join(parts)


def _dump_qos_preempt_list(qos, services, get):
    """DUMP(QOS_PREEMPT_LIST): the QOS (by name) whose bits are set in
    preempt_bitstr, which restd.native.accounting reads as ``preempt_ids``."""
    table = _current().qos
    out = []
    for qos_id in get(qos, "preempt_ids") or ():
        name = table.get(int(qos_id))
        if name is None:
            dump_warning(f"Unable to find QOS with id#{qos_id}", "DUMP_FUNC(QOS_PREEMPT_LIST)")
            continue
        out.append(name)
    return out


def _parse_qos_preempt_list(data, ctx, path, out):
    """PARSE(QOS_PREEMPT_LIST): the QOS names (or ids) as preempt_list ids."""
    out["preempt_list"] = _parse_qos_string_id_list(data, ctx, path)


def _parse_select_plugin_id(data, ctx, path, out):
    """The select plugin left slurmdbd: ignored, as Slurm does."""


def _dump_rollup_stats(stats, services, get):
    """DUMP(ROLLUP_STATS): one entry per rollup type that ran."""
    if not stats:
        dump_warning("rollup stats not provided by controller", "DUMP_FUNC(ROLLUP_STATS)")
        return []
    out = []
    for i, total in enumerate(stats["time_total"]):
        if not total:
            continue
        count = stats["count"][i]
        out.append({"type": ("internal", "user")[i] if i < 2 else "unknown",
                    "last_run": int(stats["timestamp"][i]),
                    "last_cycle": int(stats["time_last"][i]),
                    "max_cycle": int(stats["time_max"][i]),
                    "total_time": int(total), "total_cycles": int(count),
                    "mean_cycles": int(total // count) if count > 1 else int(total)})
    return out


# SPEC_FUNC(ROLLUP_STATS), as published (its "last run" key is Slurm's spelling)
_ROLLUP_STATS_SCHEMA = {"type": "array", "items": {"type": "object", "properties": {
    "type": {"type": "string", "enum": ["internal", "user", "unknown"]},
    "last run": {"type": "integer", "format": "int32"},
    "max_cycle": {"type": "integer", "format": "int64"},
    "total_time": {"type": "integer", "format": "int64"},
    "total_cycles": {"type": "integer", "format": "int64"},
    "mean_cycles": {"type": "integer", "format": "int64"}}}}


class _WholeStruct(Alias):
    """An alias reading and writing the whole parent struct (Slurm's complex
    parsers that show another object's schema: ASSOC_ID is the association as
    assoc_short; parsing sets those members of the parent)."""

    complex = True

    def parser(self, version):
        inner = version.parser(self.target)

        def parse_whole(data, ctx, path, out):
            value = inner(data, ctx, path)
            if value:
                out.update(value)
        return parse_whole


# --- kinds ------------------------------------------------------------------------------

FLAG_KINDS = (
    Flags("ADMIN_LVL", "admin_lvl", "uint16_t", (
        FlagBit("Not Set", "equal", "SLURMDB_ADMIN_NOTSET", 0x0, "INFINITE16", 0xffff),
        FlagBit("None", "equal", "SLURMDB_ADMIN_NONE", 0x1, "INFINITE16", 0xffff),
        FlagBit("Operator", "equal", "SLURMDB_ADMIN_OPERATOR", 0x2, "INFINITE16", 0xffff),
        FlagBit("Administrator", "equal", "SLURMDB_ADMIN_SUPER_USER", 0x3, "INFINITE16",
                0xffff),
    )),
    Flags("USER_FLAGS", "user_flags", "uint32_t", (
        FlagBit("NONE", "equal", "SLURMDB_USER_FLAG_NONE", 0x0, "INFINITE64",
                0xffffffffffffffff),
        FlagBit("DELETED", "bit", "SLURMDB_USER_FLAG_DELETED", 0x1, "INFINITE64",
                0xffffffffffffffff),
    )),
    Flags("ACCOUNT_FLAGS", "account_flags", "uint32_t", (
        FlagBit("DELETED", "bit", "SLURMDB_ACCT_FLAG_DELETED", 0x1, "INFINITE64",
                0xffffffffffffffff),
    )),
    Flags("WCKEY_FLAGS", "wckey_flags", "uint32_t", (
        FlagBit("DELETED", "bit", "SLURMDB_WCKEY_FLAG_DELETED", 0x1, "INFINITE64",
                0xffffffffffffffff),
    )),
    Flags("CLUSTER_REC_FLAGS", "cluster_rec_flags", "uint32_t", (
        FlagBit("REGISTERING", "bit", "CLUSTER_FLAG_REGISTER", 0x1, "INFINITE64",
                0xffffffffffffffff),
        FlagBit("MULTIPLE_SLURMD", "bit", "CLUSTER_FLAG_MULTSD", 0x80, "INFINITE64",
                0xffffffffffffffff),
        FlagBit("FRONT_END", "bit", "CLUSTER_FLAG_FE", 0x200, "INFINITE64",
                0xffffffffffffffff),
        FlagBit("FEDERATION", "bit", "CLUSTER_FLAG_FED", 0x800, "INFINITE64",
                0xffffffffffffffff),
        FlagBit("EXTERNAL", "bit", "CLUSTER_FLAG_EXT", 0x1000, "INFINITE64",
                0xffffffffffffffff),
    )),
    Flags("QOS_FLAGS", "qos_flags", "uint32_t", (
        FlagBit("NOT_SET", "bit", "QOS_FLAG_NOTSET", 0x10000000, "~QOS_FLAG_BASE",
                0xfffffffff0000000),
        FlagBit("ADD", "bit", "QOS_FLAG_ADD", 0x20000000, "~QOS_FLAG_BASE",
                0xfffffffff0000000),
        FlagBit("REMOVE", "bit", "QOS_FLAG_REMOVE", 0x40000000, "~QOS_FLAG_BASE",
                0xfffffffff0000000),
        FlagBit("PARTITION_MINIMUM_NODE", "bit", "QOS_FLAG_PART_MIN_NODE", 0x1,
                "QOS_FLAG_BASE", 0xfffffff),
        FlagBit("PARTITION_MAXIMUM_NODE", "bit", "QOS_FLAG_PART_MAX_NODE", 0x2,
                "QOS_FLAG_BASE", 0xfffffff),
        FlagBit("PARTITION_TIME_LIMIT", "bit", "QOS_FLAG_PART_TIME_LIMIT", 0x4,
                "QOS_FLAG_BASE", 0xfffffff),
        FlagBit("ENFORCE_USAGE_THRESHOLD", "bit", "QOS_FLAG_ENFORCE_USAGE_THRES", 0x8,
                "QOS_FLAG_BASE", 0xfffffff),
        FlagBit("NO_RESERVE", "bit", "QOS_FLAG_NO_RESERVE", 0x10, "QOS_FLAG_BASE",
                0xfffffff),
        FlagBit("REQUIRED_RESERVATION", "bit", "QOS_FLAG_REQ_RESV", 0x20, "QOS_FLAG_BASE",
                0xfffffff),
        FlagBit("DENY_LIMIT", "bit", "QOS_FLAG_DENY_LIMIT", 0x40, "QOS_FLAG_BASE",
                0xfffffff),
        FlagBit("OVERRIDE_PARTITION_QOS", "bit", "QOS_FLAG_OVER_PART_QOS", 0x80,
                "QOS_FLAG_BASE", 0xfffffff),
        FlagBit("NO_DECAY", "bit", "QOS_FLAG_NO_DECAY", 0x100, "QOS_FLAG_BASE", 0xfffffff),
        FlagBit("USAGE_FACTOR_SAFE", "bit", "QOS_FLAG_USAGE_FACTOR_SAFE", 0x200,
                "QOS_FLAG_BASE", 0xfffffff),
        FlagBit("RELATIVE", "bit", "QOS_FLAG_RELATIVE", 0x400, "QOS_FLAG_BASE", 0xfffffff),
    )),
    Flags("QOS_PREEMPT_MODES", "qos_preempt_modes", "uint16_t", (
        FlagBit("DISABLED", "equal", "PREEMPT_MODE_OFF", 0x0, "INFINITE64",
                0xffffffffffffffff),
        FlagBit("SUSPEND", "bit", "PREEMPT_MODE_SUSPEND", 0x1, "INFINITE64",
                0xffffffffffffffff),
        FlagBit("REQUEUE", "bit", "PREEMPT_MODE_REQUEUE", 0x2, "INFINITE64",
                0xffffffffffffffff),
        FlagBit("CANCEL", "bit", "PREEMPT_MODE_CANCEL", 0x8, "INFINITE64",
                0xffffffffffffffff),
        FlagBit("GANG", "bit", "PREEMPT_MODE_GANG", 0x8000, "INFINITE64",
                0xffffffffffffffff),
    )),
    Flags("ASSOC_FLAGS", "assoc_flags", "uint16_t", (
        FlagBit("DELETED", "bit", "ASSOC_FLAG_DELETED", 0x1, "INFINITE64",
                0xffffffffffffffff),
    )),
)

LISTS = (
    ArrayOf("STRING_LIST", "string_list", "STRING", "list_t *", checked=False),
    Alias("CSV_STRING_LIST", "STRING_LIST", "list_t *"),
    ArrayOf("ACCOUNT_LIST", "account_list", "ACCOUNT", "list_t *", checked=False),
    ArrayOf("ASSOC_SHORT_LIST", "assoc_short_list", "ASSOC_SHORT", "list_t *",
            checked=False),
    ArrayOf("ASSOC_LIST", "assoc_list", "ASSOC", "list_t *", checked=False),
    ArrayOf("COORD_LIST", "coord_list", "COORD", "list_t *", checked=False),
    ArrayOf("USER_LIST", "user_list", "USER", "list_t *", checked=False),
    ArrayOf("WCKEY_LIST", "wckey_list", "WCKEY", "list_t *", checked=False),
    ArrayOf("ACCOUNTING_LIST", "accounting_list", "ACCOUNTING", "list_t *",
            checked=False),
    ArrayOf("TRES_LIST", "tres_list", "TRES", "list_t *", checked=False),
    ArrayOf("STATS_RPC_LIST", "stats_rpc_list", "STATS_RPC", "list_t *", checked=False),
    ArrayOf("STATS_USER_LIST", "stats_user_list", "STATS_USER", "list_t *",
            checked=False),
    ArrayOf("INSTANCE_LIST", "instance_list", "INSTANCE", "list_t *", checked=False),
    ArrayOf("QOS_LIST", "qos_list", "QOS", "list_t *", checked=False),
    ArrayOf("CLUSTER_REC_LIST", "cluster_rec_list", "CLUSTER_REC", "list_t *",
            checked=False),
)

SPECIALS = (
    Special("QOS_ID", _dump_qos_id, _parse_qos_id, openapi=STRING, c_type="uint32_t"),
    Special("QOS_STRING_ID_LIST", lambda value, services, get:
            _dump_qos_string_id_list(value, services, get), _parse_qos_string_id_list,
            component="qos_string_id_list", item="STRING", c_type="list_t *"),
    Special("TRES_STR", _dump_tres_str, _parse_tres_str, target="TRES_LIST",
            c_type="char *"),
    _WholeStruct("ASSOC_ID", "ASSOC_SHORT", "slurmdb_assoc_rec_t"),
    Pointer("ASSOC_SHORT_PTR", "ASSOC_SHORT"),
    Special("ROLLUP_STATS", _dump_rollup_stats, component="rollup_stats",
            schema_override=_ROLLUP_STATS_SCHEMA, c_type="slurmdb_rollup_stats_t"),
    Pointer("ROLLUP_STATS_PTR", "ROLLUP_STATS"),
    Pointer("STATS_REC_PTR", "STATS_REC"),
    # DUMP(RPC_ID): slurmdbd_msg_type_2_str(), which restd.native.accounting applies
    Special("RPC_ID", lambda value, services, get: text(value), openapi=STRING,
            c_type="slurmdbd_msg_type_t"),
    Special("QOS_PREEMPT_LIST", _dump_qos_preempt_list, _parse_qos_preempt_list,
            component="qos_preempt_list", item="STRING", complex=True,
            c_type="slurmdb_qos_rec_t"),
    # DUMP(SELECT_PLUGIN_ID): the select plugin id left slurmdbd: always ""
    Special("SELECT_PLUGIN_ID", lambda value, services, get: "", _parse_select_plugin_id,
            openapi=STRING, complex=True),
)

OBJECTS = (
    Object("ACCOUNT", "account", "slurmdb_account_rec_t", (
        F("associations", "ASSOC_SHORT_LIST", "assoc_list"),
        F("coordinators", "COORD_LIST", "coordinators"),
        F("description", "STRING", "description", required=True),
        F("name", "STRING", "name", required=True),
        F("organization", "STRING", "organization", required=True),
        F("flags", "ACCOUNT_FLAGS", "flags"),
    )),
    Object("ACCOUNT_SHORT", "account_short", "slurmdb_account_rec_t", (
        F("description", "STRING", "description"),
        F("organization", "STRING", "organization"),
    )),
    Object("ASSOC_SHORT", "assoc_short", "slurmdb_assoc_rec_t", (
        F("account", "STRING", "acct"),
        F("cluster", "STRING", "cluster"),
        F("partition", "STRING", "partition"),
        F("user", "STRING", "user", required=True),
        F("id", "UINT32", "id"),
    )),
    Object("COORD", "coord", "slurmdb_coord_rec_t", (
        F("name", "STRING", "name", required=True),
        F("direct", "BOOL16", "direct"),
    )),
    Object("USER", "user", "slurmdb_user_rec_t", (
        F("administrator_level", "ADMIN_LVL", "admin_level"),
        F("associations", "ASSOC_SHORT_LIST", "assoc_list"),
        F("coordinators", "COORD_LIST", "coord_accts"),
        F("default/account", "STRING", "default_acct"),
        F("default/wckey", "STRING", "default_wckey"),
        F("flags", "USER_FLAGS", "flags"),
        F("name", "STRING", "name", required=True),
        F("old_name", "STRING", "old_name"),
        F("wckeys", "WCKEY_LIST", "wckey_list"),
    )),
    Object("USER_SHORT", "user_short", "slurmdb_user_rec_t", (
        F("adminlevel", "ADMIN_LVL", "admin_level"),
        F("defaultaccount", "STRING", "default_acct"),
        F("defaultwckey", "STRING", "default_wckey"),
    )),
    Object("WCKEY", "wckey", "slurmdb_wckey_rec_t", (
        F("accounting", "ACCOUNTING_LIST", "accounting_list"),
        F("cluster", "STRING", "cluster", required=True),
        F("id", "UINT32", "id"),
        F("name", "STRING", "name", required=True),
        F("user", "STRING", "user", required=True),
        F("flags", "WCKEY_FLAGS", "flags"),
    )),
    Object("ACCOUNTING", "accounting", "slurmdb_accounting_rec_t", (
        F("allocated/seconds", "UINT64", "alloc_secs"),
        F("id", "UINT32", "id"),
        F("start", "TIMESTAMP", "period_start"),
        F("TRES", "TRES", "tres_rec"),
    )),
    Object("TRES", "tres", "slurmdb_tres_rec_t", (
        F("type", "STRING", "type", required=True),
        F("name", "STRING", "name"),
        F("id", "UINT32", "id"),
        F("count", "INT64", "count"),
    )),
    Object("ASSOC_REC_SET", "assoc_rec_set", "slurmdb_assoc_rec_t", (
        F("comment", "STRING", "comment"),
        F("defaultqos", "QOS_ID", "def_qos_id"),
        F("grpjobs", "UINT32_NO_VAL", "grp_jobs"),
        F("grpjobsaccrue", "UINT32_NO_VAL", "grp_jobs_accrue"),
        F("grpsubmitjobs", "UINT32_NO_VAL", "grp_submit_jobs"),
        F("grptres", "TRES_STR", "grp_tres"),
        F("grptresmins", "TRES_STR", "grp_tres_mins"),
        F("grptresrunmins", "TRES_STR", "grp_tres_run_mins"),
        F("grpwall", "UINT32_NO_VAL", "grp_wall"),
        F("maxjobs", "UINT32_NO_VAL", "max_jobs"),
        F("maxjobsaccrue", "UINT32_NO_VAL", "max_jobs_accrue"),
        F("maxsubmitjobs", "UINT32_NO_VAL", "max_submit_jobs"),
        F("maxtresminsperjob", "TRES_STR", "max_tres_mins_pj"),
        F("maxtresrunmins", "TRES_STR", "max_tres_run_mins"),
        F("maxtresperjob", "TRES_STR", "max_tres_pj"),
        F("maxtrespernode", "TRES_STR", "max_tres_pn"),
        F("maxwalldurationperjob", "UINT32_NO_VAL", "max_wall_pj"),
        F("minpriothresh", "UINT32_NO_VAL", "min_prio_thresh"),
        F("parent", "STRING", "parent_acct"),
        F("priority", "UINT32_NO_VAL", "priority"),
        F("qoslevel", "QOS_STRING_ID_LIST", "qos_list"),
        F("fairshare", "UINT32", "shares_raw"),
    )),
    Object("USERS_ADD_COND", "users_add_cond", "slurmdb_add_assoc_cond_t", (
        F("accounts", "CSV_STRING_LIST", "acct_list"),
        F("association", "ASSOC_REC_SET", "assoc"),
        F("clusters", "CSV_STRING_LIST", "cluster_list"),
        F("partitions", "CSV_STRING_LIST", "partition_list"),
        F("users", "CSV_STRING_LIST", "user_list", required=True),
        F("wckeys", "CSV_STRING_LIST", "wckey_list"),
    )),
    Object("ACCOUNTS_ADD_COND", "accounts_add_cond", "slurmdb_add_assoc_cond_t", (
        F("accounts", "CSV_STRING_LIST", "acct_list", required=True),
        F("association", "ASSOC_REC_SET", "assoc"),
        F("clusters", "CSV_STRING_LIST", "cluster_list"),
    )),
    Object("CLUSTER_REC", "cluster_rec", "slurmdb_cluster_rec_t", (
        F("controller/host", "STRING", "control_host"),
        F("controller/port", "UINT32", "control_port"),
        F("flags", "CLUSTER_REC_FLAGS", "flags"),
        F("name", "STRING", "name"),
        F("nodes", "STRING", "nodes"),
        F("select_plugin", "SELECT_PLUGIN_ID", None, deprecated=True),
        F("associations/root", "ASSOC_SHORT_PTR", "root_assoc"),
        F("rpc_version", "UINT16", "rpc_version"),
        F("tres", "TRES_STR", "tres_str"),
    )),
    Object("INSTANCE", "instance", "slurmdb_instance_rec_t", (
        F("cluster", "STRING", "cluster"),
        F("extra", "STRING", "extra"),
        F("instance_id", "STRING", "instance_id"),
        F("instance_type", "STRING", "instance_type"),
        F("node_name", "STRING", "node_name"),
        F("time/time_end", "TIMESTAMP", "time_end"),
        F("time/time_start", "TIMESTAMP", "time_start"),
    )),
    Object("STATS_REC", "stats_rec", "slurmdb_stats_rec_t", (
        F("time_start", "TIMESTAMP", "time_start"),
        F("rollups", "ROLLUP_STATS_PTR", "dbd_rollup_stats"),
        F("RPCs", "STATS_RPC_LIST", "rpc_list"),
        F("users", "STATS_USER_LIST", "user_list"),
    )),
    Object("STATS_RPC", "stats_rpc", "slurmdb_rpc_obj_t", (
        F("rpc", "RPC_ID", "id"),
        F("count", "UINT32", "cnt"),
        F("time/average", "UINT64", "time_ave"),
        F("time/total", "UINT64", "time"),
    )),
    Object("STATS_USER", "stats_user", "slurmdb_rpc_obj_t", (
        F("user", "USER_ID", "id"),
        F("count", "UINT32", "cnt"),
        F("time/average", "UINT64", "time_ave"),
        F("time/total", "UINT64", "time"),
    )),
    Object("QOS", "qos", "slurmdb_qos_rec_t", (
        F("description", "STRING", "description"),
        F("flags", "QOS_FLAGS", "flags"),
        F("id", "UINT32", "id"),
        F("limits/grace_time", "UINT32", "grace_time"),
        F("limits/max/active_jobs/accruing", "UINT32_NO_VAL", "grp_jobs_accrue"),
        F("limits/max/active_jobs/count", "UINT32_NO_VAL", "grp_jobs"),
        F("limits/max/tres/total", "TRES_STR", "grp_tres"),
        F("limits/max/tres/minutes/per/qos", "TRES_STR", "grp_tres_run_mins"),
        F("name", "STRING", "name"),
        F("limits/max/wall_clock/per/qos", "UINT32_NO_VAL", "grp_wall"),
        F("limits/factor", "FLOAT64_NO_VAL", "limit_factor"),
        F("limits/max/jobs/active_jobs/per/account", "UINT32_NO_VAL", "max_jobs_pa"),
        F("limits/max/jobs/active_jobs/per/user", "UINT32_NO_VAL", "max_jobs_pu"),
        F("limits/max/accruing/per/account", "UINT32_NO_VAL", "max_jobs_accrue_pa"),
        F("limits/max/accruing/per/user", "UINT32_NO_VAL", "max_jobs_accrue_pu"),
        F("limits/max/jobs/per/account", "UINT32_NO_VAL", "max_submit_jobs_pa"),
        F("limits/max/jobs/per/user", "UINT32_NO_VAL", "max_submit_jobs_pu"),
        F("limits/max/tres/minutes/per/job", "TRES_STR", "max_tres_mins_pj"),
        F("limits/max/tres/per/account", "TRES_STR", "max_tres_pa"),
        F("limits/max/tres/per/job", "TRES_STR", "max_tres_pj"),
        F("limits/max/tres/per/node", "TRES_STR", "max_tres_pn"),
        F("limits/max/tres/per/user", "TRES_STR", "max_tres_pu"),
        F("limits/max/tres/minutes/per/account", "TRES_STR", "max_tres_run_mins_pa"),
        F("limits/max/tres/minutes/per/user", "TRES_STR", "max_tres_run_mins_pu"),
        F("limits/max/wall_clock/per/job", "UINT32_NO_VAL", "max_wall_pj"),
        F("limits/min/priority_threshold", "UINT32_NO_VAL", "min_prio_thresh"),
        F("limits/min/tres/per/job", "TRES_STR", "min_tres_pj"),
        F("preempt/list", "QOS_PREEMPT_LIST", None),
        F("preempt/mode", "QOS_PREEMPT_MODES", "preempt_mode"),
        F("preempt/exempt_time", "UINT32_NO_VAL", "preempt_exempt_time"),
        F("priority", "UINT32_NO_VAL", "priority"),
        F("usage_factor", "FLOAT64_NO_VAL", "usage_factor"),
        F("usage_threshold", "FLOAT64_NO_VAL", "usage_thres"),
    )),
    Object("ASSOC", "assoc", "slurmdb_assoc_rec_t", (
        F("accounting", "ACCOUNTING_LIST", "accounting_list"),
        F("account", "STRING", "acct"),
        F("cluster", "STRING", "cluster"),
        F("comment", "STRING", "comment"),
        F("default/qos", "QOS_ID", "def_qos_id"),
        F("flags", "ASSOC_FLAGS", "flags"),
        F("max/jobs/per/count", "UINT32_NO_VAL", "grp_jobs"),
        F("max/jobs/per/accruing", "UINT32_NO_VAL", "grp_jobs_accrue"),
        F("max/jobs/per/submitted", "UINT32_NO_VAL", "grp_submit_jobs"),
        F("max/tres/total", "TRES_STR", "grp_tres"),
        F("max/tres/group/minutes", "TRES_STR", "grp_tres_mins"),
        F("max/tres/group/active", "TRES_STR", "grp_tres_run_mins"),
        F("max/tres/minutes/total", "TRES_STR", "max_tres_run_mins"),
        F("max/per/account/wall_clock", "UINT32_NO_VAL", "grp_wall"),
        F("id", "ASSOC_ID", None),
        F("is_default", "BOOL16", "is_def"),
        F("lineage", "STRING", "lineage"),
        F("max/jobs/active", "UINT32_NO_VAL", "max_jobs"),
        F("max/jobs/accruing", "UINT32_NO_VAL", "max_jobs_accrue"),
        F("max/jobs/total", "UINT32_NO_VAL", "max_submit_jobs"),
        F("max/tres/minutes/per/job", "TRES_STR", "max_tres_mins_pj"),
        F("max/tres/per/job", "TRES_STR", "max_tres_pj"),
        F("max/tres/per/node", "TRES_STR", "max_tres_pn"),
        F("max/jobs/per/wall_clock", "UINT32_NO_VAL", "max_wall_pj"),
        F("min/priority_threshold", "UINT32_NO_VAL", "min_prio_thresh"),
        F("parent_account", "STRING", "parent_acct"),
        F("partition", "STRING", "partition"),
        F("priority", "UINT32_NO_VAL", "priority"),
        F("qos", "QOS_STRING_ID_LIST", "qos_list"),
        F("shares_raw", "UINT32", "shares_raw"),
        F("user", "STRING", "user", required=True),
    )),
)


def _response(name: str, key: str, kind: str) -> Object:
    """add_openapi_response_single(): one required member, then the envelope."""
    return Object(name, name.lower(), "openapi_resp_single_t", (
        F(key, kind, "response", required=True),
        F("meta", "OPENAPI_META_PTR", "meta"),
        F("errors", "OPENAPI_ERRORS", "errors"),
        F("warnings", "OPENAPI_WARNINGS", "warnings"),
    ))


RESPONSES = (
    _response("OPENAPI_ACCOUNTS_RESP", "accounts", "ACCOUNT_LIST"),
    _response("OPENAPI_ACCOUNTS_REMOVED_RESP", "removed_accounts", "STRING_LIST"),
    Object("OPENAPI_ACCOUNTS_ADD_COND_RESP", "openapi_accounts_add_cond_resp",
           "openapi_resp_accounts_add_cond_t", (
               F("association_condition", "ACCOUNTS_ADD_COND", "add_assoc"),
               F("account", "ACCOUNT_SHORT", "acct"),
               F("meta", "OPENAPI_META_PTR", "meta"),
               F("errors", "OPENAPI_ERRORS", "errors"),
               F("warnings", "OPENAPI_WARNINGS", "warnings"),
           )),
    _response("OPENAPI_ACCOUNTS_ADD_COND_RESP_STR", "added_accounts", "STRING"),
    _response("OPENAPI_USERS_RESP", "users", "USER_LIST"),
    _response("OPENAPI_USERS_REMOVED_RESP", "removed_users", "STRING_LIST"),
    Object("OPENAPI_USERS_ADD_COND_RESP", "openapi_users_add_cond_resp",
           "openapi_resp_users_add_cond_t", (
               F("association_condition", "USERS_ADD_COND", "add_assoc", required=True),
               F("user", "USER_SHORT", "user", required=True),
               F("meta", "OPENAPI_META_PTR", "meta"),
               F("errors", "OPENAPI_ERRORS", "errors"),
               F("warnings", "OPENAPI_WARNINGS", "warnings"),
           )),
    _response("OPENAPI_USERS_ADD_COND_RESP_STR", "added_users", "STRING"),
    _response("OPENAPI_CLUSTERS_RESP", "clusters", "CLUSTER_REC_LIST"),
    _response("OPENAPI_CLUSTERS_REMOVED_RESP", "deleted_clusters", "STRING_LIST"),
    _response("OPENAPI_TRES_RESP", "TRES", "TRES_LIST"),
    _response("OPENAPI_WCKEY_RESP", "wckeys", "WCKEY_LIST"),
    _response("OPENAPI_WCKEY_REMOVED_RESP", "deleted_wckeys", "STRING_LIST"),
    _response("OPENAPI_SLURMDBD_QOS_RESP", "qos", "QOS_LIST"),
    _response("OPENAPI_SLURMDBD_QOS_REMOVED_RESP", "removed_qos", "STRING_LIST"),
    _response("OPENAPI_SLURMDBD_STATS_RESP", "statistics", "STATS_REC_PTR"),
    _response("OPENAPI_INSTANCES_RESP", "instances", "INSTANCE_LIST"),
    _response("OPENAPI_ASSOCS_RESP", "associations", "ASSOC_LIST"),
    _response("OPENAPI_ASSOCS_REMOVED_RESP", "removed_associations", "STRING_LIST"),
)

RESPONSES += (
    Object("OPENAPI_SLURMDBD_CONFIG_RESP", "openapi_slurmdbd_config_resp",
           "openapi_resp_slurmdbd_config_t", (
               F("clusters", "CLUSTER_REC_LIST", "clusters"),
               F("tres", "TRES_LIST", "tres"),
               F("accounts", "ACCOUNT_LIST", "accounts"),
               F("users", "USER_LIST", "users"),
               F("qos", "QOS_LIST", "qos"),
               F("wckeys", "WCKEY_LIST", "wckeys"),
               F("associations", "ASSOC_LIST", "associations"),
               F("instances", "INSTANCE_LIST", "instances"),
               F("meta", "OPENAPI_META_PTR", "meta"),
               F("errors", "OPENAPI_ERRORS", "errors"),
               F("warnings", "OPENAPI_WARNINGS", "warnings"),
           )),
)

KINDS = (*FLAG_KINDS, *LISTS, *SPECIALS, *OBJECTS, *RESPONSES)

# Published request and response bodies (restd.data_parser.v0040.ROOTS).
# OPENAPI_USERS_REMOVED_RESP is what Slurm dumps for DELETE user/{name} but
# the path declares openapi_resp: it has no component of its own there.
ROOTS = tuple(kind.name for kind in RESPONSES if kind.name != "OPENAPI_USERS_REMOVED_RESP")
