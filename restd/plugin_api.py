"""What a plugin is: the interfaces of the four plugin families and the few types
they share with the application.

A plugin is a module (``restd.plugins.<family>.<name>`` or an entry point in group
``restd.plugins`` named ``<family>.<name>``) whose module-level names follow one of
the protocols below. Every plugin may also define ``init(config)`` (called once,
after loading, with the :class:`restd.config.Config`) and ``fini()`` (called at
shutdown). Nothing here does I/O.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import (Any, Awaitable, Callable, Hashable, Iterable, Mapping, Optional, Protocol,
                    Sequence, Union)

from restd.http.messages import Request

JsonSchema = dict[str, Any]  # an OpenAPI 3.0 schema object (never oneOf/anyOf)


# --- auth -----------------------------------------------------------------------

@dataclass(frozen=True)
class Identity:
    """Who a request acts as. ``credential`` is what the auth plugin needs to act
    on the user's behalf towards Slurm (a JWT, say): never printed nor logged."""

    user: str
    group: str = ""
    uid: Optional[int] = None
    gid: Optional[int] = None
    credential: Optional[str] = field(default=None, repr=False)


class AuthError(Exception):
    """A credential was presented and is not valid: the request is answered 401.
    The message is shown to the client; it must not contain the credential."""


class AuthPlugin(Protocol):
    NAME: str  # "local", "jwt"

    async def authenticate(self, request: Request) -> Optional[Identity]:
        """The identity the request carries, or None when this plugin finds no
        credential of its kind (the next plugin is tried). Raises AuthError on a
        credential of its kind that is not valid."""


# --- serializer -----------------------------------------------------------------

class SerializerError(ValueError):
    """Input that does not parse; ``line`` and ``column`` (1-based) where known."""

    def __init__(self, message: str, line: Optional[int] = None,
                 column: Optional[int] = None):
        super().__init__(message)
        self.line = line
        self.column = column

    def __str__(self) -> str:
        where = (f" (line {self.line}, column {self.column})"
                 if self.line is not None and self.column is not None else "")
        return f"{self.args[0]}{where}"


class SerializerPlugin(Protocol):
    NAME: str  # "json"
    MIME_TYPES: Sequence[str]  # lower-case; the first is the Content-Type of answers
    # Answers in this format; None for an input-only format (url-encoded).
    dump: Optional[Callable[[Any, bool], bytes]]  # dump(obj, pretty) -> bytes

    def load(self, data: bytes) -> Any:
        """Parse ``data``; raises SerializerError."""


# --- data_parser ----------------------------------------------------------------

class DataParserPlugin(Protocol):
    NAME: str  # "v0.0.40": the version segment of the URLs it serves
    FLAGS: frozenset[str]  # accepted "+flag" suffixes: {"fast", ...}
    # The version's descriptions (restd.data_parser.describe.Version): what the
    # content plugins dump and parse with for a request of this version.
    VERSION: Any

    def schemas(self) -> Mapping[str, JsonSchema]:
        """Component schemas for the OpenAPI document, by full component name
        (``v0.0.40_job_desc_msg``); their ``$ref``s point at
        ``#/components/schemas/<full name>``."""

    # Reserved for the data_parser work, which defines them (the same field tables
    # drive both, and schemas()): converting between Slurm objects and the
    # plain data serializers handle, with warnings and errors reported through
    # the HandlerContext.
    #   def dump(type_name: str, value: Any, ctx: HandlerContext) -> Any
    #   def parse(type_name: str, data: Any, ctx: HandlerContext) -> Any


@dataclass(frozen=True)
class DataParser:
    """A loaded data_parser plugin with the flags chosen on the command line."""

    module: DataParserPlugin
    flags: frozenset[str] = frozenset()

    @property
    def name(self) -> str:
        return self.module.NAME

    @property
    def version(self):
        """The descriptions of this version (a restd.data_parser.describe.Version,
        without services: a content plugin binds its own)."""
        return self.module.VERSION

    @property
    def plugin_type(self) -> str:
        """As shown in meta.plugin.data_parser."""
        return f"data_parser/{self.module.NAME}"

    @property
    def operation_id_part(self) -> str:
        """``v0.0.40`` -> ``v0040``, as in operation ids (slurm_v0040_get_jobs)."""
        return self.module.NAME.replace(".", "")


# --- content --------------------------------------------------------------------

