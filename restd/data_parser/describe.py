"""Object descriptions: each Slurm object described once, as data, driving
dumping (dump.py), parsing (parse.py) and the OpenAPI schema (schema.py); and
versions, a newer one being the older plus declared differences.

    V0041 = V0040.derive("v0.0.41", [
        ReplaceKind(some_kind),
        AddFields("JOB_INFO", [Field("new_key", "UINT32", "new_member")]),
        RemoveFields("JOB_INFO", ["old_key"]),
    ], roots=("JOB_ALLOC_REQ",), inline_schemas=True)

``Version.derive(name, changes, *, roots=(), **properties)`` is the whole API
of a version module (stable: the version modules of both content sides use
it):

- ``changes``: :class:`Change` declarations applied in order to a copy of the
  older version's kinds (the older version is untouched);
- ``roots``: kind names the newer version publishes in addition as request or
  response bodies (the components its operations name; a root whose kind a
  change removed is dropped);
- ``properties``: whole-version differences, the fields of
  :class:`Properties` (how schemas are published: inline or as components,
  component names, the ``{set, infinite, number}`` shape, deprecation
  marks, query parameter shape), inherited from the older version unless
  given.

A :class:`Field` names its JSON key (``"power/flags"`` for nested objects), its
kind (a kind name, resolved in the version), and its C source: the struct
member (dotted for nested structs, ``"resp.job_id"``), or None for a complex
kind reading the whole struct. That is enough for a generator to emit C.
"""
from __future__ import annotations

from dataclasses import dataclass, field as _field, replace
from typing import Any, Callable, Iterable, Optional

from restd.data_parser.types import Kind

SCHEMA_REF_PREFIX = "#/components/schemas/"


@dataclass(frozen=True)
class Field:
    key: str  # JSON path relative to the object, "/" between levels
    kind: str  # kind name, resolved in the version
    source: Optional[str]  # C member ("job_id", "resp.job_id"); None: whole struct
    required: bool = False
    deprecated: bool = False
    removed: bool = False  # Slurm removed the data: schema only, dumps empty

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(self.key.split("/"))


@dataclass(frozen=True, eq=False)
class Object(Kind):
    """A struct as a JSON object. ``c_type`` is the C struct
    (``slurm_job_info_t``); fields in the reference's order."""

    name: str
    component: Optional[str]
    c_type: str
    fields: tuple[Field, ...]
    complex = False

    def schema(self, version) -> dict:
        schema: dict[str, Any] = {"type": "object", "properties": {}}
        for fld in self.fields:
            target = schema
            for part in fld.path[:-1]:
                props = target.setdefault("properties", {})
                target = props.setdefault(part, {"type": "object", "properties": {}})
            child = version.schema_ref(fld.kind)
            if fld.deprecated and version.properties.deprecated_fields_marked \
                    and "$ref" not in child:
                child = dict(child, deprecated=True)
            target.setdefault("properties", {})[fld.path[-1]] = child
        # slurmrestd also writes "required": [] (invalid OpenAPI 3.0): omitted
        required = [fld.key for fld in self.fields if fld.required]
        if required:
            schema["required"] = required
        return schema

    def references(self):
        return tuple(fld.kind for fld in self.fields)

    # Dumping and parsing live in dump.py and parse.py, which compile a
    # description into a function once; the Kind protocol forwards to them.
    def dumper(self, version, get):
        from restd.data_parser.dump import compile_object_dumper
        return compile_object_dumper(self, version, get)

    def parser(self, version):
        from restd.data_parser.parse import compile_object_parser
        return compile_object_parser(self, version)


# --- versions ---------------------------------------------------------------------------

class Change:
    """A declared difference between a version and the one it derives from.
    Every change takes ``why=``: what Slurm changed, and where (data, so a
    version's changes can be listed and checked)."""

    why: str

    def apply(self, kinds: dict[str, Kind]) -> None:
        raise NotImplementedError


def _why():
    return _field(default="", kw_only=True)


