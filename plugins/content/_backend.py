"""The backend of the content plugins (content/slurmctld and content/slurmdbd).

What both need to answer from Slurm, written once:

* libslurm loaded once, and the Slurm version and cluster for ``meta.slurm``
  (:func:`configure`, :func:`load`, :func:`slurm_info`);
* the data_parser of each request's version, bound once per version to the
  services that ask libslurm (:func:`bound`): handlers dump and parse with
  ``worker.version``, never with a version module of their own;
* one way to run a request (:func:`run`): ONE worker job
  (``ctx.run_blocking``), as the request's identity (``as_user``: the token is
  per thread), optionally with a slurmdbd connection of its own and, for a
  request that changes accounting, the write lock; a
  :class:`restd.native.resources.Resources` scope owns whatever the job opens
  in libslurm and closes it when the job ends (on success, refusal or
  exception) or, for what the answer keeps (:class:`restd.plugin_api.Records`,
  a streamed list), once the answer is written, cut short or abandoned;
* one map from Slurm error NAMES to HTTP statuses (:func:`http_status`), the
  error numbers used before libslurm is asked (:data:`SLURM_ERROR`...), and
  one request body parser (:func:`parse_body`, :meth:`Worker.parse_body`).

A handler, for any data_parser version::

    async def get_things(ctx):
        value = backend.parse_body(ctx, "KIND", ctx.body)   # or parse_value(...)
        def work(worker):                                   # in the worker thread
            msg = worker.controller.load_things()           # native; owned by the request
            return {"things": worker.records("KIND", msg),  # rendered by restd.app
                    "other": worker.dump("KIND2", value)}   # or dumped now
        return await backend.run(ctx, work, source=NAME)    # database=True: worker.db

Kinds are looked up in the request's version: a kind that version lacks is a
KeyError (a 500, logged), never another version's kind.

It also answers, for both plugins, what is not Slurm's answer: libslurm that
cannot be loaded (502), and restd out of file descriptors (503: a connection to
slurmctld or slurmdbd cannot be opened; checked before the job, so libslurm is
not left retrying for seconds, and after a failed call, to tell it from an
unreachable daemon).
"""
from __future__ import annotations

import asyncio
import errno
import os
import socket
import threading
from typing import Any, Callable, Optional, TypeVar

from restd.data_parser import dump as _dump
from restd.data_parser import parse as _parse
from restd.http.messages import Response
from restd.plugin_api import Records, RequestFailed, SlurmInfo

T = TypeVar("T")


def _lookups_module():
    """Where the data_parser keeps its database lookups (QOS names, TRES,
    associations) and the context that installs them for a dump or a parse:
    the one import of them in the content plugins."""
    from restd.data_parser import lookups
    return lookups


# --- Slurm error numbers and the HTTP status answering each ------------------------------

# Numbers of slurm/slurm_errno.h that are the same in every Slurm restd supports, for
# the errors answered before libslurm is asked (a bad query, a body that does not
# parse). Every other error is looked up by name (:func:`error_number`).
SLURM_ERROR = -1
SLURM_NO_CHANGE_IN_DATA = 1900
ESLURM_ACCESS_DENIED = 2002
ESLURM_USER_ID_MISSING = 2010
ESLURM_INVALID_JOB_ID = 2017
ESLURM_INVALID_NODE_NAME = 2018
ESLURM_ALREADY_DONE = 2021
ESLURM_DB_CONNECTION = 7000
ESLURM_REST_INVALID_QUERY = 9000
ESLURM_REST_FAIL_PARSING = 9001
ESLURM_DATA_AMBIGUOUS_MODIFY = 9210
ESLURM_DATA_AMBIGUOUS_QUERY = 9211
INVALID_QUERY_TEXT = "Query empty or not RFC7320 compliant"  # slurm_strerror(9000)
# These numbers by name: restd answers them on every Slurm, also where its
# slurm_errno.h lacks the name (ESLURM_DATA_AMBIGUOUS_* came after 22.05).
_FIXED_NUMBERS = {name: number for name, number in globals().items()
                  if name.startswith(("SLURM_", "ESLURM_")) and isinstance(number, int)}

