"""The native JSON fast path for the hot lists: jobs and nodes straight from
libslurm's messages to JSON bytes, in C generated from the object descriptions
(native/generate_fastpath.py, built into restd._libslurm).

    dump_jobs_json(msg, pretty=True, indent_level=0, start=0, stop=None,
                   version="v0.0.40", items_only=False) -> bytes             # "jobs"
    dump_nodes_json(msg, pretty=True, indent_level=0, warnings=None, version=...) -> bytes
    dumper(version, kind) -> the C dumper of (data_parser version, list kind) or None
    dump_with_lists(envelope, {"jobs": fill}, pretty) -> bytes   # envelope + splice

The bytes equal what the Python path (restd.data_parser.dump with
restd.native.services.get and LibslurmServices) gives once serialised by
orjson: compact, or pretty as OPT_INDENT_2 when the array is the value of a
key ``indent_level`` containers deep (1 for a key of the top-level object, as
"jobs" in the envelope; 0 for the array alone). The C call runs without the
GIL (cffi releases it); the buffer is copied into bytes and freed. In an
answer: ``orjson.Fragment(dump_jobs_json(msg, pretty, 1))`` as the value of
"jobs" (what content/slurmctld does), or :func:`dump_with_lists`.
"""
from __future__ import annotations

import os
from typing import Callable, Optional

import orjson

from restd.native import library

# From this size on, the copy into bytes goes through restd_fp_copy_out().
_HUGE = 4 << 20

# Slurm's warning when NODES has nothing to dump (the NODES kind's empty_warning).
NO_NODES_WARNING = "No nodes to dump"


def _c(msg):
    """A controller Message (``.c``), a cdata pointer, or None."""
    return getattr(msg, "c", msg)


ALL = 0xFFFFFFFF  # "to the last record"


def _call(entry, msg, pretty: bool, indent_level: int, start: int = 0,
          stop: Optional[int] = None, items_only: bool = False) -> bytes:
    ffi, lib = library.get()
    length = ffi.new("size_t *")
    ptr = _c(msg)
    data = entry(ffi.NULL if ptr is None else ptr, 1 if pretty else 0, int(indent_level),
                 int(start), ALL if stop is None else int(stop), 1 if items_only else 0,
                 length)
    if data == ffi.NULL:
        raise MemoryError("fast path: out of memory")
    try:
        size = length[0]
        if size < _HUGE:
            return ffi.unpack(data, size)
        # a fresh bytes (calloc'ed: untouched pages), filled by C with huge pages
        out = bytes(size)
        lib.restd_fp_copy_out(ffi.from_buffer(out), data, size)
        return out
    finally:
        lib.restd_fp_free(data)


def _entry(version: str, kind: str):
    name = registry().get((version, kind))
    if name is None:
        raise LookupError(f"fast path: no C dumper of {kind} for {version}")
    return getattr(library.get()[1], name)


def dump_jobs_json(msg, pretty: bool = True, indent_level: int = 0, start: int = 0,
                   stop: Optional[int] = None, version: str = "v0.0.40",
                   items_only: bool = False) -> bytes:
    """The JSON array of a job_info_msg_t's jobs (JOB_INFO_MSG) as data_parser
    ``version`` dumps them, or of its jobs [start, stop); with ``items_only``, those
    jobs as items of the array without its brackets (an answer written batch by
    batch: restd.plugins.serializer.json.dump_list_items)."""
    return _call(_entry(version, "JOB_INFO_MSG"), msg, pretty, indent_level, start, stop,
                 items_only)


def dump_nodes_json(msg, pretty: bool = True, indent_level: int = 0,
                    warnings: Optional[list] = None, version: str = "v0.0.40") -> bytes:
    """The JSON array of a node_info_msg_t's nodes (NODES: records without a
    name are skipped) as data_parser ``version`` dumps them. With ``warnings``,
    "No nodes to dump" is appended to it when the message holds no record, as
    the Python dumper does."""
    ptr = _c(msg)
    entry = _entry(version, "NODES")
    if warnings is not None and (ptr is None or ptr == library.get()[0].NULL
                                 or ptr.record_count == 0):
        warnings.append({"description": NO_NODES_WARNING, "source": ""})
    return _call(entry, msg, pretty, indent_level)


# --- which lists have a generated C dumper --------------------------------------------

_REGISTRY: Optional[dict[tuple[str, str], str]] = None


