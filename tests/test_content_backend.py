"""plugins/content/_backend.py: what both content plugins share, written once.

meta.slurm comes from one place (both plugins answer the same, as slurmrestd
spells it); Slurm errors map to HTTP statuses by NAME, in the Slurm restd runs
with; the two plugins copy no plumbing of each other (duplicates)."""
from __future__ import annotations

import http.client
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import native_child
from slurmdbd_daemon import dbd  # noqa: F401

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.cluster
def test_both_plugins_show_one_slurm_version_as_slurmrestd_spells_it(dbd):
    """slurmrestd shows SLURM_MAJOR, SLURM_MINOR and SLURM_MICRO, and
    SLURM_VERSION_STRING as release ("22.05.8": the minor with its zero); content/
    slurmdbd once showed "5" and "22.5.8" beside slurmctld's "05" and "22.05.8"."""
    metas = {}
    for path in ("/slurm/v0.0.40/ping/", "/slurmdb/v0.0.40/diag/"):
        connection = http.client.HTTPConnection("127.0.0.1", dbd.port, timeout=120)
        try:
            connection.request("GET", path, headers={"X-SLURM-USER-TOKEN": dbd.token("root")})
            response = connection.getresponse()
            assert response.status == 200, path
            metas[path] = json.loads(response.read())["meta"]["slurm"]
        finally:
            connection.close()
    slurmctld, slurmdbd = metas.values()
    assert slurmctld == slurmdbd
    release = dbd.cluster.run("scontrol", "--version").stdout.split()[1]
    major, minor, micro = release.split(".")
    assert slurmdbd == {"version": {"major": major, "minor": minor, "micro": micro},
                        "release": release, "cluster": "restd"}
    assert len(minor) == 2


def test_statuses_are_given_by_error_names(tmp_path):
    """The map is keyed by names, resolved in the Slurm restd is built against:
    SLURM_PROTOCOL_AUTHENTICATION_ERROR (1007) is 511 and 1005 (its neighbour
    SLURM_PROTOCOL_VERSION_ERROR) an ordinary 500, as neither plugin's copy had
    both right; a name this Slurm lacks maps nothing."""
    conf = native_child.write_offline_conf(tmp_path)
    code = (
        "import json\n"
        "from restd.native import library\n"
        "library.load()\n"
        "from restd.plugins.content import _backend as b\n"
        "names = ['SLURM_PROTOCOL_AUTHENTICATION_ERROR', 'SLURM_PROTOCOL_VERSION_ERROR',\n"
        "         'ESLURM_NOT_SUPPORTED', 'ESLURM_INVALID_JOB_ID', 'ESLURM_DB_CONNECTION',\n"
        "         'SLURMCTLD_COMMUNICATIONS_CONNECTION_ERROR', 'ESLURM_ACCESS_DENIED',\n"
        "         'ESLURM_DATA_AMBIGUOUS_QUERY', 'ESLURM_INVALID_CLUSTER_NAME',\n"
        "         'SLURM_NO_CHANGE_IN_DATA', 'ESLURM_REST_INVALID_QUERY']\n"
        "numbers = {n: b.error_number(n) for n in names}\n"
        "print(json.dumps({'statuses': {n: b.http_status(numbers[n]) for n in names\n"
        "                               if numbers[n] != -1},\n"
        "                  'numbers': numbers,\n"
        "                  'mariadb': b.http_status(1267), 'absent': b.error_number('ESLURM_NO_SUCH'),\n"
        "                  'fixed': [b.error_number(n) == getattr(b, n) for n in (\n"
        "                      'SLURM_NO_CHANGE_IN_DATA', 'ESLURM_ACCESS_DENIED',\n"
        "                      'ESLURM_USER_ID_MISSING', 'ESLURM_INVALID_JOB_ID',\n"
        "                      'ESLURM_INVALID_NODE_NAME', 'ESLURM_ALREADY_DONE',\n"
        "                      'ESLURM_DB_CONNECTION', 'ESLURM_REST_INVALID_QUERY',\n"
        "                      'ESLURM_REST_FAIL_PARSING', 'ESLURM_DATA_AMBIGUOUS_MODIFY',\n"
        "                      'ESLURM_DATA_AMBIGUOUS_QUERY')]}))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, cwd=str(REPO),
                         env=native_child.child_env(SLURM_CONF=str(conf)))
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.splitlines()[-1])
    assert result["numbers"]["SLURM_PROTOCOL_AUTHENTICATION_ERROR"] == 1007
    assert result["numbers"]["SLURM_PROTOCOL_VERSION_ERROR"] == 1005
    expected = {
        "SLURM_PROTOCOL_AUTHENTICATION_ERROR": 511, "SLURM_PROTOCOL_VERSION_ERROR": 500,
        "ESLURM_NOT_SUPPORTED": 501, "ESLURM_INVALID_JOB_ID": 404,
        "ESLURM_DB_CONNECTION": 502, "SLURMCTLD_COMMUNICATIONS_CONNECTION_ERROR": 502,
        "ESLURM_ACCESS_DENIED": 403, "ESLURM_DATA_AMBIGUOUS_QUERY": 422,
        "ESLURM_INVALID_CLUSTER_NAME": 422, "SLURM_NO_CHANGE_IN_DATA": 304,
        "ESLURM_REST_INVALID_QUERY": 422}
    # ESLURM_INVALID_CLUSTER_NAME came after 22.05; the ambiguity errors restd answers
    # on every Slurm, with their later numbers (9210, 9211)
    assert result["numbers"]["ESLURM_DATA_AMBIGUOUS_QUERY"] == 9211
    assert result["statuses"] == {name: status for name, status in expected.items()
                                  if result["numbers"][name] != -1}
    assert result["mariadb"] == 422  # ER_CANT_AGGREGATE_2COLLATIONS: the client's value
    assert result["absent"] == -1
    # the numbers answered before libslurm is asked are this Slurm's
    assert all(result["fixed"])


@pytest.mark.skipif(shutil.which("duplicates") is None, reason="no duplicates command here")
def test_the_content_plugins_copy_no_plumbing_of_each_other():
    """`duplicates` (the tool library's) over plugins/: no pair of places shared
    between content/slurmctld.py and content/slurmdbd.py (or its job history)."""
    out = subprocess.run(["duplicates", "--repo", str(REPO / "plugins"), "--most", "200"],
                         capture_output=True, text=True, timeout=120).stdout
    rows = [line for line in out.splitlines() if line.startswith("D")]
    between = [row for row in rows if "slurmctld.py" in row
               and ("slurmdbd.py" in row or "_slurmdb_jobs.py" in row)]
    assert between == [], out
