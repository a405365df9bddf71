"""restd answers as the real slurmrestd 24.11.5 and 26.05.5 do: the battery of
tests/reference/battery.py, recorded from the real daemon (v0.0.40:
../shared/reference/samples/v0.0.40; v0.0.41 and v0.0.42: tests/fixtures/real-24.11/, by
tests/reference/record_real_slurmrestd.py; v0.0.45: ../shared/reference/samples/v0.0.45,
slurmrestd 26.05.5, slurmctld exchanges only), replayed against restd (``-a jwt -s
slurmctld,slurmdbd``, every version it serves) on the local cluster, in the same order,
with a token of root.

Per exchange and version: the status, the content type, the envelope (meta.plugin, the
keys of meta.slurm, the error numbers) and the body's structure: every key path of the
real answer is in restd's, with the same JSON types (numbers are one type, as in JSON; a
list's items are compared as the union of their key paths and types). Values are the
clusters' own and are not compared. Differences are reported by path.

Where restd differs from the real daemon on purpose, DELIBERATE says so per exchange, with
what restd answers instead and what is compared then; nothing else is excused.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import pytest
import yaml

from shared_dir import REFERENCE
from conftest import RestdDaemon

sys.path.insert(0, str(Path(__file__).resolve().parent / "reference"))
import battery  # noqa: E402

pytestmark = [pytest.mark.cluster, pytest.mark.timeout(600)]

REPO = Path(__file__).resolve().parent.parent
SAMPLES = {
    battery.V40: REFERENCE / "samples" / "v0.0.40",
    battery.V41: REPO / "tests" / "fixtures" / "real-24.11" / "v0.0.41",
    battery.V42: REPO / "tests" / "fixtures" / "real-24.11" / "v0.0.42",
    battery.V45: REFERENCE / "samples" / "v0.0.45",
}
VERSIONS = sorted(SAMPLES)
# The user restd runs as here; the reference's daemon ran as "rest" (db_user_rest).
SERVICE_USER = "restd"
ENVELOPE = ("meta", "errors", "warnings")


@dataclass(frozen=True)
class Deliberate:
    """restd's answer where it differs from the real daemon's on purpose."""
    status: int
    why: str
    # compared instead of the real answer's whole structure: the envelope only, or the
    # structure of another of the real daemon's answers (``like``)
    compare: str = "envelope"
    like: Optional[str] = None
    error_numbers: Optional[list] = None
    content_type: str = "application/json"
    versions: frozenset = battery.ALL


DELIBERATE: dict[str, Deliberate] = {
    "no_token": Deliberate(
        401, "a missing credential is refused (401, error 9008), where slurmrestd answers "
        "200 with the controller shown DOWN: a bad credential is not a controller outage",
        error_numbers=[9008]),
    "bad_token": Deliberate(
        401, "a token that is not one is refused (401, error 9008), where slurmrestd "
        "answers 200 with the controller shown DOWN", error_numbers=[9008]),
    "submit_inf_string": Deliberate(
        200, "\"time_limit\": \"infinity\" is converted, with a warning, as the slides "
        "promise; slurmrestd answers 500 (v0.0.40: 9209, expected a dictionary; v0.0.41 "
        "and v0.0.42: 9202, expected an integer). restd's answer has the structure of the "
        "real daemon's successful submission", compare="like", like="submit"),
    "jobs_state": Deliberate(
        200, "slurmrestd 24.11 declares jobs/state's answer as openapi_job_info_resp (api.c: "
        "DATA_PARSER_OPENAPI_JOB_INFO_RESP) but dumps OPENAPI_JOB_STATE_RESP (jobs.c): "
        "{job_id: \"2_*\", state: [...]}, which a client generated from its document "
        "cannot read (job_id is an integer there). restd answers as the document says: "
        "the structure of the real daemon's jobs answer", compare="like", like="jobs"),
    "unknown_url": Deliberate(
        404, "an unknown URL is answered with slurmrestd 24.11's text, for every version; "
        "26.05 reworded it (\"Unable to find requested URL endpoint. Please query the "
        "'/openapi/v3' endpoint or visit ...\"): the status and content type are compared",
        compare="status", content_type="text/plain", versions=frozenset({battery.V45})),
    "bad_method": Deliberate(
        405, "a method the path does not take is 405 with Allow, where slurmrestd answers "
        "404 as for an unknown URL", compare="status", content_type="text/plain"),
}
# Not listed, for the structure comparison cannot see it: db_jobs_state_failed. slurmrestd
# passes the state name to slurmdbd, which cannot match it (its list is empty although the
# battery made a FAILED job, submit_failing); restd converts it and lists the job.

# Where the reference samples recorded a condition of the machine they were taken on,
# not the daemon's behaviour: compared with what restd answers with slurmdbd up.
RECORDED_CONDITIONS: dict[tuple[str, str], Deliberate] = {
    (battery.V40, name): Deliberate(
        200, "the v0.0.40 reference was recorded while its slurmdbd was unreachable "
        "(errors: 111 Connection refused from slurmdb_tres_get, hence 500); with slurmdbd "
        "up, slurmrestd answers 200 (v0.0.41 and v0.0.42 samples). The body's structure "
        "outside the envelope is compared", compare="body")
    for name in ("partitions", "partition_debug")
}


# meta.plugin members that show how the reference's cluster was set up, not the daemon:
# by version, each with why it is not compared.
RECORDED_PLUGIN = {
    battery.V45: {"accounting_storage": "the v0.0.45 samples were recorded from slurmrestd "
                  "26.05.5 on a cluster without accounting (\"\"); restd's cluster has "
                  "slurmdbd (accounting_storage/slurmdbd)"},
}


# Paths of answers whose difference shows the state of the reference's cluster when it
# was recorded, not the daemon: (version, exchange) -> {path: why}; the path and what is
# under it are not compared, everything else is.
NO_ACCOUNTING = ("the v0.0.45 samples were recorded on a cluster without accounting: "
                 "slurmrestd 26.05.5 warned that it could not ask slurmdbd")
RECORDED_PATHS: dict[tuple[str, str], dict[str, str]] = {
    (battery.V45, "shares"): {"#/warnings": NO_ACCOUNTING},
    (battery.V45, "partitions"): {"#/warnings": NO_ACCOUNTING},
    (battery.V45, "partition_debug"): {"#/warnings": NO_ACCOUNTING},
    (battery.V45, "job_get"): {
        "#/jobs/[]/job_resources": "the recorded job was still PENDING (no resources, "
        "null); the replay reads it RUNNING (after_running)"},
    (battery.V45, "job_signal"): {
        "#/status": "the recorded job could not be signalled yet (2020, \"Job can not be "
        "altered now\": an entry in status); the replay signals a RUNNING job (an empty "
        "status, as the recorded job_cancel's)"},
}


# Paths of the real daemon's document restd does not serve yet, each with why: the
# openapi_v3 exchange fails on any other, and on these once restd serves them.
NOT_YET_SERVED: dict[str, dict[str, str]] = {}


def without_recorded(version: str, name: str, lines: list[str]) -> list[str]:
    """``lines`` but those about a path of RECORDED_PATHS (or under it)."""
    paths = RECORDED_PATHS.get((version, name), {})
    return [line for line in lines
            if not any(line.split(":", 1)[0] == path or line.startswith(path + "/")
                       for path in paths)]


# Where the Slurm restd runs on lacks what the real daemon's (24.11) has: by the minimum
# (major, minor) the exchange needs.
NEEDS_SLURM: dict[str, tuple[tuple[int, int], Deliberate]] = {
    "db_instances": ((23, 11), Deliberate(
        501, "slurmdb_instances_get() came with Slurm 23.11: on an older Slurm restd answers "
        "501 with ESLURM_NOT_SUPPORTED (2036) instead of a list it cannot read",
        error_numbers=[2036])),
}


def deliberate(version: str, name: str, slurm: tuple[int, int]) -> Optional[Deliberate]:
    needs = NEEDS_SLURM.get(name)
    if needs is not None and slurm < needs[0]:
        return needs[1]
    found = RECORDED_CONDITIONS.get((version, name)) or DELIBERATE.get(name)
    return found if found is not None and version in found.versions else None


def sample(version: str, name: str) -> dict:
    return json.loads((SAMPLES[version] / f"{name}.json").read_text())


def recorded(version: str) -> list[battery.Exchange]:
    """The battery's exchanges the real daemon's samples hold for ``version``."""
    return [e for e in battery.for_version(version)
            if (SAMPLES[version] / f"{e.name}.json").exists()]


# --- structure ------------------------------------------------------------------------

def json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def key_paths(value: Any, path: str = "#", found: Optional[dict] = None) -> dict[str, set]:
    """{path: the JSON types seen there} of every value in ``value``; a list's items are
    all under ``path/[]`` (the union of their paths and types: one job without resources
    has null where a running one has an object)."""
    found = {} if found is None else found
    found.setdefault(path, set()).add(json_type(value))
    if isinstance(value, dict):
        for key, item in value.items():
            key_paths(item, f"{path}/{key}", found)
    elif isinstance(value, list):
        for item in value:
            key_paths(item, f"{path}/[]", found)
    return found


def structure_differences(real: Any, ours: Any, skip: tuple = ()) -> list[str]:
    """Every key path of ``real`` missing from ``ours``, or where ``real`` has a JSON type
    ``ours`` never has there, one line each; paths under an empty list of ours are
    reported once, at the list. ``skip``: top-level keys left out."""
    real_paths = key_paths(real)
    our_paths = key_paths(ours)
    lines = []
    reported_lists = []

    def kinds(types: set) -> str:
        return "/".join(sorted(types))
    for path, types in real_paths.items():
        if any(path == f"#/{key}" or path.startswith(f"#/{key}/") for key in skip):
            continue
        if any(path.startswith(prefix) for prefix in reported_lists):
            continue
        if path not in our_paths:
            parent = path.rsplit("/[]", 1)[0] if "/[]" in path else None
            if parent is not None and "array" in our_paths.get(parent, ()) \
                    and f"{parent}/[]" not in our_paths:
                lines.append(f"{parent}: the real daemon's list has items, restd's is empty "
                             "(their fields cannot be compared)")
                reported_lists.append(f"{parent}/[]")
                continue
            lines.append(f"{path}: missing (real: {kinds(types)})")
        elif not types <= our_paths[path]:
            lines.append(f"{path}: restd {kinds(our_paths[path])}, real {kinds(types)}")
    return lines


def envelope_differences(version: str, real: dict, ours: Any,
                         error_numbers: Optional[list] = None, errors: bool = True,
                         items: bool = True) -> list[str]:
    """meta.plugin equal (type, name, data_parser, accounting_storage), meta.slurm's keys
    present, errors and warnings lists, the same error numbers (unless not ``errors``),
    the keys of their items (unless not ``items`` or not ``errors``)."""
    if not isinstance(ours, dict):
        return [f"#: restd answered {json_type(ours)}, not an object"]
    lines = []
    for key in ENVELOPE:
        if key in real and key not in ours:
            lines.append(f"#/{key}: missing")
    real_plugin = (real.get("meta") or {}).get("plugin")
    our_plugin = (ours.get("meta") or {}).get("plugin")
    if real_plugin is not None and isinstance(our_plugin, dict):
        recorded_keys = RECORDED_PLUGIN.get(version, {})
        real_plugin = {k: v for k, v in real_plugin.items() if k not in recorded_keys}
        our_plugin = {k: v for k, v in our_plugin.items() if k not in recorded_keys}
    if real_plugin is not None and real_plugin != our_plugin:
        lines.append(f"#/meta/plugin: restd {our_plugin}, real {real_plugin}")
    expected = error_numbers if error_numbers is not None else \
        [e.get("error_number") for e in real.get("errors", [])]
    got = [e.get("error_number") for e in ours.get("errors", []) or []]
    if errors and got != expected:
        lines.append(f"#/errors: error numbers {got}, expected {expected} "
                     f"({[e.get('description') for e in ours.get('errors', []) or []]})")
    compared = ENVELOPE if errors and items else ("meta",)
    lines += structure_differences({k: real[k] for k in compared if k in real},
                                   {k: ours[k] for k in compared if k in ours})
    return lines


def content_type(headers: dict) -> str:
    """The media type a Content-Type header names, whatever the case of its name."""
    kind = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    return kind.split(";")[0].strip()


def parse_body(kind: str, body: Any) -> Any:
    """YAML answers (Slurm's, with its !!str tags, and restd's) as data."""
    if kind == "application/yaml" and isinstance(body, str):
        return yaml.safe_load(body)
    return body


# --- the replay ------------------------------------------------------------------------

@dataclass
class Replay:
    answers: dict = field(default_factory=dict)    # name -> (request, status, headers, body)
    skipped: dict = field(default_factory=dict)    # name -> why
    job_ids: list = field(default_factory=list)


def remove_captured_account(cluster) -> None:
    cluster.run("sacctmgr", "-i", "delete", "user", "capuser", check=False)
    cluster.run("sacctmgr", "-i", "delete", "account", "capacct", check=False)


@pytest.fixture(scope="module")
def daemon(cluster):
    remove_captured_account(cluster)
    restd = RestdDaemon(cluster, data_parser=",".join(VERSIONS),
                        services="slurmctld,slurmdbd", user=battery.USER).start()
    yield restd
    restd.stop()
    remove_captured_account(cluster)


@pytest.fixture(scope="module")
def slurm_version(cluster) -> tuple[int, int]:
    return cluster.version()


@pytest.fixture(scope="module")
def replays(daemon, cluster):
    """The battery of each version replayed once, in order, on first use."""
    done: dict[str, Replay] = {}

    def replay(version: str) -> Replay:
        if version in done:
            return done[version]
        result = done[version] = Replay()

        def fetch(method: str, path: str):
            status, _, body = daemon.request(method, path)
            return status, body
        values: dict = {"service_user": SERVICE_USER}
        for exchange in battery.for_version(version):
            if exchange.stored and not (SAMPLES[version] / f"{exchange.name}.json").exists():
                continue  # v0.0.40: the reference's battery has no such exchange
            try:
                request = exchange.render(version, values)
            except KeyError as error:
                result.skipped[exchange.name] = str(error)
                continue
            battery.wait_before(exchange, fetch, version, values)
            status, headers, body = daemon.request(request["method"], request["path"],
                                                   body=request["body"],
                                                   headers=request["headers"])
            job_id = battery.made_job_id(body)
            if job_id is not None:
                values[exchange.name] = job_id
                result.job_ids.append(job_id)
            result.answers[exchange.name] = (request, status, headers, body)
        return result

    yield replay
    ids = [str(job_id) for r in done.values() for job_id in r.job_ids]
    if ids:
        cluster.run("scancel", *ids, check=False)


# --- tests -----------------------------------------------------------------------------

@pytest.mark.parametrize("version", [battery.V40, battery.V45])
def test_battery_is_the_reference_battery(version):
    """The battery renders the reference's own requests (with the job ids its answers
    gave, and its service user "rest"), so that the replays of v0.0.40 and v0.0.45 are
    the reference's."""
    values = {"service_user": "rest"}
    differences = []
    for exchange in recorded(version):
        stored = sample(version, exchange.name)
        request = exchange.render(version, values)
        job_id = battery.made_job_id(stored["body"])
        if job_id is not None:
            values[exchange.name] = job_id
        for key in ("method", "path", "body"):
            if request[key] != stored["request"][key]:
                differences.append(f"{exchange.name}: {key} {request[key]!r}, "
                                   f"reference {stored['request'][key]!r}")
        if (request["headers"] or None) != (stored["request"].get("headers") or None):
            differences.append(f"{exchange.name}: headers {request['headers']}, "
                               f"reference {stored['request'].get('headers')}")
    missing = sorted(p.stem for p in SAMPLES[version].glob("*.json")
                     if p.stem not in battery.BY_NAME)
    assert not differences and not missing, "\n".join(differences + [f"not in the battery: {missing}"])


