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
from restd.data_parser.types import (INFINITE, NO_VAL, STRING, Alias, ArrayOf, FlagBit,
                                     Flags, Hostlist, Invalid, Pointer, Special,
                                     dump_warning, expand_hostlist, fit, json_type_name, text,
                                     to_int)

ESLURM_INVALID_QOS = 2066
ESLURM_INVALID_TRES = 2088


# --- per-request database lists ---------------------------------------------------------

@dataclass
class Lookups:
    """The QOS and TRES of the database, for the parsers that resolve ids."""

    qos: dict[int, str] = field(default_factory=dict)  # id -> name
    tres: list[dict] = field(default_factory=list)  # {"id", "type", "name"}
    # associations ({"id", "cluster", "acct", "user", "partition"}: what
    # Connection.associations_get({"flags": ["with_deleted"]}) returns), for the
    # association of job records (JOB_ASSOC_ID)
    assocs: list[dict] = field(default_factory=list)
    _assoc_index: Optional[dict] = field(default=None, init=False, repr=False,
                                         compare=False)

    def assoc(self, cluster: Optional[str], assoc_id: int) -> Optional[dict]:
        """compare_assoc() by id: the association with that id on that cluster
        (case-insensitive; a record without cluster matches one without)."""
        if self._assoc_index is None:
            self._assoc_index = {((a.get("cluster") or "").lower(), a.get("id")): a
                                 for a in self.assocs}
        return self._assoc_index.get(((cluster or "").lower(), assoc_id))

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
    if isinstance(data, float) and data.is_integer():
        data = int(data)
    if isinstance(data, int) or (isinstance(data, str) and data.isdecimal()):
        if int(data) in table.qos:
            return int(data)
    else:
        qos_id = table.qos_id(str(data))
        if qos_id is not None:
            return qos_id
    raise Invalid(f"Unable to resolve QOS: {data}", ESLURM_INVALID_QOS)


def _parse_qos_id(data, ctx, path):
    """PARSE(QOS_ID): null or "" (what DUMP gives for none) is no QOS:
    INFINITE, as Slurm's resolve_qos() leaves it."""
    if data is None or data == "":
        return INFINITE
    return _resolve_qos(data, path)


def _dump_qos_string_id_list(value, services, get):
    """DUMP(QOS_STRING_ID_LIST): the ids (strings) of a qos_list as names."""
    if value is None:
        return []
    table = _current().qos
    out = []
    for string_id in value:
        name = table.get(int(string_id)) if str(string_id).isdecimal() else None
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
    stem = path[:-1] if path.endswith("/") else path
    parts = []
    for index, item in enumerate(data):
        item_path = f"{stem}[{index}]/"
        if not isinstance(item, dict):
            raise Invalid(f"Expected dictionary but got {json_type_name(item)}", 9209,
                          path=item_path)
        tres_id = _tres_number(item, "id", "uint32_t", ctx, item_path)
        if tres_id is None:
            tres_id = _current().tres_id(str(item.get("type") or ""), item.get("name"))
        if tres_id is None:
            raise Invalid(f"Unable to find TRES {item.get('type')}/{item.get('name') or ''}",
                          ESLURM_INVALID_TRES, path=item_path)
        count = _tres_number(item, "count", "int64_t", ctx, item_path)
        parts.append(f"{tres_id}={count or 0}")
    return ",".join(parts)


def _tres_number(item: dict, key: str, c_type: str, ctx, item_path: str) -> Optional[int]:
    """A TRES record's id (uint32_t) or count (int64_t) as the C member holds it:
    anything else (another type, a fraction, infinity, out of range) is refused
    naming the member."""
    member_path = f"{item_path}{key}/"
    try:
        number = to_int(item.get(key), ctx, member_path)
        if number is None:
            return None
        if isinstance(number, float):  # math.inf: a TRES has no "unlimited" form here
            raise Invalid(f"Expected integer but got {item.get(key)!r}")
        return fit(number, c_type, item.get(key))
    except Invalid as error:
        raise Invalid(error.description, error.error_number, path=member_path) from None


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

# --- job records (sacct's data): /slurmdb/v0.0.40/jobs and job/{job_id} ----------------
#
# Records are what restd.native.accounting.JobRecords.records() gives: dicts of
# slurmdb_job_rec_t members, "steps" a list of slurmdb_step_rec_t ones with "stats"
# (slurmdb_stats_t) and "step_id" (slurm_step_id_t) as nested dicts. Dump them within
# lookups(Lookups(qos=..., tres=..., assocs=...)): QOS_ID, TRES_STR, the step TRES and
# JOB_ASSOC_ID resolve ids with them, as Slurm does with the lists it loads (QOS and TRES
# with deleted ones, associations with deleted ones).

