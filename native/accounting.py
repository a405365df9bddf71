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

import re
import threading
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


def has_instances() -> bool:
    """slurmdb_instances_get() exists in the Slurm restd is built against (23.11+)."""
    return bool(library.get()[1].HAS_INSTANCES)


def job_modify_unsupported() -> dict[str, str]:
    """The members of a job record update (JOB_MODIFY_STRINGS) that the Slurm restd is
    built against cannot change, each with the first release that can: extra
    (slurmdb_job_rec_t.extra, 23.02), tres_alloc_str (slurmdbd changes it from 25.11)."""
    lib = library.get()[1]
    out = {}
    if not lib.HAS_JOB_EXTRA_FAILED_NODE_LICENSES:
        out["extra"] = "23.02"
    if not lib.HAS_JOB_MODIFY_TRES:
        out["tres_alloc_str"] = "25.11"
    return out


def with_slurmdbd() -> bool:
    """slurm_with_slurmdbd(): accounting goes to slurmdbd."""
    return bool(library.get()[1].slurm_with_slurmdbd())


def ping_all() -> list[dict]:
    """slurmdb_ping_all(): each slurmdbd of slurm.conf (AccountingStorageHost, then
    AccountingStorageBackupHost, pinged only when the primary did not answer), as dicts
    keyed by slurmdbd_ping_t's members: ``hostname``, ``pinged`` (it answered),
    ``latency`` (microseconds to the answer or the failure), ``offset`` (0: primary),
    ``rc`` (the ping's status code: slurmdbd_ping_t.rc of 26.05, SLURM_ERROR before when
    it did not answer).
    Runs as the calling thread's user (the ping is a connection's authentication).

    Raises :class:`SlurmError`: SLURM_ERROR when slurm.conf names no slurmdbd host,
    ESLURM_NOT_SUPPORTED on a Slurm that cannot ping (23.11)."""
    ffi, lib = library.get()
    size = 2  # primary and backup: all slurm.conf can name
    pings = ffi.new("restd_slurmdbd_ping_t[]", size)
    ffi.errno = 0
    count = lib.restd_slurmdb_ping_all(pings, size)
    if count < 0:
        raise SlurmError(ffi.errno or SLURM_ERROR, call="slurmdb_ping_all")
    return [{"hostname": _cstr(ffi, ping.hostname), "pinged": bool(ping.responding),
             "latency": int(ping.latency), "offset": int(ping.offset), "rc": int(ping.rc)}
            for ping in pings[0:count]]


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


def _strings(ffi, lib, handle):
    return [_cstr(ffi, item) for item in library.list_items(handle, "char *")]


# --- C records -> dicts (C member names) ------------------------------------------------

def _tres(ffi, rec):
    return {"alloc_secs": rec.alloc_secs, "rec_count": rec.rec_count, "count": rec.count,
            "id": rec.id, "name": _cstr(ffi, rec.name), "type": _cstr(ffi, rec.type)}


def _accounting(ffi, lib, handle):
    return [{"alloc_secs": rec.alloc_secs, "id": rec.id,
             "id_alt": lib.restd_accounting_id_alt(rec),
             "period_start": rec.period_start, "tres_rec": _tres(ffi, rec.tres_rec)}
            for rec in library.list_items(handle, "slurmdb_accounting_rec_t *")]


def _instance(ffi, lib, rec):
    return {"cluster": _cstr(ffi, rec.cluster), "extra": _cstr(ffi, rec.extra),
            "instance_id": _cstr(ffi, rec.instance_id),
            "instance_type": _cstr(ffi, rec.instance_type),
            "node_name": _cstr(ffi, rec.node_name), "time_end": rec.time_end,
            "time_start": rec.time_start}


def _coords(ffi, lib, handle):
    return [{"name": _cstr(ffi, rec.name), "direct": rec.direct}
            for rec in library.list_items(handle, "slurmdb_coord_rec_t *")]