# The HTTP status of an answer is decided by its first error, as slurmrestd's
# operations router does (src/slurmrestd/operations.c): a few errors have their own
# status, every other one is a 500. By name: numbers moved between Slurm releases
# (ESLURM_NOT_SUPPORTED...); a name this Slurm lacks maps nothing.
STATUS_BY_NAME = {
    "SLURM_NO_CHANGE_IN_DATA": 304,  # slurmdbd: nothing changed (a 304 without a body)
    "ESLURM_REST_INVALID_QUERY": 422,
    "ESLURM_REST_FAIL_PARSING": 400,
    "ESLURM_REST_INVALID_JOBS_DESC": 400,
    "ESLURM_DATA_UNKNOWN_MIME_TYPE": 415,
    "ESLURM_INVALID_JOB_ID": 404,
    # Where slurmrestd answers 500, restd says what happened: a refusal is 403 (Slurm
    # refuses what a user may not do with "Access/permission denied" or, for admin-only
    # calls, "Invalid user id"), an unknown node 404, a call this Slurm lacks 501, a
    # request naming too much (or nothing) 422.
    "ESLURM_ACCESS_DENIED": 403,
    "ESLURM_USER_ID_MISSING": 403,
    "ESLURM_INVALID_NODE_NAME": 404,
    "ESLURM_NOT_SUPPORTED": 501,
    "ESLURM_DATA_AMBIGUOUS_MODIFY": 422,
    "ESLURM_DATA_AMBIGUOUS_QUERY": 422,
    # slurmctld or slurmdbd cannot be reached: 502 Bad Gateway
    **dict.fromkeys((
        "SLURM_COMMUNICATIONS_CONNECTION_ERROR", "SLURM_COMMUNICATIONS_SEND_ERROR",
        "SLURM_COMMUNICATIONS_RECEIVE_ERROR", "SLURM_COMMUNICATIONS_SHUTDOWN_ERROR",
        "SLURMCTLD_COMMUNICATIONS_CONNECTION_ERROR", "SLURMCTLD_COMMUNICATIONS_SEND_ERROR",
        "SLURMCTLD_COMMUNICATIONS_RECEIVE_ERROR", "SLURMCTLD_COMMUNICATIONS_SHUTDOWN_ERROR",
        "SLURMCTLD_COMMUNICATIONS_BACKOFF", "ESLURM_PROTOCOL_INCOMPLETE_PACKET",
        "SLURM_PROTOCOL_SOCKET_ZERO_BYTES_SENT", "ESLURM_DB_CONNECTION"), 502),
    "SLURM_PROTOCOL_SOCKET_IMPL_TIMEOUT": 504,  # 504 Gateway Timeout
    "SLURM_PROTOCOL_AUTHENTICATION_ERROR": 511,  # 511 Network Authentication Required
    # Slurm's refusals of a value the client sent (an unknown partition or account, a
    # time limit beyond the partition's, a cluster name too long...): the client's
    # request, not a failure of the daemon, so 422 where slurmrestd answers 500.
    **dict.fromkeys((
        "ESLURM_INVALID_PARTITION_NAME", "ESLURM_DEFAULT_PARTITION_NOT_SET",
        "ESLURM_REQUESTED_NODES_NOT_IN_PARTITION", "ESLURM_TOO_MANY_REQUESTED_CPUS",
        "ESLURM_INVALID_NODE_COUNT", "ESLURM_JOB_MISSING_SIZE_SPECIFICATION",
        "ESLURM_JOB_SCRIPT_MISSING", "ESLURM_PATHNAME_TOO_LONG",
        "ESLURM_REQUESTED_NODE_CONFIG_UNAVAILABLE", "ESLURM_INVALID_FEATURE",
        "ESLURM_INVALID_TIME_LIMIT", "ESLURM_INVALID_ACCOUNT", "ESLURM_INVALID_QOS",
        "ESLURM_INVALID_LICENSES", "ESLURM_INVALID_GRES", "ESLURM_INVALID_TASK_MEMORY",
        "ESLURM_INVALID_ARRAY", "ESLURM_INVALID_WCKEY",
        "ESLURM_INVALID_BURST_BUFFER_REQUEST", "ESLURM_INVALID_TRES",
        "ESLURM_INVALID_CPU_COUNT", "ESLURM_INVALID_CORE_CNT", "ESLURM_INVALID_NICE",
        "ESLURM_ENVIRONMENT_MISSING", "ESLURM_BAD_TASK_COUNT", "ESLURM_INVALID_TIME_VALUE",
        "ESLURM_INVALID_MCS_LABEL", "ESLURM_INVALID_PREFER", "ESLURM_INVALID_NODE_STATE",
        "ESLURM_INVALID_CLUSTER_NAME"), 422),
}

