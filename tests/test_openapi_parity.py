"""Parity of restd's OpenAPI document with the real slurmrestd 24.11.5's, per
data_parser version and per content side (/slurm/ and /slurmdb/).

restd's document is built as ``restd -s slurmctld,slurmdbd -d
v0.0.40,v0.0.41,v0.0.42`` builds it (no cluster needed) and compared with
../shared/reference/slurmrestd-24.11.5-openapi.json:

- operations: every (method, path) of the reference, with its operationId,
  tags, parameters (in, name, style, explode, required, allowEmptyValue,
  allowReserved, deprecated, schema with its enum) and request and response
  schema names, and no operation the reference lacks;
- components: the set of component names reachable from the side's bodies;
- fields: every field path below every request and response body (the
  component chain flattened: restd.data_parser.tools.fields) with its type,
  format, enum, required and deprecated marks and the component it refers
  to.

Differences are reported by name, one per line. Intended differences (as
tests/test_data_parser_schema.py explains): the reference lost the
properties named "description" (its descriptions were stripped), so those
of restd are not compared; defaults are not compared.

``python tests/test_openapi_parity.py`` prints the counts per version and
side (operations N/N, fields N/N) and the differences.
"""
from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from restd.data_parser.tools.fields import FieldInfo, fields  # noqa: E402
from restd.openapi import build_document, expand_operations  # noqa: E402
from restd.plugin_api import DataParser  # noqa: E402
from restd.plugin_loader import Plugins  # noqa: E402
from restd.plugins.content import slurmctld, slurmdbd  # noqa: E402
from restd.plugins.data_parser import v0_0_40, v0_0_41, v0_0_42  # noqa: E402
from restd.plugins.serializer import json as json_serializer  # noqa: E402
from shared_dir import REFERENCE  # noqa: E402

VERSIONS = ("v0.0.40", "v0.0.41", "v0.0.42")
SIDES = ("slurm", "slurmdb")
STRIPPED_PROPERTY = "description"  # removed from the reference with the descriptions
PARAMETER_KEYS = ("in", "name", "style", "explode", "required", "allowEmptyValue",
                  "allowReserved", "deprecated", "schema")

@lru_cache(maxsize=1)
def reference() -> dict:
    return json.loads((REFERENCE / "slurmrestd-24.11.5-openapi.json").read_text())


@lru_cache(maxsize=1)
def ours() -> dict:
    plugins = Plugins(content=(slurmctld, slurmdbd),
                      data_parsers=tuple(DataParser(module)
                                         for module in (v0_0_40, v0_0_41, v0_0_42)),
                      serializers=(json_serializer,))
    return build_document(expand_operations(plugins), plugins)


def _operations(document: dict, side: str, version: str) -> dict:
    prefix = f"/{side}/{version}/"
    return {(method.upper(), path): operation
            for path, methods in document["paths"].items() if path.startswith(prefix)
            for method, operation in methods.items()}


def _ref(content: dict):
    schema = (content or {}).get("application/json", {}).get("schema", {})
    return schema.get("$ref", "").rsplit("/", 1)[-1] or None


def _bodies(operations: dict) -> set[str]:
    found = set()
    for operation in operations.values():
        found.add(_ref(operation.get("requestBody", {}).get("content")))
        for response in operation["responses"].values():
            found.add(_ref(response.get("content")))
    return found - {None}


def _parameter_view(parameter: dict) -> dict:
    return {key: parameter[key] for key in PARAMETER_KEYS if key in parameter}