@dataclass(frozen=True)
class AddKind(Change):
    kind: Kind
    why: str = _why()

    def apply(self, kinds):
        if self.kind.name in kinds:
            raise ValueError(f"kind {self.kind.name} already exists")
        kinds[self.kind.name] = self.kind


@dataclass(frozen=True)
class ReplaceKind(Change):
    kind: Kind
    why: str = _why()

    def apply(self, kinds):
        if self.kind.name not in kinds:
            raise ValueError(f"kind {self.kind.name} does not exist")
        kinds[self.kind.name] = self.kind


@dataclass(frozen=True)
class RemoveKind(Change):
    name: str
    why: str = _why()

    def apply(self, kinds):
        del kinds[self.name]


@dataclass(frozen=True, init=False)
class UpdateKind(Change):
    """Change some attributes of a kind (``values``: attribute -> new value),
    e.g. its component (None: written inline)."""

    name: str
    values: tuple[tuple[str, Any], ...]
    why: str = _why()

    def __init__(self, name: str, values, *, why: str = ""):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "values", tuple(dict(values).items()))
        object.__setattr__(self, "why", why)

    def apply(self, kinds):
        kinds[self.name] = replace(kinds[self.name], **dict(self.values))


@dataclass(frozen=True)
class AddFields(Change):
    """Add fields to an object, after the field keyed ``after`` (at the end
    when None)."""

    object: str
    fields: tuple[Field, ...]
    after: Optional[str] = None
    why: str = _why()

    def apply(self, kinds):
        obj = kinds[self.object]
        fields = list(obj.fields)
        at = len(fields) if self.after is None else \
            [f.key for f in fields].index(self.after) + 1
        fields[at:at] = list(self.fields)
        kinds[self.object] = replace(obj, fields=tuple(fields))


@dataclass(frozen=True)
class RemoveFields(Change):
    object: str
    keys: tuple[str, ...]
    why: str = _why()

    def apply(self, kinds):
        obj = kinds[self.object]
        missing = set(self.keys) - {f.key for f in obj.fields}
        if missing:
            raise ValueError(f"{self.object} has no field(s) {sorted(missing)}")
        kinds[self.object] = replace(
            obj, fields=tuple(f for f in obj.fields if f.key not in self.keys))


@dataclass(frozen=True)
class ReplaceField(Change):
    object: str
    field: Field
    key: Optional[str] = None  # the key replaced, when the key changes
    why: str = _why()

    def apply(self, kinds):
        obj = kinds[self.object]
        key = self.key or self.field.key
        keys = [f.key for f in obj.fields]
        if key not in keys:
            raise ValueError(f"{self.object} has no field {key}")
        fields = list(obj.fields)
        fields[keys.index(key)] = self.field
        kinds[self.object] = replace(obj, fields=tuple(fields))


@dataclass(frozen=True)
class Properties:
    """Differences between versions that concern every object of a version
    alike, rather than one object (slurmrestd 24.11's openapi.c and the
    parsers' common code, per version; each found in the reference document).
    The defaults are v0.0.40's."""

    # Only the request and response bodies (the roots) are published as
    # components; every other schema is written inline where it is used
    # (v0.0.41: its 38 components are the bodies of its operations).
    inline_schemas: bool = False
    # Appended to the component names of the {set, infinite, number} kinds
    # (v0.0.42: "v0.0.42_uint32_no_val_struct", v0.0.40 "v0.0.40_uint32_no_val").
    no_val_suffix: str = ""
    # The {set, infinite, number} schema: v0.0.40 gives "set" and "infinite"
    # defaults and every number the format int64; v0.0.41 on give no defaults
    # and the number the format of its C type (int32 for uint16/uint32).
    no_val_defaults: bool = True
    no_val_sized_number: bool = False
    # A deprecated field's schema says "deprecated": true (v0.0.41 on;
    # v0.0.40 marks none).
    deprecated_fields_marked: bool = False
    # A NULL pointer of a field that is not required dumps as null (v0.0.41 on:
    # parsing.c _dump_pointer() tests field_parser->required); v0.0.40 dumps the
    # target's empty form ({} or []) for objects and arrays.
    null_optional_pointers: bool = False
    # Path and query parameters carry "deprecated": false (v0.0.40 only).
    parameters_deprecated_written: bool = True
    # A query field of a {set, infinite, number} kind (JOB_CONDITION's cpus_max,
    # submit_time) is a query parameter: v0.0.40 types these parsers as numbers;
    # v0.0.41 on as objects, which openapi.c does not list (Slurm still parses them).
    no_val_query_parameters: bool = True
    # Every operation and parameter of the version says "deprecated": true: the
    # plugin predates the oldest protocol the Slurm release speaks (openapi.h
    # IS_PLUGIN_DEPRECATED; slurmrestd 26.05 so marks v0.0.42).
    plugin_deprecated: bool = False
    # Flag tables are components of their own (v0.0.40 to v0.0.42); v0.0.43 on
    # write every flag table inline where it is used (openapi.c _should_be_ref():
    # never for PARSER_MODEL_FLAG_ARRAY).
    flag_components: bool = True


