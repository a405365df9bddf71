"""Parsing job submit bodies with the v0.0.40 descriptions: the slides' job,
array job and heterogeneous job forms (/work/shared/seed), the captured
requests of the reference samples, unknown fields, "inf" strings, the forms
accepted for {set, infinite, number} objects and type errors with their paths.

Parsed objects are dicts of job_desc_msg_t members (what the native binding
applies to a slurm_init_job_desc_msg() struct)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from restd.data_parser.types import (INFINITE, INFINITE16, MEM_PER_CPU, NO_VAL,
                                     NO_VAL64, NICE_OFFSET)
from restd.data_parser.v0040 import parse
from shared_dir import SHARED

SAMPLES = (SHARED / "reference/samples/v0.0.40")
ENV = ["PATH=/bin/:/usr/bin/:/sbin/"]

# The slides' examples (seed 000), as valid JSON.
JOB_JSON = {
    "script": "#!/bin/bash\nsrun uptime",
    "job": {"environment": ENV, "account": "test", "name": "test slurmrestd job",
            "memory_per_node": {"set": True, "number": 100}, "tasks": 5,
            "nodes": "2-10"},
}
ARRAY_JOB_JSON = {
    "script": "#!/bin/bash\nsrun uptime",
    "job": {"environment": ENV, "account": "test", "array": "100",
            "name": "test slurmrestd array job",
            "memory_per_node": {"set": True, "number": 100}, "tasks": 5,
            "nodes": "2-10"},
}
HET_JOB_JSON = {
    "script": "#!/bin/bash\nsrun uptime",
    "jobs": [
        {"environment": ENV, "account": "test", "name": "test slurmrestd job",
         "memory_per_node": {"set": True, "number": 100}, "tasks": 5, "nodes": "2-10"},
        {"memory_per_node": {"set": True, "number": 15}, "tasks": 1, "nodes": 1,
         "environment": ENV},
        {"nodes": 1, "environment": ENV},
    ],
}


def _ok(result):
    assert result.errors == [], result.errors
    return result.value


def test_job_json():
    value = _ok(parse("JOB_SUBMIT_REQ", JOB_JSON))
    assert value["script"] == "#!/bin/bash\nsrun uptime"
    job = value["job"]
    assert job == {"environment": ENV, "env_size": 1, "account": "test",
                   "name": "test slurmrestd job", "pn_min_memory": 100,
                   "num_tasks": 5, "min_nodes": 2, "max_nodes": 10}


def test_array_job_json():
    job = _ok(parse("JOB_SUBMIT_REQ", ARRAY_JOB_JSON))["job"]
    assert job["array_inx"] == "100"
    assert job["min_nodes"] == 2 and job["max_nodes"] == 10


def test_het_job_json():
    result = parse("JOB_SUBMIT_REQ", HET_JOB_JSON)
    jobs = _ok(result)["jobs"]
    # "nodes": 1 is accepted, with the warning Slurm gives for a non-string
    assert result.warnings == [{
        "description": "Expected OpenAPI type=string (Slurm type=string) but got "
                       "OpenAPI type=integer (Slurm type=64 bit integer)",
        "source": f"#/jobs[{index}]/nodes/"} for index in (1, 2)]
    assert len(jobs) == 3
    assert jobs[0]["pn_min_memory"] == 100 and jobs[0]["num_tasks"] == 5
    assert jobs[1] == {"pn_min_memory": 15, "num_tasks": 1, "min_nodes": 1,
                       "max_nodes": 1, "environment": ENV, "env_size": 1}
    assert jobs[2] == {"min_nodes": 1, "max_nodes": 1, "environment": ENV, "env_size": 1}


@pytest.mark.parametrize("sample", ["submit", "submit_array", "submit_het",
                                    "submit_bad_field", "submit_no_script"])
def test_captured_submit_bodies_parse(sample):
    path = SAMPLES / f"{sample}.json"
    body = json.loads(path.read_text())["request"]["body"]
    _ok(parse("JOB_SUBMIT_REQ", body))


def test_unknown_field_is_a_warning_with_its_path():
    """As slurmrestd answers submit_bad_field."""
    body = {"script": "#!/bin/bash\ntrue",
            "job": {"environment": ENV, "name": "captured job", "bogus_field": 1,
                    "hold": True}}
    result = parse("JOB_SUBMIT_REQ", body)
    assert result.errors == []
    assert result.warnings == [{
        "description": "Ignoring unknown field \"bogus_field\" of type 64 bit integer "
                       "in DATA_PARSER_JOB_DESC_MSG",
        "source": "#/job/bogus_field/"}]
    assert "bogus_field" not in result.value["job"]
    assert result.value["job"]["priority"] == 0  # hold


def test_unknown_fields_in_a_het_job_component_and_at_top():
    body = {"script": "x", "colour": "blue", "jobs": [{"tasks": 1}, {"taks": 2}]}
    result = parse("JOB_SUBMIT_REQ", body)
    assert [w["source"] for w in result.warnings] == ["#/colour/", "#/jobs[1]/taks/"]
    assert "of type string in DATA_PARSER_JOB_SUBMIT_REQ" in result.warnings[0]["description"]


def test_fast_skips_unknown_field_warnings():
    body = {"script": "x", "job": {"bogus_field": 1, "tasks": 2}}
    result = parse("JOB_SUBMIT_REQ", body, fast=True)
    assert result.warnings == [] and result.errors == []
    assert result.value["job"] == {"num_tasks": 2}


TYPE_WARNING = ("Expected OpenAPI type=object (Slurm type=dictionary) but got OpenAPI "
                "type=string (Slurm type=string)")


@pytest.mark.parametrize("text", ["inf", "+inf", "-inf", "infinity", "+infinity",
                                  "-infinity", "INF", "Infinity"])
def test_inf_strings_are_converted_with_a_warning(text):
    result = parse("JOB_DESC_MSG", {"time_limit": text}, path="#/job/")
    assert result.errors == []
    assert result.value == {"time_limit": INFINITE}
    # Slurm's type warning (as in submit_inf_string), then restd's conversion
    assert result.warnings == [
        {"description": TYPE_WARNING, "source": "#/job/time_limit/"},
        {"description": f"Converted string \"{text}\" to infinity",
         "source": "#/job/time_limit/"}]


def test_inf_string_inside_a_no_val_object_and_for_plain_numbers():
    result = parse("JOB_DESC_MSG", {"time_limit": {"set": True, "number": "infinity"},
                                    "kill_warning_delay": "inf",
                                    "memory_per_node": "infinity",
                                    "tasks": "+inf"})
    assert result.errors == []
    assert result.value["time_limit"] == INFINITE
    assert result.value["warn_time"] == INFINITE16
    assert result.value["pn_min_memory"] == 0  # 0 means unlimited memory
    assert result.value["num_tasks"] == 0xFFFFFFFF
    # in the description's (Slurm's table) order
    assert [w["source"] for w in result.warnings
            if w["description"].startswith("Converted")] == [
        "#/tasks/", "#/time_limit/", "#/kill_warning_delay/", "#/memory_per_node/"]


def test_fast_skips_type_warnings_but_not_conversion_warnings():
    result = parse("JOB_DESC_MSG", {"time_limit": "inf", "tasks": "3"}, fast=True)
    assert result.value == {"time_limit": INFINITE, "num_tasks": 3}
    assert [w["description"] for w in result.warnings] == [
        "Converted string \"inf\" to infinity"]


@pytest.mark.parametrize("data, expected", [
    (None, NO_VAL),
    (60, 60),
    ("60", 60),
    (" 60 ", 60),
    (60.0, 60),
    ({"set": True, "number": 60}, 60),
    ({"number": 60}, NO_VAL),  # as Slurm: not "set" (restd adds a warning)
    ({"set": False, "number": 60}, NO_VAL),
    ({"set": False}, NO_VAL),
    ({"infinite": True}, INFINITE),
    ({"set": True, "infinite": True, "number": 5}, INFINITE),
    ({"set": True, "number": "61"}, 61),
    (0xFFFFFFFF, INFINITE),  # the C value itself
    ({"set": True, "number": 0xFFFFFFFE}, NO_VAL),
])
def test_no_val_object_accepts_null_numbers_strings_and_objects(data, expected):
    result = parse("JOB_DESC_MSG", {"time_limit": data})
    assert result.errors == []
    assert result.value == {"time_limit": expected}


def test_number_without_set_is_ignored_with_a_warning():
    result = parse("JOB_DESC_MSG", {"time_limit": {"number": 60}})
    assert result.value == {"time_limit": NO_VAL}
    assert result.warnings == [{"description": "Ignoring \"number\" as \"set\" is not true",
                                "source": "#/time_limit/"}]


@pytest.mark.parametrize("body, source, number", [
    ({"job": {"tasks": "abc"}}, "#/job/tasks/", 9202),
    ({"job": {"tasks": [1]}}, "#/job/tasks/", 9202),
    ({"job": {"time_limit": "soon"}}, "#/job/time_limit/", 9209),
    ({"job": {"time_limit": {"set": True, "number": "x"}}}, "#/job/time_limit/", 9202),
    ({"job": {"time_limit": {"set": True}}}, "#/job/time_limit/", 9202),
    ({"job": {"time_limit": {"set": "maybe"}}}, "#/job/time_limit/", 9202),
    ({"job": {"time_limit": [60]}}, "#/job/time_limit/", 9209),
    ({"job": {"time_limit": True}}, "#/job/time_limit/", 9209),
    ({"job": {"environment": "PATH=/bin"}}, "#/job/environment/", 9208),
    ({"job": {"environment": ["A=1", {"B": 2}]}}, "#/job/environment[1]/", 9202),
    ({"job": {"name": {"first": "x"}}}, "#/job/name/", 9202),
    ({"job": {"mail_type": ["BEGIN", "SOMETIMES"]}}, "#/job/mail_type/", 9207),
    ({"job": {"mail_type": 3}}, "#/job/mail_type/", 9206),
    ({"job": {"requeue": "perhaps"}}, "#/job/requeue/", 9202),
    ({"job": {"nodes": "two"}}, "#/job/nodes/", 9202),
    ({"job": {"rlimits": {"nofile": "many"}}}, "#/job/rlimits/nofile/", 9209),
    ({"job": {"rlimits": 5}}, "#/job/rlimits/", 9209),
    ({"job": []}, "#/job/", 9209),
    ({"jobs": [{"tasks": 1}, {"tasks": "x"}]}, "#/jobs[1]/tasks/", 9202),
    ({"jobs": {"tasks": 1}}, "#/jobs/", 9208),
])
def test_type_errors_name_their_path(body, source, number):
    result = parse("JOB_SUBMIT_REQ", dict(body, script="#!/bin/sh\n"))
    assert [e["source"] for e in result.errors] == [source], result.errors
    error = result.errors[0]
    assert error["error_number"] == number
    assert error["error"] and error["description"]


def test_every_error_is_reported_and_parsing_goes_on():
    result = parse("JOB_DESC_MSG", {"tasks": "x", "name": "ok", "nice": "y"})
    # in the description's (Slurm's table) order
    assert [e["source"] for e in result.errors] == ["#/nice/", "#/tasks/"]
    assert result.value == {"name": "ok"}


def test_expected_dictionary_error_as_slurmrestd_words_it():
    result = parse("JOB_SUBMIT_REQ", {"script": "x", "job": "text"})
    assert result.errors == [{
        "description": "Expected dictionary but got string", "error_number": 9209,
        "error": "Data parser expected a dictionary or object", "source": "#/job/"}]
    assert result.warnings == [{
        "description": "Expected OpenAPI type=object (Slurm type=dictionary) but got "
                       "OpenAPI type=string (Slurm type=string)", "source": "#/job/"}]


def test_member_conversions():
    value = _ok(parse("JOB_DESC_MSG", {
        "memory_per_cpu": {"set": True, "number": 512},
        "nice": -5,
        "hold": False,
        "exclusive": True,
        "shared": ["user"],
        "mail_type": ["BEGIN", "END"],
        "core_specification": 2,
        "thread_specification": 1,
        "cpu_binding_flags": ["CPU_BIND_TO_CORES", "VERBOSE"],
        "kill_warning_signal": "SIGUSR1",
        "excluded_nodes": ["n1", "n2"],
        "required_nodes": "n3,n4",
        "argv": ["a", "b"],
        "begin_time": {"set": True, "number": 1700000000},
        "cpu_frequency": "low-high:performance",
        "distribution": "cyclic",
    }))
    assert value["pn_min_memory"] == MEM_PER_CPU | 512
    assert value["nice"] == NICE_OFFSET - 5
    assert value["priority"] == INFINITE  # released
    # "shared" (JOB_SHARED_USER) then "exclusive" (JOB_SHARED_NONE), in table order
    assert value["shared"] == 0
    assert value["mail_type"] == 0x1 | 0x2
    assert value["core_spec"] == 0x8001  # thread spec overrides, flagged
    assert value["cpu_bind_type"] == 0x4 | 0x1
    assert value["warn_signal"] == 10
    assert value["exc_nodes"] == "n1,n2"
    assert value["req_nodes"] == "n3,n4"
    assert value["argv"] == ["a", "b"] and value["argc"] == 2
    assert value["begin_time"] == 1700000000
    assert (value["cpu_freq_min"], value["cpu_freq_max"], value["cpu_freq_gov"]) == \
        (0x80000001, 0x80000003, 0x82000000)
    assert value["task_dist"] == 1


def test_exclusive_alone():
    assert _ok(parse("JOB_DESC_MSG", {"exclusive": True})) == {"shared": 0}
    assert _ok(parse("JOB_DESC_MSG", {"exclusive": ["user"]})) == {"shared": 2}


def test_rlimits_become_environment_variables():
    value = _ok(parse("JOB_DESC_MSG", {"environment": ["A=1"],
                                       "rlimits": {"nofile": {"set": True, "number": 1024}}}))
    assert value["environment"] == ["A=1", "SLURM_RLIMIT_NOFILE=1024"]
    assert value["env_size"] == 2


def test_nodes_forms():
    assert _ok(parse("JOB_DESC_MSG", {"nodes": 3})) == {"min_nodes": 3, "max_nodes": 3}
    assert _ok(parse("JOB_DESC_MSG", {"nodes": [2, 4]})) == {"min_nodes": 2, "max_nodes": 4}
    assert _ok(parse("JOB_DESC_MSG", {"nodes": "5-2"})) == {"min_nodes": 2, "max_nodes": 5}
    assert _ok(parse("JOB_DESC_MSG", {"nodes": "1,3-5"})) == \
        {"min_nodes": 1, "max_nodes": 5, "job_size_str": "1,3-5"}


def test_memory_with_units():
    assert _ok(parse("JOB_DESC_MSG", {"memory_per_node": "2G"})) == {"pn_min_memory": 2048}


def test_update_body_from_the_slides_and_sample():
    """'{"tasks":"10"}' (slides) and job_update's body."""
    result = parse("JOB_DESC_MSG", {"tasks": "10"})
    assert _ok(result) == {"num_tasks": 10}
    assert result.warnings == [{
        "description": "Expected OpenAPI type=integer format=int32 (Slurm type=64 bit "
                       "integer) but got OpenAPI type=string (Slurm type=string)",
        "source": "#/tasks/"}]
    assert _ok(parse("JOB_DESC_MSG", {"comment": "updated",
                                      "priority": {"set": True, "number": 0}})) == \
        {"comment": "updated", "priority": 0}


