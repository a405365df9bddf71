"""Checking answers against OpenAPI documents (ours and the reference's).

``validate(document, path, method, body)`` validates a response body against the
component schema of the operation's 200 response in ``document`` ($refs resolved
within the document); ``missing_fields(reference, component, value)`` lists the
properties the reference's component schema has and ``value`` (a dumped object)
lacks, recursively (arrays of objects: every item).
"""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from shared_dir import SHARED

REFERENCE = (SHARED / "reference/slurmrestd-24.11.5-openapi.json")
SCHEMA_PREFIX = "#/components/schemas/"


def reference_document() -> dict:
    return json.loads(REFERENCE.read_text())


def response_schema_name(document: dict, path: str, method: str) -> str:
    """The component named by the operation's 200 response (application/json)."""
    operation = document["paths"][path][method.lower()]
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    return ref[len(SCHEMA_PREFIX):]


def validate(document: dict, path: str, method: str, body) -> str:
    """Validate ``body`` against the 200 response schema of ``method path`` (the
    templated path, e.g. ``/slurm/v0.0.40/job/{job_id}``); returns the component
    name. Raises jsonschema.ValidationError."""
    name = response_schema_name(document, path, method)
    validate_component(document, name, body)
    return name


def _required(validator, required, instance, schema):
    """"required" as Slurm writes it: an entry may be a path ("error/code") into
    nested objects (the reference document does so for kill_jobs_resp_job)."""
    if not validator.is_type(instance, "object"):
        return
    for name in required:
        node = instance
        for part in name.split("/"):
            if not isinstance(node, dict) or part not in node:
                yield jsonschema.ValidationError(f"{name!r} is a required property")
                break
            node = node[part]


Validator = jsonschema.validators.extend(jsonschema.Draft4Validator, {"required": _required})


def validate_component(document: dict, name: str, value) -> None:
    schema = {"$ref": SCHEMA_PREFIX + name, "components": document["components"]}
    Validator(schema).validate(value)


def _resolve(document: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"][len(SCHEMA_PREFIX):]]
    return schema


def missing_fields(document: dict, name: str, value, where: str = "") -> list[str]:
    """Properties of the component ``name`` (recursively) absent from ``value``."""
    return _missing(document, document["components"]["schemas"][name], value, where)


def _missing(document, schema, value, where):
    schema = _resolve(document, schema)
    missing = []
    if schema.get("type") == "object" and isinstance(value, dict) and value:
        # (an empty object is a NULL pointer, dumped so by Slurm too)
        for key, sub in schema.get("properties", {}).items():
            if key not in value:
                missing.append(f"{where}/{key}")
            else:
                missing += _missing(document, sub, value[key], f"{where}/{key}")
    elif schema.get("type") == "array" and isinstance(value, list):
        for index, item in enumerate(value):
            missing += _missing(document, schema.get("items", {}), item, f"{where}/{index}")
    return missing
