"""Blocking calls to slurmdbd (libslurm's slurmdb API).  Results are Python-owned.

One :class:`Connection` per request, opened, used and closed in one thread,
inside :func:`restd.native.identity.as_user` (the connection authenticates with
that thread's token)::

    with as_user(token, user), Connection() as db:
        db.accounts_add([{"name": "a", "description": "d", "organization": "o"}])
        db.commit()          # nothing is kept unless committed

Leaving the block without :meth:`Connection.commit` rolls back what the
connection changed.

Records come back as dicts keyed by the C member names of the slurmdb
structs (``acct``, ``assoc_list``, ``coord_accts``...), lists as Python lists:
the shape the data_parser's descriptions read and parse produce. Records given
to the add calls are such dicts too; the C structs built from them live in
Python-owned memory for the duration of the call.

Errors: every failure raises :class:`~restd.native.errors.SlurmError`. A query
that changes nothing raises it with ``SLURM_NO_CHANGE_IN_DATA`` (1900).
"""
from __future__ import annotations

from typing import Any, Iterable, Optional

from restd.native import library
from restd.native.errors import (SLURM_ERROR, SLURM_NO_CHANGE_IN_DATA, SLURM_SUCCESS,
                                 SlurmError, error_number)

NO_VAL = 0xFFFFFFFE
NO_VAL16 = 0xFFFE


def _cstr(ffi, value):
    return ffi.string(value).decode(errors="replace") if value != ffi.NULL else None


def accounting_storage_type() -> str:
    """AccountingStorageType of slurm.conf ("accounting_storage/slurmdbd"), "" if unset."""
    ffi, lib = library.get()
    return _cstr(ffi, lib.restd_accounting_storage_type()) or ""


def with_slurmdbd() -> bool:
    """slurm_with_slurmdbd(): accounting goes to slurmdbd."""
    return bool(library.get()[1].slurm_with_slurmdbd())


class _Keep:
    """C memory built for one call: Python-owned buffers and libslurm lists
    (created without a destructor: only their nodes are freed)."""

    def __init__(self, ffi, lib):
        self.ffi, self.lib = ffi, lib
        self.refs: list = []
        self.lists: list = []

    def str(self, value: Optional[str]):
        if value is None:
            return self.ffi.NULL
        buf = self.ffi.new("char[]", str(value).encode())
        self.refs.append(buf)
        return buf

    def new(self, ctype: str):
        obj = self.ffi.new(ctype)
        self.refs.append(obj)
        return obj

    def list(self, items: Iterable[Any]):
        """A list_t of the given cdata pointers."""
        handle = self.lib.slurm_list_create(self.ffi.NULL)
        self.lists.append(handle)
        for item in items:
            self.lib.restd_list_append(handle, item)
        return handle

    def strlist(self, values: Optional[Iterable[str]]):
        if values is None:
            return self.ffi.NULL
        return self.list(self.str(value) for value in values)

    def close(self):
        for handle in self.lists:
            self.lib.slurm_list_destroy(handle)
        self.lists.clear()
        self.refs.clear()


def _items(ffi, lib, handle, ctype: str):
    """The items of a libslurm list, cast to ``ctype``."""
    if handle == ffi.NULL:
        return []
    out = []
    it = lib.slurm_list_iterator_create(handle)
    try:
        while True:
            item = lib.slurm_list_next(it)
            if item == ffi.NULL:
                break
            out.append(ffi.cast(ctype, item))
    finally:
        lib.slurm_list_iterator_destroy(it)
    return out


def _strings(ffi, lib, handle):
    return [_cstr(ffi, item) for item in _items(ffi, lib, handle, "char *")]


# --- C records -> dicts (C member names) ------------------------------------------------

def _tres(ffi, rec):
    return {"alloc_secs": rec.alloc_secs, "rec_count": rec.rec_count, "count": rec.count,
            "id": rec.id, "name": _cstr(ffi, rec.name), "type": _cstr(ffi, rec.type)}