def test_crontab_is_refused_with_a_warning():
    result = parse("JOB_DESC_MSG", {"crontab": {"minute": "5"}})
    assert result.errors == [] and result.value == {}
    assert result.warnings == [{"description": "crontab submissions are not supported",
                                "source": "#/crontab/"}]


def test_removed_fields_are_ignored_silently_as_slurm_does():
    result = parse("JOB_DESC_MSG", {"power_flags": ["x"]})
    assert result.value == {} and result.errors == [] and result.warnings == []


def test_null_values_leave_members_alone():
    assert _ok(parse("JOB_DESC_MSG", {"name": None, "hold": None, "environment": None})) == {}


def test_submit_request_path_prefix():
    result = parse("JOB_SUBMIT_REQ", {"job": {"tasks": "x"}}, path="#/")
    assert result.errors[0]["source"] == "#/job/tasks/"


def test_required_fields_are_errors_when_missing():
    from restd.data_parser.v0040 import V0040
    from restd.data_parser.parse import parse as parse_in
    result = parse_in(V0040, "OPENAPI_PING_ARRAY_RESP", {"meta": {}})
    assert result.errors == [{"description": "Missing required field 'pings' in dictionary",
                              "error_number": 9200, "error": "Unable to resolve path",
                              "source": "#/"}]


