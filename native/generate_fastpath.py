"""Generate the native JSON fast path for the hot lists (jobs, nodes) from the
object descriptions of every data_parser version (restd.data_parser.versions,
``Version.export()`` and the kinds' rules).

``generate(include_dir) -> (cdef, c_source)`` is one of build_libslurm.GENERATORS,
so ``pip install -e .`` compiles the result into ``restd._libslurm``. It emits:

* for each version and list kind in ``LISTS`` (``JOB_INFO_MSG``, ``NODES``) an entry
  point ``char *restd_fp_dump_<LIST>[_<version>](const <msg> *msg, int pretty,
  int indent_level, uint32_t first, uint32_t last, int items_only, size_t *len)``
  writing the records as one JSON array (orjson's layout, pretty or compact, starting
  at ``indent_level``), or with ``items_only`` as its items without its brackets,
  into a malloc'ed buffer (``restd_fp_free()`` it; NULL when out of memory);
* one C function per object kind reached (fields in the description's order,
  nested keys ``"signal/id"`` as nested objects), one per flag table, each shared
  by the versions whose description of it gives the same output
  (``Generator.signature``: the description less SCHEMA_ONLY_KEYS, its rules, the
  DUMP_PROPERTIES, the signatures of the kinds it uses);
* ``restd_fp_registry()``: "version kind entry" lines, what restd.native.fastpath
  reads; ``restd_fp_unsupported()``: the lists left to the Python dumper, and why
  (a list that reaches a kind without C is not generated for that version, and
  the generator says so on stderr).

How each kind class maps to C (the value ``v`` is the member, or the whole
struct for complex kinds):

========== ===========================================================================
Object     a function ``restd_fp_obj_<NAME>(w, const <c_type> *p)``
Scalar     by kind name (``SCALARS``): integers, bools, strings, the Slurm rules
           (NICE, HOLD, CORE_SPEC...); USER_ID/GROUP_ID through a per-call cache;
           JOB_REASON through libslurm's job_reason_string()
NoVal      ``{"set", "infinite", "number"}`` with the description's sentinels
Alias      the target kind, after the kind's conversion (``ALIAS_CONVERSIONS``);
           PROCESS_EXIT_CODE (synthetic) builds the verbose struct and dumps its Object
Flags      a function per table: every FlagBit with its value/mask ("equal" bits
           remember their mask, as the Python rule does)
ArrayOf    ``split``: the C string split on the separator; lists: the entry points;
           records of a PRIVATE_STRUCTS struct: member ``m`` with ``m_count`` items
Pointer    NULL: the target's empty form ({} / [] / null; null for a field that is
           not required when the version has null_optional_pointers); else the target
Removed    its empty value; a ``removed`` field: the empty form of its kind's schema
Special    call-outs to native/fastpath_helpers.c: by name for the RULES_OF rule
           (``SPECIALS``: job stdio paths, gres_detail, JOB_RES_NODES, NODE_SELECT_*),
           by rule (``RULE_SPECIALS``: v0.0.41's job allocation); optional members and
           v0.0.42's PRIORITY_BY_PARTITION written here
========== ===========================================================================

The rule is: byte for byte what the Python path (restd.data_parser.dump with
restd.native.services.get and LibslurmServices) gives for the same structs.
A member the compiled slurm.h lacks (``container_id`` before 23.02...) reads as
that getter's None: 0/NULL for most kinds, "not set" for NoVal. A struct slurm.h
keeps opaque (job_resources_t, internal to Slurm) is read through the binding's
declaration of its layout per release (``PRIVATE_STRUCTS``), as the getter does.
A kind the generator does not know leaves its list to Python (never a silent gap).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
HELPERS = os.path.join(HERE, "fastpath_helpers.c")

# The list kinds given a native entry point, and how their message holds the records.
LISTS = ("JOB_INFO_MSG", "NODES")
MESSAGE_ARRAYS = {  # message c_type -> (array member, count member)
    "job_info_msg_t": ("job_array", "record_count"),
    "node_info_msg_t": ("node_array", "record_count"),
}

# Structs not in the installed headers: job_resources_t as the binding declares it
# per release (native/_cffi_src/slurm.py), the exit code struct of fastpath_helpers.c.
PRIVATE_STRUCTS = {
    "job_resources_t": ("restd_job_resources_t", {
        "core_bitmap": "void*", "core_bitmap_used": "void*", "cpu_array_cnt": "uint32_t",
        "cpu_array_value": "uint16_t*", "cpu_array_reps": "uint32_t*", "cpus": "uint16_t*",
        "cpus_used": "uint16_t*", "cores_per_socket": "uint16_t*", "cr_type": "uint16_t",
        "memory_allocated": "uint64_t*", "memory_used": "uint64_t*", "nhosts": "uint32_t",
        "node_bitmap": "void*", "node_req": "uint32_t", "nodes": "char*",
        "ncpus": "uint32_t", "sock_core_rep_count": "uint32_t*",
        "sockets_per_node": "uint16_t*", "tasks_per_node": "uint16_t*",
        "threads_per_core": "uint16_t", "whole_node": "uint8_t"}),
    "proc_exit_code_verbose_t": ("restd_fp_exit_code_t", {
        "status": "uint32_t", "return_code": "uint32_t", "signal": "uint16_t"}),
    # the records v0.0.41's JOB_RES_NODES and v0.0.42's PRIORITY_BY_PARTITION build
    # (fastpath_helpers.c fills them as the Python rules fill their Records); an
    # array member ``m`` of records has its length in ``m_count``
    "JOB_RES_CORE_t": ("restd_fp_job_res_core_t", {"index": "uint32_t", "status": "uint64_t"}),
    "JOB_RES_SOCKET_t": ("restd_fp_job_res_socket_t", {
        "index": "uint32_t", "cores": "restd_fp_job_res_core_t*", "cores_count": "uint32_t"}),
    "JOB_RES_NODE_t": ("restd_fp_job_res_node_t", {
        "index": "uint32_t", "name": "char*", "cpus": "struct", "memory": "struct",
        "sockets": "restd_fp_job_res_socket_t*", "sockets_count": "uint32_t"}),
    "PART_PRIO_t": ("restd_fp_part_prio_t", {"part": "char*", "prio": "uint32_t"}),
}
# Scalars: C statements, {v} the value expression.
SCALARS = {
    "STRING": "restd_fp_str(w, {v});",
    "UINT16": "restd_fp_u64(w, (uint64_t) ({v}));",
    "UINT32": "restd_fp_u64(w, (uint64_t) ({v}));",
    "OVERSUBSCRIBE_JOBS": "restd_fp_u64(w, (uint64_t) ({v}));",
    "INT32": "restd_fp_i64(w, (int64_t) ({v}));",
    "INT64": "restd_fp_i64(w, (int64_t) ({v}));",
    "UINT64": "{{ uint64_t v_ = (uint64_t) ({v}); if (v_ == NO_VAL64 || v_ == INFINITE64) "
              "restd_fp_null(w); else restd_fp_u64(w, v_); }}",
    "FLOAT64": "restd_fp_double(w, (double) ({v}));",
    "FLOAT128": "restd_fp_double(w, (double) ({v}));",
    "BOOL": "restd_fp_bool(w, ({v}) != 0);",
    "BOOL16": "restd_fp_bool(w, ({v}) != 0);",
    "BOOL16_NO_VAL": "{{ uint64_t v_ = (uint64_t) ({v}); "
                     "restd_fp_bool(w, v_ != NO_VAL16 && v_ != 0); }}",
    "USER_ID": "restd_fp_user(w, (uint32_t) ({v}));",
    "GROUP_ID": "restd_fp_group(w, (uint32_t) ({v}));",
    "JOB_REASON": "restd_fp_job_reason(w, (uint32_t) ({v}));",
    "NICE": "{{ uint32_t v_ = (uint32_t) ({v}); if (v_ == NO_VAL || v_ == 0x80000000u) "
            "restd_fp_u64(w, 0); else restd_fp_i64(w, (int64_t) v_ - 0x80000000LL); }}",
    "CORE_SPEC": "{{ uint64_t v_ = (uint64_t) ({v}); "
                 "restd_fp_u64(w, (v_ & 0x8000) ? 0 : v_); }}",
    "THREAD_SPEC": "{{ uint64_t v_ = (uint64_t) ({v}); "
                   "restd_fp_u64(w, (v_ & 0x8000) ? (v_ & ~(uint64_t) 0x8000) : 0); }}",
    "HOLD": "restd_fp_bool(w, ({v}) == 0);",
    "SIGNAL": "{{ uint64_t v_ = (uint64_t) ({v}); if (v_ == NO_VAL16) "
              "RESTD_FP_LIT(w, \"\\\"\\\"\"); else restd_fp_signal_name(w, v_); }}",
    "ALLOCATED_CORES": "restd_fp_u64(w, (w->select_type_param & 0x6) ? "
                       "(uint64_t) ({v}) : 0);",
    "ALLOCATED_CPUS": "restd_fp_u64(w, (w->select_type_param & 0x1) ? "
                      "(uint64_t) ({v}) : 0);",
}

# Alias conversions (the Python to_target functions), {v} the member.
ALIAS_CONVERSIONS = {
    "MEM_PER_CPUS": "((((uint64_t) ({v})) & 0x8000000000000000ULL) ? "
                    "(((uint64_t) ({v})) & ~0x8000000000000000ULL) : NO_VAL64)",
    "MEM_PER_NODE": "((((uint64_t) ({v})) & 0x8000000000000000ULL) ? NO_VAL64 : "
                    "((uint64_t) ({v})))",
}

# Complex specials: C statement on the parent struct {p} (the members the Python
# rule reads, for reference). Written for the rule the kind has in v0.0.40
# (``RULES_OF``): a version whose kind of that name has another rule does not get
# this C (see ``RULE_SPECIALS``).
SPECIALS = {
    "JOB_INFO_STDIN": ("restd_fp_job_stdio(w, {p}, 0);", ()),
    "JOB_INFO_STDOUT": ("restd_fp_job_stdio(w, {p}, 1);", ()),
    "JOB_INFO_STDERR": ("restd_fp_job_stdio(w, {p}, 2);", ()),
    "JOB_INFO_GRES_DETAIL": ("restd_fp_gres_detail(w, {p});",
                             ("gres_detail_str", "gres_detail_cnt")),
    "JOB_RES_NODES": ("restd_fp_job_res_nodes(w, {p});",
                      ("cores_per_socket", "nhosts", "nodes", "sockets_per_node",
                       "sock_core_rep_count", "cpus_used", "memory_used",
                       "memory_allocated", "core_bitmap", "core_bitmap_used")),
    "NODE_SELECT_ALLOC_MEMORY": ("restd_fp_node_select(w, {p}, 0);", ()),
    "NODE_SELECT_ALLOC_CPUS": ("restd_fp_node_select(w, {p}, 1);", ()),
    "NODE_SELECT_ALLOC_IDLE_CPUS": ("restd_fp_node_select(w, {p}, 2);", ()),
    "NODE_SELECT_TRES_USED": ("restd_fp_node_select(w, {p}, 3);", ()),
    "NODE_SELECT_TRES_WEIGHTED": ("restd_fp_node_select(w, {p}, 4);", ()),
}

# Specials by the Python rule they implement (``rule_id()``), whatever the kind's name:
# C statement on the parent {p}, {item} the generated function of the kind's item.
RULE_SPECIALS = {
    # v0.0.41 on: every allocated node with its CPUs, memory, sockets and cores
    "restd.data_parser.rules.dump_job_res_allocation":
        "restd_fp_job_res_allocation(w, {p}, {item});",
    # v0.0.44 on: the job's own step id (SLURM_STEP_ID)
    "restd.data_parser.rules.dump_job_step_id": "restd_fp_job_step_id(w, {p});",
}
# Rules taking a parameter (a closure variable), by rule id: C with {p} and the parameters.
PARAMETER_SPECIALS = {
    # v0.0.43 on: JOB_INFO_STD*_EXP, the given path expanded
    "restd.data_parser.rules.job_stdio_expanded.<locals>.dump":
        lambda params: "restd_fp_job_stdio_expanded(w, {p}, %d);"
        % ("stdin", "stdout", "stderr").index(params["stream"]),
}
# Rules the generator writes itself (``Generator.rule_value``), by rule id.
OPTIONAL_MEMBER = "restd.data_parser.rules.optional_member.<locals>.compile_dump"
PRIORITY_BY_PARTITION = "restd.data_parser.rules.dump_priority_by_partition"

# The version whose rules the name-keyed tables (SCALARS, ALIAS_CONVERSIONS,
# SPECIALS) were written for and tested against.
RULES_OF = "v0.0.40"

# Version properties that change what a dump gives (restd/data_parser/dump.py reads
# them); the others are schema-only (component names, inline schemas...).
DUMP_PROPERTIES = ("null_optional_pointers",)

# Export keys that only shape the OpenAPI schema or parsing: left out when two
# versions' kinds are compared for sharing their C.
SCHEMA_ONLY_KEYS = ("component", "deprecated", "description", "example", "parse",
                    "parse_override", "from_target", "checked", "hidden")

_SIGNED = {"int8_t", "int16_t", "int32_t", "int64_t", "int", "time_t", "long"}

HELPER_CDEF = """
void restd_fp_free(char *data);
void restd_fp_copy_out(void *dst, const char *src, size_t n);
char *restd_fp_json_string(const char *s, size_t len, size_t *out_len);
char *restd_fp_json_double(double v, size_t *out_len);
const char *restd_fp_absent_members(void);
const char *restd_fp_registry(void);
const char *restd_fp_unsupported(void);
"""


# --- the installed header ---------------------------------------------------------------

def struct_members(header_text: str, typedef_name: str) -> dict[str, str]:
    """Members of ``typedef struct [tag] {...} typedef_name;`` -> normalised C type
    ("char*", "uint16_t", "acct_gather_energy_t*")."""
    text = re.sub(r"/\*.*?\*/", "", header_text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    match = re.search(r"typedef\s+struct\s+\w*\s*\{((?:[^{}]|\{[^{}]*\})*)\}\s*"
                      + re.escape(typedef_name) + r"\s*;", text, re.S)
    if not match:
        raise RuntimeError(f"no struct {typedef_name} in slurm.h")
    members = {}
    for decl in match.group(1).split(";"):
        decl = " ".join(decl.split())
        if not decl or decl.startswith("#"):
            continue
        found = re.match(r"(.*?)([A-Za-z_]\w*)\s*(\[[^\]]*\])?$", decl)
        if not found:
            continue
        ctype = re.sub(r"\s*\*", "*", found.group(1).strip())
        ctype = re.sub(r"^(const|struct)\s+", "", ctype)
        members[found.group(2)] = ctype
    return members


def c_string(text: str) -> str:
    """A C string literal holding ``text`` (UTF-8)."""
    out = []
    for byte in text.encode("utf-8"):
        char = chr(byte)
        if char in "\\\"":
            out.append("\\" + char)
        elif 0x20 <= byte < 0x7F and char != "?":
            out.append(char)
        else:
            out.append("\\%03o" % byte)
    return '"' + "".join(out) + '"'


def json_key(key: str) -> str:
    """The C literal of ``"key":`` as orjson writes the key."""
    return c_string(json.dumps(key, ensure_ascii=False) + ":")


def json_literal(value) -> str:
    return c_string(json.dumps(value, ensure_ascii=False))


def _ident(name: str) -> str:
    return re.sub(r"\W", "_", name)


# --- the rules and what is compared -----------------------------------------------------

# The attributes of a kind holding the rule that writes its output (parse rules and
# the like do not change what is dumped).
DUMP_RULE_FIELDS = ("dump", "to_target")


def _plain(value) -> bool:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return True
    if isinstance(value, (tuple, list)):
        return all(_plain(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return False


def rule_id(rule) -> list:
    """[module.qualname, {closure variable: plain value}] of a conversion (a
    PerVersion's factory): the same Python code with the same parameters
    (rules.optional_member's member...) is the same rule."""
    function = getattr(rule, "factory", rule)
    name = "%s.%s" % (getattr(function, "__module__", "?"),
                      getattr(function, "__qualname__", type(function).__name__))
    params = {}
    code = getattr(function, "__code__", None)
    for var, cell in zip(code.co_freevars if code else (), getattr(function, "__closure__", None)
                         or ()):
        try:
            value = cell.cell_contents
        except ValueError:
            continue
        if _plain(value):
            params[var] = value
    return [name, params]


def rules_of(kind) -> dict:
    """{attribute: rule_id} of the rules that write ``kind``'s output."""
    return {field: rule_id(getattr(kind, field)) for field in DUMP_RULE_FIELDS
            if getattr(kind, field, None) is not None}


# --- the generator ----------------------------------------------------------------------

class FastPath:
    """The C of every version's lists: one function per distinct output, shared by
    the versions whose descriptions give that output (``Generator.signature``)."""

    def __init__(self, header_text: str, signals):
        self.header_text = header_text
        self.signals = signals
        self._members: dict[str, dict[str, str]] = {}
        self.functions: dict[str, str] = {}   # name -> C definition (ordered)
        self.prototypes: list[str] = []
        self.by_signature: dict[tuple, str] = {}  # (prefix, signature) -> function
        self.absent: list[str] = []
        self.entries: dict[str, tuple[str, str]] = {}  # entry -> (prototype, source)
        self.registry: list[tuple[str, str, str]] = []  # (version, list kind, entry)
        self.unsupported: list[tuple[str, str, str]] = []  # (version, list kind, why)
        self.versions: list[str] = []

    def struct_of(self, c_type: str) -> tuple[str, dict[str, str]]:
        if c_type in PRIVATE_STRUCTS:
            return PRIVATE_STRUCTS[c_type]
        if c_type not in self._members:
            self._members[c_type] = struct_members(self.header_text, c_type)
        return c_type, self._members[c_type]

    def function_name(self, prefix: str, name: str, tag: str) -> str:
        """``prefix_NAME``, or ``prefix_NAME_<tag>`` when another version's kind of
        that name gave other output."""
        base = f"{prefix}_{_ident(name)}"
        return base if base not in self.functions else f"{base}_{tag}"

    def add(self, version, lists=LISTS, reference=None) -> None:
        """Generate ``version``'s list kinds; a list reaching a kind without C is left
        to the Python dumper (recorded in ``unsupported``), nothing of it kept."""
        self.versions.append(version.name)
        generator = Generator(version, self, reference)
        for list_name in lists:
            saved = (dict(self.functions), list(self.prototypes), dict(self.by_signature),
                     list(self.absent), dict(self.entries))
            try:
                entry = generator.list_entry(list_name)
            except NotImplementedError as error:
                (self.functions, self.prototypes, self.by_signature, self.absent,
                 self.entries) = saved
                self.unsupported.append((version.name, list_name, str(error)))
                print(f"fast path: no C for {version.name} {list_name} (restd dumps it "
                      f"in Python): {error}", file=sys.stderr)
                continue
            self.registry.append((version.name, list_name, entry))

    def registry_function(self) -> str:
        lines = "".join(f"{version} {kind} {entry}\n" for version, kind, entry in self.registry)
        missing = "".join(f"{version} {kind} {why}\n"
                          for version, kind, why in self.unsupported)
        return ("/* (data_parser version, list kind) -> entry point; the lists left to "
                "Python, and why */\n"
                "const char *restd_fp_registry(void) { return %s; }\n"
                "const char *restd_fp_unsupported(void) { return %s; }"
                % (c_string(lines), c_string(missing)))

    def absent_members(self) -> str:
        return ("const char *restd_fp_absent_members(void) { return %s; }"
                % c_string(",".join(dict.fromkeys(self.absent))))

    def signal_function(self) -> str:
        lines = ["static void restd_fp_signal_name(restd_fp_w *w, uint64_t v)", "{",
                 "    switch (v) {"]
        seen = set()
        for name, number in self.signals:
            if number in seen:
                continue
            seen.add(number)
            literal = json_literal(name)
            lines.append(f"    case {int(number)}: RESTD_FP_LIT(w, {literal}); return;")
        lines += ["    default: restd_fp_putc(w, '\"'); restd_fp_u64(w, v); "
                  "restd_fp_putc(w, '\"'); return;", "    }", "}"]
        return "\n".join(lines)

    def generate(self) -> tuple[str, str]:
        with open(HELPERS, encoding="utf-8") as f:
            helpers = f.read()
        source = [
            "/* ---- native/fastpath_helpers.c ---- */",
            '#line 1 "native/fastpath_helpers.c"',
            helpers,
            "/* ---- generated by native/generate_fastpath.py from the descriptions of "
            f"{', '.join(self.versions)} ---- */",
            self.signal_function(),
            *self.prototypes,
            *(text for text in self.functions.values()),
            *(src for _, src in self.entries.values()),
            self.absent_members(),
            self.registry_function(),
        ]
        cdef = "\n".join([HELPER_CDEF, *(proto for proto, _ in self.entries.values())])
        return cdef, "\n".join(source)


class Generator:
    """One version's descriptions -> C functions in the shared ``FastPath``."""

    def __init__(self, version, build: FastPath, reference=None):
        export = version.export()
        self.name = version.name
        self.tag = _ident(version.name)
        self.kinds = export["kinds"]
        self.properties = export["properties"]
        self.build = build
        self.rules = {name: rules_of(kind) for name, kind in version.kinds.items()}
        reference = reference or version
        self.reference_rules = {name: rules_of(kind) for name, kind in reference.kinds.items()}
        self.reference_name = reference.name
        self._signatures: dict[str, str] = {}

    def kind(self, name: str) -> dict:
        try:
            return self.kinds[name]
        except KeyError:
            raise KeyError(f"fast path: no kind {name!r}") from None

    def struct_of(self, c_type: str):
        return self.build.struct_of(c_type)

    def check_named_rule(self, name: str, table: str) -> None:
        """The name-keyed C (``table``) was written for the kind's rule in RULES_OF."""
        if self.rules.get(name) != self.reference_rules.get(name):
            raise NotImplementedError(
                f"{table}[{name!r}] implements {name}'s rule of {self.reference_name}; "
                f"{self.name} has another rule {self.rules.get(name)}")

    # what makes two versions' outputs of a kind identical
    def signature(self, name: str) -> str:
        """A digest of everything that decides what ``name`` dumps in this version:
        its description less the schema-only keys, its rules, the version's
        DUMP_PROPERTIES where they apply, and the signatures of the kinds it uses."""
        if name in self._signatures:
            return self._signatures[name]
        self._signatures[name] = f"cycle:{name}"
        kind = self.kind(name)
        entry = {k: v for k, v in kind.items() if k not in SCHEMA_ONLY_KEYS}
        references = [kind.get("target"), kind.get("item")]
        if "fields" in entry:
            entry["fields"] = [{k: v for k, v in field.items() if k not in SCHEMA_ONLY_KEYS}
                               for field in kind["fields"]]
            references += [field["kind"] for field in kind["fields"]]
            if any(self.kind(field["kind"])["class"] == "Pointer" and not field["required"]
                   for field in kind["fields"]):  # what null_optional_pointers changes
                entry["properties"] = {prop: self.properties[prop]
                                       for prop in DUMP_PROPERTIES}
        entry["rules"] = self.rules.get(name, {})
        entry["uses"] = {ref: self.signature(ref) for ref in references if ref}
        digest = hashlib.sha1(json.dumps(entry, sort_keys=True, default=repr)
                              .encode()).hexdigest()
        self._signatures[name] = digest
        return digest

    def shared(self, prefix: str, name: str):
        """(function, True) when a version already generated ``name``'s output,
        else (a new function name, reserved, False)."""
        key = (prefix, self.signature(name))
        if key in self.build.by_signature:
            return self.build.by_signature[key], True
        function = self.build.function_name(prefix, name, self.tag)
        self.build.by_signature[key] = function
        self.build.functions[function] = ""  # reserved (recursion guard)
        return function, False

    # empty forms (Slurm's _dump_pointer() on NULL, and removed fields)
    def schema_type(self, name: str):
        kind = self.kind(name)
        cls = kind["class"]
        if cls in ("Pointer", "Alias"):
            return self.schema_type(kind["target"])
        if cls == "Removed":
            return kind["shape"].get("type")
        if cls in ("Object", "NoVal"):
            return "object"
        if cls in ("ArrayOf", "Hostlist"):
            return "array"
        if cls == "Flags":
            return "string" if kind.get("single") else "array"
        if cls == "Special":
            if kind.get("schema_override"):
                return kind["schema_override"].get("type")
            if kind.get("target"):
                return self.schema_type(kind["target"])
            if kind.get("item") is not None:
                return "array"
            return (kind.get("openapi") or [None])[0]
        if cls == "Scalar":
            return kind["openapi"][0]
        raise NotImplementedError(f"no schema type for {name} ({cls})")

    @staticmethod
    def empty_literal(schema_type) -> str:
        return {"object": 'RESTD_FP_LIT(w, "{}");',
                "array": 'RESTD_FP_LIT(w, "[]");'}.get(schema_type, "restd_fp_null(w);")

    @staticmethod
    def removed_literal(schema_type) -> str:
        """A removed field's value (restd.data_parser.dump.REMOVED_EMPTY)."""
        literal = {"object": "{}", "array": "[]", "integer": "0", "number": "0.0",
                   "string": '\\"\\"', "boolean": "false"}.get(schema_type)
        return f'RESTD_FP_LIT(w, "{literal}");' if literal else "restd_fp_null(w);"

    # values
    def value(self, name: str, expr, ctype: str, parent: str, parent_kind: str,
              members=None, nullable: bool = False) -> str:
        """C statements dumping ``expr`` (None: the member is absent) of kind ``name``;
        ``members`` those of the parent struct, ``nullable``: a NULL pointer dumps null."""
        kind = self.kind(name)
        cls = kind["class"]
        zero = "NULL" if (ctype.endswith("*") or kind.get("c_type", "").endswith("*")) \
            else "0"
        if cls == "Scalar":
            if name not in SCALARS:
                raise NotImplementedError(f"scalar kind {name} has no C rule")
            self.check_named_rule(name, "SCALARS")
            if expr is not None and ctype in _SIGNED and name in ("UINT16", "UINT32", "UINT64"):
                name = "INT64"  # a signed member (time_t): Python prints it as is
            return SCALARS[name].format(v=zero if expr is None else expr)
        if cls == "NoVal":
            if kind.get("floating"):
                return f"restd_fp_noval_double(w, (double) ({'NAN' if expr is None else expr}));"
            if kind.get("signed"):
                raise NotImplementedError(f"signed NoVal {name}")
            no_val, infinite = "%#xULL" % kind["no_val"], "%#xULL" % kind["infinite"]
            if expr is None:
                return f"restd_fp_noval_u64(w, {no_val}, {no_val}, {infinite});"
            if ctype in _SIGNED:
                return f"restd_fp_noval_i64(w, (int64_t) ({expr}), {no_val}, {infinite});"
            return f"restd_fp_noval_u64(w, (uint64_t) ({expr}), {no_val}, {infinite});"
        if cls == "Alias":
            has_conversion = "to_target" not in kind  # callables are not exported
            if not has_conversion:
                return self.value(kind["target"], expr, ctype, parent, parent_kind, members)
            source = zero if expr is None else expr
            if kind.get("synthetic"):
                if name != "PROCESS_EXIT_CODE":
                    raise NotImplementedError(f"synthetic alias {name}")
                self.check_named_rule(name, "the PROCESS_EXIT_CODE call-out")
                target = self.object_function(kind["target"])
                return (f"{{ restd_fp_exit_code_t ec_ = restd_fp_exit_code((uint32_t) "
                        f"({source})); {target}(w, &ec_); }}")
            if name not in ALIAS_CONVERSIONS:
                raise NotImplementedError(f"alias {name} has no C conversion")
            self.check_named_rule(name, "ALIAS_CONVERSIONS")
            return self.value(kind["target"], ALIAS_CONVERSIONS[name].format(v=source),
                              "uint64_t", parent, parent_kind, members)
        if cls == "Flags":
            function = self.flags_function(name)
            return f"{function}(w, (uint64_t) ({zero if expr is None else expr}));"
        if cls == "ArrayOf":
            if kind.get("split") is None:
                raise NotImplementedError(f"array field of kind {name}")
            sep = kind["split"]
            if len(sep.encode()) != 1:
                raise NotImplementedError(f"separator {sep!r} of {name}")
            return f"restd_fp_split(w, {'NULL' if expr is None else expr}, {c_string(sep)}[0]);"
        if cls == "Pointer":
            target = self.kind(kind["target"])
            empty = ("restd_fp_null(w);" if nullable
                     else self.empty_literal(self.schema_type(kind["target"])))
            if expr is None:
                return empty
            if target["class"] == "Removed":
                return self.value(kind["target"], None, "", parent, parent_kind)
            if target["class"] != "Object":
                raise NotImplementedError(f"pointer {name} to {target['class']}")
            function = self.object_function(kind["target"])
            c_struct, _ = self.struct_of(target["c_type"])
            return (f"if ({expr}) {function}(w, (const {c_struct} *) ({expr})); "
                    f"else {empty}")
        if cls == "Removed":
            empty = kind.get("empty")
            return self.empty_literal("array" if isinstance(empty, list) else
                                      "object" if isinstance(empty, dict) else None)
        if cls == "Special":
            return self.special(name, kind, parent, parent_kind, members or {})
        if cls == "Object":
            function = self.object_function(name)
            c_struct, _ = self.struct_of(kind["c_type"])
            if expr is None:
                return 'RESTD_FP_LIT(w, "{}");'
            return f"{function}(w, (const {c_struct} *) &({expr}));"
        raise NotImplementedError(f"kind class {cls} ({name})")

    def special(self, name: str, kind: dict, parent: str, parent_kind: str,
                members: dict) -> str:
        """A complex kind: the C of its Python rule, found by the rule (RULE_SPECIALS,
        the rules written here), or by name where the rule is RULES_OF's (SPECIALS)."""
        rule, params = self.rules.get(name, {}).get("dump", [None, {}])
        if rule == OPTIONAL_MEMBER:
            member, target, absent = params["member"], params["target"], params.get("absent")
            if member in members:
                return self.value(target, f"{parent}->{member}", members[member], parent,
                                  parent_kind, members)
            if absent is None:
                return self.value(target, None, "", parent, parent_kind, members)
            if isinstance(absent, bool) or not isinstance(absent, int):
                raise NotImplementedError(f"{name}: absent value {absent!r}")
            return self.value(target, str(absent), "uint64_t", parent, parent_kind, members)
        if rule == PRIORITY_BY_PARTITION:
            if "priority_array" not in members or "priority_array_names" not in members:
                return 'RESTD_FP_LIT(w, "[]");'  # read_optional(): none, as the rule says
            item = self.object_function(kind["item"])
            return (f"restd_fp_priority_by_partition(w, {parent}->priority_array, "
                    f"{parent}->priority_array_names, {item});")
        if rule in RULE_SPECIALS:
            item = self.object_function(kind["item"]) if kind.get("item") else "NULL"
            return RULE_SPECIALS[rule].format(p=parent, item=item)
        if rule in PARAMETER_SPECIALS:
            return PARAMETER_SPECIALS[rule](params).format(p=parent)
        if name in SPECIALS:
            self.check_named_rule(name, "SPECIALS")
            return SPECIALS[name][0].format(p=parent)
        raise NotImplementedError(f"special kind {name} (rule {rule}) has no C call-out")

    # flag tables
    def flags_function(self, name: str) -> str:
        function, done = self.shared("restd_fp_flags", name)
        if done:
            return function
        kind = self.kind(name)
        single = bool(kind.get("single"))
        lines = [f"static void {function}(restd_fp_w *w, uint64_t v)", "{",
                 "    uint64_t used = 0;", "    (void) used;"]
        if single:
            lines.append("    const char *name = NULL; size_t len = 0;")
        else:
            lines.append("    restd_fp_arr_begin(w);")
        for bit in kind["bits"]:
            literal = json_literal(bit["name"])
            emit = (f"if (!name) {{ name = {literal}; len = sizeof({literal}) - 1; }}"
                    if single else f"RESTD_FP_FLAG(w, {literal});")
            mask, value = bit["mask"], bit["value"]
            comment = f"/* {bit['value_name']} & {bit['mask_name']} */"
            if bit["kind"] == "bit":
                wanted = value & mask
                lines.append(f"    if (!(used & {mask:#x}ULL) && (v & {wanted:#x}ULL) == "
                             f"{wanted:#x}ULL) {{ {emit} }} {comment}")
            elif bit["kind"] == "equal":
                lines.append(f"    if ((v & {mask:#x}ULL) == {value & mask:#x}ULL) "
                             f"{{ used |= {mask:#x}ULL; {emit} }} {comment}")
        if single:
            lines.append('    if (name) restd_fp_put(w, name, len); '
                         'else RESTD_FP_LIT(w, "\\"\\"");')
        else:
            lines.append("    restd_fp_arr_end(w);")
        lines.append("}")
        self.build.prototypes.append(f"static void {function}(restd_fp_w *w, uint64_t v);")
        self.build.functions[function] = "\n".join(lines)
        return function

    # objects
    def object_function(self, name: str) -> str:
        function, done = self.shared("restd_fp_obj", name)
        if done:
            return function
        kind = self.kind(name)
        c_struct, members = self.struct_of(kind["c_type"])

        # the key tree, first-seen order (as dump_nested's setdefault)
        tree: dict = {}
        for field in kind["fields"]:
            node = tree
            parts = field["key"].split("/")
            for part in parts[:-1]:
                node = node.setdefault(part, {})
            node[parts[-1]] = field

        def emit(node, indent):
            out = []
            pad = "    " * indent
            for key, item in node.items():
                out.append(f"{pad}RESTD_FP_KEY(w, {json_key(key)});")
                if "kind" not in item or not isinstance(item.get("kind"), str):
                    out.append(f"{pad}restd_fp_obj_begin(w);")
                    out.extend(emit(item, indent))
                    out.append(f"{pad}restd_fp_obj_end(w);")
                    continue
                out.append(pad + self.field_value(name, item, members))
            return out

        body = emit(tree, 1)
        lines = [f"static void {function}(restd_fp_w *w, const {c_struct} *p)", "{",
                 "    restd_fp_obj_begin(w);", *body, "    restd_fp_obj_end(w);", "}"]
        self.build.prototypes.append(
            f"static void {function}(restd_fp_w *w, const {c_struct} *p);")
        self.build.functions[function] = "\n".join(lines)
        return function

    def field_value(self, object_name, field, members) -> str:
        kind_name = field["kind"]
        kind = self.kind(kind_name)
        if field.get("removed"):
            return self.removed_literal(self.schema_type(kind_name))
        if kind.get("complex") or field["source"] is None:
            return self.value(kind_name, "p", "", "p", object_name, members)
        source = field["source"]
        first = source.split(".")[0]
        if first not in members:
            self.build.absent.append(f"{object_name}.{source}")
            return self.value(kind_name, None, "", "p", object_name, members)
        if kind["class"] == "ArrayOf" and kind.get("split") is None \
                and f"{source}_count" in members:
            return self.records_array(kind, f"p->{source}", f"p->{source}_count")
        nullable = (kind["class"] == "Pointer" and not field.get("required")
                    and self.properties.get("null_optional_pointers", False))
        ctype = members[first] if "." not in source else ""
        return self.value(kind_name, f"p->{source}", ctype, "p", object_name, members,
                          nullable=nullable)

    def records_array(self, kind: dict, array: str, count: str) -> str:
        """An ArrayOf an Object over a private struct's records (``m``, ``m_count``)."""
        item = self.kind(kind["item"])
        if item["class"] != "Object":
            raise NotImplementedError(f"array of {item['class']} {kind['item']}")
        function = self.object_function(kind["item"])
        return (f"restd_fp_arr_begin(w); for (uint32_t i_ = 0; i_ < {count}; i_++) "
                f"{{ restd_fp_item(w); {function}(w, &{array}[i_]); }} restd_fp_arr_end(w);")

    # entry points
    def list_entry(self, list_name: str) -> str:
        kind = self.kind(list_name)
        if kind["class"] != "ArrayOf" or kind.get("split") is not None:
            raise NotImplementedError(f"{list_name} is not a list of structs")
        key = ("restd_fp_dump", self.signature(list_name))
        if key in self.build.by_signature:
            return self.build.by_signature[key]
        array, count = MESSAGE_ARRAYS[kind["c_type"]]
        item = self.kind(kind["item"])
        function = self.object_function(kind["item"])
        c_struct, _ = self.struct_of(item["c_type"])
        skip = kind.get("skip_without")
        skip_line = f"            if (!rec->{skip}) continue;" if skip else ""
        hint = 8192
        entry = f"restd_fp_dump_{_ident(list_name)}"
        if entry in self.build.entries:
            entry = f"{entry}_{self.tag}"
        prototype = (f"char *{entry}(const {kind['c_type']} *msg, int pretty, "
                     f"int indent_level, uint32_t first, uint32_t last, int items_only, "
                     f"size_t *len)")
        source = f"""
/* the records [first, last) of the message (clipped to it) as a JSON array; with
 * items_only, as items of the array (separated, each on its line when pretty) without
 * its brackets: a piece of an array written piece by piece */
{prototype}
{{
    restd_fp_w *w = calloc(1, sizeof(*w));
    char *out;
    uint32_t end = msg ? msg->{count} : 0;
    if (!w) {{
        *len = 0;
        return NULL;
    }}
    if (last < end)
        end = last;
    /* a generous guess, {hint} bytes a record: reserved, not touched */
    restd_fp_init(w, pretty, indent_level,
                  first < end ? (size_t) (end - first) * ({hint} + 64 * (size_t) indent_level)
                              : 0);
    if (items_only)
        restd_fp_enter(w);
    else
        restd_fp_arr_begin(w);
    if (msg) {{
        for (uint32_t i = first; i < end; i++) {{
            const {c_struct} *rec = &msg->{array}[i];
{skip_line}
            restd_fp_item(w);
            {function}(w, rec);
        }}
    }}
    if (!items_only)
        restd_fp_arr_end(w);
    out = restd_fp_finish(w, len);
    free(w);
    return out;
}}
"""
        self.build.by_signature[key] = entry
        self.build.entries[entry] = (prototype + ";", source)
        return entry


def _versions():
    """The descriptions of every data_parser version, importable at build time from
    the source tree, and the one the name-keyed C rules were written for."""
    root = os.path.dirname(HERE)
    if root not in sys.path:
        sys.path.insert(0, root)
    from restd.data_parser.services import SIGNALS
    from restd.data_parser.versions import NAMES, version
    return [version(name) for name in NAMES], version(RULES_OF), SIGNALS


def generator(include_dir: str) -> FastPath:
    """Every version's lists generated against ``include_dir``'s slurm.h."""
    versions, reference, signals = _versions()
    with open(os.path.join(include_dir, "slurm", "slurm.h"), encoding="utf-8",
              errors="replace") as f:
        header = f.read()
    build = FastPath(header, signals)
    for version in versions:
        build.add(version, reference=reference)
    return build


def generate(include_dir: str) -> tuple[str, str]:
    """build_libslurm GENERATORS hook: (cdef, c_source) of the fast path."""
    return generator(include_dir).generate()


if __name__ == "__main__":
    # python native/generate_fastpath.py [include_dir]: print the generated C
    cdef, source = generate(sys.argv[1] if len(sys.argv) > 1 else "/usr/include")
    print(cdef)
    print(source)
