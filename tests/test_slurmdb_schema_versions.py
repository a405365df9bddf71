"""The accounting (slurmdbd) bodies restd generates for v0.0.41 and v0.0.42
equal the reference slurmrestd 24.11.5 ones: every component the /slurmdb/
operations of the version reach (v0.0.41 publishes only the bodies and inlines
the rest; v0.0.42 publishes every object again), compared whole, with the
differences reported by component and field path (refs resolved), and every
field path of every body, counted.

The reference's own stripping and restd's intended differences are applied as
tests/test_data_parser_schema.py does for v0.0.40."""
from __future__ import annotations

import json

import pytest

from restd.data_parser import v0041_slurmdb, v0042_slurmdb
from restd.data_parser.schema import component_schemas
from restd.data_parser.v0041 import V0041
from restd.data_parser.v0042 import V0042
from test_data_parser_schema import REFERENCE, _as_reference_shows, _reference

VERSIONS = {"v0.0.41": V0041, "v0.0.42": V0042}
PREFIX = "#/components/schemas/"


def _document() -> dict:
    return json.loads(REFERENCE.read_text())


def _refs(schema) -> list[str]:
    if isinstance(schema, dict):
        found = [schema["$ref"][len(PREFIX):]] if "$ref" in schema else []
        return found + [ref for value in schema.values() for ref in _refs(value)]
    if isinstance(schema, list):
        return [ref for value in schema for ref in _refs(value)]
    return []


def slurmdb_bodies(version: str) -> list[str]:
    """The components the reference's /slurmdb/<version>/ operations name
    (request and response bodies), in path order."""
    names: dict[str, None] = {}
    for path, methods in _document()["paths"].items():
        if path.startswith(f"/slurmdb/{version}/"):
            names.update(dict.fromkeys(_refs(methods)))
    return list(names)


def slurmdb_components(version: str) -> list[str]:
    """Every reference component reachable from those bodies."""
    schemas = _document()["components"]["schemas"]
    seen: dict[str, None] = {}
    pending = slurmdb_bodies(version)
    while pending:
        name = pending.pop(0)
        if name not in seen:
            seen[name] = None
            pending.extend(_refs(schemas[name]))
    return list(seen)


def flatten(schemas: dict, schema: dict, path: str = "", out=None) -> dict:
    """Every field path of ``schema`` (refs resolved in ``schemas``) with
    what describes it: type, format, enum, required list, deprecated."""
    out = {} if out is None else out
    while "$ref" in schema:
        schema = schemas[schema["$ref"][len(PREFIX):]]
    out[path or "/"] = {key: schema[key] for key in ("type", "format", "enum", "required",
                                                      "deprecated") if key in schema}
    if schema.get("type") == "array":
        flatten(schemas, schema.get("items", {}), path + "[]", out)
    for key, value in schema.get("properties", {}).items():
        flatten(schemas, value, f"{path}/{key}", out)
    return out


def _ours(version: str) -> dict:
    return {name: _as_reference_shows(schema) for name, schema in
            component_schemas(VERSIONS[version], VERSIONS[version].roots).items()}


def _differences(version: str) -> dict[str, list[str]]:
    """Per reference component: the field paths that differ from ours (or
    "missing")."""
    reference, ours = _reference(), _ours(version)
    out: dict[str, list[str]] = {}
    for name in slurmdb_components(version):
        if name not in ours:
            out[name] = ["missing"]
            continue
        if ours[name] == reference[name]:
            continue
        mine, theirs = flatten(ours, ours[name]), flatten(reference, reference[name])
        fields = [f"{path}: ours {mine.get(path)} reference {theirs.get(path)}"
                  for path in dict.fromkeys([*theirs, *mine]) if mine.get(path) !=
                  theirs.get(path)]
        out[name] = fields or ["same fields, different shape or order"]
    return out


@pytest.mark.parametrize("version", VERSIONS)
def test_every_slurmdb_component_equals_the_reference(version):
    differences = _differences(version)
    assert differences == {}, "\n".join(
        f"{name}: {field}" for name, fields in differences.items() for field in fields)


@pytest.mark.parametrize("version", VERSIONS)
def test_every_slurmdb_field_path_equals_the_reference(version):
    """The bodies' fields, refs resolved: the same paths, types, formats, enums
    and required lists (what a client sees whether or not schemas are inline)."""
    reference, ours = _reference(), _ours(version)
    total = matched = 0
    missing = []
    for body in slurmdb_bodies(version):
        theirs = flatten(reference, reference[body])
        mine = flatten(ours, ours[body]) if body in ours else {}
        for path, description in theirs.items():
            total += 1
            if mine.get(path) == description:
                matched += 1
            else:
                missing.append(f"{body}{path}: ours {mine.get(path)} reference {description}")
        missing.extend(f"{body}{path}: not in the reference" for path in mine
                       if path not in theirs)
    assert missing == [], "\n".join(missing)
    assert matched == total and total > 1000, (matched, total)


