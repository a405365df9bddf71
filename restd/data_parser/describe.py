"""Object descriptions: each Slurm object described once, as data, driving
dumping (dump.py), parsing (parse.py) and the OpenAPI schema (schema.py); and
versions, a newer one being the older plus declared differences.

    V0041 = V0040.derive("v0.0.41", [
        ReplaceKind(some_kind),
        AddFields("JOB_INFO", [Field("new_key", "UINT32", "new_member")]),
        RemoveFields("JOB_INFO", ["old_key"]),
    ])

A :class:`Field` names its JSON key (``"power/flags"`` for nested objects), its
kind (a kind name, resolved in the version), and its C source: the struct
member (dotted for nested structs, ``"resp.job_id"``), or None for a complex
kind reading the whole struct. That is enough for a generator to emit C.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
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
            # (Slurm does not mark deprecated fields in the schema.)
            child = version.schema_ref(fld.kind)
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
    """A declared difference between a version and the one it derives from."""

    def apply(self, kinds: dict[str, Kind]) -> None:
        raise NotImplementedError


@dataclass(frozen=True)
class AddKind(Change):
    kind: Kind

    def apply(self, kinds):
        if self.kind.name in kinds:
            raise ValueError(f"kind {self.kind.name} already exists")
        kinds[self.kind.name] = self.kind


@dataclass(frozen=True)
class ReplaceKind(Change):
    kind: Kind

    def apply(self, kinds):
        if self.kind.name not in kinds:
            raise ValueError(f"kind {self.kind.name} does not exist")
        kinds[self.kind.name] = self.kind


@dataclass(frozen=True)
class RemoveKind(Change):
    name: str

    def apply(self, kinds):
        del kinds[self.name]


@dataclass(frozen=True)
class AddFields(Change):
    """Add fields to an object, after the field keyed ``after`` (at the end
    when None)."""

    object: str
    fields: tuple[Field, ...]
    after: Optional[str] = None

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

    def apply(self, kinds):
        obj = kinds[self.object]
        key = self.key or self.field.key
        keys = [f.key for f in obj.fields]
        if key not in keys:
            raise ValueError(f"{self.object} has no field {key}")
        fields = list(obj.fields)
        fields[keys.index(key)] = self.field
        kinds[self.object] = replace(obj, fields=tuple(fields))


class Version:
    """One data_parser version: its name ("v0.0.40") and its kinds by name.

    ``services`` supplies what only Slurm knows when dumping (user and group
    names, slurm_strerror(), job_state_reason_string(), ...): see
    :class:`restd.data_parser.services.Services`."""

    def __init__(self, name: str, kinds: Iterable[Kind], services=None):
        from restd.data_parser.services import Services
        self.name = name
        self.kinds: dict[str, Kind] = {}
        for kind in kinds:
            if kind.name in self.kinds:
                raise ValueError(f"{name}: kind {kind.name} described twice")
            self.kinds[kind.name] = kind
        self.services = services or Services()
        self._dumpers: dict = {}
        self._parsers: dict = {}

    def __repr__(self):
        return f"Version({self.name!r}, {len(self.kinds)} kinds)"

    def derive(self, name: str, changes: Iterable[Change] = ()) -> "Version":
        kinds = dict(self.kinds)
        for change in changes:
            change.apply(kinds)
        return Version(name, kinds.values(), self.services)

    def with_services(self, services) -> "Version":
        return Version(self.name, self.kinds.values(), services)

    def kind(self, name: str) -> Kind:
        try:
            return self.kinds[name]
        except KeyError:
            raise KeyError(f"{self.name}: no kind named {name!r}") from None

    def component_name(self, kind: Kind) -> str:
        return f"{self.name}_{kind.component}"

    def schema_ref(self, name: str) -> dict:
        """The schema a field of kind ``name`` shows: a $ref to its component,
        or the kind's own (inline) schema."""
        kind = self.kind(name)
        if kind.component:
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
                        if not callable(getattr(value, f.name))}
            return repr(value)
        kinds = {}
        for kind in self.kinds.values():
            entry = {"class": type(kind).__name__, "component": kind.component,
                     "c_type": getattr(kind, "c_type", ""),
                     "complex": bool(getattr(kind, "complex", False))}
            for f in dataclasses.fields(kind):
                value = getattr(kind, f.name)
                if f.name not in entry and not callable(value):
                    entry[f.name] = plain(value)
            kinds[kind.name] = entry
        return {"name": self.name, "kinds": kinds}

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