def test_structure_comparison_reports_by_path():
    """What the comparison reports: a missing key, a JSON type restd never has there,
    an empty list where the real one has items; numbers of either kind and extra keys
    of restd's are no difference."""
    real = {"jobs": [{"id": 1, "res": None, "t": {"a": 1}}, {"id": 2, "res": {"n": 1}}],
            "x": 1.5, "list": [{"k": 1}]}
    ours = {"jobs": [{"id": 1.0, "res": {"n": 2}, "t": {}, "extra": 1}], "x": 2,
            "list": []}
    assert structure_differences(real, ours) == [
        "#/jobs/[]/res: restd object, real null/object",
        "#/jobs/[]/t/a: missing (real: number)",
        "#/list: the real daemon's list has items, restd's is empty "
        "(their fields cannot be compared)"]
    assert structure_differences(real, ours, skip=("jobs", "list")) == []


def test_recordings_hold_no_token():
    """The recorded requests carry no credential but the bogus ones of no_token and
    bad_token."""
    for version in (battery.V41, battery.V42, battery.V45):
        for path in sorted(SAMPLES[version].glob("*.json")):
            request = json.loads(path.read_text())["request"]
            headers = {k.lower(): v for k, v in (request["headers"] or {}).items()}
            assert "authorization" not in headers, path
            assert headers.get(battery.TOKEN_HEADER.lower()) in (None, "", "abc.def.ghi"), path
            assert "eyJ" not in path.read_text(), path


