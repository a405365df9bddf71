"""Dumping with the v0.0.40 descriptions, from plain dicts and namespaces
shaped like the C structs (member names of slurm.h): these tests check the
conversion rules, never fake answers of Slurm."""
from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from restd.data_parser.dump import get_attr
from restd.data_parser.types import (CORE_SPEC_THREAD, INFINITE, INFINITE16, INFINITE64,
                                     MEM_PER_CPU, NICE_OFFSET, NO_VAL, NO_VAL16, NO_VAL64)
from restd.data_parser.v0040 import V0040, dump, schemas
from shared_dir import SHARED

UNSET = {"set": False, "infinite": False, "number": 0}
INF = {"set": False, "infinite": True, "number": 0}


def num(n):
    return {"set": True, "infinite": False, "number": n}


# job_states (slurm.h)
JOB_PENDING, JOB_RUNNING, JOB_COMPLETE = 0, 1, 3
JOB_REQUEUE, JOB_COMPLETING = 0x400, 0x8000


@pytest.mark.parametrize("kind, value, expected", [
    ("UINT32_NO_VAL", NO_VAL, UNSET),
    ("UINT32_NO_VAL", INFINITE, INF),
    ("UINT32_NO_VAL", 7, num(7)),
    ("UINT32_NO_VAL", 0, num(0)),
    ("UINT16_NO_VAL", NO_VAL16, UNSET),
    ("UINT16_NO_VAL", INFINITE16, INF),
    ("UINT16_NO_VAL", NO_VAL, num(NO_VAL)),  # only 16 bit sentinels count
    ("UINT64_NO_VAL", NO_VAL64, UNSET),
    ("UINT64_NO_VAL", INFINITE64, INF),
    ("UINT64_NO_VAL", NO_VAL, num(NO_VAL)),
    ("TIMESTAMP_NO_VAL", 1795610529, num(1795610529)),
    ("FLOAT64_NO_VAL", 1.5, {"set": True, "infinite": False, "number": 1.5}),
    ("FLOAT64_NO_VAL", float("nan"), {"set": False, "infinite": False, "number": 0.0}),
    ("FLOAT64_NO_VAL", float("inf"), {"set": False, "infinite": True, "number": 0.0}),
    ("FLOAT64_NO_VAL", float(NO_VAL), {"set": False, "infinite": False, "number": 0.0}),
    ("FLOAT64_NO_VAL", float(INFINITE), {"set": False, "infinite": True, "number": 0.0}),
])
def test_no_val_objects(kind, value, expected):
    out = dump(kind, value)
    assert out == expected
    assert type(out["number"]) is type(expected["number"])
    assert json.loads(json.dumps(out)) == out  # never null, Infinity or NaN


@pytest.mark.parametrize("value, expected", [
    (0.25, 0.25), (None, 0.0), (float("inf"), 1.7976931348623157e308),
    (float("-inf"), -1.7976931348623157e308), (float("nan"), 0.0)])
def test_float64_is_always_a_json_number(value, expected):
    """A fair-share level of +inf (an association without usage) is a number the schema
    allows, never null (orjson) nor the token Infinity (slurmrestd)."""
    import orjson
    out = dump("FLOAT64", value)
    assert out == expected
    assert orjson.loads(orjson.dumps(out)) == expected


@pytest.mark.parametrize("state, expected", [
    (JOB_PENDING, ["PENDING"]),
    (JOB_PENDING | JOB_REQUEUE, ["PENDING", "REQUEUED"]),
    (JOB_RUNNING | JOB_COMPLETING, ["RUNNING", "COMPLETING"]),
    (JOB_COMPLETE, ["COMPLETED"]),
    (0x0B, ["OUT_OF_MEMORY"]),
])
def test_job_state_base_and_flags(state, expected):
    assert dump("JOB_STATE", state) == expected


def test_node_state_base_and_flags():
    # NODE_STATE_IDLE | NODE_STATE_DRAIN | NODE_STATE_NO_RESPOND
    assert dump("NODE_STATES", 2 | 0x200 | 0x800) == ["IDLE", "DRAIN", "NOT_RESPONDING"]
    # the INVALID entry (NO_VAL with mask INFINITE) hides everything else
    assert dump("NODE_STATES", NO_VAL) == ["INVALID"]


