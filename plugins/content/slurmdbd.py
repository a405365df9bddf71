"""content/slurmdbd: the /slurmdb/{data_parser}/ operations, answered by slurmdbd.

Each request runs in ONE worker job (``ctx.run_blocking``): inside
``as_user(identity.credential, identity.user)`` (an identity without a
credential is the daemon itself), it opens its own slurmdbd connection
(restd.native.accounting.Connection), makes its slurmdb_* calls, dumps the
records with the data_parser of the request's version, commits only when
the whole request succeeded (rolls back otherwise) and closes the connection
(plugins/content/_backend.py: ``backend.run(..., database=True)``).

Behaviour follows slurmrestd 24.11's openapi/slurmdbd for v0.0.40
(src/slurmrestd/plugins/openapi/slurmdbd/): the same calls and conditions,
warnings and error sources (its function names), "nothing changed" answered
304 without a body. Status codes: Slurm's mapping, except that an access
refusal (ESLURM_ACCESS_DENIED, ESLURM_USER_ID_MISSING) is 403, not 500, and
restd out of file descriptors is 503 (one map for both content plugins:
``backend.http_status``).
Texts name the call without the connection's heap address that slurmrestd
shows ("slurmdb_accounts_get() found nothing", not "slurmdb_accounts_get(0x...)"):
an address tells a client nothing and helps an attacker.

Where restd differs on purpose: requests that change accounting run one at a
time (see ``backend.run``); DELETE associations without any condition is refused
(422) instead of removing every association; adding a cluster that exists
leaves it as it is, with a warning (slurmdbd would register it anew, its
controller address and flags reset); POST associations (and config) change
only what differs from the association as slurmdbd shows it, inherited
values included (:func:`_assoc_changes`), so that GET config's document
posts back without changing anything, which slurmrestd 24.11 cannot do
(:func:`post_config`); renaming a user that does not exist is 404, onto one
that exists 409; accounts_association and
users_association, whose slurmdb_*_add_cond() calls came with Slurm 23.11,
are done as sacctmgr 22.05 does (accounts, users and associations added one
by one), their answer text worded as sacctmgr words it; instances (Slurm
23.11+, ``HAS_INSTANCES``) answer 501 on 22.05.

Without accounting (AccountingStorageType is not accounting_storage/slurmdbd)
:func:`init` raises PluginUnavailable: restd then refuses to start when this
plugin was asked for (-s slurmdbd) and leaves it out when content plugins were
loaded by default, so the slurmctld endpoints keep working.
"""
from __future__ import annotations

import logging
import re
from typing import Any, Callable, Optional

from restd.data_parser.types import Invalid, to_bool
from restd.native.slurm_h import (INFINITE, INFINITE64, NO_VAL, SLURMDB_ACCT_FLAG_DELETED,
                                  SLURMDB_USER_FLAG_DELETED)
from restd.plugin_api import OperationSpec, Parameter, PluginUnavailable, RequestFailed
from restd.plugins.content import _backend as backend
from restd.plugins.content._backend import Worker, invalid_query

log = logging.getLogger(__name__)

NAME = "slurmdbd"
PLUGIN_TYPE = "openapi/slurmdbd"
PLUGIN_NAME = "Slurm OpenAPI slurmdbd"
TAG = "slurmdb"
ACCOUNTING_STORAGE = "accounting_storage/slurmdbd"


def _not_supported() -> int:
    """ESLURM_NOT_SUPPORTED of the Slurm compiled against (its number moved)."""
    return backend.error_number("ESLURM_NOT_SUPPORTED")


def init(config) -> None:
    """Refuse to serve without accounting_storage/slurmdbd (PluginUnavailable)."""
    backend.configure(config)
    from restd.native.library import SlurmLoadError
    try:
        backend.load()
    except SlurmLoadError as error:
        # No slurm.conf here (restd --generate-openapi-spec on a build host):
        # the endpoints are declared; requests retry loading and fail with 502.
        log.warning("slurmdbd: libslurm not loaded (%s); retried on the first request",
                    error)
        return
    from restd.native import accounting
    if not accounting.with_slurmdbd():
        storage = accounting.accounting_storage_type() or "none"
        raise PluginUnavailable(
            f"openapi/slurmdbd refuses to load: Slurm is not configured with slurmdbd "
            f"(AccountingStorageType={storage}); the /slurmdb/ endpoints need "
            f"AccountingStorageType={ACCOUNTING_STORAGE}")


slurm_info = backend.slurm_info


def _cluster() -> str:
    """The local cluster: the default of conditions that name none."""
    return backend.slurm_info().cluster


async def _run(ctx, work: Callable[[Worker], Any]) -> Any:
    """``work(worker)`` in one worker job, as the request's identity, on a slurmdbd
    connection of its own; requests that change accounting one at a time."""
    return await backend.run(ctx, work, source=NAME, database=True)


# --- request parsing --------------------------------------------------------------------

def _parse_body(ctx, kind: str) -> Any:
    """Parse the request body; parse errors answer 422 with every error."""
    return backend.parse_body(ctx, kind, backend.require_body(ctx))


def _values(value) -> list:
    return value if isinstance(value, list) else [value]


def q_bool(value, name):
    try:
        return all(to_bool(item, None, f"#/{name}") if item is not True else True
                   for item in _values(value))
    except Invalid:
        raise invalid_query(f"Unable to parse {name}: expected a boolean but got "
                            f"{value!r}", f"#/{name}") from None


# slurmdbd 22.05 writes list filters into its SQL between single quotes without
# escaping them (as_mysql_jobacct_process.c: "t1.account='%s'"): a quote or a
# backslash in a filter would change slurmdbd's query. No Slurm name has either.
_UNSAFE_IN_FILTER = re.compile(r"['\\\x00-\x1f\x7f]")


def _checked_name(text: str, name: str, source: str) -> str:
    """A name sent to slurmdbd as a filter, refused (422 naming ``source``) when
    no Slurm name can hold it and it would change slurmdbd's SQL."""
    if _UNSAFE_IN_FILTER.search(text):
        raise invalid_query(f"Unable to parse {name}: {text!r} has a character no "
                            f"Slurm name has (quote, backslash or control)", source)
    return text


def _path_name(ctx, key: str) -> str:
    """The name in the URL path parameter ``key``, checked as filters are."""
    return _checked_name(ctx.path_params[key], key, f"#/{key}")


def q_csv(value, name):
    out = []
    for item in _values(value):
        if item is True:
            raise invalid_query(f"Unable to parse {name}: expected a list of names",
                                f"#/{name}")
        out.extend(part.strip() for part in str(item).split(",") if part.strip())
    for part in out:
        _checked_name(part, name, f"#/{name}")
    return out


def q_ids(value, name):
    """A list of ids (uint32_t): slurmdbd compares them as numbers, and one that is
    no number fails the whole query on Slurm 26.05 (22.05 matched nothing)."""
    items = q_csv(value, name)
    for item in items:
        if not item.isdecimal() or int(item) >= NO_VAL:
            raise invalid_query(f"Unable to parse {name}: {item!r} is not an id",
                                f"#/{name}")
    return items


def q_time(value, name, version):
    """A time as ``version`` (the request's data_parser) reads a TIMESTAMP."""
    result = backend.parse_value_in(version, "TIMESTAMP",
                                    value if not isinstance(value, list) else value[-1],
                                    f"#/{name}")
    if result.errors:
        raise invalid_query(f"Unable to parse {name}: invalid time {value!r}", f"#/{name}")
    return int(result.value)


def q_string(value, name):
    """A STRING of names (a node list): the names as given, checked as filters."""
    return ",".join(q_csv(value, name))


def q_names(table: dict):
    """A flag table's names (case does not matter) as the bits they set."""
    upper = {key.upper(): bits for key, bits in table.items()}

    def convert(value, name):
        bits = 0
        for item in q_csv(value, name):
            if item.upper() not in upper:
                raise invalid_query(f"Unable to parse {name}: unknown value {item!r}",
                                    f"#/{name}")
            bits |= upper[item.upper()]
        return bits
    return convert


def as_given(value, name):
    """A parameter Slurm parses whose value restd does not use."""
    return value


