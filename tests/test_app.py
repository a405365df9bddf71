"""restd.app as a plain async function: routing answers (404, 405, 415), the
envelope, authentication, parsing, handler failures, the OpenAPI endpoints, and
the access log's discretion."""
import asyncio
import json
import logging
from pathlib import Path
from types import SimpleNamespace

import pytest
from openapi_spec_validator import validate

from restd.accesslog import AccessLog
from restd.app import build_app
from restd.config import Config
from restd.http.messages import ClientInfo, Request
from restd.plugin_api import AuthError, DataParser, Identity
from restd.plugin_loader import Plugins
from restd.plugins.content import testing
from restd.plugins.serializer import json as json_serializer
from restd.plugins.serializer import url_encoded, yaml
from shared_dir import SHARED

SAMPLES = (SHARED / "reference/samples/v0.0.40")
SOURCE = "[localhost]:35870(fd:9)"
SECRET = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2Vu.U0VDUkVU"


async def authenticate(request):
    """Stand-in auth plugin: X-Test-User names the user, "bad" is a bad credential."""
    user = request.header("x-test-user")
    if user == "bad":
        raise AuthError("credential refused for the test suite")
    return Identity(user=user, group="users", credential=SECRET) if user else None


STUB_AUTH = SimpleNamespace(NAME="stub", authenticate=authenticate)
STUB_DATA_PARSER = DataParser(SimpleNamespace(NAME="v0.0.40", FLAGS=frozenset({"fast"}),
                                              schemas=lambda: {}),
                              frozenset({"fast"}))


@pytest.fixture
def make_app():
    apps = []

    def make(config=Config(threads=2), plugins=Plugins(
            auth=(STUB_AUTH,), content=(testing,), data_parsers=(STUB_DATA_PARSER,),
            serializers=(json_serializer, yaml, url_encoded))):
        app = build_app(config, plugins)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.close()


@pytest.fixture
def app(make_app):
    return make_app()


def call(app, method, path, *, query="", headers=(), body=b"", user="alice"):
    all_headers = [(name.lower(), value) for name, value in headers]
    if user:
        all_headers.append(("x-test-user", user))
    request = Request(method=method, path=path, query=query, headers=all_headers, body=body,
                      client=ClientInfo("tcp", SOURCE))
    return request, asyncio.run(app(request))


def answer(app, *args, **kwargs):
    _, response = call(app, *args, **kwargs)
    return response


def envelope(response):
    assert response.content_type == "application/json"
    return json.loads(response.body)


def shape(value):
    """Keys of nested dicts, for comparing with the samples."""
    return {key: shape(item) for key, item in value.items()} if isinstance(value, dict) else None


# --- routing ------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/slurm/v0.0.40/nothing", "/testing/v0.0.40/echo/",
                                  "/testing/v0.0.99/echo/x"])
def test_unknown_url_is_404_text_as_slurmrestd(app, path):
    sample = json.loads((SAMPLES / "unknown_url.json").read_text())
    response = answer(app, "GET", path)
    assert response.status == 404 == sample["status"]
    assert response.content_type == sample["headers"]["Content-Type"] == "text/plain"
    assert response.body.decode() == sample["body"]


def test_wrong_method_is_405_with_allow(app):
    response = answer(app, "PUT", "/testing/v0.0.40/echo/x")
    assert response.status == 405
    assert ("Allow", "GET, POST") in response.headers
    assert response.content_type == "text/plain"
    assert b"PUT" in response.body and b"GET, POST" in response.body


def test_unacceptable_accept_is_415_listing_formats(app):
    response = answer(app, "GET", "/testing/v0.0.40/echo/x", headers=[("Accept", "text/html")])
    assert response.status == 415
    assert b"application/json" in response.body and b"application/yaml" in response.body


# --- envelope -----------------------------------------------------------------------