def _assoc(ffi, lib, rec):
    out = {"accounting_list": _accounting(ffi, lib, rec.accounting_list),
           "acct": _cstr(ffi, rec.acct), "cluster": _cstr(ffi, rec.cluster),
           "comment": _cstr(ffi, lib.restd_assoc_comment(rec)),
           "flags": lib.restd_assoc_flags(rec),
           "lineage": _cstr(ffi, lib.restd_assoc_lineage(rec)),
           "qos_list": _strings(ffi, lib, rec.qos_list)}
    for member in ("def_qos_id", "grp_jobs", "grp_jobs_accrue", "grp_submit_jobs",
                   "grp_wall", "id", "is_def", "max_jobs", "max_jobs_accrue",
                   "max_submit_jobs", "max_wall_pj", "min_prio_thresh", "parent_id",
                   "priority", "shares_raw", "uid"):
        out[member] = getattr(rec, member)
    for member in ("grp_tres", "grp_tres_mins", "grp_tres_run_mins", "max_tres_mins_pj",
                   "max_tres_run_mins", "max_tres_pj", "max_tres_pn", "parent_acct",
                   "partition", "user"):
        out[member] = _cstr(ffi, getattr(rec, member))
    return out


def _assocs(ffi, lib, handle):
    return [_assoc(ffi, lib, rec)
            for rec in library.list_items(handle, "slurmdb_assoc_rec_t *")]


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
    # the cluster's usage (with_usage) is not read: v0.0.40 dumps none (its
    # CLUSTER_REC has no accounting field)
    return {"accounting_list": [],
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
            "def_qos_id": lib.restd_user_def_qos_id(rec),
            "flags": rec.flags, "name": _cstr(ffi, rec.name),
            "old_name": _cstr(ffi, rec.old_name), "uid": rec.uid,
            "wckey_list": [_wckey(ffi, lib, w) for w in
                           library.list_items(rec.wckey_list, "slurmdb_wckey_rec_t *")]}


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
        # "" is unset: slurmdbd takes an association with a user, even "", for
        # a user's (an account's then gets no parent)
        if data.get(member) not in (None, ""):
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
    """A connection to slurmdbd for one request, as the calling thread's user.

    ``resources`` (a restd.native.resources.Resources): the request's scope, which
    then owns the record lists this connection returns (jobs_get)."""

    def __init__(self, resources=None):
        self._ffi, self._lib = library.get()
        self._resources = resources
        self._handle = None
        ffi = self._ffi
        ffi.errno = 0
        handle = self._lib.slurmdb_connection_get(ffi.NULL)
        number = ffi.errno
        # A connection that could not be opened still comes back as a handle (its
        # socket closed) with errno set (dbd_conn_open): it is freed here.
        self._handle = ffi.new("void **", handle) if handle != ffi.NULL else None
        if handle == ffi.NULL or number:
            self._release()
            raise SlurmError(number or error_number("ESLURM_DB_CONNECTION"),
                             call="slurmdb_connection_get")
        self.committed = False
        self.changed = False  # a write call was made (rolled back unless committed)

    # -- lifetime --

    def commit(self) -> None:
        """Keep what this connection changed (slurmdb_connection_commit(true))."""
        self._check(self._lib.slurmdb_connection_commit(self._handle[0], True),
                    "slurmdb_connection_commit")
        self.committed = True

    def rollback(self) -> None:
        self._lib.slurmdb_connection_commit(self._handle[0], False)

    def close(self) -> None:
        """Roll back what was not committed and close the connection (idempotent).
        Its socket is closed also when slurmdbd has ended the connection first, as it
        does after refusing a call (restd_slurmdb_connection_close)."""
        try:
            if self._handle is not None and self._handle[0] != self._ffi.NULL:
                if self.changed and not self.committed:
                    self.rollback()
        finally:
            self._release()

    def _release(self) -> None:
        handle, self._handle = self._handle, None
        if handle is not None and handle[0] != self._ffi.NULL:
            self._lib.restd_slurmdb_connection_close(handle)

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
            return [convert(ffi, lib, rec) for rec in library.list_items(handle, ctype)]
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
                      flags=(), assoc_flags=()):
        """``assoc_flags`` (ASSOC_COND_FLAGS names): for the accounts' associations."""
        cond = keep.new("slurmdb_account_cond_t *")
        cond.assoc_cond = _assoc_cond(keep, {"acct_list": names, "flags": assoc_flags})
        cond.description_list = keep.strlist(descriptions)
        cond.organization_list = keep.strlist(organizations)
        bits = 0
        for name in flags:
            bits |= ACCOUNT_COND_FLAGS[name]
        self._lib.restd_account_cond_set_flags(cond, bits)
        return cond

    def accounts_get(self, names=None, descriptions=None, organizations=None,
                     flags=(), assoc_flags=()) -> list[dict]:
        keep = _Keep(self._ffi, self._lib)
        try:
            cond = self._account_cond(keep, names, descriptions, organizations, flags,
                                      assoc_flags)
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
                   with_deleted=False, with_wckeys=False, without_defaults=False,
                   assoc_flags=()):
        """``assoc_flags`` (ASSOC_COND_FLAGS names): for the users' associations."""
        cond = keep.new("slurmdb_user_cond_t *")
        cond.assoc_cond = _assoc_cond(keep, {"user_list": names, "flags": assoc_flags})
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

    def users_modify(self, names: list[str], user: dict,
                     new_name: Optional[str] = None) -> list[str]:
        """Set ``user``'s admin_level (when given), default_acct and
        default_wckey on the named users, and rename the one user named to
        ``new_name`` when given (slurmdbd renames when the record has a name);
        the changes as slurmdbd words them."""
        keep = _Keep(self._ffi, self._lib)
        try:
            cond = self._user_cond(keep, names, with_deleted=True)
            rec = keep.new("slurmdb_user_rec_t *")
            rec.name = keep.str(new_name)
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

    # -- instances (Slurm 23.11 and later: lib.HAS_INSTANCES) --

    def instances_get(self, cond: Optional[dict] = None) -> list[dict]:
        """slurmdb_instances_get(); ESLURM_NOT_SUPPORTED before Slurm 23.11."""
        cond = cond or {}
        keep = _Keep(self._ffi, self._lib)
        try:
            return self._records(
                "restd_instances_get", "restd_instance_rec_t *", _instance,
                *(keep.strlist(cond.get(member)) for member in (
                    "cluster_list", "extra_list", "format_list", "instance_id_list",
                    "instance_type_list")),
                keep.str(cond.get("node_list")), int(cond.get("time_start") or 0),
                int(cond.get("time_end") or 0))
        finally:
            keep.close()

    # -- reservations (names of job filters) --

    def reservation_ids(self, names: list[str], clusters: Optional[list[str]] = None
                        ) -> list[int]:
        """slurmdb_reservations_get(): the ids of the reservations with these
        names (every id a name had: reservation ids are reused per cluster)."""
        keep = _Keep(self._ffi, self._lib)
        try:
            cond = keep.new("slurmdb_reservation_cond_t *")
            cond.name_list = keep.strlist(names)
            cond.cluster_list = keep.strlist(clusters)
            return sorted({rec["id"] for rec in self._records(
                "slurmdb_reservations_get", "slurmdb_reservation_rec_t *",
                lambda ffi, lib, rec: {"id": rec.id}, cond)})
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
                        for rec in library.list_items(handle, "slurmdb_rpc_obj_t *")]
            return {"time_start": stats.time_start, "dbd_rollup_stats": rollup,
                    "rpc_list": rpcs(stats.rpc_list, True),
                    "user_list": rpcs(stats.user_list, False)}
        finally:
            lib.slurmdb_destroy_stats_rec(stats)

    # -- jobs (sacct's data) --

    def jobs_get(self, cond: Optional[dict] = None,
                 default_times: bool = False) -> "JobRecords":
        """slurmdb_jobs_get(): see :func:`_jobs_get`."""
        return _jobs_get(self, cond, default_times)

    def config_get(self) -> dict:
        """The slurmdbd's configuration: see :func:`_config_get`."""
        return _config_get(self)

    def job_modify(self, steps: list[str], changes: dict) -> list[str]:
        """slurmdb_job_modify(): see :func:`_job_modify`."""
        return _job_modify(self, steps, changes)

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
        """{id: name} of every current QOS (what names resolve to; a record naming a
        deleted QOS is dumped "Unknown" with a warning)."""
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