# How a query parameter is read, by the kind of its field (see read_query)
QUERY_READERS: dict[str, Callable[[Any, str], Any]] = {
    "STRING_LIST": q_csv, "CSV_STRING_LIST": q_csv,
    # QOS names are resolved with the database's list by the handler
    "QOS_ID_STRING_CSV_LIST": q_csv, "QOS_NAME_CSV_LIST": q_csv,
    "ASSOC_ID_STRING_CSV_LIST": q_ids,
    "BOOL": q_bool, "BOOL16": q_bool,
    "STRING": q_string,
}


def read_query(query: dict, warn: Callable[[str, str], None], version, kind: str,
               readers: Optional[dict[str, Callable]] = None) -> dict[str, Any]:
    """The query read as ``kind`` (the operation's *_CONDITION or *_QUERY kind) of
    the request's ``version``, so each version's names are read as Slurm reads
    them: {C member, or flag macro: value} (backend.parse_query). ``readers``
    (C member or macro -> reader) read a member as restd reads it better than
    Slurm (sacct's times, ids...); the others are read by their field's kind."""
    from restd.data_parser.types import Flags

    def reader(sets: str, kind_name: str, resolved) -> Callable[[Any, str], Any]:
        if readers and sets in readers:
            return readers[sets]
        if kind_name == "TIMESTAMP":
            return lambda value, name: q_time(value, name, version)
        if kind_name in QUERY_READERS:
            return QUERY_READERS[kind_name]
        if isinstance(resolved, Flags):
            return q_names({bit.name: bit.value for bit in resolved.bits if not bit.hidden})
        raise TypeError(f"{version.name} {kind}: no reader for {sets} ({kind_name})")
    return backend.parse_query(query, warn, version, kind, reader)


def _query(ctx, kind: str, readers: Optional[dict[str, Callable]] = None) -> dict[str, Any]:
    """The request's query read as ``kind`` of the request's version (read_query)."""
    return read_query(ctx.query, ctx.warning, ctx.data_parser.version, kind, readers)


# --- accounts ---------------------------------------------------------------------------

# ACCOUNT_CONDITION's flags (slurmdb_account_cond_t.flags) as
# restd.native.accounting's accounts_get() takes them
ACCOUNT_FLAG_OPTIONS = {"SLURMDB_ACCT_FLAG_WASSOC": "with_assocs",
                        "SLURMDB_ACCT_FLAG_WCOORD": "with_coords",
                        "SLURMDB_ACCT_FLAG_DELETED": "with_deleted"}
# v0.0.41's flags that slurmdbd 24.11 reads and 22.05 has not
ACCOUNT_FLAGS_NOT_APPLIED = {"SLURMDB_ACCT_FLAG_USER_COORD_NO": "NoUsersAreCoords",
                             "SLURMDB_ACCT_FLAG_USER_COORD": "UsersAreCoords"}


def _account_flags(ctx, query: dict) -> list[str]:
    for macro, name in ACCOUNT_FLAGS_NOT_APPLIED.items():
        if query.get(macro):
            ctx.warning(f"Ignoring query parameter {name}: restd does not apply it to "
                        f"account queries", f"#/{name}")
    return [option for macro, option in ACCOUNT_FLAG_OPTIONS.items() if query.get(macro)]


async def get_accounts(ctx):
    query = _query(ctx, "ACCOUNT_CONDITION")
    flags = _account_flags(ctx, query)

    def work(worker: Worker):
        accounts = worker.query_list("slurmdb_accounts_get", "_dump_accounts", lambda:
                                     worker.db.accounts_get(descriptions=query.get("description_list"),
                                                      flags=flags))
        return {"accounts": worker.dump("ACCOUNT_LIST", accounts)}
    return await _run(ctx, work)


async def get_account(ctx):
    query = _query(ctx, "OPENAPI_ACCOUNT_QUERY")  # openapi_account_query_t's members
    flags = [name for name in ("with_assocs", "with_coords", "with_deleted") if query.get(name)]
    name = _path_name(ctx, "account_name")

    def work(worker: Worker):
        accounts = worker.query_list("slurmdb_accounts_get", "_dump_accounts", lambda:
                                     worker.db.accounts_get(names=[name], flags=flags))
        return {"accounts": worker.dump("ACCOUNT_LIST", accounts)}
    return await _run(ctx, work)


async def post_accounts(ctx):
    """update_accounts(): add the accounts that do not exist, modify the
    others (description, organization), and set their coordinators."""
    body = _parse_body(ctx, "OPENAPI_ACCOUNTS_RESP")
    accounts = body.get("response") or []

    def work(worker: Worker):
        for account in accounts:
            _update_account(worker, account)
        if accounts:
            worker.commit("update_accounts")
        return {}
    return await _run(ctx, work)


def _update_account(worker: Worker, account: dict) -> None:
    """_foreach_update_acct()."""
    source = "_foreach_update_acct"
    name = account["name"]
    existing = worker.query_list(
        "slurmdb_accounts_get", source,
        lambda: worker.db.accounts_get(names=[name], flags=["with_coords"]), ignore_empty=True)
    if account.get("assoc_list"):
        worker.warn("Account associations ignored. They must be set via the associations "
                    "end point.", source)
    if int(account.get("flags") or 0) & SLURMDB_ACCT_FLAG_DELETED:
        worker.warn("Ignoring request to set flag: DELETED", source)
    wanted = [c["name"] for c in account.get("coordinators") or () if c.get("name")]
    if not existing:
        worker.query_rc("slurmdb_accounts_add", source, lambda: worker.db.accounts_add([account]))
        current = []
    elif len(existing) > 1:
        raise worker.fail(backend.ESLURM_DATA_AMBIGUOUS_MODIFY,
                          "ambiguous account modify request",
                          source)
    else:
        worker.query_list("slurmdb_accounts_modify", source,
                          lambda: worker.db.accounts_modify([name], account), ignore_empty=True)
        current = [c["name"] for c in existing[0]["coordinators"]]
    for user in wanted:
        if user.lower() not in {c.lower() for c in current}:
            worker.query_rc("slurmdb_coord_add", "_foreach_add_acct_coord",
                            lambda: worker.db.coord_add([name], [user]))
    if existing and account.get("coordinators") is not None:
        for user in current:
            if user.lower() not in {c.lower() for c in wanted}:
                worker.query_list("slurmdb_coord_remove", "_foreach_rm_acct_coord",
                                  lambda: worker.db.coord_remove([name], [user]))


async def delete_account(ctx):
    name = _path_name(ctx, "account_name")

    def work(worker: Worker):
        removed = worker.query_list("slurmdb_accounts_remove", "_delete_account",
                                    lambda: worker.db.accounts_remove([name]))
        if removed:
            worker.commit("_delete_account")
        return {"removed_accounts": worker.dump("STRING_LIST", removed)}
    return await _run(ctx, work)


async def post_accounts_association(ctx):
    """_add_accounts_association(): accounts with their associations on
    clusters. Slurm 22.05 has no slurmdb_accounts_add_cond(): done as sacctmgr
    22.05 adds accounts (new accounts with their associations, associations of
    existing accounts); the answer lists what was added, as sacctmgr words it."""
    parse_body = _parse_body_lookups(ctx, "OPENAPI_ACCOUNTS_ADD_COND_RESP")

    def work(worker: Worker):
        return _add_accounts_association(worker, parse_body(worker))
    return await _run(ctx, work)


def _assoc_settings(cond: dict) -> dict:
    assoc = cond.get("assoc") or {}
    return {k: v for k, v in assoc.items() if k in _ASSOC_SET_MEMBERS and v is not None
            and v != "" and not (k == "shares_raw" and v == 0) and k != "parent_acct"}


