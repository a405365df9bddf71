"""What a data_parser plugin module is, made once for every version: the
plugins/data_parser/v0_0_4x.py modules are each one DataParserModule of the
registry (restd.data_parser.versions) and re-export its names.

A plugin exposes ``NAME``, ``FLAGS``, ``VERSION`` (the Version the content
plugins dump and parse with), ``schemas()``, ``dump()``, ``parse()`` and
``kind_name()`` (see restd.plugin_api.DataParserPlugin). Type names are
Slurm's parser type names ("JOB_INFO", "OPENAPI_JOB_INFO_RESP"); component
names ("job_info", "v0.0.42_uint32_no_val_struct") work too.
"""
from __future__ import annotations

from typing import Any, Callable, Optional

from restd.data_parser import dump as _dump
from restd.data_parser import parse as _parse
from restd.data_parser.schema import component_schemas
from restd.data_parser.versions import version as _version

# The "+flag" suffixes every version accepts (-d v0.0.41+fast): the generated C
# fast path where it applies, no warnings for unknown fields when parsing.
FLAGS = frozenset({"fast"})


class DataParserModule:
    """The plugin interface of one data_parser version."""

    def __init__(self, name: str):
        self.NAME = name
        self.FLAGS = FLAGS
        self.VERSION = _version(name)
        self._schemas: Optional[dict] = None

    def schemas(self) -> dict[str, dict]:
        """Component schemas for the OpenAPI document: the version's request
        and response bodies and what they refer to (``v0.0.41_<name>``)."""
        if self._schemas is None:
            self._schemas = component_schemas(self.VERSION, self.VERSION.roots)
        return self._schemas

    def kind_name(self, type_name: str) -> str:
        """"JOB_INFO", "job_info" or "v0.0.40_job_info" -> "JOB_INFO"."""
        version = self.VERSION
        if type_name in version.kinds:
            return type_name
        full = type_name if type_name.startswith(self.NAME + "_") else \
            f"{self.NAME}_{type_name}"
        try:
            return version.component_kind(full).name
        except KeyError:
            raise KeyError(f"data_parser {self.NAME}: unknown type {type_name!r}") from None

    def dump(self, type_name: str, value: Any, ctx=None, *,
             get: Callable[[Any, str], Any] = _dump.get_any) -> Any:
        """``value`` (a Slurm object: cdata, or dicts/namespaces shaped like the C
        struct) as JSON-ready data; Slurm's dump warnings go to ``ctx.warning``."""
        warnings: Optional[list] = [] if ctx is not None else None
        out = _dump.dump(self.VERSION, self.kind_name(type_name), value, get=get,
                         warnings=warnings)
        for entry in warnings or ():
            ctx.warning(entry["description"], entry["source"])
        return out

    def parse(self, type_name: str, data: Any, ctx=None, *, path: str = "#/") -> Any:
        """Parse request data into C member values (dicts keyed by member name).
        Warnings and errors go to ``ctx.warning``/``ctx.error`` (each error makes
        the answer a 422 for the caller to decide); returns the value, or raises
        ValueError with the errors when no ``ctx`` is given and any occurred."""
        fast = ctx is not None and "fast" in getattr(getattr(ctx, "data_parser", None),
                                                     "flags", ())
        result = _parse.parse(self.VERSION, self.kind_name(type_name), data, fast=fast,
                              path=path)
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
