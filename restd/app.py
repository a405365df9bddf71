"""The application: what turns a Request into a Response.

route -> negotiate the answer's format -> authenticate -> parse query and body ->
call the operation's handler -> wrap its result in slurmrestd's envelope (meta,
errors, warnings) -> dump. A failing handler costs one 500 answer, never the
daemon. No sockets here: the HTTP server calls ``await app(request)``.
"""
from __future__ import annotations

import asyncio
import dataclasses
import email.utils
import functools
import hashlib
import json
import logging
import re
import secrets
from concurrent.futures import ThreadPoolExecutor
from types import ModuleType
from typing import Any, Callable, Hashable, Optional

from restd.config import Config
from restd.http.messages import Request, Response
from restd.negotiation import Negotiator, UnsupportedBody
from restd.openapi import Operation, build_document, expand_operations
from restd.plugin_api import (UNCHANGED, AuthError, DataParser, Identity, ListStream,
                              Records, RequestFailed, SerializerError, SlurmInfo)
from restd.plugin_loader import Plugins
from restd.router import NOT_FOUND_TEXT, Match, MethodNotAllowed, Router
from restd.memory import Trimmer, limit_arenas
from restd.shared_fetch import LastAnswers, Outcome, SharedFetches

log = logging.getLogger(__name__)

# Slurm error numbers used here, with slurm_strerror()'s text for each
# (slurm/slurm_errno.h, src/common/slurm_errno.c).
SLURM_ERROR = -1
ESLURM_REST_FAIL_PARSING = 9001
ESLURM_REST_AUTH_FAIL = 9008
ESLURM_DATA_UNKNOWN_MIME_TYPE = 9204
SLURM_ERROR_TEXT = {
    SLURM_ERROR: "Unspecified error",
    ESLURM_REST_FAIL_PARSING: "Failure during parsing",
    ESLURM_REST_AUTH_FAIL: "Authentication failure",
    ESLURM_DATA_UNKNOWN_MIME_TYPE: "MIME type is unknown to any loaded plugins",
}

OPENAPI_PATHS = ("/openapi", "/openapi/v3")  # answered in the negotiated format
OPENAPI_FILES = {"/openapi.json": "json", "/openapi.yaml": "yaml"}  # fixed format
FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"
# Where the per-request parts of meta.client go in an answer dumped once for several
# requests (random: never in Slurm's data; letters, digits and dashes: written as is)
_MARK_ID = secrets.token_hex(16)
CLIENT_MARKS = {name: f"restd-client-{name}-{_MARK_ID}" for name in ("source", "user", "group")}


class Template:
    """An answer dumped once for every request that shares it, cut where the marks
    of :data:`CLIENT_MARKS` were written: each request's body is the pieces joined
    with its own meta.client values, written as JSON strings (which YAML 1.2 reads as
    double-quoted scalars), in place of the quoted mark (JSON) or of the plain scalar
    (YAML). ``digest`` hashes the answer without those values."""

    def __init__(self, dumped: bytes):
        marks = {mark.encode(): name for name, mark in CLIENT_MARKS.items()}
        found = sorted((dumped.find(mark), mark) for mark in marks)
        if any(dumped.count(mark) != 1 for mark in marks):
            raise ValueError("a client mark is not once in the answer")
        self.pieces: list[bytes] = []
        self.names: list[str] = []
        start = 0
        for index, mark in found:
            end = index + len(mark)
            if dumped[index - 1:index] == b'"' and dumped[end:end + 1] == b'"':
                index, end = index - 1, end + 1
            self.pieces.append(dumped[start:index])
            self.names.append(marks[mark])
            start = end
        self.pieces.append(dumped[start:])
        self.size = len(dumped)
        self.digest = hashlib.sha256(b"".join(self.pieces)).hexdigest()

    def body(self, values: dict[str, str]) -> bytes:
        parts = [self.pieces[0]]
        for name, piece in zip(self.names, self.pieces[1:]):
            parts += (_json_string(values[name]), piece)
        return b"".join(parts)

    def etag(self, user: str, group: str) -> str:
        """The answer's strong ETag for a user: the same data has the same ETag on
        every connection (meta.client.source left out), and differs per user and group
        (meta.client.user and group are in the body)."""
        return _etag(self.digest, user, group)