def _accounting(ffi, lib, handle):
    return [{"alloc_secs": rec.alloc_secs, "id": rec.id, "period_start": rec.period_start,
             "tres_rec": _tres(ffi, rec.tres_rec)}
            for rec in _items(ffi, lib, handle, "slurmdb_accounting_rec_t *")]


def _coords(ffi, lib, handle):
    return [{"name": _cstr(ffi, rec.name), "direct": rec.direct}
            for rec in _items(ffi, lib, handle, "slurmdb_coord_rec_t *")]


def _assoc(ffi, lib, rec):
    out = {"accounting_list": _accounting(ffi, lib, rec.accounting_list),
           "acct": _cstr(ffi, rec.acct), "cluster": _cstr(ffi, rec.cluster),
           "comment": _cstr(ffi, lib.restd_assoc_comment(rec)),
           "flags": lib.restd_assoc_flags(rec),
           "lineage": _cstr(ffi, lib.restd_assoc_lineage(rec)),
           "qos_list": _strings(ffi, lib, rec.qos_list)}
    for member in ("def_qos_id", "grp_jobs", "grp_jobs_accrue", "grp_submit_jobs",
                   "grp_wall", "id", "is_def", "lft", "max_jobs", "max_jobs_accrue",
                   "max_submit_jobs", "max_wall_pj", "min_prio_thresh", "parent_id",
                   "priority", "rgt", "shares_raw", "uid"):
        out[member] = getattr(rec, member)
    for member in ("grp_tres", "grp_tres_mins", "grp_tres_run_mins", "max_tres_mins_pj",
                   "max_tres_run_mins", "max_tres_pj", "max_tres_pn", "parent_acct",
                   "partition", "user"):
        out[member] = _cstr(ffi, getattr(rec, member))
    return out


def _assocs(ffi, lib, handle):
    return [_assoc(ffi, lib, rec)
            for rec in _items(ffi, lib, handle, "slurmdb_assoc_rec_t *")]


def _account(ffi, lib, rec):
    return {"assoc_list": _assocs(ffi, lib, rec.assoc_list),
            "coordinators": _coords(ffi, lib, rec.coordinators),
            "description": _cstr(ffi, rec.description),
            "flags": lib.restd_account_flags(rec),
            "name": _cstr(ffi, rec.name), "organization": _cstr(ffi, rec.organization)}


def _wckey(ffi, lib, rec):
    return {"accounting_list": _accounting(ffi, lib, rec.accounting_list),
            "cluster": _cstr(ffi, rec.cluster), "flags": rec.flags, "id": rec.id,
            "is_def": rec.is_def, "name": _cstr(ffi, rec.name), "uid": rec.uid,
            "user": _cstr(ffi, rec.user)}


def _cluster(ffi, lib, rec):
    return {"accounting_list": [],  # usage (with_usage) is not read yet
            "classification": rec.classification,
            "control_host": _cstr(ffi, rec.control_host), "control_port": rec.control_port,
            "flags": rec.flags, "name": _cstr(ffi, rec.name), "nodes": _cstr(ffi, rec.nodes),
            "root_assoc": (_assoc(ffi, lib, rec.root_assoc)
                           if rec.root_assoc != ffi.NULL else None),
            "rpc_version": rec.rpc_version, "tres_str": _cstr(ffi, rec.tres_str)}


QOS_U32 = ("id", "flags", "grace_time", "grp_jobs_accrue", "grp_jobs", "grp_submit_jobs",
           "grp_wall", "max_jobs_pa", "max_jobs_pu", "max_jobs_accrue_pa",
           "max_jobs_accrue_pu", "max_submit_jobs_pa", "max_submit_jobs_pu", "max_wall_pj",
           "min_prio_thresh", "preempt_exempt_time", "priority")
QOS_STR = ("description", "grp_tres", "grp_tres_mins", "grp_tres_run_mins",
           "max_tres_mins_pj", "max_tres_pa", "max_tres_pj", "max_tres_pn", "max_tres_pu",
           "max_tres_run_mins_pa", "max_tres_run_mins_pu", "min_tres_pj", "name")
