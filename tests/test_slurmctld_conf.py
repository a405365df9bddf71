"""GET /slurm/v0.0.45/conf: slurmctld's configuration (slurm_load_ctl_conf()), compared
with what ``scontrol show config`` prints of the same cluster's controller, for a plain
user and an administrator; checked against slurmrestd 26.05.5's document. Served by
v0.0.45 alone (v0.0.40 to v0.0.44 have no such path), on every Slurm restd builds
against: the members an older slurm_conf_t lacks are left out of the answer."""
from __future__ import annotations

import json
import os
import re
import time

import pytest

from openapi_check import validate
from shared_dir import REFERENCE

pytestmark = [pytest.mark.timeout(300)]

PATH = "/slurm/v0.0.45/conf"
DOCUMENT_2605 = REFERENCE / "slurmrestd-26.05.5-openapi.json"


@pytest.fixture(scope="module")
def daemon(cluster, tmp_path_factory):
    from conftest import RestdDaemon

    class EveryVersionDaemon(RestdDaemon):
        DATA_PARSER = "v0.0.40,v0.0.41,v0.0.42,v0.0.43,v0.0.44,v0.0.45"
        SERVICES = "slurmctld"

    directory = tmp_path_factory.mktemp("restd-ctlconf")
    os.chmod(directory, 0o755)
    started = EveryVersionDaemon(cluster, directory).start()
    yield started
    started.stop()


@pytest.fixture(scope="module")
def scontrol(cluster) -> dict[str, str]:
    """``scontrol show config``: key = value lines (the controller's, as slurmrestd's)."""
    out = {}
    for line in cluster.run("scontrol", "show", "config").stdout.splitlines():
        match = re.match(r"^(\S+)\s+=\s?(.*)$", line)
        if match:
            out[match.group(1)] = match.group(2).strip()
    return out


def _slurm_release(cluster) -> tuple[int, int]:
    text = cluster.run("scontrol", "--version").stdout.split()[-1]
    major, minor = text.split(".")[:2]
    return int(major), int(minor)


def _csv(text: str) -> list[str]:
    return [] if text in ("", "(null)") else text.split(",")


def _seconds(text: str) -> int:
    return int(text.split()[0])


