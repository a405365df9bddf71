"""Parity of restd's /slurmdb/ side of v0.0.43, v0.0.44 and v0.0.45 with the real
slurmrestd 26.05.5's document (../shared/reference/slurmrestd-26.05.5-openapi.json),
built as ``restd -s slurmctld,slurmdbd -d v0.0.42,...,v0.0.45`` builds it (no cluster):

- operations: every (method, path) under /slurmdb/<version>/ with its operationId,
  tags, parameters (in, name, style, explode, required, allowEmptyValue, deprecated,
  schema with its enum) and request and response component, and no other;
- components: the names reachable from the side's bodies;
- fields: every field path below every request and response body (components
  flattened: restd.data_parser.tools.fields) with type, format, enum, required,
  deprecated and the component referred to.

The reference lost its properties named "description" with the descriptions, so
those of restd are not compared. One difference is another branch's: the job state
EXPEDITING (JOB_STATE, shared with the slurmctld objects) comes with v0.0.44's
slurmctld changes (branch v43ctld); until they are there, the job and step state
enums of v0.0.44 and v0.0.45 are reported apart, and they are required equal once
JOB_STATE has it.

``python tests/test_slurmdb_parity_2605.py`` prints the counts per version.
"""
from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from restd.data_parser.tools.fields import fields  # noqa: E402
from restd.data_parser.versions import version as data_parser_version  # noqa: E402
from restd.openapi import build_document, expand_operations  # noqa: E402
from restd.plugin_api import DataParser  # noqa: E402
from restd.plugin_loader import Plugins  # noqa: E402
from restd.plugins.content import slurmctld, slurmdbd  # noqa: E402
from restd.plugins.data_parser import v0_0_42, v0_0_43, v0_0_44, v0_0_45  # noqa: E402
from restd.plugins.serializer import json as json_serializer  # noqa: E402
from shared_dir import REFERENCE  # noqa: E402

VERSIONS = ("v0.0.43", "v0.0.44", "v0.0.45")
PARAMETER_KEYS = ("in", "name", "style", "explode", "required", "allowEmptyValue",
                  "allowReserved", "deprecated", "schema")
STRIPPED_PROPERTY = "description"


@lru_cache(maxsize=1)
def reference() -> dict:
    return json.loads((REFERENCE / "slurmrestd-26.05.5-openapi.json").read_text())


@lru_cache(maxsize=1)
def ours() -> dict:
    plugins = Plugins(content=(slurmctld, slurmdbd),
                      data_parsers=tuple(DataParser(module) for module in
                                         (v0_0_42, v0_0_43, v0_0_44, v0_0_45)),
                      serializers=(json_serializer,))
    return build_document(expand_operations(plugins), plugins)


def _operations(document: dict, version: str) -> dict:
    prefix = f"/slurmdb/{version}/"
    return {(method.upper(), path): operation
            for path, methods in document["paths"].items() if path.startswith(prefix)
            for method, operation in methods.items()}


def _ref(content) -> str | None:
    schema = (content or {}).get("application/json", {}).get("schema", {})
    return schema.get("$ref", "").rsplit("/", 1)[-1] or None


def _bodies(operations: dict) -> set[str]:
    found = set()
    for operation in operations.values():
        found.add(_ref(operation.get("requestBody", {}).get("content")))
        for response in operation["responses"].values():
            found.add(_ref(response.get("content")))
    return found - {None}


def _parameters(operation: dict) -> list[dict]:
    return [{key: p[key] for key in PARAMETER_KEYS if key in p}
            for p in operation.get("parameters", [])]


def compare_operations(version: str) -> tuple[list[str], int, int]:
    theirs, mine = _operations(reference(), version), _operations(ours(), version)
    problems = [f"{m} {p}: not served by restd" for m, p in theirs.keys() - mine.keys()]
    problems += [f"{m} {p}: served by restd, not by slurmrestd"
                 for m, p in mine.keys() - theirs.keys()]
    matched = 0
    for key in sorted(theirs.keys() & mine.keys()):
        a, b = theirs[key], mine[key]
        where = f"{key[0]} {key[1]}"
        found = [f"{where}: {item} {b.get(item)!r}, slurmrestd {a.get(item)!r}"
                 for item in ("operationId", "tags") if a.get(item) != b.get(item)]
        for what, x, y in (
                ("request body", _ref(a.get("requestBody", {}).get("content")),
                 _ref(b.get("requestBody", {}).get("content"))),
                *((f"response {status}", _ref(a["responses"].get(status, {}).get("content")),
                   _ref(b["responses"].get(status, {}).get("content")))
                  for status in ("200", "default"))):
            if x != y:
                found.append(f"{where}: {what} {y}, slurmrestd {x}")
        if _parameters(a) != _parameters(b):
            found.append(f"{where}: parameters {_parameters(b)}, slurmrestd {_parameters(a)}")
        problems += found
        matched += not found
    return sorted(problems), matched, len(theirs)


def _reachable(document: dict, bodies: set[str]) -> set[str]:
    schemas, seen = document["components"]["schemas"], set()
    pending = [body for body in bodies if body in schemas]
    while pending:
        name = pending.pop()
        if name not in seen:
            seen.add(name)
            pending += [ref.split('"')[0] for ref in json.dumps(schemas[name]).split(
                '"$ref": "#/components/schemas/')[1:]]
    return seen


