"""HttpProtocol fed raw bytes through a fake transport (uvicorn style), on both loops.

Timeouts are shrunk to fractions of a second; the only timing assertions are "did not
hang" bounds.
"""
from __future__ import annotations

import asyncio
import json
import logging

import httptools
import pytest
import uvloop

from restd.config import VERBOSE
from restd.http.limits import Limits
from restd.http.messages import ClientInfo, Request, Response
from restd.http.protocol import CONTINUE_RESPONSE, HttpProtocol

HANG_BOUND = 5.0  # seconds; only ever reached when something hangs
pytestmark = pytest.mark.timeout(60)


@pytest.fixture(params=["asyncio", "uvloop"])
def run(request):
    """Run a coroutine on a fresh loop of each kind."""
    if request.param == "uvloop":
        return uvloop.run
    return asyncio.run


async def echo(request: Request) -> Response:
    document = {
        "method": request.method,
        "path": request.path,
        "query": request.query,
        "version": request.http_version,
        "body": request.body.decode("latin-1"),
        "headers": request.headers,
    }
    return Response(200, json.dumps(document).encode(), content_type="application/json")


class FakeTransport(asyncio.Transport):
    """Collects what the protocol writes; reports the close as a real transport does."""

    def __init__(self, protocol: HttpProtocol) -> None:
        super().__init__()
        self.protocol = protocol
        self.written = bytearray()
        self.closing = False
        self.aborted = False
        self.reading_paused = False
        self.lost = asyncio.Event()
        self._changed = asyncio.Event()

    def write(self, data) -> None:
        assert not self.closing, "write after close"
        self.written += data
        self._changed.set()

    def writelines(self, parts) -> None:
        for part in parts:
            self.write(part)

    def close(self) -> None:
        self._lose()

    def abort(self) -> None:
        self.aborted = True
        self._lose()

    def is_closing(self) -> bool:
        return self.closing

    def pause_reading(self) -> None:
        self.reading_paused = True

    def resume_reading(self) -> None:
        self.reading_paused = False

    def get_write_buffer_size(self) -> int:
        return 0

    def get_extra_info(self, name, default=None):
        return default

    def _lose(self) -> None:
        if not self.closing:
            self.closing = True
            asyncio.get_running_loop().call_soon(self._report_lost)

    def _report_lost(self) -> None:
        self.protocol.connection_lost(None)
        self.lost.set()
        self._changed.set()

    async def wait_for(self, predicate) -> None:
        async def until() -> None:
            while not predicate():
                self._changed.clear()
                await self._changed.wait()

        await asyncio.wait_for(until(), HANG_BOUND)

    async def wait_responses(self, count: int) -> list["Parsed"]:
        await self.wait_for(lambda: len(parse_responses(self.written)) >= count or self.lost.is_set())
        return parse_responses(self.written)


class Parsed:
    def __init__(self) -> None:
        self.status = 0
        self.headers: dict[str, str] = {}
        self.body = b""
        self.complete = False

    def json(self):
        return json.loads(self.body)


class _ResponseCollector:
    def __init__(self) -> None:
        self.parser = httptools.HttpResponseParser(self)
        self.responses: list[Parsed] = []

    def on_message_begin(self) -> None:
        self.responses.append(Parsed())

    def on_header(self, name: bytes, value: bytes) -> None:
        self.responses[-1].headers[name.decode().lower()] = value.decode()

    def on_headers_complete(self) -> None:
        self.responses[-1].status = self.parser.get_status_code()

    def on_body(self, body: bytes) -> None:
        self.responses[-1].body += body

    def on_message_complete(self) -> None:
        self.responses[-1].complete = True


def parse_responses(data: bytes, *, eof: bool = False) -> list[Parsed]:
    """Final responses in ``data``; with ``eof`` a close-delimited last body counts too."""
    collector = _ResponseCollector()
    collector.parser.feed_data(bytes(data))
    if eof and collector.responses:
        collector.responses[-1].complete = True
    return [r for r in collector.responses if r.complete and r.status != 100]