# MariaDB errors slurmdbd passes on when a name holds characters its tables'
# character set (latin1 on this cluster; the site's choice) cannot represent: the
# value matches nothing and cannot be stored. The client's value, not a failure of
# the daemon: 422 (slurmrestd: 500 "Unknown error 1267"). MariaDB's names, numbers
# (mysqld_error.h) and what restd says of each.
DATABASE_VALUE_ERRORS = {
    1267: ("ER_CANT_AGGREGATE_2COLLATIONS",
           "The database cannot compare a value given with its contents (characters "
           "outside its character set; MariaDB: illegal mix of collations)"),
    1270: ("ER_CANT_AGGREGATE_3COLLATIONS",
           "The database cannot compare values given with its contents (MariaDB: "
           "illegal mix of collations)"),
    1271: ("ER_CANT_AGGREGATE_NCOLLATIONS",
           "The database cannot compare values given with its contents (MariaDB: "
           "illegal mix of collations)"),
    1300: ("ER_INVALID_CHARACTER_STRING",
           "The database cannot read a value given as text of its character set "
           "(MariaDB: invalid character string)"),
    1366: ("ER_TRUNCATED_WRONG_VALUE_FOR_FIELD",
           "The database cannot store a value given (characters outside its character "
           "set; MariaDB: incorrect string value)"),
    1406: ("ER_DATA_TOO_LONG",
           "A value given is too long for the database (MariaDB: data too long)"),
}

_status_by_number: Optional[dict[int, int]] = None
_status_lock = threading.Lock()


def error_number(name: str) -> int:
    """The number of a Slurm error name in the Slurm restd runs with (restd's own
    number for the few it answers itself, above); SLURM_ERROR when that Slurm
    lacks it."""
    from restd.native.errors import error_number as native_error_number
    try:
        return native_error_number(name)
    except (KeyError, AttributeError):
        return _FIXED_NUMBERS.get(name, SLURM_ERROR)


def _statuses() -> dict[int, int]:
    global _status_by_number
    if _status_by_number is None:
        with _status_lock:
            if _status_by_number is None:
                numbers = {number: 422 for number in DATABASE_VALUE_ERRORS}
                for name, status in STATUS_BY_NAME.items():
                    number = error_number(name)
                    if number != SLURM_ERROR:
                        numbers[number] = status
                _status_by_number = numbers
    return _status_by_number


def http_status(number: int) -> int:
    """The HTTP status answering a Slurm error number."""
    return _statuses().get(number, 500)


def invalid_query(description: str, source: str) -> RequestFailed:
    """422: the request's query (or body) asks for something that cannot be done."""
    return RequestFailed(422, description, error_number=ESLURM_REST_INVALID_QUERY,
                         error=INVALID_QUERY_TEXT, source=source)


# --- libslurm and the Slurm version, loaded once -------------------------------------------

class _Loaded:
    def __init__(self):
        self.lock = threading.Lock()
        self.config = None
        self.done = False
        self.info = SlurmInfo()
        self.versions: dict[str, Any] = {}  # data_parser version name -> bound Version
        # its own lock: binding (on the event loop) never waits for libslurm to load
        self.versions_lock = threading.Lock()


_loaded = _Loaded()


def configure(config) -> None:
    """The configuration libslurm is loaded with (slurm.conf, JWT as the daemon)."""
    _loaded.config = config


def load() -> None:
    """Load libslurm once (SlurmLoadError when it cannot be), and read what
    meta.slurm shows."""
    if _loaded.done:
        return
    with _loaded.lock:
        if _loaded.done:
            return
        from restd.native import accounting, controller, library
        config = _loaded.config
        library.load(conf=getattr(config, "slurm_conf", None),
                     jwt_daemon=bool(getattr(config, "jwt_daemon", False)))
        major, minor, micro = controller.version()
        # as slurmrestd shows them: Slurm's SLURM_MAJOR, SLURM_MINOR ("05") and
        # SLURM_MICRO strings and SLURM_VERSION_STRING ("22.05.8")
        _loaded.info = SlurmInfo(major=str(major), micro=str(micro), minor=f"{minor:02d}",
                                 release=f"{major}.{minor:02d}.{micro}",
                                 cluster=controller.cluster_name() or "",
                                 accounting_storage=accounting.accounting_storage_type())
        _loaded.done = True


