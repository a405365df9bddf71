"""data_parser v0.0.40: Slurm 24.11's v0.0.40 objects, described once in
restd.data_parser.v0040 (the tables drive schemas(), dump() and parse()).

Type names are Slurm's parser type names ("JOB_INFO", "OPENAPI_JOB_INFO_RESP",
"JOB_SUBMIT_REQ"); component names ("job_info", "v0.0.40_job_info") work too.
"""
from __future__ import annotations

from typing import Any, Callable, Optional

from restd.data_parser import dump as _dump
from restd.data_parser import parse as _parse
from restd.data_parser.v0040 import FLAGS, NAME, V0040
from restd.data_parser.v0040 import schemas as _schemas

__all__ = ["NAME", "FLAGS", "VERSION", "schemas", "dump", "parse", "kind_name"]

VERSION = V0040


def schemas() -> dict[str, dict]:
    return _schemas()


def kind_name(type_name: str) -> str:
    """"JOB_INFO", "job_info" or "v0.0.40_job_info" -> "JOB_INFO"."""
    if type_name in V0040.kinds:
        return type_name
    component = type_name[len(NAME) + 1:] if type_name.startswith(NAME + "_") else type_name
    for kind in V0040.kinds.values():
        if kind.component == component:
            return kind.name
    raise KeyError(f"data_parser {NAME}: unknown type {type_name!r}")


def dump(type_name: str, value: Any, ctx=None, *,
         get: Callable[[Any, str], Any] = _dump.get_any) -> Any:
    """``value`` (a Slurm object: cdata, or dicts/namespaces shaped like the C
    struct) as JSON-ready data; Slurm's dump warnings go to ``ctx.warning``."""
    warnings: Optional[list] = [] if ctx is not None else None
    out = _dump.dump(V0040, kind_name(type_name), value, get=get, warnings=warnings)
    for entry in warnings or ():
        ctx.warning(entry["description"], entry["source"])
    return out


def parse(type_name: str, data: Any, ctx=None, *, path: str = "#/") -> Any:
    """Parse request data into C member values (dicts keyed by member name).
    Warnings and errors go to ``ctx.warning``/``ctx.error`` (each error makes
    the answer a 422 for the caller to decide); returns the value, or raises
    ValueError with the errors when no ``ctx`` is given and any occurred."""
    fast = ctx is not None and "fast" in getattr(getattr(ctx, "data_parser", None),
                                                 "flags", ())
    result = _parse.parse(V0040, kind_name(type_name), data, fast=fast, path=path)
    if ctx is None:
        if result.errors:
            raise ValueError(result.errors)
        return result.value
    for entry in result.warnings:
        ctx.warning(entry["description"], entry["source"])
    for entry in result.errors:
        ctx.error(entry["description"], error_number=entry["error_number"],
                  error=entry["error"], source=entry["source"])
    return result.value
