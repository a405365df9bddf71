"""The component schemas generated from restd's own v0.0.40 descriptions equal
the reference slurmrestd 24.11.5 ones (names, properties and their order,
types, formats, enums, $refs, arrays, required-ness), descriptions aside.

Intended differences, applied to the reference below before comparing:
1. The reference document had every "description" key removed, which also
   removed the *properties* named "description" (openapi_error,
   openapi_warning, and others): restd keeps those properties.
2. slurmrestd writes "required": [] on objects without required fields; the
   OpenAPI 3.0 meta-schema wants at least one item: restd omits the list.
3. slurmrestd gives the {set, infinite, number} objects' boolean "infinite"
   the default 0 (0.0 for float64_no_val), a slip in its SPEC_FUNC (it meant
   the number's default) that also makes the document invalid: restd writes
   false.
"""
from __future__ import annotations

import json
from pathlib import Path


from restd.data_parser.describe import (AddFields, Field, RemoveFields, ReplaceKind,
                                        Version)
from restd.data_parser.schema import component_schemas
from restd.data_parser.types import NO_VAL, NoVal
from restd.data_parser.v0040 import ROOTS, V0040, schemas
from shared_dir import SHARED

REFERENCE = (SHARED / "reference/slurmrestd-24.11.5-openapi.json")

# Objects described completely (every field of Slurm's table) and exactly.
COMPLETE = [
    "openapi_meta", "openapi_error", "openapi_errors", "openapi_warning",
    "openapi_warnings", "openapi_resp", "string_array", "csv_string",
    "uint16_no_val", "uint32_no_val", "uint64_no_val", "float64_no_val",
    "job_info", "job_info_msg", "job_res", "job_res_nodes", "job_info_gres_detail",
    "process_exit_code_verbose", "process_exit_code_status", "job_state", "job_flags",
    "job_mail_flags", "job_shared", "job_exclusive_flags", "job_show_flags",
    "acct_gather_profile", "power_flags", "openapi_job_info_resp",
    "job_desc_msg", "job_desc_msg_list", "job_submit_req", "cron_entry",
    "cron_entry_flags", "cpu_binding_flags", "memory_binding_type", "open_mode",
    "warn_flags", "x11_flags", "job_submit_response_msg", "openapi_job_submit_response",
    "openapi_job_post_response", "job_array_response_array",
    "job_array_response_msg_entry",
]

# Reference properties removed by the reference's own "description" stripping.
STRIPPED_PROPERTY = "description"


def _reference():
    return {name: _with_intended_differences(schema) for name, schema in
            json.loads(REFERENCE.read_text())["components"]["schemas"].items()}


def _with_intended_differences(schema):
    """The reference with differences 2 and 3 applied."""
    if isinstance(schema, dict):
        out = {}
        for key, value in schema.items():
            if key == "required" and value == []:
                continue
            if key == "infinite" and isinstance(value, dict) and \
                    value.get("default") is not False and "default" in value:
                value = dict(value, default=False)
            out[key] = _with_intended_differences(value)
        return out
    if isinstance(schema, list):
        return [_with_intended_differences(item) for item in schema]
    return schema


def _as_reference_shows(schema):
    """Our schema with the reference's stripping applied: no "description"
    keywords (we emit none) and no properties named "description"."""
    if isinstance(schema, dict):
        out = {}
        for key, value in schema.items():
            if key == "description" and isinstance(value, str):
                continue
            if key == "properties":
                value = {name: _as_reference_shows(prop) for name, prop in value.items()
                         if name != STRIPPED_PROPERTY}
            else:
                value = _as_reference_shows(value)
            out[key] = value
        return out
    if isinstance(schema, list):
        return [_as_reference_shows(item) for item in schema]
    return schema


def test_every_generated_schema_equals_the_reference():
    reference = _reference()
    ours = schemas()
    assert ours, "no schemas generated"
    for name, schema in ours.items():
        assert name in reference, f"{name} is not a v0.0.40 schema of slurmrestd"
        assert _as_reference_shows(schema) == reference[name], name
        # property order too (clients show fields in this order)
        if "properties" in schema:
            assert [p for p in schema["properties"] if p != STRIPPED_PROPERTY] == \
                list(reference[name]["properties"]), name


def test_complete_objects_are_generated():
    ours = schemas()
    missing = [name for name in COMPLETE if f"v0.0.40_{name}" not in ours]
    assert not missing


def test_description_properties_are_kept():
    ours = schemas()
    assert ours["v0.0.40_openapi_error"]["properties"]["description"] == {"type": "string"}
    assert list(ours["v0.0.40_openapi_error"]["properties"]) == \
        ["description", "error_number", "error", "source"]
    assert ours["v0.0.40_openapi_warning"]["properties"]["description"] == {"type": "string"}