def slurm_info() -> SlurmInfo:
    """meta.slurm of every answer (empty until libslurm is loaded)."""
    return _loaded.info


def slurm_version() -> tuple[int, int, int]:
    """(major, minor, micro) of the Slurm restd is built against."""
    from restd.native import controller
    return controller.version()


def _services():
    from restd.native.services import LibslurmServices

    class Services(LibslurmServices):
        """libslurm's answers, and restd's texts for the database errors slurmdbd
        passes on (slurm_strerror() knows them not)."""

        def strerror(self, number: int) -> str:
            known = DATABASE_VALUE_ERRORS.get(int(number))
            return known[1] if known else super().strerror(number)
    return Services()


def bound(version) -> Any:
    """``version`` (a restd.data_parser.describe.Version, a data_parser plugin's
    VERSION) bound to the services that ask libslurm: one per version name."""
    found = _loaded.versions.get(version.name)
    if found is None:
        with _loaded.versions_lock:
            found = _loaded.versions.get(version.name)
            if found is None:
                found = _loaded.versions[version.name] = version.with_services(_services())
    return found


# --- parsing queries ------------------------------------------------------------------------

def query_parameters(version, kind: str) -> dict[str, tuple[str, str, Any]]:
    """The query parameters ``kind`` (a *_CONDITION or *_QUERY kind of ``version``)
    reads, as Slurm's parser reads a query: parameter -> (what it sets, the
    field's kind name, the kind resolved through aliases and pointers; a flag is
    read as a BOOL). What it
    sets is the C member for a field with a key (the kind's name for a complex
    field without member, JOB_CONDITION_SUBMIT_TIME), and the flag's macro for a
    flag: one bit of a flag table exploded (a field without key: one parameter
    per flag, v0.0.41 on) or a boolean setting one bit (v0.0.40's FlagSwitch), so
    that what a handler reads does not depend on how the version names it.
    Hidden flags and fields holding an object are not query parameters."""
    from restd.data_parser.types import Alias, Flags, FlagSwitch, Pointer
    table: dict[str, tuple[str, str, Any]] = {}
    for field in version.kind(kind).fields:
        resolved = version.kind(field.kind)
        while isinstance(resolved, (Alias, Pointer)):
            resolved = version.kind(resolved.target)
        if not field.key and isinstance(resolved, Flags):
            for bit in resolved.bits:
                if not bit.hidden:
                    table[bit.name] = (bit.value_name, "BOOL", version.kind("BOOL"))
        elif isinstance(resolved, FlagSwitch):
            table[field.key] = (resolved.bit, "BOOL", version.kind("BOOL"))
        elif field.key:
            table[field.key] = (field.source or field.kind, field.kind, resolved)
    return table


def parse_query(query: dict[str, Any], warn: Callable[[str, str], None], version, kind: str,
                converter: Callable[[str, str, Any], Callable[[Any, str], Any]]
                ) -> dict[str, Any]:
    """``query`` (the url-encoded query, parsed) read as ``kind`` of the request's
    ``version``: {what a parameter sets (:func:`query_parameters`): value}.
    ``converter(sets, kind name, kind)`` gives the function reading a parameter's
    value (``convert(value, parameter name)``; it raises the 422). Unknown
    parameters are ignored with a warning, as Slurm's parser does."""
    table = query_parameters(version, kind)
    out: dict[str, Any] = {}
    for name, value in query.items():
        entry = table.get(name)
        if entry is None:
            warn(f"Ignoring unknown query parameter {name}", f"#/{name}")
            continue
        sets, kind_name, resolved = entry
        out[sets] = converter(sets, kind_name, resolved)(value, name)
    return out


# --- parsing request bodies ----------------------------------------------------------------

