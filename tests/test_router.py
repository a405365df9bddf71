"""restd.router: path templates, trailing slashes, parameters, 404 versus 405."""
import json
from pathlib import Path

import pytest

from restd.router import Match, MethodNotAllowed, Router
from shared_dir import SHARED

REFERENCE = (SHARED / "reference/slurmrestd-24.11.5-openapi.json")


def router(*routes):
    table = Router()
    for method, template in routes:
        table.add(method, template, f"{method} {template}")
    return table


def test_static_and_parameter_segments():
    table = router(("GET", "/slurm/v0.0.40/jobs/"), ("GET", "/slurm/v0.0.40/job/{job_id}"))
    assert table.match("GET", "/slurm/v0.0.40/jobs/") == Match("GET /slurm/v0.0.40/jobs/", {})
    assert table.match("GET", "/slurm/v0.0.40/job/194_1") == Match(
        "GET /slurm/v0.0.40/job/{job_id}", {"job_id": "194_1"})


@pytest.mark.parametrize("path", ["/slurm/v0.0.40/jobs", "/slurm/v0.0.40/jobs/"])
def test_trailing_slash_is_optional_on_requests(path):
    table = router(("GET", "/slurm/v0.0.40/jobs/"))
    assert isinstance(table.match("GET", path), Match)


def test_trailing_slash_is_optional_on_templates():
    table = router(("GET", "/slurm/v0.0.40/shares"))
    assert isinstance(table.match("GET", "/slurm/v0.0.40/shares/"), Match)


def test_unknown_paths():
    table = router(("GET", "/slurm/v0.0.40/job/{job_id}"))
    assert table.match("GET", "/slurm/v0.0.40/nothing") is None
    assert table.match("GET", "/slurm/v0.0.40/job/") is None  # a parameter is never empty
    assert table.match("GET", "/slurm/v0.0.40/job/1/extra") is None
    assert table.match("GET", "/") is None


def test_wrong_method_lists_the_allowed_ones():
    table = router(("GET", "/slurm/v0.0.40/job/{job_id}"),
                   ("DELETE", "/slurm/v0.0.40/job/{job_id}"),
                   ("POST", "/slurm/v0.0.40/job/{job_id}"))
    assert table.match("PUT", "/slurm/v0.0.40/job/1") == MethodNotAllowed(
        ("DELETE", "GET", "POST"))


def test_head_is_answered_where_get_is():
    table = router(("GET", "/a"), ("POST", "/b"))
    assert table.match("HEAD", "/a") == Match("GET /a", {})
    assert table.match("HEAD", "/b") == MethodNotAllowed(("POST",))


def test_method_is_case_insensitive():
    assert isinstance(router(("get", "/a")).match("GET", "/a"), Match)


def test_static_segment_wins_and_parameter_is_the_fallback():
    table = router(("POST", "/slurm/v0.0.40/job/submit"), ("GET", "/slurm/v0.0.40/job/{job_id}"),
                   ("GET", "/x/{a}/c"), ("GET", "/x/b/d"))
    assert table.match("POST", "/slurm/v0.0.40/job/submit").target.endswith("submit")
    # "submit" exists as a static segment, but only for POST: still a path, so 405.
    assert isinstance(table.match("GET", "/slurm/v0.0.40/job/submit"), MethodNotAllowed)
    # /x/b/c: the static "b" leads nowhere for "c", the parameter does.
    assert table.match("GET", "/x/b/c") == Match("GET /x/{a}/c", {"a": "b"})


def test_parameter_names_belong_to_each_route():
    table = router(("GET", "/u/{name}"), ("GET", "/u/{id}/keys"))
    assert table.match("GET", "/u/alice").params == {"name": "alice"}
    assert table.match("GET", "/u/7/keys").params == {"id": "7"}


def test_decoded_characters_stay_in_their_segment():
    table = router(("GET", "/slurm/v0.0.40/node/{node_name}"))
    assert table.match("GET", "/slurm/v0.0.40/node/n[1-4] x").params == {
        "node_name": "n[1-4] x"}


def test_a_route_defined_twice_is_an_error():
    table = router(("GET", "/a/{x}"))
    with pytest.raises(ValueError):
        table.add("GET", "/a/{y}/", "again")


def test_a_match_is_kept_and_each_caller_gets_its_own_parameters(monkeypatch):
    table = router(("GET", "/slurm/v0.0.40/job/{job_id}"))
    walked = []
    find = table._find
    # the walk from the root (index 0); it calls itself for each further segment
    monkeypatch.setattr(table, "_find", lambda *args: walked.append(args[2]) or find(*args))
    first = table.match("GET", "/slurm/v0.0.40/job/7")
    first.params["job_id"] = "changed by its caller"
    assert table.match("GET", "/slurm/v0.0.40/job/7") == Match(
        "GET /slurm/v0.0.40/job/{job_id}", {"job_id": "7"})
    assert walked.count(0) == 1
    # a route added later is found: what was kept is dropped
    assert table.match("GET", "/slurm/v0.0.40/jobs") is None
    table.add("GET", "/slurm/v0.0.40/jobs", "GET jobs")
    assert table.match("GET", "/slurm/v0.0.40/jobs") == Match("GET jobs", {})

def test_every_path_of_slurmrestd_routes_to_itself():
    """The real daemon's 111 paths and 174 operations, in one table."""
    paths = json.loads(REFERENCE.read_text())["paths"]
    table = Router()
    for template, methods in paths.items():
        for method in methods:
            table.add(method, template, (method.upper(), template))
    for template, methods in paths.items():
        concrete = template.replace("{", "X").replace("}", "")
        for method in methods:
            found = table.match(method.upper(), concrete)
            assert isinstance(found, Match), (method, template)
            assert found.target == (method.upper(), template)
