"""serializer/json: JSON in and out, by orjson.

Answers are pretty (2-space indent) unless SLURMRESTD_JSON=compact. orjson writes
NaN and infinities as null, so no answer carries a value JSON does not have.
"""
import orjson

from restd.plugin_api import SerializerError

NAME = "json"
MIME_TYPES = ("application/json", "application/jsonrequest")


def dump(obj, pretty: bool) -> bytes:
    return orjson.dumps(obj, option=orjson.OPT_INDENT_2 if pretty else 0)


def load(data: bytes):
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise SerializerError(f"invalid JSON: {error.msg}", error.lineno,
                              error.colno) from None