def test_single_value_flags():
    assert dump("JOB_SHARED", 1) == ["oversubscribe"]
    assert dump("JOB_SHARED", NO_VAL16) == []
    assert dump("JOB_EXCLUSIVE_FLAGS", 0) == ["true"]
    assert dump("ACCT_GATHER_PROFILE", 0) == ["NOT_SET"]
    # ACCT_GATHER_PROFILE_ENERGY | ACCT_GATHER_PROFILE_TASK
    assert dump("ACCT_GATHER_PROFILE", 0x2 | 0x4) == ["ENERGY", "TASK"]


def _job(**members):
    base = {"job_id": 10009, "job_state": JOB_PENDING, "time_limit": INFINITE,
            "array_task_id": NO_VAL, "nice": NICE_OFFSET, "exit_code": NO_VAL,
            "derived_ec": 0, "pn_min_memory": 100, "shared": NO_VAL16,
            "core_spec": NO_VAL16, "priority": 1, "user_id": 0, "group_id": 0,
            "state_reason": 1, "std_out": "/tmp/slurm-10009.out", "bitflags": 0,
            "mail_type": 0, "profile": 0, "job_resrcs": None, "name": b"captured job",
            "account": None, "job_size_str": None, "gres_detail_cnt": 0,
            "gres_detail_str": None, "billable_tres": float(NO_VAL)}
    base.update(members)
    return base


def test_job_info_from_a_dict():
    out = dump("JOB_INFO", _job())
    assert list(out) == list(schemas()["v0.0.40_job_info"]["properties"])
    assert out["job_id"] == 10009
    assert out["job_state"] == ["PENDING"]
    assert out["time_limit"] == INF
    assert out["array_task_id"] == UNSET
    assert out["nice"] == 0
    assert out["exit_code"] == {"status": ["PENDING"], "return_code": UNSET,
                                "signal": {"id": UNSET, "name": ""}}
    assert out["derived_exit_code"] == {"status": ["SUCCESS"], "return_code": num(0),
                                        "signal": {"id": UNSET, "name": ""}}
    assert out["memory_per_node"] == num(100)
    assert out["memory_per_cpu"] == UNSET
    assert out["shared"] == [] and out["exclusive"] == []
    assert out["oversubscribe"] is True
    assert out["core_spec"] == 0 and out["thread_spec"] == 32766  # as slurmrestd shows
    assert out["hold"] is False and out["priority"] == num(1)
    assert out["user_name"] == "root" and out["group_name"] == "root"
    assert out["state_reason"] == "Priority"
    assert out["standard_output"] == "/tmp/slurm-10009.out"
    assert out["name"] == "captured job" and out["account"] == ""
    assert out["profile"] == ["NOT_SET"]
    assert out["job_resources"] == {}  # NULL pointer
    assert out["power"] == {"flags": []} and out["show_flags"] == []  # removed
    assert out["job_size_str"] == [] and out["gres_detail"] == []
    assert out["billable_tres"] == {"set": False, "infinite": False, "number": 0.0}


def test_job_info_member_rules():
    out = dump("JOB_INFO", _job(
        job_state=JOB_PENDING | JOB_REQUEUE, nice=NICE_OFFSET - 3, exit_code=2 << 8,
        derived_ec=9, pn_min_memory=MEM_PER_CPU | 512, priority=0,
        core_spec=CORE_SPEC_THREAD | 2, bitflags=(1 << 14) | (1 << 31),
        job_size_str="1,3-5", gres_detail_cnt=1, gres_detail_str=["gpu:1(IDX:0)"],
        mail_type=0x1 | 0x2))
    assert out["job_state"] == ["PENDING", "REQUEUED"]
    assert out["nice"] == -3
    assert out["exit_code"]["status"] == ["ERROR"]
    assert out["exit_code"]["return_code"] == num(2)
    assert out["derived_exit_code"]["status"] == ["SIGNALED"]
    assert out["derived_exit_code"]["signal"] == {"id": num(9), "name": "KILL"}
    assert out["memory_per_cpu"] == num(512) and out["memory_per_node"] == UNSET
    assert out["hold"] is True
    assert out["core_spec"] == 0 and out["thread_spec"] == 2
    assert out["flags"] == ["EXACT_TASK_COUNT_REQUESTED", "PARTITION_ASSIGNED"]
    assert out["job_size_str"] == ["1", "3-5"]
    assert out["gres_detail"] == ["gpu:1(IDX:0)"]
    assert out["mail_type"] == ["BEGIN", "END"]