CASES = [pytest.param(version, exchange.name, id=f"{version}-{exchange.name}")
         for version in VERSIONS for exchange in recorded(version)]


@pytest.mark.parametrize("version, name", CASES)
def test_answer_as_the_real_daemon(replays, slurm_version, version, name):
    replay = replays(version)
    if name in replay.skipped:
        pytest.fail(f"not replayed: {replay.skipped[name]}")
    request, status, headers, body = replay.answers[name]
    real = sample(version, name)
    real_kind, our_kind = content_type(real["headers"]), content_type(headers)
    real_body, our_body = parse_body(real_kind, real["body"]), parse_body(our_kind, body)
    where = f"{request['method']} {request['path']}"
    excused = deliberate(version, name, slurm_version)
    differences: list[str] = []

    if excused is not None:
        if status != excused.status:
            differences.append(f"status {status}, expected restd's deliberate {excused.status} "
                               f"(real {real['status']}: {excused.why})")
        if our_kind != excused.content_type:
            differences.append(f"content type {our_kind!r}, expected {excused.content_type!r}")
        if excused.compare == "envelope":
            # the real answer's warnings and errors are not restd's here: their numbers
            # are stated, their items not compared
            differences += envelope_differences(version, real_body, our_body,
                                                excused.error_numbers, items=False)
        elif excused.compare == "status":
            if excused.status == 405 and "Allow" not in headers:
                differences.append("no Allow header with the 405")
        elif excused.compare == "like":
            like = sample(version, excused.like)
            differences += envelope_differences(version, like["body"], our_body)
            differences += structure_differences(like["body"], our_body, skip=ENVELOPE)
        elif excused.compare == "body":
            differences += structure_differences(real_body, our_body, skip=ENVELOPE)
            differences += envelope_differences(version, real_body, our_body, errors=False)
    else:
        if status != real["status"]:
            differences.append(f"status {status}, real {real['status']}")
        if our_kind != real_kind:
            differences.append(f"content type {our_kind!r}, real {real_kind!r}")
        if name == "openapi_v3":
            # the v0.0.40 reference keeps the /slurm/ paths only: compared within the
            # plugins (/slurm/, /slurmdb/) the sample lists
            real_paths = {p for p in real_body["paths"] if f"/{version}/" in p}
            plugins = {p.split("/")[1] for p in real_paths}
            our_paths = {p for p in (our_body or {}).get("paths", {})
                         if f"/{version}/" in p and p.split("/")[1] in plugins}
            missing = real_paths - our_paths
            pending = set(NOT_YET_SERVED.get(version, {}))
            differences += [f"#/paths: {p} missing" for p in sorted(missing - pending)]
            differences += [f"#/paths: {p} served now: remove it from NOT_YET_SERVED"
                            for p in sorted(pending - missing)]
            differences += [f"#/paths: {p} not served by the real daemon"
                            for p in sorted(our_paths - real_paths)]
        elif isinstance(real_body, dict):
            differences += envelope_differences(version, real_body, our_body)
            differences += structure_differences(real_body, our_body, skip=ENVELOPE)
        elif real_body != our_body:
            differences.append(f"body {our_body!r:.200}, real {real_body!r:.200}")
    differences = without_recorded(version, name, differences)
    assert not differences, f"{version} {name} ({where}):\n  " + "\n  ".join(differences)