def _add_accounts_association(worker: Worker, body: dict) -> dict:
    source = "_add_accounts_association"
    cond = body.get("add_assoc") or {}
    account = body.get("acct") or {}
    names = list(cond.get("acct_list") or [])
    if not names:
        raise worker.fail(backend.ESLURM_DATA_AMBIGUOUS_QUERY,
                          "Need name of account(s) to add", source)
    clusters = list(cond.get("cluster_list") or []) or [_cluster()]
    parent = (cond.get("assoc") or {}).get("parent_acct") or "root"
    settings = _assoc_settings(cond)
    existing = {a["name"] for a in worker.query_list(
        "slurmdb_accounts_get", source, lambda: worker.db.accounts_get(names=names),
        ignore_empty=True)}
    base = {(a["acct"], a["cluster"]) for a in worker.query_list(
        "slurmdb_associations_get", source, lambda: worker.db.associations_get(
            {"acct_list": [*names, parent], "cluster_list": clusters, "user_list": [""]}),
        ignore_empty=True) if not a["user"]}
    new_accounts, new_assocs, lines = [], [], []
    for name in names:
        assocs = []
        for cluster in clusters:
            if (name, cluster) in base:
                continue
            if (parent, cluster) not in base:
                raise worker.fail(backend.ESLURM_REST_INVALID_QUERY,
                                  f"Parent account '{parent}' "
                                  f"doesn't exist on cluster {cluster}", source)
            assocs.append({"acct": name, "cluster": cluster, "parent_acct": parent,
                           "shares_raw": (cond.get("assoc") or {}).get("shares_raw") or 1,
                           **settings})
            lines.append(f"  A = {name:<10.10} C = {cluster:<10.10}")
        if name not in existing:
            new_accounts.append({"name": name, "assoc_list": assocs,
                                 "description": account.get("description") or name,
                                 "organization": account.get("organization")
                                 or (parent if parent != "root" else name)})
        else:
            new_assocs.extend(assocs)
    if not new_accounts and not new_assocs:
        raise worker.fail(backend.SLURM_NO_CHANGE_IN_DATA, "Nothing new added", source)
    if new_accounts:
        worker.query_rc("slurmdb_accounts_add", source,
                        lambda: worker.db.accounts_add(new_accounts))
    if new_assocs:
        worker.query_rc("slurmdb_associations_add", source,
                        lambda: worker.db.associations_add(new_assocs))
    worker.commit(source)
    text = ""
    if new_accounts:
        text += " Adding Account(s)\n" + "".join(f"  {a['name']}\n" for a in new_accounts)
    return {"added_accounts": text + " Associations\n" + "\n".join(lines) + "\n"}


# --- users ------------------------------------------------------------------------------

def _user_options(query: dict) -> dict:
    """USER_CONDITION's (or OPENAPI_USER_QUERY's) members as users_get() takes them."""
    return {"admin_level": query.get("admin_level"),
            "default_accounts": query.get("def_acct_list"),
            "default_wckeys": query.get("def_wckey_list"),
            **{name: bool(query.get(name)) for name in
               ("with_assocs", "with_coords", "with_deleted", "with_wckeys",
                "without_defaults")}}


async def get_users(ctx):
    query = _query(ctx, "USER_CONDITION")

    def work(worker: Worker):
        users = worker.query_list("slurmdb_users_get", "_dump_users",
                                  lambda: worker.db.users_get(**_user_options(query)))
        return {"users": worker.dump("USER_LIST", users)}
    return await _run(ctx, work)


async def get_user(ctx):
    query = _query(ctx, "OPENAPI_USER_QUERY")
    name = _path_name(ctx, "name")

    def work(worker: Worker):
        users = worker.query_list("slurmdb_users_get", "_dump_users",
                                  lambda: worker.db.users_get([name], **_user_options(query)))
        return {"users": worker.dump("USER_LIST", users)}
    return await _run(ctx, work)


def _update_user(worker: Worker, user: dict) -> None:
    """_foreach_update_user(): add the user, or modify it when it exists; with
    ``old_name``, rename the user old_name to name (and modify it)."""
    source = "_foreach_update_user"

    def users_named(name: str) -> list:
        return worker.query_list("slurmdb_users_get", source,
                                 lambda: worker.db.users_get([name], with_deleted=True),
                                 ignore_empty=True)
    old_name = user.get("old_name") or None  # "": no rename asked (as Slurm)
    if old_name:
        if not users_named(old_name):
            # Slurm's error number; a missing user is 404 (Slurm: 500)
            raise worker.fail(backend.ESLURM_USER_ID_MISSING,
                              f"Unable to rename non-existant user {old_name} to "
                              f"{user['name']}", source, status=404)
        if users_named(user["name"]):
            # a name taken is a conflict, 409 (Slurm: 500)
            raise worker.fail(backend.ESLURM_DATA_AMBIGUOUS_MODIFY,
                              f"Unable to rename user {old_name} to existing {user['name']}",
                              source, status=409)
        existing = [{"name": old_name}]
    else:
        existing = users_named(user["name"])
    if len(existing) > 1:
        raise worker.fail(backend.ESLURM_DATA_AMBIGUOUS_MODIFY,
                          "ambiguous user modify request", source)
    if user.get("assoc_list"):
        worker.warn(f"User {user['name']} associations list ignored. They must be set via the "
                    f"associations end point.", source)
        user["assoc_list"] = None
    if user.get("coord_accts"):
        worker.warn(f"User {user['name']} coordinators list ignored. They must be set via the "
                    f"coordinators or accounts end point.", source)
        user["coord_accts"] = None
    if user.get("default_wckey"):
        wckeys = list(user.get("wckey_list") or [])
        key = next((w for w in wckeys if w.get("name") == user["default_wckey"]), None)
        for w in wckeys:
            w["is_def"] = 1 if w is key else 0
        if key is None:
            wckeys.append({"name": user["default_wckey"], "user": user["name"],
                           "cluster": _cluster(), "is_def": 1})
        user["wckey_list"] = wckeys
    if int(user.get("flags") or 0) & SLURMDB_USER_FLAG_DELETED:
        worker.warn("Ignoring request to set flag: DELETED", source)
    if not existing:
        worker.query_rc("slurmdb_users_add", source, lambda: worker.db.users_add([user]))
    elif old_name:
        # the rename alone, then the rest under the new name: given both,
        # slurmdbd 22.05 looks the default account up by the old name after
        # renaming, fails, and keeps neither
        worker.query_list("slurmdb_users_modify", source,
                          lambda: worker.db.users_modify([old_name], {}, new_name=user["name"]))
        if user.get("admin_level") or user.get("default_acct") or user.get("default_wckey"):
            worker.query_list("slurmdb_users_modify", source,
                              lambda: worker.db.users_modify([user["name"]], user),
                              ignore_empty=True)
    else:
        worker.query_list("slurmdb_users_modify", source,
                          lambda: worker.db.users_modify([user["name"]], user), ignore_empty=True)


async def post_users(ctx):
    body = _parse_body(ctx, "OPENAPI_USERS_RESP")
    users = body.get("response") or []

    def work(worker: Worker):
        for user in users:
            _update_user(worker, user)
        if users:
            worker.commit("update_users")
        return {}
    return await _run(ctx, work)


async def delete_user(ctx):
    name = _path_name(ctx, "name")

    def work(worker: Worker):
        removed = worker.query_list("slurmdb_users_remove", "_delete_user",
                                    lambda: worker.db.users_remove([name]))
        worker.commit("_delete_user")
        return {"removed_users": worker.dump("STRING_LIST", removed)}
    return await _run(ctx, work)


async def post_users_association(ctx):
    """_add_users_association(): users with associations to accounts (and
    wckeys). Slurm 22.05 has no slurmdb_users_add_cond(): done as sacctmgr 22.05
    does, users (with their associations) added, plus associations of existing
    users; the answer lists what was added as slurmdbd words it."""
    # slurmrestd parses OPENAPI_PARTITIONS_QUERY here and uses neither
    _query(ctx, "OPENAPI_PARTITIONS_QUERY", {"update_time": as_given, "show_flags": as_given})
    body = _parse_body_lookups(ctx, "OPENAPI_USERS_ADD_COND_RESP")

    def work(worker: Worker):
        return _add_users_association(worker, body)
    return await _run(ctx, work)


def _parse_body_lookups(ctx, kind: str):
    """Bodies with QOS names or TRES need the database's lists: parsed in the
    worker job. Returns a function of the worker."""
    return lambda worker: worker.parse_body(kind)


_ASSOC_SET_MEMBERS = ("comment", "def_qos_id", "grp_jobs", "grp_jobs_accrue",
                      "grp_submit_jobs", "grp_tres", "grp_tres_mins", "grp_tres_run_mins",
                      "grp_wall", "max_jobs", "max_jobs_accrue", "max_submit_jobs",
                      "max_tres_mins_pj", "max_tres_run_mins", "max_tres_pj", "max_tres_pn",
                      "max_wall_pj", "min_prio_thresh", "parent_acct", "priority",
                      "qos_list", "shares_raw")


