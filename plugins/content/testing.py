"""content/testing: endpoints for restd's own test suite, NOT Slurm data.

Never listed nor loaded unless RESTD_ENABLE_TEST_PLUGINS=1 (see
restd.plugin_loader.TEST_PLUGIN_PREFIX). Its answers only echo the request or
exercise the application's error paths; nothing here talks to Slurm.
"""
import threading
import time

from restd.http.messages import Response
from restd.plugin_api import ListStream, OperationSpec, Parameter, Records, RequestFailed

NAME = "testing"
PLUGIN_TYPE = "openapi/testing"
PLUGIN_NAME = "restd test endpoints (not Slurm)"
TAG = "testing"


async def echo(ctx):
    """The request as the handler sees it."""
    return {"echo": {"path": ctx.path_params, "query": ctx.query, "body": ctx.body,
                     "user": ctx.identity.user, "data_parser": ctx.data_parser.name,
                     "flags": sorted(ctx.data_parser.flags)}}


async def warn(ctx):
    ctx.warning("a warning for the test suite", "testing.warn")
    return {"echo": {}}


async def fail(ctx):
    raise RuntimeError("an unexpected failure for the test suite")


async def refuse(ctx):
    raise RequestFailed(422, "refused for the test suite", error_number=9000,
                        error="Query empty or not RFC7320 compliant", source="testing.refuse")


async def not_finite(ctx):
    return {"echo": {"values": [float("nan"), float("inf"), float("-inf"), 1.5]}}


async def unchanged(ctx):
    """A finished answer without envelope, as slurmdbd's 304 "nothing changed"."""
    return Response(304)


async def blocking(ctx):
    """Sleeps in a worker thread; answers the worker's name."""
    def work():
        time.sleep(0.01)
        return threading.current_thread().name

    return {"echo": {"thread": await ctx.run_blocking(work)}}


# What the streamed endpoint's lists did, for the test suite: the closes, and the
# batches rendered (tag, start).
STREAMS_CLOSED: list[str] = []
STREAM_BATCHES: list[tuple[str, int]] = []


async def streamed(ctx):
    """A list of ``count`` items (query) written batch by batch (ListStream),
    converted in worker threads; ``fail_at`` makes the conversion of that item
    fail; every 100th item adds a warning."""
    count = int(ctx.query.get("count", 0))
    fail_at = int(ctx.query.get("fail_at", -1))
    tag = str(ctx.query.get("tag", ""))
    stream = None

    def render(start, stop):
        STREAM_BATCHES.append((tag, start))
        if start <= fail_at < stop:
            raise RuntimeError("a conversion failure for the test suite")
        for index in range(start, stop):
            if index % 100 == 0:
                stream.warnings.append({"description": f"item {index}",
                                        "source": "testing.streamed"})
        return [{"index": index, "thread": threading.current_thread().name[:12],
                 "text": "line\nbreak \"quoted\""} for index in range(start, stop)]

    stream = ListStream(count, render, lambda: STREAMS_CLOSED.append(tag),
                        batch=int(ctx.query.get("batch", 7)))
    ctx.warning("before the list", "testing.streamed")
    return {"echo": stream}


# What the records endpoint's lists did, for the test suite: the closes.
RECORDS_CLOSED: list[str] = []


async def records(ctx):
    """A list given as Records (restd.app renders it) of ``count`` items (query) of
    data_parser kind ``kind`` (default TESTING_ITEM, which no C dumper writes), with
    ``batch`` when given; each Python rendering adds a warning."""
    count = int(ctx.query.get("count", 3))
    batch = int(ctx.query["batch"]) if "batch" in ctx.query else None
    tag = str(ctx.query.get("tag", ""))
    message = list(range(count))

    def render(start, stop, warnings):
        warnings.append({"description": f"python {start}-{stop}", "source": "testing.records"})
        return [{"index": index, "by": "python"} for index in message[start:stop]]

    return {"echo": Records(str(ctx.query.get("kind", "TESTING_ITEM")), message, count,
                            render, lambda: RECORDS_CLOSED.append(tag), batch=batch)}


def operations():
    word = Parameter("word", "path")
    query = (Parameter("flag", "query", {"type": "boolean"}),
             Parameter("color", "query", {"type": "string", "enum": ["red", "blue"]}))
    for method, path, operation_id, handler, parameters, request in (
            ("GET", "/testing/{data_parser}/echo/{word}", "testing_{dp_id}_get_echo",
             echo, (word, *query), None),
            ("POST", "/testing/{data_parser}/echo/{word}", "testing_{dp_id}_post_echo",
             echo, (word,), "{data_parser}_testing_echo_req"),
            ("GET", "/testing/{data_parser}/warn/", "testing_{dp_id}_get_warn", warn, (), None),
            ("GET", "/testing/{data_parser}/fail/", "testing_{dp_id}_get_fail", fail, (), None),
            ("GET", "/testing/{data_parser}/refuse/", "testing_{dp_id}_get_refuse", refuse,
             (), None),
            ("GET", "/testing/{data_parser}/not_finite/", "testing_{dp_id}_get_not_finite",
             not_finite, (), None),
            ("GET", "/testing/{data_parser}/blocking/", "testing_{dp_id}_get_blocking",
             blocking, (), None),
            ("POST", "/testing/{data_parser}/unchanged/", "testing_{dp_id}_post_unchanged",
             unchanged, (), None),
            ("GET", "/testing/{data_parser}/streamed/", "testing_{dp_id}_get_streamed",
             streamed, (), None),
            ("GET", "/testing/{data_parser}/records/", "testing_{dp_id}_get_records",
             records, (), None)):
        yield OperationSpec(method=method, path=path, operation_id=operation_id,
                            handler=handler, tags=(TAG,), parameters=parameters,
                            request_schema=request,
                            response_schema="{data_parser}_testing_echo_resp")


def schemas(data_parser: str):
    free_object = {"type": "object", "additionalProperties": True}
    return {
        f"{data_parser}_testing_echo_req": free_object,
        f"{data_parser}_testing_echo_resp": {
            "type": "object",
            "properties": {
                "echo": free_object,
                "meta": free_object,
                "errors": {"type": "array", "items": free_object},
                "warnings": {"type": "array", "items": free_object},
            },
        },
    }