class _Ctx:
    """The HandlerContext parts a data_parser plugin uses."""

    def __init__(self, flags=frozenset()):
        from types import SimpleNamespace
        self.data_parser = SimpleNamespace(flags=flags)
        self.warnings, self.errors = [], []

    def warning(self, description, source=""):
        self.warnings.append({"description": description, "source": source})

    def error(self, description, *, error_number=0, error="", source=""):
        self.errors.append({"description": description, "error_number": error_number,
                            "error": error, "source": source})


def test_plugin_module_routes_warnings_and_errors_to_the_context():
    from restd.plugin_loader import available
    plugin = available("data_parser")["v0.0.40"]()
    assert plugin.NAME == "v0.0.40" and "fast" in plugin.FLAGS
    ctx = _Ctx()
    value = plugin.parse("JOB_SUBMIT_REQ", {"script": "x", "job": {"bogus": 1,
                                                                    "tasks": "y"}}, ctx)
    assert value == {"script": "x", "job": {}}
    assert [w["source"] for w in ctx.warnings] == ["#/job/bogus/", "#/job/tasks/"]
    assert [e["source"] for e in ctx.errors] == ["#/job/tasks/"]
    fast = _Ctx(frozenset({"fast"}))
    plugin.parse("v0.0.40_job_submit_req", {"job": {"bogus": 1}}, fast)
    assert fast.warnings == []
    ctx = _Ctx()
    assert plugin.dump("licenses", [], ctx) == []
    assert ctx.warnings == [{"description": "Zero licenses to dump", "source": ""}]


