"""rest_auth/local: unix socket peers (SO_PEERCRED), inetd mode on fd 0, tokens
minted for root's users; in process, then the daemon run as the restd user."""
from __future__ import annotations

import asyncio
import json
import logging
import os
import pwd
import stat
import subprocess
import time

import jwt as pyjwt
import pytest

from auth_daemon import DATA_PARSER, PYTHON, AuthDaemon, unix_get
from restd.config import Config
from restd.http.messages import ClientInfo, PeerCredentials, Request
from restd.plugin_api import AuthError
from restd.plugins.auth import local as local_plugin

pytestmark = pytest.mark.cluster

def _uid(user: str, default: int) -> int:
    """The uid cluster.sh gave the user on this machine (the default before it ran)."""
    try:
        return pwd.getpwnam(user).pw_uid
    except KeyError:
        return default


RESTD_UID, ALICE_UID = _uid("restd", 999), _uid("alice", 1001)


def request(kind="unix", uid=None, headers=()) -> Request:
    credentials = PeerCredentials(pid=1, uid=uid, gid=uid) if uid is not None else None
    return Request("GET", "/x", "", [(name.lower(), value) for name, value in headers], b"",
                   ClientInfo(kind, "[test]", credentials))


def authenticate(*args, **kwargs):
    return asyncio.run(local_plugin.authenticate(request(*args, **kwargs)))


def refusal(*args, **kwargs) -> str:
    with pytest.raises(AuthError) as refused:
        authenticate(*args, **kwargs)
    return str(refused.value)


@pytest.fixture(scope="module")
def files(cluster):
    """slurm.conf copies: one naming a key restd can read, one the cluster's key."""
    setup = AuthDaemon(cluster)
    yield setup
    setup.cleanup()


@pytest.fixture
def with_key(files):
    local_plugin.init(Config(slurm_conf=str(files.conf_with_key), run_as_user="restd"))
    yield files
    local_plugin.fini()


@pytest.fixture
def without_key(files):
    local_plugin.init(Config(slurm_conf=str(files.conf_without_key), run_as_user="restd"))
    yield files
    local_plugin.fini()


def claims_of(token: str, files) -> dict:
    return pyjwt.decode(token, files.key.read_bytes(), algorithms=["HS256"])


# --------------------------------------------------------------------- in process

def test_the_daemons_own_user_runs_as_the_daemon(with_key):
    identity = authenticate(uid=RESTD_UID)
    assert (identity.user, identity.uid, identity.credential) == ("restd", RESTD_UID, None)
    same = authenticate(uid=RESTD_UID, headers=[("X-SLURM-USER-NAME", "restd")])
    assert same.credential is None
    assert "only root" in refusal(uid=RESTD_UID, headers=[("X-SLURM-USER-NAME", "alice")])


def test_root_acts_as_the_named_user_with_a_minted_token(with_key):
    identity = authenticate(uid=0, headers=[("X-SLURM-USER-NAME", "alice")])
    assert (identity.user, identity.group, identity.uid, identity.gid) == (
        "alice", "alice", ALICE_UID, ALICE_UID)
    claims = claims_of(identity.credential, with_key)
    assert claims["sun"] == "alice"
    assert claims["exp"] - claims["iat"] == local_plugin.TOKEN_LIFESPAN
    assert abs(claims["iat"] - time.time()) < 5
    assert identity.credential not in repr(identity)


def test_each_request_of_root_is_logged_with_the_peer(with_key, caplog):
    caplog.set_level(logging.INFO)
    identity = authenticate(uid=0, headers=[("X-SLURM-USER-NAME", "alice")])
    authenticate(uid=RESTD_UID)  # the daemon's own user: not privileged
    assert [record.getMessage() for record in caplog.records if record.levelname == "NOTICE"] == [
        "rest_auth/local: root from [test] pid 1 uid 0, acting as alice"]
    assert identity.credential not in caplog.text


def test_root_without_a_name_acts_as_root(with_key):
    identity = authenticate(uid=0)
    assert identity.user == "root" and claims_of(identity.credential, with_key)["sun"] == "root"
    # Naming the daemon's own user needs no token.
    assert authenticate(uid=0, headers=[("X-SLURM-USER-NAME", "restd")]).credential is None


def test_root_naming_an_unknown_user(with_key):
    assert refusal(uid=0, headers=[("X-SLURM-USER-NAME", "nosuchuser")]) == "user unknown"
    assert "control characters" in refusal(uid=0,
                                           headers=[("X-SLURM-USER-NAME", "alice\r\nX: y")])


