"""Whole-version differences are properties of a Version (describe.Properties),
checked against the reference slurmrestd 24.11.5 document: v0.0.41 publishes
only its request and response bodies as components; v0.0.42 names the
{set, infinite, number} components *_no_val_struct; v0.0.41 on give those
objects no defaults and a number sized as its C type, and mark deprecated
fields; v0.0.40 alone writes "deprecated": false on parameters."""
from __future__ import annotations

import json
from types import SimpleNamespace

from restd.data_parser.describe import Change, Properties, UpdateKind
from restd.data_parser.schema import component_schemas
from restd.data_parser.v0040 import V0040
from restd.data_parser.v0041 import V0041
from restd.data_parser.v0042 import V0042
from restd.openapi import build_document, expand_operations
from restd.plugin_api import DataParser
from restd.plugin_loader import Plugins
from restd.plugins.content import testing
from shared_dir import REFERENCE

DOCUMENT = json.loads((REFERENCE / "slurmrestd-24.11.5-openapi.json").read_text())
SCHEMAS = DOCUMENT["components"]["schemas"]


def _reference_components(version: str) -> set[str]:
    return {name for name in SCHEMAS if name.startswith(version + "_")}


def test_v0041_publishes_only_its_bodies_as_components():
    ours = component_schemas(V0041, V0041.roots)
    assert set(ours) == {V0041.component_name(V0041.kind(root)) for root in V0041.roots}
    assert set(ours) <= _reference_components("v0.0.41")
    # everything else inline: the only $refs are to other bodies
    text = json.dumps(ours)
    assert "v0.0.41_uint32_no_val" not in text and "v0.0.41_job_info\"" not in text


def test_v0041_inline_schema_equals_the_reference():
    ours = component_schemas(V0041, V0041.roots)
    reference = SCHEMAS["v0.0.41_openapi_job_info_resp"]["properties"]["last_backfill"]
    assert ours["v0.0.41_openapi_job_info_resp"]["properties"]["last_backfill"] == {
        key: value for key, value in reference.items() if key != "required"}


def test_v0042_names_the_no_val_components_no_val_struct():
    ours = component_schemas(V0042, V0042.roots)
    for name in ("uint16", "uint32", "uint64", "float64"):
        full = f"v0.0.42_{name}_no_val_struct"
        reference = {k: v for k, v in SCHEMAS[full].items() if k != "required"}
        assert ours[full] == reference, full
        assert f"v0.0.42_{name}_no_val" not in ours
    assert "v0.0.40_uint32_no_val" in component_schemas(V0040, V0040.roots)


def test_no_val_shape_per_version():
    v40 = component_schemas(V0040, V0040.roots)["v0.0.40_uint32_no_val"]
    assert v40["properties"]["set"] == {"type": "boolean", "default": False}
    assert v40["properties"]["number"] == {"type": "integer", "format": "int64"}
    v42 = component_schemas(V0042, V0042.roots)["v0.0.42_uint32_no_val_struct"]
    assert v42["properties"]["set"] == {"type": "boolean"}
    assert v42["properties"]["number"] == {"type": "integer", "format": "int32"}


def test_deprecated_fields_are_marked_from_v0041():
    field = "exclusive"  # deprecated in v0.0.40 already, marked from v0.0.41
    assert "deprecated" not in component_schemas(V0040, V0040.roots)[
        "v0.0.40_job_desc_msg"]["properties"][field]
    assert component_schemas(V0041, V0041.roots)[
        "v0.0.41_job_desc_msg"]["properties"][field]["deprecated"] is True
    assert SCHEMAS["v0.0.41_job_desc_msg"]["properties"][field]["deprecated"] is True


def test_properties_are_inherited_unless_given():
    assert V0040.properties == Properties()
    assert V0042.properties.inline_schemas is False
    assert V0042.properties.no_val_defaults is False  # from v0.0.41
    assert V0042.properties.no_val_suffix == "_struct"


def _document(*versions):
    parsers = tuple(DataParser(SimpleNamespace(NAME=version.name, FLAGS=frozenset(),
                                               VERSION=version, schemas=lambda: {}))
                    for version in versions)
    plugins = Plugins(content=(testing,), data_parsers=parsers)
    return build_document(expand_operations(plugins), plugins)


def test_parameters_say_deprecated_false_only_in_v0040():
    """v0.0.40 writes "deprecated": false; v0.0.41 writes nothing; v0.0.42 as
    slurmrestd 26.05 serves it (a deprecated plugin: IS_PLUGIN_DEPRECATED) marks
    every operation and parameter deprecated; v0.0.43 on write nothing again."""
    from restd.data_parser.v0043 import V0043
    paths = _document(V0040, V0041, V0042, V0043)["paths"]
    for version, mark in (("v0.0.40", False), ("v0.0.41", None), ("v0.0.42", True),
                          ("v0.0.43", None)):
        operation = paths[f"/testing/{version}/echo/{{word}}"]["get"]
        assert all(p.get("deprecated") is mark for p in operation["parameters"]), version
        assert operation.get("deprecated") is (True if mark else None), version
    for version in ("v0.0.40", "v0.0.41"):
        reference = DOCUMENT["paths"][f"/slurm/{version}/job/{{job_id}}"]["get"]
        assert ("deprecated" in reference["parameters"][0]) is (version == "v0.0.40")