def _add_users_association(worker: Worker, parse_body) -> dict:
    source = "_add_users_association"
    body = parse_body(worker)
    cond = body.get("add_assoc") or {}
    user = body.get("user") or {}
    accounts = list(cond.get("acct_list") or [])
    wckeys = list(cond.get("wckey_list") or [])
    if user.get("default_acct") and not accounts:
        accounts = [user["default_acct"]]
    if user.get("default_wckey") and not wckeys:
        wckeys = [user["default_wckey"]]
    if not accounts and not wckeys:
        raise worker.fail(backend.ESLURM_DATA_AMBIGUOUS_QUERY,
                          "Need name of account(s) or wckey(s) "
                          "to add", source)
    clusters = list(cond.get("cluster_list") or []) or [_cluster()]
    partitions = list(cond.get("partition_list") or []) or [None]
    settings = _assoc_settings(cond)
    # an account without an association on a cluster gets no user there (as
    # slurmdbd 24.11's add_cond: the reference's db_add_user answers 304)
    base = {(a["acct"], a["cluster"]) for a in worker.query_list(
        "slurmdb_associations_get", source, lambda: worker.db.associations_get(
            {"acct_list": accounts, "cluster_list": clusters, "user_list": [""]}),
        ignore_empty=True) if not a["user"]} if accounts else set()
    default_acct = user.get("default_acct") or (accounts[0] if accounts else None)
    default_wckey = user.get("default_wckey") or (wckeys[0] if wckeys else None)
    added = []
    for name in cond.get("user_list") or []:
        existing = worker.query_list("slurmdb_users_get", source,
                                     lambda: worker.db.users_get([name], with_assocs=True),
                                     ignore_empty=True)
        have = {(a["acct"], a["cluster"], a["partition"])
                for u in existing for a in u["assoc_list"]}
        assocs = [{"user": name, "acct": acct, "cluster": cluster, "partition": partition,
                   "is_def": int(acct == default_acct and partition is None), **settings}
                  for acct in accounts for cluster in clusters for partition in partitions
                  if (acct, cluster) in base and (acct, cluster, partition) not in have]
        if not existing and not assocs and not wckeys:
            continue
        if not existing:
            record = {"name": name, "admin_level": user.get("admin_level"),
                      "default_acct": default_acct, "default_wckey": default_wckey,
                      "assoc_list": assocs,
                      "wckey_list": [{"name": w, "cluster": c, "user": name,
                                      "is_def": int(w == default_wckey)}
                                     for w in wckeys for c in clusters]}
            worker.query_rc("slurmdb_users_add", source, lambda: worker.db.users_add([record]))
            if not assocs:
                added.append(f"  U = {name:<9}")
        elif assocs:
            worker.query_rc("slurmdb_associations_add", source,
                            lambda: worker.db.associations_add(assocs))
        for assoc in assocs:
            added.append(f"  U = {name:<9} A = {assoc['acct']:<10} C = "
                         f"{assoc['cluster']:<10}"
                         + (f" P = {assoc['partition']}" if assoc["partition"] else ""))
    if not added:
        raise worker.fail(backend.SLURM_NO_CHANGE_IN_DATA, "Nothing added", source)
    worker.commit(source)
    return {"added_users": " Associations =\n" + "\n".join(added) + "\n"}


# --- associations -----------------------------------------------------------------------

# ASSOC_CONDITION's lists given to slurmdbd as read (QOS lists: resolved first)
_ASSOC_LISTS = ("acct_list", "cluster_list", "format_list", "id_list", "parent_acct_list",
                "partition_list", "user_list")
# ASSOC_CONDITION's flags (slurmdb_assoc_cond_t.flags) as associations_get() takes them
ASSOC_FLAG_OPTIONS = {"ASSOC_COND_FLAG_ONLY_DEFS": "only_defaults",
                      "ASSOC_COND_FLAG_WITH_USAGE": "with_usage",
                      "ASSOC_COND_FLAG_WITH_DELETED": "with_deleted",
                      "ASSOC_COND_FLAG_RAW_QOS": "with_raw_qos",
                      "ASSOC_COND_FLAG_SUB_ACCTS": "with_sub_accts",
                      "ASSOC_COND_FLAG_WOPI": "without_parent_info",
                      "ASSOC_COND_FLAG_WOPL": "without_parent_limits"}


def _assoc_cond(worker: Worker, query: dict) -> dict:
    """The slurmdb_assoc_cond_t of an ASSOC_CONDITION query (QOS names as ids)."""
    cond: dict[str, Any] = {member: query[member] for member in _ASSOC_LISTS
                            if member in query}
    for name, member in (("qos", "qos_list"), ("default_qos", "def_qos_id_list")):
        if member in query:
            ids = []
            for qos in query[member]:
                qos_id = int(qos) if qos.isdecimal() else worker.lookups().qos_id(qos)
                if qos_id is None:
                    raise invalid_query(f"Unable to resolve QOS: {qos}", f"#/{name}")
                ids.append(str(qos_id))
            cond[member] = ids
    for member in ("usage_start", "usage_end"):
        if member in query:
            cond[member] = query[member]
    cond["flags"] = [option for macro, option in ASSOC_FLAG_OPTIONS.items()
                     if query.get(macro)]
    return cond


async def get_associations(ctx, only_one: bool = False):
    query = _query(ctx, "ASSOC_CONDITION")

    def work(worker: Worker):
        cond = _assoc_cond(worker, query)
        assocs = worker.query_list("slurmdb_associations_get", "_dump_assoc_cond",
                                   lambda: worker.db.associations_get(cond))
        if only_one and len(assocs) > 1:
            raise worker.fail(backend.ESLURM_DATA_AMBIGUOUS_QUERY,
                              "Ambiguous request: More than 1 "
                              "association would have been dumped.", "_dump_assoc_cond")
        return {"associations": worker.dump("ASSOC_LIST", assocs, lookups=True)}
    return await _run(ctx, work)


async def get_association(ctx):
    """op_handler_association(): as GET associations/, for one association."""
    return await get_associations(ctx, only_one=True)


async def delete_association(ctx):
    """op_handler_association(): as DELETE associations/, for one association;
    when the condition matches more, nothing is removed."""
    return await delete_associations(ctx, only_one=True)


async def delete_associations(ctx, only_one: bool = False):
    query = _query(ctx, "ASSOC_CONDITION")
    if not any(member in query for member in
               (*_ASSOC_LISTS, "qos_list", "def_qos_id_list")):
        # slurmdbd would take an empty condition as "every association"
        raise invalid_query("Refusing to delete associations without a condition "
                            "(account, cluster, id, partition, user, ...)",
                             "op_handler_associations")

    def work(worker: Worker):
        cond = _assoc_cond(worker, query)
        removed = worker.query_list("slurmdb_associations_remove", "_delete_assoc",
                                    lambda: worker.db.associations_remove(cond))
        if only_one and len(removed) > 1:
            # not committed: the removal is rolled back
            raise worker.fail(backend.ESLURM_DATA_AMBIGUOUS_MODIFY,
                              "ambiguous request: More than 1 "
                              "association would have been deleted.", "_delete_assoc")
        if removed:
            worker.commit("_delete_assoc")
        return {"removed_associations": worker.dump("STRING_LIST", removed)}
    return await _run(ctx, work)


async def post_associations(ctx):
    """update_associations(): add the associations that do not exist, set
    the limits of the existing ones."""
    parse_body = _parse_body_lookups(ctx, "OPENAPI_ASSOCS_RESP")

    def work(worker: Worker):
        assocs = parse_body(worker).get("response") or []
        _update_associations(worker, assocs)
        if assocs:
            worker.commit("update_associations")
        return {}
    return await _run(ctx, work)


_ASSOC_TRES_MEMBERS = ("grp_tres", "grp_tres_mins", "grp_tres_run_mins", "max_tres_mins_pj",
                       "max_tres_run_mins", "max_tres_pj", "max_tres_pn")


def _diff_tres(current: Optional[str], wanted: Optional[str]) -> Optional[str]:
    """_diff_tres(): the TRES string that turns ``current`` into ``wanted``
    (slurmdbd modifies TRES limits one by one: a count of INFINITE64 removes one, what
    sacctmgr sends for "cpu=-1"; slurmdbd 26.05 reads "1=-1" as one less)."""
    if not current:
        return wanted
    wanted_counts = dict(_tres_counts(wanted))
    parts = [f"{tres_id}={wanted_counts.get(tres_id, INFINITE64)}"
             for tres_id, _ in _tres_counts(current)]
    current_ids = {tres_id for tres_id, _ in _tres_counts(current)}
    parts += [f"{tres_id}={count}" for tres_id, count in wanted_counts.items()
              if tres_id not in current_ids]
    return ",".join(parts)


