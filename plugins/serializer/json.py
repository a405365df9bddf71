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
# The list's brackets and the commas between batches are written here, never cut from
# dumped JSON.

STREAMS_LISTS = True
_MARK = "\x00restd:streamed-list\x00"
_MARK_JSON = orjson.dumps(_MARK)
_INDENT = b"  "  # OPT_INDENT_2
# an item of a list that is the value of a top-level key starts a line two levels deep
_ITEM_LINE = b"\n" + 2 * _INDENT


def dump_around(obj: dict, key: str, pretty: bool) -> tuple[bytes, bytes]:
    """``obj`` dumped without ``obj[key]``: the bytes before and after its value."""
    head, found, tail = dump({**obj, key: _MARK}, pretty).partition(_MARK_JSON)
    assert found, "the list's marker was not written"
    return head, tail


def dump_list_items(items, pretty: bool) -> bytes:
    """Items of a list that is the value of a top-level key, as they stand in it:
    separated by commas, without the list's brackets; b"" for no items.

    ``items`` is a list, or bytes: items already written so (restd.native.fastpath's
    batches, ``items_only``)."""
    if isinstance(items, (bytes, bytearray)):
        return bytes(items)
    if not pretty:
        return b",".join(orjson.dumps(item) for item in items)
    # each item dumped alone (at depth 0) and moved two levels deeper: JSON strings
    # cannot hold a raw line break, so every b"\n" is one of orjson's own
    return b",".join(_ITEM_LINE + orjson.dumps(item, option=orjson.OPT_INDENT_2)
                     .replace(b"\n", _ITEM_LINE) for item in items)


def dump_list_joint(first: bool) -> bytes:
    """What goes before a batch of items that is not empty: the list's opening
    bracket before the first, a comma before the others."""
    return b"[" if first else b","


def dump_list_end(pretty: bool, empty: bool) -> bytes:
    """The list's end: "[]" when no batch had items, else its closing bracket."""
    if empty:
        return b"[]"
    return b"\n" + _INDENT + b"]" if pretty else b"]"
