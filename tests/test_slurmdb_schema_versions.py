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


# Where restd's v0.0.42 follows slurmrestd 26.05.5's document instead (the issue says
# so; tests/parity_expected.py FOLLOWS_26_05): the components compared with 26.05's.
FOLLOWS_26_05 = {"v0.0.42": ("v0.0.42_cluster_rec_flags",)}


def _reference_26_05() -> dict:
    from shared_dir import REFERENCE as SHARED_REFERENCE
    document = json.loads((SHARED_REFERENCE / "slurmrestd-26.05.5-openapi.json").read_text())
    return document["components"]["schemas"]


def _differences(version: str) -> dict[str, list[str]]:
    """Per reference component: the field paths that differ from ours (or
    "missing")."""
    reference, ours = dict(_reference()), _ours(version)
    newer = _reference_26_05()
    for name in FOLLOWS_26_05.get(version, ()):
        assert reference[name] != newer[name], f"{name}: the two releases agree again"
        reference[name] = newer[name]
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
    reference, ours = dict(_reference()), _ours(version)
    for name in FOLLOWS_26_05.get(version, ()):
        reference[name] = _reference_26_05()[name]
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


def test_query_changes_are_declared_with_why_and_make_the_reference_parameters():
    """v0.0.41's and v0.0.42's /slurmdb/ query differences are declared changes of
    v0.0.40's query kinds, each saying what Slurm changed; the derived kinds give,
    through restd.openapi.query_parameters(), the reference's parameters of the
    operations naming them (names, order, enums, allowEmptyValue), the renamed
    ones included ("Include deleted QOS", v0.0.41's exploded account flags)."""
    from restd.data_parser.v0040 import V0040
    from restd.openapi import query_parameters
    reference = _document()["paths"]
    for version, module in (("v0.0.41", v0041_slurmdb), ("v0.0.42", v0042_slurmdb)):
        assert module.QUERY_CHANGES and all(change.why for change in module.QUERY_CHANGES)
        for kind, operations in QUERY_KIND_OPERATIONS[version].items():
            assert kind in V0040.kinds  # a change of a v0.0.40 query kind
            ours = [(p.name, p.schema, p.allow_empty) for p in
                    query_parameters(VERSIONS[version], kind)]
            for method, path in operations:
                theirs = [(p["name"], p["schema"], p.get("allowEmptyValue", False))
                          for p in reference[f"/slurmdb/{version}{path}"][method]["parameters"]
                          if p["in"] == "query"]
                if "v0.0.42_cluster_rec_flags" in FOLLOWS_26_05.get(version, ()):
                    # the cluster flags as 26.05 lists them (no FRONT_END)
                    newer = dict(_reference_26_05()["v0.0.42_cluster_rec_flags"]["items"])
                    theirs = [(name, {"type": "string", "enum": newer["enum"]}
                               if name == "flags" and "FRONT_END" in schema.get("enum", ())
                               else schema, empty) for name, schema, empty in theirs]
                assert ours == theirs, (version, method, path)
    assert "Include deleted QOS" in {
        p.name for p in query_parameters(VERSIONS["v0.0.42"], "QOS_CONDITION")}
    assert "with_deleted" in {p.name for p in query_parameters(V0040, "QOS_CONDITION")}


QUERY_KIND_OPERATIONS = {
    "v0.0.41": {"ACCOUNT_CONDITION": (("get", "/accounts/"),),
                # unchanged, but its {set, infinite, number} members are no longer listed
                "JOB_CONDITION": (("get", "/jobs/"),)},
    "v0.0.42": {"QOS_CONDITION": (("get", "/qos/"), ("post", "/qos/")),
                "ASSOC_CONDITION": (("get", "/associations/"), ("delete", "/associations/"),
                                    ("get", "/association/"), ("delete", "/association/")),
                "CLUSTER_CONDITION": (("get", "/cluster/{cluster_name}"),
                                      ("delete", "/cluster/{cluster_name}"))},
}