# --- job records (sacct's data) ---------------------------------------------------------
#
# slurmdb_jobs_get() answers with every matching job, its steps included, in one list
# that may hold tens of thousands of records. JobRecords owns that list and converts
# slices of it on demand (in worker threads), so that no second copy of the whole history
# exists as Python objects; the members are read in C, one call per record
# (restd_job_rec_read / restd_step_rec_read in native/_cffi_src/slurmdb.py).


JOB_COND_LISTS = ("acct_list", "associd_list", "cluster_list", "constraint_list",
                  "format_list", "groupid_list", "jobname_list", "partition_list",
                  "qos_list", "reason_list", "resv_list", "resvid_list", "state_list",
                  "userid_list", "wckey_list")
JOB_COND_NUMBERS = ("cpus_max", "cpus_min", "db_flags", "exitcode", "flags", "nodes_max",
                    "nodes_min", "timelimit_max", "timelimit_min", "usage_end",
                    "usage_start")

# slurm_step_id_t's named steps (SLURM_PENDING_STEP ... SLURM_INTERACTIVE_STEP)
_STEP_NAMES = {"batch": 0xFFFFFFFB, "extern": 0xFFFFFFFC, "interactive": 0xFFFFFFFA}
# what slurm_parse_step_str() accepts: job[_task|+het_offset][.step[+het_component]]
_STEP_RE = re.compile(r"(\d+)(?:_(\d+)|\+(\d+))?(?:\.(\d+|batch|extern|interactive)"
                       r"(?:\+(\d+))?)?")


