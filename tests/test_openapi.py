"""restd.openapi: the generated document, checked against the OpenAPI 3.0.3 schema
and against the shape of the real slurmrestd's."""
import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from openapi_spec_validator import validate

from restd.openapi import OpenAPIError, build_document, expand_operations
from restd.plugin_api import DataParser, OperationSpec
from restd.plugin_loader import Plugins
from restd.plugins.content import testing
from shared_dir import SHARED

REFERENCE = json.loads((SHARED / "reference/slurmrestd-24.11.5-openapi.json")
                       .read_text())


def data_parser(name, schemas=None):
    """A stand-in for a data_parser plugin: the real ones come later."""
    return DataParser(SimpleNamespace(NAME=name, FLAGS=frozenset(),
                                      schemas=lambda: schemas or {}))


def document(*content, parsers=("v0.0.40", "v0.0.41")):
    plugins = Plugins(content=content or (testing,),
                      data_parsers=tuple(data_parser(name) for name in parsers))
    return build_document(expand_operations(plugins), plugins)


def keys(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from keys(item)


def test_document_is_valid_openapi_3_0_3():
    generated = document()
    assert generated["openapi"] == "3.0.3"
    validate(generated)


def test_no_oneof_nor_anyof_anywhere():
    assert not {"oneOf", "anyOf"} & set(keys(document()))


def test_security_as_slurmrestd_publishes_it():
    generated = document()
    assert generated["security"] == REFERENCE["security"]
    assert generated["components"]["securitySchemes"] == REFERENCE["components"]["securitySchemes"]
    assert generated["servers"] == REFERENCE["servers"] == [{"url": "/"}]
    assert generated["info"]["title"] == REFERENCE["info"]["title"]


def test_info_version_names_restd_and_the_content_plugins():
    assert document()["info"]["version"] == "restd-0.1.0&openapi/testing"


def test_operations_expand_for_every_data_parser():
    generated = document()
    assert {"/testing/v0.0.40/echo/{word}", "/testing/v0.0.41/echo/{word}"} <= set(
        generated["paths"])
    operation_ids = [operation["operationId"] for path in generated["paths"].values()
                     for operation in path.values()]
    assert "testing_v0040_get_echo" in operation_ids
    assert "testing_v0041_post_echo" in operation_ids
    assert len(operation_ids) == len(set(operation_ids))


def test_operation_shape_matches_slurmrestd():
    reference = REFERENCE["paths"]["/slurm/v0.0.40/job/{job_id}"]
    generated = document()["paths"]["/testing/v0.0.40/echo/{word}"]
    for method in ("get", "post"):
        assert set(generated[method]) - {"requestBody"} == set(reference[method]) - {
            "requestBody"}
    path_parameter = generated["get"]["parameters"][0]
    assert path_parameter == {**reference["get"]["parameters"][0], "name": "word"}
    query_parameter = generated["get"]["parameters"][1]
    assert set(query_parameter) == set(reference["get"]["parameters"][1])
    assert query_parameter["style"] == "form" and query_parameter["required"] is False
    for status in ("200", "default"):
        assert set(generated["get"]["responses"][status]["content"]) == set(
            reference["get"]["responses"][status]["content"])
        assert generated["get"]["responses"][status]["content"]["application/json"] == {
            "schema": {"$ref": "#/components/schemas/v0.0.40_testing_echo_resp"}}
    assert set(generated["post"]["requestBody"]["content"]) == set(
        reference["post"]["requestBody"]["content"])


def test_tags_list_the_operations_tags_then_openapi():
    assert document()["tags"] == [{"name": "testing"}, {"name": "openapi"}]


def test_data_parser_schemas_become_components():
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}}
    plugins = Plugins(content=(testing,),
                      data_parsers=(data_parser("v0.0.40", {"v0.0.40_thing": schema}),))
    generated = build_document(expand_operations(plugins), plugins)
    assert generated["components"]["schemas"]["v0.0.40_thing"] == schema
    validate(generated)


def plugin_with(response_schema, extra_schemas):
    async def handler(ctx):
        return {}
    return SimpleNamespace(
        NAME="bad", PLUGIN_TYPE="openapi/bad", PLUGIN_NAME="bad",
        operations=lambda: [OperationSpec("GET", "/bad/{data_parser}/x", "bad_{dp_id}_x",
                                          handler, response_schema)],
        schemas=lambda dp: extra_schemas)


def test_unresolved_reference_is_refused():
    with pytest.raises(OpenAPIError, match="unresolved"):
        document(plugin_with("{data_parser}_missing", {}))


def test_oneof_is_refused():
    schemas = {"v0.0.40_poly": {"oneOf": [{"type": "string"}, {"type": "integer"}]}}
    with pytest.raises(OpenAPIError, match="oneOf"):
        document(plugin_with("{data_parser}_poly", schemas), parsers=("v0.0.40",))


def test_same_path_declared_twice_is_refused():
    with pytest.raises(OpenAPIError, match="twice"):
        document(testing, testing)


def test_without_data_parsers_the_document_has_no_paths_and_is_valid():
    generated = document(parsers=())
    assert generated["paths"] == {}
    validate(generated)


def test_schema_defined_differently_twice_is_refused():
    clash = {"v0.0.40_testing_echo_resp": {"type": "string"}}
    plugins = Plugins(content=(testing,), data_parsers=(data_parser("v0.0.40", clash),))
    with pytest.raises(OpenAPIError, match="defined differently"):
        build_document(expand_operations(plugins), plugins)
