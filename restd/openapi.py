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
    # path parameters, then the query kind's (for this version)
    parameters: tuple[Parameter, ...] = ()

    @property
    def method(self) -> str:
        return self.spec.method.upper()


def _fill(template: str, data_parser: DataParser) -> str:
    # str.replace, not str.format: path templates hold other {parameters}.
    return (template.replace("{data_parser}", data_parser.name)
            .replace("{dp_id}", data_parser.operation_id_part))


def _version(data_parser: DataParser):
    """The descriptions of a data_parser plugin (None for one without)."""
    return getattr(data_parser.module, "VERSION", None)


def _described(plugins: Plugins, data_parser: DataParser) -> Optional[set[str]]:
    """The component names a data_parser and the content plugins describe for
    it; None for a data_parser without descriptions (its operations are all
    expanded, and the document check refuses what does not resolve)."""
    if _version(data_parser) is None:
        return None
    names = set(data_parser.module.schemas())
    for plugin in plugins.content:
        if hasattr(plugin, "schemas"):
            names |= set(plugin.schemas(data_parser.name))
    return names


def _version_key(name: str) -> tuple[int, ...]:
    """A data_parser name ("v0.0.45") as numbers, for ordering versions."""
    return tuple(int(part) for part in name.lstrip("v").split(".") if part.isdigit())


def _expand(spec: OperationSpec, plugin: ModuleType, data_parser: DataParser,
            described: Optional[set[str]]) -> Optional[Operation]:
    """``spec`` for ``data_parser``, or None when that version does not
    describe its request, its response or its query."""
    if spec.since is not None and _version_key(data_parser.name) < _version_key(spec.since):
        return None
    responses = (spec.response_schema,) if isinstance(spec.response_schema, str) \
        else tuple(spec.response_schema)
    response = next((_fill(name, data_parser) for name in responses
                     if described is None or _fill(name, data_parser) in described), None)
    request = _fill(spec.request_schema, data_parser) if spec.request_schema else None
    if response is None or (described is not None and request is not None
                            and request not in described):
        return None
    parameters = tuple(spec.parameters)
    if spec.query is not None:
        version = _version(data_parser)
        if version is None:
            raise OpenAPIError(f"{spec.operation_id}: query kind {spec.query} needs a "
                               f"data_parser with descriptions ({data_parser.name})")
        if spec.query not in version.kinds:
            return None
        parameters += query_parameters(version, spec.query)
    return Operation(spec=spec, plugin=plugin, data_parser=data_parser,
                     path=_fill(spec.path, data_parser),
                     operation_id=_fill(spec.operation_id, data_parser),
                     response_schema=response, request_schema=request,
                     parameters=parameters)


def expand_operations(plugins: Plugins) -> list[Operation]:
    """Every content plugin's operations, for every data_parser describing them."""
    operations = []
    for data_parser in plugins.data_parsers:
        described = _described(plugins, data_parser)
        for plugin in plugins.content:
            for spec in plugin.operations():
                operation = _expand(spec, plugin, data_parser, described)
                if operation is not None:
                    operations.append(operation)
    return operations


def query_parameters(version, kind_name: str) -> tuple[Parameter, ...]:
    """The query parameters a query kind describes, as slurmrestd's openapi.c
    makes them from a *_QUERY parser (_add_param_linked()): one per field,
    named by its key, a string (with the names of a flag table as its enum),
    allowed empty when the field is a boolean; a field without key is a flag
    table whose flags are each a parameter allowed empty
    (_add_param_eflags()); a field holding an object is left out, and so is
    one of a {set, infinite, number} kind unless the version lists those
    (``Properties.no_val_query_parameters``, v0.0.40)."""
    from restd.data_parser.types import Alias, Flags, Pointer
    out = []
    for field in version.kind(kind_name).fields:
        kind = version.kind(field.kind)
        while isinstance(kind, (Alias, Pointer)):
            kind = version.kind(kind.target)
        if not field.key:
            out += [Parameter(bit.name, "query", {"type": "string"}, allow_empty=True,
                              deprecated=bit.kind == "removed")
                    for bit in kind.bits if not bit.hidden]
            continue
        schema = kind.schema(version)
        if _no_val(version, field.kind):
            if not version.properties.no_val_query_parameters:
                continue
        elif schema.get("type") == "object":
            continue
        parameter_schema: dict[str, Any] = {"type": "string"}
        if isinstance(kind, Flags):
            parameter_schema["enum"] = [bit.name for bit in kind.bits if not bit.hidden]
        out.append(Parameter(field.key, "query", parameter_schema, required=field.required,
                             deprecated=field.deprecated,
                             allow_empty=schema.get("type") == "boolean"))
    return tuple(out)


def _no_val(version, kind_name: str) -> bool:
    """Whether ``kind_name`` is (or points to) a {set, infinite, number} kind."""
    from restd.data_parser.types import Alias, NoVal, Pointer, Special
    kind = version.kind(kind_name)
    while isinstance(kind, (Alias, Pointer, Special)) and getattr(kind, "target", None):
        kind = version.kind(kind.target)
    return isinstance(kind, NoVal)


def _properties(data_parser: DataParser):
    """The whole-version properties of a data_parser's version (a plugin
    without descriptions: v0.0.40's)."""
    from restd.data_parser.describe import Properties
    version = _version(data_parser)
    return version.properties if version is not None else Properties()


def _parameter(parameter: Parameter, properties) -> dict[str, Any]:
    in_path = parameter.location == "path"
    out: dict[str, Any] = {
        "in": parameter.location,
        "name": parameter.name,
        "style": "simple" if in_path else "form",
        "explode": False,
    }
    if parameter.deprecated or properties.plugin_deprecated:
        out["deprecated"] = True
    elif properties.parameters_deprecated_written:
        out["deprecated"] = False
    out.update({
        "allowEmptyValue": parameter.allow_empty,
        "allowReserved": False,
        "required": in_path or parameter.required,
        "schema": parameter.schema,
    })
    return out


def _content(schema_name: str) -> dict[str, Any]:
    return {media: {"schema": {"$ref": SCHEMA_REF_PREFIX + schema_name}}
            for media in BODY_MEDIA_TYPES}


def _operation(operation: Operation) -> dict[str, Any]:
    spec = operation.spec
    properties = _properties(operation.data_parser)
    document: dict[str, Any] = {"tags": list(spec.tags)}
    if properties.plugin_deprecated:
        document["deprecated"] = True
    document["operationId"] = operation.operation_id
    if operation.parameters:
        document["parameters"] = [_parameter(p, properties) for p in operation.parameters]
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
