"""content/util (``-s util``): POST /util/{v0.0.44,v0.0.45}/hostlist and hostnames.

The parsing of the bodies is checked as plain functions; the answers against the
real daemon, restd started with ``-s util`` alone on the local cluster's
libslurm, and compared with what Slurm itself computes for the same input:
``scontrol show hostlist`` (hostlist_ranged_string() of pushed names) and
``scontrol show hostnames`` (hostlist_create() and its iteration)."""
from __future__ import annotations

import json
import subprocess
import time

import pytest

from restd.data_parser import parse
from restd.data_parser.versions import version
from tests.conftest import REPO, RestdDaemon
from tests.shared_dir import REFERENCE as SHARED_REFERENCE

REFERENCE = SHARED_REFERENCE / "slurmrestd-26.05.5-openapi.json"
UTIL_VERSIONS = ("v0.0.44", "v0.0.45")


# --- plain functions: the bodies as the versions read them -------------------------------

@pytest.mark.parametrize("name", UTIL_VERSIONS)
def test_the_util_bodies_are_kinds_of_v0044_on(name):
    kinds = version(name)
    assert {"OPENAPI_HOSTLIST_REQ_RESP", "OPENAPI_HOSTNAMES_REQ_RESP"} <= set(kinds.roots)
    for older in ("v0.0.42", "v0.0.43"):
        assert "OPENAPI_HOSTLIST_REQ_RESP" not in version(older).kinds


def test_hostnames_body_reads_a_list_or_an_expression_into_the_ranged_string():
    kinds = version("v0.0.44")
    result = parse.parse(kinds, "OPENAPI_HOSTNAMES_REQ_RESP", {"hostnames": ["n1", "n[2-3]"]})
    assert not result.errors and result.value["response"] == "n[1-3]"
    result = parse.parse(kinds, "OPENAPI_HOSTLIST_REQ_RESP", {"hostlist": "n[1-2],m"})
    assert not result.errors and result.value["response"] == "n[1-2],m"
    # Slurm: an empty string is no hostlist (the member stays NULL)
    result = parse.parse(kinds, "OPENAPI_HOSTLIST_REQ_RESP", {"hostlist": ""})
    assert not result.errors and result.value.get("response") is None


@pytest.mark.parametrize("body, source, text", [
    ({}, "#/", "Missing required field 'hostnames'"),
    ({"hostnames": ["n1", 7]}, "#/hostnames[1]/", "Expected string but got 64 bit integer"),
    ({"hostnames": {"a": 1}}, "#/hostnames/", "Expected list or string but got dictionary"),
    ({"hostnames": ["n\u0000"]}, "#/hostnames[0]/", "NUL"),
])
def test_hostnames_body_refusals_name_where(body, source, text):
    result = parse.parse(version("v0.0.45"), "OPENAPI_HOSTNAMES_REQ_RESP", body)
    assert result.errors, result
    assert result.errors[0]["source"] == source
    assert text in result.errors[0]["description"]


def test_host_bound_is_never_below_what_the_expression_names():
    from restd.native.hostlist import host_bound
    assert host_bound("n[1-3,5],m x") == 6
    assert host_bound("a[0-65535]b[0-65535]") == 1 << 32
    assert host_bound("a[1-2],b[01-10]c[1-3]") == 2 + 30
    assert host_bound("n[x-y]") == 1  # not a range: one host at most (or an error)


# --- the daemon ------------------------------------------------------------------------

class UtilDaemon(RestdDaemon):
    """restd -s util alone, serving the versions around the one that adds it."""

    DATA_PARSER = "v0.0.43,v0.0.44,v0.0.45"
    SERVICES = "util"


@pytest.fixture(scope="module")
def util(cluster, tmp_path_factory):
    directory = tmp_path_factory.mktemp("restd-util")
    directory.chmod(0o755)
    daemon = UtilDaemon(cluster, directory).start()
    yield daemon
    daemon.stop()


def scontrol_show(cluster, what: str, argument: str) -> str:
    return cluster.run("scontrol", "show", what, argument).stdout.strip()


NAME_LISTS = [
    ["n1", "n2", "n3", "n4"],
    ["n3", "n1", "n2", "n2", "m7"],                   # order and duplicates kept
    ["node001", "node002", "node010", "node9", "x"],  # zero padding
    ["n[1-3]", "n5", "gpu[01-02]"],                   # entries may be expressions
    ["rack1-node3", "rack1-node4", "a.b.c"],
]


@pytest.mark.cluster
@pytest.mark.parametrize("dp", UTIL_VERSIONS)
@pytest.mark.parametrize("names", NAME_LISTS)
def test_hostlist_is_slurms_compression(util, cluster, dp, names):
    status, headers, body = util.request("POST", f"/util/{dp}/hostlist",
                                         body={"hostnames": names})
    assert status == 200, body
    assert headers["Content-Type"].startswith("application/json")
    assert body["hostlist"] == scontrol_show(cluster, "hostlist", ",".join(names))
    assert body["errors"] == [] and body["warnings"] == []