def test_envelope_has_slurmrestds_shape(app):
    sample = json.loads((SAMPLES / "ping.json").read_text())["body"]
    response = answer(app, "GET", "/testing/v0.0.40/echo/hello", query="flag&color=red")
    assert response.status == 200
    assert response.user == "alice"
    body = envelope(response)
    assert list(body)[-3:] == ["meta", "errors", "warnings"]
    assert shape(body["meta"]) == shape(sample["meta"])
    assert body["meta"]["plugin"] == {"type": "openapi/testing", "name": testing.PLUGIN_NAME,
                                      "data_parser": "data_parser/v0.0.40",
                                      "accounting_storage": ""}
    assert body["meta"]["client"] == {"source": SOURCE, "user": "alice", "group": "users"}
    # No Slurm information without a Slurm content plugin: empty, never made up.
    assert body["meta"]["slurm"] == {"version": {"major": "", "micro": "", "minor": ""},
                                     "release": "", "cluster": ""}
    assert body["errors"] == [] and body["warnings"] == []
    assert body["echo"] == {"path": {"word": "hello"}, "query": {"flag": True, "color": "red"},
                            "body": None, "user": "alice", "data_parser": "v0.0.40",
                            "flags": ["fast"]}


def test_yaml_answer_when_asked(app):
    response = answer(app, "GET", "/testing/v0.0.40/echo/x",
                      headers=[("Accept", "application/json;q=0.5, application/yaml")])
    assert response.content_type == "application/yaml"
    assert yaml.load(response.body)["echo"]["path"] == {"word": "x"}


def test_compact_json_when_configured(make_app):
    app = make_app(Config(threads=1, compact=frozenset({"json"})))
    assert b"\n" not in answer(app, "GET", "/testing/v0.0.40/echo/x").body


def test_warnings_reach_the_envelope(app):
    assert envelope(answer(app, "GET", "/testing/v0.0.40/warn"))["warnings"] == [
        {"description": "a warning for the test suite", "source": "testing.warn"}]


def test_output_has_no_nan_nor_infinity(app):
    response = answer(app, "GET", "/testing/v0.0.40/not_finite")
    assert b"NaN" not in response.body and b"Infinity" not in response.body
    assert envelope(response)["echo"]["values"] == [None, None, None, 1.5]


def test_blocking_work_runs_in_the_worker_pool(app):
    assert envelope(answer(app, "GET", "/testing/v0.0.40/blocking"))["echo"][
        "thread"].startswith("restd-worker")


def test_handler_may_answer_without_envelope(app):
    response = answer(app, "POST", "/testing/v0.0.40/unchanged")
    assert (response.status, response.body, response.user) == (304, b"", "alice")


# --- authentication -----------------------------------------------------------------

def error_entry(body):
    [entry] = body["errors"]
    assert set(entry) == {"description", "error_number", "error", "source"}
    return entry


def test_no_credential_is_401_json(app):
    response = answer(app, "GET", "/testing/v0.0.40/echo/x", user=None)
    assert response.status == 401
    body = envelope(response)
    entry = error_entry(body)
    assert entry["error_number"] == 9008 and entry["error"] == "Authentication failure"
    assert body["meta"]["client"]["user"] == ""
    # the failure still carries every field of the answer's schema, empty
    assert body["echo"] == {}


def test_bad_credential_is_401_with_the_plugins_reason(app):
    response = answer(app, "GET", "/testing/v0.0.40/echo/x", user="bad")
    assert response.status == 401
    assert error_entry(envelope(response))["description"] == (
        "credential refused for the test suite")


# --- parsing ------------------------------------------------------------------------

@pytest.mark.parametrize("content_type, body", [
    ("application/json", b'{"tasks": 5}'),
    ("Application/JSON; charset=utf-8", b'{"tasks": 5}'),
    ("application/x-yaml", b"tasks: 5\n"),
    ("text/yaml", b"tasks: 5\n"),
    ("application/json; charset=UTF-8", b'{"tasks": 5}'),
    ('application/yaml; charset="utf8"', b"tasks: 5\n"),
])
def test_request_bodies(app, content_type, body):
    response = answer(app, "POST", "/testing/v0.0.40/echo/x",
                      headers=[("Content-Type", content_type)], body=body)
    assert response.status == 200
    assert envelope(response)["echo"]["body"] == {"tasks": 5}