def compare_components(version: str) -> list[str]:
    theirs = _reachable(reference(), _bodies(_operations(reference(), version)))
    mine = _reachable(ours(), _bodies(_operations(ours(), version)))
    return ([f"component {name}: missing" for name in sorted(theirs - mine)]
            + [f"component {name}: not in slurmrestd's" for name in sorted(mine - theirs)])


def compare_fields(version: str) -> tuple[list[str], int, int]:
    """(differences, (body, path) pairs matched, pairs of the reference)."""
    bodies = _bodies(_operations(reference(), version))
    schemas = ours()["components"]["schemas"]
    problems, matched, total = [], 0, 0
    for body in sorted(bodies):
        theirs = fields(reference(), body)
        total += len(theirs)
        if body not in schemas:
            problems.append(f"{body}: not described by restd ({len(theirs)} fields)")
            continue
        mine = {path: info for path, info in fields(ours(), body).items()
                if STRIPPED_PROPERTY not in path.replace("[]", "").split("/")}
        problems += [f"{body}:{path}: missing" for path in sorted(theirs.keys() - mine.keys())]
        problems += [f"{body}:{path}: not in slurmrestd's"
                     for path in sorted(mine.keys() - theirs.keys())]
        for path in sorted(theirs.keys() & mine.keys()):
            if theirs[path] != mine[path]:
                problems.append(f"{body}:{path}: {mine[path]}, slurmrestd {theirs[path]}")
            else:
                matched += 1
    for body in sorted(_bodies(_operations(ours(), version)) - bodies):
        problems.append(f"{body}: a body of restd's, not of slurmrestd's")
    return problems, matched, total


# The job state enums, until JOB_STATE has EXPEDITING (branch v43ctld's v0.0.44)
STATE_ENUMS = ("_openapi_slurmdbd_jobs_resp:jobs[]/state/current[]:",
               "_openapi_slurmdbd_jobs_resp:jobs[]/steps[]/state[]:")


def _other_branch(version: str, problems: list[str]) -> list[str]:
    states = {bit.name for bit in data_parser_version(version).kind("JOB_STATE").bits}
    if version == "v0.0.43" or "EXPEDITING" in states:
        return []
    return [p for p in problems if any(version + enum in p for enum in STATE_ENUMS)]


@pytest.mark.parametrize("version", VERSIONS)
def test_slurmdb_operations_equal_the_2605_reference(version):
    problems, matched, total = compare_operations(version)
    print(f"{version} slurmdb: operations {matched}/{total}")
    assert not problems, "\n".join(problems)
    assert matched == total


@pytest.mark.parametrize("version", VERSIONS)
def test_slurmdb_component_names_equal_the_2605_reference(version):
    problems = compare_components(version)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("version", VERSIONS)
def test_every_slurmdb_field_path_equals_the_2605_reference(version):
    problems, matched, total = compare_fields(version)
    pending = _other_branch(version, problems)
    print(f"{version} slurmdb: fields {matched}/{total}"
          + (f" ({len(pending)} pending on branch v43ctld: EXPEDITING)" if pending else ""))
    left = [p for p in problems if p not in pending]
    assert not left, "\n".join(left)
    assert len(pending) in (0, len(STATE_ENUMS))
    assert matched + len(pending) == total


def test_the_new_operations_are_served_exactly_where_described():
    for version in ("v0.0.42", "v0.0.43", "v0.0.44", "v0.0.45"):
        paths = ours()["paths"]
        updates = version >= "v0.0.44"
        assert ("post" in paths[f"/slurmdb/{version}/jobs/"]) == updates
        assert ("post" in paths[f"/slurmdb/{version}/job/{{job_id}}"]) == updates
        assert (f"/slurmdb/{version}/conf" in paths) == (version == "v0.0.45")


def test_the_comparison_sees_a_difference():
    document = json.loads(json.dumps(reference()))
    schema = document["components"]["schemas"]["v0.0.44_job_modify"]["properties"]
    schema["wckey"] = {"type": "integer"}
    del document["paths"]["/slurmdb/v0.0.44/diag/"]
    saved = reference.__wrapped__
    try:
        globals()["reference"] = lru_cache(maxsize=1)(lambda: document)
        problems, _, _ = compare_fields("v0.0.44")
        assert any(p.startswith("v0.0.44_job_modify:wckey:") for p in problems), problems
        problems, _, _ = compare_operations("v0.0.44")
        assert "GET /slurmdb/v0.0.44/diag/: served by restd, not by slurmrestd" in problems
    finally:
        globals()["reference"] = lru_cache(maxsize=1)(saved)


def main() -> int:
    print(f"{'version':8} {'operations':>12} {'fields':>12}  differences")
    for version in VERSIONS:
        op_problems, op_matched, op_total = compare_operations(version)
        field_problems, matched, total = compare_fields(version)
        problems = op_problems + compare_components(version) + field_problems
        print(f"{version:8} {op_matched:>5}/{op_total:<6} {matched:>5}/{total:<6}  "
              f"{len(problems)}")
        for problem in problems:
            print(f"  {problem[:300]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
