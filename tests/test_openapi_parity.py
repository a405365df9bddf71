"""Parity of restd's OpenAPI document with the real slurmrestd's, per
reference release, data_parser version and side (/slurm/, /slurmdb/, /util/).

restd's document is built as ``restd -s slurmctld,slurmdbd,util`` with every
version (v0.0.40 to v0.0.45) builds it (no cluster needed) and compared with
two references in ../shared/reference/:

- slurmrestd-24.11.5-openapi.json for v0.0.40, v0.0.41 and v0.0.42;
- slurmrestd-26.05.5-openapi.json for v0.0.42, v0.0.43, v0.0.44 and v0.0.45.

For each: operations (every (method, path) of the reference, with its
operationId, tags, deprecated mark, parameters (in, name, style, explode,
required, allowEmptyValue, allowReserved, deprecated, schema with its enum)
and request and response schema names, and no operation the reference
lacks); components (the names reachable from the side's bodies); fields
(every field path below every request and response body, the component
chain flattened: restd.data_parser.tools.fields, with its type, format,
enum, required and deprecated marks and the component it refers to).

Differences are reported by name, one per line. Intended differences (as
tests/test_data_parser_schema.py explains): the reference lost the
properties named "description" (its descriptions were stripped), so those
of restd are not compared; defaults are not compared.

Two lists name the differences allowed, each entry exactly:

- ``FOLLOWS_26_05``: where the two releases' documents of v0.0.42
  disagree, restd follows 26.05's (the issue says so); these are its
  differences from 24.11.5's document (the README lists them).
- ``EXPECTED_MISSING_UNTIL_MERGED``: what other branches supply (the bodies
  of the operations v0.0.43 to v0.0.45 add, the util plugin, the /slurmdb/
  changes), by branch. The lead removes a branch's entries when merging it;
  an entry that no longer differs fails
  test_expected_missing_lists_only_what_is_missing, so none outlives its
  merge.

``python tests/test_openapi_parity.py`` prints the counts per release,
version and side (operations N/N, fields N/N) and the differences.
"""
from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from restd.data_parser.tools.fields import FieldInfo, fields  # noqa: E402
from restd.data_parser.versions import NAMES  # noqa: E402
from restd.openapi import build_document, expand_operations  # noqa: E402
from restd.plugin_api import DataParser  # noqa: E402
from restd.plugin_loader import Plugins  # noqa: E402
from restd.plugins.content import slurmctld, slurmdbd  # noqa: E402
from restd.plugins.serializer import json as json_serializer  # noqa: E402
from shared_dir import REFERENCE  # noqa: E402
from parity_expected import EXPECTED_MISSING_UNTIL_MERGED, FOLLOWS_26_05  # noqa: E402

# release -> (document, the versions compared with it)
REFERENCES = {
    "24.11.5": ("slurmrestd-24.11.5-openapi.json", ("v0.0.40", "v0.0.41", "v0.0.42")),
    "26.05.5": ("slurmrestd-26.05.5-openapi.json",
                ("v0.0.42", "v0.0.43", "v0.0.44", "v0.0.45")),
}
VERSIONS = NAMES
SIDES = ("slurm", "slurmdb", "util")
STRIPPED_PROPERTY = "description"  # removed from the reference with the descriptions
PARAMETER_KEYS = ("in", "name", "style", "explode", "required", "allowEmptyValue",
                  "allowReserved", "deprecated", "schema")

def _content_plugins() -> tuple:
    """slurmctld, slurmdbd and, where the tree has it, util (branch v43util)."""
    try:
        from restd.plugins.content import util
    except ImportError:
        return (slurmctld, slurmdbd)
    return (slurmctld, slurmdbd, util)


@lru_cache(maxsize=None)
def reference(release: str) -> dict:
    return json.loads((REFERENCE / REFERENCES[release][0]).read_text())