def test_form_body(app):
    response = answer(app, "POST", "/testing/v0.0.40/echo/x",
                      headers=[("Content-Type", "application/x-www-form-urlencoded")],
                      body=b"tasks=5&hold")
    assert envelope(response)["echo"]["body"] == {"tasks": "5", "hold": True}


def test_body_that_does_not_parse_is_400_naming_where(app):
    response = answer(app, "POST", "/testing/v0.0.40/echo/x",
                      headers=[("Content-Type", "application/json")],
                      body=b'{\n  "tasks": ,\n}')
    assert response.status == 400
    entry = error_entry(envelope(response))
    assert entry["error_number"] == 9001
    assert "line 2, column 12" in entry["description"]


# A body is read as its Content-Type says. slurmrestd reads a body without one as a
# form (src/common/http_mime.c), so JSON sent without it, or labelled a form (curl
# --data-binary without -H), is refused as a form that does not parse: 400.
@pytest.mark.parametrize("headers", [
    [], [("Content-Type", "application/x-www-form-urlencoded")]])
def test_json_sent_without_its_content_type_is_400(app, headers):
    response = answer(app, "POST", "/testing/v0.0.40/echo/x", headers=headers,
                      body=b'{"tasks": 5}')
    assert response.status == 400
    entry = error_entry(envelope(response))
    assert entry["error_number"] == 9001 and entry["source"] == "body"
    assert "application/x-www-form-urlencoded" in entry["description"]
    assert "'{'" in entry["description"]
    if not headers:
        assert "Content-Type: application/json" in entry["description"]


def test_form_without_content_type_is_read_as_a_form(app):
    response = answer(app, "POST", "/testing/v0.0.40/echo/x", body=b"tasks=5")
    assert response.status == 200
    assert envelope(response)["echo"]["body"] == {"tasks": "5"}


@pytest.mark.parametrize("content_type", [
    "application/json; charset=utf-16", "application/json;charset=UTF-16LE",
    "application/yaml; charset=latin-1", "application/x-www-form-urlencoded; charset=utf-32"])
def test_body_in_another_charset_is_415(app, content_type):
    body = '{"tasks": 5}'.encode("utf-16")
    response = answer(app, "POST", "/testing/v0.0.40/echo/x",
                      headers=[("Content-Type", content_type)], body=body)
    assert response.status == 415
    entry = error_entry(envelope(response))
    assert entry["error_number"] == 9204 and "charset" in entry["description"]
    assert "UTF-8" in entry["description"]


def test_unsupported_content_type_is_415(app):
    response = answer(app, "POST", "/testing/v0.0.40/echo/x",
                      headers=[("Content-Type", "text/plain")], body=b"tasks=5")
    assert response.status == 415
    assert "text/plain" in error_entry(envelope(response))["description"]


def test_query_that_does_not_parse_is_400(app):
    response = answer(app, "GET", "/testing/v0.0.40/echo/x", query="a=%ff")
    assert response.status == 400


# --- handler failures ---------------------------------------------------------------

def test_handler_exception_is_500_json_and_logged(app, caplog):
    response = answer(app, "GET", "/testing/v0.0.40/fail")
    assert response.status == 500
    entry = error_entry(envelope(response))
    assert entry["error_number"] == -1 and entry["source"] == "testing_v0040_get_fail"
    assert "an unexpected failure for the test suite" in caplog.text
    # and the daemon goes on
    assert answer(app, "GET", "/testing/v0.0.40/echo/x").status == 200


def test_handler_refusal_sets_status_and_error(app):
    response = answer(app, "GET", "/testing/v0.0.40/refuse")
    assert response.status == 422
    assert error_entry(envelope(response)) == {
        "description": "refused for the test suite", "error_number": 9000,
        "error": "Query empty or not RFC7320 compliant", "source": "testing.refuse"}


# --- OpenAPI endpoints --------------------------------------------------------------