class Struct(SimpleNamespace):
    """A namespace whose members not given read as None (like zeroed C)."""

    def __getattr__(self, name):
        return None


def test_job_info_from_a_namespace_with_getattr():
    job = Struct(**_job(job_resrcs=Struct(nodes="n1", ncpus=4, nhosts=1)))
    out = dump("JOB_INFO", job, get=get_attr)
    # select_type_param CR_CORE (the default Services): cores, not CPUs
    assert out["job_resources"] == {"nodes": "n1", "allocated_cores": 4,
                                    "allocated_cpus": 0, "allocated_hosts": 1,
                                    "allocated_nodes": []}


def test_job_resources_allocated_nodes():
    """Two nodes of 1 socket x 2 cores, then one of 2 sockets x 1 core:
    core_bitmap bits 0, 1 (node a), 3 (node b), 4, 5 (node c); bit 1 in use."""
    res = {"nodes": "a,b,c", "ncpus": 5, "nhosts": 3,
           "cores_per_socket": [2, 1], "sockets_per_node": [1, 2],
           "sock_core_rep_count": [2, 1], "core_bitmap": [0, 1, 3, 4, 5],
           "core_bitmap_used": "1", "cpus_used": [1, 0, 0],
           "memory_used": [10, 0, 0], "memory_allocated": [100, 100, 50]}
    out = dump("JOB_RES", res)
    assert out["allocated_nodes"] == [
        {"sockets": {"0": {"cores": {"0": "allocated", "1": "allocated_and_in_use"}}},
         "nodename": "a", "cpus_used": 1, "memory_used": 10, "memory_allocated": 100},
        {"sockets": {"0": {"cores": {"1": "allocated"}}},
         "nodename": "b", "cpus_used": 0, "memory_used": 0, "memory_allocated": 100},
        {"sockets": {"0": {"cores": {"0": "allocated"}}, "1": {"cores": {"0": "allocated"}}},
         "nodename": "c", "cpus_used": 0, "memory_used": 0, "memory_allocated": 50}]
    assert dump("JOB_RES", dict(res, cores_per_socket=None))["allocated_nodes"] == []


def test_job_info_response_envelope():
    resp = {"jobs": [_job(), _job(job_id=10010)], "last_backfill": 0,
            "last_update": 1795610529, "meta": None, "errors": [], "warnings": [
                {"description": "d", "source": "s"}]}
    out = dump("OPENAPI_JOB_INFO_RESP", resp)
    assert [j["job_id"] for j in out["jobs"]] == [10009, 10010]
    assert out["last_backfill"] == num(0) and out["last_update"] == num(1795610529)
    assert out["meta"] == {} and out["errors"] == []
    assert out["warnings"] == [{"description": "d", "source": "s"}]


def test_meta_nested_paths():
    meta = {"plugin": {"type": "openapi/slurmctld", "name": "Slurm OpenAPI slurmctld",
                       "data_parser": "data_parser/v0.0.40", "accounting_storage": ""},
            "client": {"source": "[::1]:1", "uid": 0, "gid": 0},
            "command": [], "slurm": {"version": {"major": "24", "micro": "5",
                                                 "minor": "11"},
                                     "release": "24.11.5", "cluster": "anchor"}}
    out = dump("OPENAPI_META", meta)
    assert out == {"plugin": meta["plugin"],
                   "client": {"source": "[::1]:1", "user": "root", "group": "root"},
                   "command": [],
                   "slurm": meta["slurm"]}