@lru_cache(maxsize=1)
def ours() -> dict:
    import importlib
    modules = [importlib.import_module("restd.plugins.data_parser."
                                       + name.replace(".", "_")) for name in VERSIONS]
    plugins = Plugins(content=_content_plugins(),
                      data_parsers=tuple(DataParser(module) for module in modules),
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


def compare_operations(release: str, side: str, version: str
                       ) -> tuple[list[str], int, int]:
    """(differences, operations matched, operations of the reference)."""
    theirs, mine = (_operations(document, side, version)
                    for document in (reference(release), ours()))
    problems, matched = [], 0
    for key in theirs.keys() - mine.keys():
        problems.append(f"{key[0]} {key[1]}: not served by restd")
    for key in mine.keys() - theirs.keys():
        problems.append(f"{key[0]} {key[1]}: served by restd, not by slurmrestd")
    for key in sorted(theirs.keys() & mine.keys()):
        where = f"{key[0]} {key[1]}"
        before = len(problems)
        a, b = theirs[key], mine[key]
        for item in ("operationId", "tags", "deprecated"):
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


def compare_fields(release: str, side: str, version: str) -> tuple[list[str], int, int]:
    """(differences, field paths matched, field paths of the reference), the
    paths counted per body: (body, path) pairs."""
    theirs_ops = _operations(reference(release), side, version)
    mine_ops = _operations(ours(), side, version)
    problems, matched, total = [], 0, 0
    bodies = _bodies(theirs_ops)
    mine_bodies = _bodies(mine_ops)
    schemas = ours()["components"]["schemas"]
    for body in sorted(bodies):
        a = fields(reference(release), body)
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


def compare_components(release: str, side: str, version: str) -> list[str]:
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
    theirs = reachable(reference(release),
                       _bodies(_operations(reference(release), side, version)))
    mine = reachable(ours(), _bodies(_operations(ours(), side, version)))
    return ([f"component {name}: missing" for name in sorted(theirs - mine)] +
            [f"component {name}: not in slurmrestd's" for name in sorted(mine - theirs)])


def differences(release: str, side: str, version: str) -> list[str]:
    return (compare_operations(release, side, version)[0]
            + compare_components(release, side, version)
            + compare_fields(release, side, version)[0])


def _allowed(release: str, side: str, version: str) -> dict[str, str]:
    """difference -> why it is allowed (FOLLOWS_26_05, or the branch supplying it)."""
    allowed = {}
    if release == "24.11.5":
        allowed.update({difference: "restd follows 26.05's v0.0.42"
                        for difference in FOLLOWS_26_05.get((side, version), ())})
    for branch, entries in EXPECTED_MISSING_UNTIL_MERGED.items():
        allowed.update({difference: f"expected missing until branch {branch} is merged"
                        for difference in entries.get((release, side, version), ())})
    return allowed


def _message(release: str, side: str, version: str, problems: list[str]) -> str:
    return (f"{len(problems)} differences for /{side}/{version}/ from slurmrestd "
            f"{release}'s document:\n" + "\n".join(f"  {p}" for p in problems))


CASES = [(release, side, version) for release, (_, versions) in REFERENCES.items()
         for side in SIDES for version in versions
         if side != "util" or release == "26.05.5" and version >= "v0.0.44"]


def _unexpected(release, side, version, problems):
    allowed = _allowed(release, side, version)
    for problem in problems:
        if problem in allowed:
            print(f"  allowed: {problem}   [{allowed[problem]}]")
    return [problem for problem in problems if problem not in allowed]


@pytest.mark.parametrize("release,side,version", CASES)
def test_operations_equal_the_reference(release, side, version):
    problems, matched, total = compare_operations(release, side, version)
    print(f"{release} {version} {side}: operations {matched}/{total}")
    problems = _unexpected(release, side, version, problems)
    assert not problems, _message(release, side, version, problems)


@pytest.mark.parametrize("release,side,version", CASES)
def test_component_names_equal_the_reference(release, side, version):
    problems = _unexpected(release, side, version,
                           compare_components(release, side, version))
    assert not problems, _message(release, side, version, problems)


@pytest.mark.parametrize("release,side,version", CASES)
def test_every_field_path_equals_the_reference(release, side, version):
    problems, matched, total = compare_fields(release, side, version)
    print(f"{release} {version} {side}: fields {matched}/{total}")
    problems = _unexpected(release, side, version, problems)
    assert not problems, _message(release, side, version, problems)


def test_expected_missing_lists_only_what_is_missing():
    """Every allowed difference still differs: an entry its branch has
    supplied (or a FOLLOWS_26_05 entry restd no longer shows) is named here to
    be removed."""
    stale = []
    for release, side, version in CASES:
        found = set(differences(release, side, version))
        stale += [f"{release} /{side}/{version}/: {entry}   [{why}]"
                  for entry, why in _allowed(release, side, version).items()
                  if entry not in found]
    assert not stale, "allowed differences no longer found (remove them):\n" + \
        "\n".join(stale)


def test_the_document_of_every_version_is_valid_openapi():
    from openapi_spec_validator import validate
    validate(ours())


def test_the_comparison_sees_a_difference():
    """The comparison itself: a field whose type changes, a parameter whose
    enum loses a name, a missing operation and an operation no longer marked
    deprecated are each reported by name, against both references."""
    saved = reference.__wrapped__
    try:
        for release, version in (("24.11.5", "v0.0.42"), ("26.05.5", "v0.0.45"),
                                 ("26.05.5", "v0.0.42")):
            document = json.loads(json.dumps(saved(release)))
            job = document["components"]["schemas"][f"{version}_job_info"]["properties"]
            job["job_id"] = {"type": "string"}
            globals()["reference"] = lambda name, document=document: document
            path = document["paths"][f"/slurm/{version}/jobs/"]["get"]
            parameter = next(p for p in path["parameters"] if p["name"] == "flags")
            parameter["schema"]["enum"] = parameter["schema"]["enum"][:-1]
            mine = ours()["paths"][f"/slurm/{version}/jobs/"]["get"]
            path["deprecated"] = not mine.get("deprecated", False)
            del document["paths"][f"/slurm/{version}/diag/"]
            problems, _, _ = compare_fields(release, "slurm", version)
            assert any(p.startswith(f"{version}_openapi_job_info_resp:jobs[]/job_id: "
                                    "integer/int32") for p in problems), problems
            problems, _, _ = compare_operations(release, "slurm", version)
            assert any(p.startswith(f"GET /slurm/{version}/jobs/: parameter flags: ")
                       and " schema " in p for p in problems), problems
            assert any(p.startswith(f"GET /slurm/{version}/jobs/: deprecated")
                       for p in problems), problems
            assert f"GET /slurm/{version}/diag/: served by restd, not by slurmrestd" \
                in problems
    finally:
        globals()["reference"] = lru_cache(maxsize=None)(saved)


def counts() -> list[tuple]:
    """(release, version, side, operations matched, of, fields matched, of,
    differences, of them allowed) per case."""
    rows = []
    for release, side, version in CASES:
        op_problems, op_matched, op_total = compare_operations(release, side, version)
        field_problems, matched, total = compare_fields(release, side, version)
        problems = differences(release, side, version)
        allowed = _allowed(release, side, version)
        rows.append((release, version, side, op_matched, op_total, matched, total,
                     len(problems), sum(p in allowed for p in problems)))
    return rows


def main() -> int:
    print(f"{'release':8} {'version':8} {'side':8} {'operations':>12} {'fields':>12}"
          f"  differences (allowed)")
    for release, version, side, om, ot, fm, ft, n, allowed in counts():
        print(f"{release:8} {version:8} {side:8} {om:>5}/{ot:<6} {fm:>5}/{ft:<6}"
              f"  {n} ({allowed})")
    for release, side, version in CASES:
        problems = differences(release, side, version)
        allowed = _allowed(release, side, version)
        problems = [p + (f"   [{allowed[p]}]" if p in allowed else "") for p in problems]
        if problems and "--all" in sys.argv or any("   [" not in p for p in problems):
            print(_message(release, side, version, problems))
    return 0


if __name__ == "__main__":
    sys.exit(main())