def test_other_peers_are_refused(with_key):
    message = refusal(uid=ALICE_UID)
    assert "only the daemon's own user and root" in message
    assert "only the daemon's own user and root" in refusal(
        uid=ALICE_UID, headers=[("X-SLURM-USER-NAME", "alice")])


def test_requests_with_a_token_are_left_to_jwt(with_key):
    assert authenticate(uid=ALICE_UID, headers=[("X-SLURM-USER-TOKEN", "x.y.z")]) is None
    assert authenticate(uid=0, headers=[("Authorization", "Bearer x.y.z")]) is None


def test_tcp_is_not_local(with_key):
    assert authenticate(kind="tcp") is None
    assert authenticate(kind="tcp", headers=[("X-SLURM-USER-NAME", "alice")]) is None
    # A TCP socket handed over on fd 0: nothing vouches for the peer.
    assert authenticate(kind="socket") is None
    # A unix socket handed over on fd 0 follows the unix socket rule.
    assert authenticate(kind="socket", uid=RESTD_UID).user == "restd"
    assert "only the daemon's own user" in refusal(kind="socket", uid=ALICE_UID)


def test_without_the_key_only_the_daemons_user_is_accepted(without_key):
    assert authenticate(uid=RESTD_UID).credential is None
    assert "needs the JWT key" in refusal(uid=0, headers=[("X-SLURM-USER-NAME", "alice")])
    assert "needs the JWT key" in refusal(uid=0)
    assert authenticate(uid=0, headers=[("X-SLURM-USER-NAME", "restd")]).user == "restd"


def test_with_slurm_jwt_daemon_the_daemons_user_gets_a_token_too(files):
    # SLURM_JWT=daemon: libslurm sends a token with every RPC, so "as the daemon
    # itself" (credential None) cannot work; the daemon's user gets a minted token.
    local_plugin.init(Config(slurm_conf=str(files.conf_with_key), run_as_user="restd",
                             jwt_daemon=True))
    try:
        identity = authenticate(uid=RESTD_UID)
        assert identity.user == "restd"
        assert claims_of(identity.credential, files)["sun"] == "restd"
        assert claims_of(authenticate(uid=0, headers=[("X-SLURM-USER-NAME", "restd")])
                         .credential, files)["sun"] == "restd"
    finally:
        local_plugin.fini()
    local_plugin.init(Config(slurm_conf=str(files.conf_without_key), run_as_user="restd",
                             jwt_daemon=True))
    try:
        assert "SLURM_JWT=daemon" in refusal(uid=RESTD_UID)
    finally:
        local_plugin.fini()


def test_a_root_daemon_serves_root_as_itself(files):
    local_plugin.init(Config(slurm_conf=str(files.conf_with_key)))  # the tests run as root
    try:
        identity = authenticate(uid=0)
        assert identity.user == "root" and identity.credential is None
        assert claims_of(authenticate(uid=0, headers=[("X-SLURM-USER-NAME", "bob")])
                         .credential, files)["sun"] == "bob"
    finally:
        local_plugin.fini()


def test_the_minted_token_is_accepted_by_slurmctld(cluster, with_key):
    token = authenticate(uid=0, headers=[("X-SLURM-USER-NAME", "alice")]).credential
    environment = cluster.env(SLURM_JWT=token)
    result = cluster.run("squeue", "--me", "-h", user="alice", env=environment, check=False)
    assert result.returncode == 0, result.stderr
    refused = cluster.run("squeue", "--me", "-h", user="alice", check=False,
                          env=cluster.env(SLURM_JWT=token[:-3] + "AAA"))
    assert refused.returncode != 0


def fake_stat(mode: int, uid: int) -> os.stat_result:
    return os.stat_result((mode, 0, 0, 1, uid, uid, 0, 0, 0, 0))


@pytest.mark.parametrize("mode, uid, problem", [
    (stat.S_IFIFO | 0o600, RESTD_UID, None),
    (stat.S_IFCHR | 0o620, RESTD_UID, None),
    (stat.S_IFREG | 0o640, RESTD_UID, None),
    (stat.S_IFIFO | 0o600, 0, "not owned by the daemon's user"),
    (stat.S_IFCHR | 0o666, RESTD_UID, "accessible to other users"),
    (stat.S_IFREG | 0o604, RESTD_UID, "accessible to other users"),
    (stat.S_IFREG | stat.S_ISUID | 0o700, RESTD_UID, "setuid or setgid"),
    (stat.S_IFREG | stat.S_ISGID | 0o700, RESTD_UID, "setuid or setgid"),
    (stat.S_IFSOCK | 0o600, RESTD_UID, "not a pipe"),
    (stat.S_IFDIR | 0o700, RESTD_UID, "not a pipe"),
])
def test_stdin_check(mode, uid, problem):
    found = local_plugin.stdin_problem(fake_stat(mode, uid), RESTD_UID)
    assert (found is None) if problem is None else (problem in found)