EXPRESSIONS = ["n[1-4]", "n[3,1-2],m7,n2", "node[001-003,010],x", "a[1-2]b[3-4]",
               "gpu[01-02] cpu[1-2]"]


@pytest.mark.cluster
@pytest.mark.parametrize("dp", UTIL_VERSIONS)
@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_hostnames_is_slurms_expansion(util, cluster, dp, expression):
    status, _, body = util.request("POST", f"/util/{dp}/hostnames",
                                   body={"hostlist": expression})
    assert status == 200, body
    assert body["hostnames"] == scontrol_show(cluster, "hostnames", expression).split()


@pytest.mark.cluster
def test_the_two_directions_and_their_empty_cases(util):
    path = "/util/v0.0.45/"
    assert util.request("POST", path + "hostnames",
                        body={"hostlist": ["n1", "n[2-3]"]})[2]["hostnames"] == \
        ["n1", "n2", "n3"]
    assert util.request("POST", path + "hostlist",
                        body={"hostnames": "n1,n2,n3"})[2]["hostlist"] == "n[1-3]"
    assert util.request("POST", path + "hostlist", body={"hostnames": []})[2]["hostlist"] == ""
    assert util.request("POST", path + "hostnames", body={"hostlist": ""})[2]["hostnames"] == []


@pytest.mark.cluster
def test_meta_names_the_util_plugin_and_the_slurm_release(util, cluster):
    status, _, body = util.request("POST", "/util/v0.0.44/hostlist",
                                   body={"hostnames": ["n1"]})
    assert status == 200
    plugin = body["meta"]["plugin"]
    assert (plugin["type"], plugin["name"], plugin["data_parser"]) == \
        ("openapi/util", "Slurm OpenAPI util", "data_parser/v0.0.44")
    major, minor = cluster.version()
    assert body["meta"]["slurm"]["release"].startswith(f"{major}.{minor:02d}.")


@pytest.mark.cluster
def test_util_is_served_from_v0044_only_and_needs_a_credential(util):
    assert util.request("POST", "/util/v0.0.43/hostlist", body={"hostnames": ["n1"]})[0] \
        == 404
    assert util.request("POST", "/util/v0.0.44/hostlist", body={"hostnames": ["n1"]},
                        user=None)[0] == 401
    status, headers, _ = util.request("GET", "/util/v0.0.44/hostlist")
    assert status == 405 and "POST" in headers["Allow"]


@pytest.mark.cluster
@pytest.mark.parametrize("operation, body, source, text", [
    ("hostlist", None, "_convert_hostnames_hostlist", "unexpected empty query"),
    ("hostlist", {}, "#/", "Missing required field 'hostnames'"),
    ("hostlist", {"hostnames": ["n1", True]}, "#/hostnames[1]/", "Expected string"),
    ("hostlist", {"hostnames": ["n1", ""]}, "#/hostnames[1]/", "Invalid host string: "),
    ("hostlist", {"hostnames": ["n[3-1]"]}, "#/hostnames[0]/", "Invalid host string"),
    ("hostnames", {"hostlist": "n[3-1]"}, "#/hostlist/", "Invalid hostlist string"),
    ("hostnames", {"hostlist": 5.5}, "#/hostlist/", "Expected list or string"),
    ("hostnames", {"hostnames": ["n1"]}, "#/", "Missing required field 'hostlist'"),
])
def test_bad_input_is_422_naming_where(util, operation, body, source, text):
    status, headers, answer = util.request("POST", f"/util/v0.0.45/{operation}", body=body)
    assert status == 422, answer
    assert headers["Content-Type"].startswith("application/json")
    error = answer["errors"][0]
    assert error["source"] == source and text in error["description"], error
    key = "hostlist" if operation == "hostlist" else "hostnames"
    assert key in answer  # the answer's schema field, empty, for generated clients


@pytest.mark.cluster
def test_a_body_that_is_not_json_is_400(util):
    status, _, answer = util.request("POST", "/util/v0.0.44/hostnames", raw=b"{nope",
                                     headers={"Content-Type": "application/json"})
    assert status == 400 and answer["errors"], answer