@pytest.mark.cluster
@pytest.mark.parametrize("user", ["alice", "root"])
def test_conf_is_what_scontrol_shows(daemon, cluster, scontrol, user):
    status, _, body = daemon.request("GET", PATH, user=user)
    assert status == 200, body
    assert body["errors"] == [] and body["warnings"] == []
    validate(json.loads(DOCUMENT_2605.read_text()), PATH, "GET", body)
    conf, meta = body["slurm_conf"], body["slurm_conf_meta"]
    # strings
    for key in ("ClusterName", "AuthType", "SchedulerType", "SelectType",
                "SlurmctldPidFile", "SlurmdSpoolDir", "StateSaveLocation",
                "AccountingStorageType", "ProctrackType", "SlurmctldLogFile", "MpiDefault",
                "SlurmUser"):
        expected = "" if scontrol[key] == "(null)" else scontrol[key]  # NULL: ""
        if key == "SlurmUser":  # scontrol: "user(uid)"
            expected, uid = re.match(r"(.*)\((\d+)\)", expected).groups()
            assert conf["SlurmUserId"] == int(uid)
        assert conf[key] == expected, key
    # numbers
    for key in ("SlurmctldPort", "FirstJobId", "MaxJobCount", "MaxNodeCount",
                "MaxArraySize", "TreeWidth"):
        assert conf[key] == int(scontrol[key]), key
    for key in ("MessageTimeout", "SlurmctldTimeout", "SlurmdTimeout", "KillWait", "MinJobAge",
                "InactiveLimit", "WaitTime"):
        assert conf[key] == _seconds(scontrol[key]), key
    assert conf["SlurmctldPort"] == int(scontrol["SlurmctldPort"].split("-")[0])
    # a flag list: SelectTypeParameters as scontrol names them
    assert conf["SelectTypeParameters"] == _csv(scontrol["SelectTypeParameters"])
    assert conf["PrivateData"] == ([] if scontrol["PrivateData"] == "none"
                                   else _csv(scontrol["PrivateData"]))
    assert conf["AccountingStorageEnforce"] == _csv(scontrol["AccountingStorageEnforce"])
    assert conf["PropagateResourceLimits"] == _csv(scontrol["PropagateResourceLimits"])
    assert conf["HealthCheckNodeState"] == _csv(scontrol["HealthCheckNodeState"])
    assert conf["LogTimeFormat"] == scontrol["LogTimeFormat"]
    assert conf["ReturnToService"] == {"0": "none", "1": "non_responsive_only",
                                       "2": "all"}[scontrol["ReturnToService"]]
    # times: secs2time_str() ([days-]hh:mm:ss; scontrol shows them with
    # priority/multifactor only), and the controller's boot (meta, below)
    for key in ("PriorityMaxAge", "PriorityDecayHalfLife"):
        if key in scontrol:
            assert conf[key] == scontrol[key], key
    assert conf["SuspendTime"]["infinite"] == (scontrol["SuspendTime"] in ("NONE", "INFINITE"))
    # lists: plugins, TRES, the controllers
    assert conf["AccountingStorageTRES"] == _csv(scontrol["AccountingStorageTRES"])
    assert conf["TaskPlugin"] == _csv(scontrol["TaskPlugin"])
    assert conf["SchedulerParameters"] == _csv(scontrol["SchedulerParameters"])
    assert [(entry["machine"], entry["address"]) for entry in conf["controllers"]] == \
        [re.match(r"([^(]+)\((.*)\)", scontrol[key]).groups() for key in sorted(scontrol)
         if key.startswith("SlurmctldHost[")]
    assert conf["DebugFlags"] == _csv(scontrol["DebugFlags"].replace("(null)", ""))
    # the meta data
    assert meta["SLURM_CONF"] == scontrol["SLURM_CONF"]
    assert meta["SLURM_VERSION"] == scontrol["SLURM_VERSION"]
    assert meta["NEXT_JOB_ID"]["set"] and meta["NEXT_JOB_ID"]["number"] >= int(
        scontrol["FirstJobId"])
    assert abs(meta["BOOT_TIME"] - int(time.mktime(time.strptime(
        scontrol["BOOT_TIME"], "%Y-%m-%dT%H:%M:%S")))) <= 1


@pytest.mark.cluster
def test_conf_is_served_by_v0045_alone(daemon):
    for version in ("v0.0.40", "v0.0.41", "v0.0.42", "v0.0.43", "v0.0.44"):
        status, _, _ = daemon.request("GET", f"/slurm/{version}/conf", user="root")
        assert status == 404, version
        assert f"/slurm/{version}/conf" not in daemon.document()["paths"]
    operation = daemon.document()["paths"][PATH]["get"]
    assert operation["operationId"] == "slurm_v0045_get_conf"
    assert [parameter["name"] for parameter in operation["parameters"]] == ["update_time"]


@pytest.mark.cluster
def test_conf_leaves_out_what_this_slurm_lacks(daemon, cluster):
    """Members a later release added are absent on an older Slurm, present from their
    release on (restd.native.services.CONF_OPTIONAL_MEMBERS)."""
    status, _, body = daemon.request("GET", PATH, user="alice")
    assert status == 200, body
    conf, meta = body["slurm_conf"], body["slurm_conf_meta"]
    release = _slurm_release(cluster)
    added_2411 = ("TLSType", "HashPlugin", "MaxBatchRequeue", "SuspendExcStates")
    added_2605 = ("CertgenType", "HttpParserType", "UrlParserType", "HealthCheckTimeout",
                  "MetricsType")
    assert all((key in conf) == (release >= (24, 11)) for key in added_2411), sorted(conf)
    assert all((key in conf) == (release >= (26, 5)) for key in added_2605), sorted(conf)
    assert ("ClusterId" in meta) == (release >= (24, 11))
    # what every release has, in 26.05's names
    for key in ("Epilog", "Prolog", "PrologTimeout", "EpilogTimeout", "NamespaceType",
                "HealthCheckNodeState", "LogTimeFormat"):
        assert key in conf, key


