"""The rules v0.0.43 to v0.0.45 added for the controller's objects, each as
Slurm's parsers.c has it (no cluster: the values are given as Slurm holds
them; tests/test_slurmctld_dump_versions.py checks them on the real
controller's records, tests/test_fastpath.py the C against them).
"""
from __future__ import annotations

import pytest

from restd.data_parser import rules
from restd.data_parser.dump import dump
from restd.data_parser.parse import parse
from restd.data_parser.versions import version

V43, V44, V45 = version("v0.0.43"), version("v0.0.44"), version("v0.0.45")


def test_sluid_is_print_sluid():
    """print_sluid(): "s" and 13 Crockford base32 digits, most significant first;
    0 (no SLUID) is ""."""
    assert rules.sluid_text(0) == ""
    assert rules.sluid_text(1) == "s0000000000001"
    assert rules.sluid_text(31) == "s000000000000Z"
    assert rules.sluid_text(32) == "s0000000000010"
    assert rules.sluid_text((1 << 64) - 1) == "sFZZZZZZZZZZZZ"
    # the letters Crockford's alphabet leaves out never appear
    assert not set("ILOU") & set(rules.sluid_text(0x0123456789ABCDEF))


@pytest.mark.parametrize("max_share, shown", [
    (0, "NO"), (1, "NO"), (4, "YES:4"), (2, "YES:2"),
    (rules.SHARED_FORCE | 4, "FORCE:4"), (rules.SHARED_FORCE | 1, "FORCE:1"),
])
def test_partition_oversubscribe_as_scontrol_shows_it(max_share, shown):
    assert rules.dump_partition_oversubscribe(max_share, None) == shown


@pytest.mark.parametrize("given, max_share", [
    ("NO", 1), ("YES", 4), ("yes:3", 3), ("FORCE", rules.SHARED_FORCE | 4),
    ("FORCE:1", rules.SHARED_FORCE | 1),
])
def test_partition_oversubscribe_parsed_as_slurm_does(given, max_share):
    result = parse(V45, "PARTITION_OVERSUBSCRIBE", given)
    assert result.errors == [] and result.value == max_share


@pytest.mark.parametrize("given", ["YES:1", "FORCE:0", "MAYBE", "NO:2", "YES:x"])
def test_partition_oversubscribe_refusals(given):
    assert parse(V45, "PARTITION_OVERSUBSCRIBE", given).errors


@pytest.mark.parametrize("flags, max_share, shown", [
    (0, 1, "NO"), (0, 0, "NODE"), (rules.PART_FLAG_EXCLUSIVE_USER, 1, "USER"),
    (rules.PART_FLAG_EXCLUSIVE_TOPO, 0, "TOPO"), (rules.PART_FLAG_EXCLUSIVE_USER, 0, "NODE"),
])
def test_partition_exclusive_as_scontrol_shows_it(flags, max_share, shown):
    partition = {"flags": flags, "max_share": max_share}
    assert rules.dump_partition_exclusive(partition, None, lambda obj, key: obj[key]) == shown


def test_partition_exclusive_parsed_into_flags_and_max_share():
    assert rules.partition_exclusive("NODE", None, "#/")["max_share"] == 0
    user = rules.partition_exclusive("user", None, "#/")["flags"]
    assert user & rules.PART_FLAG_EXCLUSIVE_USER and user & rules.PART_FLAG_EXC_TOPO_CLR
    clear = rules.partition_exclusive("NO", None, "#/")["flags"]
    assert clear == rules.PART_FLAG_EXC_USER_CLR | rules.PART_FLAG_EXC_TOPO_CLR
    with pytest.raises(Exception, match="NO, NODE, USER, or TOPO"):
        rules.partition_exclusive("ALL", None, "#/")
    # in a partition body: with the flags field, both kept; a refusal names the path
    result = parse(V45, "PARTITION_INFO", {"flags": ["DEFAULT"],
                                           "partition": {"exclusive": "USER",
                                                         "oversubscribe": "FORCE:2"}})
    assert result.errors == []
    assert result.value["flags"] == 0x1 | rules.PART_FLAG_EXCLUSIVE_USER | \
        rules.PART_FLAG_EXC_TOPO_CLR
    assert result.value["max_share"] == rules.SHARED_FORCE | 2
    refused = parse(V45, "PARTITION_INFO", {"partition": {"exclusive": "ALL"}})
    assert [e["source"] for e in refused.errors] == ["#/partition/exclusive/"]


