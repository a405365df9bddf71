"""restd's command line (slurmrestd's): run as ``python -m restd`` in a subprocess,
the way units and scripts run it, plus the configuration and plugin-name rules
in-process. The suite runs as root, which is exactly what restd refuses."""
import asyncio
import http.client
import importlib.metadata
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from openapi_spec_validator import validate

from restd.config import ConfigError, build_config, read_slurm_user
from restd.app import build_app
from restd.http.messages import ClientInfo, Request
from restd.plugin_loader import (PluginError, available, load_plugins, name_of_module,
                                 plugin_name, split_data_parser)

REPO = Path(__file__).resolve().parent.parent
CLEAN_ENV = {name: value for name, value in os.environ.items()
             if not name.startswith(("SLURM", "RESTD_", "LISTEN_"))}


def restd(*args, env=None, stdin=b"", timeout=30):
    environment = {**CLEAN_ENV, "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.run([sys.executable, "-m", "restd", *args], input=stdin,
                          capture_output=True, env=environment, timeout=timeout, cwd="/tmp")


ALLOW_ROOT = {"SLURMRESTD_SECURITY": "disable_user_check"}
TESTING = {"RESTD_ENABLE_TEST_PLUGINS": "1"}
SECRET = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2Vu.U0VDUkVU"


# --- informational options ----------------------------------------------------------

def test_version():
    result = restd("-V")
    assert result.returncode == 0
    assert result.stdout.decode().startswith("restd 0.1.0")


def test_help():
    result = restd("-h")
    assert result.returncode == 0
    assert b"slurmrestd" in result.stdout and b"--generate-openapi-spec" in result.stdout


@pytest.mark.parametrize("args", [["--bogus"], ["-x"], ["-t", "many"], ["-t"]])
def test_bad_option_prints_usage_and_exits_1(args):
    result = restd(*args)
    assert result.returncode == 1
    assert result.stderr.startswith(b"usage: restd")
    assert result.stdout == b""


@pytest.mark.parametrize("option, family", [("-a", "auth"), ("-s", "content"),
                                            ("-d", "data_parser")])
def test_list_each_family(option, family):
    found = sorted(name_of_module(family, p.stem)
                   for p in (REPO / "plugins" / family).glob("*.py")
                   if not p.stem.startswith(("_", "testing")))
    result = restd(option, "list")
    assert result.returncode == 0
    assert result.stdout.decode().split() == found


def test_test_plugins_are_listed_only_when_enabled():
    assert b"testing" not in restd("-s", "list").stdout
    assert restd("-s", "list", env=TESTING).stdout.decode().split().count("testing") == 1


def test_generate_openapi_spec_prints_a_valid_document():
    result = restd("--generate-openapi-spec", "-s", "testing", env=TESTING)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    validate(document)
    assert document["info"]["version"] == "restd-0.1.0&openapi/testing"


def _versions_served(document: dict) -> dict[str, int]:
    """Operations per /slurm/ and /slurmdb/ version in a document."""
    counts: dict[str, int] = {}
    for path, methods in document["paths"].items():
        side, version = path.split("/")[1:3]
        if side in ("slurm", "slurmdb"):
            counts[version] = counts.get(version, 0) + len(methods)
    return counts


def test_every_data_parser_is_listed_and_is_the_default():
    """-d list names every version restd has (v0.0.40 to v0.0.45), and without -d
    the document serves each of them (slurmrestd's default: every data_parser)."""
    from restd.data_parser.versions import NAMES
    listed = restd("-d", "list")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.decode().split() == list(NAMES)
    assert NAMES == ("v0.0.40", "v0.0.41", "v0.0.42", "v0.0.43", "v0.0.44", "v0.0.45")
    result = restd("--generate-openapi-spec", "-s", "slurmctld,slurmdbd")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    validate(document)
    served = _versions_served(document)
    assert sorted(served) == list(NAMES), served
    assert all(count >= 36 for count in served.values()), served