@pytest.mark.cluster
def test_large_input_is_answered_or_refused_without_hanging(util):
    # 2^20 names, the most one answer holds: answered, in Slurm's order
    expression = ",".join(f"p{index}[0-65535]" for index in range(16))
    start = time.monotonic()
    status, _, body = util.request("POST", "/util/v0.0.44/hostnames",
                                   body={"hostlist": expression})
    assert status == 200
    assert len(body["hostnames"]) == 1 << 20
    assert body["hostnames"][:2] == ["p00", "p01"]
    assert body["hostnames"][-1] == "p1565535"
    # more: refused before libslurm expands them (2^32 hosts in 20 bytes; 2^31+ hosts
    # would overflow libslurm's int count and read as no host at all)
    for huge in ("a[0-65535]b[0-65535]", expression + ",q[0-1]",
                 ",".join(f"p{index}[0-65535]" for index in range(40000))):
        status, _, body = util.request("POST", "/util/v0.0.44/hostnames",
                                       body={"hostlist": huge})
        assert status == 422, body
        assert body["errors"][0]["source"] == "#/hostlist/"
    status, _, body = util.request("POST", "/util/v0.0.44/hostlist",
                                   body={"hostnames": ["a[0-65535]b[0-65535]"]})
    assert status == 422 and "more hosts than Slurm's hostlist functions count" in \
        body["errors"][0]["description"]
    # as many entries to compress: refused beyond 2^20
    status, _, body = util.request("POST", "/util/v0.0.44/hostlist",
                                   body={"hostnames": ["n1"] * ((1 << 20) + 1)})
    assert status == 422 and body["errors"][0]["source"] == "#/hostnames/"
    # restd still answers at once
    assert util.request("POST", "/util/v0.0.44/hostlist",
                        body={"hostnames": ["n1", "n2"]})[2]["hostlist"] == "n[1-2]"
    assert time.monotonic() - start < 600


# --- the command line and the document -----------------------------------------------------

def _restd(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(REPO / ".venv" / "bin" / "python"), "-m", "restd", *args],
                          capture_output=True, text=True, timeout=120, cwd="/tmp",
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)})


def test_s_list_names_util():
    assert "util" in _restd("-s", "list").stdout.split()


def _without_texts(value):
    if isinstance(value, dict):
        return {key: _without_texts(item) for key, item in value.items()
                if key not in ("description", "summary")}
    if isinstance(value, list):
        return [_without_texts(item) for item in value]
    return value


def test_the_document_of_s_util_is_the_references():
    result = _restd("--generate-openapi-spec", "-s", "util")
    assert result.returncode == 0, result.stderr
    mine = json.loads(result.stdout)
    reference = json.loads(REFERENCE.read_text())
    expected = {path: item for path, item in reference["paths"].items()
                if path.startswith("/util/")}
    assert set(mine["paths"]) == set(expected)
    for path, item in expected.items():
        operation = mine["paths"][path]["post"]
        wanted = _without_texts(item["post"])
        assert operation["operationId"] == wanted["operationId"]
        assert operation["tags"] == wanted["tags"]
        for status, answer in wanted["responses"].items():
            assert operation["responses"][status]["content"]["application/json"] == \
                answer["content"]["application/json"]
        assert operation["requestBody"]["content"]["application/json"] == \
            wanted["requestBody"]["content"]["application/json"]
    for name, schema in reference["components"]["schemas"].items():
        if "hostlist" in name or "hostnames" in name:
            if name.split("_", 1)[0] in UTIL_VERSIONS:
                assert _without_texts(mine["components"]["schemas"][name]) == \
                    _without_texts(schema), name


# --- generated inputs --------------------------------------------------------------------

@pytest.mark.cluster
def test_generated_inputs_answer_no_server_error(util):
    """schemathesis' valid and invalid bodies for each util operation of restd's own
    document (40 cases each): never a 5xx, every answer as the document describes it."""
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import strategies as st
    from schemathesis.checks import not_a_server_error, response_schema_conformance

    schema = schemathesis.openapi.from_dict(util.document())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert sorted(op.path for op in operations) == sorted(
        f"/util/{dp}/{name}" for dp in UTIL_VERSIONS for name in ("hostlist", "hostnames"))
    token = util.token("alice")
    failures: list[str] = []
    statuses: dict[str, set] = {}
    for operation in operations:
        label = f"{operation.method.upper()} {operation.path}"
        cases = st.one_of(operation.as_strategy(schemathesis.GenerationMode.POSITIVE),
                          operation.as_strategy(schemathesis.GenerationMode.NEGATIVE))

        @settings(max_examples=40, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(case=cases)
        def run(case):
            response = case.call(base_url=f"http://127.0.0.1:{util.port}", timeout=120,
                                 headers={"X-SLURM-USER-TOKEN": token})
            statuses.setdefault(label, set()).add(response.status_code)
            try:
                case.validate_response(
                    response, checks=(not_a_server_error, response_schema_conformance))
            except BaseException as failure:  # schemathesis' FailureGroup
                failures.append(f"{label} -> {response.status_code}: {response.text[:300]} "
                                f"{str(failure).splitlines()[2:3]}")
        run()
    assert not failures, "\n".join(failures[:20])
    # both kinds of answer were seen: converted (200) and refused (4xx)
    for label, seen in statuses.items():
        assert 200 in seen and any(400 <= status < 500 for status in seen), (label, seen)