def _tres_counts(string: Optional[str]) -> list[tuple[int, int]]:
    out = []
    for part in (string or "").split(","):
        tres_id, _, count = part.partition("=")
        if tres_id.strip() and count.strip():
            out.append((int(tres_id), int(count)))
    return out


_ASSOC_U32_LIMITS = ("grp_jobs", "grp_jobs_accrue", "grp_submit_jobs", "grp_wall", "max_jobs",
                     "max_jobs_accrue", "max_submit_jobs", "max_wall_pj", "min_prio_thresh",
                     "priority")
# In a modify, NO_VAL (slurm.h: a uint32_t not set) is no change, INFINITE (unlimited)
# clears the limit, and a TRES count of INFINITE64 removes the limit.


def _assoc_changes(current: dict, wanted: dict) -> dict:
    """What of ``wanted`` differs from the association as slurmdbd shows it
    (_diff_assoc()), as slurmdb_associations_modify() takes it.

    slurmdbd 22.05 shows an association with what it inherits from its
    parents (QOS, limits, whatever the query's flags): a value equal to the
    one shown is no change, so that what GET gave posts back unchanged
    instead of pinning the inherited values on every association."""
    changes = {}
    for member in _ASSOC_U32_LIMITS + ("def_qos_id", "shares_raw", "is_def"):
        value = wanted.get(member)
        if value is None or value == NO_VAL:
            continue
        shown = current.get(member)
        if member == "def_qos_id":  # no default QOS: 0 or INFINITE
            value = None if value in (0, INFINITE) else value
            shown = None if shown in (0, NO_VAL, INFINITE) else shown
        elif value == INFINITE and shown in (None, NO_VAL):
            continue  # no limit, and none shown
        if value != shown:
            changes[member] = wanted[member]
    if wanted.get("qos_list") is not None and \
            sorted(wanted["qos_list"]) != sorted(current.get("qos_list") or []):
        changes["qos_list"] = wanted["qos_list"]
    if wanted.get("parent_acct") and wanted["parent_acct"] != current.get("parent_acct"):
        changes["parent_acct"] = wanted["parent_acct"]  # moves the association
    for member in _ASSOC_TRES_MEMBERS:
        if wanted.get(member) and \
                dict(_tres_counts(wanted[member])) != dict(_tres_counts(current.get(member))):
            changes[member] = _diff_tres(current.get(member), wanted[member])
    return changes


def _update_associations(worker: Worker, assocs: list) -> None:
    """update_associations(): add the associations that do not exist, set the
    others to what is given (:func:`_assoc_changes`: a new parent moves the
    association; a TRES limit given replaces the current one, removing its
    TRES not listed; what is not given or is as shown is left as it is)."""
    source = "_foreach_update_assoc"
    for assoc in assocs:
        if not assoc.get("parent_acct"):
            assoc.pop("parent_acct", None)
        # slurmdbd takes an empty list as a wildcard: "" for what is not set
        key = {"acct_list": [assoc.get("acct") or ""],
               "cluster_list": [assoc.get("cluster") or _cluster()],
               "user_list": [assoc.get("user") or ""],
               "partition_list": [assoc.get("partition") or ""]}
        existing = worker.query_list("slurmdb_associations_get", source,
                                     lambda: worker.db.associations_get(key), ignore_empty=True)
        if len(existing) > 1:
            raise worker.fail(backend.ESLURM_DATA_AMBIGUOUS_MODIFY,
                              "ambiguous association modify request", source)
        if existing:
            changes = _assoc_changes(existing[0], assoc)
            if changes:
                worker.query_list("slurmdb_associations_modify", source,
                                  lambda: worker.db.associations_modify(key, changes),
                                  ignore_empty=True)
            continue
        if not assoc.get("cluster"):
            assoc["cluster"] = _cluster()
        worker.query_rc("slurmdb_associations_add", source,
                        lambda: worker.db.associations_add([assoc]))


# --- clusters ---------------------------------------------------------------------------

async def get_clusters(ctx):
    """op_handler_clusters(): the operation declares OPENAPI_RESERVATION_QUERY
    (update_time, not used) and slurmrestd parses the query as CLUSTER_CONDITION:
    both are read."""
    version = ctx.data_parser.version
    declared = {name: value for name, value in ctx.query.items() if name == "update_time"}
    read_query(declared, ctx.warning, version, "OPENAPI_RESERVATION_QUERY",
               {"update_time": as_given})
    cond = read_query({name: value for name, value in ctx.query.items()
                       if name not in declared}, ctx.warning, version, "CLUSTER_CONDITION")

    def work(worker: Worker):
        clusters = worker.query_list("slurmdb_clusters_get", "_dump_clusters",
                                     lambda: worker.db.clusters_get(cond))
        return {"clusters": worker.dump("CLUSTER_REC_LIST", clusters, lookups=True)}
    return await _run(ctx, work)


def _one_cluster_cond(ctx) -> dict:
    """The condition of cluster/{cluster_name}: the cluster named in the path,
    with the query's other conditions (declared for these operations; Slurm's
    op_handler_cluster() does not read them, restd passes them on)."""
    # CLUSTER_CONDITION's members are slurmdb_cluster_cond_t's
    cond = _query(ctx, "CLUSTER_CONDITION")
    if "cluster_list" in cond:
        ctx.warning("Ignoring query parameter cluster: the cluster is the one named in "
                    "the path", "#/cluster")
    return {**cond, "cluster_list": [_path_name(ctx, "cluster_name")]}


async def get_cluster(ctx):
    cond = _one_cluster_cond(ctx)

    def work(worker: Worker):
        clusters = worker.query_list("slurmdb_clusters_get", "_dump_clusters",
                                     lambda: worker.db.clusters_get(cond))
        return {"clusters": worker.dump("CLUSTER_REC_LIST", clusters, lookups=True)}
    return await _run(ctx, work)


async def delete_cluster(ctx):
    cond = _one_cluster_cond(ctx)

    def work(worker: Worker):
        removed = worker.query_list("slurmdb_clusters_remove", "_delete_cluster",
                                    lambda: worker.db.clusters_remove(cond))
        worker.commit("_delete_cluster")
        return {"deleted_clusters": worker.dump("STRING_LIST", removed)}
    return await _run(ctx, work)


def _update_clusters(worker: Worker, clusters: list) -> None:
    """update_clusters(): add the clusters. One that exists is left as it is,
    with a warning: slurmdb_clusters_add() would register it anew (slurmdbd
    resets its controller address and flags until its slurmctld registers
    again), which is never what adding it back means."""
    source = "update_clusters"
    names = [c["name"] for c in clusters if c.get("name")]
    existing = {c["name"] for c in worker.query_list(
        "slurmdb_clusters_get", source,
        lambda: worker.db.clusters_get({"cluster_list": names}), ignore_empty=True)} \
        if names else set()
    new = []
    for cluster in clusters:
        if cluster.get("name") in existing:
            worker.warn(f"Cluster {cluster['name']} exists: left as it is", source)
        else:
            new.append(cluster)
    if new:
        worker.query_rc("slurmdb_clusters_add", source, lambda: worker.db.clusters_add(new))


async def post_clusters(ctx):
    body = _parse_body_lookups(ctx, "OPENAPI_CLUSTERS_RESP")

    def work(worker: Worker):
        clusters = body(worker).get("response") or []
        _update_clusters(worker, clusters)
        worker.commit("update_clusters")
        return {}
    return await _run(ctx, work)


# --- TRES ---------------------------------------------------------------------------------

async def get_tres(ctx):
    def work(worker: Worker):
        tres = worker.query_list("slurmdb_tres_get", "op_handler_tres",
                                 lambda: worker.db.tres_get(with_deleted=True))
        return {"TRES": worker.dump("TRES_LIST", tres)}
    return await _run(ctx, work)


def _update_tres(worker: Worker, tres_list: list) -> None:
    """update_tres(): TRES cannot be added or changed (a TRES's id could not be
    kept, as Slurm says). A release build of slurmrestd fails here whatever the
    list holds, without saying so; restd accepts the TRES the database already
    has (as GET config gives them) and refuses any other with 501."""
    known = worker.lookups().tres
    for tres in tres_list:
        kind, name, tres_id = tres.get("type") or "", tres.get("name") or "", tres.get("id")
        if not any(t["type"] == kind and (t.get("name") or "") == name
                   and (not tres_id or t["id"] == tres_id) for t in known):
            raise worker.fail(_not_supported(), f"Updating TRES is not currently supported: "
                              f"{kind}{'/' + name if name else ''}"
                              f"{f' (id {tres_id})' if tres_id else ''} is not a TRES of the "
                              f"database", "update_tres",
                              status=422)  # the body names a TRES there is not: the client's