QOS_DOUBLE = ("limit_factor", "usage_factor", "usage_thres")


def _qos(ffi, lib, rec):
    out = {member: getattr(rec, member) for member in QOS_U32 + QOS_DOUBLE}
    out.update({member: _cstr(ffi, getattr(rec, member)) for member in QOS_STR})
    out["preempt_mode"] = rec.preempt_mode
    bits = rec.preempt_bitstr
    # the QOS ids this one may preempt (bit i: QOS id i)
    out["preempt_ids"] = [i for i in range(1, lib.restd_bitstr_size(bits))
                          if lib.restd_bitstr_test(bits, i)] if bits != ffi.NULL else []
    return out


def _user(ffi, lib, rec):
    return {"admin_level": rec.admin_level,
            "assoc_list": _assocs(ffi, lib, rec.assoc_list),
            "coord_accts": _coords(ffi, lib, rec.coord_accts),
            "default_acct": _cstr(ffi, rec.default_acct),
            "default_wckey": _cstr(ffi, rec.default_wckey),
            "flags": rec.flags, "name": _cstr(ffi, rec.name),
            "old_name": _cstr(ffi, rec.old_name), "uid": rec.uid,
            "wckey_list": [_wckey(ffi, lib, w) for w in
                           _items(ffi, lib, rec.wckey_list, "slurmdb_wckey_rec_t *")]}


# --- conditions -------------------------------------------------------------------------

ASSOC_COND_LISTS = ("acct_list", "cluster_list", "def_qos_id_list", "format_list",
                    "id_list", "parent_acct_list", "partition_list", "qos_list",
                    "user_list")
# 24.11's ASSOC_COND_FLAG_* names, by the option names of the reference's queries
ASSOC_COND_FLAGS = {"with_deleted": 0x1, "with_usage": 0x2, "only_defaults": 0x4,
                    "with_raw_qos": 0x8, "with_sub_accts": 0x10,
                    "without_parent_info": 0x20, "without_parent_limits": 0x40}
ACCOUNT_COND_FLAGS = {"with_deleted": 0x1, "with_assocs": 0x2, "with_coords": 0x4}


def _assoc_cond(keep: _Keep, cond: Optional[dict]):
    """slurmdb_assoc_cond_t from a dict: the *_list members (lists of str),
    usage_start/usage_end, and flags (a set of ASSOC_COND_FLAGS names)."""
    lib = keep.lib
    out = keep.new("slurmdb_assoc_cond_t *")
    cond = cond or {}
    for member in ASSOC_COND_LISTS:
        if cond.get(member) is not None:
            setattr(out, member, keep.strlist(cond[member]))
    out.usage_start = int(cond.get("usage_start") or 0)
    out.usage_end = int(cond.get("usage_end") or 0)
    flags = 0
    for name in cond.get("flags", ()):
        flags |= ASSOC_COND_FLAGS[name]
    lib.restd_assoc_cond_set_flags(out, flags)
    return out


# --- C records from dicts ---------------------------------------------------------------

_ASSOC_U32 = ("def_qos_id", "grp_jobs", "grp_jobs_accrue", "grp_submit_jobs", "grp_wall",
              "max_jobs", "max_jobs_accrue", "max_submit_jobs", "max_wall_pj",
              "min_prio_thresh", "priority", "shares_raw")
_ASSOC_STR = ("acct", "cluster", "grp_tres", "grp_tres_mins", "grp_tres_run_mins",
              "max_tres_mins_pj", "max_tres_run_mins", "max_tres_pj", "max_tres_pn",
              "parent_acct", "partition", "user")


def _new_assoc(keep: _Keep, data: dict):
    rec = keep.new("slurmdb_assoc_rec_t *")
    keep.lib.slurmdb_init_assoc_rec(rec, False)
    for member in _ASSOC_STR:
        if data.get(member) is not None:
            setattr(rec, member, keep.str(data[member]))
    for member in _ASSOC_U32:
        if data.get(member) is not None:
            setattr(rec, member, int(data[member]))
    if data.get("is_def") is not None:
        rec.is_def = int(data["is_def"])
    if data.get("qos_list") is not None:
        rec.qos_list = keep.strlist(data["qos_list"])
    return rec


