"""The accounting rules v0.0.41 and v0.0.42 added (restd.data_parser.rules), on
values whose answer Slurm's code gives (src/common/print_fields.c
expand_stdio_fields(), parsers.c ASSOC_ID and JOB_PLANNED_TIME); what they do
with the real cluster's records is tests/test_slurmdb_dump_versions.py's."""
from __future__ import annotations

import time

from restd.data_parser import rules
from restd.data_parser.dump import dump, get_item
from restd.data_parser.parse import parse
from restd.data_parser.types import INFINITE, NO_VAL
from restd.data_parser.v0040 import V0040
from restd.data_parser.v0041 import V0041

JOB = {"array_job_id": 0, "array_task_id": 7, "jobid": 128, "jobname": "build",
       "user": "alice", "work_dir": "/home/alice", "first_step_name": "batch",
       "first_step_node": "n1"}


def test_stdio_patterns_expand_as_slurm_does():
    expand = rules.expand_stdio_fields
    assert expand("out-%j.txt", JOB) == "/home/alice" + "out-128.txt"  # (no "/" added)
    assert expand("/tmp/%x-%u-%A_%a.%N.%s.%n.%t", JOB) == \
        "/tmp/build-alice-128_7.n1.batch.0.0"
    assert expand("/tmp/%4j", JOB) == "/tmp/0128"
    assert expand("/tmp/%12j", JOB) == "/tmp/0000000128"  # padding capped at 10
    assert expand("/tmp/%05j", JOB) == "/tmp/5j"  # only the last digit is kept
    assert expand("/tmp/100%%-%q", JOB) == "/tmp/100%-%q"
    assert expand("/tmp/a\\%j", JOB) == "/tmp/a%j"  # a backslash: nothing expanded
    assert expand("/tmp/%s", dict(JOB, first_step_name=None)) == "/tmp/(null)"
    assert expand("", JOB) is None and expand(None, JOB) is None


def test_job_record_stdio_reads_the_first_step():
    record = {"jobid": 5, "array_job_id": 0, "array_task_id": NO_VAL, "jobname": "j",
              "user": "bob", "work_dir": "/w", "std_out": "o-%j-%N-%s",
              "steps": [{"stepname": "batch", "nodes": "n2"}]}
    dump_stdout = rules.dump_job_record_stdio("std_out")
    assert dump_stdout(record, V0041.services, get_item) == "/wo-5-n2-batch"
    assert rules.dump_job_record_stdio("std_err")(record, V0041.services, get_item) == ""


def test_planned_time_is_sacct_planned():
    def planned(**times):
        return rules.dump_planned_time(times, None, get_item)
    assert planned(eligible=100, start=160, end=200) == 60
    assert planned(eligible=0, start=160) == 0
    assert planned(eligible=INFINITE, start=160) == 0
    assert planned(eligible=100, start=NO_VAL, end=130) == 30
    waiting = planned(eligible=int(time.time()) - 50, start=0, end=0)
    assert 50 <= waiting <= 60


def test_association_id_is_a_number_from_v0041_on():
    record = {"id": 12, "acct": "test", "cluster": "restd", "user": "alice",
              "partition": None}
    assert dump(V0041, "ASSOC", record)["id"] == 12
    assert dump(V0040, "ASSOC", record)["id"]["id"] == 12  # v0.0.40: assoc_short
    assert dump(V0041, "ASSOC", dict(record, id=NO_VAL))["id"] == 0


def test_association_id_is_parsed_as_a_number_or_an_object():
    def parsed(value):
        result = parse(V0041, "ASSOC", {"user": "alice", "id": value})
        return result.value, [e["description"] for e in result.errors]
    assert parsed(12) == ({"user": "alice", "id": 12}, [])
    assert parsed("12") == ({"user": "alice", "id": 12}, [])
    assert parsed(None) == ({"user": "alice"}, [])
    assert parsed({"account": "test", "user": "alice"}) == \
        ({"user": "alice", "acct": "test"}, [])
    value, errors = parsed([1])
    assert errors == ["Expected numeric Association ID but got list"]
    value, errors = parsed(-1)
    assert errors and "association id" in errors[0]