def registry() -> dict[tuple[str, str], str]:
    """(data_parser version, list kind) -> the C entry point generated for it, as
    compiled (native/generate_fastpath.py; versions whose output is identical share
    one). A list the generator had no C for is absent: see :func:`unsupported`."""
    global _REGISTRY
    if _REGISTRY is None:
        ffi, lib = library.get()
        table = {}
        for line in ffi.string(lib.restd_fp_registry()).decode().splitlines():
            version, kind, entry = line.split(" ")
            table[(version, kind)] = entry
        _REGISTRY = table
    return _REGISTRY


def unsupported() -> dict[tuple[str, str], str]:
    """(version, list kind) -> why the generator left it to the Python dumper."""
    ffi, lib = library.get()
    out = {}
    for line in ffi.string(lib.restd_fp_unsupported()).decode().splitlines():
        version, kind, why = line.split(" ", 2)
        out[(version, kind)] = why
    return out


def _jobs_dumper(version: str) -> Callable[..., bytes]:
    def dump(msg, pretty: bool, indent_level: int, start: int = 0,
             stop: Optional[int] = None, warnings: Optional[list] = None,
             items_only: bool = False) -> bytes:
        return dump_jobs_json(msg, pretty, indent_level, start, stop, version=version,
                              items_only=items_only)
    return dump


def _nodes_dumper(version: str) -> Callable[..., bytes]:
    def dump(msg, pretty: bool, indent_level: int, start: int = 0,
             stop: Optional[int] = None, warnings: Optional[list] = None,
             items_only: bool = False) -> bytes:
        if start != 0 or (stop is not None and stop < len(msg)) or items_only:
            raise ValueError("fast path: the nodes of a message are written whole")
        return dump_nodes_json(msg, pretty, indent_level, warnings=warnings, version=version)
    return dump


_WRAPPERS = {"JOB_INFO_MSG": _jobs_dumper, "NODES": _nodes_dumper}

# (data_parser version, kind) -> the C dumper writing a message's records of that kind
# as the version's Python dumper and orjson would: ``dump(msg, pretty, indent_level,
# start, stop, warnings, items_only)`` -> the JSON array (or its items). Filled from :func:`registry` on first
# use; a (version, kind) not in it is dumped by the version's Python dumper (restd.app
# asks :func:`dumper`).
DUMPERS: dict[tuple[str, str], Callable[..., bytes]] = {}
_FILLED = False


# RESTD_FASTPATH=0 in the daemon's environment: no C dumper at all, every list dumped
# by its version's Python dumper (perf/bench.py compares both this way; the answers
# are the same bytes).
ENABLED = os.environ.get("RESTD_FASTPATH", "1") != "0"


def dumper(version: str, kind: str) -> Optional[Callable[..., bytes]]:
    """The C dumper of ``kind``'s lists in data_parser ``version``, or None."""
    global _FILLED
    if not ENABLED:
        return None
    if not _FILLED and library.loaded():
        # (before libslurm is loaded there is no message to dump, and nothing is
        # loaded just to ask)
        for (name, list_kind) in registry():
            DUMPERS.setdefault((name, list_kind), _WRAPPERS[list_kind](name))
        _FILLED = True
    return DUMPERS.get((version, kind))


# --- splicing into the envelope --------------------------------------------------------

def _placeholder(key: str) -> str:
    # NUL cannot occur in a C string, so no dumped value holds this text
    return f"\x00restd-fastpath:{key}\x00"


def dump_with_lists(envelope: dict, lists: dict[str, Callable[[bool, int], bytes]],
                    pretty: bool) -> bytes:
    """orjson's bytes for ``envelope`` where each top-level key of ``lists``
    takes the bytes ``fill(pretty, indent_level)`` returns (a JSON array
    written at that depth), as if that array had been in the envelope.
    The keys keep their place in ``envelope`` (give them any value there)."""
    body = dict(envelope)
    for key in lists:
        body[key] = _placeholder(key)
    out = orjson.dumps(body, option=orjson.OPT_INDENT_2 if pretty else 0)
    for key, fill in lists.items():
        marker = orjson.dumps(_placeholder(key))
        at = out.find(marker)
        if at < 0 or out.find(marker, at + 1) >= 0:
            raise ValueError(f"fast path: cannot place {key!r} in the envelope")
        level = 0
        if pretty:
            line = out.rfind(b"\n", 0, at) + 1
            level = (len(out[line:at]) - len(out[line:at].lstrip(b" "))) // 2
        out = out[:at] + fill(pretty, level) + out[at + len(marker):]
    return out
