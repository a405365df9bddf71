"""Every response object dumps, from a struct made up from its own
description, to data that validates against the schema generated from the
same description (one definition, three uses: they cannot drift apart)."""
from __future__ import annotations

import json

import jsonschema
import pytest

from restd.data_parser.describe import Object
from restd.data_parser.types import Alias, ArrayOf, Flags, Hostlist, NoVal, Pointer, Special
from restd.data_parser.v0040 import ROOTS, V0040, dump, parse, schemas


def _set(struct: dict, source: str, value) -> None:
    *parents, last = source.split(".")
    for part in parents:
        struct = struct.setdefault(part, {})
    struct.setdefault(last, value)


def made_up(kind_name: str, depth: int = 0):
    """A plausible C value for a kind (dicts for structs, lists for arrays)."""
    kind = V0040.kind(kind_name)
    if isinstance(kind, Object):
        struct: dict = {}
        if depth > 4:
            return struct
        for field in kind.fields:
            if field.source is None or field.removed:
                continue
            _set(struct, field.source, made_up(field.kind, depth + 1))
        return struct
    if isinstance(kind, (Pointer, Alias)):
        if isinstance(kind, Alias) and kind.synthetic:
            return 0
        return made_up(kind.target, depth)
    if isinstance(kind, ArrayOf):
        if kind.split is not None:
            return "a,b"
        return [made_up(kind.item, depth + 1)]
    if isinstance(kind, Hostlist):
        return "n[1-2]"
    if isinstance(kind, NoVal):
        return 1.5 if kind.floating else 7
    if isinstance(kind, Flags):
        return 0
    if kind_name == "SELECTED_STEP":
        return {"step_id": {"job_id": 1, "step_id": 0xFFFFFFFB},
                "array_task_id": 0xFFFFFFFE, "het_job_offset": 0xFFFFFFFE}
    if isinstance(kind, Special):
        return None
    if kind.c_type == "char *":
        return "x"
    if kind.c_type in ("double", "long double"):
        return 1.5
    return 1


def _validator():
    """Our components for jsonschema, with one slurmrestd quirk undone:
    "required" entries naming nested paths ("error/string"), which JSON
    Schema reads as property names."""
    def fix(schema):
        if isinstance(schema, dict):
            # (a list: "required" may also be a property, as in v0.0.40_job)
            return {key: ([r for r in value if "/" not in r]
                          if key == "required" and isinstance(value, list)
                          else fix(value)) for key, value in schema.items()}
        if isinstance(schema, list):
            return [fix(item) for item in schema]
        return schema
    return {"components": {"schemas": fix(schemas())}}


@pytest.mark.parametrize("root", [name for name in ROOTS if name.startswith("OPENAPI_")])
def test_dumped_responses_validate_against_the_generated_schema(root):
    document = _validator()
    value = dump(root, made_up(root))
    json.dumps(value, allow_nan=False)  # never NaN or Infinity
    schema = {"$ref": f"#/components/schemas/v0.0.40_{root.lower()}",
              "components": document["components"]}
    jsonschema.validate(value, schema)


@pytest.mark.parametrize("root", ["JOB_INFO", "NODE", "PARTITION_INFO", "STATS_MSG",
                                  "RESERVATION_INFO", "JOB_DESC_MSG", "UPDATE_NODE_MSG"])
def test_dumped_objects_validate(root):
    document = _validator()
    value = dump(root, made_up(root))
    schema = {"$ref": f"#/components/schemas/v0.0.40_{root.lower()}",
              "components": document["components"]}
    jsonschema.validate(value, schema)


def test_dumped_job_desc_parses_back_to_the_same_members():
    """Dump then parse of a job description gives the members back (for the
    members whose dump is not lossy)."""
    job = {"name": "j", "account": "a", "num_tasks": 4, "time_limit": 60,
           "environment": ["A=1"], "env_size": 1, "pn_min_memory": 100,
           "mail_type": 0x3, "shared": 1, "priority": 5, "nice": 0x80000000 + 2,
           "min_nodes": 2, "max_nodes": 3, "exc_nodes": "n1,n2", "begin_time": 99,
           "cpu_freq_min": 0x80000001, "cpu_freq_max": 0x80000003,
           "cpu_freq_gov": 0xFFFFFFFE}
    out = dump("JOB_DESC_MSG", job)
    keys = ("name", "account", "tasks", "time_limit", "environment", "memory_per_node",
            "mail_type", "shared", "priority", "nice", "nodes", "excluded_nodes",
            "begin_time", "cpu_frequency")
    assert out["nodes"] == "2-3" and out["cpu_frequency"] == "low-high"
    back = parse("JOB_DESC_MSG", {key: out[key] for key in keys})
    assert back.errors == []
    for member, value in job.items():
        assert back.value[member] == value, member