def test_the_versions_publish_the_reference_components_and_no_other_slurmdb_one():
    for version in VERSIONS:
        ours = set(_ours(version))
        wanted = set(slurmdb_components(version))
        assert wanted <= ours, sorted(wanted - ours)
    # v0.0.41 inlines every schema but the bodies
    assert set(slurmdb_components("v0.0.41")) == set(slurmdb_bodies("v0.0.41"))


def test_v0042_adds_the_slurmdbd_ping_body():
    assert "OPENAPI_SLURMDBD_PING_RESP" in v0042_slurmdb.ROOTS
    assert "OPENAPI_SLURMDBD_PING_RESP" in V0042.roots
    assert "OPENAPI_SLURMDBD_PING_RESP" not in V0041.roots
    assert v0041_slurmdb.ROOTS == ()
    assert "v0.0.42_openapi_slurmdbd_ping_resp" in slurmdb_bodies("v0.0.42")


def test_every_change_says_what_slurm_changed():
    for module in (v0041_slurmdb, v0042_slurmdb):
        for change in module.CHANGES:
            assert change.why, change


def test_descriptions_are_data():
    """Every field of the accounting objects names its C member, or reads the
    whole struct through a complex kind (what a C generator needs)."""
    for version in VERSIONS.values():
        for name in ("JOB", "STEP", "QOS", "ASSOC", "ACCOUNTING", "ROLLUP_STATS",
                     "SLURMDBD_PING"):
            kind = version.kinds.get(name)
            if kind is None:
                continue
            for field in kind.fields:
                target = version.kind(field.kind)
                assert field.source or target.complex, f"{version.name} {name}.{field.key}"


def _parameter_names(document: dict, version: str) -> dict:
    return {(method.upper(), path[len(f"/slurmdb/{version}"):]):
            [(p["name"], tuple(p.get("schema", {}).get("enum", ())))
             for p in operation.get("parameters", []) if p["in"] == "query"]
            for path, methods in document["paths"].items()
            if path.startswith(f"/slurmdb/{version}/")
            for method, operation in methods.items()}


def test_query_parameters_per_version_equal_the_reference():
    """restd's v0.0.40 query parameters with each version's declared query sets
    applied are the reference's, operation by operation and in order; every
    parameter says which v0.0.40 one it stands for (one that exists there)."""
    from test_slurmdb_schema import _document as restd_v0040_document
    names = _parameter_names(restd_v0040_document(), "v0.0.40")
    base = {name for names_ in names.values() for name, _ in names_}
    reference = _document()
    for version, module in (("v0.0.41", v0041_slurmdb), ("v0.0.42", v0042_slurmdb)):
        names = dict(names)
        for query in module.QUERY_SETS:
            assert query.why
            for operation in query.operations:
                if query.parameters:
                    names[operation] = [(p.name, p.enum) for p in query.parameters]
                names[operation] = [(n, enum) for n, enum in names[operation]
                                    if n not in query.undocumented]
            for parameter in query.parameters:
                assert parameter.same_as is None or parameter.same_as in base, parameter
        expected = _parameter_names(reference, version)
        wrong = {op: (names.get(op), wanted) for op, wanted in expected.items()
                 if names.get(op, []) != wanted}
        assert wrong == {}, version
    v42 = {p.name for q in v0042_slurmdb.QUERY_SETS for p in q.parameters}
    assert "Include deleted QOS" in v42


QUERY_KIND_OPERATIONS = {
    "v0.0.41": {"ACCOUNT_CONDITION": (("get", "/accounts/"),)},
    "v0.0.42": {"QOS_CONDITION": (("get", "/qos/"), ("post", "/qos/")),
                "ASSOC_CONDITION": (("get", "/associations/"), ("delete", "/associations/"),
                                    ("get", "/association/"), ("delete", "/association/")),
                "CLUSTER_CONDITION": (("get", "/cluster/{cluster_name}"),
                                      ("delete", "/cluster/{cluster_name}"))},
}


def test_query_kinds_make_the_reference_parameters():
    """The query kinds of v0041_slurmdb and v0042_slurmdb, added to their
    version, give through restd.openapi.query_parameters() the reference's
    parameters of the operations they stand for: names, order, enums and
    allowEmptyValue."""
    from restd.data_parser.describe import AddKind
    from restd.openapi import query_parameters
    reference = _document()["paths"]
    for version, module in (("v0.0.41", v0041_slurmdb), ("v0.0.42", v0042_slurmdb)):
        described = VERSIONS[version].derive(version, [AddKind(k) for k in module.QUERY_KINDS])
        for kind, operations in QUERY_KIND_OPERATIONS[version].items():
            ours = [(p.name, p.schema, p.allow_empty) for p in
                    query_parameters(described, kind)]
            for method, path in operations:
                theirs = [(p["name"], p["schema"], p.get("allowEmptyValue", False))
                          for p in reference[f"/slurmdb/{version}{path}"][method]["parameters"]
                          if p["in"] == "query"]
                assert ours == theirs, (version, method, path)
