"""Parsing: JSON (as a serializer loaded it) -> Slurm values, with warnings and
errors carrying JSON paths (``#/job/time_limit/``), as slurmrestd reports them.

Objects parse into dicts keyed by C member names (``{"time_limit": 60,
"environment": [...], "env_size": 1}``): only members the input set appear, so
the native binding starts from slurm_init_job_desc_msg() and applies them.

Rules (Slurm's, plus the documented "inf" strings):
- an unknown field is ignored with a warning (``Ignoring unknown field "x" of
  type string in DATA_PARSER_JOB_DESC_MSG``);
- a value of the wrong type is an error naming its path (the request is then
  answered 422), parsing goes on to report every error;
- "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity" are accepted for
  numbers, with a warning;
- where the schema has a ``{set, infinite, number}`` object: null, a number,
  a numeric string or that object are accepted;
- ``fast`` skips the work done only for warnings (unknown field detection).

    result = parse(V0040, "JOB_SUBMIT_REQ", body, path="#")
    result.value, result.errors, result.warnings
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from restd.data_parser.describe import Object, Version
from restd.plugin_api import RequestFailed
from restd.data_parser.types import (ERROR_TEXT, ESLURM_DATA_CONV_FAILED,
                                     ESLURM_DATA_PATH_NOT_FOUND, openapi_mismatch,
                                     ESLURM_DATA_EXPECTED_DICT, Invalid, _OPENAPI_TYPE_OF,
                                     json_type_name)


class ParseContext:
    """Collects warnings and errors (entries shaped like the envelope's)."""

    def __init__(self, *, fast: bool = False, services=None):
        from restd.data_parser.services import Services
        self.fast = fast
        self.services = services or Services()
        self.errors: list[dict[str, Any]] = []
        self.warnings: list[dict[str, Any]] = []

    def warn(self, description: str, path: str) -> None:
        self.warnings.append({"description": description, "source": path})

    def error(self, description: str, path: str,
              error_number: int = ESLURM_DATA_CONV_FAILED) -> None:
        self.errors.append({"description": description, "error_number": error_number,
                            "error": ERROR_TEXT.get(error_number, ""), "source": path})

    def unknown_field(self, key: str, value: Any, path: str, type_name: str) -> None:
        if not self.fast:
            self.warn(f"Ignoring unknown field \"{key}\" of type {json_type_name(value)} "
                      f"in DATA_PARSER_{type_name}", f"{path}{key}/")


# The status of a body whose content the parser refused (a wrong type, a number
# the field cannot hold, a missing required field, a name that resolves to
# nothing): the body was read, its content cannot be used. slurmrestd answers
# these 500 (ESLURM_DATA_CONV_FAILED...) or 422 (ESLURM_DATA_PATH_NOT_FOUND,
# ESLURM_DATA_PARSE_BAD_INPUT); restd always 422. A body that cannot be read at
# all (bad JSON) is 400, answered before any parsing (restd.app).
REFUSED_CONTENT_STATUS = 422


@dataclass
class ParseResult:
    value: Any
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def refusal(self) -> RequestFailed:
        """The failure answering a body with errors: 422 with the first error;
        the others follow it in the envelope (``errors[1:]``)."""
        first = self.errors[0]
        return RequestFailed(REFUSED_CONTENT_STATUS, first["description"],
                             error_number=first["error_number"], error=first["error"],
                             source=first["source"])


def _set_member(out: dict, source: str, value: Any) -> None:
    if "." not in source:
        out[source] = value
        return
    *parents, last = source.split(".")
    for part in parents:
        out = out.setdefault(part, {})
    out[last] = value


def _expect_dict(data, path, ctx) -> bool:
    if isinstance(data, dict):
        return True
    got = json_type_name(data)
    ctx.warn(f"Expected OpenAPI type=object (Slurm type=dictionary) but got OpenAPI "
             f"type={_OPENAPI_TYPE_OF.get(got, got)} (Slurm type={got})", path)
    ctx.error(f"Expected dictionary but got {got}", path, ESLURM_DATA_EXPECTED_DICT)
    return False


def compile_object_parser(obj: Object, version: Version):
    """The parse function of one object description: (data, ctx, path) ->
    dict of C members. Nested keys ("rlimits/cpu") are followed; overloaded
    members (hold and priority both write ``priority``) are applied in table
    order, as Slurm does."""
    # The tree of keys: {"rlimits": {"cpu": field}, "name": field}
    tree: dict = {}
    for fld in obj.fields:
        node = tree
        for part in fld.path[:-1]:
            node = node.setdefault(part, {})
        node[fld.path[-1]] = fld
    parsers = {fld.key: version.parser(fld.kind) for fld in obj.fields if not fld.removed}
    checks = {fld.key: version.kind(fld.kind).openapi_check(version)
              for fld in obj.fields if not fld.removed}
    complex_kinds = {fld.key for fld in obj.fields
                     if version.kind(fld.kind).complex or fld.source is None}
    type_name = obj.name

    required = [fld for fld in obj.fields if fld.required and not fld.removed]

    def missing_required(data, ctx, path):
        for fld in required:
            node = data
            for part in fld.path:
                node = node.get(part) if isinstance(node, dict) else None
                if node is None:
                    ctx.error(f"Missing required field '{fld.key}' in dictionary",
                              path, ESLURM_DATA_PATH_NOT_FOUND)
                    break

    def walk(data, ctx, path, node, out):
        if not ctx.fast:
            for key, value in data.items():
                if key not in node:
                    ctx.unknown_field(key, value, path, type_name)
        for key, entry in node.items():
            if key not in data:
                continue
            value = data[key]
            child_path = f"{path}{key}/"
            if isinstance(entry, dict):
                if value is None:
                    continue
                if _expect_dict(value, child_path, ctx):
                    walk(value, ctx, child_path, entry, out)
                continue
            if entry.removed:  # Slurm skips removed fields silently
                continue
            expected = checks[entry.key]
            if expected is not None and not ctx.fast:
                mismatch = openapi_mismatch(expected, value)
                if mismatch:
                    ctx.warn(mismatch, child_path)
            try:
                if entry.key in complex_kinds:
                    parsers[entry.key](value, ctx, child_path, out)
                else:
                    result = parsers[entry.key](value, ctx, child_path)
                    if result is not None:  # None: leave the member as it is
                        _set_member(out, entry.source, result)
            except Invalid as error:
                ctx.error(error.description, error.path or child_path, error.error_number)

    def parse_object(data, ctx, path):
        out: dict = {}
        if data is None:
            return out
        if not _expect_dict(data, path, ctx):
            return out
        if required:
            missing_required(data, ctx, path)
        walk(data, ctx, path, tree, out)
        return out
    return parse_object


def parse(version: Version, type_name: str, data: Any, *, fast: bool = False,
          path: str = "#/", services=None, ctx: Optional[ParseContext] = None) -> ParseResult:
    """Parse ``data`` as ``type_name``. Errors and warnings are returned (and
    also accumulated in ``ctx`` when one is given)."""
    ctx = ctx or ParseContext(fast=fast, services=services or version.services)
    errors_before, warnings_before = len(ctx.errors), len(ctx.warnings)
    try:
        value = version.parser(type_name)(data, ctx, path)
    except Invalid as error:
        ctx.error(error.description, error.path or path, error.error_number)
        value = None
    return ParseResult(value, ctx.errors[errors_before:], ctx.warnings[warnings_before:])
