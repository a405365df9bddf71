"""HTTP/1.1 over one connection: an asyncio.Protocol fed by httptools.

``HttpProtocol`` is the per-connection object and the httptools callback target. Parser
callbacks only collect; ``on_headers_complete`` checks the head and ``on_message_complete``
queues the finished request. One worker task per busy connection answers the queue in
order, so pipelined requests get their responses in the order they arrived. The
application only ever sees a ``Request`` and returns a ``Response``.

Everything is bounded: URL, header and body sizes, the number of queued pipelined
requests (reading pauses past it), the time to receive headers and body, the idle time
between requests, and how long a response may wait for a client that does not read.
Refusals (4xx) close the connection: after a framing problem the byte stream cannot be
trusted any more.
"""
from __future__ import annotations

import asyncio
import collections
import errno
import http
import json
import logging
import socket
import struct
from dataclasses import dataclass
from typing import Awaitable, Callable, Optional, Union
from urllib.parse import unquote_to_bytes

import httptools

from restd import accesslog
from restd.http.limits import Limits
from restd.http.messages import ClientInfo, PeerCredentials, Request, Response

logger = logging.getLogger("restd.http")

App = Callable[[Request], Awaitable[Response]]
# access_log(request, response, status, bytes_sent, duration_s); request is None when
# the bytes received never made a request (a protocol-level refusal).
AccessLog = Callable[[Optional[Request], Response, int, int, float], None]

# Slurm error numbers (slurm_errno.h) used in protocol-level error bodies.
ESLURM_REST_FAIL_PARSING = 9001
ESLURM_DATA_TOO_LARGE = 9205
SLURM_ERROR = -1

METHODS_REQUIRING_LENGTH = frozenset({"POST", "PUT", "PATCH"})
# Framing is the protocol's business: these never come from the application.
FRAMING_HEADERS = frozenset({"content-length", "transfer-encoding", "connection"})
# answers that never have a body nor say its length (RFC 9110 8.6: a 304's
# Content-Length would be the length of the 200 it stands for)
BODILESS_STATUSES = frozenset({204, 304})
CONTINUE_RESPONSE = b"HTTP/1.1 100 Continue\r\n\r\n"
_UCRED = struct.Struct("3i")
# A new connection counts as idle (one the server may close for its slot) only after
# this long without a byte: its request may be on the way.
NEW_CONNECTION_GRACE = 1.0


class ProtocolError(Exception):
    """A request refused before the application sees it (or our own parser bug, 500).

    Raised inside parser callbacks to stop the parser, then queued like a request so its
    answer goes out after the answers to the requests pipelined before it.
    """

    def __init__(self, status: int, description: str, source: str) -> None:
        super().__init__(f"{status} {description} ({source})")
        self.status = status
        self.description = description
        self.source = source


def error_response(status: int, description: str, source: str, *, close: bool = False) -> Response:
    """A slurmrestd-shaped JSON error body for errors the protocol itself answers."""
    if status >= 500:
        error_number = SLURM_ERROR
    elif status in (413, 414, 431):
        error_number = ESLURM_DATA_TOO_LARGE
    elif status == 408:
        error_number = errno.ETIMEDOUT
    else:
        error_number = ESLURM_REST_FAIL_PARSING
    document = {
        "errors": [
            {
                "error": _reason(status),
                "error_number": error_number,
                "description": description,
                "source": source,
            }
        ],
        "warnings": [],
        "meta": {},
    }
    return Response(
        status,
        json.dumps(document).encode(),
        content_type="application/json",
        close=close,
    )