def connect(app=echo, limits: Limits = Limits(), access_log=None, **kwargs):
    protocol = HttpProtocol(
        app,
        limits=limits,
        access_log=access_log or (lambda *args: None),
        client=ClientInfo("tcp", "[test]:1(fd:0)"),
        **kwargs,
    )
    transport = FakeTransport(protocol)
    protocol.connection_made(transport)
    return protocol, transport


async def exchange(*chunks: bytes, eof: bool = True, **kwargs) -> tuple[list[Parsed], FakeTransport]:
    """Feed chunks (then EOF) and return the responses once the connection closed."""
    protocol, transport = connect(**kwargs)
    for chunk in chunks:
        protocol.data_received(chunk)
    if eof:
        protocol.eof_received()
    await asyncio.wait_for(transport.lost.wait(), HANG_BOUND)
    return parse_responses(transport.written, eof=True), transport


def assert_refused(responses: list[Parsed], transport: FakeTransport, status: int, source: str) -> None:
    assert [r.status for r in responses][-1] == status
    refusal = responses[-1]
    assert refusal.headers["connection"] == "Close"
    assert refusal.headers["content-type"] == "application/json"
    error = refusal.json()["errors"][0]
    assert error["source"] == source
    assert error["description"]
    assert refusal.json()["warnings"] == [] and refusal.json()["meta"] == {}
    assert transport.closing


# ---------------------------------------------------------------------- basics


def test_get_answered_with_length_and_type(run):
    async def main():
        responses, _ = await exchange(b"GET /a/b%20c?x=1 HTTP/1.1\r\nHost: h\r\n\r\n")
        (response,) = responses
        assert response.status == 200
        assert response.headers["content-type"] == "application/json"
        assert int(response.headers["content-length"]) == len(response.body)
        document = response.json()
        assert (document["method"], document["path"], document["query"]) == ("GET", "/a/b c", "x=1")
        assert document["headers"] == [["host", "h"]]

    run(main())


def test_request_without_host_and_eof_right_after_is_answered(run):
    async def main():
        responses, _ = await exchange(b"GET /openapi/v3 HTTP/1.1\r\n\r\n")
        assert [r.status for r in responses] == [200]
        # input ended: the last answer announces the close
        assert responses[0].headers["connection"] == "Close"

    run(main())


@pytest.mark.parametrize(
    "ending",
    [b"GET /x HTTP/1.1\r\n", b"GET /x HTTP/1.1\r\nAccept: */*\r\n"],
    ids=["request-line-only", "header-without-blank-line"],
)
def test_head_cut_at_end_of_line_is_answered_at_eof(run, ending):
    async def main():
        responses, _ = await exchange(ending)
        assert [r.status for r in responses] == [200]

    run(main())


def test_bare_lf_accepted_only_when_lenient(run):
    async def main():
        echoed = b"GET /x HTTP/1.1\r\n\n"  # echo -e 'GET /x HTTP/1.1\r\n'
        responses, _ = await exchange(echoed, lenient_line_endings=True)
        assert [r.status for r in responses] == [200]
        responses, transport = await exchange(echoed)
        assert_refused(responses, transport, 400, "HTTP parser")

    run(main())


def test_eof_in_the_middle_of_a_body_is_400(run):
    async def main():
        responses, transport = await exchange(b"POST /p HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc")
        assert_refused(responses, transport, 400, "HTTP request")

    run(main())


def test_pipelined_requests_answered_in_order(run):
    async def slow_first(request: Request) -> Response:
        # the first request takes longest: order must still hold
        await asyncio.sleep({"/1": 0.05, "/2": 0.02, "/3": 0}[request.path])
        return Response(200, request.path.encode())

    async def main():
        requests = b"".join(b"GET /%d HTTP/1.1\r\n\r\n" % n for n in (1, 2, 3))
        responses, _ = await exchange(requests, app=slow_first)
        assert [r.body for r in responses] == [b"/1", b"/2", b"/3"]

    run(main())


