"""The parser kinds: how one C value becomes JSON, how JSON becomes that C value,
and which OpenAPI schema describes it.

Every kind has a name (Slurm's parser type name without the ``DATA_PARSER_``
prefix: ``UINT32_NO_VAL``, ``JOB_STATE``...) and, when the reference publishes it
as a component schema, a ``component`` (``uint32_no_val`` becomes
``v0.0.40_uint32_no_val``). Kinds refer to each other by name, resolved through
a :class:`restd.data_parser.describe.Version`, so a newer version can replace one
kind and every object using it follows.

A kind is data plus two small conversion functions. The conversions are the
same rules Slurm's data_parser applies (src/plugins/data_parser/v0.0.40/parsers.c);
a C code generator for the native fast path reads the same data (``c_type``,
flag tables with their C macro names, field sources) and emits the equivalent C.

Dumping works on values as a *getter* returns them (see dump.py): ints, floats,
str/bytes/None for ``char *``, sequences for arrays, and nested source objects
(cdata, dicts, namespaces) for structs. Parsing produces the same shapes: a
dict keyed by C member names for a struct.
"""
from __future__ import annotations

import contextvars
import math
import re
from dataclasses import dataclass
from typing import Any, Callable, Optional, Sequence

# --- Slurm constants (slurm/slurm.h) ---------------------------------------------

NO_VAL8 = 0xFE
INFINITE8 = 0xFF
NO_VAL16 = 0xFFFE
INFINITE16 = 0xFFFF
NO_VAL = 0xFFFFFFFE
INFINITE = 0xFFFFFFFF
NO_VAL64 = 0xFFFFFFFFFFFFFFFE
INFINITE64 = 0xFFFFFFFFFFFFFFFF
MEM_PER_CPU = 0x8000000000000000
CORE_SPEC_THREAD = 0x8000
NICE_OFFSET = 0x80000000
SLURM_MAX_NORMAL_STEP_ID = 0xFFFFFFF0

# Slurm error numbers (slurm/slurm_errno.h, 24.11) and their slurm_strerror() text.
ESLURM_REST_INVALID_QUERY = 9000
ESLURM_DATA_PATH_NOT_FOUND = 9200
ESLURM_DATA_CONV_FAILED = 9202
ESLURM_DATA_FLAGS_INVALID_TYPE = 9206
ESLURM_DATA_FLAGS_INVALID = 9207
ESLURM_DATA_EXPECTED_LIST = 9208
ESLURM_DATA_EXPECTED_DICT = 9209
ERROR_TEXT = {
    ESLURM_REST_INVALID_QUERY: "Query empty or not RFC7320 compliant",
    ESLURM_DATA_PATH_NOT_FOUND: "Unable to resolve path",
    ESLURM_DATA_CONV_FAILED: "Unable to convert Data type",
    ESLURM_DATA_FLAGS_INVALID_TYPE: "Data parser expects flags to be a list",
    ESLURM_DATA_FLAGS_INVALID: "Data parser unable to parse invalid flag",
    ESLURM_DATA_EXPECTED_LIST: "Data parser expected a list",
    ESLURM_DATA_EXPECTED_DICT: "Data parser expected a dictionary or object",
}

# OpenAPI (type, format) pairs, as Slurm's openapi_type_format_t maps them.
INT32 = ("integer", "int32")
INT64 = ("integer", "int64")
STRING = ("string", None)
BOOL = ("boolean", None)
DOUBLE = ("number", "double")
NUMBER = ("number", None)


class Invalid(Exception):
    """Raised by a parse function: the value at the current path cannot be used.
    The object parser records it as an error entry and goes on."""

    def __init__(self, description: str, error_number: int = ESLURM_DATA_CONV_FAILED,
                 path: Optional[str] = None):
        super().__init__(description)
        self.description = description
        self.error_number = error_number
        self.path = path  # where, when deeper than the field being parsed