def error_response_bytes(
    status: int, description: str, source: str, headers: tuple[tuple[str, str], ...] = ()
) -> bytes:
    """A whole ``Connection: close`` error answer, for a connection the server answers
    and closes at once, without a protocol (over its connection caps, out of descriptors)."""
    response = error_response(status, description, source, close=True)
    lines = [
        f"HTTP/1.1 {status} {_reason(status)}",
        f"Content-Type: {response.content_type}",
        f"Content-Length: {len(response.body)}",
        *(f"{name}: {value}" for name, value in headers),
        "Connection: Close",
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + response.body


def client_info_for_socket(sock: socket.socket, kind: Optional[str] = None) -> ClientInfo:
    """Describe the peer of a connected socket, in slurmrestd's "[host]:port(fd:N)" style.

    ``kind`` overrides the kind derived from the address family ("unix" or "tcp"), for
    connections handed over whole (inetd, systemd Accept=yes): "socket".
    """
    fd = sock.fileno()
    if sock.family == socket.AF_UNIX:
        pid, uid, gid = _UCRED.unpack(
            sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, _UCRED.size)
        )
        path = sock.getsockname() or "unnamed"
        return ClientInfo(
            kind or "unix", f"[unix:{path}](fd:{fd})", PeerCredentials(pid=pid, uid=uid, gid=gid)
        )
    try:
        host, port = sock.getpeername()[:2]
    except OSError:  # peer already gone: still answerable as far as we know
        return ClientInfo(kind or "tcp", f"[unknown](fd:{fd})")
    return ClientInfo(kind or "tcp", f"[{host}]:{port}(fd:{fd})")


@dataclass
class _Exchange:
    """A complete request waiting for its answer, with what the protocol needs to send it."""

    request: Request
    keep_alive: bool
    received_at: float  # loop time of its first byte, for the access log


class _ConnectionGone(Exception):
    """The transport closed (client left, or write timeout) while an answer was being sent."""