def test_stdin_check_on_a_real_pipe():
    read_end, write_end = os.pipe()
    try:
        info = os.fstat(read_end)
        assert local_plugin.stdin_problem(info, os.geteuid()) is None
        assert "not owned" in local_plugin.stdin_problem(info, RESTD_UID)
    finally:
        os.close(read_end)
        os.close(write_end)


# --------------------------------------------------------------------- the daemon

@pytest.fixture(scope="module")
def daemon(cluster):
    running = AuthDaemon(cluster).start(key_readable=True)
    yield running
    running.cleanup()


def echo_user(answer) -> str:
    status, body = answer
    assert status == 200, body
    return body["echo"]["user"]


def test_daemon_accepts_its_own_user_and_refuses_others(daemon):
    path = daemon.echo_path()
    assert echo_user(unix_get(daemon.socket, path, user="restd")) == "restd"
    status, body = unix_get(daemon.socket, path, user="alice")
    assert status == 401
    [error] = body["errors"]
    assert (error["error_number"], error["source"]) == (9008, "local")
    assert body["meta"]["client"]["user"] == ""


def test_daemon_root_acts_for_the_named_user(daemon):
    path = daemon.echo_path()
    assert echo_user(unix_get(daemon.socket, path)) == "root"
    assert echo_user(unix_get(daemon.socket, path,
                              headers={"X-SLURM-USER-NAME": "alice"})) == "alice"
    status, body = unix_get(daemon.socket, path, headers={"X-SLURM-USER-NAME": "nosuch"})
    assert status == 401 and body["errors"][0]["description"] == "user unknown"


def test_daemon_alice_with_her_token_over_the_unix_socket(cluster, daemon):
    token = cluster.token("alice")
    answer = unix_get(daemon.socket, daemon.echo_path(), user="alice",
                      headers={"X-SLURM-USER-TOKEN": token})
    assert echo_user(answer) == "alice"
    assert token not in daemon.stderr()


def test_daemon_without_the_key_refuses_acting_for_others(cluster):
    running = AuthDaemon(cluster).start(key_readable=False)
    try:
        path = running.echo_path()
        status, body = unix_get(running.socket, path, headers={"X-SLURM-USER-NAME": "alice"})
        assert status == 401
        assert "acting as another user needs the JWT key" in body["errors"][0]["description"]
        assert echo_user(unix_get(running.socket, path, user="restd")) == "restd"
        # Tokens are still accepted, checked by slurmctld rather than here.
        assert echo_user(unix_get(running.socket, path, user="alice", headers={
            "X-SLURM-USER-TOKEN": cluster.token("alice")})) == "alice"
        assert "passed to slurmctld" in running.stderr()
    finally:
        running.cleanup()


def inetd(setup: AuthDaemon, *, pipe_owner: str) -> tuple[int, dict]:
    """One request through restd's stdin, restd running as restd, the pipe created
    by a process of ``pipe_owner``."""
    request = (f"GET {setup.echo_path()} HTTP/1.1\\r\\nHost: x\\r\\n"
               f"Connection: close\\r\\n\\r\\n")
    daemon = setup.command("-a", "local", "-s", "testing", "-d", DATA_PARSER)
    if pipe_owner != "root":  # the shell itself runs as restd (so does the daemon)
        daemon = daemon[daemon.index(PYTHON):]
    command = ["sh", "-c", f"printf '{request}' | {' '.join(daemon)}"]
    if pipe_owner != "root":
        command = ["setpriv", "--reuid", pipe_owner, "--regid", pipe_owner,
                   "--clear-groups", *command]
    result = subprocess.run(command, env=setup.env(setup.conf_with_key), cwd="/tmp",
                            capture_output=True, timeout=60)
    head, _, body = result.stdout.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 "), result.stderr
    return int(head.split()[1]), json.loads(body)


def test_inetd_on_a_pipe_of_the_daemons_user(files):
    status, body = inetd(files, pipe_owner="restd")
    assert status == 200 and body["echo"]["user"] == "restd"


def test_inetd_on_a_pipe_of_another_user_is_refused(files):
    status, body = inetd(files, pipe_owner="root")
    assert status == 401
    assert "not owned by the daemon's user" in body["errors"][0]["description"]
