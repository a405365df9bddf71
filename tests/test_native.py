"""The libslurm binding (restd.native) against real libslurm and the local cluster.

libslurm is process-global (one slurm_init, SLURM_JWT read once, fatal() exits the
process), so every scenario runs in a child Python: ``python tests/test_native.py
SCENARIO JSON-ARGS`` calls ``scenario_SCENARIO(**args)`` with SLURM_CONF (and
SLURM_JWT=daemon for the cluster) set in its environment before the library loads,
and prints its result as JSON on the last line.  The tests assert on that result.
"""
from __future__ import annotations

import json
import os
import pwd
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import native_child

REPO = Path(__file__).resolve().parent.parent
HEADER_DIR = Path("/usr/include/slurm")


def run_child(scenario: str, env: dict[str, str], timeout: float = 120, **args):
    return native_child.run_child(__file__, scenario, env, timeout, **args)


def _uid(user: str) -> int:
    """The cluster user's uid on this machine (cluster.sh creates them: not fixed)."""
    return pwd.getpwnam(user).pw_uid


@pytest.fixture(scope="module")
def offline_conf(tmp_path_factory) -> Path:
    return native_child.write_offline_conf(tmp_path_factory.mktemp("conf"))


# ---------------------------------------------------------------------------
# no controller needed
# ---------------------------------------------------------------------------