def parse_step(text: str) -> tuple[int, int, int, int, int]:
    """One sacct -j item ("12", "12.0", "12_3.batch", "12+1.0", "12.1+0") as
    slurm_parse_step_str() reads it: (job_id, array_task_id, het_job_offset, step_id,
    step_het_comp), NO_VAL where not given. libslurm's own parser calls fatal() (exits
    the process) on a bad item, so it is not used; a bad item raises SlurmError
    ESLURM_INVALID_JOB_ID."""
    match = _STEP_RE.fullmatch(text.strip())
    if match is None:
        raise SlurmError(error_number("ESLURM_INVALID_JOB_ID"), call="parse_step",
                         description=f"Bad job/step specified: {text}")
    job, task, het_offset, step, het_component = match.groups()

    def number(value):
        if value is None:
            return NO_VAL
        if int(value) >= NO_VAL:
            raise SlurmError(error_number("ESLURM_INVALID_JOB_ID"), call="parse_step",
                             description=f"Bad job/step specified: {text}")
        return int(value)
    step_id = _STEP_NAMES[step] if step in _STEP_NAMES else number(step)
    return number(job), number(task), number(het_offset), step_id, number(het_component)


def _step_list(keep: _Keep, items: Iterable[str]):
    """slurm_addto_step_list(): comma-separated items, duplicates dropped, into a list
    of Python-owned slurm_selected_step_t."""
    lib = keep.lib
    seen = []
    for item in items:
        for text in str(item).split(","):
            if text.strip():
                parsed = parse_step(text.strip('"\' '))
                if parsed not in seen:
                    seen.append(parsed)
    steps = []
    for parsed in seen:
        step = keep.new("slurm_selected_step_t *")
        lib.restd_selected_step_set(step, *parsed)
        steps.append(step)
    return keep.list(steps)


def _job_cond(keep: _Keep, cond: dict, default_times: bool):
    """slurmdb_job_cond_t from a dict keyed by its member names (lists of str, numbers,
    used_nodes a str, step_list sacct -j items). An unknown key raises KeyError."""
    unknown = set(cond) - set(JOB_COND_LISTS) - set(JOB_COND_NUMBERS) - {"step_list",
                                                                          "used_nodes"}
    if unknown:
        raise KeyError(f"not slurmdb_job_cond_t members: {sorted(unknown)}")
    out = keep.new("slurmdb_job_cond_t *")
    for member in JOB_COND_LISTS:
        if cond.get(member) is not None:
            setattr(out, member, keep.strlist(cond[member]))
    for member in JOB_COND_NUMBERS:
        if cond.get(member) is not None:
            setattr(out, member, int(cond[member]))
    if cond.get("step_list") is not None:
        out.step_list = _step_list(keep, cond["step_list"])
    if cond.get("used_nodes") is not None:
        out.used_nodes = keep.str(cond["used_nodes"])
    # 0 would select the jobs without any flag (SLURMDB_JOB_FLAG_NONE): unset means all,
    # as in slurmrestd and sacct
    if not out.db_flags:
        out.db_flags = keep.lib.SLURMDB_JOB_FLAG_NOTSET
    if default_times:
        keep.lib.slurmdb_job_cond_def_start_end(out)
    return out