def test_timestamps():
    import time
    value = _ok(parse("JOB_DESC_MSG", {"begin_time": "2030-01-02T03:04:05",
                                       "deadline": 1900000000,
                                       "end_time": {"set": True, "number": 5}}))
    assert value["begin_time"] == int(time.mktime((2030, 1, 2, 3, 4, 5, 0, 0, -1)))
    assert value["deadline"] == 1900000000 and value["end_time"] == 5
    now = int(time.time())
    value = _ok(parse("JOB_DESC_MSG", {"begin_time": "now+1hour"}))
    assert abs(value["begin_time"] - (now + 3600)) <= 2
    # (time_t) NO_VAL64, as Slurm stores it (a time_t cannot hold NO_VAL64 itself)
    assert _ok(parse("JOB_DESC_MSG", {"begin_time": None})) == {"begin_time": -2}
    result = parse("JOB_DESC_MSG", {"begin_time": "someday", "deadline": None})
    assert [e["source"] for e in result.errors] == ["#/begin_time/", "#/deadline/"]


@pytest.mark.parametrize("field, member, data, expected", [
    ("tasks", "num_tasks", None, 0),
    ("tasks", "num_tasks", 7.0, 7),
    ("tasks", "num_tasks", "7", 7),
    ("tasks", "num_tasks", 0xFFFFFFFF, 0xFFFFFFFF),
    ("cpus_per_task", "cpus_per_task", 0xFFFF, 0xFFFF),
    ("cpus_per_task", "cpus_per_task", "infinity", 0xFFFF),
])
def test_plain_integers_that_fit_are_stored(field, member, data, expected):
    result = parse("JOB_DESC_MSG", {field: data})
    assert result.errors == [] and result.value == {member: expected}