def test_reading_pauses_past_the_pipelining_cap(run):
    async def main():
        release = asyncio.Event()

        async def blocked(request: Request) -> Response:
            await release.wait()
            return Response(200, request.path.encode())

        protocol, transport = connect(app=blocked, limits=Limits(max_pipelined_requests=2))
        protocol.data_received(b"".join(b"GET /%d HTTP/1.1\r\n\r\n" % n for n in range(4)))
        await asyncio.sleep(0)
        assert transport.reading_paused
        release.set()
        responses = await transport.wait_responses(4)
        assert [r.body for r in responses] == [b"/0", b"/1", b"/2", b"/3"]
        assert not transport.reading_paused

    run(main())


@pytest.mark.parametrize(
    "version, connection, stays_open, connection_header",
    [
        ("1.1", None, True, None),
        ("1.1", "close", False, "Close"),
        ("1.1", "keep-alive", True, None),
        ("1.0", None, False, "Close"),
        ("1.0", "keep-alive", True, "keep-alive"),
        ("1.0", "close", False, "Close"),
    ],
)
def test_keep_alive_rules(run, version, connection, stays_open, connection_header):
    async def main():
        protocol, transport = connect()
        head = f"GET / HTTP/{version}\r\n"
        if connection:
            head += f"Connection: {connection}\r\n"
        protocol.data_received(head.encode() + b"\r\n")
        (response,) = await transport.wait_responses(1)
        assert response.headers.get("connection") == connection_header
        await asyncio.sleep(0.01)
        assert transport.closing is not stays_open

    run(main())


def test_response_close_flag_closes(run):
    async def closing(request: Request) -> Response:
        return Response(200, b"bye", close=True)

    async def main():
        responses, transport = await exchange(b"GET / HTTP/1.1\r\n\r\n", eof=False, app=closing)
        assert responses[0].headers["connection"] == "Close"

    run(main())


@pytest.mark.parametrize("status", [204, 304])
def test_answers_without_body_carry_no_length_and_keep_the_connection(run, status):
    """A 304 stands for a 200 whose length it must not misstate: neither
    Content-Length nor a body, whatever the application handed over; the next
    pipelined request is read right after it."""
    async def bodiless(request: Request) -> Response:
        if request.path == "/after":
            return Response(200, b"after")
        return Response(status, b"ignored", headers=[("ETag", '"e"')])

    async def main():
        responses, _ = await exchange(b"GET / HTTP/1.1\r\n\r\nGET /after HTTP/1.1\r\n\r\n",
                                      app=bodiless)
        first, after = responses
        assert first.status == status and first.body == b""
        assert "content-length" not in first.headers
        assert "transfer-encoding" not in first.headers
        assert first.headers["etag"] == '"e"'
        assert after.status == 200 and after.body == b"after"

    run(main())


def test_upgrade_request_is_answered_then_the_connection_closes(run):
    async def main():
        responses, transport = await exchange(
            b"GET /ws HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"
            b"GET /ignored HTTP/1.1\r\n\r\n",
            eof=False,
        )
        assert [r.json()["path"] for r in responses] == ["/ws"]
        assert responses[0].headers["connection"] == "Close"

    run(main())


# ---------------------------------------------------------------------- bodies


def test_content_length_body(run):
    async def main():
        responses, _ = await exchange(b"PUT /p HTTP/1.1\r\nContent-Length: 5\r\n\r\nhel", b"lo")
        assert responses[0].json()["body"] == "hello"

    run(main())


def test_chunked_body_with_extensions_and_trailers(run):
    async def main():
        responses, _ = await exchange(
            b"POST /p HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"5;name=value\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"
        )
        assert responses[0].status == 200
        assert responses[0].json()["body"] == "hello world"

    run(main())


def test_expect_100_continue_sent_before_the_body(run):
    async def main():
        protocol, transport = connect()
        protocol.data_received(b"POST /p HTTP/1.1\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n")
        assert bytes(transport.written) == CONTINUE_RESPONSE
        protocol.data_received(b"ok")
        (response,) = await transport.wait_responses(1)
        assert response.json()["body"] == "ok"

    run(main())