def json_type_name(value: Any) -> str:
    """The name Slurm's data_get_type_string() gives a parsed JSON value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "64 bit integer"
    if isinstance(value, float):
        return "floating point number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "dictionary"
    if isinstance(value, (list, tuple)):
        return "list"
    return type(value).__name__


_OPENAPI_TYPE_OF = {"null": "null", "boolean": "boolean", "64 bit integer": "integer",
                    "floating point number": "number", "string": "string",
                    "dictionary": "object", "list": "array"}


# --- conversion helpers ----------------------------------------------------------------

INF_STRINGS = {"inf": 1, "+inf": 1, "-inf": -1, "infinity": 1, "+infinity": 1,
               "-infinity": -1}
_INT_RE = re.compile(r"\s*[+-]?\d+\s*")
_FLOAT_RE = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*")


# The values each C integer type holds: a parsed number is stored only where it
# fits. slurmrestd assigns it through the C conversions instead, so 2^64 becomes 0
# and -1 becomes the all-ones INFINITE; restd refuses it, naming the field.
C_INT_RANGES = {
    "uint8_t": (0, 0xFF),
    "uint16_t": (0, 0xFFFF),
    "uint32_t": (0, 0xFFFFFFFF),
    "uint64_t": (0, 0xFFFFFFFFFFFFFFFF),
    "int32_t": (-(1 << 31), (1 << 31) - 1),
    "int": (-(1 << 31), (1 << 31) - 1),
    "int64_t": (-(1 << 63), (1 << 63) - 1),
    "time_t": (-(1 << 63), (1 << 63) - 1),
}


def fit(number: int, c_type: str, data: Any = None) -> int:
    """``number`` if the C type ``c_type`` holds it, else Invalid (the caller's
    path names the field). ``data`` is what the client sent, for the message."""
    low, high = C_INT_RANGES[c_type]
    if low <= number <= high:
        return number
    shown = number if data is None or isinstance(data, (dict, list)) else data
    raise Invalid(f"Number {shown!r} does not fit the field (C type {c_type}: "
                  f"{low} to {high})")


def text(value: Any) -> str:
    """A ``char *`` as a getter returns it (str, bytes or None) as JSON text."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def to_int(data: Any, ctx, path: str) -> Optional[int]:
    """An integer from JSON: a number or a numeric string. None for null.
    "inf"-like strings return the sentinel ``math.inf`` (or ``-math.inf``)
    with a warning; callers decide what infinity means for them."""
    if data is None:
        return None
    if isinstance(data, bool):
        return int(data)
    if isinstance(data, int):
        return data
    if isinstance(data, float):
        if math.isinf(data):
            return math.inf if data > 0 else -math.inf
        if math.isnan(data):
            raise Invalid("Expected integer but got NaN")
        if data != int(data):
            raise Invalid(f"Expected integer but got floating point number {data!r}")
        return int(data)
    if isinstance(data, str):
        lowered = data.strip().lower()
        if lowered in INF_STRINGS:
            ctx.warn(f"Converted string \"{data}\" to infinity", path)
            return math.inf if INF_STRINGS[lowered] > 0 else -math.inf
        if _INT_RE.fullmatch(data):
            return int(data)
        if _FLOAT_RE.fullmatch(data) and float(data) == int(float(data)):
            return int(float(data))
        raise Invalid(f"Expected integer but got string \"{data}\"")
    raise Invalid(f"Expected integer but got {json_type_name(data)}")


def to_float(data: Any, ctx, path: str) -> Optional[float]:
    if data is None:
        return None
    if isinstance(data, bool):
        return float(data)
    if isinstance(data, (int, float)):
        return float(data)
    if isinstance(data, str):
        lowered = data.strip().lower()
        if lowered in INF_STRINGS:
            ctx.warn(f"Converted string \"{data}\" to infinity", path)
            return math.inf if INF_STRINGS[lowered] > 0 else -math.inf
        if _FLOAT_RE.fullmatch(data):
            return float(data)
        raise Invalid(f"Expected number but got string \"{data}\"")
    raise Invalid(f"Expected number but got {json_type_name(data)}")


def to_bool(data: Any, ctx, path: str) -> bool:
    if data is None:
        return False
    if isinstance(data, bool):
        return data
    if isinstance(data, (int, float)):
        return bool(data)
    if isinstance(data, str):
        lowered = data.strip().lower()
        if lowered in ("true", "yes", "1", "y", "t"):
            return True
        if lowered in ("false", "no", "0", "n", "f", ""):
            return False
    raise Invalid(f"Expected boolean but got {json_type_name(data)}")


def to_text(data: Any, ctx, path: str) -> Optional[str]:
    if data is None:
        return None
    if isinstance(data, str):
        if "\x00" in data:
            # a C string ends at its first NUL: the rest would be lost silently
            raise Invalid("Strings cannot contain a NUL character (\\u0000)")
        return data
    if isinstance(data, bool):
        return "true" if data else "false"
    if isinstance(data, (int, float)):
        return str(data)
    raise Invalid(f"Expected string but got {json_type_name(data)}")