def test_error_entry():
    out = dump("OPENAPI_ERROR", {"description": "x", "num": 2017, "source": "y"})
    assert out == {"description": "x", "error_number": 2017,
                   "error": V0040.services.strerror(2017), "source": "y"}


def test_submit_response():
    resp = {"resp": {"job_id": 10009, "step_id": 0xFFFFFFFB, "error_code": 0,
                     "job_submit_user_msg": None},
            "meta": None, "errors": [], "warnings": []}
    out = dump("OPENAPI_JOB_SUBMIT_RESPONSE", resp)
    assert out["result"] == {"job_id": 10009, "step_id": "batch", "error_code": 0,
                             "error": "No error", "job_submit_user_msg": ""}
    assert out["job_id"] == 10009 and out["step_id"] == "batch"


def test_dumped_job_matches_the_sample_shape():
    """Every key of the captured job_get answer is produced, with the same JSON
    types (values differ: this job is made up)."""
    path = (SHARED / "reference/samples/v0.0.40/job_get.json")
    sample = json.loads(path.read_text())["body"]["jobs"][0]
    out = dump("JOB_INFO", _job())
    assert list(out) == list(sample)
    for key in sample:
        assert type(out[key]) is type(sample[key]), key


SAMPLES = (SHARED / "reference/samples/v0.0.40")


def _sample(name):
    path = SAMPLES / f"{name}.json"
    return json.loads(path.read_text())["body"]


def _same_shape(out, sample):
    """Same keys in the same order and the same JSON types, recursively for
    objects (values of the made-up structs differ)."""
    assert list(out) == list(sample)
    for key, value in sample.items():
        assert type(out[key]) is type(value), key
        if isinstance(value, dict) and value:
            _same_shape(out[key], value)


NODE = {
    "arch": "x86_64", "bcast_address": None, "boards": 1, "boot_time": 1795609757,
    "cluster_name": None, "cores": 1, "core_spec_cnt": 0, "cpu_bind": 0, "cpu_load": 80,
    "free_mem": 15375, "cpus": 2, "cpus_efctv": 2, "cpu_spec_list": None,
    "energy": {"ave_watts": 0, "base_consumed_energy": 0, "consumed_energy": 0,
               "current_watts": 0, "previous_consumed_energy": 0, "poll_time": 0},
    "extra": None, "features": None, "features_act": None, "gres": None,
    "gres_drain": "N/A", "gres_used": None, "instance_id": None, "instance_type": None,
    "last_busy": 1795610394, "mcs_label": None, "mem_spec_limit": 0, "name": "vm",
    "next_state": NO_VAL, "node_addr": "vm", "node_hostname": "vm",
    "node_state": 5,  # NODE_STATE_MIXED
    "os": "Linux", "owner": NO_VAL, "partitions": "debug", "port": 7818,
    "real_memory": 2000, "comment": None, "reason": None, "reason_time": 0,
    "reason_uid": NO_VAL, "resume_after": 0, "resv_name": None,
    "alloc_memory": 2000, "alloc_cpus": 1, "tres_used": "cpu=1,mem=2000M",
    "tres_weighted": 1.0, "slurmd_start_time": 1795610081, "sockets": 1, "threads": 2,
    "tmp_disk": 0, "weight": 1, "tres_fmt_str": "cpu=2,mem=2000M,billing=2",
    "version": "24.11.5",
}


def test_node_rules_and_sample_shape():
    out = dump("NODE", NODE)
    assert out["state"] == ["MIXED"]
    assert out["next_state_after_reboot"] == ["INVALID"]
    assert out["partitions"] == ["debug"] and out["features"] == []
    assert out["external_sensors"] == {} and out["power"] == {}  # removed
    assert out["energy"]["current_watts"] == num(0)
    assert out["alloc_cpus"] == 1 and out["alloc_idle_cpus"] == 1
    assert out["tres_used"] == "cpu=1,mem=2000M" and out["tres_weighted"] == 1.0
    assert out["owner"] == "" and out["reason_set_by_user"] == ""  # unknown uid
    _same_shape(out, _sample("nodes")["nodes"][0])