def _new_account(keep: _Keep, data: dict):
    rec = keep.new("slurmdb_account_rec_t *")
    rec.name = keep.str(data.get("name"))
    rec.description = keep.str(data.get("description"))
    rec.organization = keep.str(data.get("organization"))
    assocs = [_new_assoc(keep, assoc) for assoc in data.get("assoc_list") or ()]
    if assocs:
        rec.assoc_list = keep.list(assocs)
    return rec


def _new_user(keep: _Keep, data: dict, lib):
    rec = keep.new("slurmdb_user_rec_t *")
    rec.admin_level = int(data.get("admin_level") or lib.SLURMDB_ADMIN_NOTSET)
    rec.name = keep.str(data.get("name"))
    rec.default_acct = keep.str(data.get("default_acct"))
    rec.default_wckey = keep.str(data.get("default_wckey"))
    rec.uid = NO_VAL
    wckeys = []
    for wckey in data.get("wckey_list") or ():
        w = keep.new("slurmdb_wckey_rec_t *")
        lib.slurmdb_init_wckey_rec(w, False)
        w.name = keep.str(wckey.get("name"))
        w.cluster = keep.str(wckey.get("cluster"))
        w.user = keep.str(wckey.get("user") or data.get("name"))
        w.is_def = int(wckey.get("is_def") or 0)
        wckeys.append(w)
    if wckeys:
        rec.wckey_list = keep.list(wckeys)
    assocs = [_new_assoc(keep, assoc) for assoc in data.get("assoc_list") or ()]
    if assocs:
        rec.assoc_list = keep.list(assocs)
    return rec


# --- the connection ---------------------------------------------------------------------