def test_slurm_h_constants_are_the_compiled_headers():
    """restd.native.slurm_h's numbers (what plugins use instead of raw numbers) are
    those of the headers the binding is compiled with: read from restd._libslurm in a
    child (no libslurm loaded here)."""
    code = ("import json; from restd._libslurm import lib; from restd.native import slurm_h; "
            "print(json.dumps([slurm_h.check(lib), sorted(slurm_h.CHECKED)]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60)
    differing, checked = json.loads(out.stdout)
    assert differing == {}
    assert {"NO_VAL", "INFINITE", "INFINITE64", "SHOW_ALL", "SHOW_DETAIL", "SHOW_FUTURE",
            "SLURM_BATCH_SCRIPT", "MAX_JOB_ID", "JOB_STATE_BASE"} <= set(checked)


def _slurm_module():
    sys.path.insert(0, str(REPO / "native"))
    try:
        from _cffi_src import slurm
    finally:
        sys.path.pop(0)
    return slurm


def _declared_fields():
    """(struct, field, C type, optional): optional fields (``/* optional */``) are
    declared only when the installed header has them (build_libslurm)."""
    for _tag, body, name in re.findall(r"typedef struct (\w+)? ?\{(.*?)\} (\w+);",
                                       _slurm_module().TYPES, re.S):
        optional = set(re.findall(r"(\w+)\s*;[ \t]*/\* optional \*/", body))
        for decl in re.sub(r"/\*.*?\*/", "", body, flags=re.S).split(";"):
            decl = " ".join(decl.split())
            if decl and decl != "...":
                ctype, field = re.match(r"(.*?)\s*\b(\w+)$", decl).groups()
                yield name, field, ctype.replace(" ", ""), field in optional


def test_partial_struct_fields_have_the_installed_header_types():
    # cffi checks pointer fields at compile time but integer fields only at first use,
    # and only their size: check every declared field against the installed header.
    text = re.sub(r"/\*.*?\*/", "", (HEADER_DIR / "slurm.h").read_text(), flags=re.S)
    # structs internal to Slurm (restd_job_resources_t) are defined by the binding's C,
    # per release: checked against that definition (preprocessor lines left out)
    text += re.sub(r"(?m)^#.*$", "", re.sub(r"/\*.*?\*/", "", _slurm_module().CUSTOMIZATIONS,
                                            flags=re.S))
    bodies: dict[str, dict[str, str]] = {}
    wrong = []
    for struct, field, ctype, optional in _declared_fields():
        if struct not in bodies:
            match = re.search(r"typedef struct\s*\w*\s*\{([^{}]*)\}\s*%s\s*;" % struct, text)
            assert match, struct
            real = {}
            for decl in match.group(1).split(";"):
                m = re.match(r"(.*?)\s*\b(\w+)$", " ".join(decl.split()))
                if m:
                    real[m.group(2)] = m.group(1).replace(" ", "")
            bodies[struct] = real
        real_type = bodies[struct].get(field)
        if real_type is None and optional:
            continue  # not in this version's struct: left out of the cdef
        if real_type in ("List", "list_t*"):
            real_type = "structxlist*"
        if real_type != ctype:
            wrong.append((struct, field, ctype, real_type))
    assert wrong == []


# Newer Slurms' headers and libslurmfull, from the root file systems of
# conf/cluster/slurm-chroot.sh on this machine: (release, its Slurm's major.minor)
CHROOTS = {"trixie": (24, 11), "forky": (26, 5)}


def _installed_slurm() -> tuple[int, int]:
    """(major, minor) of the slurm_version.h installed here."""
    number = int(re.search(r"#define\s+SLURM_VERSION_NUMBER\s+(0x[0-9a-fA-F]+)",
                           (HEADER_DIR / "slurm_version.h").read_text()).group(1), 16)
    return number >> 16, (number >> 8) & 0xFF


@pytest.mark.parametrize("release", sorted(CHROOTS))
def test_binding_compiles_against_newer_slurm(tmp_path, release):
    """The whole generated C (declarations, accessors, HAS_* flags, the internal struct
    layouts of CUSTOMIZATIONS, the JSON fast path) compiles without a warning against
    the Slurm of a newer Debian release (24.11 in trixie, 26.05 in forky): compile only,
    that libslurm is not loaded here (the suite itself runs in the chroot for that)."""
    root = Path(f"/var/lib/restd-{release}/usr")
    if not (root / "include/slurm/slurm.h").exists() and _installed_slurm() == CHROOTS[release]:
        root = Path("/usr")  # the suite runs in that release (slurm-chroot.sh ... test)
    if not (root / "include/slurm/slurm.h").exists():
        pytest.skip(f"no {release} chroot with libslurm-dev under {root}: "
                    f"bash conf/cluster/slurm-chroot.sh {release} up")
    import sysconfig
    include = tmp_path / "include"
    include.mkdir()
    # only the slurm/ directory: the root file system's libc headers are not this gcc's
    (include / "slurm").symlink_to(root / "include/slurm")
    env = dict(os.environ, SLURM_INCLUDE_DIR=str(include),
               SLURM_LIB_DIR=str(next((root / "lib").glob("*-linux-gnu/slurm-wlm"))))
    source = tmp_path / "_libslurm.c"
    code = ("import sys; sys.path.insert(0, 'native'); import build_libslurm; "
            f"build_libslurm.build_ffi().emit_c_code({str(source)!r})")
    subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO, check=True,
                   capture_output=True, timeout=120)
    version = re.search(r"#define\s+SLURM_VERSION_NUMBER\s+(0x[0-9a-fA-F]+)",
                        (include / "slurm/slurm_version.h").read_text()).group(1)
    major, minor = CHROOTS[release]
    assert int(version, 16) >> 8 == (major << 8) | minor
    compiled = subprocess.run(
        ["gcc", "-c", "-Wall", "-Wno-unused-function", "-o", str(tmp_path / "_libslurm.o"),
         "-I", str(include), "-I", sysconfig.get_paths()["include"], str(source)],
        capture_output=True, text=True, timeout=300)
    assert compiled.returncode == 0 and compiled.stderr == "", compiled.stderr[-4000:]
    # and links: every function it calls is exported by that libslurmfull (a name its
    # header still declares may be gone from the library: slurm_seterrno), libc or Python
    def exported(library):
        out = subprocess.run(["nm", "-D", "--defined-only", "--format=posix", str(library)],
                             capture_output=True, text=True, check=True).stdout
        return {line.split()[0].split("@")[0] for line in out.splitlines() if line}
    libslurm = next((root / "lib").glob("*-linux-gnu/slurm-wlm/libslurmfull.so"))
    defined = exported(libslurm)
    for name in ("libc.so.6", "libm.so.6"):
        defined |= exported(subprocess.run(["gcc", f"-print-file-name={name}"],
                                           capture_output=True, text=True).stdout.strip())
    needed = subprocess.run(["nm", "-u", "--format=posix", str(tmp_path / "_libslurm.o")],
                            capture_output=True, text=True, check=True).stdout
    missing = sorted(name for name in (line.split()[0].split("@")[0]
                                       for line in needed.splitlines() if line)
                     if name not in defined and name != "_GLOBAL_OFFSET_TABLE_"
                     and not name.startswith(("Py", "_Py", "__")))
    assert missing == []