async def post_tres(ctx):
    """As a release build of slurmrestd: adding TRES is not supported."""
    number = _not_supported()
    from restd.native.errors import describe
    raise RequestFailed(backend.http_status(number), "Updating TRES is not currently supported",
                        error_number=number, error=describe(number), source="op_handler_tres")


# --- wckeys -------------------------------------------------------------------------------

# WCKEY_CONDITION's members are slurmdb_wckey_cond_t's; ids checked as numbers
WCKEY_READERS = {"id_list": q_ids}


async def get_wckeys(ctx):
    cond = _query(ctx, "WCKEY_CONDITION", WCKEY_READERS)

    def work(worker: Worker):
        wckeys = worker.query_list("slurmdb_wckeys_get", "_dump_wckeys",
                                   lambda: worker.db.wckeys_get(cond))
        return {"wckeys": worker.dump("WCKEY_LIST", wckeys)}
    return await _run(ctx, work)


async def get_wckey(ctx):
    name = _path_name(ctx, "id")

    def work(worker: Worker):
        wckeys = worker.query_list("slurmdb_wckeys_get", "_dump_wckeys",
                                   lambda: worker.db.wckeys_get({"name_list": [name]}))
        return {"wckeys": worker.dump("WCKEY_LIST", wckeys)}
    return await _run(ctx, work)


async def delete_wckey(ctx):
    name = _path_name(ctx, "id")

    def work(worker: Worker):
        removed = worker.query_list("slurmdb_wckeys_remove", "_delete_wckey",
                                    lambda: worker.db.wckeys_remove({"name_list": [name]}))
        worker.commit("_delete_wckey")
        return {"deleted_wckeys": worker.dump("STRING_LIST", removed)}
    return await _run(ctx, work)


async def post_wckeys(ctx):
    _query(ctx, "WCKEY_CONDITION", WCKEY_READERS)
    body = _parse_body(ctx, "OPENAPI_WCKEY_RESP")
    wckeys = body.get("response") or []

    def work(worker: Worker):
        if not wckeys:
            worker.warn("ignoring empty or non-existant wckeys array for update",
                        "_update_wckeys")
            return {}
        _update_wckeys(worker, wckeys)
        worker.commit("update_wckeys")
        return {}
    return await _run(ctx, work)


def _update_wckeys(worker: Worker, wckeys: list) -> None:
    """update_wckeys(): add the wckeys, leaving out those that exist: adding
    one again makes it no user's default (slurmdbd sets is_def, which a
    v0.0.40 wckey does not carry, to 0), and a GET config document posted
    back would take every user's default wckey away."""
    source = "update_wckeys"

    def key(wckey: dict) -> tuple:
        return wckey.get("name") or "", wckey.get("cluster") or "", wckey.get("user") or ""
    wanted = {key(w) for w in wckeys}
    existing = {key(w) for w in worker.query_list(
        "slurmdb_wckeys_get", source, lambda: worker.db.wckeys_get(
            {"name_list": sorted({name for name, _, _ in wanted}),
             "user_list": sorted({user for _, _, user in wanted})}),
        ignore_empty=True)}
    new = [w for w in wckeys if key(w) not in existing]
    if new:
        worker.query_rc("slurmdb_wckeys_add", source, lambda: worker.db.wckeys_add(new))


# --- QOS ----------------------------------------------------------------------------------

# QOS_CONDITION: ids checked as numbers (slurmdbd 26.05 fails a query on a name)
QOS_READERS = {"id_list": q_ids}


def _qos_cond(query: dict) -> dict:
    """The slurmdb_qos_cond_t of a QOS_CONDITION query."""
    cond = {member: query[member] for member in (
        "description_list", "id_list", "format_list", "name_list", "preempt_mode")
        if member in query}
    cond["with_deleted"] = bool(query.get("QOS_COND_FLAG_WITH_DELETED"))
    return cond


async def get_qos(ctx):
    query = _query(ctx, "QOS_CONDITION", QOS_READERS)

    def work(worker: Worker):
        qos = worker.query_list("slurmdb_qos_get", "_op_handler_qos",
                                lambda: worker.db.qos_get(_qos_cond(query)))
        return {"qos": worker.dump("QOS_LIST", qos, lookups=True)}
    return await _run(ctx, work)


async def get_single_qos(ctx):
    query = _query(ctx, "OPENAPI_SLURMDBD_QOS_QUERY")
    name = _path_name(ctx, "qos")

    def work(worker: Worker):
        qos = worker.query_list("slurmdb_qos_get", "_op_handler_qos",
                                lambda: worker.db.qos_get({"name_list": [name],
                                                     "with_deleted": query.get("with_deleted")}))
        return {"qos": worker.dump("QOS_LIST", qos, lookups=True)}
    return await _run(ctx, work)


async def delete_single_qos(ctx):
    name = _path_name(ctx, "qos")

    def work(worker: Worker):
        removed = worker.query_list("slurmdb_qos_remove", "_op_handler_qos",
                                    lambda: worker.db.qos_remove({"name_list": [name]}))
        if removed:
            worker.commit("_op_handler_qos")
        return {"removed_qos": worker.dump("STRING_LIST", removed)}
    return await _run(ctx, work)


async def post_qos(ctx):
    """update_qos(): add each QOS, or modify the one with its id or name."""
    _query(ctx, "QOS_CONDITION", QOS_READERS)
    parse_body = _parse_body_lookups(ctx, "OPENAPI_SLURMDBD_QOS_RESP")

    def work(worker: Worker):
        qos_list = parse_body(worker).get("response") or []
        _update_qos(worker, qos_list)
        if qos_list:
            worker.commit("update_qos")
        return {}
    return await _run(ctx, work)


def _update_qos(worker: Worker, qos_list: list) -> None:
    """update_qos(): add each QOS, or modify the one with its id or name."""
    source = "_foreach_update_qos"
    for qos in qos_list:
        qos_id, name = int(qos.get("id") or 0), qos.get("name")
        cond = {}
        if qos_id:
            cond["id_list"] = [str(qos_id)]
        if name:
            cond["name_list"] = [name]
        found = worker.query_list("slurmdb_qos_get", source,
                                  lambda: worker.db.qos_get(cond), ignore_empty=True) \
            if cond else []
        if len(found) != 1 and qos_id:
            raise worker.fail(backend.ESLURM_REST_INVALID_QUERY,
                              "QOS was not found for the requested ID", source)
        if len(found) != 1 and not name:
            raise worker.fail(backend.ESLURM_REST_INVALID_QUERY,
                              "Cannot create a QOS without a name", source)
        if len(found) != 1:
            worker.query_rc("slurmdb_qos_add", source, lambda: worker.db.qos_add([qos]))
        else:
            if not qos_id:
                qos["id"] = found[0]["id"]
            if qos.get("preempt_list") == [] and found[0]["preempt_ids"]:
                qos["preempt_list"] = ["''"]  # EMPTY_QOS_ID_ENTRY: clear the list
            changes = dict(qos)
            changes.pop("name", None)
            worker.query_list("slurmdb_qos_modify", source,
                              lambda: worker.db.qos_modify(cond, changes), ignore_empty=True)


# --- diag ---------------------------------------------------------------------------------

async def get_diag(ctx):
    def work(worker: Worker):
        stats = worker.query_rc("slurmdb_get_stats", "op_handler_diag", worker.db.stats)
        return {"statistics": worker.dump("STATS_REC_PTR", stats)}
    return await _run(ctx, work)


# --- config -------------------------------------------------------------------------------