def test_expect_100_continue_waits_for_earlier_pipelined_answers(run):
    async def main():
        release = asyncio.Event()

        async def first_blocks(request: Request) -> Response:
            if request.path == "/first":
                await release.wait()
            return Response(200, request.path.encode())

        protocol, transport = connect(app=first_blocks)
        protocol.data_received(
            b"GET /first HTTP/1.1\r\n\r\n"
            b"POST /second HTTP/1.1\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n"
        )
        await asyncio.sleep(0)
        assert CONTINUE_RESPONSE not in transport.written
        release.set()
        await transport.wait_for(lambda: CONTINUE_RESPONSE in transport.written)
        assert transport.written.index(CONTINUE_RESPONSE) > transport.written.index(b"/first")
        protocol.data_received(b"ok")
        responses = await transport.wait_responses(2)
        assert [r.body for r in responses] == [b"/first", b"/second"]

    run(main())


def test_expect_100_continue_refused_early_by_content_length(run):
    async def main():
        responses, transport = await exchange(
            b"POST /p HTTP/1.1\r\nContent-Length: 1000\r\nExpect: 100-continue\r\n\r\n",
            eof=False,
            limits=Limits(max_body_bytes=100),
        )
        assert CONTINUE_RESPONSE not in transport.written
        assert_refused(responses, transport, 413, "HTTP body")

    run(main())


def test_unsupported_expectation_is_417(run):
    async def main():
        responses, transport = await exchange(
            b"POST /p HTTP/1.1\r\nContent-Length: 1\r\nExpect: teapot\r\n\r\nx", eof=False
        )
        assert_refused(responses, transport, 417, "HTTP headers")

    run(main())


# ---------------------------------------------------------------------- limits


def test_long_url_is_414(run):
    async def main():
        long_path = b"/" + b"a" * 200
        responses, transport = await exchange(
            b"GET " + long_path[:100], long_path[100:] + b" HTTP/1.1\r\n\r\n",
            eof=False,
            limits=Limits(max_url_bytes=128),
        )
        assert_refused(responses, transport, 414, "HTTP request line")

    run(main())


def test_too_many_headers_is_431(run):
    async def main():
        headers = b"".join(b"X-%d: v\r\n" % n for n in range(11))
        responses, transport = await exchange(
            b"GET / HTTP/1.1\r\n" + headers + b"\r\n", eof=False, limits=Limits(max_header_count=10)
        )
        assert_refused(responses, transport, 431, "HTTP headers")

    run(main())


def test_large_header_block_is_431(run):
    async def main():
        headers = b"".join(b"X-%d: %s\r\n" % (n, b"v" * 100) for n in range(20))
        responses, transport = await exchange(
            b"GET / HTTP/1.1\r\n" + headers + b"\r\n", eof=False, limits=Limits(max_header_bytes=1024)
        )
        assert_refused(responses, transport, 431, "HTTP headers")

    run(main())


def test_never_ending_header_line_is_431(run):
    async def main():
        protocol, transport = connect(limits=Limits(max_header_bytes=1024))
        protocol.data_received(b"GET / HTTP/1.1\r\nX-Long: ")
        for _ in range(20):  # no line end ever comes: only the streamed count sees it
            protocol.data_received(b"v" * 100)
        await asyncio.wait_for(transport.lost.wait(), HANG_BOUND)
        assert_refused(parse_responses(transport.written), transport, 431, "HTTP headers")

    run(main())


def test_body_over_limit_by_content_length_is_413(run):
    async def main():
        responses, transport = await exchange(
            b"POST /p HTTP/1.1\r\nContent-Length: 101\r\n\r\n", eof=False, limits=Limits(max_body_bytes=100)
        )
        assert_refused(responses, transport, 413, "HTTP body")

    run(main())


def test_chunked_body_growing_over_limit_is_413(run):
    async def main():
        protocol, transport = connect(limits=Limits(max_body_bytes=100))
        protocol.data_received(b"POST /p HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")
        for _ in range(5):
            protocol.data_received(b"20\r\n" + b"x" * 32 + b"\r\n")
        await asyncio.wait_for(transport.lost.wait(), HANG_BOUND)
        assert_refused(parse_responses(transport.written), transport, 413, "HTTP body")

    run(main())


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH"])
def test_body_method_without_length_is_411(run, method):
    async def main():
        responses, transport = await exchange(f"{method} /p HTTP/1.1\r\n\r\n".encode(), eof=False)
        assert_refused(responses, transport, 411, "HTTP headers")

    run(main())