class _RecordLayout:
    """How the numbers and strings restd_*_rec_read() fill map to dict keys: top-level
    members, and the members of nested structs ("stats.x" -> rec["stats"]["x"])."""

    def __init__(self, ffi, lib, numbers: int, strings: int):
        self.numbers = ffi.string(lib.restd_rec_member_names(numbers)).decode().split(",")
        self.strings = ffi.string(lib.restd_rec_member_names(strings)).decode().split(",")
        self.count = len(self.numbers)
        # the top-level members before the first nested one are read as one slice; the
        # members of nested structs, and top-level ones a later release added (after the
        # nested ones in the C tables), one by one
        self.top_numbers = self._leading(self.numbers)
        self.late_numbers = [(i, n) for i, n in enumerate(self.numbers)
                             if i >= len(self.top_numbers) and "." not in n]
        self.nested_numbers = self._nested(self.numbers)
        self.top_string_names = self._leading(self.strings)
        self.late_strings = [(i, n) for i, n in enumerate(self.strings)
                             if i >= len(self.top_string_names) and "." not in n]
        self.nested_strings = self._nested(self.strings)

    @staticmethod
    def _leading(names: list[str]) -> list[str]:
        out = []
        for name in names:
            if "." in name:
                break
            out.append(name)
        return out

    @staticmethod
    def _nested(names: list[str]) -> dict[str, list[tuple[int, str]]]:
        nested: dict[str, list[tuple[int, str]]] = {}
        for i, name in enumerate(names):
            if "." in name:
                outer, inner = name.split(".")
                nested.setdefault(outer, []).append((i, inner))
        return nested

    def convert(self, numbers: list, strings: list) -> dict:
        mask = numbers[self.count]
        if mask:
            strings = [None if mask >> i & 1 else s for i, s in enumerate(strings)]
        out = dict(zip(self.top_numbers, numbers))
        out.update(zip(self.top_string_names, strings))
        for i, name in self.late_numbers:
            out[name] = numbers[i]
        for i, name in self.late_strings:
            out[name] = strings[i]
        for outer, members in self.nested_numbers.items():
            out[outer] = {inner: numbers[i] for i, inner in members}
        for outer, members in self.nested_strings.items():
            nested = out.setdefault(outer, {})
            for i, inner in members:
                nested[inner] = strings[i]
        return out


_LAYOUTS: dict = {}


def _layouts(ffi, lib):
    if not _LAYOUTS:
        _LAYOUTS["job"] = _RecordLayout(ffi, lib, 0, 1)
        _LAYOUTS["step"] = _RecordLayout(ffi, lib, 2, 3)
    return _LAYOUTS["job"], _LAYOUTS["step"]


# the job record members a step's stdio expansion reads through its job_ptr
_STEP_JOB_MEMBERS = ("array_job_id", "array_task_id", "jobname", "uid", "user")


class _Reader:
    """Buffers for reading records in one thread (grown when a record needs more)."""

    def __init__(self, ffi, lib, job_layout, step_layout):
        self.ffi, self.lib = ffi, lib
        self.job_layout, self.step_layout = job_layout, step_layout
        self.job_numbers = ffi.new("uint64_t[]", job_layout.count + 1)
        self.step_numbers = ffi.new("uint64_t[]", step_layout.count + 1)
        self.text = ffi.new("char[]", 1 << 16)
        self.cap = 1 << 16
        self.steps = ffi.new("void *[]", 16)
        self.steps_cap = 16

    def _read(self, read, rec, numbers, count, layout):
        need = read(rec, numbers, self.text, self.cap)
        if need > self.cap:
            self.cap = max(need, 2 * self.cap)
            self.text = self.ffi.new("char[]", self.cap)
            read(rec, numbers, self.text, self.cap)
        strings = self.ffi.unpack(self.text, need - 1).decode(errors="replace").split("\0")
        return layout.convert(self.ffi.unpack(numbers, count + 1), strings)

    def job(self, rec) -> dict:
        lib, ffi = self.lib, self.ffi
        job = self._read(lib.restd_job_rec_read, rec, self.job_numbers,
                         self.job_layout.count, self.job_layout)
        count = lib.restd_job_rec_steps(rec, self.steps, self.steps_cap)
        if count > self.steps_cap:
            self.steps_cap = count
            self.steps = ffi.new("void *[]", count)
            lib.restd_job_rec_steps(rec, self.steps, count)
        step_read, step_numbers = lib.restd_step_rec_read, self.step_numbers
        step_count, step_layout = self.step_layout.count, self.step_layout
        job["steps"] = [self._read(step_read, ffi.cast("slurmdb_step_rec_t *", pointer),
                                   step_numbers, step_count, step_layout)
                        for pointer in ffi.unpack(self.steps, count)]
        # slurmdb_step_rec_t.job_ptr, as far as a step's stdio paths are expanded with
        # it (slurmdb_expand_step_stdio_fields()): a copy, so records stay plain data
        job_ptr = {name: job.get(name) for name in _STEP_JOB_MEMBERS}
        for step in job["steps"]:
            step["job_ptr"] = job_ptr
        return job