# fmt_job_id_string()'s names of the special step ids
_STEP_ID_NAMES = {0xFFFFFFFD: "TBD", 0xFFFFFFFC: "extern", 0xFFFFFFFB: "batch",
                  0xFFFFFFFA: "interactive"}

# cpu_freq_to_string()'s names of the governors and named frequencies
_CPU_FREQ_NAMES = {0x80000001: "Low", 0x80000002: "Medium", 0x80000004: "Highm1",
                   0x80000003: "High", 0x88000000: "Conservative", 0x82000000: "Performance",
                   0x81000000: "PowerSave", 0x80800000: "UserSpace", 0x84000000: "OnDemand",
                   0x80400000: "SchedUtil"}
CPU_FREQ_RANGE_FLAG = 0x80000000


class _ReadOnlyWhole(Alias):
    """An alias of the whole parent struct whose parsing Slurm disables (or never
    reaches from a request): ``to_target`` picks what the target kind dumps."""

    complex = True

    def parser(self, version):
        name = self.name

        def read_only(data, ctx, path):
            ctx.warn(f"Ignoring read-only field of type {name}", path)
            return None
        return read_only


def _read_only_alias(name):
    def read_only(data, ctx, path):
        ctx.warn(f"Ignoring read-only field of type {name}", path)
        return None
    return read_only


def _job_assoc(job, services):
    """DUMP(JOB_ASSOC_ID): the job's association (by cluster and id) as assoc_short.
    When it is unknown (not visible to the user, or no id), Slurm warns and dumps {},
    which lacks the "user" its own schema requires; restd warns the same and shows the
    account, cluster and user the job record holds (the partition is not known: the
    job's need not be the association's)."""
    from restd.data_parser.dump import get_any
    assoc_id = int(get_any(job, "associd") or 0)
    cluster = get_any(job, "cluster")
    assoc = None
    if assoc_id and assoc_id != NO_VAL:
        assoc = _current().assoc(cluster, assoc_id)
    if assoc is None:
        dump_warning(f"Unknown association with id#{assoc_id}. Unable to dump association.",
                     "DUMP_FUNC(JOB_ASSOC_ID)")
        user = get_any(job, "user") or services.user_name(int(get_any(job, "uid") or 0))
        assoc = {"acct": get_any(job, "account"), "cluster": cluster, "partition": None,
                 "user": user, "id": 0 if assoc_id == NO_VAL else assoc_id}
    return assoc


def _dump_job_user(job, services, get):
    """DUMP(JOB_USER): the user name recorded, else the uid's name, else null."""
    user = get(job, "user")
    if user:
        return user
    return services.user_name(int(get(job, "uid") or 0)) or None


def _wckey_tag(wckey, services):
    """DUMP(WCKEY_TAG): a leading "*" marks the wckey assigned by default."""
    if wckey and wckey.startswith("*"):
        return {"wckey": wckey[1:], "flags": 0x1}  # WCKEY_TAG_FLAGS_ASSIGNED_DEFAULT
    return {"wckey": wckey, "flags": 0}


def _dump_step_id_string(step_id, services, get):
    """DUMP(SLURM_STEP_ID_STRING): fmt_job_id_string() of the step id,
    "job.step[+het_component]" (batch, extern, interactive and TBD by name)."""
    if step_id is None:
        return ""
    job_id, number, het_component = (
        NO_VAL if value is None else int(value)
        for value in (get(step_id, "job_id"), get(step_id, "step_id"),
                      get(step_id, "step_het_comp")))
    if job_id == NO_VAL or (number == NO_VAL and het_component != NO_VAL):
        return ""  # ESLURM_EMPTY_JOB_ID / ESLURM_EMPTY_STEP_ID: nothing to show
    out = str(job_id)
    if number != NO_VAL:
        out += "." + _STEP_ID_NAMES.get(number, str(number))
        if het_component != NO_VAL:
            out += f"+{het_component}"
    return out