@pytest.mark.parametrize(
    "garbage",
    [
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",  # a TLS ClientHello
        b"GET / HTTP/1.1\r\nBad Header\r\n\r\n",
        b"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    ],
    ids=["tls", "header-without-colon", "conflicting-lengths", "bad-chunk-size"],
)
def test_malformed_bytes_are_400(run, garbage):
    async def main():
        responses, transport = await exchange(garbage, eof=False)
        assert_refused(responses, transport, 400, "HTTP parser")

    run(main())


def test_refusal_comes_after_earlier_pipelined_answers(run):
    async def main():
        responses, transport = await exchange(b"GET /ok HTTP/1.1\r\n\r\nNOT HTTP\r\n\r\n", eof=False)
        assert [r.status for r in responses] == [200, 400]

    run(main())


def test_our_callback_bug_is_500_not_400(run, caplog):
    class BuggyProtocol(HttpProtocol):
        def on_header(self, name, value):
            raise RuntimeError("bug")

    async def main():
        protocol = BuggyProtocol(echo, client=ClientInfo("tcp", "t"), access_log=lambda *a: None)
        transport = FakeTransport(protocol)
        protocol.connection_made(transport)
        protocol.data_received(b"GET / HTTP/1.1\r\nA: b\r\n\r\n")
        await asyncio.wait_for(transport.lost.wait(), HANG_BOUND)
        assert_refused(parse_responses(transport.written), transport, 500, "restd")

    with caplog.at_level(logging.ERROR, logger="restd.http"):
        run(main())
    assert "bug while parsing" in caplog.text


# ---------------------------------------------------------------------- answers


def test_application_exception_is_500_and_connection_stays(run, caplog):
    async def failing(request: Request) -> Response:
        raise RuntimeError("boom")

    async def main():
        protocol, transport = connect(app=failing)
        protocol.data_received(b"GET / HTTP/1.1\r\n\r\n")
        (response,) = await transport.wait_responses(1)
        assert response.status == 500
        assert response.json()["errors"][0]["source"] == "restd"
        assert not transport.closing

    with caplog.at_level(logging.ERROR):
        run(main())
    assert "boom" in caplog.text


def test_header_injection_by_application_is_500(run):
    async def injecting(request: Request) -> Response:
        return Response(200, b"x", headers=[("X-A", "1\r\nSet-Cookie: evil")])

    async def main():
        responses, _ = await exchange(b"GET / HTTP/1.1\r\n\r\n", app=injecting)
        assert [r.status for r in responses] == [500]
        assert "set-cookie" not in responses[0].headers

    run(main())


def test_iterator_body_is_chunked_for_http_1_1(run):
    async def streaming(request: Request) -> Response:
        return Response(200, iter([b"ab", b"", b"cd"]), content_type="text/plain")

    async def main():
        responses, transport = await exchange(b"GET / HTTP/1.1\r\n\r\n", app=streaming)
        assert responses[0].headers["transfer-encoding"] == "chunked"
        assert "content-length" not in responses[0].headers
        assert responses[0].body == b"abcd"
        assert transport.written.endswith(b"0\r\n\r\n")

    run(main())


def test_async_iterator_body_is_close_delimited_for_http_1_0(run):
    async def chunks():
        yield b"ab"
        yield b"cd"

    async def streaming(request: Request) -> Response:
        return Response(200, chunks())

    async def main():
        responses, transport = await exchange(
            b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", eof=False, app=streaming
        )
        assert responses[0].headers["connection"] == "Close"
        assert "transfer-encoding" not in responses[0].headers
        assert transport.written.endswith(b"\r\n\r\nabcd")

    run(main())


def test_iterator_body_waits_for_the_client_to_drain(run):
    async def main():
        produced = []

        def chunks():
            for n in range(3):
                produced.append(n)
                yield b"x" * 10

        protocol, transport = connect(app=lambda request: _respond(Response(200, chunks())))
        protocol.pause_writing()  # the client is not reading
        protocol.data_received(b"GET / HTTP/1.1\r\n\r\n")
        await asyncio.sleep(0.05)
        assert produced == [0]  # first chunk written, then waiting for the drain
        protocol.resume_writing()
        (response,) = await transport.wait_responses(1)
        assert produced == [0, 1, 2] and response.body == b"x" * 30

    run(main())


def test_write_timeout_drops_a_client_that_never_reads(run):
    async def main():
        protocol, transport = connect(limits=Limits(write_timeout=0.1))
        protocol.pause_writing()
        protocol.data_received(b"GET / HTTP/1.1\r\n\r\n")
        await asyncio.wait_for(transport.lost.wait(), HANG_BOUND)
        assert transport.aborted and protocol.aborted

    run(main())


def test_head_request_gets_no_body(run):
    async def main():
        protocol, transport = connect()
        protocol.data_received(b"HEAD / HTTP/1.1\r\n\r\nGET /after HTTP/1.1\r\n\r\n")
        await transport.wait_for(lambda: transport.written.count(b"HTTP/1.1 200") == 2)
        head_response = transport.written[: transport.written.index(b"HTTP/1.1 200", 1)]
        assert head_response.endswith(b"\r\n\r\n") and b"Content-Length" in head_response

    run(main())


def test_access_log_gets_request_response_status_bytes_duration(run):
    async def main():
        entries = []
        responses, _ = await exchange(
            b"GET /logged HTTP/1.1\r\nAuthorization: secret\r\n\r\nBAD\r\n\r\n",
            access_log=lambda *entry: entries.append(entry),
        )
        (request, response, status, bytes_sent, duration), refusal = entries
        assert (request.path, status, bytes_sent) == ("/logged", 200, len(responses[0].body))
        assert duration >= 0
        assert refusal[0] is None and refusal[2] == 400

    run(main())


def test_default_access_log_has_no_headers_or_body(run, caplog):
    async def main():
        protocol = HttpProtocol(echo, client=ClientInfo("tcp", "[test]:1(fd:0)"))
        transport = FakeTransport(protocol)
        protocol.connection_made(transport)
        protocol.data_received(b"POST /p HTTP/1.1\r\nAuthorization: Bearer SECRET\r\nContent-Length: 6\r\n\r\nBODYXX")
        protocol.eof_received()
        await asyncio.wait_for(transport.lost.wait(), HANG_BOUND)

    # -v (VERBOSE) adds the client to each line
    with caplog.at_level(VERBOSE, logger="restd.access"):
        run(main())
    (line,) = [record.getMessage() for record in caplog.records if record.name == "restd.access"]
    assert "POST /p 200" in line and "[test]:1" in line
    assert "SECRET" not in line and "BODYXX" not in line


def test_default_access_log_escapes_control_characters_of_the_path(run, caplog):
    """A path holding (percent-encoded) control characters cannot forge or split
    access log lines: the one access log (restd.accesslog) escapes them."""
    async def main():
        protocol = HttpProtocol(echo, client=ClientInfo("tcp", "[test]:1(fd:0)"))
        transport = FakeTransport(protocol)
        protocol.connection_made(transport)
        protocol.data_received(b"GET /a%0AGET%20/forged%20200%0D%1b[31m%7f HTTP/1.1\r\n"
                               b"Content-Length: 0\r\n\r\n")
        protocol.eof_received()
        await asyncio.wait_for(transport.lost.wait(), HANG_BOUND)

    with caplog.at_level(logging.INFO, logger="restd.access"):
        run(main())
    (line,) = [record.getMessage() for record in caplog.records if record.name == "restd.access"]
    assert line.startswith("GET /a\\x0aGET /forged 200\\x0d\\x1b[31m\\x7f 200 "), line
    assert not any(ord(char) < 0x20 or ord(char) == 0x7f for char in line)


def test_request_tells_when_the_client_ended_its_input(run):
    """Request.input_ended() is False while the client may still send, True once it
    ended its input (EOF: it closed the connection or its sending side), read by
    handlers that wait on Slurm for long; the answer still goes out."""
    seen = []

    async def waiting(request):
        seen.append(request.input_ended())
        while not request.input_ended():
            await asyncio.sleep(0.01)
        seen.append(request.input_ended())
        return Response(200, b"gone", content_type="text/plain")

    async def main():
        protocol, transport = connect(app=waiting)
        protocol.data_received(b"GET /wait HTTP/1.1\r\nHost: x\r\n\r\n")
        await asyncio.sleep(0.05)
        assert seen == [False]
        protocol.eof_received()
        await asyncio.wait_for(transport.lost.wait(), HANG_BOUND)
        return parse_responses(transport.written, eof=True)

    responses = run(main())
    assert seen == [False, True]
    assert [r.status for r in responses] == [200]


# ---------------------------------------------------------------------- timeouts


def test_slow_headers_get_408_and_close(run):
    async def main():
        protocol, transport = connect(limits=Limits(header_timeout=0.1))
        protocol.data_received(b"GET / HTTP/1.1\r\nX-Slow: ")  # slowloris: never finishes
        await asyncio.wait_for(transport.lost.wait(), HANG_BOUND)
        assert_refused(parse_responses(transport.written), transport, 408, "HTTP headers")

    run(main())


def test_header_deadline_is_total_not_per_byte(run):
    async def main():
        protocol, transport = connect(limits=Limits(header_timeout=0.2))
        protocol.data_received(b"GET / HTTP/1.1\r\n")
        for _ in range(100):  # a byte now and then does not extend the deadline
            if transport.lost.is_set():
                break
            protocol.data_received(b"X: y\r\n")
            await asyncio.sleep(0.01)
        await asyncio.wait_for(transport.lost.wait(), HANG_BOUND)
        assert parse_responses(transport.written)[-1].status == 408

    run(main())


def test_slow_body_gets_408(run):
    async def main():
        protocol, transport = connect(limits=Limits(body_timeout=0.1))
        protocol.data_received(b"POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc")
        await asyncio.wait_for(transport.lost.wait(), HANG_BOUND)
        assert_refused(parse_responses(transport.written), transport, 408, "HTTP body")

    run(main())


def test_idle_keep_alive_connection_is_closed(run):
    async def main():
        protocol, transport = connect(limits=Limits(keep_alive_timeout=0.1))
        protocol.data_received(b"GET / HTTP/1.1\r\n\r\n")
        await transport.wait_responses(1)
        await asyncio.wait_for(transport.lost.wait(), HANG_BOUND)
        assert not transport.aborted
        assert len(parse_responses(transport.written)) == 1  # closed silently

    run(main())


def test_idle_timer_restarts_after_each_request(run):
    async def main():
        protocol, transport = connect(limits=Limits(keep_alive_timeout=0.15))
        for n in range(4):  # total time well past one idle period
            protocol.data_received(b"GET /%d HTTP/1.1\r\n\r\n" % n)
            await transport.wait_responses(n + 1)
            await asyncio.sleep(0.08)
            assert not transport.closing
        await asyncio.wait_for(transport.lost.wait(), HANG_BOUND)

    run(main())


# ---------------------------------------------------------------------- shutdown


def test_shutdown_closes_idle_connection_now(run):
    async def main():
        protocol, transport = connect()
        protocol.shutdown()
        await asyncio.wait_for(transport.lost.wait(), HANG_BOUND)
        assert transport.written == b""

    run(main())


def test_shutdown_lets_the_busy_request_finish_with_close(run):
    async def main():
        release = asyncio.Event()

        async def blocked(request: Request) -> Response:
            await release.wait()
            return Response(200, b"done")

        protocol, transport = connect(app=blocked)
        protocol.data_received(b"GET / HTTP/1.1\r\n\r\n")
        await asyncio.sleep(0)
        protocol.shutdown()
        assert not transport.closing
        release.set()
        await asyncio.wait_for(transport.lost.wait(), HANG_BOUND)
        (response,) = parse_responses(transport.written)
        assert response.body == b"done" and response.headers["connection"] == "Close"

    run(main())


async def _respond(response: Response) -> Response:
    return response