class _Deadline:
    """The connection's one timer, re-armed lazily.

    Moving the deadline later only records it; the loop timer, when it fires early,
    re-arms itself for the remainder (aiohttp's keep-alive trick). A busy connection so
    never cancels and recreates timer handles per request.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, on_expiry: Callable[[], None]) -> None:
        self._loop = loop
        self._on_expiry = on_expiry
        self._deadline: Optional[float] = None
        self._timer: Optional[asyncio.TimerHandle] = None
        self._timer_at = 0.0

    def arm(self, delay: float) -> None:
        self.arm_at(self._loop.time() + delay)

    def arm_at(self, when: float) -> None:
        """Expire at loop time ``when`` (in the past: on the next loop iteration)."""
        self._deadline = when
        if self._timer is None or self._timer_at > self._deadline:
            if self._timer is not None:
                self._timer.cancel()
            self._schedule(self._deadline)

    @property
    def armed(self) -> bool:
        return self._deadline is not None

    def disarm(self) -> None:
        # The timer may still fire; it finds no deadline and does nothing.
        self._deadline = None

    def close(self) -> None:
        self._deadline = None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _schedule(self, when: float) -> None:
        self._timer_at = when
        self._timer = self._loop.call_at(when, self._fire)

    def _fire(self) -> None:
        self._timer = None
        if self._deadline is None:
            return
        if self._loop.time() < self._deadline:
            self._schedule(self._deadline)
            return
        self._deadline = None
        self._on_expiry()


class HttpProtocol(asyncio.Protocol):
    """One HTTP/1.x connection.

    ``client`` is given for connections that are not sockets (inetd on a pipe); otherwise
    it is read from the socket at connection time, with ``client_kind`` overriding the
    kind. ``lenient_line_endings`` accepts a bare LF where HTTP wants CRLF: for a human
    or ``echo`` typing into stdin, never for the network (request smuggling). ``on_close``
    is called once, when the transport is gone.

    Server hooks: ``on_idle(protocol, idle)`` is called whenever the connection
    starts or stops being idle (open, nothing received or queued: a keep-alive
    connection between requests, or a new one that has sent nothing for
    ``NEW_CONNECTION_GRACE`` seconds), so the server
    can shed the oldest idle connection when it needs a slot (``close_if_idle``).
    ``loaded()`` says whether the server is loaded; while it is, a request's headers and
    body get ``Limits.loaded_header_timeout`` and ``loaded_body_timeout`` instead of
    ``header_timeout`` and ``body_timeout``, and the server calls ``tighten_deadlines``
    on connections already receiving a request when the load rises.
    """

    def __init__(
        self,
        app: App,
        *,
        limits: Limits = Limits(),
        access_log: Optional[AccessLog] = None,
        client: Optional[ClientInfo] = None,
        client_kind: Optional[str] = None,
        lenient_line_endings: bool = False,
        on_close: Optional[Callable[["HttpProtocol"], None]] = None,
        on_idle: Optional[Callable[["HttpProtocol", bool], None]] = None,
        loaded: Optional[Callable[[], bool]] = None,
    ) -> None:
        self._loop = asyncio.get_running_loop()
        self._app = app
        self._limits = limits
        # the one access log (restd.accesslog: control characters of the path escaped)
        self._access_log = access_log or accesslog.AccessLog()
        self._client = client
        self._client_kind = client_kind
        self._on_close = on_close
        self._on_idle = on_idle
        self._loaded = loaded
        self._transport: Optional[asyncio.Transport] = None

        self._parser = httptools.HttpRequestParser(self)
        if lenient_line_endings:
            self._parser.set_dangerous_leniencies(lenient_optional_cr_before_lf=True)
        self._deadline = _Deadline(self._loop, self._on_deadline)

        # The request being received: None between requests, else "head" or "body".
        self._receiving: Optional[str] = None
        self._messages_begun = 0
        self._url = bytearray()
        self._headers: list[tuple[str, str]] = []
        self._head_bytes_parsed = 0  # URL and complete header lines, counted exactly
        self._head_bytes_streamed = 0  # whole reads spent inside one head (catches a never-ending line)
        self._body_parts: list[bytes] = []
        self._body_size = 0
        self._message_began_at = 0.0
        # The timeout armed for the part being received (head or body), and its start.
        self._part_timeout = limits.header_timeout
        self._part_began_at = 0.0
        self._method = ""
        self._http_version = "1.1"
        self._keep_alive = True
        self._continue_owed = False  # 100 Continue deferred until earlier answers are out
        self._last_read_ended_line = False

        self._pending: collections.deque[Union[_Exchange, ProtocolError]] = collections.deque()
        self._worker: Optional[asyncio.Task] = None
        self._writable = asyncio.Event()
        self._writable.set()
        self._close_timer: Optional[asyncio.TimerHandle] = None

        self._reading_paused = False
        self._stopped_reading = False  # no more requests on this connection
        self._input_ended = False  # the client ended its input (EOF)
        self._lost = False
        self._idle = False  # as last reported to on_idle
        # Runs while a new connection has sent nothing yet (see NEW_CONNECTION_GRACE).
        self._grace_timer: Optional[asyncio.TimerHandle] = None

        # Outcome, for inetd's exit status.
        self.refusal: Optional[ProtocolError] = None
        self.aborted = False  # closed with an answer unsent (client gone, write timeout)

    # ------------------------------------------------------------------ asyncio glue

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport  # type: ignore[assignment]
        if self._client is None:
            self._client = client_info_for_socket(
                transport.get_extra_info("socket"), self._client_kind
            )
        self._message_began_at = self._loop.time()  # for a refusal before any request began
        self._deadline.arm(self._limits.keep_alive_timeout)
        self._grace_timer = self._loop.call_later(NEW_CONNECTION_GRACE, self._grace_over)

    def data_received(self, data: bytes) -> None:
        if self._stopped_reading:
            return
        self._last_read_ended_line = data.endswith(b"\n")
        was_in_head = self._receiving == "head"
        messages_before = self._messages_begun
        self._feed(data)
        if self._receiving == "head" and not self._stopped_reading:
            if was_in_head and messages_before == self._messages_begun:
                self._head_bytes_streamed += len(data)
            if max(self._head_bytes_parsed, self._head_bytes_streamed) > self._limits.max_header_bytes:
                self._refuse(self._headers_too_large())

    def eof_received(self) -> bool:
        self._input_ended = True
        if not self._stopped_reading:
            # Be lenient with a hand-typed request: at EOF, a head that stopped at the end
            # of a line is complete ("GET / HTTP/1.1\r\n" then EOF).
            if self._receiving == "head" and self._last_read_ended_line:
                self._feed(b"\r\n")
            if self._receiving is not None and not self._stopped_reading:
                self._refuse(
                    ProtocolError(400, "input ended in the middle of a request", "HTTP request")
                )
            self._stop_reading()
        if self._worker is None and not self._pending:
            self._close()
        return True  # keep the write side open to send the answers still owed

    def connection_lost(self, exc: Optional[Exception]) -> None:
        self._lost = True
        if self._pending or self._worker is not None:
            self.aborted = True
        self._deadline.close()
        self._end_grace()
        if self._close_timer is not None:
            self._close_timer.cancel()
        self._writable.set()  # wake a response waiting to drain: it will find the connection gone
        self._update_idle()
        if self._on_close is not None:
            self._on_close(self)

    def pause_writing(self) -> None:
        self._writable.clear()

    def resume_writing(self) -> None:
        self._writable.set()

    # ------------------------------------------------------------------ server control

    def shutdown(self) -> None:
        """The server is stopping: answer the requests already received, then close."""
        if self._lost:
            return
        self._stop_reading()
        if self._worker is None and not self._pending:
            self._close()

    def abort(self) -> None:
        """Drop the connection now (shutdown grace period over)."""
        if self._worker is not None:
            self._worker.cancel()
        self._abort_transport()

    @property
    def idle(self) -> bool:
        return self._idle

    def close_if_idle(self) -> bool:
        """Close the connection if it is idle (the server needs its slot); True if it was."""
        if not self._idle:
            return False
        self._close()
        return True

    def tighten_deadlines(self) -> None:
        """The server became loaded: headers or a body still arriving get the loaded
        timeout, counted from the start of that part."""
        if self._receiving is None or self._lost:
            return
        timeout = min(self._part_timeout, self._receive_timeout(self._receiving))
        if timeout < self._part_timeout and self._deadline.armed:
            self._part_timeout = timeout
            self._deadline.arm_at(self._part_began_at + timeout)

    # ------------------------------------------------------------------ parser callbacks

    def on_message_begin(self) -> None:
        self._receiving = "head"
        self._messages_begun += 1
        self._url.clear()
        self._headers = []
        self._head_bytes_parsed = 0
        self._head_bytes_streamed = 0
        self._body_parts = []
        self._body_size = 0
        self._continue_owed = False
        self._message_began_at = self._loop.time()
        self._end_grace()
        self._arm_receive_timeout("head")
        self._update_idle()

    def on_url(self, fragment: bytes) -> None:
        self._url += fragment
        self._head_bytes_parsed += len(fragment)
        if len(self._url) > self._limits.max_url_bytes:
            raise ProtocolError(
                414,
                f"request target longer than {self._limits.max_url_bytes} bytes",
                "HTTP request line",
            )

    def on_header(self, name: bytes, value: bytes) -> None:
        self._head_bytes_parsed += len(name) + len(value) + 4  # ": " and CRLF
        if (
            self._head_bytes_parsed > self._limits.max_header_bytes
            or len(self._headers) >= self._limits.max_header_count
        ):
            raise self._headers_too_large()
        self._headers.append((name.decode("latin-1").lower(), value.decode("latin-1")))

    def on_headers_complete(self) -> None:
        self._receiving = "body"
        self._method = self._parser.get_method().decode("ascii")
        self._http_version = self._parser.get_http_version()
        connection_tokens = {
            token.strip().lower()
            for value in self._header_values("connection")
            for token in value.split(",")
        }
        if self._http_version == "1.0":
            self._keep_alive = "keep-alive" in connection_tokens
        else:
            self._keep_alive = "close" not in connection_tokens
        if self._parser.should_upgrade():
            # Upgrades (and CONNECT) are not supported: answer this request, then close.
            self._keep_alive = False

        chunked = any(
            "chunked" in value.lower() for value in self._header_values("transfer-encoding")
        )
        content_length = self._header_values("content-length")
        if content_length:
            # llhttp has already refused malformed or conflicting values.
            declared = int(content_length[0])
            if declared > self._limits.max_body_bytes:
                raise self._body_too_large(f"Content-Length {declared}")
        elif not chunked and self._method in METHODS_REQUIRING_LENGTH:
            raise ProtocolError(
                411,
                f"{self._method} needs a Content-Length or chunked Transfer-Encoding",
                "HTTP headers",
            )
        expects_body = chunked or (content_length and int(content_length[0]) > 0)
        if expects_body:
            self._arm_receive_timeout("body")

        expectations = [value.strip().lower() for value in self._header_values("expect")]
        if expectations:
            if expectations != ["100-continue"]:
                raise ProtocolError(
                    417, f"unsupported Expect: {', '.join(expectations)}", "HTTP headers"
                )
            if expects_body and self._http_version != "1.0":
                # The 100 must not land in the middle of an earlier pipelined answer.
                if self._worker is None and not self._pending:
                    self._transport.write(CONTINUE_RESPONSE)
                else:
                    self._continue_owed = True

    def on_body(self, fragment: bytes) -> None:
        self._body_size += len(fragment)
        if self._body_size > self._limits.max_body_bytes:
            raise self._body_too_large("chunked body")
        self._body_parts.append(fragment)

    def on_message_complete(self) -> None:
        self._receiving = None
        self._continue_owed = False
        self._deadline.disarm()
        self._pending.append(_Exchange(self._build_request(), self._keep_alive, self._message_began_at))
        if len(self._pending) >= self._limits.max_pipelined_requests:
            self._pause_reading()
        self._start_worker()

    # ------------------------------------------------------------------ receiving

    def _feed(self, data: bytes) -> None:
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserCallbackError as exc:
            # Our callbacks raised: either a deliberate refusal or a bug of ours.
            if isinstance(exc.__context__, ProtocolError):
                self._refuse(exc.__context__)
            else:
                logger.error("bug while parsing a request", exc_info=exc.__context__ or exc)
                self._refuse(ProtocolError(500, "internal error while parsing the request", "restd"))
        except httptools.HttpParserUpgrade:
            # The upgrading request was queued (with keep_alive off); nothing may follow it.
            self._stop_reading()
        except httptools.HttpParserError as exc:
            self._refuse(ProtocolError(400, f"malformed request: {exc}", "HTTP parser"))

    def _build_request(self) -> Request:
        target = bytes(self._url)
        try:
            url = httptools.parse_url(target)
            path = unquote_to_bytes(url.path).decode("utf-8")
        except (httptools.HttpParserInvalidURLError, UnicodeDecodeError) as exc:
            raise ProtocolError(400, f"unusable request target: {exc}", "HTTP request line")
        body = b"".join(self._body_parts)
        self._body_parts = []
        return Request(
            method=self._method,
            path=path,
            query=url.query.decode("latin-1") if url.query else "",
            headers=self._headers,
            body=body,
            client=self._client,
            http_version=self._http_version,
            input_ended=self._client_input_ended,
        )

    def _client_input_ended(self) -> bool:
        """Request.input_ended (read from worker threads: two flags the loop sets)."""
        return self._input_ended or self._lost

    def _header_values(self, name: str) -> list[str]:
        return [value for key, value in self._headers if key == name]

    def _headers_too_large(self) -> ProtocolError:
        return ProtocolError(
            431,
            f"request headers exceed {self._limits.max_header_count} fields"
            f" or {self._limits.max_header_bytes} bytes",
            "HTTP headers",
        )

    def _body_too_large(self, what: str) -> ProtocolError:
        return ProtocolError(
            413, f"{what} exceeds the {self._limits.max_body_bytes} bytes limit", "HTTP body"
        )

    def _refuse(self, error: ProtocolError) -> None:
        """Answer with an error after the requests before it, then close."""
        self._stop_reading()
        self.refusal = error
        self._pending.append(error)
        self._start_worker()

    def _stop_reading(self) -> None:
        self._stopped_reading = True
        self._receiving = None
        self._deadline.disarm()
        self._pause_reading()
        self._update_idle()

    def _receive_timeout(self, part: str) -> float:
        limits = self._limits
        if part == "head":
            timeout, loaded_timeout = limits.header_timeout, limits.loaded_header_timeout
        else:
            timeout, loaded_timeout = limits.body_timeout, limits.loaded_body_timeout
        if self._loaded is not None and self._loaded():
            return min(timeout, loaded_timeout)
        return timeout

    def _arm_receive_timeout(self, part: str) -> None:
        self._part_timeout = self._receive_timeout(part)
        self._part_began_at = self._loop.time()
        self._deadline.arm(self._part_timeout)

    def _grace_over(self) -> None:
        self._grace_timer = None
        self._update_idle()

    def _end_grace(self) -> None:
        if self._grace_timer is not None:
            self._grace_timer.cancel()
            self._grace_timer = None

    def _update_idle(self) -> None:
        idle = (
            self._grace_timer is None
            and self._receiving is None
            and self._worker is None
            and not self._pending
            and not self._stopped_reading
            and not self._lost
            and self._transport is not None
            and not self._transport.is_closing()
        )
        if idle != self._idle:
            self._idle = idle
            if self._on_idle is not None:
                self._on_idle(self, idle)

    def _pause_reading(self) -> None:
        if not self._reading_paused and self._transport is not None and not self._lost:
            self._reading_paused = True
            self._transport.pause_reading()

    def _resume_reading_if_room(self) -> None:
        if (
            self._reading_paused
            and not self._stopped_reading
            and not self._lost
            and len(self._pending) < self._limits.max_pipelined_requests
        ):
            self._reading_paused = False
            self._transport.resume_reading()

    def _on_deadline(self) -> None:
        if self._receiving is not None:
            part = "headers" if self._receiving == "head" else "body"
            timeout = self._part_timeout
            self._refuse(
                ProtocolError(408, f"request {part} not received within {timeout:g} s", f"HTTP {part}")
            )
        elif self._worker is None and not self._pending:
            self._close()  # idle keep-alive connection

    # ------------------------------------------------------------------ answering

    def _start_worker(self) -> None:
        if self._worker is None and not self._lost:
            self._worker = self._loop.create_task(self._answer_pending())

    async def _answer_pending(self) -> None:
        try:
            while self._pending and not self._lost:
                item = self._pending.popleft()
                self._resume_reading_if_room()
                if isinstance(item, ProtocolError):
                    await self._answer_refusal(item)
                    self._close()
                    return
                if not await self._answer(item):
                    self._close()
                    return
        except _ConnectionGone:
            return
        finally:
            self._worker = None
        if self._lost:
            return
        if self._stopped_reading:
            self._close()  # end of input, upgrade or shutdown: nothing more will come
        elif self._receiving is None:
            self._deadline.arm(self._limits.keep_alive_timeout)
            self._update_idle()
        elif self._continue_owed:
            self._continue_owed = False
            self._transport.write(CONTINUE_RESPONSE)

    async def _answer(self, exchange: _Exchange) -> bool:
        """Run the application and send its answer; False when the connection must close."""
        request = exchange.request
        try:
            response = await self._app(request)
            head, keep_open = self._render_head(request, response, exchange.keep_alive)
        except Exception:
            logger.exception("application failed on %s %s", request.method, request.path)
            response = error_response(500, "internal error while answering", "restd")
            head, keep_open = self._render_head(request, response, exchange.keep_alive)
        if self._lost:
            raise _ConnectionGone
        bytes_sent = await self._send_response(request, response, head)
        self._log(request, response, bytes_sent, exchange.received_at)
        return keep_open

    async def _answer_refusal(self, error: ProtocolError) -> None:
        if error.status >= 500:
            logger.error("refusing a request: %s", error)
        else:
            logger.info("refusing a request from %s: %s", self._client.source, error)
        response = error_response(error.status, error.description, error.source, close=True)
        head, _ = self._render_head(None, response, keep_alive=False)
        self._write(head, response.body)
        await self._drain()
        self._log(None, response, len(response.body), self._message_began_at)

    def _render_head(
        self, request: Optional[Request], response: Response, keep_alive: bool
    ) -> tuple[bytes, bool]:
        """The status line and headers, and whether the connection stays open after.

        Raises TypeError / ValueError for an unusable Response (an application bug).
        """
        if not isinstance(response, Response):
            raise TypeError(f"application returned {type(response).__name__}, not Response")
        version = request.http_version if request is not None else "1.1"
        keep_open = (
            keep_alive
            and not response.close
            and not (self._stopped_reading and not self._pending)
        )
        lines = [f"HTTP/1.1 {response.status} {_reason(response.status)}"]
        if response.content_type:
            lines.append(f"Content-Type: {response.content_type}")
        body = response.body
        if response.status in BODILESS_STATUSES:
            pass  # whatever body it was given is not sent (_send_response)
        elif isinstance(body, (bytes, bytearray, memoryview)):
            lines.append(f"Content-Length: {len(body)}")
        elif isinstance(body, str) or not (hasattr(body, "__iter__") or hasattr(body, "__aiter__")):
            raise TypeError(f"response body of type {type(body).__name__} is not bytes or chunks")
        elif version == "1.0":
            keep_open = False  # no chunked coding in HTTP/1.0: the close ends the body
        else:
            lines.append("Transfer-Encoding: chunked")
        for name, value in response.headers:
            if name.lower() in FRAMING_HEADERS:
                continue
            lines.append(f"{name}: {value}")
        if not keep_open:
            lines.append("Connection: Close")
        elif version == "1.0":
            lines.append("Connection: keep-alive")
        head = "\r\n".join(lines) + "\r\n\r\n"
        if head.count("\n") != len(lines) + 1 or head.count("\r") != len(lines) + 1:
            raise ValueError("line break inside a response header")
        return head.encode("latin-1"), keep_open

    async def _send_response(self, request: Request, response: Response, head: bytes) -> int:
        body = response.body
        bodiless = request.method == "HEAD" or response.status in BODILESS_STATUSES
        if isinstance(body, (bytes, bytearray, memoryview)):
            if bodiless:
                self._write(head)
            else:
                self._write(head, body)
            await self._drain()
            return 0 if bodiless else len(body)
        self._write(head)
        if bodiless:
            await _close_iterator(body)
            await self._drain()
            return 0
        chunked = request.http_version != "1.0"
        bytes_sent = 0
        try:
            async for chunk in _chunks(body):
                if not chunk:
                    continue  # an empty chunk would end the chunked body early
                if chunked:
                    self._write(b"%x\r\n" % len(chunk), chunk, b"\r\n")
                else:
                    self._write(chunk)
                bytes_sent += len(chunk)
                await self._drain()
        except _ConnectionGone:
            raise
        except Exception:
            # Headers are out: the only way left to say "failed" is to cut the body short.
            logger.exception("response body of %s %s failed", request.method, request.path)
            self._abort_transport()
            raise _ConnectionGone
        finally:
            await _close_iterator(body)
        if chunked:
            self._write(b"0\r\n\r\n")
            await self._drain()
        return bytes_sent

    def _write(self, *parts: Union[bytes, bytearray, memoryview]) -> None:
        if self._lost or self._transport.is_closing():
            raise _ConnectionGone
        self._transport.writelines(parts)

    async def _drain(self) -> None:
        if not self._writable.is_set():
            try:
                await asyncio.wait_for(self._writable.wait(), self._limits.write_timeout)
            except TimeoutError:
                logger.info(
                    "%s did not read its response within %g s: dropping the connection",
                    self._client.source,
                    self._limits.write_timeout,
                )
                self._abort_transport()
        if self._lost or self._transport.is_closing():
            raise _ConnectionGone

    def _close(self) -> None:
        """Close after flushing what is written, bounded by the write timeout."""
        if self._lost or self._transport is None or self._transport.is_closing():
            return
        self._deadline.close()
        self._transport.close()
        if self._transport.get_write_buffer_size():
            self._close_timer = self._loop.call_later(self._limits.write_timeout, self._transport.abort)
        self._update_idle()

    def _abort_transport(self) -> None:
        if self._transport is not None and not self._lost:
            self.aborted = True
            self._transport.abort()

    def _log(self, request: Optional[Request], response: Response, bytes_sent: int, since: float) -> None:
        try:
            self._access_log(request, response, response.status, bytes_sent, self._loop.time() - since)
        except Exception:
            logger.exception("access log hook failed")


_REASONS = {status.value: status.phrase for status in http.HTTPStatus}


def _reason(status: int) -> str:
    return _REASONS.get(status, "Unknown")


async def _chunks(body):
    """Iterate a sync or async iterable of byte chunks."""
    if hasattr(body, "__aiter__"):
        async for chunk in body:
            yield chunk
    else:
        for chunk in body:
            yield chunk


async def _close_iterator(body) -> None:
    """Release a generator body that was not (fully) consumed."""
    if hasattr(body, "aclose"):
        await body.aclose()
    elif hasattr(body, "close"):
        body.close()