def test_nodes_response_skips_unnamed_nodes_and_warns_when_empty():
    warnings = []
    out = dump("OPENAPI_NODES_RESP", {"nodes": [NODE, dict(NODE, name=None)],
                                      "last_update": 5}, warnings=warnings)
    assert [n["name"] for n in out["nodes"]] == ["vm"] and warnings == []
    out = dump("OPENAPI_NODES_RESP", {"nodes": [], "last_update": 5}, warnings=warnings)
    assert out["nodes"] == []
    assert warnings == [{"description": "No nodes to dump", "source": ""}]


PARTITION = {
    "allow_alloc_nodes": None, "allow_accounts": None, "allow_groups": None,
    "allow_qos": None, "alternate": None, "billing_weights_str": None,
    "cluster_name": None, "cpu_bind": 0, "def_mem_per_cpu": 0, "default_time": NO_VAL,
    "deny_accounts": None, "deny_qos": None, "grace_time": 0, "job_defaults_str": None,
    "max_cpus_per_node": INFINITE, "max_cpus_per_socket": INFINITE,
    "max_mem_per_cpu": MEM_PER_CPU | 100, "max_nodes": INFINITE, "max_share": 1,
    "max_time": INFINITE, "min_nodes": 0, "name": "debug", "nodes": "vm",
    "nodesets": None, "over_time_limit": NO_VAL16, "priority_job_factor": 1,
    "priority_tier": 1, "qos_char": None, "resume_timeout": NO_VAL16, "state_up": 3,
    "suspend_time": NO_VAL, "suspend_timeout": NO_VAL16, "total_cpus": 2,
    "total_nodes": 1, "tres_fmt_str": "cpu=2,mem=2000M,node=1,billing=2",
}


def test_partition_nested_paths_and_overloads():
    out = dump("PARTITION_INFO", PARTITION)
    assert out["nodes"] == {"allowed_allocation": "", "configured": "vm", "total": 1}
    assert out["defaults"]["partition_memory_per_node"] == num(0)
    assert out["defaults"]["partition_memory_per_cpu"] == UNSET
    assert out["maximums"]["partition_memory_per_cpu"] == num(100)
    assert out["maximums"]["partition_memory_per_node"] == UNSET
    assert out["maximums"]["memory_per_cpu"] == MEM_PER_CPU | 100
    assert out["maximums"]["oversubscribe"] == {"jobs": 1, "flags": []}
    assert out["maximums"]["time"] == INF
    assert out["partition"] == {"state": ["UP"]}
    _same_shape(out, _sample("partitions")["partitions"][0])


def test_ping_array():
    out = dump("OPENAPI_PING_ARRAY_RESP", {"response": [
        {"hostname": "vm", "pinged": True, "latency": 2830, "offset": 0},
        {"hostname": "b", "pinged": False, "latency": 1, "offset": 1}]})
    assert out["pings"] == [
        {"hostname": "vm", "pinged": "UP", "latency": 2830, "mode": "primary"},
        {"hostname": "b", "pinged": "DOWN", "latency": 1, "mode": "backup1"}]
    assert out["pings"][0] == _sample("ping")["pings"][0]


def test_licenses_empty_warning_as_slurmrestd():
    warnings = []
    out = dump("OPENAPI_LICENSES_RESP", {"licenses": [], "last_update": 1795610529},
               warnings=warnings)
    sample = _sample("licenses")
    assert out["licenses"] == sample["licenses"]
    assert out["last_update"] == sample["last_update"]
    assert warnings == sample["warnings"]


def test_license_keys():
    out = dump("LICENSE", {"name": "matlab", "total": 5, "in_use": 2, "available": 3,
                           "remote": 0, "reserved": 0, "last_consumed": 0,
                           "last_deficit": 0, "last_update": 7})
    assert out == {"LicenseName": "matlab", "Total": 5, "Used": 2, "Free": 3,
                   "Remote": False, "Reserved": 0, "LastConsumed": 0, "LastDeficit": 0,
                   "LastUpdate": 7}