async def get_config(ctx):
    """The whole accounting configuration in one document (config.c _dump())."""
    # config.c's one assoc_cond, for the associations and those of the
    # accounts and users
    assoc_flags = ["with_deleted", "with_usage", "with_raw_qos", "with_sub_accts"]

    def work(worker: Worker):
        source = "op_handler_config"
        db = worker.db
        out = {
            "clusters": worker.query_list("slurmdb_clusters_get", source, lambda: db.clusters_get(
                {"with_deleted": True, "with_usage": True})),
            "tres": worker.query_list("slurmdb_tres_get", source,
                                      lambda: db.tres_get(with_deleted=True)),
            "accounts": worker.query_list("slurmdb_accounts_get", source, lambda: db.accounts_get(
                flags=["with_deleted", "with_assocs", "with_coords"],
                assoc_flags=assoc_flags)),
            "users": worker.query_list("slurmdb_users_get", source, lambda: db.users_get(
                with_deleted=True, with_assocs=True, with_coords=True,
                assoc_flags=assoc_flags)),
            "qos": worker.query_list("slurmdb_qos_get", source,
                                     lambda: db.qos_get({"with_deleted": True})),
            "wckeys": worker.query_list("slurmdb_wckeys_get", source, lambda: db.wckeys_get(
                {"with_deleted": True, "with_usage": True}), ignore_empty=True),
            "associations": worker.query_list(
                "slurmdb_associations_get", source, lambda: db.associations_get(
                    {"flags": assoc_flags})),
            "instances": worker.query_list(  # none before Slurm 23.11
                "slurmdb_instances_get", source, lambda: worker.db.instances_get(),
                ignore_empty=True) if _has_instances() else [],
        }
        dumped = worker.dump("OPENAPI_SLURMDBD_CONFIG_RESP", out, lookups=True)
        return {key: value for key, value in dumped.items()
                if key not in ("meta", "errors", "warnings")}
    return await _run(ctx, work)


async def get_conf(ctx):
    """_dump_conf() (v0.0.45): slurmdbd's own configuration (slurmdbd.conf), as
    slurmdb_config_get() gives it. slurmdbd answers it on every release restd builds
    against: before 26.05 as key pairs (sacctmgr show config), read into
    slurmdbd_conf_t's members by restd.native.accounting (what they do not carry is
    shown unset: MaxPurgeLimit, PersistConnFlags, StoragePassScript, the job script
    and environment purges; CommitDelay as 0 or 1)."""
    def work(worker: Worker):
        conf = worker.query_rc("slurmdb_config_get", "_dump_conf", worker.db.config_get)
        return {"slurmdbd_conf": worker.dump("SLURMDBD_CONF", conf)}
    return await _run(ctx, work)


async def post_config(ctx):
    """op_handler_config() for POST: load a document shaped as GET config's
    answer, its parts in Slurm's order (clusters, TRES, accounts, users, QOS,
    wckeys, associations), each as its own POST endpoint loads it, all on
    this request's one slurmdbd connection, committed only when every part
    succeeded: the first failure answers and everything is rolled back.

    Where restd differs from slurmrestd 24.11 on purpose (there a document
    GET config gave cannot be loaded back): TRES the database has are
    accepted unchanged (a release build fails on any TRES list, without an
    error); clusters that exist are left as they are, with a warning; an
    empty or missing part is skipped (slurmdbd 24.11 refuses to add an empty
    list of clusters or wckeys). Instances are not loaded (Slurm neither).
    A new cluster's tables stay when the request fails: slurmdbd creates
    them first, and table creation cannot be rolled back."""
    parse_body = _parse_body_lookups(ctx, "OPENAPI_SLURMDBD_CONFIG_RESP")

    def work(worker: Worker):
        config = parse_body(worker)
        _update_clusters(worker, config.get("clusters") or [])
        _update_tres(worker, config.get("tres") or [])
        for account in config.get("accounts") or []:
            _update_account(worker, account)
        for user in config.get("users") or []:
            _update_user(worker, user)
        _update_qos(worker, config.get("qos") or [])
        if config.get("wckeys"):
            _update_wckeys(worker, config["wckeys"])
        _update_associations(worker, config.get("associations") or [])
        worker.commit("op_handler_config")
        return {}
    return await _run(ctx, work)


# --- job record updates (v0.0.44 on) -------------------------------------------------------
#
# openapi/slurmdbd jobs.c (Slurm 25.11): POST jobs/ (OPENAPI_JOB_MODIFY_REQ: the jobs and
# one change for all) and POST job/{job_id} (JOB_MODIFY) call slurmdb_job_modify() with
# the jobs as the condition's step_list, no default usage window, and answer the records
# changed ("results"). slurmdbd decides who may: the owner of the job changes its comment
# (comment/job), derived exit code, wckey and extra; an operator any job, and the
# administrator and system comments (ESLURM_ACCESS_DENIED otherwise: 403).
#
# Where restd differs on purpose: POST jobs/ without jobs is refused (422: slurmdbd
# would change every job record of every cluster); an update that changes nothing is
# refused (422, naming job_rec: slurmdbd answers "nothing changed"); a text with a
# quote, a backslash or a control character is refused (422 naming the field:
# slurmdbd writes the texts into its SQL between quotes, unescaped:
# as_mysql_modify_job()); job/{job_id} matching no job record is 404; a field the
# Slurm restd is built against cannot change answers 501, naming the Slurm release
# that can (extra: 23.02, tres/allocated: 25.11), where slurmdbd would ignore it.

JOB_MODIFY_SOURCE = "slurmdb_job_modify"


def _job_modify_changes(version, changes: dict, prefix: str) -> dict:
    """The members of a parsed JOB_MODIFY (found at ``prefix`` of the body, "#/" or
    "#/job_rec/"), checked: 422 when it changes nothing or a text cannot be sent to
    slurmdbd, 501 when this Slurm cannot change a member."""
    from restd.native.accounting import JOB_MODIFY_STRINGS, job_modify_unsupported
    from restd.native.errors import describe
    keys = {field.source: field.key for field in version.kind("JOB_MODIFY").fields}
    wanted = {member: value for member, value in (changes or {}).items()
              if value is not None and member in keys}
    if not wanted:
        raise invalid_query("Nothing to change: the job update names none of "
                            + ", ".join(keys.values()), prefix)
    for member in JOB_MODIFY_STRINGS:
        if isinstance(wanted.get(member), str):
            _checked_name(wanted[member], keys[member], f"{prefix}{keys[member]}/")
    unsupported = job_modify_unsupported()
    for member in wanted:
        if member in unsupported:
            number = _not_supported()
            major, minor, _ = backend.slurm_version()
            raise RequestFailed(
                501, f"Changing {keys[member]} of a job record needs Slurm "
                     f"{unsupported[member]} or later (slurmdbd {major}.{minor:02d} cannot "
                     f"change slurmdb_job_rec_t.{member})", error_number=number,
                error=describe(number), source=f"{prefix}{keys[member]}/")
    return wanted


def _job_modify(worker: Worker, steps: list[str], changes: dict) -> list[str]:
    """slurmdb_job_modify(); the records changed, committed. No record matched is
    no record changed, whichever way libslurmdb says it: an empty list (22.05) or
    "nothing changed" (SLURM_NO_CHANGE_IN_DATA, 24.11 on; the changes are not empty)."""
    from restd.native.errors import SlurmError
    try:
        results = list(worker.db.job_modify(steps, changes))
    except SlurmError as error:
        if error.number != backend.SLURM_NO_CHANGE_IN_DATA:
            raise worker.fail(error.number, "slurmdb_job_modify() failed",
                              JOB_MODIFY_SOURCE) from None
        results = []
    if results:
        worker.commit(JOB_MODIFY_SOURCE)
    else:
        worker.warn("slurmdb_job_modify() found nothing", JOB_MODIFY_SOURCE)
    return results


async def post_jobs_modify(ctx):
    """_jobs_post_update(): the jobs of job_id_list changed as job_rec says."""
    parse_body = _parse_body_lookups(ctx, "OPENAPI_JOB_MODIFY_REQ")

    def work(worker: Worker):
        body = parse_body(worker)
        steps = [step for step in body.get("job_id_list") or [] if step]
        if not steps:
            raise invalid_query("job_id_list names no job: an update of every job record "
                                "is refused", "#/job_id_list")
        changes = _job_modify_changes(worker.version, body.get("job_rec"), "#/job_rec/")
        return {"results": _job_modify(worker, steps, changes)}
    return await _run(ctx, work)