class JobRecords:
    """The list slurmdb_jobs_get() returned, owned: ``len()``, ``records(start, stop)``
    (dicts keyed by slurmdb_job_rec_t member names; "steps" a list of dicts keyed by
    slurmdb_step_rec_t member names, "stats" and "step_id" nested dicts of theirs),
    ``close()`` frees it. Independent of the connection that fetched it.

    records() may run in several threads at once; close() waits for them to finish, and
    records() after close() raises ValueError."""

    def __init__(self, ffi, lib, handle):
        self._ffi, self._lib = ffi, lib
        self._handle = handle
        self._lock = threading.Condition()
        self._readers = 0
        count = lib.slurm_list_count(handle)
        # the records' addresses, so that a slice needs no walk of the list
        self._pointers = ffi.new("void *[]", max(count, 1))
        self._count = lib.restd_list_to_array(handle, self._pointers, count)
        self._layouts = _layouts(ffi, lib)

    def __len__(self) -> int:
        return self._count

    def records(self, start: int = 0, stop: Optional[int] = None) -> list[dict]:
        """Records [start, stop) as dicts (the slice clipped to the list)."""
        ffi = self._ffi
        with self._lock:
            if self._handle is None:
                raise ValueError("JobRecords is closed")
            self._readers += 1
        try:
            start, stop, _ = slice(start, stop).indices(self._count)
            reader = _Reader(ffi, self._lib, *self._layouts)
            cast = ffi.cast
            pointers = self._pointers
            return [reader.job(cast("slurmdb_job_rec_t *", pointers[i]))
                    for i in range(start, stop)]
        finally:
            with self._lock:
                self._readers -= 1
                self._lock.notify_all()

    def retain(self, keep) -> None:
        """Only the records for which ``keep(record)`` (the slurmdb_job_rec_t
        cdata) is true stay visible; the others are freed with the list. For
        the conditions slurmdbd does not apply itself (job_cond.exitcode)."""
        cast = self._ffi.cast
        with self._lock:
            if self._handle is None:
                raise ValueError("JobRecords is closed")
            while self._readers:
                self._lock.wait()
            pointers, kept = self._pointers, 0
            for index in range(self._count):
                if keep(cast("slurmdb_job_rec_t *", pointers[index])):
                    pointers[kept] = pointers[index]
                    kept += 1
            self._count = kept

    def retain_exited_with(self, code: int) -> None:
        """Only the jobs that exited with ``code`` stay (WIFEXITED(exitcode) and
        WEXITSTATUS(exitcode) == code: the number exit_code.return_code shows), for
        the condition slurmdbd ignores (job_cond.exitcode)."""
        # as the macros read a wait status (exitcode is a uint32_t: os.WIFEXITED
        # takes a C int only)
        self.retain(lambda job: job.exitcode & 0x7F == 0
                    and (job.exitcode >> 8) & 0xFF == code)

    def close(self) -> None:
        """Free the list and every record in it (idempotent)."""
        with self._lock:
            while self._readers:
                self._lock.wait()
            handle, self._handle = self._handle, None
        if handle is not None:
            self._pointers = None
            self._lib.slurm_list_destroy(handle)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        # a backstop: the owner calls close() when the answer is written
        if getattr(self, "_handle", None) is not None:
            self.close()


def _jobs_get(self, cond: Optional[dict] = None, default_times: bool = False) -> JobRecords:
    """slurmdb_jobs_get(): the jobs matching ``cond`` (a dict keyed by slurmdb_job_cond_t
    member names, see _job_cond; None sends no condition, as slurmrestd does for a
    query without parameters). ``default_times`` applies sacct's default usage_start and
    usage_end (slurmdb_job_cond_def_start_end). Raises SlurmError when slurmdbd refuses
    or fails; no match is an empty JobRecords."""
    ffi, lib = self._ffi, self._lib
    keep = _Keep(ffi, lib)
    try:
        job_cond = _job_cond(keep, cond, default_times) if cond is not None else ffi.NULL
        ffi.errno = 0
        handle = lib.slurmdb_jobs_get(self._handle[0], job_cond)
        # slurmdbd's plugin signals every failure by NULL (with errno set); a list is a
        # success whatever errno a system call inside left behind
        if handle == ffi.NULL:
            number = ffi.errno or error_number("ESLURM_REST_INVALID_QUERY")
            raise SlurmError(number, call="slurmdb_jobs_get")
    finally:
        keep.close()
    try:
        records = JobRecords(ffi, lib, handle)
    except BaseException:
        lib.slurm_list_destroy(handle)
        raise
    return self._resources.own(records) if self._resources is not None else records