def test_errors_versions_and_descriptions(offline_conf):
    result = run_child("offline", native_child.child_env(SLURM_CONF=str(offline_conf)))
    header = (HEADER_DIR / "slurm_version.h").read_text()
    number = int(re.search(r"SLURM_VERSION_NUMBER\s+(0x[0-9a-fA-F]+)", header).group(1), 16)
    assert result["version_number"] == number
    assert result["version"] == [number >> 16, (number >> 8) & 0xFF, number & 0xFF]
    assert result["cluster_name"] == "unit"
    assert result["names"] == {
        "2017": "ESLURM_INVALID_JOB_ID",
        "1900": "SLURM_NO_CHANGE_IN_DATA",
        "1800": "SLURMCTLD_COMMUNICATIONS_CONNECTION_ERROR",
        "0": "SLURM_SUCCESS",
        "-1": "SLURM_ERROR",
        "110": "ETIMEDOUT",
    }
    assert result["number_of_invalid_job_id"] == 2017
    assert result["description_2017"] == "Invalid job id specified"
    # every enumerator of the installed slurm_errno.h is in the generated table
    enum = re.search(r"typedef\s+enum\s*\{(.*?)\}\s*slurm_err_t",
                     re.sub(r"/\*.*?\*/", "", (HEADER_DIR / "slurm_errno.h").read_text()),
                     re.S).group(1)
    assert set(re.findall(r"^\s*([A-Z][A-Z0-9_]*)", enum, re.M)) <= set(result["all_names"])
    # check_error: success passes, an error code raises with its name
    assert result["check_success"] == 0
    assert result["check_2017"] == [2017, "ESLURM_INVALID_JOB_ID", "Invalid job id specified"]
    # no controller: a real RPC fails with the connection error, ping says not responding
    assert result["load_jobs_error"] == "SLURMCTLD_COMMUNICATIONS_CONNECTION_ERROR"
    assert result["ping"] == [False, "SLURMCTLD_COMMUNICATIONS_CONNECTION_ERROR"]
    # JobDesc: strings, lists with their counts, dict environment; slurm_init_job_desc_msg()
    # leaves user_id NO_VAL in 22.05 and SLURM_AUTH_NOBODY (99) in 24.11
    assert result["desc"] == {"name": "x", "env_size": 2, "argc": 3, "env1": "B=2",
                              "time_limit": 7,
                              "user_id_default": 0xFFFFFFFE if number < 0x180B00 else 99}
    assert result["has_delete_node"] == 1
    # shares: slurm_associations_get_shares() from 23.11 on; before, restd's own
    # REQUEST_SHARE_INFO (protocol.py), which without a controller fails as any RPC does
    assert result["has_shares"] == 1
    if number < 0x170B00:
        assert result["shares_error"] == "SLURMCTLD_COMMUNICATIONS_CONNECTION_ERROR"


def test_missing_slurm_conf_raises_instead_of_exiting(tmp_path):
    result = run_child("load_missing", native_child.child_env(SLURM_CONF=str(tmp_path / "nope.conf")))
    assert result["error"].startswith("SLURM_CONF")


# ---------------------------------------------------------------------------
# against the local cluster
# ---------------------------------------------------------------------------

def _cluster_env(cluster):
    return cluster.env(SLURM_JWT="daemon")


def _squeue_ids(cluster) -> set[int]:
    # "%i" shows 12, 12_3 (array task) or 12+0 (hetjob component): keep the job id
    out = cluster.run("squeue", "-h", "-o", "%i").stdout
    return {int(re.match(r"\d+", x).group()) for x in out.split()}


def _show_job(cluster, job_id: int) -> str:
    return cluster.run("scontrol", "show", "job", str(job_id), check=False).stdout


@pytest.mark.cluster
def test_ping_answers_up(cluster):
    result = run_child("ping", _cluster_env(cluster), token=cluster.token("alice"))
    conf = cluster.slurm_conf.read_text()
    host = re.search(r"^SlurmctldHost=([^(\s]+)", conf, re.M).group(1)
    assert result["pings"][0]["responding"] is True
    assert result["pings"][0]["mode"] == "primary"
    assert result["pings"][0]["hostname"] == host
    assert result["cluster_name"] == re.search(r"^ClusterName=(\S+)", conf, re.M).group(1)


