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


# --- a top-level list written piece by piece (restd.plugin_api.ListStream) ---------------
# The answer is dumped with a marker in place of the list, and split there: what comes
# before is written first, then the list's items batch by batch, then what follows
# (dumped again at the end, so that warnings found while converting the list are in it).

STREAMS_LISTS = True
_MARK = "\x00restd:streamed-list\x00"
_MARK_JSON = orjson.dumps(_MARK)
_INDENT = b"  "  # OPT_INDENT_2


def dump_around(obj: dict, key: str, pretty: bool) -> tuple[bytes, bytes]:
    """``obj`` dumped without ``obj[key]``: the bytes before and after its value."""
    head, found, tail = dump({**obj, key: _MARK}, pretty).partition(_MARK_JSON)
    assert found, "the list's marker was not written"
    return head, tail


def dump_list_items(items, pretty: bool, first: bool) -> bytes:
    """Items of a list that is the value of a top-level key, with the list's
    opening bracket if ``first`` (nothing written yet) and else a separating
    comma; b"" for no items.

    ``items`` is a list, or bytes: a JSON array already written as the value
    of a top-level key (restd.native.fastpath's batches)."""
    if isinstance(items, (bytes, bytearray)):
        # "[\n    {...},\n    {...}\n  ]" pretty, "[{...},{...}]" compact, "[]" empty
        inner = bytes(items[1:-4] if pretty and len(items) > 2 else items[1:-1])
    elif not items:
        inner = b""
    elif pretty:
        # orjson writes the items at depth 1 ("[\n  {...},\n  {...}\n]"); a member
        # of the answer's object sits one level deeper. JSON strings cannot hold a
        # raw line break, so every b"\n" is one of orjson's own.
        inner = orjson.dumps(items, option=orjson.OPT_INDENT_2)[1:-2]
        inner = inner.replace(b"\n", b"\n" + _INDENT)
    else:
        inner = orjson.dumps(items)[1:-1]
    if not inner:
        return b""  # nothing opened: dump_list_end() writes "[]" if all were empty
    return (b"[" if first else b",") + inner


def dump_list_end(pretty: bool, empty: bool) -> bytes:
    if empty:
        return b"[]"
    return b"\n" + _INDENT + b"]" if pretty else b"]"
