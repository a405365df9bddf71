"""OpenAPI documents as flat field lists: what the draft tool and the parity
test compare, so that a schema published as a component (v0.0.40, v0.0.42) and
the same schema inlined (v0.0.41) read alike.

    fields(document, "v0.0.41_openapi_job_info_resp")
        -> {"jobs[]/job_resources/nodes/allocation[]/cores[]/index":
                FieldInfo(type="integer", format="int32", enum=None,
                          required=False, component=None), ...}

A path is the chain of property names from the root schema, ``[]`` after an
array's name standing for its items; ``""`` is the root itself. $refs are
followed (a reference loop stops at its second visit, marked ``component``);
``component`` names the component (without the version prefix) a $ref points
to at that path, so renamed components show up as differences of their own.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

REF_PREFIX = "#/components/schemas/"


@dataclass(frozen=True)
class FieldInfo:
    type: Optional[str]
    format: Optional[str]
    enum: Optional[tuple]
    required: bool
    deprecated: bool
    component: Optional[str]  # the component referred to here, version prefix cut


def strip_version(name: str) -> str:
    """"v0.0.41_job_info" -> "job_info"."""
    return name.split("_", 1)[1] if name.startswith("v0.0.") else name


def fields(document: dict, root: str) -> dict[str, FieldInfo]:
    """Every field path below the component ``root`` (full name)."""
    schemas = document["components"]["schemas"]
    out: dict[str, FieldInfo] = {}

    def walk(schema: dict, path: str, required: bool, seen: tuple,
             nested: frozenset = frozenset()) -> None:
        # nested: required keys of an enclosing object that lie below this one
        # (slurmrestd lists "nodes/count" in job_res's required)
        component = None
        while "$ref" in schema:
            name = schema["$ref"][len(REF_PREFIX):]
            component = strip_version(name)
            if name in seen:
                out[path] = FieldInfo(None, None, None, required, False, component)
                return
            seen = seen + (name,)
            schema = schemas[name]
        enum = schema.get("enum")
        out[path] = FieldInfo(schema.get("type"), schema.get("format"),
                              tuple(enum) if enum is not None else None, required,
                              bool(schema.get("deprecated")), component)
        stem = f"{path}/" if path else ""
        if schema.get("type") == "array" and "items" in schema:
            walk(schema["items"], f"{path}[]", False, seen)
        needed = set(schema.get("required") or ()) | set(nested)
        for name, prop in (schema.get("properties") or {}).items():
            below = frozenset(key[len(name) + 1:] for key in needed
                              if key.startswith(name + "/"))
            walk(prop, stem + name, name in needed, seen, below)

    walk({"$ref": REF_PREFIX + root}, "", False, ())
    return out


def roots(document: dict, version: str) -> dict[str, str]:
    """The request and response bodies of ``version``'s operations: full
    component name -> "METHOD path" of the first operation using it."""
    found: dict[str, str] = {}
    for path, methods in document["paths"].items():
        if f"/{version}/" not in path:
            continue
        for method, operation in methods.items():
            bodies = [operation.get("requestBody", {}).get("content", {})]
            bodies += [response.get("content", {})
                       for response in operation.get("responses", {}).values()]
            for content in bodies:
                for media in content.values():
                    ref = media.get("schema", {}).get("$ref")
                    if ref:
                        found.setdefault(ref[len(REF_PREFIX):],
                                         f"{method.upper()} {path}")
    return found


def owners(document: dict, root: str) -> dict[str, tuple[str, str]]:
    """path -> (component declaring the field, the field's key in it, "/"
    between levels as describe.Field keys are), for every path below
    ``root`` that lies in a component; an inlined schema (v0.0.41) has the
    root's own component as owner, paths and all."""
    schemas = document["components"]["schemas"]
    out: dict[str, tuple[str, str]] = {}

    def walk(schema: dict, path: str, owner: str, base: str, seen: tuple) -> None:
        while "$ref" in schema:
            name = schema["$ref"][len(REF_PREFIX):]
            if name in seen:
                return
            seen = seen + (name,)
            owner, base = strip_version(name), path
            schema = schemas[name]
        stem = f"{path}/" if path else ""
        if schema.get("type") == "array" and "items" in schema:
            if path in out:
                out[f"{path}[]"] = (out[path][0], out[path][1] + "[]")
            walk(schema["items"], f"{path}[]", owner, base, seen)
        for name, prop in (schema.get("properties") or {}).items():
            child = stem + name
            key = child[len(base):].lstrip("/") if base else child
            out[child] = (owner, key)
            walk(prop, child, owner, base, seen)

    walk({"$ref": REF_PREFIX + root}, "", "", "", ())
    return out