@pytest.mark.parametrize("path", ["/openapi", "/openapi/v3", "/openapi.json", "/openapi/v3/"])
def test_openapi_json_needs_no_credential(app, path):
    response = answer(app, "GET", path, user=None)
    assert response.status == 200 and response.content_type == "application/json"
    document = json.loads(response.body)
    validate(document)
    assert "/testing/v0.0.40/echo/{word}" in document["paths"]


def test_openapi_yaml(app):
    for path, headers in (("/openapi.yaml", []), ("/openapi/v3", [("Accept", "application/yaml")])):
        response = answer(app, "GET", path, headers=headers, user=None)
        assert response.content_type == "application/yaml"
        assert yaml.load(response.body)["openapi"] == "3.0.3"


# --- logging ------------------------------------------------------------------------

def test_tokens_never_reach_the_logs(app, caplog):
    caplog.set_level(1)
    access_log = AccessLog()
    requests = [("GET", "/testing/v0.0.40/echo/x", f"token={SECRET}", b""),
                ("GET", "/testing/v0.0.40/fail", f"token={SECRET}", b""),
                ("POST", "/testing/v0.0.40/echo/x", "", f'{{"token": "{SECRET}"'.encode()),
                ("GET", "/nowhere", f"token={SECRET}", b"")]
    for method, path, query, body in requests:
        request, response = call(app, method, path, query=query, body=body,
                                 headers=[("X-SLURM-USER-TOKEN", SECRET),
                                          ("Authorization", f"Bearer {SECRET}"),
                                          ("Content-Type", "application/json")])
        access_log(request, response, response.status, len(response.body), 0.001)
    assert "GET /testing/v0.0.40/echo/x 200 user=alice" in caplog.text
    assert "POST /testing/v0.0.40/echo/x 400" in caplog.text
    assert SECRET not in caplog.text
    assert "token=" not in caplog.text


def test_access_log_escapes_control_characters(app, caplog):
    caplog.set_level(logging.INFO)
    request, response = call(app, "GET", "/a\nFAKE 200 line")
    AccessLog()(request, response, response.status, 0, 0.0)
    assert "/a\\x0aFAKE" in caplog.text and "\nFAKE" not in caplog.text


# --- lists written batch by batch (ListStream) ----------------------------------------

def _read_body(response):
    """Everything a client receives of a (possibly chunked) answer."""
    async def read():
        if isinstance(response.body, bytes):
            return response.body
        chunks = []
        try:
            async for chunk in response.body:
                chunks.append(chunk)
        finally:
            await response.body.aclose()
        return b"".join(chunks)
    return asyncio.run(read())


def _streamed(app, tag, **query):
    query = "&".join(f"{k}={v}" for k, v in {"tag": tag, **query}.items())
    return answer(app, "GET", "/testing/v0.0.40/streamed/", query=query,
                  headers=[("Accept", "application/json")])


@pytest.mark.parametrize("count", [0, 1, 7, 250])
@pytest.mark.parametrize("compact", [False, True])
def test_streamed_list_is_the_same_json_as_a_whole_answer(make_app, count, compact):
    app = make_app(Config(threads=2, compact=frozenset({"json"}) if compact else frozenset()))
    tag = f"same-{count}-{compact}"
    response = _streamed(app, tag, count=count)
    assert not isinstance(response.body, bytes)  # written piece by piece
    body = _read_body(response)
    parsed = json.loads(body)
    assert [item["index"] for item in parsed["echo"]] == list(range(count))
    assert {item["thread"] for item in parsed["echo"]} <= {"restd-worker"}
    assert parsed["echo"][:1] == [{"index": 0, "thread": "restd-worker",
                                   "text": 'line\nbreak "quoted"'}][:count]
    # byte for byte what dumping the whole answer at once gives
    assert body == json_serializer.dump(parsed, not compact)
    # warnings found while converting come after the list, with the handler's own
    assert parsed["warnings"] == (
        [{"description": "before the list", "source": "testing.streamed"}]
        + [{"description": f"item {i}", "source": "testing.streamed"}
           for i in range(0, count, 100)])
    assert testing.STREAMS_CLOSED.count(tag) == 1