class Record(dict):
    """A struct made up while dumping (Slurm's wrappers: the shares object
    with its TRES names...): readable both as a mapping and by attribute, so
    it works with every getter."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


# Warnings emitted while dumping ("No nodes to dump"), collected for the
# answer's envelope by restd.data_parser.dump.dump(..., warnings=[...]).
DUMP_WARNINGS: contextvars.ContextVar = contextvars.ContextVar("dump_warnings", default=None)


def dump_warning(description: str, source: str = "") -> None:
    warnings = DUMP_WARNINGS.get()
    if warnings is not None:
        warnings.append({"description": description, "source": source})


# --- kinds ------------------------------------------------------------------------------

class PerVersion:
    """A rule that needs other kinds of the version it runs in (a parser of
    UINT32_NO_VAL, a dumper of an item kind): ``factory(version, get)`` for a
    dump rule, ``factory(version)`` for a parse rule, returns the rule itself,
    compiled once per version (so a newer version's kinds are the ones used).
    Kinds accept it wherever they take a dump or parse function."""

    def __init__(self, factory: Callable):
        self.factory = factory
        self.__doc__ = factory.__doc__
        self.__name__ = getattr(factory, "__name__", "rule")

    def __repr__(self):
        return f"PerVersion({self.__name__})"


def compiled_dump(rule, version, get):
    """``rule`` as it runs in ``version``: a PerVersion's product, else itself."""
    return rule.factory(version, get) if isinstance(rule, PerVersion) else rule


def compiled_parse(rule, version):
    return rule.factory(version) if isinstance(rule, PerVersion) else rule


class Kind:
    """A parser type. Subclasses define the schema and the two conversions."""

    # Every kind has: name (str), component (Optional[str]: published as
    # "<version>_<component>" and referred to by $ref), c_type (str) and
    # complex (bool: reads/writes the whole parent struct, not one member).

    def schema(self, version) -> dict:
        raise NotImplementedError

    def dumper(self, version, get: Callable) -> Callable[[Any], Any]:
        raise NotImplementedError

    def parser(self, version) -> Callable[[Any, Any, str], Any]:
        raise NotImplementedError

    def references(self) -> tuple[str, ...]:
        """Names of the kinds this one refers to (for completeness checks)."""
        return ()

    def openapi_check(self, version) -> Optional[tuple]:
        """The OpenAPI (type, format) input is expected to have, for Slurm's
        "Expected OpenAPI type=..." warning (its parser's obj_openapi); None
        when Slurm does not check (pointer-like parsers, lists, objects)."""
        return None


_DATA_TYPE_NAMES = {"integer": "64 bit integer", "number": "floating point number",
                    "string": "string", "boolean": "boolean", "object": "dictionary",
                    "array": "list"}


def openapi_mismatch(expected: tuple, data: Any) -> Optional[str]:
    """Slurm's _parse_check_openapi() warning text, or None when ``data``
    has the expected JSON type."""
    if data is None:
        return None
    found = _OPENAPI_TYPE_OF.get(json_type_name(data))
    if found == expected[0]:
        return None
    oas_format = f" format={expected[1]}" if expected[1] else ""
    return (f"Expected OpenAPI type={expected[0]}{oas_format} "
            f"(Slurm type={_DATA_TYPE_NAMES[expected[0]]}) but got OpenAPI "
            f"type={found} (Slurm type={json_type_name(data)})")


@dataclass(frozen=True, eq=False)
class Scalar(Kind):
    """A plain value: inline schema (never a component), one conversion each way.

    ``dump(value, services)`` and ``parse(data, ctx, path)`` are the rules."""

    name: str
    openapi: tuple[str, Optional[str]]
    c_type: str
    dump: Callable[[Any, Any], Any]
    parse: Callable[[Any, Any, str], Any]
    component = None
    complex = False

    def schema(self, version) -> dict:
        schema = {"type": self.openapi[0]}
        if self.openapi[1]:
            schema["format"] = self.openapi[1]
        return schema

    def dumper(self, version, get):
        dump, services = self.dump, version.services
        return lambda value: dump(value, services)

    def parser(self, version):
        return compiled_parse(self.parse, version)

    def openapi_check(self, version):
        return self.openapi


@dataclass(frozen=True, eq=False)
class NoVal(Kind):
    """A number with Slurm's NO_VAL/INFINITE sentinels, as the
    ``{"set", "infinite", "number"}`` object (``v0.0.40_uint32_no_val``...).

    Dump: INFINITE -> {set: false, infinite: true, number: 0}; NO_VAL ->
    {set: false, infinite: false, number: 0}; v -> {set: true, infinite: false,
    number: v}. Parse accepts that object, null (NO_VAL), a number, a numeric
    string, or an "inf"-like string (INFINITE, with a warning)."""

    name: str
    component: str
    c_type: str
    no_val: Any
    infinite: Any
    floating: bool = False
    signed: bool = False
    complex = False
    no_val_struct = True  # named per version (Properties.no_val_suffix)

    def schema(self, version) -> dict:
        properties = version.properties
        if self.floating:
            number = {"type": "number", "format": "double"}
        elif properties.no_val_sized_number and self.c_type in ("uint16_t", "uint32_t",
                                                                  "int32_t"):
            number = {"type": "integer", "format": "int32"}
        else:
            number = {"type": "integer", "format": "int64"}
        if not properties.no_val_defaults:
            return {"type": "object", "properties": {
                "set": {"type": "boolean"}, "infinite": {"type": "boolean"},
                "number": number}}
        # slurmrestd gives "infinite" the default 0 (0.0), not a boolean: a
        # slip in its SPEC_FUNC that makes the document invalid; restd: false.
        return {"type": "object", "properties": {
            "set": {"type": "boolean", "default": False},
            "infinite": {"type": "boolean", "default": False},
            "number": number}}

    def dump_value(self, value):
        if self.floating:
            # Slurm compares (uint32_t) value with INFINITE and NO_VAL.
            if value is None or math.isnan(value):
                return {"set": False, "infinite": False, "number": 0.0}
            whole = int(value) if not math.isinf(value) and value >= 0 else -1
            if math.isinf(value) or whole == INFINITE:
                return {"set": False, "infinite": True, "number": 0.0}
            if whole == NO_VAL:
                return {"set": False, "infinite": False, "number": 0.0}
            return {"set": True, "infinite": False, "number": float(value)}
        if value is None or value == self.no_val:
            return {"set": False, "infinite": False, "number": 0}
        if value == self.infinite:
            return {"set": False, "infinite": True, "number": 0}
        return {"set": True, "infinite": False, "number": int(value)}

    def dumper(self, version, get):
        return self.dump_value

    def parse_value(self, data, ctx, path):
        """PARSE(UINT64_NO_VAL) and friends: null is NO_VAL; a number (or a
        numeric string) is stored when the C type holds it; an "inf" string is
        INFINITE (with a warning); an object is read as {set, infinite,
        number}. Anything else: "Expected dictionary". Errors name the field's
        path, as Slurm does.

        Unlike Slurm, which stores a number through the C conversions (-1
        becomes INFINITE, 2^64 becomes 0, 1.5 becomes 1), a number the field
        cannot hold is refused: negative for an unsigned field, beyond the C
        type's range, or not a whole number for an integer. Unlimited is said
        with "infinity" or {"infinite": true}, unset with null or {"set": false}."""
        if data is None:
            return self.no_val
        if isinstance(data, str):
            lowered = data.strip().lower()
            if lowered in INF_STRINGS:
                ctx.warn(f"Converted string \"{data}\" to infinity", path)
                return self.infinite
            if _INT_RE.fullmatch(data) or _FLOAT_RE.fullmatch(data):
                data = float(data) if self.floating else to_int(data, ctx, path)
        if isinstance(data, float) and not self.floating:
            if math.isinf(data):
                return self.infinite
            if math.isnan(data):
                return self.no_val
            return self._fit(to_int(data, ctx, path), data)
        if isinstance(data, (int, float)) and not isinstance(data, bool):
            return float(data) if self.floating else self._fit(data, data)
        if not isinstance(data, dict):
            raise Invalid(f"Expected dictionary but got {json_type_name(data)}",
                          ESLURM_DATA_EXPECTED_DICT)
        for key in data:
            if key not in ("set", "infinite", "number"):
                ctx.unknown_field(key, data[key], path, self.name)
        flags = {}
        for key in ("set", "infinite"):
            if key in data:
                try:
                    flags[key] = to_bool(data[key], ctx, path)
                except Invalid:
                    raise Invalid(f"Expected bool for \"{key}\" field but got "
                                  f"{json_type_name(data[key])}") from None
        number = None
        if "number" in data:
            raw = data["number"]
            if isinstance(raw, str) and raw.strip().lower() in INF_STRINGS:
                ctx.warn(f"Converted string \"{raw}\" to infinity", path)
                flags["infinite"] = True
            else:
                try:
                    number = (to_float if self.floating else to_int)(raw, ctx, path)
                except Invalid as error:
                    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
                        raise Invalid(f"{error.description} for \"number\" field") \
                            from None
                    number = None
                if number is None or (isinstance(number, float) and not self.floating):
                    kind = "floating point" if self.floating else "integer"
                    raise Invalid(f"Expected {kind} number for \"number\" field but got "
                                  f"{json_type_name(raw)}")
                if not self.floating:
                    number = self._fit(number, raw)
        if flags.get("infinite"):
            return self.infinite
        if not flags.get("set"):
            if number is not None and not ctx.fast:
                ctx.warn("Ignoring \"number\" as \"set\" is not true", path)
            return self.no_val
        if "number" not in data:
            raise Invalid("Expected \"number\" field when \"set\"=True but field "
                          "not present")
        return float(number) if self.floating else number

    def _fit(self, number: int, data):
        """``number`` where the C type holds it, else Invalid saying how to ask
        for unlimited or unset."""
        try:
            return fit(number, self.c_type, data)
        except Invalid as error:
            raise Invalid(f"{error.description}; unlimited is \"infinity\" or "
                          f"{{\"infinite\": true}}, unset is null or {{\"set\": false}}") \
                from None

    def parser(self, version):
        return self.parse_value

    def openapi_check(self, version):
        return ("object", None)


@dataclass(frozen=True, eq=False)
class Alias(Kind):
    """A kind shown with another kind's schema (Slurm's pointer/alias parsers:
    TIMESTAMP_NO_VAL is published as UINT64_NO_VAL), with its own conversion
    to and from the target's C value. ``to_target(value, services)`` maps this
    kind's C value to the target's, ``from_target(value)`` the other way."""

    name: str
    target: str
    c_type: str = ""
    to_target: Optional[Callable[[Any, Any], Any]] = None
    from_target: Optional[Callable[[Any], Any]] = None
    parse_override: Optional[Callable[[Any, Any, str], Any]] = None
    # to_target builds a plain dict (not a C struct): dump it with dict lookups
    synthetic: bool = False
    component = None
    complex = False

    def schema(self, version) -> dict:
        return version.schema_ref(self.target)

    def dumper(self, version, get):
        from restd.data_parser.dump import get_item
        inner = version.dumper(self.target, get_item if self.synthetic else get)
        convert, services = self.to_target, version.services
        if convert is None:
            return inner
        return lambda value: inner(convert(value, services))

    def parser(self, version):
        if self.parse_override is not None:
            return compiled_parse(self.parse_override, version)
        inner = version.parser(self.target)
        convert = self.from_target
        if convert is None:
            return inner
        return lambda data, ctx, path: convert(inner(data, ctx, path))

    def references(self):
        return (self.target,)


@dataclass(frozen=True, eq=False)
class Pointer(Kind):
    """A C pointer to ``target`` (Slurm's pointer parsers, JOB_RES_PTR...):
    the target's schema; a NULL pointer (None) dumps as the target's empty
    form, {} for an object and [] for an array, null otherwise."""

    name: str
    target: str
    parse_override: Optional[Callable[[Any, Any, str], Any]] = None
    component = None
    complex = False
    c_type = "void *"

    def schema(self, version) -> dict:
        return version.schema_ref(self.target)

    def dumper(self, version, get):
        target = version.kind(self.target)
        while isinstance(target, (Pointer, Alias)):
            target = version.kind(target.target)
        # Slurm's _dump_pointer() on NULL: {} for objects, [] for arrays
        # (clients cannot take null there), null for anything else.
        empty = {"object": dict, "array": list}.get(target.schema(version).get("type"),
                                                    lambda: None)
        inner = version.dumper(self.target, get)

        def dump_pointer(value):
            if value is None:
                return empty()
            return inner(value)
        return dump_pointer

    def parser(self, version):
        if self.parse_override is not None:
            return compiled_parse(self.parse_override, version)
        return version.parser(self.target)

    def references(self):
        return (self.target,)

    def openapi_check(self, version):
        if self.parse_override is not None:
            return None
        return version.kind(self.target).openapi_check(version)


@dataclass(frozen=True)
class FlagBit:
    """One entry of a flag table (Slurm's flag_bit_t).

    kind "bit": present when ``value & mask`` are all set (skipped when an
    "equal" entry already matched an overlapping mask); kind "equal": present
    when ``flags & mask == value``; kind "removed": listed in the schema only.
    ``value_name``/``mask_name`` are the C macro names for the code generator."""

    name: str
    kind: str
    value_name: str = ""
    value: int = 0
    mask_name: str = ""
    mask: int = 0
    hidden: bool = False


@dataclass(frozen=True, eq=False)
class Flags(Kind):
    """A bitmask as a list of names (``["PENDING", "REQUEUED"]``), or one name
    when ``single`` (Slurm's single_flag parsers, published as a string)."""

    name: str
    component: str
    c_type: str
    bits: tuple[FlagBit, ...]
    single: bool = False
    complex = False

    def schema(self, version) -> dict:
        names = [bit.name for bit in self.bits if not bit.hidden]
        if self.single:
            return {"type": "string", "enum": names}
        return {"type": "array", "items": {"enum": names, "type": "string"}}

    def dump_value(self, value):
        value = int(value or 0)
        names, used_equal = [], 0
        for bit in self.bits:
            if bit.hidden:  # Slurm's _dump_flag_bit_array_flag() skips them first
                continue
            if bit.kind == "bit":
                wanted = bit.value & bit.mask
                if used_equal & bit.mask:
                    continue
                if value & wanted == wanted:
                    names.append(bit.name)
            elif bit.kind == "equal":
                if value & bit.mask == bit.value & bit.mask:
                    used_equal |= bit.mask
                    names.append(bit.name)
        if self.single:
            return names[0] if names else ""
        return names

    def dumper(self, version, get):
        return self.dump_value

    def parse_value(self, data, ctx, path):
        if data is None:
            return 0
        items = [data] if isinstance(data, str) else data
        if isinstance(items, str) or not isinstance(items, (list, tuple)):
            raise Invalid(f"Expected a list of flags but got {json_type_name(data)}",
                          ESLURM_DATA_FLAGS_INVALID_TYPE)
        value = 0
        for index, item in enumerate(items):
            if not isinstance(item, str):
                raise Invalid(f"Expected flag string but got {json_type_name(item)}",
                              ESLURM_DATA_FLAGS_INVALID)
            for name in (part.strip() for part in item.split(",")):
                if not name:
                    continue
                bit = self._by_name(name)
                if bit is None:
                    raise Invalid(f"Unknown flag \"{name}\"", ESLURM_DATA_FLAGS_INVALID)
                if bit.kind == "removed":
                    ctx.warn(f"Ignoring deprecated flag: {name}", path)
                    continue
                if bit.kind == "equal":
                    value = (value & ~bit.mask) | (bit.value & bit.mask)
                else:
                    value |= bit.value & bit.mask
        return value

    def _by_name(self, name):
        lowered = name.lower()
        for bit in self.bits:
            if bit.name.lower() == lowered:
                return bit
        return None

    def parser(self, version):
        return self.parse_value

    def openapi_check(self, version):
        return ("string", None) if self.single else ("array", None)


@dataclass(frozen=True, eq=False)
class ArrayOf(Kind):
    """A JSON array of ``item`` (a kind name). ``split`` is for C strings
    holding a list (CSV_STRING: "a,b" <-> ["a", "b"]): the separator; the
    C value is then that joined string, else a sequence of item sources.
    ``component`` None means the array is inline (never the case in v0.0.40)."""

    name: str
    component: Optional[str]
    item: str
    c_type: str = ""
    split: Optional[str] = None
    # Slurm's list dumpers: a warning when there is nothing to dump, and items
    # skipped when this member is NULL (unassigned dynamic nodes)
    empty_warning: Optional[str] = None
    skip_without: Optional[str] = None
    checked: bool = True  # False for Slurm's list parsers (no type warning)
    complex = False

    def schema(self, version) -> dict:
        return {"type": "array", "items": version.schema_ref(self.item)}

    def dumper(self, version, get):
        item = version.dumper(self.item, get)
        if self.split is not None:
            sep = self.split

            def dump_split(value):
                string = text(value)
                return [part for part in string.split(sep) if part] if string else []
            return dump_split

        empty_warning, skip_without = self.empty_warning, self.skip_without
        if empty_warning is None and skip_without is None:
            def dump_array(value):
                if value is None:
                    return []
                return [item(entry) for entry in value]
            return dump_array

        def dump_checked_array(value):
            if not value:
                if empty_warning:
                    dump_warning(empty_warning)
                return []
            if skip_without is None:
                return [item(entry) for entry in value]
            return [item(entry) for entry in value if get(entry, skip_without) is not None]
        return dump_checked_array

    def parser(self, version):
        item = version.parser(self.item)
        sep = self.split

        def parse_array(data, ctx, path):
            if data is None:
                return None if sep is not None else []
            if sep is not None and isinstance(data, str):
                return data
            if isinstance(data, dict):
                raise Invalid(f"Expected list but got dictionary", ESLURM_DATA_EXPECTED_LIST)
            if not isinstance(data, (list, tuple)):
                if sep is not None:
                    return to_text(data, ctx, path)
                raise Invalid(f"Expected list but got {json_type_name(data)}",
                              ESLURM_DATA_EXPECTED_LIST)
            stem = path[:-1] if path.endswith("/") else path
            values = []
            for index, entry in enumerate(data):
                entry_path = f"{stem}[{index}]/"
                try:
                    values.append(item(entry, ctx, entry_path))
                except Invalid as error:
                    ctx.error(error.description, error.path or entry_path,
                              error.error_number)
            if sep is not None:
                return sep.join(text(value) for value in values)
            return values
        return parse_array

    def references(self):
        return (self.item,)

    def openapi_check(self, version):
        return ("array", None) if self.checked else None


def expand_hostlist(expression: str) -> list[str]:
    """Slurm's hostlist_create() + iteration: "n[01-03,7],m" -> ["n01", "n02",
    "n03", "n7", "m"] (one bracket level per name, zero padding kept)."""
    hosts: list[str] = []
    depth, start = 0, 0
    parts = []
    for index, char in enumerate(expression):
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char in ", " and depth == 0:
            parts.append(expression[start:index])
            start = index + 1
    parts.append(expression[start:])
    for part in (p.strip() for p in parts):
        if not part:
            continue
        match = re.fullmatch(r"([^\[]*)\[([^\]]*)\](.*)", part)
        if not match:
            hosts.append(part)
            continue
        prefix, ranges, suffix = match.groups()
        for item in ranges.split(","):
            low, _, high = item.partition("-")
            if not low.isdecimal() or (high and not high.isdecimal()):
                raise ValueError(f"Invalid hostlist string: {expression}")
            width = len(low)
            for number in range(int(low), int(high or low) + 1):
                for host in expand_hostlist(f"{prefix}{number:0{width}d}{suffix}") \
                        if "[" in suffix else [f"{prefix}{number:0{width}d}{suffix}"]:
                    hosts.append(host)
    return hosts


def ranged_hostlist(hosts: Sequence[str]) -> str:
    """hostlist_ranged_string(): consecutive names sharing a prefix and a
    number width folded into "prefix[a-b,c]", in the given order."""
    groups: list[tuple[str, int, list[int]]] = []
    out: list = []
    for host in hosts:
        match = re.fullmatch(r"(.*?)(\d+)", host)
        if not match:
            out.append(host)
            continue
        prefix, digits = match.groups()
        width = len(digits) if digits.startswith("0") else 0
        for entry in out:
            if isinstance(entry, tuple) and entry[0] == prefix and entry[1] == width:
                entry[2].append(int(digits))
                break
        else:
            out.append((prefix, width, [int(digits)]))
    text_parts = []
    for entry in out:
        if not isinstance(entry, tuple):
            text_parts.append(entry)
            continue
        prefix, width, numbers = entry
        if len(numbers) == 1:
            text_parts.append(f"{prefix}{numbers[0]:0{width}d}")
            continue
        numbers = sorted(set(numbers))
        spans, first, last = [], numbers[0], numbers[0]
        for number in numbers[1:]:
            if number == last + 1:
                last = number
                continue
            spans.append((first, last))
            first = last = number
        spans.append((first, last))
        inner = ",".join(f"{a:0{width}d}" if a == b else f"{a:0{width}d}-{b:0{width}d}"
                         for a, b in spans)
        text_parts.append(f"{prefix}[{inner}]")
    return ",".join(text_parts)


@dataclass(frozen=True, eq=False)
class Hostlist(Kind):
    """A ``char *`` hostlist expression as an array of host names
    (HOSTLIST_STRING): dumping expands it, parsing accepts a list or an
    expression and stores the ranged expression. Both go through the version's
    services (``hostlist_names``, ``hostlist_ranged``): libslurm's hostlist
    functions in the daemon, as Slurm's parsers call them."""

    name: str
    component: str
    c_type: str = "char *"
    complex = False

    def schema(self, version) -> dict:
        return {"type": "array", "items": {"type": "string"}}

    def dumper(self, version, get):
        services = version.services

        def dump_hostlist(value):
            string = text(value)
            if not string:
                return []
            try:
                return services.hostlist_names(string)
            except ValueError:  # Slurm: an empty list and an error
                return []
        return dump_hostlist

    def parser(self, version):
        from restd.data_parser.services import InvalidHostlist, TooManyHosts

        def parse_hostlist(data, ctx, path):
            # PARSE(HOSTLIST): null and "" are no hostlist (the member stays NULL)
            if data is None:
                return None
            if isinstance(data, str):
                hosts = to_text(data, ctx, path)
                if not hosts:
                    return None
            elif isinstance(data, (list, tuple)):
                hosts = []
                stem = path[:-1] if path.endswith("/") else path
                for index, entry in enumerate(data):
                    where = f"{stem}[{index}]/"
                    if not isinstance(entry, str):
                        raise Invalid(f"Expected string but got {json_type_name(entry)}",
                                      path=where)
                    try:
                        hosts.append(to_text(entry, ctx, where))
                    except Invalid as error:
                        raise Invalid(error.description, error.error_number,
                                      path=where) from None
            else:
                raise Invalid(f"Expected list or string but got {json_type_name(data)}")
            try:
                return ctx.services.hostlist_ranged(hosts)
            except TooManyHosts as error:
                raise Invalid(f"The hostlist names more hosts than Slurm's hostlist "
                              f"functions count ({error.limit} at most)") from None
            except InvalidHostlist as error:
                where = None
                if error.index is not None:
                    stem = path[:-1] if path.endswith("/") else path
                    where = f"{stem}[{error.index}]/"
                raise Invalid(str(error), path=where) from None
        return parse_hostlist

    def openapi_check(self, version):
        return ("array", None)


@dataclass(frozen=True, eq=False)
class HostlistExpression(Hostlist):
    """A ``char *`` hostlist expression as a string (HOSTLIST_STRING_TO_STRING,
    v0.0.44): parsed as HOSTLIST_STRING is (a list or an expression, stored
    ranged: Slurm validates the string by reading it as a hostlist), dumped as
    the string it is."""

    def schema(self, version) -> dict:
        return {"type": "string"}

    def dumper(self, version, get):
        def dump_expression(value):
            return text(value) or ""
        return dump_expression

    def openapi_check(self, version):
        return ("string", None)


@dataclass(frozen=True, eq=False)
class Removed(Kind):
    """A kind Slurm removed but still publishes (POWER_FLAGS...): its schema
    stays; dumping gives an empty value, parsing ignores input with a warning."""

    name: str
    component: str
    shape: dict
    empty: Any = None
    complex = False
    c_type = ""

    def schema(self, version) -> dict:
        return dict(self.shape)

    def dumper(self, version, get):
        empty = self.empty
        return lambda value: (list(empty) if isinstance(empty, list) else
                              dict(empty) if isinstance(empty, dict) else empty)

    def parser(self, version):
        def parse_removed(data, ctx, path):
            ctx.warn(f"Ignoring removed field of type {self.name}", path)
            return None
        return parse_removed


@dataclass(frozen=True, eq=False)
class Special(Kind):
    """A kind whose conversion needs Slurm itself (libslurm calls such as
    slurm_get_job_stdout(), or a whole struct's members). ``dump(value,
    services, get)`` receives the member (or, when ``complex``, the parent
    struct); ``parse(data, ctx, path)`` returns the member value (or, when
    ``complex``, a dict of member updates). ``schema_of`` is the published
    schema (inline dict) or ``target`` names a kind whose schema is used."""

    name: str
    dump: Optional[Callable[[Any, Any, Callable], Any]]
    parse: Optional[Callable[[Any, Any, str], Any]] = None
    openapi: Optional[tuple] = None
    target: Optional[str] = None
    component: Optional[str] = None
    item: Optional[str] = None  # for array-shaped specials with a component
    complex: bool = False
    c_type: str = ""
    schema_override: Optional[dict] = None  # a schema no other kind describes

    def schema(self, version) -> dict:
        if self.schema_override is not None:
            return dict(self.schema_override)
        if self.target:
            return version.schema_ref(self.target)
        if self.item is not None:
            return {"type": "array", "items": version.schema_ref(self.item)
                    if self.item else {}}
        schema = {"type": self.openapi[0]}
        if self.openapi[1]:
            schema["format"] = self.openapi[1]
        return schema

    def dumper(self, version, get):
        dump, services = compiled_dump(self.dump, version, get), version.services
        return lambda value: dump(value, services, get)

    def parser(self, version):
        if self.parse is None:
            name = self.name

            def read_only(data, ctx, path):
                ctx.warn(f"Ignoring read-only field of type {name}", path)
                return None
            return read_only
        return compiled_parse(self.parse, version)

    def openapi_check(self, version):
        """addpc/addpcs: the declared type; addpca: array; addpcp (a
        ``target``): none."""
        if self.target:
            return None
        if self.item is not None:
            return ("array", None)
        return self.openapi

    def references(self):
        refs = []
        if self.target:
            refs.append(self.target)
        if self.item:
            refs.append(self.item)
        return tuple(refs)


@dataclass(frozen=True, eq=False)
class FlagSwitch(Kind):
    """A boolean that sets one bit of a condition's flags: Slurm's complex
    query parsers of v0.0.40 (ASSOC_CONDITION_WITH_DELETED_OLD: ``with_deleted``
    sets ASSOC_COND_FLAG_WITH_DELETED in slurmdb_assoc_cond_t.flags), which
    later versions replaced by the flag table itself, one parameter per bit.
    ``bit`` is the bit's macro (what FlagBit.value_name names), ``member`` the
    flags member; parsed, it is the boolean."""

    name: str
    member: str
    bit: str
    c_type: str = ""
    component = None
    complex = True

    def schema(self, version) -> dict:
        return {"type": "boolean"}

    def dumper(self, version, get):
        raise TypeError(f"{self.name} is a query parser: never dumped")

    def parser(self, version):
        def parse_switch(data, ctx, path):
            return to_bool(data, ctx, path)
        return parse_switch

    def openapi_check(self, version):
        return BOOL
