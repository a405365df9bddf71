"""The OpenAPI 3.0.3 document, generated at start from the loaded plugins: the
content plugins' operations expanded for every data_parser, and the schemas the
data_parsers (and content plugins) define. Shaped like slurmrestd's, so clients
generated from either work with both.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Any, Iterator, Mapping, Optional

from restd import __version__
from restd.plugin_api import DataParser, JsonSchema, OperationSpec, Parameter
from restd.plugin_loader import Plugins

OPENAPI_VERSION = "3.0.3"
SCHEMA_REF_PREFIX = "#/components/schemas/"

# As slurmrestd publishes them: clients choose X-SLURM-USER-NAME with
# X-SLURM-USER-TOKEN, the token alone, a bearer JWT, or nothing (local auth).
SECURITY = [{"user": [], "token": []}, {"token": []}, {"bearerAuth": []}, {}]
SECURITY_SCHEMES = {
    "user": {"type": "apiKey", "name": "X-SLURM-USER-NAME", "in": "header"},
    "token": {"type": "apiKey", "name": "X-SLURM-USER-TOKEN", "in": "header"},
    "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
}
OPENAPI_TAG = "openapi"  # slurmrestd lists it for its /openapi endpoints
BODY_MEDIA_TYPES = ("application/json", "application/yaml")


class OpenAPIError(ValueError):
    """Plugins whose declarations do not make a valid document."""


@dataclass(frozen=True)
class Operation:
    """An OperationSpec expanded for one data_parser: what the router serves."""

    spec: OperationSpec
    plugin: ModuleType  # the content plugin declaring it
    data_parser: DataParser
    path: str
    operation_id: str
    response_schema: str
    request_schema: Optional[str]

    @property
    def method(self) -> str:
        return self.spec.method.upper()


def _fill(template: str, data_parser: DataParser) -> str:
    # str.replace, not str.format: path templates hold other {parameters}.
    return (template.replace("{data_parser}", data_parser.name)
            .replace("{dp_id}", data_parser.operation_id_part))


def expand_operations(plugins: Plugins) -> list[Operation]:
    return [Operation(spec=spec, plugin=plugin, data_parser=data_parser,
                      path=_fill(spec.path, data_parser),
                      operation_id=_fill(spec.operation_id, data_parser),
                      response_schema=_fill(spec.response_schema, data_parser),
                      request_schema=(_fill(spec.request_schema, data_parser)
                                      if spec.request_schema else None))
            for data_parser in plugins.data_parsers
            for plugin in plugins.content
            for spec in plugin.operations()]


def _properties(data_parser: DataParser):
    """The whole-version properties of a data_parser's version (a plugin
    without descriptions: v0.0.40's)."""
    from restd.data_parser.describe import Properties
    version = getattr(data_parser.module, "VERSION", None)
    return version.properties if version is not None else Properties()


def _parameter(parameter: Parameter, properties) -> dict[str, Any]:
    in_path = parameter.location == "path"
    out = {
        "in": parameter.location,
        "name": parameter.name,
        "style": "simple" if in_path else "form",
        "explode": False,
        "deprecated": False,
        "allowEmptyValue": False,
        "allowReserved": False,
        "required": in_path or parameter.required,
        "schema": parameter.schema,
    }
    if not properties.parameters_deprecated_written:
        del out["deprecated"]
    return out


def _content(schema_name: str) -> dict[str, Any]:
    return {media: {"schema": {"$ref": SCHEMA_REF_PREFIX + schema_name}}
            for media in BODY_MEDIA_TYPES}


def _operation(operation: Operation) -> dict[str, Any]:
    spec = operation.spec
    document: dict[str, Any] = {"tags": list(spec.tags),
                                "operationId": operation.operation_id}
    if spec.parameters:
        properties = _properties(operation.data_parser)
        document["parameters"] = [_parameter(p, properties) for p in spec.parameters]
    content = _content(operation.response_schema)
    document["responses"] = {
        "200": {"description": "success", "content": content},
        "default": {"description": "unexpected error", "content": content},
    }
    if operation.request_schema:
        document["requestBody"] = {"content": _content(operation.request_schema)}
    return document


def _component_schemas(plugins: Plugins) -> dict[str, JsonSchema]:
    """The data_parsers' schemas and the content plugins' own, for each version."""
    schemas: dict[str, JsonSchema] = {}
    sources: dict[str, str] = {}

    def add(source: str, provided: Mapping[str, JsonSchema]) -> None:
        for name, schema in provided.items():
            if name in schemas and schemas[name] != schema:
                raise OpenAPIError(f"schema {name} defined differently by "
                                   f"{sources[name]} and {source}")
            schemas[name], sources[name] = schema, source

    for data_parser in plugins.data_parsers:
        add(data_parser.plugin_type, data_parser.module.schemas())
        for plugin in plugins.content:
            if hasattr(plugin, "schemas"):
                add(plugin.PLUGIN_TYPE, plugin.schemas(data_parser.name))
    return schemas


def _walk(value: Any, where: str) -> Iterator[tuple[str, str, Any]]:
    """(location, key, value) of every key in a JSON-like tree."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield where, key, item
            yield from _walk(item, f"{where}/{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{where}/{index}")


def _check(document: dict[str, Any]) -> None:
    """Refuse what would break generated clients: references to schemas that do
    not exist, and oneOf/anyOf (openapi-generator clients crash on them)."""
    schemas = document["components"]["schemas"]
    problems = []
    for where, key, value in _walk(document, "#"):
        if key in ("oneOf", "anyOf"):
            problems.append(f"{where}: {key} is not allowed")
        elif key == "$ref" and (not isinstance(value, str)
                                or not value.startswith(SCHEMA_REF_PREFIX)
                                or value[len(SCHEMA_REF_PREFIX):] not in schemas):
            problems.append(f"{where}: unresolved $ref {value!r}")
    if problems:
        raise OpenAPIError("invalid OpenAPI document: " + "; ".join(problems[:10]))


def build_document(operations: list[Operation], plugins: Plugins) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    tags: list[str] = []
    for operation in operations:
        path = paths.setdefault(operation.path, {})
        method = operation.method.lower()
        if method in path:
            raise OpenAPIError(f"{operation.method} {operation.path} declared twice")
        path[method] = _operation(operation)
        tags += [tag for tag in operation.spec.tags if tag not in tags]
    if OPENAPI_TAG not in tags:
        tags.append(OPENAPI_TAG)
    document = {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Slurm REST API",
            "version": "&".join([f"restd-{__version__}",
                                 *(plugin.PLUGIN_TYPE for plugin in plugins.content)]),
        },
        "servers": [{"url": "/"}],
        "security": SECURITY,
        "tags": [{"name": tag} for tag in tags],
        "paths": paths,
        "components": {"schemas": _component_schemas(plugins),
                       "securitySchemes": SECURITY_SCHEMES},
    }
    _check(document)
    return document