@dataclass(frozen=True)
class Parameter:
    """A path or query parameter of an operation."""

    name: str
    location: str  # "path" or "query"
    schema: JsonSchema = field(default_factory=lambda: {"type": "string"})
    required: bool = False  # path parameters are always required
    deprecated: bool = False
    allow_empty: bool = False  # a flag given without value ("?with_deleted")

    def __post_init__(self):
        if self.location not in ("path", "query"):
            raise ValueError(f"parameter {self.name}: location must be path or query")


@dataclass(frozen=True)
class OperationSpec:
    """An operation, declared once for every data_parser version.

    ``path`` contains ``{data_parser}`` (``/slurm/{data_parser}/jobs/``),
    ``operation_id`` contains ``{dp_id}`` (``slurm_{dp_id}_get_jobs``), and the schema
    names contain ``{data_parser}`` (``{data_parser}_openapi_job_info_resp``): the
    router and the OpenAPI generator expand them for each loaded data_parser that
    describes them. An operation is served under a version exactly when that
    version describes its request and response schemas (and its query kind):
    job/allocate from v0.0.41 on; ``since`` names the first version of one whose
    bodies every version describes (DELETE partition/{partition_name}, v0.0.45). ``response_schema`` may name alternatives, the
    first one a version describes being its answer (DELETE job: v0.0.42's
    ``openapi_kill_job_resp``, before it ``openapi_resp``).

    ``query`` names the kind describing the query parameters, as Slurm's
    ``*_QUERY`` parser types do (``OPENAPI_JOB_INFO_QUERY``): a kind of the
    data_parser's version whose fields are the parameters (name, enum of a flag
    table, required, deprecated; a field without key is a flag table whose
    flags are each a parameter), so each version publishes its own. The path
    parameters stay in ``parameters``, as does any hand-written query parameter
    of a plugin without descriptions.

    The handler returns a dict, the answer's fields (``{"jobs": [...]}``), to which
    restd adds ``meta``, ``errors`` and ``warnings`` (a list's value may be a
    :class:`Records` or a :class:`ListStream`: restd renders it); or, rarely, a finished
    :class:`restd.http.messages.Response` (a 304 without a body, say).
    """

    method: str  # "GET", "POST", "DELETE", ...
    path: str
    operation_id: str
    handler: Callable[["HandlerContext"], Awaitable[Any]]
    response_schema: Union[str, tuple[str, ...]]
    tags: tuple[str, ...] = ()
    parameters: tuple[Parameter, ...] = ()
    request_schema: Optional[str] = None
    query: Optional[str] = None  # the query parameters' kind (OPENAPI_JOB_INFO_QUERY)
    # A GET that only reads: concurrent identical requests of one user may share one
    # fetch (restd.shared_fetch). False for a GET that acts (reconfigure).
    shared: bool = True
    # The first data_parser version serving it, for an operation whose bodies older
    # versions describe too (DELETE partition/{partition_name}: v0.0.45 added it,
    # answering the envelope every version has); None: whenever the bodies are described.
    since: Optional[str] = None
    # Who sees the same answer (for a shared GET): ``await visibility(ctx)`` on the
    # authenticated request with its query parsed gives a class (hashable) whose
    # members all get the same answer from Slurm, so that requests of different
    # users in one class share a fetch; None (or no callable): each identity its own.
    visibility: Optional[Callable[["HandlerContext"], Awaitable[Optional[Hashable]]]] = None
    # The handler uses Slurm's change detection: given ``ctx.unchanged_since`` (a time
    # its answer gave as Last-Modified; 0: none), it loads with that update_time and
    # returns UNCHANGED when Slurm reports no change since, without a list to convert.
    changes: bool = False


class Unchanged:
    """What a handler returns when Slurm reports no change since
    ``ctx.unchanged_since``: restd answers with what it gave for that time."""

    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED = Unchanged()


@dataclass(frozen=True)
class SlurmInfo:
    """What meta.slurm and meta.plugin.accounting_storage show. Empty strings
    where no Slurm information is available: restd never makes it up."""

    major: str = ""
    micro: str = ""
    minor: str = ""
    release: str = ""
    cluster: str = ""
    accounting_storage: str = ""


class ContentPlugin(Protocol):
    NAME: str  # "slurmctld"
    PLUGIN_TYPE: str  # "openapi/slurmctld": meta.plugin.type and info.version
    PLUGIN_NAME: str  # "Slurm OpenAPI slurmctld": meta.plugin.name

    def operations(self) -> Iterable[OperationSpec]: ...

    # Optional:
    #   def schemas(data_parser: str) -> Mapping[str, JsonSchema]
    #       component schemas the plugin defines itself (a site's own endpoints),
    #       named as in DataParserPlugin.schemas().
    #   def slurm_info() -> SlurmInfo
    #       the Slurm version and cluster for meta.slurm (cached by the plugin:
    #       it is called for every answer). The first content plugin that defines
    #       it provides them.