def _is_rule(value) -> bool:
    """A conversion function (or a PerVersion factory of one): code, not data."""
    from restd.data_parser.types import PerVersion
    return callable(value) or isinstance(value, PerVersion)


@dataclass(frozen=True)
class AddBits(Change):
    """Add entries to a flag table (a Flags kind), after the one named
    ``after`` (at the end when None)."""

    flags: str
    bits: tuple
    after: Optional[str] = None
    why: str = _why()

    def apply(self, kinds):
        kind = kinds[self.flags]
        bits = list(kind.bits)
        at = len(bits) if self.after is None else \
            [bit.name for bit in bits].index(self.after) + 1
        bits[at:at] = list(self.bits)
        kinds[self.flags] = replace(kind, bits=tuple(bits))


@dataclass(frozen=True)
class RemoveBits(Change):
    """Remove the entries named ``names`` from a flag table."""

    flags: str
    names: tuple[str, ...]
    why: str = _why()

    def apply(self, kinds):
        kind = kinds[self.flags]
        missing = set(self.names) - {bit.name for bit in kind.bits}
        if missing:
            raise ValueError(f"{self.flags} has no flag(s) {sorted(missing)}")
        kinds[self.flags] = replace(
            kind, bits=tuple(bit for bit in kind.bits if bit.name not in self.names))