@pytest.mark.cluster
def test_job_lifecycle_as_alice(cluster):
    alice = cluster.token("alice")
    uid, gid = _uid("alice"), pwd.getpwnam("alice").pw_gid
    result = run_child("lifecycle", _cluster_env(cluster), token=alice, uid=uid, gid=gid)
    job_id = result["job_id"]
    try:
        assert job_id in result["load_jobs_ids"]
        assert result["load_job"]["user_id"] == uid
        assert result["load_job"]["name"] == "restd-native-test"
        assert result["load_job"]["partition"] == "debug"
        # slurmctld agrees: squeue shows the job submitted through the binding
        assert job_id in _squeue_ids(cluster)
        # update (as alice): scontrol shows the new values
        assert result["updated"] == {"time_limit": 5, "comment": "set by restd"}
        shown = _show_job(cluster, job_id)
        assert "TimeLimit=00:05:00" in shown and "Comment=set by restd" in shown
        # an unchanged job list since last_update comes back as None
        assert result["unchanged"] is None
        # bob may not touch alice's job
        assert result["bob_update_error"] in ("ESLURM_ACCESS_DENIED", "ESLURM_USER_ID_MISSING")
        # kill cancels
        run_child("kill", _cluster_env(cluster), token=alice, job_id=job_id)
        deadline = time.monotonic() + 30
        while job_id in _squeue_ids(cluster) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert job_id not in _squeue_ids(cluster)
        assert "JobState=CANCELLED" in _show_job(cluster, job_id)
        state = run_child("job_state", _cluster_env(cluster), token=alice, job_id=job_id)
        assert state["state"] == "CANCELLED"
    finally:
        cluster.run("scancel", str(job_id), check=False)


@pytest.mark.cluster
def test_submit_with_root_uid_is_refused(cluster):
    result = run_child("submit_error", _cluster_env(cluster), token=cluster.token("alice"),
                       uid=0, gid=0)
    assert result["error"] == "ESLURM_USER_ID_MISSING"
    assert result["description"] == "Invalid user id"


@pytest.mark.cluster
def test_unknown_job_raises_invalid_job_id(cluster):
    result = run_child("job_state", _cluster_env(cluster), token=cluster.token("alice"),
                       job_id=99999999)
    assert result["error"] == "ESLURM_INVALID_JOB_ID"


@pytest.mark.cluster
def test_het_job_submit(cluster):
    result = run_child("het_submit", _cluster_env(cluster), token=cluster.token("alice"),
                       uid=_uid("alice"), gid=pwd.getpwnam("alice").pw_gid)
    try:
        assert result["records"] == 2
        assert result["het_job_ids"] == [result["job_id"], result["job_id"]]
        assert result["job_id"] in _squeue_ids(cluster)
    finally:
        cluster.run("scancel", str(result["job_id"]), check=False)


@pytest.mark.cluster
def test_signal_job_ends_running_job(cluster):
    alice = cluster.token("alice")
    result = run_child("signal", _cluster_env(cluster), token=alice, uid=_uid("alice"),
                       gid=pwd.getpwnam("alice").pw_gid)
    try:
        assert result["state_before"] == "RUNNING"
        deadline = time.monotonic() + 30
        while result["job_id"] in _squeue_ids(cluster) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert result["job_id"] not in _squeue_ids(cluster)
    finally:
        cluster.run("scancel", str(result["job_id"]), check=False)


@pytest.mark.cluster
def test_nodes_partitions_licenses_reservations_diag(cluster):
    result = run_child("inventory", _cluster_env(cluster), token=cluster.token("alice"))
    assert result["nodes"] == ["n1", "n2", "n3", "n4"]
    assert all(cpus >= 1 for cpus in result["node_cpus"])
    assert {"debug", "long"} <= set(result["partitions"])
    assert result["partition_nodes"]["debug"] == "n[1-4]"
    sinfo = cluster.run("scontrol", "show", "reservation").stdout
    assert result["reservations"] == len(re.findall(r"ReservationName=", sinfo))
    assert isinstance(result["licenses"], list)
    assert result["diag"]["server_thread_count"] >= 1
    assert abs(result["diag"]["req_time"] - time.time()) < 60


