"""Dumping: a Slurm object (as a getter sees it) -> JSON-ready Python data.

The source side is abstract: a field's ``source`` is the C member name
(``"job_state"``, dotted for nested structs: ``"resp.job_id"``) and a *getter*
``get(obj, source)`` reads it. :func:`get_attr` suits cffi cdata and
namespaces (the native binding may pass its own, converting ``char *`` to
str); :func:`get_item` suits dicts shaped like the C struct (tests).

A description is compiled once per (kind, getter) into nested closures; the
per-object work is then one getter call and one conversion per field.

    dump(V0040, "JOB_INFO", job, get=get_attr) -> dict
    dumper(V0040, "JOB_INFO_MSG", get=get_attr) -> callable(value) -> list
"""
from __future__ import annotations

from functools import reduce
from typing import Any, Callable, Optional

from restd.data_parser.describe import Object, Version
from restd.data_parser.types import DUMP_WARNINGS, Pointer

Getter = Callable[[Any, str], Any]


def get_attr(obj: Any, source: str) -> Any:
    """getattr, following dots ("resp.job_id")."""
    if "." not in source:
        return getattr(obj, source)
    return reduce(getattr, source.split("."), obj)


def get_item(obj: Any, source: str) -> Any:
    """Mapping lookup following dots; a missing member reads as None."""
    for part in source.split("."):
        if obj is None:
            return None
        obj = obj.get(part)
    return obj


def get_any(obj: Any, source: str) -> Any:
    """Mapping lookup for mappings, getattr otherwise, at each level."""
    for part in source.split("."):
        if obj is None:
            return None
        obj = obj.get(part) if isinstance(obj, dict) else getattr(obj, part)
    return obj


def compile_object_dumper(obj: Object, version: Version, get: Getter):
    """The dump function of one object description."""
    plan = []  # (path tuple, source, dump function, complex)
    for fld in obj.fields:
        kind = version.kind(fld.kind)
        if fld.removed:
            fn = _removed_dumper(kind, version)
        else:
            fn = version.dumper(fld.kind, get)
            if isinstance(kind, Pointer) and not fld.required and \
                    version.properties.null_optional_pointers:
                fn = _null_or(fn)
        plan.append((fld.path, fld.source, fn, kind.complex or fld.source is None))
    flat = all(len(path) == 1 for path, *_ in plan)

    if flat:
        steps = [(path[0], source, fn, whole) for path, source, fn, whole in plan]

        def dump_flat(value):
            out = {}
            for key, source, fn, whole in steps:
                out[key] = fn(value if whole else get(value, source))
            return out
        return dump_flat

    def dump_nested(value):
        out: dict = {}
        for path, source, fn, whole in plan:
            target = out
            for part in path[:-1]:
                target = target.setdefault(part, {})
            target[path[-1]] = fn(value if whole else get(value, source))
        return out
    return dump_nested


def _null_or(dump_pointer):
    """A NULL pointer of a field that is not required dumps as null (v0.0.41
    on: parsing.c _dump_pointer() checks the field's required-ness)."""
    def dump(value):
        return None if value is None else dump_pointer(value)
    return dump


# What a removed field of each schema type dumps (parsing.c _dump_removed()).
REMOVED_EMPTY = {"array": [], "object": {}, "integer": 0, "number": 0.0, "string": "",
                 "boolean": False}


def _removed_dumper(kind, version):
    """A removed field dumps its kind's empty form ([], {}, 0, 0.0, "", false:
    parsing.c _dump_removed(), by the OpenAPI type of the kind)."""
    schema = version.schema_ref(kind.name)
    while "$ref" in schema:
        schema = version.component_kind(schema["$ref"].rsplit("/", 1)[1]).schema(version)
    kind_type = schema.get("type")
    if kind_type in ("array", "object"):
        return (lambda value: []) if kind_type == "array" else (lambda value: {})
    empty = REMOVED_EMPTY.get(kind_type)
    return lambda value: empty


def dumper(version: Version, type_name: str, get: Getter = get_any) -> Callable[[Any], Any]:
    """The compiled dump function for ``type_name`` (cached in the version)."""
    return version.dumper(type_name, get)


def dump(version: Version, type_name: str, value: Any, *, get: Getter = get_any,
         warnings: Optional[list] = None) -> Any:
    """``value`` (a Slurm object of kind ``type_name``) as JSON-ready data.
    Warnings Slurm gives while dumping ("Zero licenses to dump") are appended
    to ``warnings`` when given (envelope entries: description, source)."""
    fn = version.dumper(type_name, get)
    if warnings is None:
        return fn(value)
    token = DUMP_WARNINGS.set(warnings)
    try:
        return fn(value)
    finally:
        DUMP_WARNINGS.reset(token)