# --- the slurmdbd configuration -----------------------------------------------------------

# slurmdbd_conf_t's members as DBD_GET_CONFIG's key pairs carry them
_CONF_STRINGS = {"ArchiveDir": "archive_dir", "ArchiveScript": "archive_script",
                 "DbdAddr": "dbd_addr", "DbdBackupHost": "dbd_backup", "DbdHost": "dbd_host",
                 "DefaultQOS": "default_qos", "LogFile": "log_file",
                 "Parameters": "parameters", "PidFile": "pid_file",
                 "StorageLoc": "storage_loc", "StoragePassScript": "storage_pass_script",
                 "StorageUser": "storage_user"}
_CONF_NUMBERS = {"DbdPort": "dbd_port", "MaxPurgeLimit": "max_purge_limit",
                 "CommitDelay": "commit_delay"}
_CONF_BOOLS = {"TrackWCKey": "track_wckey", "TrackSlurmctldDown": "track_ctld"}
# log_num2string() names, by number (log_level_t)
LOG_LEVELS = ("quiet", "fatal", "error", "info", "verbose", "debug", "debug2", "debug3",
              "debug4", "debug5")
_CONF_LOG_LEVELS = {"DebugLevel": "debug_level", "DebugLevelSyslog": "syslog_debug"}
# PurgeXAfter, its archive switch and slurmdbd_conf_t's member (26.05's key pairs add
# the job script and environment ones)
_CONF_PURGES = (("Event", "ArchiveEvents", "purge_event"),
                ("Job", "ArchiveJobs", "purge_job"),
                ("Resv", "ArchiveResvs", "purge_resv"),
                ("Step", "ArchiveSteps", "purge_step"),
                ("Suspend", "ArchiveSuspend", "purge_suspend"),
                ("TXN", "ArchiveTXN", "purge_txn"),
                ("Usage", "ArchiveUsage", "purge_usage"),
                ("JobScript", "ArchiveJobScript", "purge_jobscript"),
                ("JobEnv", "ArchiveJobEnv", "purge_jobenv"))
# slurmdb.h: SLURMDB_PURGE_* and DBD_CONF_FLAG_*
PURGE_UNITS = {"hours": 0x00010000, "days": 0x00020000, "months": 0x00040000}
PURGE_ARCHIVE = 0x00080000
_CONF_FLAGS = {"AllowNoDefAcct": 0x1, "AllResourcesAbsolute": 0x2, "DisableCoordDBD": 0x4,
               "DisableArchiveCommands": 0x10}
INFINITE = 0xFFFFFFFF


def _yes(value: Optional[str]) -> bool:
    return (value or "").strip().lower() in ("yes", "1", "true")


def _seconds(text: Optional[str]) -> Optional[int]:
    """secs2time_str()'s "UNLIMITED", "[days-]hours:minutes:seconds" as seconds."""
    text = (text or "").strip()
    if not text:
        return None
    if text.upper() in ("UNLIMITED", "INFINITE"):
        return INFINITE
    match = re.fullmatch(r"(?:(\d+)-)?(\d+):(\d+):(\d+)", text)
    if not match:
        return None
    days, hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return ((days * 24 + hours) * 60 + minutes) * 60 + seconds


def _purge(text: Optional[str], archive: bool) -> int:
    """slurmdb_purge_string()'s "NONE", "<n> <units>" (an archive mark "*" ignored) as
    the slurmdbd_conf_t value: NO_VAL, or the units' flag with the count."""
    match = re.fullmatch(r"(\d+)\s*(hours|days|months)\*?", (text or "").strip())
    if not match:
        return NO_VAL
    return PURGE_UNITS[match.group(2)] | int(match.group(1)) | (PURGE_ARCHIVE if archive
                                                                else 0)