def _parsed(result, warn: Callable[[str, str], None], errors: list) -> Any:
    """A parse's value; its warnings given to ``warn``; its errors (all but the first,
    which the refusal carries) appended to ``errors`` and refused with 422."""
    for entry in result.warnings:
        warn(entry["description"], entry["source"])
    if result.errors:
        errors.extend(result.errors[1:])
        raise result.refusal()
    return result.value


def parse_body(ctx, kind: str, data: Any, path: str = "#/") -> Any:
    """``data`` (the request body, or part of it) parsed as ``kind`` of the request's
    data_parser version into C members; every parse error is in the 422 answer."""
    result = _parse.parse(bound(ctx.data_parser.version), kind, data,
                          fast="fast" in ctx.data_parser.flags, path=path)
    return _parsed(result, ctx.warning, ctx.errors)


def require_body(ctx) -> Any:
    """The request's body; 400 without one."""
    if ctx.body is None:
        raise RequestFailed(400, "Request body is required",
                            error_number=ESLURM_REST_FAIL_PARSING,
                            error="Failure during parsing", source="#/")
    return ctx.body


def parse_value(ctx, kind: str, value: Any, source: str):
    """A query parameter's ``value`` read as ``kind`` of the request's version
    (TIMESTAMP...): the parse's result (``value``, ``errors``: the caller says why)."""
    return parse_value_in(ctx.data_parser.version, kind, value, source)


def parse_value_in(version, kind: str, value: Any, source: str):
    """:func:`parse_value` with the version given."""
    return _parse.parse(bound(version), kind, value, path=source)


# --- file descriptors ------------------------------------------------------------------------

# no descriptor for one more socket: the process's (EMFILE) or the system's (ENFILE)
DESCRIPTORS_EXHAUSTED = frozenset({errno.EMFILE, errno.ENFILE})


def descriptors_exhausted() -> Optional[int]:
    """EMFILE or ENFILE when this process cannot open one more socket now, else None."""
    try:
        socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).close()
    except OSError as error:
        if error.errno in DESCRIPTORS_EXHAUSTED:
            return error.errno
    return None


def exhausted_failure(number: int, source: str) -> RequestFailed:
    """503: restd cannot open a connection to Slurm for lack of file descriptors."""
    reason = os.strerror(number)
    return RequestFailed(
        503, f"restd cannot open a connection to Slurm now ({reason}): retry later",
        error_number=number, error=reason, source=source)


def check_descriptors(source: str) -> None:
    """Raise the 503 when no socket can be opened (see exhausted_failure)."""
    number = descriptors_exhausted()
    if number is not None:
        raise exhausted_failure(number, source)


def _out_of_descriptors(number: int) -> bool:
    """A call that could not reach Slurm because restd has no file descriptor left
    (libslurm reports the connection failure, not its cause): 503, not 502."""
    return http_status(number) == 502 and descriptors_exhausted() is not None


# --- one request's worker job --------------------------------------------------------------