@pytest.mark.cluster
def test_conf_since_an_update_time(daemon):
    """update_time after the configuration's: slurmrestd's warning and no configuration;
    If-Modified-Since: 304."""
    status, headers, body = daemon.request("GET", PATH, user="alice")
    assert status == 200
    last = body["slurm_conf_meta"]["LastUpdate"]
    status, _, body = daemon.request("GET", f"{PATH}?update_time={last + 10}", user="alice")
    assert status == 200, body
    assert body["slurm_conf"] is None and body["slurm_conf_meta"] is None
    assert "No config changes since update_time" in body["warnings"][0]["description"]
    status, _, body = daemon.request("GET", f"{PATH}?update_time=not-a-time", user="alice")
    assert status == 422, body


def test_conf_rules_dump_as_slurm_does():
    """The rules of SLURM_CONF that the local cluster leaves at their defaults: a port
    range (DUMP(PORT_RANGE_ARRAY)), the controllers, a time of secs2time_str(), the
    single names (addfas()), the flag tables with 26.05's values."""
    from restd.data_parser import dump as _dump
    from restd.data_parser.dump import get_item
    from restd.data_parser.v0045 import V0045
    conf = {"srun_port_range": [60001, 63000], "control_cnt": 2,
            "control_machine": ["c1", "c2"], "control_addr": ["10.0.0.1", "10.0.0.2"],
            "priority_max_age": 3 * 86400 + 3600 + 62, "priority_decay_hl": 300,
            "ret2service": 1, "log_fmt": 7, "propagate_prio_process": 2,
            "priority_reset_period": 3, "debug_flags": (1 << 12) | (1 << 43),
            "health_check_node_state": 0x00FF | 0x0100, "preempt_mode": 0x1 | 0x8000,
            "task_plugin_param": 0x1 | 0x100000, "enforce_part_limits": 2,
            "accounting_storage_enforce": 0x1 | 0x2 | 0x8,
            "job_defaults_list": [{"type": 2, "value": 1024}],
            "conf_flags": 0x4 | 0x40 | 0x200 | 0x1}
    dumped = _dump.dump(V0045, "SLURM_CONF", conf, get=get_item)
    assert dumped["SrunPortRange"] == {"minimum": 60001, "maximum": 63000, "set": True}
    assert dumped["controllers"] == [{"address": "10.0.0.1", "machine": "c1"},
                                     {"address": "10.0.0.2", "machine": "c2"}]
    assert dumped["PriorityMaxAge"] == "3-01:01:02"
    assert dumped["PriorityDecayHalfLife"] == "00:05:00"
    assert (dumped["ReturnToService"], dumped["LogTimeFormat"],
            dumped["PropagatePrioProcess"], dumped["PriorityUsageResetPeriod"]) == \
        ("non_responsive_only", "rfc3339", "nicer", "WEEKLY")
    assert dumped["DebugFlags"] == ["Backfill", "thread"]
    assert dumped["HealthCheckNodeState"] == ["ANY", "CYCLE"]
    assert dumped["PreemptMode"] == ["SUSPEND", "GANG"]
    assert dumped["TaskPluginParam"] == ["Verbose", "OOMKillStep"]
    assert dumped["EnforcePartLimits"] == ["ANY"]
    assert dumped["AccountingStorageEnforce"] == ["associations", "limits", "qos"]
    assert dumped["JobDefaults"] == [{"type": ["DefMemPerGPU"], "value": 1024}]
    assert dumped["ConfFlags"] == ["DisableRootJobs"]
    assert dumped["CommunicationParametersFlags"] == ["IPv4"]
    assert dumped["AccountingStoreFlags"] == ["job_script"]
    assert dumped["SlurmdParametersFlags"] == ["config_overrides"]
    unset = _dump.dump(V0045, "SLURM_CONF", {}, get=get_item)
    assert unset["SrunPortRange"] == {"minimum": 0, "maximum": 0, "set": False}
    assert unset["controllers"] == []