def config_from_keypairs(pairs: dict[str, Optional[str]]) -> dict:
    """slurmdbd_conf_t (a dict of its member names) from slurmdbd's key pairs. What the
    key pairs do not carry reads as C zero (NO_VAL for a purge): before 26.05,
    slurmdbd sends no MaxPurgeLimit, PersistConnFlags, StoragePassScript, job script
    or environment purges, and CommitDelay only as Yes or No (read as 0 and 1)."""
    out: dict = {member: pairs.get(key) for key, member in _CONF_STRINGS.items()}
    for key, member in _CONF_NUMBERS.items():
        value = (pairs.get(key) or "").strip()
        out[member] = int(value) if value.isdecimal() else int(_yes(value))
    for key, member in _CONF_BOOLS.items():
        out[member] = int(_yes(pairs.get(key)))
    for key, member in _CONF_LOG_LEVELS.items():
        value = (pairs.get(key) or "").strip().lower()
        out[member] = LOG_LEVELS.index(value) if value in LOG_LEVELS else 0
    for name, archive, member in _CONF_PURGES:
        out[member] = _purge(pairs.get(f"Purge{name}After"), _yes(pairs.get(archive)))
    out["flags"] = sum(bit for key, bit in _CONF_FLAGS.items() if _yes(pairs.get(key)))
    out["max_time_range"] = _seconds(pairs.get("MaxQueryTimeRange"))
    out["persist_conn_rc_flags"] = 0
    return out


def _config_get(self) -> dict:
    """The slurmdbd's configuration (DBD_GET_CONFIG: slurmdb_config_get()) as
    slurmdbd_conf_t's members (:func:`config_from_keypairs`). Raises SlurmError."""
    ffi, lib = self._ffi, self._lib
    handle = self._list_call("restd_slurmdb_config_keypairs")
    try:
        pairs = {_cstr(ffi, pair.name): _cstr(ffi, pair.value) for pair in
                 library.list_items(handle, "restd_config_key_pair_t *")}
    finally:
        lib.slurm_list_destroy(handle)
    return config_from_keypairs(pairs)

# the members of a job record update (slurmdb_job_rec_t names) restd_job_rec_set_modify()
# takes, in its order after derived_ec
JOB_MODIFY_STRINGS = ("derived_es", "admin_comment", "system_comment", "wckey", "extra",
                      "tres_alloc_str")


def _job_modify(self, steps: list[str], changes: dict) -> list[str]:
    """slurmdb_job_modify(): change the accounting records of the jobs ``steps`` (sacct
    -j items) as ``changes`` says (slurmdb_job_rec_t member names: derived_ec and
    JOB_MODIFY_STRINGS; an absent or None member stays as it is). The condition is
    slurmrestd's: no default usage window, every cluster. The records changed, as
    slurmdbd names them ("<job id> submitted at <time>"); none when nothing matched.
    Raises SlurmError (ESLURM_ACCESS_DENIED: another user's job, or a field only an
    operator may change; ESLURM_NOT_SUPPORTED: a member this Slurm cannot change)."""
    unknown = set(changes) - {"derived_ec", *JOB_MODIFY_STRINGS}
    if unknown:
        raise KeyError(f"not changeable slurmdb_job_rec_t members: {sorted(unknown)}")
    if not steps:
        raise ValueError("a job record update needs the jobs it changes")
    ffi, lib = self._ffi, self._lib
    keep = _Keep(ffi, lib)
    try:
        cond = _job_cond(keep, {"step_list": steps,
                                "flags": lib.JOBCOND_FLAG_NO_DEFAULT_USAGE,
                                "db_flags": lib.SLURMDB_JOB_FLAG_NOTSET}, False)
        rec = keep.new("slurmdb_job_rec_t *")
        derived_ec = changes.get("derived_ec")
        strings = [keep.str(changes.get(name)) if changes.get(name) is not None
                   else ffi.NULL for name in JOB_MODIFY_STRINGS]
        if lib.restd_job_rec_set_modify(rec, NO_VAL if derived_ec is None else
                                        int(derived_ec), *strings) != 0:
            raise SlurmError(error_number("ESLURM_NOT_SUPPORTED"), call="slurmdb_job_modify")
        return self._removed("slurmdb_job_modify", cond, rec)
    finally:
        keep.close()


__all__ += ["JobRecords", "parse_step", "JOB_MODIFY_STRINGS"]