@pytest.mark.cluster
def test_node_update_and_reconfigure_permissions(cluster):
    root = cluster.token("root")
    stamp = "restd-%d" % os.getpid()
    try:
        result = run_child("node_comment", _cluster_env(cluster), token=root, node="n4",
                           comment=stamp, alice=cluster.token("alice"))
        assert "Comment=%s" % stamp in cluster.run("scontrol", "show", "node", "n4").stdout
        assert result["alice_error"] in ("ESLURM_ACCESS_DENIED", "ESLURM_USER_ID_MISSING")
        assert result["alice_reconfigure_error"] in ("ESLURM_ACCESS_DENIED",
                                                     "ESLURM_USER_ID_MISSING")
    finally:
        cluster.run("scontrol", "update", "nodename=n4", "comment=", check=False)


@pytest.mark.cluster
def test_delete_unknown_node_is_refused(cluster):
    # only an unknown node: slurm_delete_node() deletes even a static node on 22.05,
    # and the shared cluster's slurmctld must then be restarted to get it back
    result = run_child("delete_node", _cluster_env(cluster), token=cluster.token("root"),
                       node="restd-no-such-node")
    assert result["error"] == "ESLURM_INVALID_NODE_NAME"


@pytest.mark.cluster
def test_concurrent_users_in_threads(cluster):
    # alice and bob submit at the same time from two threads of one process: each
    # thread's RPCs carry its own token, else slurmctld refuses the other's uid
    result = run_child("concurrent", _cluster_env(cluster), alice=cluster.token("alice"),
                       bob=cluster.token("bob"), rounds=4)
    try:
        assert result["errors"] == []
        assert sorted(result["owners"]) == sorted([_uid("alice")] * 4 + [_uid("bob")] * 4)
    finally:
        for job_id in result["job_ids"]:
            cluster.run("scancel", str(job_id), check=False)


@pytest.mark.cluster
def test_identity_is_per_thread_and_cleared_on_error(cluster):
    result = run_child("identity", _cluster_env(cluster), token=cluster.token("alice"))
    assert result["inside"] is True
    assert result["other_thread_error"] is not None  # no token in that thread
    assert result["raised"] == "boom"
    assert result["after_error"] is not None  # cleared although the block raised


@pytest.mark.cluster
def test_load_jobs_frees_its_memory(cluster):
    result = run_child("memory", _cluster_env(cluster), token=cluster.token("alice"),
                       timeout=300, rounds=1000)
    assert result["records"] >= 1
    # ~1000 responses of several KiB each would be MiBs if leaked
    assert result["growth_kib"] < 2048, result


# ---------------------------------------------------------------------------
# child side
# ---------------------------------------------------------------------------

def _load():
    from restd.native import library
    return library.load(jwt_daemon=os.environ.get("SLURM_JWT") == "daemon")


def scenario_offline():
    _load()
    from restd.native import controller, errors
    names = {str(n): errors.error_name(n) for n in (2017, 1900, 1800, 0, -1, 110)}
    try:
        errors.check_error(2017, call="test")
    except errors.SlurmError as exc:
        check_2017 = [exc.number, exc.name, exc.description]
    try:
        controller.load_jobs()
        load_jobs_error = None
    except errors.SlurmError as exc:
        load_jobs_error = exc.name
    ping = controller.ping()[0]
    _, lib = _load()
    try:
        controller.shares()
        shares_error = None
    except errors.SlurmError as exc:
        shares_error = exc.name
    desc = controller.JobDesc(name="x", environment={"A": "1", "B": "2"},
                              argv=["a", "b", "c"], time_limit=7)
    _, lib = _load()
    errors._table()
    return {
        "version_number": controller.version_number(),
        "version": list(controller.version()),
        "cluster_name": controller.cluster_name(),
        "names": names,
        "all_names": sorted(errors._numbers),
        "number_of_invalid_job_id": errors.error_number("ESLURM_INVALID_JOB_ID"),
        "description_2017": errors.describe(2017),
        "check_success": errors.check_error(0),
        "check_2017": check_2017,
        "load_jobs_error": load_jobs_error,
        "ping": [ping.responding, ping.error.name if ping.error else None],
        "desc": {"name": desc.name, "env_size": desc.env_size, "argc": desc.argc,
                 "env1": desc._ffi.string(desc.c.environment[1]).decode(),
                 "time_limit": desc.time_limit, "user_id_default": desc.user_id},
        "has_delete_node": lib.HAS_DELETE_NODE,
        "has_shares": lib.HAS_ASSOCIATIONS_GET_SHARES,
        "shares_error": shares_error,
    }