def test_streamed_list_is_whole_for_yaml(app):
    response = answer(app, "GET", "/testing/v0.0.40/streamed/", query="count=30&tag=yaml",
                      headers=[("Accept", "application/yaml")])
    assert isinstance(response.body, bytes)
    parsed = yaml.load(response.body)
    assert [item["index"] for item in parsed["echo"]] == list(range(30))
    assert parsed["warnings"][-1] == {"description": "item 0", "source": "testing.streamed"}
    assert testing.STREAMS_CLOSED.count("yaml") == 1


def test_streamed_list_failing_midway_ends_valid_with_the_error(app, caplog):
    response = _streamed(app, "midway", count=50, fail_at=20, batch=10)
    assert response.status == 200  # the status line was out before the failure
    parsed = json.loads(_read_body(response))
    assert [item["index"] for item in parsed["echo"]] == list(range(20))
    assert parsed["errors"] == [{"description": "Internal error: the list was cut short",
                                 "error_number": -1, "error": "Unspecified error",
                                 "source": "testing_v0040_get_streamed"}]
    assert "a conversion failure for the test suite" in caplog.text
    assert testing.STREAMS_CLOSED.count("midway") == 1


def test_streamed_list_released_when_never_read(app):
    """A HEAD request or a client gone before the first chunk: the protocol only
    closes the body; the records are released all the same."""
    response = _streamed(app, "unread", count=40)
    asyncio.run(response.body.aclose())
    assert testing.STREAMS_CLOSED.count("unread") == 1


def test_streamed_list_released_when_client_leaves_midway(app):
    response = _streamed(app, "left", count=40, batch=5)

    async def read_two_chunks_and_leave():
        iterator = response.body.__aiter__()
        await iterator.__anext__()
        await iterator.__anext__()
        await response.body.aclose()
    asyncio.run(read_two_chunks_and_leave())
    assert testing.STREAMS_CLOSED.count("left") == 1


def _concurrent_streamed(app, tag, clients, leave_after=None, **query):
    """``clients`` identical GETs of the streamed list sent at once (one shared fetch):
    each answer's bytes; ``leave_after`` chunks, the first client reads that many and
    goes away."""
    query = "&".join(f"{k}={v}" for k, v in {"tag": tag, **query}.items())

    async def one(index):
        request = Request(method="GET", path="/testing/v0.0.40/streamed/", query=query,
                          headers=[("accept", "application/json"), ("x-test-user", "alice")],
                          body=b"", client=ClientInfo("tcp", SOURCE))
        response = await app(request)
        chunks = []
        try:
            async for chunk in response.body:
                chunks.append(chunk)
                if index == 0 and leave_after is not None and len(chunks) == leave_after:
                    return None
        finally:
            await response.body.aclose()
        return b"".join(chunks)

    async def run():
        return await asyncio.gather(*(one(index) for index in range(clients)))
    return asyncio.run(run())


def test_a_shared_streamed_list_is_rendered_once_for_all_its_answers(app):
    """Identical GETs sharing one fetch of a list written batch by batch: each batch is
    converted and serialized once, every answer has all of it and the warnings of
    its batches, and the records are released once, after the last answer."""
    bodies = _concurrent_streamed(app, "shared-once", 6, count=45, batch=10)
    assert app._shared.started == 1 and app._shared.joined == 5
    assert sorted(start for tag, start in testing.STREAM_BATCHES if tag == "shared-once") \
        == [0, 10, 20, 30, 40]
    for body in bodies:
        parsed = json.loads(body)
        assert [item["index"] for item in parsed["echo"]] == list(range(45))
        assert [w["description"] for w in parsed["warnings"]] == ["before the list", "item 0"]
    assert len(set(bodies)) == 1  # one client source and user: the same bytes
    assert testing.STREAMS_CLOSED.count("shared-once") == 1