@functools.lru_cache(maxsize=1024)
def _etag(digest: str, user: str, group: str) -> str:
    """Template.etag, hashed once per answer and user (the requests sharing an answer
    asked for it once each)."""
    who = hashlib.sha256(f"{digest}\0{user}\0{group}".encode())
    return f'"{who.hexdigest()[:40]}"'


@functools.lru_cache(maxsize=4096)
def _json_string(value: str) -> bytes:
    """A meta.client value as a JSON string (ensure_ascii: escaped as both formats
    read them); the same sources, users and groups come back request after request."""
    return json.dumps(value).encode()


def _if_modified_since(request: Request) -> Optional[int]:
    """If-Modified-Since of a GET or HEAD, in seconds; None when absent, not a
    date, or beside If-None-Match (which then decides: RFC 9110 13.1.3)."""
    value = request.header("if-modified-since")
    if value is None or request.method not in ("GET", "HEAD") \
            or request.header("if-none-match") is not None:
        return None
    try:
        return int(email.utils.parsedate_to_datetime(value).timestamp())
    except (TypeError, ValueError, OverflowError):
        return None  # not a date: ignored, as RFC 9110 says


# W/"<the time slurmctld wrote the list>-<its records>-<digest>" (App._stream_validator)
_STREAM_VALIDATOR = re.compile(r'W/"([0-9]{1,19})-([0-9]{1,19})-[0-9a-f]{24}"')


def _who(ctx: RequestContext, visibility: Optional[Hashable]) -> tuple:
    """Who gets the same answer: the visibility class, else the identity."""
    if visibility is not None:
        return ("class", visibility)
    identity = ctx.identity
    if identity is None:
        return ("nobody",)
    return ("identity", identity.user, identity.uid, identity.group, identity.gid)


def _validators(ctx: RequestContext) -> list[tuple[str, str]]:
    if ctx.last_modified is None:
        return []
    return [("Last-Modified", _http_date(ctx.last_modified))]


@functools.lru_cache(maxsize=64)
def _http_date(seconds: int) -> str:
    """An HTTP date (RFC 9110 5.6.7); the answers sharing a fetch carry the same one."""
    return email.utils.formatdate(seconds, usegmt=True)


def _etag_matches(if_none_match: list[str], etag: str) -> bool:
    """If-None-Match (RFC 9110 13.1.2: weak comparison, "*" matches any)."""
    for value in if_none_match:
        for candidate in value.split(","):
            candidate = candidate.strip()
            if candidate == "*" or candidate.removeprefix("W/") == etag:
                return True
    return False


def _failure(status: int, description: str, error_number: int, source: str) -> RequestFailed:
    return RequestFailed(status, description, error_number=error_number,
                         error=SLURM_ERROR_TEXT[error_number], source=source)


def _text(status: int, text: str, headers: Optional[list[tuple[str, str]]] = None
          ) -> Response:
    return Response(status, text.encode(), content_type="text/plain",
                    headers=headers or [])


class RequestContext:
    """What a handler sees of its request (restd.plugin_api.HandlerContext)."""

    def __init__(self, request: Request, operation: Operation, path_params: dict[str, str],
                 executor: ThreadPoolExecutor):
        self.request = request
        self.operation = operation
        self.data_parser: DataParser = operation.data_parser
        self.path_params = path_params
        self.identity: Optional[Identity] = None
        self.query: dict[str, Any] = {}
        self.body: Any = None
        self.status = 200
        self.errors: list[dict[str, Any]] = []
        self.warnings: list[dict[str, Any]] = []
        # the answer's serializer (its NAME, "json"...) and layout: the app's, which
        # renders the lists handlers return as Records (see App._render_records)
        self.answer_serializer: Optional[str] = None
        self.answer_pretty = True
        # Last-Modified (seconds since the epoch), set by a handler where Slurm gives
        # the time of its data; If-Modified-Since, for handlers that can ask Slurm
        # whether anything changed since (they answer 304 themselves)
        self.last_modified: Optional[int] = None
        self.if_modified_since: Optional[int] = _if_modified_since(request)
        # for handlers with Slurm's change detection (OperationSpec.changes): the time
        # of an answer restd kept, to load with as update_time (0: none)
        self.unchanged_since = 0
        self._executor = executor

    def warning(self, description: str, source: str = "") -> None:
        self.warnings.append({"description": description, "source": source})

    def error(self, description: str, *, error_number: int = 0, error: str = "",
              source: str = "") -> None:
        self.errors.append({"description": description, "error_number": error_number,
                            "error": error, "source": source})

    async def run_blocking(self, function: Callable[..., Any], *args: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(function, *args))