def test_select_type_names_as_select_type_param_string():
    """v0.0.45's SELECT_TYPE_PARAM: the exclusive part by equality (CR_CORE_MEMORY,
    not CR_CORE and CR_MEMORY), the other bits by themselves, 0 NONE; the old
    names hidden."""
    def names(value):
        return dump(V45, "SELECT_TYPE_PARAM", value)
    assert names(0) == ["NONE"]
    assert names(0x14) == ["CR_CORE_MEMORY"]
    assert names(0x4 | 0x100) == ["CR_CORE", "CR_ONE_TASK_PER_CORE"]
    assert names(0x10) == ["CR_MEMORY"]
    enum = V45.kind("SELECT_TYPE_PARAM").schema(V45)["items"]["enum"]
    assert "CORE" not in enum and "CR_CORE" in enum


def test_partition_preempt_modes():
    assert dump(V45, "PARTITION_PREEMPT_MODES", 0xFFFE) == ["CLUSTER_GLOBAL"]
    assert dump(V45, "PARTITION_PREEMPT_MODES", 0) == ["DISABLED"]
    assert dump(V45, "PARTITION_PREEMPT_MODES", 0x1 | 0x2000) == ["SUSPEND", "PRIORITY"]


class _Services(V43.services.__class__):
    def job_stdio(self, job, stream, get):  # slurm_get_job_std*(): path expanded
        return {"stdin": "/dev/null", "stdout": "/home/a/slurm-7.out",
                "stderr": "/home/a/slurm-7.out"}[stream] if not job.get(
                    {"stdin": "std_in", "stdout": "std_out", "stderr": "std_err"}[stream]) \
            else "expanded:" + job[{"stdin": "std_in", "stdout": "std_out",
                                    "stderr": "std_err"}[stream]]


@pytest.mark.parametrize("job, expected", [
    # nothing given: stdin and stderr "", stdout Slurm's default file
    ({"std_in": None, "std_out": None, "std_err": None},
     ("", "/home/a/slurm-7.out", "")),
    ({"std_in": "in-%j", "std_out": "out-%j", "std_err": "err-%j"},
     ("expanded:in-%j", "expanded:out-%j", "expanded:err-%j")),
])
def test_stdio_expanded_only_what_the_job_gave(job, expected):
    services = _Services()
    dumped = tuple(rules.job_stdio_expanded(stream)(job, services, lambda o, k: o.get(k))
                   for stream in ("stdin", "stdout", "stderr"))
    assert dumped == expected


def test_job_step_id_of_a_job():
    step = rules.dump_job_step_id({"job_id": 42, "sluid": 33}, None,
                                  lambda obj, key: obj.get(key))
    assert step == {"sluid": "s0000000000011",
                    "job_id": {"set": True, "infinite": False, "number": 42},
                    "step_het_component": {"set": False, "infinite": False, "number": 0},
                    "step_id": "entire"}


def test_job_description_step_id_gives_the_job_id():
    result = parse(V44, "JOB_DESC_MSG", {"step_id": {"job_id": 1234, "sluid": "s0000000000011",
                                                     "step_id": "batch"}})
    assert result.errors == [] and result.value == {"job_id": 1234}
    assert parse(V44, "JOB_DESC_MSG", {"step_id": {"job_id": -5}}).errors
    assert parse(V44, "JOB_DESC_MSG", {"step_id": "12"}).errors
    assert parse(V43, "JOB_DESC_MSG", {"step_id": {"job_id": 1}}).warnings  # unknown there


def test_removed_scalars_dump_their_types_empty_value():
    """parsing.c _dump_removed(): 0 for numbers, 0.0 for a double (v0.0.42's
    tres_weighted, parts_packed as 26.05 describes them)."""
    from restd.data_parser.v0042 import V0042
    node = dump(V0042, "NODE", {"name": "n1"})
    assert node["tres_weighted"] == 0.0 and isinstance(node["tres_weighted"], float)
    assert dump(V0042, "STATS_MSG", {})["parts_packed"] == 0
    # v0.0.45: the job's shared (JOB_SHARED, an array) removed: []
    assert dump(V45, "JOB_INFO", {"job_id": 1})["shared"] == []