def test_a_shared_streamed_list_outlives_an_answer_that_leaves(app):
    bodies = _concurrent_streamed(app, "shared-left", 3, leave_after=2, count=40, batch=5)
    assert bodies[0] is None
    for body in bodies[1:]:
        assert [item["index"] for item in json.loads(body)["echo"]] == list(range(40))
    assert sorted(start for tag, start in testing.STREAM_BATCHES if tag == "shared-left") \
        == list(range(0, 40, 5))
    assert testing.STREAMS_CLOSED.count("shared-left") == 1


def test_shared_batches_are_kept_until_every_view_took_them():
    from restd.plugin_api import ListStream
    from restd.shared_fetch import _SharedBatches
    rendered, closed = [], []
    stream = ListStream(6, lambda start, stop: rendered.append(start) or list(range(start, stop)),
                        lambda: closed.append(True), batch=2)
    batches = _SharedBatches(stream, views=3)
    views = [batches.view(lambda: None) for _ in range(3)]
    assert views[0].render_range(0, 2) == [0, 1] and len(batches._kept) == 1
    assert views[1].render_range(0, 2) == [0, 1] and len(batches._kept) == 1
    assert views[2].render_range(0, 2) == [0, 1] and batches._kept == {}
    assert views[2].render_range(2, 4) == [2, 3] and rendered == [0, 2]
    batches.clear()  # the list released: what the others had not taken goes too
    assert batches._kept == {}
    alone = _SharedBatches(stream, views=1)  # one answer: nothing is kept
    assert alone.view(lambda: None).render_range(4, 6) == [4, 5] and alone._kept == {}


# --- memory given back after large answers (restd/memory.py) -------------------------

def test_answers_are_followed_by_one_trim_per_burst():
    """One trim a delay after the first answer since the last trim: one per burst, one
    after the last answer, none while nothing is answered."""
    from concurrent.futures import ThreadPoolExecutor

    from restd import memory

    async def trims_reach(trimmer, count):
        for _ in range(500):  # bounded: 5 s
            if trimmer.trims >= count:
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.1)  # and no more than that
        return trimmer.trims

    async def main():
        with ThreadPoolExecutor(1) as executor:
            trimmer = memory.Trimmer(executor, delay=0.05)
            assert trimmer._trim is not None  # glibc: malloc_trim found
            await asyncio.sleep(0.2)
            assert trimmer.trims == 0  # nothing answered: nothing to give back
            for _ in range(5):  # a burst: one trim
                trimmer.answered()
            assert await trims_reach(trimmer, 1) == 1
            trimmer.answered()  # the next burst: the next trim
            assert await trims_reach(trimmer, 2) == 2
            trimmer.answered()
            trimmer.close()  # stopping: the pending trim is dropped
            await asyncio.sleep(0.2)
            assert trimmer.trims == 2
    asyncio.run(main())


def test_every_answer_is_followed_by_a_trim(make_app):
    """Small answers count (a poll answered 304, a ping): after them, one trim."""
    app = make_app()
    app._trimmer._delay = 0.05
    assert app._trimmer._trim is not None  # glibc: malloc_trim found

    async def ping_then_wait():
        request = Request(method="GET", path="/testing/v0.0.40/echo/x", query="",
                          headers=[("x-test-user", "alice")], body=b"",
                          client=ClientInfo("tcp", SOURCE))
        for _ in range(3):
            assert (await app(request)).status == 200
        for _ in range(100):  # bounded: 1 s
            if app._trimmer.trims:
                break
            await asyncio.sleep(0.01)
        return app._trimmer.trims
    assert asyncio.run(ping_then_wait()) >= 1