def test_changes_say_why_and_update_kind_changes_attributes():
    change = UpdateKind("POWER_FLAGS", {"component": None}, why="inline in v0.0.42")
    assert isinstance(change, Change) and change.why == "inline in v0.0.42"
    derived = V0040.derive("v0.0.4x", [change])
    assert derived.kind("POWER_FLAGS").component is None
    assert V0040.kind("POWER_FLAGS").component == "power_flags"


# --- the registry and the plugins -------------------------------------------------------

def _restd(*args):
    import subprocess
    import sys
    return subprocess.run([sys.executable, "-m", "restd", *args], capture_output=True,
                          timeout=60)


def test_every_registered_version_is_a_data_parser_plugin():
    from restd.config import build_config
    from restd.data_parser.versions import NAMES, version
    from restd.plugin_loader import load_plugins
    assert NAMES == ("v0.0.40", "v0.0.41", "v0.0.42", "v0.0.43", "v0.0.44", "v0.0.45")
    plugins = load_plugins(build_config(content="slurmctld", auth="local",
                                        data_parser="v0.0.40,v0.0.41+fast,v0.0.42,v0.0.43,"
                                                    "v0.0.44+fast,v0.0.45",
                                        environ={}))
    assert [(dp.name, dp.flags) for dp in plugins.data_parsers] == [
        ("v0.0.40", frozenset()), ("v0.0.41", frozenset({"fast"})),
        ("v0.0.42", frozenset()), ("v0.0.43", frozenset()),
        ("v0.0.44", frozenset({"fast"})), ("v0.0.45", frozenset())]
    for data_parser in plugins.data_parsers:
        assert data_parser.version is version(data_parser.name)
        assert data_parser.module.kind_name(f"{data_parser.name}_job_info") == "JOB_INFO"
    plugins.fini()


def test_data_parser_list_names_every_version():
    result = _restd("-d", "list")
    assert result.returncode == 0
    assert result.stdout.decode().split() == ["v0.0.40", "v0.0.41", "v0.0.42", "v0.0.43",
                                              "v0.0.44", "v0.0.45"]


def test_generated_document_serves_every_version_by_default():
    """Without -d every data_parser is loaded, as slurmrestd does; +fast is
    accepted by each."""
    for args in ((), ("-d", "v0.0.40+fast,v0.0.41+fast,v0.0.42+fast")):
        result = _restd("--generate-openapi-spec", "-s", "slurmctld", *args)
        assert result.returncode == 0, result.stderr
        document = json.loads(result.stdout)
        for version in ("v0.0.40", "v0.0.41", "v0.0.42"):
            assert f"/slurm/{version}/jobs/" in document["paths"], version
            assert f"{version}_openapi_job_info_resp" in document["components"]["schemas"]
    single = json.loads(_restd("--generate-openapi-spec", "-s", "slurmctld",
                               "-d", "v0.0.42").stdout)
    assert {path.split("/")[2] for path in single["paths"]} == {"v0.0.42"}
    assert "v0.0.42_uint32_no_val_struct" in single["components"]["schemas"]


# --- changes of flag tables, operations per version, query parameters -------------------

def test_flag_tables_change_by_declared_bits():
    from restd.data_parser.describe import AddBits, RemoveBits
    from restd.data_parser.types import FlagBit
    import pytest
    newer = V0040.derive("v0.0.4x", [
        AddBits("JOB_SHARED", (FlagBit("topo", "equal", "JOB_SHARED_TOPO", 4,
                                       "INFINITE16", 0xFFFF),), after="user"),
        RemoveBits("WARN_FLAGS", ("NO_CRON_JOBS",)),
    ])
    assert [b.name for b in newer.kind("JOB_SHARED").bits] == [
        "none", "oversubscribe", "user", "topo", "mcs"]
    assert newer.kind("JOB_SHARED").dump_value(4) == ["topo"]
    assert "NO_CRON_JOBS" not in [b.name for b in newer.kind("WARN_FLAGS").bits]
    assert "NO_CRON_JOBS" in [b.name for b in V0040.kind("WARN_FLAGS").bits]
    with pytest.raises(ValueError, match="no flag"):
        V0040.derive("v0.0.4x", [RemoveBits("WARN_FLAGS", ("BOGUS",))])