def scenario_load_missing():
    from restd.native import library
    try:
        library.load()
    except library.SlurmLoadError as exc:
        return {"error": str(exc)}
    return {"error": None}


def _script_job(uid, gid, name="restd-native-test", **extra):
    fields = dict(name=name, script="#!/bin/sh\nsleep 300\n", partition="debug",
                  user_id=uid, group_id=gid, work_dir="/tmp", std_out="/dev/null",
                  environment={"PATH": "/usr/bin:/bin"}, min_nodes=1, time_limit=10)
    fields.update(extra)
    return fields


def scenario_ping(token):
    _load()
    from restd.native import controller, identity
    with identity.as_user(token, "alice"):
        pings = controller.ping()
    return {"pings": [{"hostname": p.hostname, "mode": p.mode, "responding": p.responding}
                      for p in pings],
            "cluster_name": controller.cluster_name()}


def scenario_lifecycle(token, uid, gid):
    _load()
    from restd.native import controller, identity
    from restd.native.errors import SlurmError
    out = {}
    with identity.as_user(token, "alice"):
        job_id = controller.submit_job(_script_job(uid, gid)).job_id
        out["job_id"] = job_id
        with controller.load_jobs() as jobs:
            out["load_jobs_ids"] = [job.job_id for job in jobs]
        out["load_job"] = controller.load_job(job_id)[0].to_dict()
        controller.update_job(dict(job_id=job_id, time_limit=5, comment="set by restd"))
        job = controller.load_job(job_id)[0]
        out["updated"] = {"time_limit": job.time_limit, "comment": job.comment}
    # bob, with his own token
    bob = subprocess.run(["bash", str(REPO / "conf/cluster/cluster.sh"), "token", "bob"],
                         capture_output=True, text=True, check=True).stdout.strip()
    try:
        with identity.as_user(bob.split("=", 1)[1], "bob"):
            controller.update_job(dict(job_id=job_id, time_limit=1))
        out["bob_update_error"] = None
    except SlurmError as exc:
        out["bob_update_error"] = exc.name
    with identity.as_user(token, "alice"):
        # nothing can have changed since a time in the future
        unchanged = controller.load_jobs(update_time=int(time.time()) + 3600)
        out["unchanged"] = None if unchanged is None else len(unchanged)
    return out


def scenario_kill(token, job_id):
    _load()
    from restd.native import controller, identity
    with identity.as_user(token, "alice"):
        controller.kill_job(job_id)
    return {}


def scenario_job_state(token, job_id):
    _load()
    from restd.native import controller, identity
    from restd.native.errors import SlurmError
    try:
        with identity.as_user(token, "alice"):
            return {"state": controller.load_job(job_id)[0].state, "error": None}
    except SlurmError as exc:
        return {"state": None, "error": exc.name}


def scenario_submit_error(token, uid, gid):
    _load()
    from restd.native import controller, identity
    from restd.native.errors import SlurmError
    try:
        with identity.as_user(token, "alice"):
            result = controller.submit_job(_script_job(uid, gid))
        return {"error": None, "job_id": result.job_id}
    except SlurmError as exc:
        return {"error": exc.name, "description": exc.description}


def scenario_het_submit(token, uid, gid):
    _load()
    from restd.native import controller, identity
    with identity.as_user(token, "alice"):
        first = controller.JobDesc(**_script_job(uid, gid, name="restd-het"))
        second = controller.JobDesc(**_script_job(uid, gid, name="restd-het"))
        second.script = None  # only the leader carries the script
        job_id = controller.submit_het_job([first, second]).job_id
        with controller.load_job(job_id) as jobs:
            return {"job_id": job_id, "records": len(jobs),
                    "het_job_ids": [job.het_job_id for job in jobs]}


def scenario_signal(token, uid, gid):
    _load()
    from restd.native import controller, identity
    with identity.as_user(token, "alice"):
        job_id = controller.submit_job(_script_job(uid, gid, name="restd-signal")).job_id
        deadline = time.monotonic() + 60
        state = None
        while time.monotonic() < deadline:
            state = controller.load_job(job_id)[0].state
            if state == "RUNNING":
                break
            time.sleep(0.5)
        time.sleep(1)  # let the batch step start its script
        controller.signal_job(job_id, signal.SIGTERM, full=True)
    return {"job_id": job_id, "state_before": state}