def test_refs_resolve_and_names_are_prefixed():
    ours = schemas()
    text = json.dumps(ours)
    for name in ours:
        assert name.startswith("v0.0.40_")
    import re
    for ref in re.findall(r'"\$ref": "([^"]+)"', text):
        assert ref.startswith("#/components/schemas/v0.0.40_")
        assert ref.rsplit("/", 1)[1] in ours, ref


def test_no_val_struct_shape():
    ours = schemas()
    assert ours["v0.0.40_uint32_no_val"] == {"type": "object", "properties": {
        "set": {"type": "boolean", "default": False},
        "infinite": {"type": "boolean", "default": False},
        "number": {"type": "integer", "format": "int64"}}}
    assert ours["v0.0.40_float64_no_val"]["properties"]["number"] == \
        {"type": "number", "format": "double"}


def test_required_lists():
    ours = schemas()
    assert ours["v0.0.40_openapi_job_info_resp"]["required"] == \
        ["jobs", "last_backfill", "last_update"]
    assert "required" not in ours["v0.0.40_job_desc_msg"]


def test_nested_paths_become_inline_objects():
    job = schemas()["v0.0.40_job_info"]
    assert job["properties"]["power"] == {"type": "object", "properties": {
        "flags": {"$ref": "#/components/schemas/v0.0.40_power_flags"}}}
    desc = schemas()["v0.0.40_job_desc_msg"]
    assert list(desc["properties"]["rlimits"]["properties"]) == [
        "cpu", "fsize", "data", "stack", "core", "rss", "nproc", "nofile", "memlock", "as"]


def test_document_with_our_components_is_valid_openapi():
    from openapi_spec_validator import validate
    document = {"openapi": "3.0.3", "info": {"title": "t", "version": "0"},
                "paths": {}, "components": {"schemas": schemas()}}
    validate(document)


def test_descriptions_are_data():
    """Every field names a kind known to the version and a C member (or is a
    complex kind reading the whole struct): what a C generator needs."""
    V0040.check()
    for kind in V0040.kinds.values():
        for field in getattr(kind, "fields", ()):
            target = V0040.kind(field.kind)
            assert field.source or target.complex or field.removed, \
                f"{kind.name}.{field.key} has no C source"


def test_derived_version_is_older_plus_differences():
    newer = V0040.derive("v0.0.41", [
        AddFields("JOB_RES", (Field("extra_count", "UINT32", "extra"),), after="nodes"),
        RemoveFields("JOB_RES", ("allocated_hosts",)),
        ReplaceKind(NoVal("UINT32_NO_VAL", "uint32_no_val", "uint32_t", NO_VAL, 0xFFFFFFFF)),
    ])
    old = component_schemas(V0040, ["JOB_RES"])
    new = component_schemas(newer, ["JOB_RES"])
    assert "v0.0.41_job_res" in new and "v0.0.40_job_res" in old
    assert list(new["v0.0.41_job_res"]["properties"]) == [
        "nodes", "extra_count", "allocated_cores", "allocated_cpus", "allocated_nodes"]
    assert "allocated_hosts" in old["v0.0.40_job_res"]["properties"]
    # the older version is untouched
    assert V0040.kind("JOB_RES") is not newer.kind("JOB_RES")
    assert isinstance(newer, Version) and newer.name == "v0.0.41"


def test_roots_cover_the_responses():
    assert "OPENAPI_JOB_INFO_RESP" in ROOTS
    assert "JOB_SUBMIT_REQ" in ROOTS


def test_descriptions_export_as_plain_data_for_a_code_generator():
    exported = json.loads(json.dumps(V0040.export()))
    job = exported["kinds"]["JOB_INFO"]
    assert job["c_type"] == "slurm_job_info_t" and job["class"] == "Object"
    state = next(f for f in job["fields"] if f["key"] == "job_state")
    assert state == {"key": "job_state", "kind": "JOB_STATE", "source": "job_state",
                     "required": False, "deprecated": False, "removed": False}
    bits = exported["kinds"]["JOB_STATE"]["bits"]
    assert {"name": "REQUEUED", "kind": "bit", "value_name": "JOB_REQUEUE",
            "value": 0x400, "mask_name": "JOB_STATE_FLAGS", "mask": 0xFFFFFF00,
            "hidden": False} in bits
    assert exported["kinds"]["UINT32_NO_VAL"]["no_val"] == 0xFFFFFFFE
    assert exported["kinds"]["TIMESTAMP_NO_VAL"]["target"] == "UINT64_NO_VAL"
