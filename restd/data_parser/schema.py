"""Descriptions -> OpenAPI component schemas, shaped as slurmrestd 24.11
publishes them (``v0.0.40_job_info``...): properties in table order, inline
schemas for scalars, ``$ref`` for objects, arrays, flag lists and the
``{set, infinite, number}`` objects, ``required`` lists on objects. Property
descriptions are not generated.

Only components reachable from the version's published kinds are emitted,
each once, as Slurm's openapi.c adds a parser when a $ref to it is made.
"""
from __future__ import annotations

from typing import Iterable, Optional

from restd.data_parser.describe import SCHEMA_REF_PREFIX, Version


def component_schemas(version: Version, roots: Optional[Iterable[str]] = None
                      ) -> dict[str, dict]:
    """``{"v0.0.40_job_info": {...}, ...}`` for every kind with a component
    (or only those reachable from the kind names in ``roots``)."""
    if roots is None:
        wanted = [kind for kind in version.kinds.values() if version.published(kind)]
    else:
        wanted = [version.kind(name) for name in roots]
    out: dict[str, dict] = {}
    pending = list(wanted)
    while pending:
        kind = pending.pop(0)
        if not kind.component:
            # a kind shown inline still refers to components
            schema = kind.schema(version)
        else:
            name = version.component_name(kind)
            if name in out:
                continue
            schema = out[name] = kind.schema(version)
        for ref in _refs(schema):
            target = version.component_kind(ref[len(SCHEMA_REF_PREFIX):])
            if version.component_name(target) not in out:
                pending.append(target)
    return out


def _refs(schema) -> list[str]:
    found = []
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "$ref":
                found.append(value)
            else:
                found.extend(_refs(value))
    elif isinstance(schema, list):
        for value in schema:
            found.extend(_refs(value))
    return found