def compare_operations(side: str, version: str) -> tuple[list[str], int, int]:
    """(differences, operations matched, operations of the reference)."""
    theirs, mine = (_operations(document, side, version)
                    for document in (reference(), ours()))
    problems, matched = [], 0
    for key in theirs.keys() - mine.keys():
        problems.append(f"{key[0]} {key[1]}: not served by restd")
    for key in mine.keys() - theirs.keys():
        problems.append(f"{key[0]} {key[1]}: served by restd, not by slurmrestd")
    for key in sorted(theirs.keys() & mine.keys()):
        where = f"{key[0]} {key[1]}"
        before = len(problems)
        a, b = theirs[key], mine[key]
        for item in ("operationId", "tags"):
            if a.get(item) != b.get(item):
                problems.append(f"{where}: {item} {b.get(item)!r}, slurmrestd {a.get(item)!r}")
        request = (_ref(a.get("requestBody", {}).get("content")),
                   _ref(b.get("requestBody", {}).get("content")))
        if request[0] != request[1]:
            problems.append(f"{where}: request body {request[1]}, slurmrestd {request[0]}")
        for status in ("200", "default"):
            response = (_ref(a["responses"].get(status, {}).get("content")),
                        _ref(b["responses"].get(status, {}).get("content")))
            if response[0] != response[1]:
                problems.append(f"{where}: response {status} {response[1]}, "
                                f"slurmrestd {response[0]}")
        pa = [_parameter_view(p) for p in a.get("parameters", [])]
        pb = [_parameter_view(p) for p in b.get("parameters", [])]
        if [p["name"] for p in pa] != [p["name"] for p in pb]:
            problems.append(f"{where}: parameters {[p['name'] for p in pb]}, "
                            f"slurmrestd {[p['name'] for p in pa]}")
        for x, y in zip(pa, pb):
            if x != y and x["name"] == y["name"]:
                keys = sorted(k for k in set(x) | set(y) if x.get(k) != y.get(k))
                problems.append(f"{where}: parameter {x['name']}: " + ", ".join(
                    f"{k} {y.get(k)!r} (slurmrestd {x.get(k)!r})" for k in keys))
        matched += len(problems) == before
    return sorted(problems), matched, len(theirs)


def _comparable(info: FieldInfo) -> tuple:
    return (info.type, info.format, info.enum, info.required, info.deprecated,
            info.component)


def _describe(info: FieldInfo) -> str:
    text = f"{info.type}" + (f"/{info.format}" if info.format else "")
    if info.component:
        text += f" ({info.component})"
    if info.enum:
        text += f" enum{list(info.enum)}"
    if info.required:
        text += " required"
    if info.deprecated:
        text += " deprecated"
    return text


def compare_fields(side: str, version: str) -> tuple[list[str], int, int]:
    """(differences, field paths matched, field paths of the reference), the
    paths counted per body: (body, path) pairs."""
    theirs_ops = _operations(reference(), side, version)
    mine_ops = _operations(ours(), side, version)
    problems, matched, total = [], 0, 0
    bodies = _bodies(theirs_ops)
    mine_bodies = _bodies(mine_ops)
    schemas = ours()["components"]["schemas"]
    for body in sorted(bodies):
        a = fields(reference(), body)
        total += len(a)
        if body not in schemas:
            problems.append(f"{body}: not described by restd ({len(a)} fields)")
            continue
        b = {path: info for path, info in fields(ours(), body).items()
             if STRIPPED_PROPERTY not in path.replace("[]", "").split("/")}
        for path in sorted(a.keys() - b.keys()):
            problems.append(f"{body}:{path}: missing ({_describe(a[path])})")
        for path in sorted(b.keys() - a.keys()):
            problems.append(f"{body}:{path}: not in slurmrestd's ({_describe(b[path])})")
        for path in sorted(a.keys() & b.keys()):
            if _comparable(a[path]) != _comparable(b[path]):
                problems.append(f"{body}:{path}: {_describe(b[path])}, "
                                f"slurmrestd {_describe(a[path])}")
            else:
                matched += 1
    for body in sorted(mine_bodies - bodies):
        problems.append(f"{body}: a body of restd's, not of slurmrestd's")
    return problems, matched, total


