"""GET /slurmdb/v0.0.45/conf: slurmdbd's own configuration, as the real slurmdbd
answers it (DBD_GET_CONFIG), compared with what sacctmgr show config prints of the
same answer; for a plain user and an administrator. Served by v0.0.45 alone.

Before Slurm 26.05 slurmdbd answers key pairs, read into slurmdbd_conf_t's members
by restd.native.accounting.config_from_keypairs(): its reading of purges, flags and
times is checked on its own below (the local cluster sets none of them)."""
from __future__ import annotations

import os

import pytest

from restd.data_parser import dump as _dump
from restd.data_parser.dump import get_item
from restd.data_parser.v0045 import V0045

pytestmark = [pytest.mark.timeout(300)]


@pytest.fixture(scope="module")
def daemon(cluster, tmp_path_factory):
    from test_slurmdb_job_modify import NewVersionsDaemon
    directory = tmp_path_factory.mktemp("restd-dbconf")
    os.chmod(directory, 0o755)
    started = NewVersionsDaemon(cluster, directory).start()
    yield started
    started.stop()


def _sacctmgr_config(cluster) -> dict[str, str]:
    out = {}
    for line in cluster.run("sacctmgr", "show", "config").stdout.splitlines():
        if "=" in line:
            key, value = (part.strip() for part in line.split("=", 1))
            out[key] = value
    return out


@pytest.mark.cluster
@pytest.mark.parametrize("user", ["alice", "root"])
def test_conf_is_what_slurmdbd_says(daemon, cluster, user):
    status, _, body = daemon.request("GET", "/slurmdb/v0.0.45/conf", user=user)
    assert status == 200, body
    assert body["errors"] == []
    conf, config = body["slurmdbd_conf"], _sacctmgr_config(cluster)
    for key in ("DbdAddr", "DbdHost", "LogFile", "PidFile", "StorageLoc", "StorageUser",
                "ArchiveDir", "DebugLevel", "MaxQueryTimeRange"):
        assert conf[key] == config[key], key
    assert conf["DbdPort"] == int(config["DbdPort"])
    for key in ("TrackWCKey", "TrackSlurmctldDown"):
        assert conf[key] == (config[key] == "Yes"), key
    assert ("AllowNoDefAcct" in conf["Flags"]) == (config["AllowNoDefAcct"] == "Yes")
    for name in ("Event", "Job", "Resv", "Step", "Suspend", "TXN", "Usage"):
        assert conf[f"Purge{name}After"]["set"] == (config[f"Purge{name}After"] != "NONE")


@pytest.mark.cluster
def test_conf_is_served_by_v0045_alone(daemon):
    for version in ("v0.0.43", "v0.0.44"):
        status, _, _ = daemon.request("GET", f"/slurmdb/{version}/conf", user="root")
        assert status == 404
        assert f"/slurmdb/{version}/conf" not in daemon.document()["paths"]
    assert "get" in daemon.document()["paths"]["/slurmdb/v0.0.45/conf"]


def test_key_pairs_read_as_slurmdbd_conf():
    from restd.native.accounting import config_from_keypairs
    conf = config_from_keypairs({
        "PurgeJobAfter": "12 months*", "ArchiveJobs": "Yes",
        "PurgeStepAfter": "30 days", "ArchiveSteps": "No",
        "PurgeEventAfter": "48hours", "PurgeUsageAfter": "NONE",
        "CommitDelay": "5", "AllowNoDefAcct": "Yes", "TrackWCKey": "Yes",
        "DebugLevel": "debug2", "MaxQueryTimeRange": "2-03:04:05", "DbdPort": "6819",
        "StorageLoc": "acct"})
    dumped = _dump.dump(V0045, "SLURMDBD_CONF", conf, get=get_item)
    assert dumped["PurgeJobAfter"] == {"set": True, "hours": 0, "days": 0, "months": 12,
                                       "archive": True}
    assert dumped["PurgeStepAfter"] == {"set": True, "hours": 0, "days": 30, "months": 0,
                                        "archive": False}
    assert dumped["PurgeEventAfter"]["hours"] == 48
    assert dumped["PurgeUsageAfter"]["set"] is False
    assert dumped["PurgeJobScriptAfter"]["set"] is False  # not sent before 26.05
    assert dumped["CommitDelay"] == 5
    assert dumped["Flags"] == ["AllowNoDefAcct"]
    assert dumped["TrackWCKey"] is True and dumped["TrackSlurmctldDown"] is False
    assert dumped["DebugLevel"] == "debug2"
    assert dumped["MaxQueryTimeRange"] == "2-03:04:05"
    assert dumped["DbdPort"] == 6819 and dumped["StorageLoc"] == "acct"
    assert dumped["PersistConnFlags"] == []