def _dump_cpu_freq_flags(value, services, get):
    """DUMP(CPU_FREQ_FLAGS): cpu_freq_to_string(). NO_VAL has the range bit set, so
    it shows "Unknown" as in Slurm; a frequency in kHz is shown in units of 1000."""
    value = int(value or 0)
    if value in _CPU_FREQ_NAMES:
        return _CPU_FREQ_NAMES[value]
    if value & CPU_FREQ_RANGE_FLAG:
        return "Unknown"
    if value == 0:
        return "0"
    number, unit = float(value), 1  # convert_num_unit2(UNIT_KILO, NO_VAL, 1000)
    while number >= 1000 and unit < 5:
        number /= 1000
        unit += 1
    suffix = "\0KMGTP"[unit].replace("\0", "")
    return f"{int(number)}{suffix}" if number == int(number) else f"{number:.2f}{suffix}"


def _dump_step_nodes(step, services, get):
    """DUMP(STEP_NODES): the step's nodes as a list; null when it has none recorded."""
    nodes = get(step, "nodes")
    if nodes is None:
        return None
    return expand_hostlist(nodes)


def _int64(count: int) -> int:
    """A uint64_t count as the int64_t slurmdb_tres_nct_rec_t holds it."""
    return count - (1 << 64) if count >= 1 << 63 else count


def _dump_tres_nct(counts, node_indexes, task_indexes, nodes):
    """_dump_tres_nct(): per TRES of the database (in its order), the value and the
    node (an index into the step's nodes) and task that had it, for the TRES that
    appear; every TRES must be known, else nothing is dumped (as in Slurm)."""
    if counts is None and node_indexes is None and task_indexes is None:
        return []
    table = _current().tres
    if not table:
        return []
    entries = {t["id"]: {"type": t.get("type") or "", "name": t.get("name") or "",
                         "id": t["id"], "count": 0, "task": 0, "node": None}
               for t in table}
    hosts = None
    for string, member in ((counts, "count"), (node_indexes, "node"),
                           (task_indexes, "task")):
        for tres_id, value in _tres_string_items(text(string)):
            entry = entries.get(tres_id)
            if entry is None:
                return []  # out of sync with the TRES list: Slurm stops there
            if member == "node":
                if hosts is None:
                    hosts = expand_hostlist(nodes) if nodes else []
                entry["node"] = hosts[value] if 0 <= value < len(hosts) else None
            else:
                entry[member] = _int64(value)
    return [{**entry, "node": entry["node"] or ""} for entry in entries.values()
            if entry["count"] or entry["node"] is not None or entry["task"]]


def _step_tres(direction: str, extreme: str):
    """STEP_TRES_{REQ,USAGE}_{MAX,MIN}: stats.tres_usage_<in|out>_<max|min> with the
    nodes and tasks where they were reached."""
    stem = f"stats.tres_usage_{direction}_{extreme}"

    def dump(step, services, get):
        return _dump_tres_nct(get(step, stem), get(step, stem + "_nodeid"),
                              get(step, stem + "_taskid"), get(step, "nodes"))
    return dump