def test_diag_statistics():
    stats = {name: 0 for name in (
        "parts_packed", "server_thread_count", "agent_queue_size", "agent_count",
        "agent_thread_count", "dbd_agent_queue_size", "gettimeofday_latency",
        "schedule_cycle_max", "schedule_cycle_last", "schedule_queue_len",
        "jobs_submitted", "jobs_started", "jobs_completed", "jobs_canceled",
        "jobs_failed", "jobs_pending", "jobs_running", "bf_backfilled_jobs",
        "bf_last_backfilled_jobs", "bf_backfilled_het_jobs", "bf_cycle_sum",
        "bf_cycle_last", "bf_last_depth", "bf_last_depth_try", "bf_depth_sum",
        "bf_depth_try_sum", "bf_queue_len", "bf_queue_len_sum", "bf_table_size",
        "bf_table_size_sum", "bf_active", "schedule_cycle_depth", "bf_cycle_counter",
        "rpc_type_size", "rpc_user_size")}
    stats.update(req_time=1795610529, req_time_start=1795610060, job_states_ts=1795610511,
                 bf_when_last_cycle=0, schedule_cycle_sum=57150, schedule_cycle_counter=25,
                 schedule_exit=[24, 0, 0, 0, 0, 0], schedule_exit_cnt=6,
                 bf_exit=[0, 1, 2, 3, 4, 5], bf_exit_cnt=6,
                 rpc_type_size=1, rpc_type_id=[2009], rpc_type_cnt=[4], rpc_type_time=[10],
                 rpc_user_size=1, rpc_user_id=[0], rpc_user_cnt=[3], rpc_user_time=[0])
    out = dump("OPENAPI_DIAG_RESP", {"response": stats})["statistics"]
    assert out["schedule_cycle_mean"] == 2286 and out["schedule_cycle_per_minute"] == 3
    assert out["schedule_exit"] == {"end_job_queue": 24, "default_queue_depth": 0,
                                    "max_job_start": 0, "max_rpc_cnt": 0,
                                    "max_sched_time": 0, "licenses": 0}
    assert out["bf_exit"] == {"end_job_queue": 0, "bf_max_job_start": 1,
                              "bf_max_job_test": 2, "bf_max_time": 5,
                              "bf_node_space_size": 4, "state_changed": 3}
    assert out["rpcs_by_message_type"] == [{"message_type": "2009", "type_id": 2009,
                                            "count": 4, "average_time": 2,
                                            "total_time": 10}]
    assert out["rpcs_by_user"] == [{"user": "root", "user_id": 0, "count": 3,
                                    "average_time": 0, "total_time": 0}]
    _same_shape(out, _sample("diag")["statistics"])


def test_reservation_core_specs():
    out = dump("RESERVATION_INFO", {"name": "r", "flags": 0x1, "core_spec_cnt": 1,
                                    "core_spec": [{"node_name": "vm", "core_id": "0-1"}],
                                    "purge_comp_time": NO_VAL, "watts": 5})
    assert out["core_specializations"] == [{"node": "vm", "core": "0-1"}]
    assert out["flags"] == ["MAINT"]
    assert out["purge_completed"] == {"time": UNSET}
    # removed in 24.05: the empty form of its kind's OpenAPI type (an object)
    assert out["watts"] == {}


def test_shares_wrap_tres_names():
    resp = {"tot_shares": 10, "tres_cnt": 2, "tres_names": ["cpu", "mem"],
            "assoc_shares_list": [{
                "assoc_id": 3, "cluster": "c", "name": "root", "parent": None,
                "partition": None, "shares_norm": 1.0, "shares_raw": INFINITE,
                "tres_run_secs": [5, NO_VAL64], "tres_grp_mins": [1, 2],
                "usage_efctv": 0.5, "usage_norm": float("nan"), "usage_raw": 9,
                "usage_tres_raw": [1.5, 2.5], "fs_factor": 1.0, "level_fs": 2.0,
                "user": 0}]}
    out = dump("OPENAPI_SHARES_RESP", {"response": resp})["shares"]
    assert out["total_shares"] == 10
    share = out["shares"][0]
    assert share["tres"] == {
        "run_seconds": [{"name": "cpu", "value": num(5)}, {"name": "mem", "value": UNSET}],
        "group_minutes": [{"name": "cpu", "value": num(1)}, {"name": "mem", "value": num(2)}],
        "usage": [{"name": "cpu", "value": 1.5}, {"name": "mem", "value": 2.5}]}
    assert share["shares"] == INF and share["type"] == ["ASSOCIATION"]
    assert share["fairshare"] == {"factor": 1.0, "level": 2.0}
    empty = dump("OPENAPI_SHARES_RESP", {"response": {"assoc_shares_list": [],
                                                      "tot_shares": 0}})
    assert empty["shares"] == _sample("shares")["shares"]