class App:
    """``await app(request) -> Response``; built once at start by :func:`build_app`."""

    def __init__(self, config: Config, plugins: Plugins):
        self._config = config
        self._plugins = plugins
        # Before the executor's threads exist: they would each take an arena of their own.
        limit_arenas(config.malloc_arenas)
        self._executor = ThreadPoolExecutor(config.threads, thread_name_prefix="restd-worker")
        self._negotiator = Negotiator(plugins.serializers)
        self._serializers = {serializer.NAME: serializer for serializer in plugins.serializers}
        self._form_reader = self._negotiator.reader(FORM_MEDIA_TYPE)
        self._shared = SharedFetches(config.shared_fetch_window)
        self._last_answers = LastAnswers(config.last_answers_bytes)
        self.dumps = 0  # answers dumped whole for a fetch (also in the debug log)
        self._trimmer = Trimmer(self._executor, enabled=config.malloc_trim)
        self._slurm_info: Callable[[], SlurmInfo] = next(
            (plugin.slurm_info for plugin in plugins.content if hasattr(plugin, "slurm_info")),
            SlurmInfo)

        if not plugins.auth:
            log.warning("no authentication plugin loaded: every request outside /openapi "
                        "will be refused (401)")
        if not plugins.data_parsers:
            log.warning("no data_parser plugin loaded: only /openapi is served")
        operations = expand_operations(plugins)
        self.document = build_document(operations, plugins)
        self._document_bytes: dict[str, bytes] = {}  # by serializer name, built on demand
        # Every answer carries every field of its schema, failures too (a client generated
        # from the document rejects an answer missing a required field): what a handler
        # did not fill is the field's empty value.
        self._empty_answers = {operation.operation_id: self._empty_answer(operation)
                               for operation in operations}
        self._router = Router()
        for operation in operations:
            self._router.add(operation.method, operation.path,
                             functools.partial(self._operation, operation))
        for path in OPENAPI_PATHS:
            self._router.add("GET", path, functools.partial(self._openapi, None))
        for path, name in OPENAPI_FILES.items():
            if name in self._serializers:
                self._router.add("GET", path, functools.partial(self._openapi, name))

    def _empty_answer(self, operation: Operation) -> dict[str, Any]:
        schemas = self.document.get("components", {}).get("schemas", {})

        def empty(schema: dict[str, Any], depth: int) -> Any:
            while "$ref" in schema:
                schema = schemas.get(schema["$ref"].rsplit("/", 1)[-1], {})
            kind = schema.get("type")
            if kind == "object" and depth < 8:
                return {name: empty(child, depth + 1)
                        for name, child in schema.get("properties", {}).items()}
            return {"object": {}, "array": [], "string": "", "integer": 0, "number": 0,
                    "boolean": False}.get(kind)

        answer = empty({"$ref": operation.response_schema}, 0)
        if not isinstance(answer, dict):
            return {}
        for envelope_field in ("meta", "errors", "warnings"):
            answer.pop(envelope_field, None)
        return answer

    async def __call__(self, request: Request) -> Response:
        route = self._router.match(request.method, request.path)
        if route is None:
            return _text(404, NOT_FOUND_TEXT)
        if isinstance(route, MethodNotAllowed):
            allowed = ", ".join(route.allowed)
            return _text(405, f"Method {request.method} is not allowed on this URL; allowed: "
                              f"{allowed}. Please view /openapi/v3 for API reference.",
                         [("Allow", allowed)])
        assert isinstance(route, Match)
        try:
            return await route.target(request, route.params)
        except Exception:
            # The operation answers its own failures; this is a bug in restd.
            log.exception("%s %s: internal error", request.method, request.path)
            return _text(500, "Internal error")
        finally:
            # freed memory back to the kernel once answering pauses (restd/memory.py);
            # a list written piece by piece says so again when written
            self._trimmer.answered()

    def close(self) -> None:
        """Stop the worker threads (running calls finish; queued ones are dropped)."""
        self._trimmer.close()
        self._executor.shutdown(wait=False, cancel_futures=True)

    def _unacceptable(self) -> Response:
        # slurmrestd answers 415 (not 406) when the Accept header rules out every format.
        return _text(415, "None of the requested formats (Accept) can be produced; "
                          f"available: {', '.join(self._negotiator.output_types)}")

    async def _openapi(self, serializer_name: Optional[str], request: Request,
                       params: dict[str, str]) -> Response:
        if serializer_name is None:
            writer = self._negotiator.writer(request.header("accept"))
            if writer is None:
                return self._unacceptable()
            media, serializer = writer
        else:
            serializer = self._serializers[serializer_name]
            media = serializer.MIME_TYPES[0]
        body = self._document_bytes.get(serializer.NAME)
        if body is None:
            # Hundreds of kilobytes: dumped once, in a worker, not on the event loop.
            body = await asyncio.get_running_loop().run_in_executor(
                self._executor, serializer.dump, self.document,
                self._config.pretty(serializer.NAME))
            self._document_bytes[serializer.NAME] = body
        return Response(200, body, content_type=media)

    async def _operation(self, operation: Operation, request: Request,
                         params: dict[str, str]) -> Response:
        writer = self._negotiator.writer(request.header("accept"))
        if writer is None:
            return self._unacceptable()
        ctx = RequestContext(request, operation, params, self._executor)
        ctx.answer_serializer = writer[1].NAME
        ctx.answer_pretty = self._config.pretty(writer[1].NAME)
        result: Any = {}
        try:
            ctx.identity = await self._authenticate(request)
            ctx.query = self._parse_query(request.query)
            ctx.body = self._parse_body(request)
        except RequestFailed as failure:
            ctx.status = failure.status
            ctx.errors.append(failure.entry)
            return self._answer(ctx, result, *writer)
        visibility = None
        if ctx.operation.spec.visibility is not None and request.method in ("GET", "HEAD"):
            visibility = await ctx.operation.spec.visibility(ctx)
        key = self._share_key(ctx, writer[0], visibility)
        who = _who(ctx, visibility)
        # a validator of a streamed answer in If-None-Match: the time its list was
        # written, loaded as update_time (requests with the same one share a fetch)
        since = self._validated_since(ctx, who, writer[0])
        outcome, result = await self._shared.run(
            key if key is None or since is None else (*key, ("since", since)),
            functools.partial(self._handle_kept, ctx, key, writer[0], since))
        if isinstance(result, Response) and not isinstance(result.body, bytes):
            # an answer written as it goes cannot be shared: this request makes its own
            outcome, result = await self._shared.run(None, functools.partial(self._handle, ctx))
        ctx.status = outcome.status
        ctx.errors = list(outcome.errors)
        ctx.warnings = list(outcome.warnings)
        ctx.last_modified = outcome.last_modified
        if isinstance(result, Response):
            return dataclasses.replace(result, headers=list(result.headers),
                                       user=ctx.identity.user)
        if result is UNCHANGED:  # nothing changed since the client's validator
            return Response(304, b"", headers=[
                ("ETag", self._stream_validator(ctx, who, writer[0], *since)),
                *_validators(ctx)], user=ctx.identity.user)
        if isinstance(result, dict) and any(isinstance(value, ListStream)
                                            for value in result.values()):
            etag = None
            if ctx.status == 200 and ctx.last_modified and ctx.operation.spec.changes:
                records = sum(value.count for value in result.values()
                              if isinstance(value, ListStream))
                etag = self._stream_validator(ctx, who, writer[0], ctx.last_modified,
                                              records)
            return await self._answer_streamed(ctx, result, *writer, etag=etag)
        if request.method in ("GET", "HEAD") and ctx.status == 200 \
                and isinstance(result, dict):
            return self._answer_validated(ctx, outcome, result, *writer)
        return self._answer(ctx, result, *writer)

    def _answer_validated(self, ctx: RequestContext, outcome: Outcome, result: dict,
                          media: str, serializer: ModuleType) -> Response:
        """A successful read, with its ETag (:meth:`Template.etag`). The answer is
        dumped once per fetch with marks where meta.client's source, user and group go
        (see restd.shared_fetch): each participant's body is that dump with its own
        values put in; a request whose If-None-Match names the ETag is answered 304
        without a body."""
        pretty = self._config.pretty(serializer.NAME)
        template = outcome.derived.get(media)
        if template is None:
            try:
                template = outcome.derived.setdefault(
                    media, self._template(ctx, result, serializer, pretty))
            except Exception:
                return self._answer(ctx, result, media, serializer)  # fails there, logged
            self.dumps += 1
            log.debug("%s: answer dumped (%d bytes)", ctx.operation.operation_id,
                      template.size)
            if outcome.keep_as is not None and outcome.last_modified:
                self._last_answers.put(outcome.keep_as, outcome.last_modified, template,
                                       template.size)
        identity = ctx.identity
        user = identity.user if identity else ""
        group = identity.group if identity else ""
        headers = [("ETag", template.etag(user, group)), *_validators(ctx)]
        if _etag_matches(ctx.request.header_values("if-none-match"), headers[0][1]):
            return Response(304, b"", headers=headers, user=identity and identity.user)
        body = template.body({"source": ctx.request.client.source, "user": user,
                              "group": group})
        return Response(200, body, content_type=media, headers=headers,
                        user=identity and identity.user)

    def _template(self, ctx: RequestContext, result: dict, serializer: ModuleType,
                  pretty: bool) -> Template:
        """The answer dumped with CLIENT_MARKS in meta.client."""
        envelope = self._envelope(ctx, result)
        envelope["meta"]["client"].update(CLIENT_MARKS)
        return Template(serializer.dump(envelope, pretty))

    def _stream_validator(self, ctx: RequestContext, who: tuple, media: str,
                          last_update: int, records: int) -> str:
        """The ETag of a list written piece by piece (its headers leave before its body
        is known, so no hash of it): weak (RFC 9110 8.8.1), from the time slurmctld
        wrote the list, its number of records, and what the answer depends on
        (operation, path, query, data_parser, format and layout, who sees it,
        meta.client's user and group). Answers with one such tag come from
        slurmctld's data of one second for the same request, and differ where restd
        writes per request (meta.client.source): equivalent, not byte for byte the
        same. slurmctld's time is in seconds: two lists written in one second with as
        many records have one tag although a change may separate them; If-None-Match
        is still asked of slurmctld, which calls any change in or after that second
        a change, so a 304 is never wrong. It reads the same in every process."""
        identity = ctx.identity
        described = json.dumps([
            ctx.operation.operation_id, ctx.request.path, ctx.request.query,
            ctx.data_parser.name, sorted(ctx.data_parser.flags), media, ctx.answer_pretty,
            who, identity.user if identity else "", identity.group if identity else "",
            last_update, records])
        digest = hashlib.sha256(described.encode()).hexdigest()[:24]
        return f'W/"{last_update}-{records}-{digest}"'

    def _validated_since(self, ctx: RequestContext, who: tuple, media: str
                         ) -> Optional[tuple[int, int]]:
        """(time, records) of the newest of this request's own stream validators named
        by If-None-Match (None: none): a list unchanged since then is answered 304."""
        if not ctx.operation.spec.changes or ctx.request.method not in ("GET", "HEAD") \
                or "update_time" in ctx.query:
            return None
        newest: Optional[tuple[int, int]] = None
        for value in ctx.request.header_values("if-none-match"):
            for candidate in value.split(","):
                found = _STREAM_VALIDATOR.fullmatch(candidate.strip())
                if found is None:
                    continue
                when, records = int(found.group(1)), int(found.group(2))
                if 0 < when < 1 << 62 and (newest is None or when > newest[0]) \
                        and self._stream_validator(ctx, who, media, when, records) \
                        == candidate.strip():
                    newest = (when, records)
        return newest

    def _share_key(self, ctx: RequestContext, media: str,
                   visibility: Optional[Hashable] = None) -> Optional[tuple]:
        """What can change the answer of a read that may be shared (see
        restd.shared_fetch): with the identity, or the visibility class of
        ``ctx.operation.spec.visibility`` when the operation's Slurm answers alike
        to every member of a class (meta.client is then filled per request); None
        for requests answered each on their own."""
        request = ctx.request
        if request.method not in ("GET", "HEAD") or not ctx.operation.spec.shared \
                or request.body or ctx.identity is None or self._shared.window <= 0:
            return None
        return (ctx.operation.operation_id, request.path, request.query,
                ctx.data_parser.name, ctx.data_parser.flags, media, ctx.answer_serializer,
                ctx.answer_pretty, _who(ctx, visibility), ctx.if_modified_since)

    async def _handle_kept(self, ctx: RequestContext, key: Optional[tuple],
                           media: str, since: Optional[tuple[int, int]] = None
                           ) -> Outcome:
        """:meth:`_handle`, with Slurm's change detection where the operation has it
        (OperationSpec.changes): the last answer of ``key`` (LastAnswers) is the
        answer again when Slurm reports no change since it was written, without
        converting or dumping anything; without one, ``since`` (a stream validator's
        time and records, see :meth:`_validated_since`) is asked, and the outcome's
        result is UNCHANGED when nothing changed since. Neither If-Modified-Since
        (answered 304 by the handler) nor update_time in the query (Slurm's answer)
        is served so."""
        keep = key is not None and ctx.operation.spec.changes \
            and ctx.if_modified_since is None and "update_time" not in ctx.query \
            and self._last_answers.limit > 0
        kept = self._last_answers.get(key) if keep else None
        if kept is not None:
            ctx.unchanged_since = kept.last_modified
        elif since is not None:
            ctx.unchanged_since = since[0]
        outcome = await self._handle(ctx)
        if outcome.result is UNCHANGED:
            if kept is None:  # the client's list is current: 304 (App._operation)
                if since is None:  # a handler answers UNCHANGED only to unchanged_since
                    raise RuntimeError(f"{ctx.operation.operation_id}: UNCHANGED unasked")
                return Outcome(UNCHANGED, 200, [], [], since[0])
            self._last_answers.reused += 1
            log.debug("%s: slurmctld reports no change since %d: its answer is reused",
                      ctx.operation.operation_id, kept.last_modified)
            outcome = Outcome({}, 200, [], [], kept.last_modified)
            outcome.derived[media] = kept.template
        elif keep and outcome.status == 200 and outcome.last_modified:
            outcome.keep_as = key
        return outcome

    async def _handle(self, ctx: RequestContext) -> Outcome:
        """The operation's handler on an authenticated request; its failures become
        the outcome's status and errors."""
        operation = ctx.operation
        result: Any = {}
        try:
            result = await self._render_records(ctx, await operation.spec.handler(ctx))
        except RequestFailed as failure:
            ctx.status = failure.status
            ctx.errors.append(failure.entry)
            result = {}
        except Exception:
            log.exception("%s: request failed", operation.operation_id)
            ctx.status = 500
            ctx.errors.append(_failure(500, "Internal error", SLURM_ERROR,
                                       operation.operation_id).entry)
            result = {}
        return Outcome(result, ctx.status, list(ctx.errors), list(ctx.warnings),
                       ctx.last_modified)

    async def _render_records(self, ctx: RequestContext, result: Any) -> Any:
        """``result`` with each list a handler gave as Records rendered: the one place
        the C fast path is chosen. A JSON answer of a (version, kind) that has a
        generated C dumper (restd.native.fastpath.dumper) gets its bytes, as written
        at depth 1 of the envelope; any other gets the version's Python dump. A list
        with a batch that the serializer can write piece by piece becomes a
        ListStream (written while it goes out); any other is converted whole in a
        worker thread now. The records are released once rendered (or once the
        stream is written or dropped)."""
        if not isinstance(result, dict):
            return result
        lists = [key for key, value in result.items() if isinstance(value, Records)]
        if not lists:
            return result
        result = dict(result)
        try:
            for index, key in enumerate(lists):
                result[key] = await self._render(ctx, result[key])
        except BaseException:
            for key in lists[index + 1:]:
                result[key].close()
            raise
        return result

    async def _render(self, ctx: RequestContext, records: Records) -> Any:
        serializer = self._serializers[ctx.answer_serializer]
        pretty = ctx.answer_pretty
        fast = None
        if serializer.NAME == "json":
            from restd.native import fastpath
            fast = fastpath.dumper(ctx.data_parser.name, records.kind)
        streamed = records.batch is not None and getattr(serializer, "STREAMS_LISTS", False)

        def render(start: int, stop: int) -> Any:
            if fast is not None:
                # records [start, stop) of the JSON array that is the value of a
                # top-level key: its items alone when written batch by batch
                return fast(records.message, pretty, 1, start, stop, stream.warnings,
                            items_only=streamed)
            items = records.render(start, stop, stream.warnings)
            # a batch written piece by piece is serialized here too, as the C dumper
            # writes its bytes: a shared list's batches are rendered once for all
            # who answer with it (restd.shared_fetch), serialization included
            return serializer.dump_list_items(items, pretty) if streamed else items
        stream = ListStream(records.count, render, records.close,
                            batch=records.batch if streamed else max(1, records.count))
        if streamed:
            return stream
        try:
            items = await ctx.run_blocking(_render_once, stream)
        except BaseException:
            # not rendered (cancelled before its turn): released without waiting here
            # for a conversion that may still run (it releases them itself)
            asyncio.get_running_loop().run_in_executor(None, stream.close)
            raise
        ctx.warnings.extend(stream.warnings)
        if fast is not None:
            import orjson  # the json serializer's: its bytes go in as they are
            return orjson.Fragment(items)
        return items

    async def _authenticate(self, request: Request) -> Identity:
        """The first identity an auth plugin finds, in the order given to -a."""
        for plugin in self._plugins.auth:
            try:
                identity = await plugin.authenticate(request)
            except AuthError as error:
                raise _failure(401, str(error), ESLURM_REST_AUTH_FAIL, plugin.NAME) from None
            if identity is not None:
                return identity
        raise _failure(401, "Authentication required: no credential accepted by the "
                            "authentication plugins "
                            f"({', '.join(p.NAME for p in self._plugins.auth) or 'none loaded'})",
                       ESLURM_REST_AUTH_FAIL, "authentication")

    def _parse_query(self, query: str) -> dict[str, Any]:
        # Request.query holds the raw bytes of the query string decoded as latin-1.
        if not query:
            return {}
        if self._form_reader is None:
            raise _failure(400, "Query strings cannot be read: no url_encoded serializer",
                           ESLURM_DATA_UNKNOWN_MIME_TYPE, "query")
        try:
            return self._form_reader.load(query.encode("latin-1", "replace"))
        except SerializerError as error:
            raise _failure(400, f"Unable to parse query string: {error}",
                           ESLURM_REST_FAIL_PARSING, "query") from None

    def _parse_body(self, request: Request) -> Any:
        if not request.body:
            return None
        content_type = request.header("content-type")
        try:
            reader = self._negotiator.body_reader(content_type)
        except UnsupportedBody as error:
            raise _failure(415, str(error), ESLURM_DATA_UNKNOWN_MIME_TYPE, "body") from None
        try:
            return reader.load(request.body)
        except SerializerError as error:
            declared = ("" if content_type else " (no Content-Type: read as "
                        "application/x-www-form-urlencoded, as slurmrestd does; send JSON "
                        "with Content-Type: application/json)")
            raise _failure(400, f"Unable to parse request body as {reader.MIME_TYPES[0]}: "
                                f"{error}{declared}", ESLURM_REST_FAIL_PARSING, "body") from None

    def _envelope(self, ctx: RequestContext, result: dict[str, Any]) -> dict[str, Any]:
        info = self._slurm_info()
        plugin = ctx.operation.plugin
        identity = ctx.identity
        return {
            **self._empty_answers[ctx.operation.operation_id],
            **result,
            "meta": {
                "plugin": {"type": plugin.PLUGIN_TYPE, "name": plugin.PLUGIN_NAME,
                           "data_parser": ctx.data_parser.plugin_type,
                           "accounting_storage": info.accounting_storage},
                "client": {"source": ctx.request.client.source,
                           "user": identity.user if identity else "",
                           "group": identity.group if identity else ""},
                "command": [],
                "slurm": {"version": {"major": info.major, "micro": info.micro,
                                      "minor": info.minor},
                          "release": info.release, "cluster": info.cluster},
            },
            "errors": ctx.errors,
            "warnings": ctx.warnings,
        }

    def _answer(self, ctx: RequestContext, result: Any, media: str,
                serializer: ModuleType) -> Response:
        pretty = self._config.pretty(serializer.NAME)
        try:
            if not isinstance(result, dict):
                raise TypeError(f"handler returned {type(result).__name__}, not a dict")
            body = serializer.dump(self._envelope(ctx, result), pretty)
        except Exception:
            log.exception("%s: answer cannot be dumped", ctx.operation.operation_id)
            ctx.status = 500
            ctx.errors.append(_failure(500, "Internal error: the answer cannot be written",
                                       SLURM_ERROR, ctx.operation.operation_id).entry)
            body = serializer.dump(self._envelope(ctx, {}), pretty)
        return Response(ctx.status, body, content_type=media,
                        user=ctx.identity.user if ctx.identity else None)


    async def _answer_streamed(self, ctx: RequestContext, result: dict[str, Any], media: str,
                               serializer: ModuleType, etag: Optional[str] = None
                               ) -> Response:
        """An answer with a ListStream: written batch by batch where the serializer
        can (JSON), else converted whole first (YAML). The stream is released on
        every path (restd.plugin_api.ListStream.close)."""
        streams = {key: value for key, value in result.items()
                   if isinstance(value, ListStream)}
        if not getattr(serializer, "STREAMS_LISTS", False) or len(streams) > 1:
            whole = dict(result)
            try:
                for key, stream in streams.items():
                    whole[key] = await ctx.run_blocking(_render_whole, stream)
                    ctx.warnings.extend(stream.warnings)
            except Exception:
                log.exception("%s: list cannot be converted", ctx.operation.operation_id)
                ctx.status = 500
                ctx.errors.append(_failure(500, "Internal error: the answer cannot be written",
                                           SLURM_ERROR, ctx.operation.operation_id).entry)
                whole = {}
            finally:
                for stream in streams.values():
                    stream.close()
            return self._answer(ctx, whole, media, serializer)
        (key, stream), = streams.items()
        try:
            pretty = self._config.pretty(serializer.NAME)
            head, _ = serializer.dump_around(self._envelope(ctx, result), key, pretty)
        except BaseException:
            stream.close()
            raise
        body = _StreamedBody(self._stream_chunks(ctx, result, key, stream, serializer,
                                                 pretty, head), stream)
        headers = _validators(ctx) if ctx.status == 200 else []
        if etag is not None:
            headers.insert(0, ("ETag", etag))
        return Response(ctx.status, body, content_type=media, headers=headers,
                        user=ctx.identity.user if ctx.identity else None)

    async def _stream_chunks(self, ctx: RequestContext, result: dict[str, Any], key: str,
                             stream: ListStream, serializer: ModuleType, pretty: bool,
                             head: bytes):
        yield head
        ranges = iter(stream.ranges())

        def convert_next():
            # Started before the previous batch is written: converting one batch
            # and sending the other overlap (a worker thread and the event loop).
            bounds = next(ranges, None)
            if bounds is None:
                return None
            return asyncio.ensure_future(ctx.run_blocking(
                _render_batch, stream, serializer, *bounds, pretty))

        opened = False
        pending = convert_next()
        try:
            while pending is not None:
                chunk = await pending
                pending = convert_next()
                if not chunk:
                    continue
                yield serializer.dump_list_joint(not opened)
                opened = True
                yield chunk
        except Exception:
            # The status line is out: the failure goes into the answer's errors.
            log.exception("%s: list cut short", ctx.operation.operation_id)
            ctx.errors.append(_failure(500, "Internal error: the list was cut short",
                                       SLURM_ERROR, ctx.operation.operation_id).entry)
        finally:
            # Slurm's records are no longer needed: freed now, or once the batch
            # still being converted (an answer cut short) is done with them.
            if pending is not None and not pending.done():
                pending.add_done_callback(lambda done: _release(stream, done))
            else:
                stream.close()
            self._trimmer.answered()
        yield serializer.dump_list_end(pretty, not opened)
        ctx.warnings.extend(stream.warnings)
        yield serializer.dump_around(self._envelope(ctx, result), key, pretty)[1]