def compare_components(side: str, version: str) -> list[str]:
    """The component names reachable from the side's bodies."""
    def reachable(document: dict, bodies: set[str]) -> set[str]:
        schemas = document["components"]["schemas"]
        seen, pending = set(), [b for b in bodies if b in schemas]
        while pending:
            name = pending.pop()
            if name in seen:
                continue
            seen.add(name)
            text = json.dumps(schemas[name])
            pending += [ref.split('"')[0] for ref in
                        text.split('"$ref": "#/components/schemas/')[1:]]
        return seen
    theirs = reachable(reference(), _bodies(_operations(reference(), side, version)))
    mine = reachable(ours(), _bodies(_operations(ours(), side, version)))
    return ([f"component {name}: missing" for name in sorted(theirs - mine)] +
            [f"component {name}: not in slurmrestd's" for name in sorted(mine - theirs)])


def _message(side: str, version: str, problems: list[str]) -> str:
    lines = "\n".join(f"  {problem}" for problem in problems)
    return f"{len(problems)} differences for /{side}/{version}/:\n{lines}"


CASES = [(side, version) for side in SIDES for version in VERSIONS]


@pytest.mark.parametrize("side,version", CASES)
def test_operations_equal_the_reference(side, version):
    problems, matched, total = compare_operations(side, version)
    print(f"{version} {side}: operations {matched}/{total}")
    assert not problems, _message(side, version, problems)


@pytest.mark.parametrize("side,version", CASES)
def test_component_names_equal_the_reference(side, version):
    problems = compare_components(side, version)
    assert not problems, _message(side, version, problems)


@pytest.mark.parametrize("side,version", CASES)
def test_every_field_path_equals_the_reference(side, version):
    problems, matched, total = compare_fields(side, version)
    print(f"{version} {side}: fields {matched}/{total}")
    assert not problems, _message(side, version, problems)


def test_the_document_of_the_three_versions_is_valid_openapi():
    from openapi_spec_validator import validate
    validate(ours())


def test_the_comparison_sees_a_difference():
    """The comparison itself: a field whose type changes, a parameter whose
    enum loses a name and a missing operation are each reported by name."""
    document = json.loads(json.dumps(reference()))
    job = document["components"]["schemas"]["v0.0.42_job_info"]["properties"]
    job["job_id"] = {"type": "string"}
    assert fields(document, "v0.0.42_job_info")["job_id"].type == "string"
    saved = reference.__wrapped__
    try:
        reference.cache_clear()
        globals()["reference"] = lru_cache(maxsize=1)(lambda: document)
        path = document["paths"]["/slurm/v0.0.42/jobs/"]["get"]["parameters"][1]
        path["schema"]["enum"] = path["schema"]["enum"][:-1]
        del document["paths"]["/slurm/v0.0.42/diag/"]
        problems, _, _ = compare_fields("slurm", "v0.0.42")
        assert any(p.startswith("v0.0.42_openapi_job_info_resp:jobs[]/job_id: integer/int32")
                   for p in problems), problems
        problems, _, _ = compare_operations("slurm", "v0.0.42")
        assert any("GET /slurm/v0.0.42/jobs/: parameter flags: schema" in p
                   for p in problems), problems
        assert "GET /slurm/v0.0.42/diag/: served by restd, not by slurmrestd" in problems
    finally:
        globals()["reference"] = lru_cache(maxsize=1)(saved)


def main() -> int:
    print(f"{'version':8} {'side':8} {'operations':>12} {'fields':>12}  differences")
    for side, version in CASES:
        op_problems, op_matched, op_total = compare_operations(side, version)
        field_problems, matched, total = compare_fields(side, version)
        problems = op_problems + compare_components(side, version) + field_problems
        print(f"{version:8} {side:8} {op_matched:>5}/{op_total:<6} {matched:>5}/{total:<6}"
              f"  {len(problems)}")
    for side, version in CASES:
        problems = (compare_operations(side, version)[0] + compare_components(side, version)
                    + compare_fields(side, version)[0])
        if problems:
            print(_message(side, version, problems))
    return 0


if __name__ == "__main__":
    sys.exit(main())