JOB_KINDS = (
    Flags("SLURMDB_JOB_FLAGS", "slurmdb_job_flags", "uint32_t", (
        FlagBit("NONE", "equal", "SLURMDB_JOB_FLAG_NONE", 0x0, "INFINITE64",
                0xffffffffffffffff),
        FlagBit("CLEAR_SCHEDULING", "equal", "SLURMDB_JOB_CLEAR_SCHED", 0xf, "INFINITE64",
                0xffffffffffffffff),
        FlagBit("NOT_SET", "bit", "SLURMDB_JOB_FLAG_NOTSET", 0x1, "INFINITE64",
                0xffffffffffffffff),
        FlagBit("STARTED_ON_SUBMIT", "bit", "SLURMDB_JOB_FLAG_SUBMIT", 0x2, "INFINITE64",
                0xffffffffffffffff),
        FlagBit("STARTED_ON_SCHEDULE", "bit", "SLURMDB_JOB_FLAG_SCHED", 0x4, "INFINITE64",
                0xffffffffffffffff),
        FlagBit("STARTED_ON_BACKFILL", "bit", "SLURMDB_JOB_FLAG_BACKFILL", 0x8,
                "INFINITE64", 0xffffffffffffffff),
        FlagBit("START_RECEIVED", "bit", "SLURMDB_JOB_FLAG_START_R", 0x10, "INFINITE64",
                0xffffffffffffffff),
    )),
    Flags("WCKEY_TAG_FLAGS", "wckey_tag_flags", "WCKEY_TAG_FLAGS_t", (
        FlagBit("ASSIGNED_DEFAULT", "bit", "WCKEY_TAG_FLAGS_ASSIGNED_DEFAULT", 0x1,
                "INFINITE64", 0xffffffffffffffff),
    )),
    Object("WCKEY_TAG_STRUCT", "wckey_tag_struct", "WCKEY_TAG_STRUCT_t", (
        F("wckey", "STRING", "wckey", required=True),
        F("flags", "WCKEY_TAG_FLAGS", "flags", required=True),
    )),
    Alias("WCKEY_TAG", "WCKEY_TAG_STRUCT", "char *", to_target=_wckey_tag,
          parse_override=_read_only_alias("WCKEY_TAG"), synthetic=True),
    _ReadOnlyWhole("JOB_ASSOC_ID", "ASSOC_SHORT_PTR", "slurmdb_job_rec_t",
                   to_target=_job_assoc, synthetic=True),
    Special("JOB_USER", _dump_job_user, openapi=STRING, complex=True,
            c_type="slurmdb_job_rec_t"),
    Special("SLURM_STEP_ID_STRING", _dump_step_id_string, openapi=STRING,
            c_type="slurm_step_id_t"),
    Special("CPU_FREQ_FLAGS", _dump_cpu_freq_flags, openapi=STRING, c_type="uint32_t"),
    Hostlist("HOSTLIST", "hostlist", c_type="hostlist_t *"),
    Special("STEP_NODES", _dump_step_nodes, target="HOSTLIST", complex=True,
            c_type="slurmdb_step_rec_t"),
    *(Special(f"STEP_TRES_{name}_{extreme.upper()}", _step_tres(direction, extreme),
              component=f"step_tres_{name.lower()}_{extreme}", item="TRES", complex=True,
              c_type="slurmdb_step_rec_t")
      for name, direction in (("REQ", "in"), ("USAGE", "out"))
      for extreme in ("max", "min")),
    ArrayOf("STEP_LIST", "step_list", "STEP", "list_t *", checked=False),
    ArrayOf("JOB_LIST", "job_list", "JOB", "list_t *", checked=False),
    Object("JOB", "job", "slurmdb_job_rec_t", (
        F("account", "STRING", "account"),
        F("comment/administrator", "STRING", "admin_comment"),
        F("allocation_nodes", "UINT32", "alloc_nodes"),
        F("array/job_id", "UINT32", "array_job_id"),
        F("array/limits/max/running/tasks", "UINT32", "array_max_tasks"),
        F("array/task_id", "UINT32_NO_VAL", "array_task_id"),
        F("array/task", "STRING", "array_task_str"),
        F("association", "JOB_ASSOC_ID", None),
        F("block", "STRING", "blockid"),
        F("cluster", "STRING", "cluster"),
        F("constraints", "STRING", "constraints"),
        F("container", "STRING", "container"),
        F("derived_exit_code", "PROCESS_EXIT_CODE", "derived_ec"),
        F("comment/job", "STRING", "derived_es"),
        F("time/elapsed", "UINT32", "elapsed"),
        F("time/eligible", "TIMESTAMP", "eligible"),
        F("time/end", "TIMESTAMP", "end"),
        F("exit_code", "PROCESS_EXIT_CODE", "exitcode"),
        F("extra", "STRING", "extra"),
        F("failed_node", "STRING", "failed_node"),
        F("flags", "SLURMDB_JOB_FLAGS", "flags"),
        F("group", "GROUP_ID", "gid"),
        F("het/job_id", "UINT32", "het_job_id"),
        F("het/job_offset", "UINT32_NO_VAL", "het_job_offset"),
        F("job_id", "UINT32", "jobid"),
        F("name", "STRING", "jobname"),
        F("licenses", "STRING", "licenses"),
        F("mcs/label", "STRING", "mcs_label"),
        F("nodes", "STRING", "nodes"),
        F("partition", "STRING", "partition"),
        F("hold", "HOLD", "priority"),
        F("priority", "UINT32_NO_VAL", "priority"),
        F("qos", "QOS_ID", "qosid"),
        F("required/CPUs", "UINT32", "req_cpus"),
        F("required/memory_per_cpu", "MEM_PER_CPUS", "req_mem"),
        F("required/memory_per_node", "MEM_PER_NODE", "req_mem"),
        F("kill_request_user", "USER_ID", "requid"),
        F("reservation/id", "UINT32", "resvid"),
        F("reservation/name", "STRING", "resv_name"),
        F("script", "STRING", "script"),
        F("time/start", "TIMESTAMP", "start"),
        F("state/current", "JOB_STATE", "state"),
        F("state/reason", "JOB_REASON", "state_reason_prev"),
        F("steps", "STEP_LIST", "steps"),
        F("time/submission", "TIMESTAMP", "submit"),
        F("submit_line", "STRING", "submit_line"),
        F("time/suspended", "UINT32", "suspended"),
        F("comment/system", "STRING", "system_comment"),
        F("time/system/seconds", "UINT64", "sys_cpu_sec"),
        F("time/system/microseconds", "UINT64", "sys_cpu_usec"),
        F("time/limit", "UINT32_NO_VAL", "timelimit"),
        F("time/total/seconds", "UINT64", "tot_cpu_sec"),
        F("time/total/microseconds", "UINT64", "tot_cpu_usec"),
        F("tres/allocated", "TRES_STR", "tres_alloc_str"),
        F("tres/requested", "TRES_STR", "tres_req_str"),
        F("used_gres", "STRING", "used_gres"),
        F("user", "JOB_USER", None),
        F("time/user/seconds", "UINT64", "user_cpu_sec"),
        F("time/user/microseconds", "UINT64", "user_cpu_usec"),
        F("wckey", "WCKEY_TAG", "wckey"),
        F("working_directory", "STRING", "work_dir"),
    )),
    Object("STEP", "step", "slurmdb_step_rec_t", (
        F("time/elapsed", "UINT32", "elapsed"),
        F("time/end", "TIMESTAMP_NO_VAL", "end"),
        F("exit_code", "PROCESS_EXIT_CODE", "exitcode"),
        F("nodes/count", "UINT32", "nnodes"),
        F("nodes/range", "STRING", "nodes"),
        F("tasks/count", "UINT32", "ntasks"),
        F("pid", "STRING", "pid_str"),
        F("CPU/requested_frequency/min", "UINT32_NO_VAL", "req_cpufreq_min"),
        F("CPU/requested_frequency/max", "UINT32_NO_VAL", "req_cpufreq_max"),
        F("CPU/governor", "CPU_FREQ_FLAGS", "req_cpufreq_gov"),
        F("kill_request_user", "USER_ID", "requid"),
        F("time/start", "TIMESTAMP_NO_VAL", "start"),
        F("state", "JOB_STATE", "state"),
        # a double in slurmdb_stats_t, which Slurm's UINT64 parser reads as the bits
        # of a uint64_t; restd.native.accounting gives its value in kHz
        F("statistics/CPU/actual_frequency", "UINT64", "stats.act_cpufreq"),
        F("statistics/energy/consumed", "UINT64_NO_VAL", "stats.consumed_energy"),
        F("step/id", "SLURM_STEP_ID_STRING", "step_id"),
        F("step/name", "STRING", "stepname"),
        F("time/suspended", "UINT32", "suspended"),
        F("time/system/seconds", "UINT64", "sys_cpu_sec"),
        F("time/system/microseconds", "UINT32", "sys_cpu_usec"),
        F("task/distribution", "TASK_DISTRIBUTION", "task_dist"),
        F("time/total/seconds", "UINT64", "tot_cpu_sec"),
        F("time/total/microseconds", "UINT32", "tot_cpu_usec"),
        F("time/user/seconds", "UINT64", "user_cpu_sec"),
        F("time/user/microseconds", "UINT32", "user_cpu_usec"),
        F("nodes/list", "STEP_NODES", None),
        F("tres/requested/max", "STEP_TRES_REQ_MAX", None),
        F("tres/requested/min", "STEP_TRES_REQ_MIN", None),
        F("tres/consumed/max", "STEP_TRES_USAGE_MAX", None),
        F("tres/consumed/min", "STEP_TRES_USAGE_MIN", None),
        F("tres/requested/average", "TRES_STR", "stats.tres_usage_in_ave"),
        F("tres/requested/total", "TRES_STR", "stats.tres_usage_in_tot"),
        F("tres/consumed/average", "TRES_STR", "stats.tres_usage_out_ave"),
        F("tres/consumed/total", "TRES_STR", "stats.tres_usage_out_tot"),
        F("tres/allocated", "TRES_STR", "tres_alloc_str"),
    )),
)

RESPONSES += (_response("OPENAPI_SLURMDBD_JOBS_RESP", "jobs", "JOB_LIST"),)

KINDS = (*FLAG_KINDS, *LISTS, *SPECIALS, *OBJECTS, *JOB_KINDS, *RESPONSES)

# Published request and response bodies (restd.data_parser.v0040.ROOTS).
# OPENAPI_USERS_REMOVED_RESP is what Slurm dumps for DELETE user/{name} but
# the path declares openapi_resp: it has no component of its own there.
ROOTS = tuple(kind.name for kind in RESPONSES if kind.name != "OPENAPI_USERS_REMOVED_RESP")