def test_every_change_of_v0041_and_v0042_says_why():
    from restd.data_parser import v0041, v0042
    for module in (v0041, v0042):
        for change in module.CHANGES:
            assert change.why and "?" not in change.why, change


def _plugins(*content):
    from restd.plugins.data_parser import v0_0_40, v0_0_41, v0_0_42
    return Plugins(content=content, data_parsers=tuple(
        DataParser(module) for module in (v0_0_40, v0_0_41, v0_0_42)))


def test_an_operation_is_served_by_the_versions_describing_its_bodies():
    from restd.plugin_api import OperationSpec

    async def handler(ctx):
        return {}
    allocate = SimpleNamespace(
        NAME="alloc", PLUGIN_TYPE="openapi/alloc", PLUGIN_NAME="alloc",
        operations=lambda: [OperationSpec(
            "POST", "/slurm/{data_parser}/job/allocate", "slurm_{dp_id}_post_job_allocate",
            handler, "{data_parser}_openapi_job_alloc_resp",
            request_schema="{data_parser}_job_alloc_req")])
    plugins = _plugins(allocate)
    served = [op.data_parser.name for op in expand_operations(plugins)]
    assert served == ["v0.0.41", "v0.0.42"]  # v0.0.40 has no job_alloc_req
    document = build_document(expand_operations(plugins), plugins)
    assert set(document["paths"]) == {"/slurm/v0.0.41/job/allocate",
                                      "/slurm/v0.0.42/job/allocate"}


def test_delete_job_answers_the_kill_job_response_from_v0042():
    from restd.plugins.content import slurmctld
    paths = build_document(expand_operations(_plugins(slurmctld)),
                           _plugins(slurmctld))["paths"]
    answers = {version: paths[f"/slurm/{version}/job/{{job_id}}"]["delete"]["responses"]
               ["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
               for version in ("v0.0.40", "v0.0.41", "v0.0.42")}
    assert answers == {"v0.0.40": "v0.0.40_openapi_resp", "v0.0.41": "v0.0.41_openapi_resp",
                       "v0.0.42": "v0.0.42_openapi_kill_job_resp"}


def test_query_parameters_come_from_each_versions_query_kind():
    from restd.openapi import query_parameters
    flags = {version.name: next(p for p in query_parameters(
        version, "OPENAPI_JOB_INFO_DELETE_QUERY") if p.name == "flags").schema["enum"]
        for version in (V0040, V0041)}
    assert "NO_CRON_JOBS" in flags["v0.0.40"] and "NO_CRON_JOBS" not in flags["v0.0.41"]
    shown = query_parameters(V0042, "OPENAPI_JOB_INFO_QUERY")
    assert [(p.name, p.location, p.schema) for p in shown] == [
        ("update_time", "query", {"type": "string"}),
        ("flags", "query", {"type": "string", "enum": [
            "ALL", "DETAIL", "MIXED", "LOCAL", "SIBLING", "FEDERATION", "FUTURE"]})]


def test_a_keyless_flag_field_is_one_parameter_per_flag():
    """Slurm's exploded flag arrays (add_parse_bit_eflag_array: no key): each
    flag a parameter that may be given without value."""
    from restd.data_parser.describe import AddKind, Field, Object
    from restd.openapi import query_parameters
    version = V0040.derive("v0.0.4x", [AddKind(Object("SOME_QUERY", None, "q_t", (
        Field("", "JOB_SHOW_FLAGS", "flags"), Field("name", "STRING", "name"),
        Field("deleted", "BOOL", "deleted", deprecated=True))))])
    parameters = query_parameters(version, "SOME_QUERY")
    assert [p.name for p in parameters] == [
        "ALL", "DETAIL", "MIXED", "LOCAL", "SIBLING", "FEDERATION", "FUTURE", "name",
        "deleted"]
    assert all(p.allow_empty for p in parameters[:7])
    assert not parameters[7].allow_empty and parameters[8].allow_empty
    assert parameters[8].deprecated


def test_v0041_plane_size_sets_the_plane_distribution():
    """parsers.c JOB_DESC_MSG_PLANE_SIZE / _TASK_DISTRIBUTION of v0.0.41: a
    plane size chooses PLANE; another distribution beside it is refused."""
    from restd.data_parser.parse import parse
    from restd.data_parser.rules import SLURM_DIST_PLANE
    result = parse(V0041, "JOB_DESC_MSG", {"distribution_plane_size": {"set": True,
                                                                       "number": 3}})
    assert result.value == {"task_dist": SLURM_DIST_PLANE, "plane_size": 3}
    assert not result.errors
    refused = parse(V0041, "JOB_DESC_MSG", {"distribution": "block",
                                            "distribution_plane_size": 3})
    assert [e["error_number"] for e in refused.errors] == [2018]
    # v0.0.40 stores a plain plane size
    assert parse(V0040, "JOB_DESC_MSG", {"distribution_plane_size": 3}).value == {
        "plane_size": 3}