def test_every_data_parser_with_fast_writes_the_same_document():
    """+fast (slurmrestd's flag) is accepted by every version and changes no
    schema: the document of -d v0.0.40+fast,...,v0.0.45+fast is that of no -d."""
    from restd.data_parser.versions import NAMES
    plain = restd("--generate-openapi-spec", "-s", "slurmctld,slurmdbd")
    fast = restd("--generate-openapi-spec", "-s", "slurmctld,slurmdbd",
                 "-d", ",".join(f"{name}+fast" for name in NAMES))
    assert fast.returncode == 0, fast.stderr
    assert json.loads(fast.stdout) == json.loads(plain.stdout)
    for name in NAMES:  # one version alone: only its paths
        alone = restd("--generate-openapi-spec", "-s", "slurmctld", "-d", f"{name}+fast")
        assert alone.returncode == 0, alone.stderr
        assert list(_versions_served(json.loads(alone.stdout))) == [name]


# --- plugin names -------------------------------------------------------------------

@pytest.mark.parametrize("family, given, expected", [
    ("content", "openapi/slurmctld", "slurmctld"),
    ("content", "openapi/slurmdbd", "slurmdbd"),
    ("content", "slurmctld", "slurmctld"),
    ("auth", "rest_auth/jwt", "jwt"),
    ("auth", "rest_auth/local", "local"),
    ("data_parser", "data_parser/v0.0.40", "v0.0.40"),
])
def test_slurm_plugin_names_map(family, given, expected):
    assert plugin_name(family, given, []) == expected


@pytest.mark.parametrize("legacy", ["v0.0.39", "dbv0.0.39", "v0.0.38", "openapi/dbv0.0.37"])
def test_versioned_content_plugins_are_refused_naming_the_new_ones(legacy):
    with pytest.raises(PluginError) as refusal:
        plugin_name("content", legacy, ["slurmctld", "slurmdbd"])
    assert "slurmctld" in str(refusal.value) and "slurmdbd" in str(refusal.value)
    assert "-d" in str(refusal.value)


def test_versioned_content_plugins_refused_on_the_command_line():
    result = restd("-s", "v0.0.39,dbv0.0.39", "--generate-openapi-spec")
    assert result.returncode == 1
    assert b"slurmctld and slurmdbd" in result.stderr


def test_unknown_plugin_is_refused():
    result = restd("-a", "nope", "--generate-openapi-spec")
    assert result.returncode == 1
    assert b"unknown auth plugin 'nope'" in result.stderr


def test_openapi_prefix_loads_the_testing_plugin():
    config = build_config(content="openapi/testing", environ=TESTING)
    assert [p.NAME for p in load_plugins(config).content] == ["testing"]


def test_an_empty_plugin_list_is_refused():
    with pytest.raises(PluginError, match="no auth plugin given"):
        load_plugins(build_config(auth=" , ", environ={}))


def test_testing_plugin_is_never_a_default():
    assert "testing" not in [p.NAME for p in load_plugins(build_config(environ={})).content]


def test_sites_add_plugins_by_entry_point(monkeypatch):
    site_plugin = importlib.metadata.EntryPoint(
        name="content.site", value="restd.plugins.content.testing", group="restd.plugins")
    monkeypatch.setattr(importlib.metadata, "entry_points",
                        lambda group: [site_plugin] if group == "restd.plugins" else [])
    found = available("content")
    assert "site" in found and found["site"]().NAME == "testing"


def test_data_parser_modules_are_named_with_dots():
    assert name_of_module("data_parser", "v0_0_40") == "v0.0.40"
    assert name_of_module("serializer", "url_encoded") == "url_encoded"


@pytest.fixture
def site_data_parser(tmp_path, monkeypatch):
    """A data_parser a site adds by entry point (the real ones come later)."""
    (tmp_path / "site_data_parser.py").write_text(
        'NAME = "v0.0.99"\nFLAGS = frozenset({"fast"})\nVERSION = None\n'
        'def schemas():\n    return {}\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    entry_point = importlib.metadata.EntryPoint(
        name="data_parser.v0.0.99", value="site_data_parser", group="restd.plugins")
    monkeypatch.setattr(importlib.metadata, "entry_points",
                        lambda group: [entry_point] if group == "restd.plugins" else [])