# A fresh interpreter per case: glibc's arena limit is process-wide and arenas, once
# made, stay. Each new thread that allocates gets an arena of its own while there are
# fewer than the limit (glibc's arena_get2), so 6 threads make 7 arenas unless limited.
ARENAS_AFTER_THREADS = r"""
import ctypes, os, re, sys, tempfile, threading
from restd import memory
print(memory.limit_arenas(int(sys.argv[1])))
libc = ctypes.CDLL("libc.so.6")
libc.malloc.restype = ctypes.c_void_p
libc.fopen.restype = ctypes.c_void_p
libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
libc.fclose.argtypes = [ctypes.c_void_p]
started, allocated = threading.Barrier(6), threading.Barrier(7)
def allocate():
    started.wait()  # all 6 alive at once: none reuses an arena a finished one left
    libc.malloc(1000)
    allocated.wait()  # and alive until the arenas are counted
    allocated.wait()
threads = [threading.Thread(target=allocate) for _ in range(6)]
for thread in threads:
    thread.start()
allocated.wait()
path = tempfile.mktemp()
stream = libc.fopen(path.encode(), b"w")
libc.malloc_info(0, stream)
libc.fclose(stream)
heaps = len(re.findall(r'<heap nr="', open(path).read()))
allocated.wait()
for thread in threads:
    thread.join()
os.unlink(path)
print(heaps)
"""


@pytest.mark.parametrize("limit, chosen, arenas", [(0, "False", 7), (2, "True", 2),
                                                   (1, "True", 1)])
def test_malloc_arenas_are_limited_before_threads_allocate(limit, chosen, arenas):
    import os
    import subprocess
    import sys
    env = {k: v for k, v in os.environ.items()
           if k != "MALLOC_ARENA_MAX" and "arena_max" not in v}
    out = subprocess.run([sys.executable, "-c", ARENAS_AFTER_THREADS, str(limit)], env=env,
                         capture_output=True, text=True, check=True, timeout=60).stdout.split()
    assert out == [chosen, str(arenas)]


def test_malloc_arenas_chosen_in_the_environment_are_left_alone():
    from restd import memory
    assert memory.arenas_chosen_by_environment({"MALLOC_ARENA_MAX": "4"})
    assert memory.arenas_chosen_by_environment(
        {"GLIBC_TUNABLES": "glibc.malloc.hugetlb=1:glibc.malloc.arena_max=4"})
    assert not memory.arenas_chosen_by_environment({"GLIBC_TUNABLES": "glibc.malloc.hugetlb=1"})
    assert not memory.limit_arenas(2, {"MALLOC_ARENA_MAX": "4"})


def test_client_values_are_put_into_a_shared_dump_as_each_format_reads_them():
    from restd.app import CLIENT_MARKS, Template
    from restd.plugins.serializer import json as json_serializer_module
    from restd.plugins.serializer import yaml as yaml_serializer_module
    values = [{"source": "[127.0.0.1]:41822(fd:12)", "user": "alice", "group": "alice"},
              {"source": "unix:/run/restd.sock(fd:7)", "user": "bob", "group": "users"},
              {"source": 'odd "é" \\ \n', "user": "a: b", "group": "- x"}]
    for serializer, read in ((json_serializer_module, json.loads),
                             (yaml_serializer_module, yaml_serializer_module.load)):
        for pretty in (True, False):
            template = Template(serializer.dump(
                {"meta": {"client": dict(CLIENT_MARKS)}, "jobs": [{"name": "x"}]}, pretty))
            etags = set()
            for client in values:
                answer = read(template.body(client))
                assert answer == {"meta": {"client": client}, "jobs": [{"name": "x"}]}
                etags.add(template.etag(client["user"], client["group"]))
            # one ETag per user and group, whatever the source
            assert len(etags) == len(values)
            assert template.etag("alice", "alice") == template.etag("alice", "alice")


def test_last_answers_are_bounded_in_bytes_least_recently_used_out_first():
    from restd.shared_fetch import LastAnswers
    kept = LastAnswers(100)
    kept.put("a", 1, "dump a", 40)
    kept.put("b", 2, "dump b", 40)
    assert kept.get("a").template == "dump a"  # a is now the most recently used
    kept.put("c", 3, "dump c", 40)  # over the bound: b, least recently used, goes
    assert kept.get("b") is None and kept.get("a") and kept.get("c")
    assert kept.size == 80 and len(kept) == 2
    kept.put("a", 4, "newer a", 30)  # replaced, not added
    assert kept.get("a").last_modified == 4 and kept.size == 70
    kept.put("huge", 5, "too large", 101)  # larger than the bound: not kept
    assert kept.get("huge") is None and kept.size == 70
    kept.put("c", 6, "too large", 101)  # and the older answer of its key is dropped
    assert kept.get("c") is None and kept.size == 30
    assert LastAnswers(0).put("a", 1, "x", 1) is None and len(LastAnswers(0)) == 0