class Connection:
    """A connection to slurmdbd for one request, as the calling thread's user."""

    def __init__(self):
        self._ffi, self._lib = library.get()
        ffi = self._ffi
        ffi.errno = 0
        handle = self._lib.slurmdb_connection_get(ffi.NULL)
        if handle == ffi.NULL:
            number = ffi.errno or error_number("ESLURM_DB_CONNECTION")
            raise SlurmError(number, call="slurmdb_connection_get")
        self._handle = ffi.new("void **", handle)
        self.committed = False
        self.changed = False  # a write call was made (rolled back unless committed)

    @property
    def address(self) -> int:
        """The connection handle's address (slurmrestd shows it in messages)."""
        return int(self._ffi.cast("uintptr_t", self._handle[0])) if self._handle else 0

    # -- lifetime --

    def commit(self) -> None:
        """Keep what this connection changed (slurmdb_connection_commit(true))."""
        self._check(self._lib.slurmdb_connection_commit(self._handle[0], True),
                    "slurmdb_connection_commit")
        self.committed = True

    def rollback(self) -> None:
        self._lib.slurmdb_connection_commit(self._handle[0], False)

    def close(self) -> None:
        if self._handle is not None and self._handle[0] != self._ffi.NULL:
            if self.changed and not self.committed:
                self.rollback()
            self._lib.slurmdb_connection_close(self._handle)
        self._handle = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- plumbing --

    def _check(self, rc, call):
        if rc != SLURM_SUCCESS:
            number = rc
            if rc == SLURM_ERROR:
                number = self._ffi.errno or SLURM_ERROR
            raise SlurmError(number, call=call)

    def _list_call(self, call: str, *args):
        """Call a slurmdb_*_get/_remove function; its list handle (None when the
        function found nothing). Raises on errors, 1900 included."""
        ffi = self._ffi
        ffi.errno = 0
        handle = getattr(self._lib, call)(self._handle[0], *args)
        number = ffi.errno
        if number:
            if handle != ffi.NULL:
                self._lib.slurm_list_destroy(handle)
            raise SlurmError(number, call=call)
        if handle == ffi.NULL:
            raise SlurmError(error_number("ESLURM_REST_INVALID_QUERY"), call=call,
                             description=f"{call}() failed")
        return handle

    def _records(self, call: str, ctype: str, convert, *args) -> list:
        ffi, lib = self._ffi, self._lib
        handle = self._list_call(call, *args)
        try:
            return [convert(ffi, lib, rec) for rec in _items(ffi, lib, handle, ctype)]
        finally:
            lib.slurm_list_destroy(handle)

    def _removed(self, call: str, *args) -> list[str]:
        """A write call returning the names of what it changed."""
        ffi, lib = self._ffi, self._lib
        self.changed = True
        handle = self._list_call(call, *args)
        try:
            return _strings(ffi, lib, handle)
        finally:
            lib.slurm_list_destroy(handle)

    def _add(self, call: str, records: list, keep: _Keep):
        self.changed = True
        rc = getattr(self._lib, call)(self._handle[0], keep.list(records))
        self._check(rc, call)

    # -- accounts --

    def _account_cond(self, keep, names=None, descriptions=None, organizations=None,
                      flags=()):
        cond = keep.new("slurmdb_account_cond_t *")
        cond.assoc_cond = _assoc_cond(keep, {"acct_list": names})
        cond.description_list = keep.strlist(descriptions)
        cond.organization_list = keep.strlist(organizations)
        bits = 0
        for name in flags:
            bits |= ACCOUNT_COND_FLAGS[name]
        self._lib.restd_account_cond_set_flags(cond, bits)
        return cond

    def accounts_get(self, names=None, descriptions=None, organizations=None,
                     flags=()) -> list[dict]:
        keep = _Keep(self._ffi, self._lib)
        try:
            cond = self._account_cond(keep, names, descriptions, organizations, flags)
            return self._records("slurmdb_accounts_get", "slurmdb_account_rec_t *",
                                 _account, cond)
        finally:
            keep.close()

    def accounts_add(self, accounts: list[dict]) -> None:
        keep = _Keep(self._ffi, self._lib)
        try:
            self._add("slurmdb_accounts_add", [_new_account(keep, a) for a in accounts],
                      keep)
        finally:
            keep.close()

    def accounts_remove(self, names: list[str]) -> list[str]:
        keep = _Keep(self._ffi, self._lib)
        try:
            cond = keep.new("slurmdb_account_cond_t *")
            cond.assoc_cond = _assoc_cond(keep, {"acct_list": names, "user_list": []})
            return self._removed("slurmdb_accounts_remove", cond)
        finally:
            keep.close()

    def accounts_modify(self, names: list[str], account: dict) -> list[str]:
        """Set description and organization of the named accounts."""
        keep = _Keep(self._ffi, self._lib)
        try:
            cond = self._account_cond(keep, names)
            rec = keep.new("slurmdb_account_rec_t *")
            rec.description = keep.str(account.get("description") or None)
            rec.organization = keep.str(account.get("organization") or None)
            return self._removed("slurmdb_accounts_modify", cond, rec)
        finally:
            keep.close()

    def coord_add(self, accounts: list[str], users: list[str]) -> None:
        keep = _Keep(self._ffi, self._lib)
        try:
            self.changed = True
            rc = self._lib.slurmdb_coord_add(self._handle[0], keep.strlist(accounts),
                                             self._user_cond(keep, users))
            self._check(rc, "slurmdb_coord_add")
        finally:
            keep.close()

    def coord_remove(self, accounts: list[str], users: list[str]) -> list[str]:
        keep = _Keep(self._ffi, self._lib)
        try:
            return self._removed("slurmdb_coord_remove", keep.strlist(accounts),
                                 self._user_cond(keep, users))
        finally:
            keep.close()

    # -- users --

    def _user_cond(self, keep, names=None, admin_level=None, default_accounts=None,
                   default_wckeys=None, with_assocs=False, with_coords=False,
                   with_deleted=False, with_wckeys=False, without_defaults=False):
        cond = keep.new("slurmdb_user_cond_t *")
        cond.assoc_cond = _assoc_cond(keep, {"user_list": names})
        cond.admin_level = int(admin_level or self._lib.SLURMDB_ADMIN_NOTSET)
        cond.def_acct_list = keep.strlist(default_accounts)
        cond.def_wckey_list = keep.strlist(default_wckeys)
        cond.with_assocs = int(bool(with_assocs))
        cond.with_coords = int(bool(with_coords))
        cond.with_deleted = int(bool(with_deleted))
        cond.with_wckeys = int(bool(with_wckeys))
        cond.without_defaults = int(bool(without_defaults))
        return cond

    def users_get(self, names=None, **options) -> list[dict]:
        keep = _Keep(self._ffi, self._lib)
        try:
            cond = self._user_cond(keep, names, **options)
            return self._records("slurmdb_users_get", "slurmdb_user_rec_t *", _user, cond)
        finally:
            keep.close()

    def users_add(self, users: list[dict]) -> None:
        keep = _Keep(self._ffi, self._lib)
        try:
            self._add("slurmdb_users_add", [_new_user(keep, u, self._lib) for u in users],
                      keep)
        finally:
            keep.close()

    def users_modify(self, names: list[str], user: dict) -> list[str]:
        """Set ``user``'s admin_level (when given), default_acct and
        default_wckey on the named users; the changes as slurmdbd words them."""
        keep = _Keep(self._ffi, self._lib)
        try:
            cond = self._user_cond(keep, names, with_deleted=True)
            rec = keep.new("slurmdb_user_rec_t *")
            rec.admin_level = int(user.get("admin_level") or self._lib.SLURMDB_ADMIN_NOTSET)
            rec.default_acct = keep.str(user.get("default_acct") or None)
            rec.default_wckey = keep.str(user.get("default_wckey") or None)
            rec.uid = NO_VAL
            return self._removed("slurmdb_users_modify", cond, rec)
        finally:
            keep.close()

    def users_remove(self, names: list[str]) -> list[str]:
        keep = _Keep(self._ffi, self._lib)
        try:
            return self._removed("slurmdb_users_remove", self._user_cond(keep, names))
        finally:
            keep.close()

    # -- wckeys --

    def _wckey_cond(self, keep, cond: Optional[dict]):
        cond = cond or {}
        out = keep.new("slurmdb_wckey_cond_t *")
        for member in ("cluster_list", "format_list", "id_list", "name_list", "user_list"):
            if cond.get(member) is not None:
                setattr(out, member, keep.strlist(cond[member]))
        for member in ("only_defs", "with_usage", "with_deleted"):
            setattr(out, member, int(bool(cond.get(member))))
        out.usage_start = int(cond.get("usage_start") or 0)
        out.usage_end = int(cond.get("usage_end") or 0)
        return out

    def wckeys_get(self, cond: Optional[dict] = None) -> list[dict]:
        keep = _Keep(self._ffi, self._lib)
        try:
            return self._records("slurmdb_wckeys_get", "slurmdb_wckey_rec_t *", _wckey,
                                 self._wckey_cond(keep, cond))
        finally:
            keep.close()

    def wckeys_add(self, wckeys: list[dict]) -> None:
        keep = _Keep(self._ffi, self._lib)
        try:
            records = []
            for data in wckeys:
                rec = keep.new("slurmdb_wckey_rec_t *")
                self._lib.slurmdb_init_wckey_rec(rec, False)
                rec.name = keep.str(data.get("name"))
                rec.cluster = keep.str(data.get("cluster"))
                rec.user = keep.str(data.get("user"))
                rec.is_def = int(data.get("is_def") or 0)
                records.append(rec)
            self._add("slurmdb_wckeys_add", records, keep)
        finally:
            keep.close()

    def wckeys_remove(self, cond: dict) -> list[str]:
        keep = _Keep(self._ffi, self._lib)
        try:
            return self._removed("slurmdb_wckeys_remove", self._wckey_cond(keep, cond))
        finally:
            keep.close()

    # -- clusters --

    def _cluster_cond(self, keep, cond: Optional[dict]):
        cond = cond or {}
        out = keep.new("slurmdb_cluster_cond_t *")
        self._lib.slurmdb_init_cluster_cond(out, False)
        for member in ("cluster_list", "federation_list", "format_list", "rpc_version_list"):
            if cond.get(member) is not None:
                setattr(out, member, keep.strlist(cond[member]))
        if cond.get("flags") is not None:
            out.flags = int(cond["flags"])
        if cond.get("classification") is not None:
            out.classification = int(cond["classification"])
        for member in ("with_deleted", "with_usage"):
            setattr(out, member, int(bool(cond.get(member))))
        out.usage_start = int(cond.get("usage_start") or 0)
        out.usage_end = int(cond.get("usage_end") or 0)
        return out

    def clusters_get(self, cond: Optional[dict] = None) -> list[dict]:
        keep = _Keep(self._ffi, self._lib)
        try:
            return self._records("slurmdb_clusters_get", "slurmdb_cluster_rec_t *",
                                 _cluster, self._cluster_cond(keep, cond))
        finally:
            keep.close()

    def clusters_add(self, clusters: list[dict]) -> None:
        keep = _Keep(self._ffi, self._lib)
        try:
            records = []
            for data in clusters:
                rec = keep.new("slurmdb_cluster_rec_t *")
                self._lib.slurmdb_init_cluster_rec(rec, False)
                rec.name = keep.str(data.get("name"))
                if data.get("nodes"):
                    rec.nodes = keep.str(data["nodes"])
                if data.get("flags"):
                    rec.flags = int(data["flags"])
                records.append(rec)
            self._add("slurmdb_clusters_add", records, keep)
        finally:
            keep.close()

    def clusters_remove(self, cond: dict) -> list[str]:
        keep = _Keep(self._ffi, self._lib)
        try:
            return self._removed("slurmdb_clusters_remove", self._cluster_cond(keep, cond))
        finally:
            keep.close()

    # -- statistics --

    def stats(self) -> dict:
        """slurmdb_get_stats(): slurmdbd's statistics (rollups, RPCs by type and
        by user), each RPC type with its name."""
        ffi, lib = self._ffi, self._lib
        out = ffi.new("slurmdb_stats_rec_t **")
        ffi.errno = 0
        self._check(lib.slurmdb_get_stats(self._handle[0], out), "slurmdb_get_stats")
        stats = out[0]
        try:
            rollup = None
            if stats.dbd_rollup_stats != ffi.NULL:
                r = stats.dbd_rollup_stats
                rollup = {member: [getattr(r, member)[i] for i in range(lib.DBD_ROLLUP_COUNT)]
                          for member in ("count", "timestamp", "time_last", "time_max",
                                         "time_total")}

            def rpcs(handle, named):
                return [{"cnt": rec.cnt, "time": rec.time, "time_ave": rec.time_ave,
                         "id": (_cstr(ffi, lib.slurmdbd_msg_type_2_str(rec.id, 1))
                                if named else rec.id)}
                        for rec in _items(ffi, lib, handle, "slurmdb_rpc_obj_t *")]
            return {"time_start": stats.time_start, "dbd_rollup_stats": rollup,
                    "rpc_list": rpcs(stats.rpc_list, True),
                    "user_list": rpcs(stats.user_list, False)}
        finally:
            lib.slurmdb_destroy_stats_rec(stats)

    # -- QOS and TRES (for resolving ids in other records) --

    def _qos_cond(self, keep, cond: Optional[dict]):
        cond = cond or {}
        out = keep.new("slurmdb_qos_cond_t *")
        for member in ("description_list", "id_list", "format_list", "name_list"):
            if cond.get(member) is not None:
                setattr(out, member, keep.strlist(cond[member]))
        if cond.get("preempt_mode"):
            out.preempt_mode = int(cond["preempt_mode"])
        self._lib.restd_qos_cond_set_with_deleted(out, int(bool(cond.get("with_deleted"))))
        return out

    def qos_get(self, cond: Optional[dict] = None) -> list[dict]:
        keep = _Keep(self._ffi, self._lib)
        try:
            return self._records("slurmdb_qos_get", "slurmdb_qos_rec_t *", _qos,
                                 self._qos_cond(keep, cond))
        finally:
            keep.close()

    def _new_qos(self, keep, data: dict):
        rec = keep.new("slurmdb_qos_rec_t *")
        self._lib.slurmdb_init_qos_rec(rec, False, NO_VAL)
        for member in QOS_STR:
            if data.get(member) is not None:
                setattr(rec, member, keep.str(data[member]))
        for member in QOS_U32 + QOS_DOUBLE:
            if data.get(member) is not None:
                setattr(rec, member, data[member])
        if data.get("preempt_mode") is not None:
            rec.preempt_mode = int(data["preempt_mode"])
        if data.get("preempt_list") is not None:
            rec.preempt_list = keep.strlist(data["preempt_list"])
        return rec

    def qos_add(self, qos: list[dict]) -> None:
        keep = _Keep(self._ffi, self._lib)
        try:
            self._add("slurmdb_qos_add", [self._new_qos(keep, q) for q in qos], keep)
        finally:
            keep.close()

    def qos_modify(self, cond: dict, qos: dict) -> list[str]:
        keep = _Keep(self._ffi, self._lib)
        try:
            return self._removed("slurmdb_qos_modify", self._qos_cond(keep, cond),
                                 self._new_qos(keep, qos))
        finally:
            keep.close()

    def qos_remove(self, cond: dict) -> list[str]:
        keep = _Keep(self._ffi, self._lib)
        try:
            return self._removed("slurmdb_qos_remove", self._qos_cond(keep, cond))
        finally:
            keep.close()

    def qos_names(self) -> dict[int, str]:
        """{id: name} of every QOS (deleted ones too, as records may refer to them)."""
        keep = _Keep(self._ffi, self._lib)
        try:
            cond = keep.new("slurmdb_qos_cond_t *")
            return {rec["id"]: rec["name"] for rec in self._records(
                "slurmdb_qos_get", "slurmdb_qos_rec_t *",
                lambda ffi, lib, rec: {"id": rec.id, "name": _cstr(ffi, rec.name)}, cond)}
        finally:
            keep.close()

    def tres_get(self, with_deleted: bool = True) -> list[dict]:
        keep = _Keep(self._ffi, self._lib)
        try:
            cond = keep.new("slurmdb_tres_cond_t *")
            self._lib.slurmdb_init_tres_cond(cond, False)
            cond.with_deleted = int(bool(with_deleted))
            return self._records("slurmdb_tres_get", "slurmdb_tres_rec_t *",
                                 lambda ffi, lib, rec: _tres(ffi, rec), cond)
        finally:
            keep.close()

    # -- associations --

    def associations_get(self, cond: Optional[dict] = None) -> list[dict]:
        keep = _Keep(self._ffi, self._lib)
        try:
            return self._records("slurmdb_associations_get", "slurmdb_assoc_rec_t *",
                                 _assoc, _assoc_cond(keep, cond))
        finally:
            keep.close()

    def associations_add(self, assocs: list[dict]) -> None:
        keep = _Keep(self._ffi, self._lib)
        try:
            self._add("slurmdb_associations_add", [_new_assoc(keep, a) for a in assocs],
                      keep)
        finally:
            keep.close()

    def associations_modify(self, cond: dict, assoc: dict) -> list[str]:
        """Set the limits (and QOS) given in ``assoc`` on the matching associations."""
        keep = _Keep(self._ffi, self._lib)
        try:
            changes = {k: v for k, v in assoc.items()
                       if k not in ("acct", "cluster", "user", "partition")}
            return self._removed("slurmdb_associations_modify", _assoc_cond(keep, cond),
                                 _new_assoc(keep, changes))
        finally:
            keep.close()

    def associations_remove(self, cond: dict) -> list[str]:
        keep = _Keep(self._ffi, self._lib)
        try:
            return self._removed("slurmdb_associations_remove", _assoc_cond(keep, cond))
        finally:
            keep.close()


__all__ = ["Connection", "accounting_storage_type", "with_slurmdbd", "NO_VAL",
           "SLURM_NO_CHANGE_IN_DATA"]