def test_data_parser_with_flags_routes_the_content_plugins(site_data_parser):
    config = build_config(content="testing", data_parser="data_parser/v0.0.99+FAST",
                          environ=TESTING)
    plugins = load_plugins(config)
    [data_parser] = plugins.data_parsers
    assert (data_parser.name, data_parser.flags) == ("v0.0.99", frozenset({"fast"}))
    app = build_app(config, plugins)
    try:
        request = Request("GET", "/testing/v0.0.99/echo/x", "", [], b"",
                          ClientInfo("tcp", "test"))
        # routed: refused for want of a credential, not unknown (404)
        assert asyncio.run(app(request)).status == 401
    finally:
        app.close()


def test_unknown_data_parser_flag_is_refused(site_data_parser):
    with pytest.raises(PluginError, match="unknown flag"):
        load_plugins(build_config(data_parser="v0.0.99+bogus", environ={}))


def test_data_parser_flags():
    assert split_data_parser("v0.0.40+fast+Prefer_Refs") == (
        "v0.0.40", frozenset({"fast", "prefer_refs"}))
    assert split_data_parser("v0.0.41") == ("v0.0.41", frozenset())


# --- configuration ------------------------------------------------------------------

def test_arguments_beat_environment():
    environ = {"SLURMRESTD_AUTH_TYPES": "local", "SLURMRESTD_OPENAPI_PLUGINS": "slurmdbd",
               "SLURMRESTD_DATA_PARSER_PLUGINS": "v0.0.41", "SLURMRESTD_MAX_CONNECTIONS": "7",
               "SLURMRESTD_DEBUG": "debug", "SLURM_CONF": "/env/slurm.conf",
               "SLURMRESTD_LISTEN": ":8080,unix:/run/r.sock"}
    from_env = build_config(environ=environ)
    assert from_env.auth_plugins == ("local",) and from_env.content_plugins == ("slurmdbd",)
    assert from_env.data_parsers == ("v0.0.41",) and from_env.max_connections == 7
    assert from_env.log_level == 10 and from_env.slurm_conf == "/env/slurm.conf"
    assert from_env.listen == (":8080", "unix:/run/r.sock")
    from_args = build_config(auth="jwt", content="slurmctld", data_parser="v0.0.40+fast",
                             max_connections=3, verbose=1, slurm_conf="/arg/slurm.conf",
                             listen=["127.0.0.1:1"], environ=environ)
    assert from_args.auth_plugins == ("jwt",) and from_args.content_plugins == ("slurmctld",)
    assert from_args.data_parsers == ("v0.0.40+fast",) and from_args.max_connections == 3
    assert from_args.log_level == 15 and from_args.slurm_conf == "/arg/slurm.conf"
    # listen addresses from both: SLURMRESTD_LISTEN adds to the arguments
    assert from_args.listen == ("127.0.0.1:1", ":8080", "unix:/run/r.sock")


def test_defaults():
    config = build_config(environ={})
    # max_connections None: derived from the open files limit when the daemon starts
    assert config.threads == 20 and config.max_connections is None
    assert config.max_connections_per_peer is None and not config.privileged_unix_only
    assert config.auth_plugins is None and config.content_plugins is None
    assert config.pretty("json") and config.pretty("yaml")
    assert config.slurm_conf == "/etc/slurm/slurm.conf"
    assert config.workers == 1  # one process unless asked: restd.config says why
    assert config.malloc_arenas == 2  # restd/memory.py says why
    assert build_config(environ={"RESTD_MALLOC_ARENAS": "0"}).malloc_arenas == 0


def test_workers_from_the_option_or_the_environment():
    assert build_config(workers="4", environ={"RESTD_WORKERS": "2"}).workers == 4
    assert build_config(environ={"RESTD_WORKERS": "2"}).workers == 2
    # auto: one per CPU this process may run on (its affinity mask, not the machine's),
    # at most 8
    assert build_config(workers="auto", environ={}).workers == min(
        8, len(os.sched_getaffinity(0)))
    for bad in ("0", "-1", "many"):
        with pytest.raises(ConfigError):
            build_config(workers=bad, environ={})
        with pytest.raises(ConfigError):
            build_config(environ={"RESTD_WORKERS": bad})