class Worker:
    """What one request's worker job sees: the request's data_parser version
    (``version``), its resources, slurmctld's calls (``controller``: what they return
    is owned by the request), its slurmdbd connection (``db``, None without one), and
    the warnings and errors for the envelope (added to the context when the job ends)."""

    def __init__(self, ctx, resources, version, db=None):
        from restd.native import controller
        self.ctx = ctx
        self.version = version
        self.resources = resources  # restd.native.resources.Resources of the request
        self.controller = resources.calls(controller)
        self.db = db
        self.warnings: list[dict] = []
        self.errors: list[dict] = []
        self.status: Optional[int] = None  # set with errors that do not end the work
        self._lookups = None

    # the envelope
    def warn(self, description: str, source: str = "") -> None:
        self.warnings.append({"description": description, "source": source})

    def strerror(self, number: int) -> str:
        return self.version.services.strerror(number)

    def fail(self, number: int, description: str, source: str,
             status: Optional[int] = None) -> RequestFailed:
        """The refusal answering Slurm's error ``number`` (raise it)."""
        if status is None and _out_of_descriptors(number):
            return exhausted_failure(descriptors_exhausted(), source)
        return RequestFailed(http_status(number) if status is None else status, description,
                             error_number=number, error=self.strerror(number), source=source)

    def error(self, number: int, description: str, source: str) -> None:
        """An error in the envelope while the answer is still given (the status
        follows the first error, as in slurmrestd)."""
        self.errors.append({"description": description, "error_number": number,
                            "error": self.strerror(number), "source": source})
        if self.status is None:
            self.status = 503 if _out_of_descriptors(number) else http_status(number)

    def modified(self, last_update: int) -> None:
        """Last-Modified: the time Slurm wrote the data (not the time of the answer)."""
        if last_update > 0:
            self.ctx.last_modified = last_update

    # dumping and parsing with the request's version
    def dump(self, kind: str, value: Any, lookups: bool = False) -> Any:
        """``value`` dumped as ``kind``; with ``lookups``, the database's QOS and TRES
        at hand (names of ids: Slurm's NEED_QOS, NEED_TRES)."""
        from restd.native.services import get
        if not lookups:
            return _dump.dump(self.version, kind, value, get=get, warnings=self.warnings)
        with _lookups_module().lookups(self.lookups()):
            return _dump.dump(self.version, kind, value, get=get, warnings=self.warnings)

    def records(self, kind: str, message: Any, batch: Optional[int] = None,
                lookups: Any = None) -> Records:
        """The records of a native ``message`` (a restd.native.controller Message, a
        restd.native.accounting.JobRecords: ``len()`` and ``records(start, stop)``) as
        an answer's list of ``kind``: restd.app dumps them once the job is over (the
        message is then the answer's, closed once written); with ``lookups`` (see
        :meth:`lookups`) at hand while they are dumped."""
        from restd.native.services import get
        version, close = self.version, self.resources.hand_over(message)

        def render(start: int, stop: int, warnings: list) -> list:
            if lookups is None:
                return _dump.dump(version, kind, message.records(start, stop), get=get,
                                  warnings=warnings)
            with dumping_with(lookups):
                return _dump.dump(version, kind, message.records(start, stop), get=get,
                                  warnings=warnings)
        return Records(kind, message, len(message), render, close, batch=batch)

    def parse_body(self, kind: str) -> Any:
        """The request body parsed as ``kind``, in the worker thread (a parse may ask
        libslurm: hostlists), with the database's lookups (QOS names, TRES) when the
        job has a slurmdbd connection."""
        require_body(self.ctx)
        fast = "fast" in self.ctx.data_parser.flags
        if self.db is None:
            result = _parse.parse(self.version, kind, self.ctx.body, fast=fast)
        else:
            with _lookups_module().lookups(self.lookups()):
                result = _parse.parse(self.version, kind, self.ctx.body, fast=fast)
        for entry in result.errors:
            if not entry.get("error") and entry.get("error_number"):
                entry["error"] = self.strerror(entry["error_number"])
        return _parsed(result, self.warn, self.errors)

    # slurmdbd
    def lookups(self, **more):
        """The database's QOS names and TRES (fetched once per request), with
        ``more`` (associations...) when given."""
        if self._lookups is None:
            self._lookups = _lookups_module().Lookups(qos=self.db.qos_names(),
                                                     tres=self.db.tres_get())
        if more:
            known = self._lookups
            return _lookups_module().Lookups(qos=known.qos, tres=known.tres, **more)
        return self._lookups

    def query_list(self, call: str, source: str, fn: Callable[[], Any],
                   ignore_empty: bool = False) -> Any:
        """db_query_list(): the records, a warning when there are none; errors
        raised (SLURM_NO_CHANGE_IN_DATA too, answered 304)."""
        from restd.native.errors import SlurmError
        try:
            records = fn()
        except SlurmError as error:
            if error.number == SLURM_NO_CHANGE_IN_DATA and ignore_empty:
                self.warn(f"{call}() reports nothing changed", source)
                return []
            raise self.fail(error.number, f"{call}() failed", source) from None
        if not len(records) and not ignore_empty:
            self.warn(f"{call}() found nothing", source)
        return records

    def query_rc(self, call: str, source: str, fn: Callable[[], T]) -> T:
        """db_query_rc(): a call returning a code."""
        from restd.native.errors import SlurmError
        try:
            return fn()
        except SlurmError as error:
            raise self.fail(error.number, f"{call}() failed", source) from None

    def commit(self, source: str) -> None:
        from restd.native.errors import SlurmError
        try:
            self.db.commit()
        except SlurmError as error:
            raise self.fail(error.number, "slurmdb_connection_commit() failed",
                            source) from None