async def post_job_modify(ctx):
    """_job_post_update(): the job {job_id} (job[_task|+offset]) changed as the body
    says; 404 when no job record matched."""
    from restd.plugins.content._slurmdb_jobs import STEP_PATTERN
    job_id = ctx.path_params["job_id"]
    if not STEP_PATTERN.fullmatch(job_id):
        raise invalid_query(f"Unable to parse job_id: invalid job id {job_id!r} "
                            f"(expected job[_task|+offset][.step])", "#/job_id")
    parse_body = _parse_body_lookups(ctx, "JOB_MODIFY")

    def work(worker: Worker):
        changes = _job_modify_changes(worker.version, parse_body(worker), "#/")
        results = _job_modify(worker, [job_id], changes)
        if not results:
            raise RequestFailed(404, f"No job record {job_id} to change",
                                error_number=backend.error_number("ESLURM_INVALID_JOB_ID"),
                                error=worker.strerror(
                                    backend.error_number("ESLURM_INVALID_JOB_ID")),
                                source=JOB_MODIFY_SOURCE)
        return {"results": results}
    return await _run(ctx, work)


# --- instances ----------------------------------------------------------------------------

def _has_instances() -> bool:
    from restd.native import accounting
    backend.load()
    return accounting.has_instances()


async def get_instances(ctx):
    """slurmdb_instances_get() came with Slurm 23.11: not available with the
    Slurm restd is built against before that (22.05 here)."""
    from restd.native.errors import describe
    if _has_instances():
        cond = _query(ctx, "INSTANCE_CONDITION")  # slurmdb_instance_cond_t's members

        def work(worker: Worker):
            instances = worker.query_list("slurmdb_instances_get", "_dump_instance_cond",
                                          lambda: worker.db.instances_get(cond))
            return {"instances": worker.dump("INSTANCE_LIST", instances)}
        return await _run(ctx, work)
    number = _not_supported()
    major, minor, _ = backend.slurm_version()
    raise RequestFailed(backend.http_status(number),
                        f"slurmdb_instances_get() is not available in Slurm {major}.{minor:02d} "
                        f"(instances need Slurm 23.11 or later)", error_number=number,
                        error=describe(number), source="_dump_instance_cond")


# --- operations ---------------------------------------------------------------------------

def _op(method, path, name, handler, response, parameters=(), request=None, query=None):
    """One operation; ``query`` names the kind of its query parameters (the parser
    slurmrestd's api.c names as its ".query"): restd.openapi makes them from the
    version's kind, and the handler reads the query with it."""
    return OperationSpec(method=method, path="/slurmdb/{data_parser}/" + path,
                         operation_id="slurmdb_{dp_id}_" + name, handler=handler,
                         response_schema="{data_parser}_" + response, tags=(TAG,),
                         parameters=tuple(parameters), query=query,
                         request_schema="{data_parser}_" + request if request else None)


def operations():
    account_name = Parameter("account_name", "path")
    user_name = Parameter("name", "path")
    cluster_name = Parameter("cluster_name", "path")
    wckey_id = Parameter("id", "path")
    qos_name = Parameter("qos", "path")
    from restd.plugins.content import _slurmdb_jobs  # job history: its own module
    from restd.plugins.content import _slurmdbd_ping  # v0.0.42's ping: its own module
    return [
        *_slurmdb_jobs.operations(_op),
        _op("GET", "instances/", "get_instances", get_instances, "openapi_instances_resp",
            query="INSTANCE_CONDITION"),
        _op("GET", "instance/", "get_instance", get_instances, "openapi_instances_resp",
            query="INSTANCE_CONDITION"),
        _op("POST", "jobs/", "post_jobs", post_jobs_modify, "openapi_job_modify_resp", (),
            "openapi_job_modify_req"),
        _op("POST", "job/{job_id}", "post_job", post_job_modify, "openapi_job_modify_resp",
            (Parameter("job_id", "path"),), "job_modify"),
        _op("GET", "conf", "get_conf", get_conf, "openapi_slurmdbd_conf_resp"),
        _op("GET", "config", "get_config", get_config, "openapi_slurmdbd_config_resp"),
        _op("POST", "config", "post_config", post_config, "openapi_resp", (),
            "openapi_slurmdbd_config_resp"),
        _op("GET", "diag/", "get_diag", get_diag, "openapi_slurmdbd_stats_resp"),
        _op("GET", "ping/", "get_ping", _slurmdbd_ping.get_ping, "openapi_slurmdbd_ping_resp"),
        _op("POST", "tres/", "post_tres", post_tres, "openapi_resp", (), "openapi_tres_resp"),
        _op("GET", "tres/", "get_tres", get_tres, "openapi_tres_resp"),
        _op("GET", "qos/{qos}", "get_single_qos", get_single_qos,
            "openapi_slurmdbd_qos_resp", (qos_name,), query="OPENAPI_SLURMDBD_QOS_QUERY"),
        _op("DELETE", "qos/{qos}", "delete_single_qos", delete_single_qos,
            "openapi_slurmdbd_qos_removed_resp", (qos_name,)),
        _op("GET", "qos/", "get_qos", get_qos, "openapi_slurmdbd_qos_resp",
            query="QOS_CONDITION"),
        _op("POST", "qos/", "post_qos", post_qos, "openapi_resp", (),
            "openapi_slurmdbd_qos_resp", query="QOS_CONDITION"),
        _op("GET", "associations/", "get_associations", get_associations,
            "openapi_assocs_resp", query="ASSOC_CONDITION"),
        _op("POST", "associations/", "post_associations", post_associations,
            "openapi_resp", (), "openapi_assocs_resp"),
        _op("DELETE", "associations/", "delete_associations", delete_associations,
            "openapi_assocs_removed_resp", query="ASSOC_CONDITION"),
        _op("GET", "association/", "get_association", get_association,
            "openapi_assocs_resp", query="ASSOC_CONDITION"),
        _op("DELETE", "association/", "delete_association", delete_association,
            "openapi_assocs_removed_resp", query="ASSOC_CONDITION"),
        _op("DELETE", "user/{name}", "delete_user", delete_user, "openapi_resp",
            (user_name,)),
        _op("GET", "user/{name}", "get_user", get_user, "openapi_users_resp",
            (user_name,), query="OPENAPI_USER_QUERY"),
        _op("POST", "users_association/", "post_users_association", post_users_association,
            "openapi_users_add_cond_resp_str", (), "openapi_users_add_cond_resp",
            query="OPENAPI_PARTITIONS_QUERY"),
        _op("POST", "users/", "post_users", post_users, "openapi_resp", (),
            "openapi_users_resp"),
        _op("GET", "users/", "get_users", get_users, "openapi_users_resp",
            query="USER_CONDITION"),
        _op("DELETE", "cluster/{cluster_name}", "delete_cluster", delete_cluster,
            "openapi_clusters_removed_resp", (cluster_name,), query="CLUSTER_CONDITION"),
        _op("GET", "cluster/{cluster_name}", "get_cluster", get_cluster,
            "openapi_clusters_resp", (cluster_name,), query="CLUSTER_CONDITION"),
        _op("GET", "clusters/", "get_clusters", get_clusters, "openapi_clusters_resp",
            query="OPENAPI_RESERVATION_QUERY"),
        _op("POST", "clusters/", "post_clusters", post_clusters, "openapi_resp", (),
            "openapi_clusters_resp", query="OPENAPI_RESERVATION_QUERY"),
        _op("DELETE", "wckey/{id}", "delete_wckey", delete_wckey,
            "openapi_wckey_removed_resp", (wckey_id,)),
        _op("GET", "wckey/{id}", "get_wckey", get_wckey, "openapi_wckey_resp", (wckey_id,)),
        _op("GET", "wckeys/", "get_wckeys", get_wckeys, "openapi_wckey_resp",
            query="WCKEY_CONDITION"),
        _op("POST", "wckeys/", "post_wckeys", post_wckeys, "openapi_resp", (),
            "openapi_wckey_resp", query="WCKEY_CONDITION"),
        _op("DELETE", "account/{account_name}", "delete_account", delete_account,
            "openapi_accounts_removed_resp", (account_name,)),
        _op("GET", "account/{account_name}", "get_account", get_account,
            "openapi_accounts_resp", (account_name,), query="OPENAPI_ACCOUNT_QUERY"),
        _op("POST", "accounts_association/", "post_accounts_association",
            post_accounts_association, "openapi_accounts_add_cond_resp_str", (),
            "openapi_accounts_add_cond_resp"),
        _op("GET", "accounts/", "get_accounts", get_accounts, "openapi_accounts_resp",
            query="ACCOUNT_CONDITION"),
        _op("POST", "accounts/", "post_accounts", post_accounts, "openapi_resp", (),
            "openapi_accounts_resp"),
    ]