def test_compact_output_and_debug_levels():
    config = build_config(environ={"SLURMRESTD_JSON": "compact", "SLURMRESTD_YAML": "Pretty",
                                   "SLURMRESTD_DEBUG": "2"})
    assert not config.pretty("json") and config.pretty("yaml")
    assert config.log_level == 40  # Slurm's 2 is "error"


@pytest.mark.parametrize("environ", [
    {"SLURMRESTD_JSON": "tiny"},
    {"SLURMRESTD_DEBUG": "loud"},
    {"SLURMRESTD_DEBUG": "42"},
    {"SLURMRESTD_MAX_CONNECTIONS": "0"},
    {"SLURMRESTD_SECURITY": "disable_everything"},
    {"RESTD_LOG": "file"},
    {"RESTD_MALLOC_ARENAS": "-1"},
    {"RESTD_MALLOC_ARENAS": "few"},
    {"RESTD_LAST_ANSWERS_MB": "inf"},
    {"RESTD_SHARED_FETCH_WINDOW": "nan"},
])
def test_bad_environment_is_refused(environ):
    with pytest.raises(ConfigError):
        build_config(environ=environ)


def test_bad_environment_exits_1():
    result = restd("--generate-openapi-spec", env={"SLURMRESTD_JSON": "tiny"})
    assert result.returncode == 1 and b"SLURMRESTD_JSON" in result.stderr


def test_slurm_user_from_slurm_conf(tmp_path):
    conf = tmp_path / "slurm.conf"
    conf.write_text("ClusterName=x\n  slurmuser = slurm  # the daemon user\nSlurmdUser=root\n")
    assert read_slurm_user(str(conf)) == "slurm"
    assert read_slurm_user(str(tmp_path / "missing.conf")) is None


# --- who restd runs as --------------------------------------------------------------

def test_refuses_to_run_as_root():
    assert os.geteuid() == 0, "this suite runs as root"
    result = restd()
    assert result.returncode == 1
    assert b"must not run as root" in result.stderr
    assert b"disable_user_check" in result.stderr


def test_refuses_slurm_user(tmp_path):
    conf = tmp_path / "slurm.conf"
    conf.write_text("SlurmUser=slurm\n")
    result = restd("-f", str(conf), "-u", "slurm", ":0")
    assert result.returncode == 1
    assert b"SlurmUser (slurm" in result.stderr


def test_refuses_nobody():
    result = restd("-u", "nobody", ":0")
    assert result.returncode == 1
    assert b"must not run as nobody" in result.stderr


def test_unknown_user_is_refused():
    result = restd("-u", "no-such-user-here", ":0")
    assert result.returncode == 1 and b"unknown user" in result.stderr


def test_inetd_mode_answers_on_stdin_stdout():
    request = b"GET /openapi/v3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    result = restd(env=ALLOW_ROOT, stdin=request)
    assert result.returncode == 0, result.stderr
    head, _, body = result.stdout.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    validate(json.loads(body))
    # the access line: path and status, on stderr
    assert b"GET /openapi/v3 200" in result.stderr


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=10)
        self.unix_path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.unix_path)


@pytest.fixture
def shared_directory():
    """A directory the unprivileged user restd becomes can still reach (pytest's
    tmp_path is root's alone), so that it can remove its socket when it stops."""
    directory = Path(tempfile.mkdtemp(prefix="restd-test-", dir="/tmp"))
    directory.chmod(0o777)
    yield directory
    shutil.rmtree(directory)