def test_kill_jobs_response():
    out = dump("OPENAPI_KILL_JOBS_RESP", {"response": [{
        "error_code": 0, "error_msg": None, "real_job_id": 5, "sibling_name": None,
        "id": {"step_id": {"job_id": 5, "step_id": NO_VAL}, "array_task_id": NO_VAL,
               "het_job_offset": NO_VAL}}]})
    assert out["status"] == [{"error": {"string": "No error", "code": 0, "message": ""},
                              "step_id": "5", "job_id": num(5),
                              "federation": {"sibling": ""}}]


@pytest.mark.parametrize("members, expected", [
    ({"std_out": "/tmp/slurm-%j.out"}, "/tmp/slurm-10009.out"),
    ({"std_out": "out-%x-%u.%5j"}, "/tmp/out-captured job-root.10009"),
    ({"std_out": "/x/%A_%a.%%"}, "/x/10009_4294967294.%"),
    ({"std_out": None}, "/tmp/slurm-10009.out"),
    ({"std_out": None, "array_job_id": 7, "array_task_id": 3}, "/tmp/slurm-7_3.out"),
    ({"std_out": None, "batch_flag": 0}, ""),
])
def test_standard_output_paths_as_slurm_get_job_stdout(members, expected):
    job = _job(work_dir="/tmp", batch_flag=1, array_job_id=0, **{"std_in": None})
    job.update(members)
    assert dump("JOB_INFO", job)["standard_output"] == expected


def test_standard_input_and_error_defaults():
    job = _job(work_dir="/tmp", batch_flag=1, array_job_id=0, std_in=None, std_err=None,
               std_out="/tmp/slurm-%j.out")
    out = dump("JOB_INFO", job)
    assert out["standard_input"] == "/dev/null"
    assert out["standard_error"] == "/tmp/slurm-10009.out"  # follows stdout


def test_hidden_flags_are_never_dumped():
    """Slurm's _dump_flag_bit_array_flag() skips hidden entries before matching:
    v0.0.41's account flags have a hidden NONE (equal to 0) that an account
    without flags must not show, and a hidden INVALID."""
    from restd.data_parser.dump import dump as dump_kind
    from restd.data_parser.v0041 import V0041
    assert dump_kind(V0041, "ACCOUNT_FLAGS", 0) == []
    assert dump_kind(V0041, "ACCOUNT_FLAGS", 0x1) == ["DELETED"]
    assert dump_kind(V0041, "ASSOC_FLAGS", 0x10000 | 0x4) == ["Exact", "UsersAreCoords"]


def test_tres_counts_are_int64_as_slurm_dumps_them():
    """A TRES count NO_VAL64 (energy never measured, in a job record's
    tres_alloc_str) is dumped by Slurm's INT64 parser: -2 (slurmrestd 24.11.5
    shows it so), within the schema's int64."""
    from restd.data_parser.dump import dump as dump_kind
    from restd.data_parser.lookups import Lookups, lookups
    from restd.data_parser.v0040 import V0040
    with lookups(Lookups(tres=[{"id": 3, "type": "energy", "name": ""}])):
        assert dump_kind(V0040, "TRES_STR", "3=18446744073709551614,1=4") == [
            {"type": "energy", "name": "", "id": 3, "count": -2},
            {"type": "", "name": "", "id": 1, "count": 4}]