class PluginUnavailable(Exception):
    """Raised by a plugin's ``init(config)`` when it cannot serve in this
    configuration (openapi/slurmdbd without accounting). The message says why.
    A plugin asked for by name then stops restd from starting; one loaded by
    default (content plugins, no -s given) is left out with a warning."""


class RequestFailed(Exception):
    """Raised by a handler to answer ``status`` with this error in the envelope
    (``error`` is the text of ``error_number``, as slurm_strerror() gives it)."""

    def __init__(self, status: int, description: str, *, error_number: int = 0,
                 error: str = "", source: str = ""):
        super().__init__(description)
        self.status = status
        self.entry = {"description": description, "error_number": error_number,
                      "error": error, "source": source}


class ListStream:
    """A list of an answer that is converted and written piece by piece.

    For answers too large to hold twice (years of slurmdb job history): the
    handler keeps what Slurm returned (``count`` records) and returns this object
    as the list's value; restd.app then calls ``render(start, stop)`` in the
    worker pool for ``batch`` records at a time, serializes each batch and
    writes it to the client before converting the next one, so only Slurm's
    records and one batch are in memory. ``render`` returns the dumped items
    and may append warnings to ``warnings`` (they end up in the answer, whose
    ``warnings`` are written after the list). ``close()`` releases the records;
    restd calls it once, whether the answer was written, cut short or never
    started (a HEAD request, a client gone). Serializers that cannot write a
    list piece by piece (YAML) get the whole list instead.
    """

    def __init__(self, count: int, render: Callable[[int, int], list],
                 close: Callable[[], None], *, batch: int = 500):
        self.count = count
        self.render = render
        self.batch = max(1, batch)
        self.warnings: list[dict[str, Any]] = []
        self._close = close
        self._closed = False
        # render() runs in a worker thread while close() may come from the event
        # loop (a cancelled answer): the records must not be freed under render().
        self._lock = threading.Lock()

    def render_range(self, start: int, stop: int) -> list:
        with self._lock:
            if self._closed:
                raise RuntimeError("the records of this list were released")
            return self.render(start, stop)

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                self._close()

    def ranges(self):
        """(start, stop) of each batch."""
        for start in range(0, self.count, self.batch):
            yield start, min(start + self.batch, self.count)


class Records:
    """A list of an answer as Slurm's records plus the data_parser kind to dump
    them as: the handler returns it as the list's value, restd.app renders it.

    For JSON answers the app uses the generated C dumper of (the request's
    version, ``kind``) where there is one (restd.native.fastpath.dumper reads
    ``message``, the native message holding the records); otherwise, and for
    the other formats, ``render(start, stop, warnings)``: the version's Python
    dump of records [start, stop), appending the warnings it gives to
    ``warnings``. ``close()`` releases the records; restd calls it once,
    whether the answer was written or not. With ``batch``, a JSON answer is
    written ``batch`` records at a time while it goes out (see ListStream);
    without, the list is converted whole in a worker thread before the answer
    is dumped (and may then be shared and validated by an ETag).
    """

    def __init__(self, kind: str, message: Any, count: int,
                 render: Callable[[int, int, list], list], close: Callable[[], None], *,
                 batch: Optional[int] = None):
        self.kind = kind
        self.message = message
        self.count = count
        self.render = render
        self.close = close
        self.batch = batch


class HandlerContext(Protocol):
    """What a handler receives (built by restd.app for each request)."""

    request: Request
    identity: Identity
    data_parser: DataParser
    path_params: dict[str, str]
    query: dict[str, Any]  # the url-encoded query string, parsed
    body: Any  # the parsed request body, None without one
    status: int  # answer status, 200 unless the handler changes it
    # If-Modified-Since of a GET in seconds (None: absent, unreadable, or beside
    # If-None-Match); a handler that can ask Slurm whether its data changed since
    # answers Response(304) when not. last_modified: set by the handler to the
    # time of its data where Slurm gives one (sent as Last-Modified).
    if_modified_since: Optional[int]
    last_modified: Optional[int]
    errors: list[dict[str, Any]]
    warnings: list[dict[str, Any]]

    def warning(self, description: str, source: str = "") -> None: ...

    def error(self, description: str, *, error_number: int = 0, error: str = "",
              source: str = "") -> None: ...

    async def run_blocking(self, function: Callable[..., Any], *args: Any) -> Any:
        """Run blocking work (libslurm calls) in the worker thread pool (-t)."""