# Numbers the field cannot hold: slurmrestd stores them through the C conversions
# (-1 -> 65535 or NO_VAL, 2^32 -> NO_VAL, 2^64 -> 0, 1.5 -> 1); restd refuses them.
@pytest.mark.parametrize("field, data", [
    ("tasks", -1), ("tasks", 1 << 32), ("tasks", 1 << 64), ("tasks", 1e30),
    ("tasks", 1.5), ("tasks", "1.5"), ("tasks", "99999999999999999999999"),
    ("cpus_per_task", -1), ("cpus_per_task", 0x10000), ("cpus_per_task", 1 << 32),
    ("cpus_per_task", 1 << 64), ("cpus_per_task", 1e30),
    ("time_limit", -1), ("time_limit", -2), ("time_limit", 1 << 32),
    ("time_limit", 99999999999), ("time_limit", 1 << 64), ("time_limit", 1.5),
    ("time_limit", 1e30), ("time_limit", "1e30"),
    ("time_limit", {"set": True, "number": -1}),
    ("time_limit", {"set": True, "number": 1 << 64}),
    ("time_limit", {"set": True, "number": 1.5}),
    ("memory_per_node", {"set": True, "number": 1 << 64}),
    ("memory_per_node", -1),
    ("begin_time", 1 << 63), ("begin_time", 1e30),
    ("nodes", [1, 1 << 32]), ("nodes", "1-99999999999"),
    ("kill_warning_signal", 1 << 16), ("kill_warning_signal", 1e30),
    ("user_id", 1e30), ("user_id", 1.5),
    ("nice", 1e30),
])
def test_numbers_that_do_not_fit_are_refused_naming_the_field(field, data):
    result = parse("JOB_DESC_MSG", {field: data}, path="#/job/")
    assert [e["source"] for e in result.errors] == [f"#/job/{field}/"], result.errors
    assert result.errors[0]["error_number"] == 9202


