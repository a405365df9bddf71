"""Parity of the /slurm/ operations v0.0.43 to v0.0.45 added with slurmrestd 26.05.5's
document (../shared/reference/slurmrestd-26.05.5-openapi.json), per version:
operationId, tags, parameters, request and response bodies of each, and every field
path below those bodies (type, format, enum, required, deprecated, component), compared
as tests/test_openapi_parity.py compares v0.0.40 to v0.0.42 with 24.11.5's.

The bodies also hold kinds of older versions that v0.0.43 to v0.0.45 changed
(PARTITION_INFO in the partition descriptions, RESERVATION_FLAGS in the reservation
descriptions), as branch ``v43ctld`` declares them, and slurmctld's configuration
(GET conf, v0.0.45: restd.data_parser.v0045_conf).
"""
from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import test_openapi_parity as parity  # noqa: E402
from restd.data_parser.tools.fields import fields  # noqa: E402
from restd.openapi import build_document, expand_operations  # noqa: E402
from restd.plugin_api import DataParser  # noqa: E402
from restd.plugin_loader import Plugins  # noqa: E402
from restd.plugins.content import slurmctld  # noqa: E402
from restd.plugins.data_parser import v0_0_43, v0_0_44, v0_0_45  # noqa: E402
from restd.plugins.serializer import json as json_serializer  # noqa: E402
from shared_dir import REFERENCE  # noqa: E402

VERSIONS = ("v0.0.43", "v0.0.44", "v0.0.45")
# (method, path below /slurm/<version>/) of the operations v0.0.43 to v0.0.45 added
NEW_OPERATIONS = (
    ("POST", "reservation"), ("POST", "reservations/"), ("POST", "new/node/"),
    ("GET", "resources/{job_id}"), ("GET", "job/{job_id}/requeue"), ("POST", "jobs/requeue"),
    ("POST", "partitions/"), ("DELETE", "partition/{partition_name}"),
    ("DELETE", "reservation/{reservation_name}"), ("GET", "conf"),
)


@lru_cache(maxsize=1)
def reference() -> dict:
    return json.loads((REFERENCE / "slurmrestd-26.05.5-openapi.json").read_text())


@lru_cache(maxsize=1)
def ours() -> dict:
    plugins = Plugins(content=(slurmctld,),
                      data_parsers=tuple(DataParser(module)
                                         for module in (v0_0_43, v0_0_44, v0_0_45)),
                      serializers=(json_serializer,))
    return build_document(expand_operations(plugins), plugins)


def _new(document: dict, version: str) -> dict:
    wanted = {(method, f"/slurm/{version}/{path}") for method, path in NEW_OPERATIONS}
    return {key: operation for key, operation in
            parity._operations(document, "slurm", version).items() if key in wanted}


def compare(version: str) -> tuple[list[str], int, int, int, int]:
    """(differences, operations matched, of the reference, fields matched, of the
    reference) for the new operations of ``version``."""
    theirs, mine = _new(reference(), version), _new(ours(), version)
    problems, operations = [], 0
    for key in theirs.keys() - mine.keys():
        problems.append(f"{key[0]} {key[1]}: not served by restd")
    for key in mine.keys() - theirs.keys():
        problems.append(f"{key[0]} {key[1]}: served by restd, not by slurmrestd")
    for key in sorted(theirs.keys() & mine.keys()):
        a, b = theirs[key], mine[key]
        before = len(problems)
        where = f"{key[0]} {key[1]}"
        for item in ("operationId", "tags"):
            if a.get(item) != b.get(item):
                problems.append(f"{where}: {item} {b.get(item)!r}, slurmrestd {a.get(item)!r}")
        for what, x, y in (
                ("request body", parity._ref(a.get("requestBody", {}).get("content")),
                 parity._ref(b.get("requestBody", {}).get("content"))),
                *((f"response {status}",
                   parity._ref(a["responses"].get(status, {}).get("content")),
                   parity._ref(b["responses"].get(status, {}).get("content")))
                  for status in ("200", "default"))):
            if x != y:
                problems.append(f"{where}: {what} {y}, slurmrestd {x}")
        pa = [parity._parameter_view(p) for p in a.get("parameters", [])]
        pb = [parity._parameter_view(p) for p in b.get("parameters", [])]
        if pa != pb:
            problems.append(f"{where}: parameters {pb}, slurmrestd {pa}")
        operations += len(problems) == before
    field_total = field_matched = 0
    schemas = ours()["components"]["schemas"]
    for body in sorted(parity._bodies(theirs)):
        a = fields(reference(), body)
        field_total += len(a)
        if body not in schemas:
            problems.append(f"{body}: not described by restd ({len(a)} fields)")
            continue
        b = {path: info for path, info in fields(ours(), body).items()
             if parity.STRIPPED_PROPERTY not in path.replace("[]", "").split("/")}
        for path in sorted(a.keys() - b.keys()):
            problems.append(f"{body}:{path}: missing ({parity._describe(a[path])})")
        for path in sorted(b.keys() - a.keys()):
            problems.append(f"{body}:{path}: not in slurmrestd's ({parity._describe(b[path])})")
        for path in sorted(a.keys() & b.keys()):
            if parity._comparable(a[path]) != parity._comparable(b[path]):
                problems.append(f"{body}:{path}: {parity._describe(b[path])}, "
                                f"slurmrestd {parity._describe(a[path])}")
            else:
                field_matched += 1
    return problems, operations, len(theirs), field_matched, field_total


def _message(version: str, problems: list[str]) -> str:
    return f"{len(problems)} differences for the new /slurm/{version}/ operations:\n" + \
        "\n".join(f"  {problem}" for problem in problems)


@pytest.mark.parametrize("version", VERSIONS)
def test_new_operations_equal_the_reference(version):
    problems, operations, of, matched, total = compare(version)
    print(f"{version}: new operations {operations}/{of}, their fields {matched}/{total}")
    assert not problems, _message(version, problems)


if __name__ == "__main__":
    for name in VERSIONS:
        found, ops, ops_total, fields_matched, fields_total = compare(name)
        print(f"{name}: new operations {ops}/{ops_total}, fields {fields_matched}/{fields_total}")
        print("\n".join(f"  {problem}" for problem in found))