def test_daemon_listens_drops_privileges_and_stops_on_sigterm(shared_directory):
    path = shared_directory / "restd.sock"
    environment = {**CLEAN_ENV, "PYTHONPATH": str(REPO), **TESTING}
    daemon = subprocess.Popen(
        [sys.executable, "-m", "restd", f"unix:{path}", "-u", "54321", "-g", "54322",
         "-s", "testing", "-t", "2", "-vvv"],
        env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd="/tmp")
    try:
        deadline = time.monotonic() + 20
        while not path.exists():
            assert daemon.poll() is None, daemon.stderr.read()
            assert time.monotonic() < deadline, "restd did not start"
            time.sleep(0.05)
        status = Path(f"/proc/{daemon.pid}/status").read_text()
        assert "\nUid:\t54321\t54321\t54321" in status
        assert "\nGid:\t54322\t54322\t54322" in status
        assert "\nGroups:\t54322 \n" in status or "\nGroups:\t54322\n" in status
        connection = UnixHTTPConnection(str(path))
        connection.request("GET", f"/openapi/v3?token={SECRET}",
                           headers={"X-SLURM-USER-TOKEN": SECRET})
        response = connection.getresponse()
        assert response.status == 200
        validate(json.loads(response.read()))
        connection.request("GET", "/slurm/v0.0.40/nothing")
        response = connection.getresponse()
        assert response.status == 404
        assert response.read() == (b"Unable find requested URL. "
                                   b"Please view /openapi/v3 for API reference.")
        connection.close()
    finally:
        daemon.send_signal(signal.SIGTERM)
        _, stderr = daemon.communicate(timeout=20)
    assert daemon.returncode == 0, stderr
    assert b"GET /openapi/v3 200" in stderr
    assert SECRET.encode() not in stderr
    assert not path.exists()


# --- descriptors and connection caps -------------------------------------------------

def test_help_documents_the_connection_caps():
    result = restd("-h")
    text = b" ".join(result.stdout.split())
    assert b"--max-connections-per-peer" in text and b"--privileged-unix-only" in text
    assert b"derived from the open files limit" in text


def test_default_max_connections_follows_the_descriptor_limit():
    from restd.server import default_max_connections
    assert default_max_connections(1024, 20) == 1024 - 48 - 40
    assert default_max_connections(4096, 2) == 4096 - 48 - 4
    assert default_max_connections(64, 20) == 8  # never below a few connections
    assert default_max_connections(1 << 20, 20) == 16384  # nor huge


def test_connection_ceiling_keeps_the_workers_descriptors():
    from restd.server import connection_ceiling
    assert connection_ceiling(1 << 20, 20) == (1 << 20) - 48 - 40  # explicit caps may go past 16384
    assert connection_ceiling(64, 20) == 8


@pytest.mark.parametrize("args, expected", [
    ([], "open files limit 4096: up to 4044 connections\n"),
    (["--max-connections", "10", "--max-connections-per-peer", "3"],
     "open files limit 4096: up to 10 connections, 3 per peer\n"),
])
def test_daemon_raises_its_descriptor_limit_and_sizes_the_cap_from_it(
        shared_directory, args, expected):
    import resource

    path = shared_directory / "restd.sock"
    environment = {**CLEAN_ENV, "PYTHONPATH": str(REPO), **TESTING}
    daemon = subprocess.Popen(
        [sys.executable, "-m", "restd", f"unix:{path}", "-u", "54321", "-g", "54322",
         "-s", "testing", "-t", "2", *args],
        env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd="/tmp",
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (256, 4096)))
    try:
        deadline = time.monotonic() + 20
        while not path.exists():
            assert daemon.poll() is None, daemon.stderr.read()
            assert time.monotonic() < deadline, "restd did not start"
            time.sleep(0.05)
        limits = Path(f"/proc/{daemon.pid}/limits").read_text()
        assert [line.split()[3:5] for line in limits.splitlines()
                if line.startswith("Max open files")] == [["4096", "4096"]]
    finally:
        daemon.send_signal(signal.SIGTERM)
        _, stderr = daemon.communicate(timeout=20)
    assert daemon.returncode == 0, stderr
    assert expected in stderr.decode()


@pytest.mark.parametrize("args", [["--max-connections", "0"],
                                  ["--max-connections-per-peer", "0"],
                                  ["--max-connections-per-peer", "some"]])
def test_bad_connection_caps_are_refused(args):
    result = restd(*args, "unix:/nonexistent/restd.sock")
    assert result.returncode == 1
    assert b"restd: " in result.stderr