def dumping_with(lookups):
    """A context in which dumps and parses see ``lookups`` (Worker.lookups())."""
    return _lookups_module().lookups(lookups)


# Requests that change accounting run one at a time: slurmdbd 22.05 keeps each
# connection's changes in an open transaction until the commit, and two such
# transactions adding and removing associations at once can leave the association
# tree (lft/rgt) inconsistent.
_WRITE_LOCK = threading.Lock()


def _connection_failure(error, worker_version) -> RequestFailed:
    """slurmdbd cannot be reached (502), or restd is out of file descriptors (503)."""
    exhausted = descriptors_exhausted()
    if exhausted is not None or error.number in DESCRIPTORS_EXHAUSTED:
        return exhausted_failure(exhausted or error.number, "openapi_get_db_conn")
    return RequestFailed(http_status(ESLURM_DB_CONNECTION),
                         "Failed to open slurmdbd connection",
                         error_number=ESLURM_DB_CONNECTION,
                         error=worker_version.services.strerror(ESLURM_DB_CONNECTION),
                         source="openapi_get_db_conn")


async def run(ctx, work: Callable[[Worker], Any], *, source: str,
              database: bool = False) -> Any:
    """``work(worker)`` in one worker job, as the request's identity. With
    ``database``, on a slurmdbd connection of its own (committed by the work,
    rolled back otherwise), and one at a time for requests that change accounting
    (every method but GET). The worker's warnings and errors go to the context; a
    refusal whose status is 304 (nothing changed) is answered 304 without a body.
    ``source`` names the plugin in the errors answered here."""
    version = bound(ctx.data_parser.version)
    lock = _WRITE_LOCK if database and ctx.request.method.upper() != "GET" else None

    def job(resources):
        worker: Optional[Worker] = None

        def connect_and_work():
            nonlocal worker
            if not database:
                worker = Worker(ctx, resources, version)
                return work(worker)
            from restd.native import accounting
            from restd.native.errors import SlurmError
            try:
                connection = accounting.Connection(resources)
            except SlurmError as error:
                raise _connection_failure(error, version) from None
            # closed here, before the lock is released (committed or rolled back)
            with resources.closing(connection) as db:
                worker = Worker(ctx, resources, version, db)
                return work(worker)

        try:
            if lock is None:
                result = connect_and_work()
            else:
                with lock:
                    result = connect_and_work()
            return worker, result, None
        except RequestFailed as failure:
            return worker, None, failure

    worker, result, failure = await run_in_worker(ctx, job, load=load, source=source)
    if worker is not None:
        ctx.warnings.extend(worker.warnings)
        ctx.errors.extend(worker.errors)
        if worker.status is not None:
            ctx.status = worker.status
    if failure is not None:
        if failure.status == 304:
            return Response(304)
        raise failure
    return result


async def run_in_worker(ctx, job: Callable[[Any], T], *, load: Callable[[], Any],
                        source: str) -> T:
    """``job(resources)`` in one worker job as ``ctx.identity``; its native resources
    closed by ``resources`` (restd.native.resources.Resources). ``load()`` loads
    libslurm (the plugin's configuration) before anything else. ``source`` names the
    plugin in the errors answered here."""
    identity = ctx.identity
    from restd.native.resources import Resources
    resources = Resources()

    def in_worker() -> T:
        load()
        check_descriptors(source)
        if identity is None or identity.credential is None:
            return job_then_close()
        from restd.native.identity import as_user
        with as_user(identity.credential, identity.user):
            # closed inside as_user: a connection's last messages go out as the user
            return job_then_close()

    def job_then_close() -> T:
        try:
            return job(resources)
        finally:
            resources.end_job()

    try:
        return await ctx.run_blocking(in_worker)
    except asyncio.CancelledError:
        resources.abandon()  # the job may still run: what it hands on is closed when it ends
        raise
    except Exception as error:
        from restd.native.library import SlurmLoadError
        if isinstance(error, SlurmLoadError):
            raise RequestFailed(502, f"Unable to load libslurm: {error}",
                                error_number=SLURM_ERROR, error="Unspecified error",
                                source=source) from None
        raise