def test_a_refused_no_val_number_says_how_to_ask_for_unlimited():
    [error] = parse("JOB_DESC_MSG", {"time_limit": -1}).errors
    assert "uint32_t" in error["description"] and "infinity" in error["description"]
    assert "{\"infinite\": true}" in error["description"]


@pytest.mark.parametrize("data, expected", [
    ("infinity", INFINITE), ("inf", INFINITE), ({"infinite": True}, INFINITE),
    ({"set": False}, NO_VAL), (None, NO_VAL),
])
def test_documented_unlimited_and_unset_forms_are_kept(data, expected):
    result = parse("JOB_DESC_MSG", {"time_limit": data})
    assert result.errors == [] and result.value == {"time_limit": expected}


def test_int32_out_of_range_is_an_error():
    from restd.data_parser.v0040 import V0040
    from restd.data_parser.parse import parse as parse_in
    result = parse_in(V0040, "OPENAPI_ERROR", {"error_number": 1 << 40})
    assert [e["source"] for e in result.errors] == ["#/error_number/"]


def test_exit_code_input_forms():
    from restd.data_parser.v0040 import V0040
    parser = V0040.parser("PROCESS_EXIT_CODE")
    from restd.data_parser.parse import ParseContext
    ctx = ParseContext()
    assert parser(3, ctx, "#/") == 3
    assert parser(None, ctx, "#/") == NO_VAL
    assert parser({"status": ["ERROR"], "return_code": {"set": True, "number": 2}},
                  ctx, "#/") == 2
    assert ctx.errors == []