def scenario_inventory(token):
    _load()
    from restd.native import controller, identity
    with identity.as_user(token, "alice"):
        nodes = controller.load_nodes()
        parts = controller.load_partitions()
        resv = controller.load_reservations()
        lics = controller.load_licenses()
        stats = controller.diag()
        # slurm_load_node() answers MaxNodeCount records: those without a name are the
        # free slots for dynamic nodes (the dumpers skip them too: NODES skip_without)
        named = [node for node in nodes if node.name]
        return {
            "nodes": sorted(node.name for node in named),
            "node_cpus": [node.cpus for node in named],
            "partitions": [part.name for part in parts],
            "partition_nodes": {part.name: part.nodes for part in parts},
            "reservations": len(resv),
            "licenses": [lic.to_dict() for lic in lics],
            "diag": {"server_thread_count": stats.server_thread_count,
                     "req_time": stats.req_time},
        }


def scenario_node_comment(token, node, comment, alice):
    _load()
    from restd.native import controller, identity
    from restd.native.errors import SlurmError
    with identity.as_user(token, "root"):
        controller.update_node(node, comment=comment)
    out = {}
    for key, call in (("alice_error", lambda: controller.update_node(node, comment="alice")),
                      ("alice_reconfigure_error", controller.reconfigure)):
        try:
            with identity.as_user(alice, "alice"):
                call()
            out[key] = None
        except SlurmError as exc:
            out[key] = exc.name
    return out


def scenario_delete_node(token, node):
    _load()
    from restd.native import controller, identity
    from restd.native.errors import SlurmError
    try:
        with identity.as_user(token, "root"):
            controller.delete_node(node)
        return {"error": None}
    except SlurmError as exc:
        return {"error": exc.name}


def scenario_concurrent(alice, bob, rounds):
    import threading
    _load()
    from restd.native import controller, identity
    from restd.native.errors import SlurmError
    job_ids, errors, mine = [], [], {}
    barrier = threading.Barrier(2)

    def work(token, user, uid):
        barrier.wait()
        for _ in range(rounds):
            try:
                with identity.as_user(token, user):
                    job_id = controller.submit_job(
                        _script_job(uid, uid, name="restd-conc", priority=0)).job_id  # held
                    job_ids.append(job_id)
                    mine.setdefault(user, (token, []))[1].append(job_id)
            except SlurmError as exc:
                errors.append("%s: %s" % (user, exc))

    threads = [threading.Thread(target=work, args=(alice, "alice", _uid("alice"))),
               threading.Thread(target=work, args=(bob, "bob", _uid("bob")))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    owners = []
    for user, (token, ids) in mine.items():
        with identity.as_user(token, user):
            for job_id in ids:
                owners.append(controller.load_job(job_id)[0].user_id)
                controller.kill_job(job_id)
    return {"job_ids": job_ids, "owners": owners, "errors": errors}


def scenario_identity(token):
    import threading
    _load()
    from restd.native import controller, identity
    from restd.native.errors import SlurmError

    def attempt():
        try:
            controller.load_jobs().close()
            return None
        except SlurmError as exc:
            return exc.name

    out = {}
    with identity.as_user(token, "alice"):
        out["inside"] = attempt() is None
        box = {}
        thread = threading.Thread(target=lambda: box.update(error=attempt()))
        thread.start()
        thread.join()
        out["other_thread_error"] = box["error"]
    try:
        with identity.as_user(token, "alice"):
            raise ValueError("boom")
    except ValueError as exc:
        out["raised"] = str(exc)
    out["after_error"] = attempt()
    return out


def scenario_memory(token, rounds):
    _load()
    from restd.native import controller, identity

    def rss_kib():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024

    def one():
        jobs = controller.load_jobs()
        for job in jobs:
            job.job_id, job.name, job.user_id, job.partition, job.nodes
        return len(jobs)

    with identity.as_user(token, "alice"):
        for _ in range(100):
            records = one()
        before = rss_kib()
        for _ in range(rounds):
            one()
        after = rss_kib()
    return {"records": records, "before_kib": before, "after_kib": after,
            "growth_kib": after - before}


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    name, args = sys.argv[1], json.loads(sys.argv[2])
    print(json.dumps(globals()["scenario_" + name](**args)))