def _release(stream: ListStream, batch: "asyncio.Future") -> None:
    if not batch.cancelled():
        batch.exception()  # retrieved: a failure of a batch nobody waits for is moot
    stream.close()


class _StreamedBody:
    """A streamed answer's chunks; closing it releases the list's records even
    when no chunk was asked for (HEAD, a client gone before the first one)."""

    def __init__(self, chunks, stream: ListStream):
        self._chunks = chunks
        self._stream = stream

    def __aiter__(self):
        return self._chunks.__aiter__()

    async def aclose(self) -> None:
        try:
            await self._chunks.aclose()
        finally:
            self._stream.close()


def _render_whole(stream: ListStream) -> list:
    items: list = []
    for start, stop in stream.ranges():
        items.extend(stream.render_range(start, stop))
    return items


def _render_once(stream: ListStream) -> Any:
    """Every record of ``stream`` in one conversion (a C dumper writes the nodes
    of a message whole), then the records released, in the worker thread, even
    when the request was cancelled meanwhile."""
    try:
        return stream.render_range(0, stream.count)
    finally:
        stream.close()


def _render_batch(stream: ListStream, serializer: ModuleType, start: int, stop: int,
                  pretty: bool) -> bytes:
    return serializer.dump_list_items(stream.render_range(start, stop), pretty)


def build_app(config: Config, plugins: Plugins) -> App:
    return App(config, plugins)