# --- lists handlers give as Records: rendered by the app, the C fast path chosen there ------

def _records(app, tag, accept="application/json", **query):
    query = "&".join(f"{k}={v}" for k, v in {"tag": tag, **query}.items())
    return answer(app, "GET", "/testing/v0.0.40/records/", query=query,
                  headers=[("Accept", accept)])


def _fake_c_dumper(calls):
    """Stands for a generated C dumper: the JSON array of records [start, stop) as the
    value of a top-level key, or (items_only) its items without the brackets (what
    restd.native.fastpath's write)."""
    import orjson

    def dump(message, pretty, indent_level, start, stop, warnings, items_only=False):
        assert indent_level == 1
        calls.append((start, stop, items_only))
        items = [orjson.dumps({"index": index, "by": "c"}) for index in message[start:stop]]
        inner = (b",".join(b"\n    " + item for item in items) if pretty
                 else b",".join(items))
        if items_only:
            return inner
        if not items:
            return b"[]"
        return b"[" + inner + (b"\n  ]" if pretty else b"]")
    return dump


def test_records_without_a_c_dumper_are_dumped_by_python_and_released(app):
    response = _records(app, "python", count=4)
    body = json.loads(_read_body(response))
    assert body["echo"] == [{"index": i, "by": "python"} for i in range(4)]
    assert {"description": "python 0-4", "source": "testing.records"} in body["warnings"]
    assert testing.RECORDS_CLOSED.count("python") == 1
    assert response.headers and dict(response.headers).get("ETag")  # whole: validated


@pytest.mark.parametrize("accept", ["application/json", "application/yaml"])
@pytest.mark.parametrize("batch", [None, 2])
def test_records_of_a_version_and_kind_with_a_c_dumper_take_it_for_json_only(
        make_app, monkeypatch, accept, batch):
    from restd.native import fastpath
    calls = []
    monkeypatch.setitem(fastpath.DUMPERS, ("v0.0.40", "TESTING_ITEM"), _fake_c_dumper(calls))
    app = make_app()
    tag = f"fast-{accept}-{batch}"
    query = {"count": 5} if batch is None else {"count": 5, "batch": batch}
    response = _records(app, tag, accept, **query)
    body = _read_body(response)
    parsed = json.loads(body) if accept == "application/json" else yaml.load(body)
    by = "c" if accept == "application/json" else "python"
    assert parsed["echo"] == [{"index": i, "by": by} for i in range(5)]
    if accept == "application/json":
        # the items alone when written batch by batch
        assert calls == ([(0, 5, False)] if batch is None
                         else [(0, 2, True), (2, 4, True), (4, 5, True)])
        # streamed (written batch by batch) exactly when the list has a batch
        assert isinstance(response.body, bytes) == (batch is None)
    else:
        assert calls == []
        assert {"description": "python 0-5", "source": "testing.records"} \
            in parsed["warnings"]
    assert testing.RECORDS_CLOSED.count(tag) == 1


def test_records_of_another_version_fall_back_to_python(make_app, monkeypatch):
    """The registry is per (version, kind): a version without a generated dumper
    is dumped by its Python dumper."""
    from restd.native import fastpath
    calls = []
    monkeypatch.setitem(fastpath.DUMPERS, ("v0.0.41", "TESTING_ITEM"), _fake_c_dumper(calls))
    app = make_app()
    body = json.loads(_read_body(_records(app, "other-version", count=2)))
    assert body["echo"] == [{"index": 0, "by": "python"}, {"index": 1, "by": "python"}]
    assert calls == []