class Version:
    """One data_parser version: its name ("v0.0.40"), its kinds by name, the
    kinds it publishes as request and response bodies (``roots``) and its
    whole-version :class:`Properties`.

    ``services`` supplies what only Slurm knows when dumping (user and group
    names, slurm_strerror(), job_state_reason_string(), ...): see
    :class:`restd.data_parser.services.Services`."""

    def __init__(self, name: str, kinds: Iterable[Kind], services=None, *,
                 roots: Iterable[str] = (), properties: Properties = Properties()):
        from restd.data_parser.services import Services
        self.name = name
        self.kinds: dict[str, Kind] = {}
        for kind in kinds:
            if kind.name in self.kinds:
                raise ValueError(f"{name}: kind {kind.name} described twice")
            self.kinds[kind.name] = kind
        self.roots: tuple[str, ...] = tuple(dict.fromkeys(roots))
        unknown = [root for root in self.roots if root not in self.kinds]
        if unknown:
            raise KeyError(f"{name}: roots {unknown} are not kinds")
        self.properties = properties
        self.services = services or Services()
        self._dumpers: dict = {}
        self._parsers: dict = {}
        self._by_component: Optional[dict] = None

    def __repr__(self):
        return f"Version({self.name!r}, {len(self.kinds)} kinds)"

    def derive(self, name: str, changes: Iterable[Change] = (), *,
               roots: Iterable[str] = (), **properties) -> "Version":
        """The newer version ``name``: this one's kinds with ``changes``
        applied, its roots plus ``roots``, its properties updated with
        ``properties`` (field names of :class:`Properties`)."""
        kinds = dict(self.kinds)
        for change in changes:
            change.apply(kinds)
        kept = [root for root in self.roots if root in kinds]
        return Version(name, kinds.values(), self.services, roots=(*kept, *roots),
                       properties=replace(self.properties, **properties))

    def with_services(self, services) -> "Version":
        return Version(self.name, self.kinds.values(), services, roots=self.roots,
                       properties=self.properties)

    def kind(self, name: str) -> Kind:
        try:
            return self.kinds[name]
        except KeyError:
            raise KeyError(f"{self.name}: no kind named {name!r}") from None

    def component_name(self, kind: Kind) -> str:
        suffix = self.properties.no_val_suffix if getattr(kind, "no_val_struct", False) \
            else ""
        return f"{self.name}_{kind.component}{suffix}"

    def published(self, kind: Kind) -> bool:
        """Whether ``kind`` is a component of this version's document (else
        its schema is written inline where it is used)."""
        if not kind.component:
            return False
        if not self.properties.flag_components and hasattr(kind, "bits"):
            return False
        return not self.properties.inline_schemas or kind.name in self.roots

    def component_kind(self, full_name: str) -> Kind:
        """The kind published as the component ``full_name``."""
        if self._by_component is None:
            by_component: dict[str, Kind] = {}
            for kind in self.kinds.values():
                if kind.component:
                    by_component.setdefault(self.component_name(kind), kind)
            self._by_component = by_component
        try:
            return self._by_component[full_name]
        except KeyError:
            raise KeyError(f"{self.name}: no component named {full_name!r}") from None

    def schema_ref(self, name: str) -> dict:
        """The schema a field of kind ``name`` shows: a $ref to its component,
        or the kind's own (inline) schema."""
        kind = self.kind(name)
        if self.published(kind):
            return {"$ref": SCHEMA_REF_PREFIX + self.component_name(kind)}
        return kind.schema(self)

    def export(self) -> dict:
        """The descriptions as plain JSON-able data (what a C code generator
        reads): every kind with its class, component, C type and its data
        (fields with key/kind/source, flag bits with C macro names, array
        items, alias targets, sentinels); conversion functions are named by
        the kind, not exported."""
        import dataclasses

        def plain(value):
            if isinstance(value, (str, int, float, bool)) or value is None:
                return value
            if isinstance(value, (list, tuple)):
                return [plain(item) for item in value]
            if isinstance(value, dict):
                return {str(k): plain(v) for k, v in value.items()}
            if dataclasses.is_dataclass(value):
                return {f.name: plain(getattr(value, f.name))
                        for f in dataclasses.fields(value)
                        if not _is_rule(getattr(value, f.name))}
            return repr(value)
        kinds = {}
        for kind in self.kinds.values():
            entry = {"class": type(kind).__name__, "component": kind.component,
                     "c_type": getattr(kind, "c_type", ""),
                     "complex": bool(getattr(kind, "complex", False))}
            for f in dataclasses.fields(kind):
                value = getattr(kind, f.name)
                if f.name not in entry and not _is_rule(value):
                    entry[f.name] = plain(value)
            kinds[kind.name] = entry
        return {"name": self.name, "kinds": kinds, "roots": list(self.roots),
                "properties": plain(self.properties)}

    def check(self) -> None:
        """Every kind name referred to exists (raises KeyError otherwise)."""
        for kind in self.kinds.values():
            for ref in kind.references():
                self.kind(ref)

    # compiled conversions, cached per (kind, getter)
    def dumper(self, name: str, get: Callable) -> Callable[[Any], Any]:
        key = (name, get)
        dumper = self._dumpers.get(key)
        if dumper is None:
            dumper = self._dumpers[key] = self.kind(name).dumper(self, get)
        return dumper

    def parser(self, name: str) -> Callable:
        parser = self._parsers.get(name)
        if parser is None:
            parser = self._parsers[name] = self.kind(name).parser(self)
        return parser
