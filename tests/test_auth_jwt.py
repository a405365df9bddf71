"""rest_auth/jwt with real tokens: ``scontrol token`` from the local cluster, and
tokens minted here with the cluster's key (read as root) for the edge cases; then
the daemon itself, run as the restd user, refusing bad tokens with 401 and staying
bounded under a flood of them."""
from __future__ import annotations

import asyncio
import base64
import http.client
import json
import logging
import os
import pwd
import re
import secrets
import socket
import time
from types import SimpleNamespace

import jwt as pyjwt
import pytest

from auth_daemon import AuthDaemon, cluster_key, conf_naming_unreadable_key, unix_get
from restd.app import build_app
from restd.config import Config, ConfigError, build_config
from restd.http.messages import ClientInfo, PeerCredentials, Request
from restd.plugin_api import AuthError, DataParser
from restd.plugin_loader import Plugins
from restd.plugins.auth import jwt as jwt_plugin
from restd.plugins.content import testing
from restd.plugins.serializer import json as json_serializer
from shared_dir import SHARED

pytestmark = [pytest.mark.cluster,
              # HS384/HS512 tokens signed with the 32-byte key, to be refused
              pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")]


# --------------------------------------------------------------------- helpers

def request(headers, kind="tcp", credentials=None) -> Request:
    return Request("GET", "/x", "", [(name.lower(), value) for name, value in headers], b"",
                   ClientInfo(kind, "[test]", credentials))


def authenticate(*headers, **client):
    return asyncio.run(jwt_plugin.authenticate(request(headers, **client)))


def refusal(*headers, secret=None) -> str:
    """The AuthError message for these headers; it never repeats the token."""
    with pytest.raises(AuthError) as refused:
        authenticate(*headers)
    message = str(refused.value)
    for name, value in headers:
        credential = value.split()[-1] if value.split() else ""
        if name.lower() in ("x-slurm-user-token", "authorization") and len(credential) > 16:
            assert credential not in message
    if secret:
        assert secret not in message
    return message


def token_header(token):
    return ("X-SLURM-USER-TOKEN", token)


def mint(key, *, alg="HS256", headers=None, lifespan=600, **claims):
    """A token like scontrol's, with ``claims`` overriding (None removes one)."""
    now = int(time.time())
    payload = {"exp": now + lifespan, "iat": now, "sun": "alice"}
    payload.update(claims)
    payload = {name: value for name, value in payload.items() if value is not None}
    return pyjwt.encode(payload, key, algorithm=alg, headers=headers)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def write_conf(tmp_path, parameters: str):
    conf = tmp_path / "slurm.conf"
    conf.write_text(f"ClusterName=test\nSlurmUser=slurm\nAuthAltParameters={parameters}\n")
    return conf


@pytest.fixture
def key(cluster):
    return cluster_key(cluster)


@pytest.fixture
def verifying(cluster):
    """The plugin as a daemon holding the cluster's key (HS256 verified here)."""
    jwt_plugin.init(Config(slurm_conf=str(cluster.slurm_conf)))
    yield jwt_plugin
    jwt_plugin.fini()


@pytest.fixture
def passing(cluster, tmp_path):
    """The plugin as the restd user, with a key it cannot read."""
    unreadable = conf_naming_unreadable_key(cluster, tmp_path)
    jwt_plugin.init(Config(slurm_conf=str(unreadable), run_as_user="restd"))
    yield jwt_plugin
    jwt_plugin.fini()


@pytest.fixture
def rsa_setup(tmp_path):
    """A JWKS with one RS256 key (kid "k1"), named by a slurm.conf as the only key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(pyjwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))
    jwk.update(kid="k1", alg="RS256", use="sig")
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [jwk]}))
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return SimpleNamespace(private=private, public_pem=public_pem, jwks=jwks)


# --------------------------------------------------------------------- HS256, verified

def test_scontrol_token_verifies(cluster, verifying):
    token = cluster.token("alice")
    identity = authenticate(token_header(token))
    alice = pwd.getpwnam("alice")  # created by cluster.sh: its uid is not fixed
    assert (identity.user, identity.group, identity.uid, identity.gid) == (
        "alice", "alice", alice.pw_uid, alice.pw_gid)
    assert identity.credential == token
    assert token not in repr(identity)


def test_bearer_token_verifies(cluster, verifying):
    token = cluster.token("bob")
    identity = authenticate(("Authorization", f"Bearer {token}"))
    assert identity.user == "bob" and identity.credential == token


def test_no_token_is_not_this_plugins(verifying):
    assert authenticate() is None
    assert authenticate(("Authorization", "Basic YWxpY2U6eA==")) is None
    # Root naming a user over a unix socket is rest_auth/local's.
    assert authenticate(("X-SLURM-USER-NAME", "alice")) is None


def test_start_up_log_names_the_mode(cluster, caplog, tmp_path):
    caplog.set_level("INFO")
    jwt_plugin.init(Config(slurm_conf=str(cluster.slurm_conf)))
    unreadable = conf_naming_unreadable_key(cluster, tmp_path)
    jwt_plugin.init(Config(slurm_conf=str(unreadable), run_as_user="restd"))
    jwt_plugin.fini()
    messages = [r.getMessage() for r in caplog.records if r.name == jwt_plugin.__name__]
    lines = [line for line in messages if "HS256 tokens" in line]
    assert "HS256 tokens: verified with jwt_key" in lines[0]
    assert "HS256 tokens: not verified here, passed to slurmctld" in lines[1]
    assert "not readable by restd" in lines[1]
    # Config() has no SLURM_JWT=daemon: tokens could not reach slurmctld.
    assert any("without SLURM_JWT=daemon" in line for line in messages)


@pytest.mark.parametrize("claims, reason", [
    ({"exp": int(time.time()) - 1, "iat": int(time.time()) - 60}, "token expired"),
    ({"nbf": int(time.time()) + 60}, "token not yet valid"),
    ({"iat": int(time.time()) + 60}, "token not yet valid"),
    ({"sun": None}, "token has no user claim"),
    ({"exp": None}, "token has no expiry time"),
    ({"exp": "tomorrow"}, "malformed token"),
    ({"sun": ""}, "not a valid user name"),
    ({"sun": 1001}, "not a valid user name"),
    ({"sun": "nosuchuser"}, "user unknown"),
])
def test_bad_claims_are_refused(key, verifying, claims, reason):
    token = mint(key, **claims)
    assert reason in refusal(token_header(token))


def test_expired_by_one_second(key, verifying):
    now = int(time.time())
    assert refusal(token_header(mint(key, exp=now - 1, iat=now - 10))) == "token expired"
    assert authenticate(token_header(mint(key, exp=now + 2, iat=now))).user == "alice"


def test_username_claim_is_accepted_like_slurm(key, verifying):
    assert authenticate(token_header(mint(key, sun=None, username="bob"))).user == "bob"


def test_alg_none_is_refused(key, verifying):
    now = int(time.time())
    unsigned = (b64(b'{"alg":"none","typ":"JWT"}') + "."
                + b64(json.dumps({"exp": now + 60, "iat": now, "sun": "root"}).encode()) + ".")
    assert refusal(token_header(unsigned)) == "token algorithm not allowed"
    for alg in ("HS512", "HS384"):
        assert refusal(token_header(mint(key, alg=alg))) == "token algorithm not allowed"


def test_signed_with_another_key(verifying):
    forged = mint(secrets.token_bytes(32), sun="root")
    assert refusal(token_header(forged)) == "invalid token signature"


def test_rs256_without_jwks_is_refused(verifying, rsa_setup):
    token = mint(rsa_setup.private, alg="RS256", headers={"kid": "k1"})
    assert refusal(token_header(token)) == "token algorithm not allowed"


@pytest.mark.parametrize("broken", [
    lambda t: t[:-5],  # truncated signature
    lambda t: t.rsplit(".", 1)[0],  # two segments
    lambda t: t[: len(t) // 2],  # cut in the middle
])
def test_truncated_token(key, verifying, broken):
    reason = refusal(token_header(broken(mint(key))))
    assert reason in ("invalid token signature", "malformed token")


@pytest.mark.parametrize("token, reason", [
    ("", "empty token"),
    ("   ", "empty token"),
    ("abc.def.ghi", "malformed token"),
    ("a" * (64 * 1024), "token too long"),
    ("eyJ" + "A" * (16 * 1024), "token too long"),
    ("\xff\xfe\x00garbage", "control characters"),
    ("\xe9t\xe9.\xe9t\xe9.\xe9t\xe9", "malformed token"),
    ("not a token", "malformed token"),
    ("tok\r\nX-SLURM-USER-NAME: root", "control characters"),
    ("tok\nen", "control characters"),
])
def test_garbage_tokens(verifying, token, reason):
    assert reason in refusal(token_header(token))


def test_binary_garbage(verifying):
    garbage = os.urandom(512).decode("latin-1")
    with pytest.raises(AuthError):
        authenticate(token_header(garbage))


def test_empty_bearer(verifying):
    assert refusal(("Authorization", "Bearer")) == "empty token"
    assert refusal(("Authorization", "Bearer   ")) == "empty token"


def test_both_headers_at_once_are_refused(cluster, verifying):
    token = cluster.token("alice")
    assert "not both" in refusal(token_header(token), ("Authorization", f"Bearer {token}"))
    assert "more than one" in refusal(token_header(token), token_header(token))


def test_header_injection_in_user_name(cluster, verifying):
    token = cluster.token("alice")
    assert "control characters" in refusal(
        token_header(token), ("X-SLURM-USER-NAME", "alice\r\nX-Other: 1"), secret=token)
    assert "control characters" in refusal(
        token_header(token), ("Authorization", "Basic x\r\ny"), secret=token)


# --------------------------------------------------------------------- X-SLURM-USER-NAME

def test_user_name_equal_to_the_tokens_is_accepted(cluster, verifying):
    token = cluster.token("alice")
    identity = authenticate(token_header(token), ("X-SLURM-USER-NAME", "alice"))
    assert identity.user == "alice" and identity.credential == token


def test_user_name_mismatch_is_refused(cluster, verifying):
    token = cluster.token("alice")
    assert "only tokens of SlurmUser or root" in refusal(
        token_header(token), ("X-SLURM-USER-NAME", "bob"), secret=token)
    operator = cluster.token("oper")  # a Slurm operator is still not a proxy
    with pytest.raises(AuthError):
        authenticate(token_header(operator), ("X-SLURM-USER-NAME", "alice"))


@pytest.mark.parametrize("proxy", ["slurm", "root"])
def test_slurm_user_and_root_tokens_may_proxy(cluster, verifying, proxy):
    token = cluster.token(proxy)
    identity = authenticate(token_header(token), ("X-SLURM-USER-NAME", "bob"))
    assert (identity.user, identity.uid, identity.credential) == (
        "bob", pwd.getpwnam("bob").pw_uid, token)
    assert "user unknown" in refusal(token_header(token), ("X-SLURM-USER-NAME", "nosuch"))
    assert authenticate(token_header(token)).user == proxy


# --------------------------------------------------------------------- privileged tokens

def notices(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.levelname == "NOTICE"]


@pytest.mark.parametrize("user, role", [("root", "root"), ("slurm", "SlurmUser")])
def test_privileged_tokens_work_and_each_request_is_logged_with_its_source(
        cluster, verifying, caplog, user, role):
    caplog.set_level(logging.INFO)
    token = cluster.token(user)
    for _ in range(2):  # the second check comes from the cache: logged all the same
        assert authenticate(token_header(token), ("X-SLURM-USER-NAME", "alice")).user == "alice"
    assert authenticate(token_header(token)).user == user
    assert notices(caplog) == [f"rest_auth/jwt: token of {role} from [test], acting as alice"] * 2 + [
        f"rest_auth/jwt: token of {role} from [test], acting as {user}"]
    assert token not in caplog.text and token.split(".")[2] not in caplog.text


def test_ordinary_tokens_are_not_logged_as_privileged(cluster, verifying, caplog):
    caplog.set_level(logging.INFO)
    assert authenticate(token_header(cluster.token("oper"))).user == "oper"  # an operator
    assert authenticate(token_header(cluster.token("alice"))).user == "alice"
    assert notices(caplog) == []


@pytest.fixture
def unix_only(cluster):
    jwt_plugin.init(Config(slurm_conf=str(cluster.slurm_conf), privileged_unix_only=True))
    yield jwt_plugin
    jwt_plugin.fini()


def test_privileged_unix_only_refuses_them_on_tcp_only(cluster, unix_only, caplog):
    caplog.set_level(logging.INFO)
    for user, role in (("root", "root"), ("slurm", "SlurmUser")):
        token = cluster.token(user)
        for kind in ("tcp", "socket"):  # a listener, or a TCP socket handed over (inetd)
            with pytest.raises(AuthError) as refused:
                authenticate(token_header(token), kind=kind)
            assert str(refused.value) == (f"tokens of {role} are refused on TCP connections "
                                          f"here (--privileged-unix-only): use the unix socket")
        peer = PeerCredentials(pid=4242, uid=0, gid=0)
        identity = authenticate(token_header(token), ("X-SLURM-USER-NAME", "bob"),
                                kind="unix", credentials=peer)
        assert identity.user == "bob"
        assert notices(caplog)[-1] == (f"rest_auth/jwt: token of {role} from [test] pid 4242 "
                                       f"uid 0, acting as bob")
        assert token not in caplog.text
    # Everyone else's tokens are untouched on TCP.
    assert authenticate(token_header(cluster.token("alice"))).user == "alice"


# --------------------------------------------------------------------- RS256 (JWKS)

def test_rs256_with_jwks(tmp_path, rsa_setup, key):
    jwt_plugin.init(Config(slurm_conf=str(write_conf(tmp_path, f"jwks={rsa_setup.jwks}"))))
    try:
        good = mint(rsa_setup.private, alg="RS256", headers={"kid": "k1"})
        assert authenticate(token_header(good)).user == "alice"
        from cryptography.hazmat.primitives.asymmetric import rsa
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        assert refusal(token_header(mint(other, alg="RS256", headers={"kid": "k1"}))) == (
            "invalid token signature")
        assert refusal(token_header(mint(rsa_setup.private, alg="RS256",
                                         headers={"kid": "k2"}))) == (
            "token signed with an unknown key")
        # HS256 is refused where only jwks is configured, whatever the secret: the
        # cluster's key, or the public key itself (algorithm confusion).
        assert refusal(token_header(mint(key))) == "token algorithm not allowed"
        confused = (b64(b'{"alg":"HS256","typ":"JWT","kid":"k1"}') + "."
                    + b64(json.dumps({"exp": int(time.time()) + 60, "sun": "root"}).encode()))
        import hashlib
        import hmac
        signature = hmac.new(rsa_setup.public_pem, confused.encode(), hashlib.sha256).digest()
        assert refusal(token_header(f"{confused}.{b64(signature)}")) == (
            "token algorithm not allowed")
        expired = mint(rsa_setup.private, alg="RS256", headers={"kid": "k1"},
                       exp=int(time.time()) - 1, iat=int(time.time()) - 10)
        assert refusal(token_header(expired)) == "token expired"
    finally:
        jwt_plugin.fini()


def test_both_keys_configured(tmp_path, rsa_setup, key, cluster):
    key_file = tmp_path / "jwt.key"
    key_file.write_bytes(key)
    jwt_plugin.init(Config(slurm_conf=str(write_conf(
        tmp_path, f"jwt_key={key_file},jwks={rsa_setup.jwks}"))))
    try:
        assert authenticate(token_header(cluster.token("alice"))).user == "alice"
        rs = mint(rsa_setup.private, alg="RS256", headers={"kid": "k1"}, sun="bob")
        assert authenticate(token_header(rs)).user == "bob"
    finally:
        jwt_plugin.fini()


def test_userclaimfield(tmp_path, key):
    key_file = tmp_path / "jwt.key"
    key_file.write_bytes(key)
    jwt_plugin.init(Config(slurm_conf=str(write_conf(
        tmp_path, f"jwt_key={key_file},userclaimfield=preferred_username"))))
    try:
        assert authenticate(token_header(mint(key, sun=None,
                                              preferred_username="bob"))).user == "bob"
        assert refusal(token_header(mint(key))) == "token has no user claim"
    finally:
        jwt_plugin.fini()


# --------------------------------------------------------------------- no key: pass through

def test_without_the_key_tokens_are_decoded_and_left_to_slurmctld(cluster, passing, key):
    good = cluster.token("alice")
    assert authenticate(token_header(good)).credential == good
    # A forged signature is not detectable here: slurmctld refuses it at the first RPC.
    forged = mint(secrets.token_bytes(32), sun="bob")
    identity = authenticate(token_header(forged))
    assert identity.user == "bob" and identity.credential == forged
    # What can be seen without the key is still refused.
    now = int(time.time())
    assert refusal(token_header(mint(key, exp=now - 1, iat=now - 9))) == "token expired"
    assert refusal(token_header(mint(key, sun=None))) == "token has no user claim"
    assert refusal(token_header("abc.def.ghi")) == "malformed token"
    assert refusal(token_header(mint(key, alg="HS512"))) == "token algorithm not allowed"
    assert "only tokens of SlurmUser or root" in refusal(
        token_header(good), ("X-SLURM-USER-NAME", "bob"))


# --------------------------------------------------------------------- cache

def test_cache_keeps_successes_only_and_is_bounded(key, verifying):
    for _ in range(300):
        with pytest.raises(AuthError):
            authenticate(token_header(mint(secrets.token_bytes(32))))
    assert jwt_plugin.cached() == 0
    for number in range(jwt_plugin.CACHE_SIZE + 200):
        assert authenticate(token_header(mint(key, jti=str(number)))).user == "alice"
    assert jwt_plugin.cached() == jwt_plugin.CACHE_SIZE


def test_cache_entry_never_outlives_the_token(key, verifying):
    now = int(time.time())
    token = mint(key, exp=now + 1, iat=now)
    assert authenticate(token_header(token)).user == "alice"
    time.sleep(max(0.0, now + 1 - time.time()) + 0.05)
    assert refusal(token_header(token)) == "token expired"


def test_cache_is_per_requested_user(cluster, verifying):
    token = cluster.token("alice")
    assert authenticate(token_header(token)).user == "alice"
    with pytest.raises(AuthError):
        authenticate(token_header(token), ("X-SLURM-USER-NAME", "bob"))


def test_a_remembered_success_is_found_before_the_token_is_checked_again(
        cluster, verifying, monkeypatch):
    token = cluster.token("alice")
    checked = []
    check = jwt_plugin.slurm_jwt.check_token_text
    monkeypatch.setattr(jwt_plugin.slurm_jwt, "check_token_text",
                        lambda text: checked.append(text) or check(text))
    for _ in range(3):
        assert authenticate(token_header(token), ("X-SLURM-USER-NAME", "alice")).user == "alice"
    assert len(checked) == 1
    # the same token sent otherwise is decided anew, and refused where it must be
    assert refusal(token_header(token), token_header(token)) == "more than one token given"
    assert refusal(token_header(token), ("Authorization", f"Bearer {token}")).startswith(
        "two tokens given")
    with pytest.raises(AuthError):
        authenticate(token_header(token), ("X-SLURM-USER-NAME", "bob"))
    assert authenticate(("Authorization", f"Bearer {token}")).user == "alice"
    assert authenticate(("Authorization", "Basic YWxpY2U6eA==")) is None
    assert len(checked) == 3  # bob's and the Bearer header's: two tokens are refused unchecked


# --------------------------------------------------------------------- application

def test_application_answers_401_json_never_200(cluster, verifying):
    data_parser = DataParser(SimpleNamespace(NAME="v0.0.40", FLAGS=frozenset(),
                                             schemas=lambda: {}))
    app = build_app(Config(threads=1), Plugins(
        auth=(jwt_plugin,), content=(testing,), data_parsers=(data_parser,),
        serializers=(json_serializer,)))
    try:
        samples = str(SHARED / "reference/samples/v0.0.40")
        for sample in ("no_token", "bad_token"):
            with open(f"{samples}/{sample}.json") as handle:
                headers = json.load(handle)["request"]["headers"]
            answer = asyncio.run(app(Request(
                "GET", "/testing/v0.0.40/echo/x", "",
                [(name.lower(), value) for name, value in headers.items()], b"",
                ClientInfo("tcp", "t"))))
            assert answer.status == 401
            body = json.loads(answer.body)
            [error] = body["errors"]
            assert error["error_number"] == 9008 and error["source"] == "jwt"
            assert error["description"] in ("empty token", "malformed token")
            assert "abc.def.ghi" not in answer.body.decode()
        token = cluster.token("alice")
        answer = asyncio.run(app(Request("GET", "/testing/v0.0.40/echo/x", "",
                                         [("x-slurm-user-token", token)], b"",
                                         ClientInfo("tcp", "t"))))
        assert answer.status == 200 and answer.user == "alice"
        assert json.loads(answer.body)["meta"]["client"]["user"] == "alice"
    finally:
        app.close()


def test_become_user_is_refused_at_start():
    with pytest.raises(ConfigError, match="become_user is not supported"):
        build_config(environ={"SLURMRESTD_SECURITY": "become_user"})


# --------------------------------------------------------------------- the daemon

@pytest.fixture(scope="module")
def daemon(cluster):
    running = AuthDaemon(cluster).start(key_readable=True)
    yield running
    running.cleanup()


def tcp_get(daemon, headers, connection=None):
    own = connection is None
    connection = connection or http.client.HTTPConnection("127.0.0.1", daemon.port, timeout=30)
    try:
        connection.putrequest("GET", daemon.echo_path())
        for name, value in headers:
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        body = response.read()
        return response.status, body
    finally:
        if own:
            connection.close()


def raw_status(daemon, header_block: bytes) -> int:
    with socket.create_connection(("127.0.0.1", daemon.port), timeout=30) as sock:
        sock.sendall(f"GET {daemon.echo_path()} HTTP/1.1\r\nHost: x\r\n".encode()
                     + header_block + b"Connection: close\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return int(data.split()[1])


def test_daemon_refuses_each_bad_token_with_401(cluster, key, daemon):
    now = int(time.time())
    good = cluster.token("alice")
    bad = {
        "empty": [("X-SLURM-USER-TOKEN", "")],
        "sample": [("X-SLURM-USER-TOKEN", "abc.def.ghi")],
        "expired": [("X-SLURM-USER-TOKEN", mint(key, exp=now - 1, iat=now - 9))],
        "nbf": [("X-SLURM-USER-TOKEN", mint(key, nbf=now + 600))],
        "no sun": [("X-SLURM-USER-TOKEN", mint(key, sun=None))],
        "other key": [("X-SLURM-USER-TOKEN", mint(secrets.token_bytes(32), sun="root"))],
        "truncated": [("X-SLURM-USER-TOKEN", good[:-4])],
        "20 KiB": [("X-SLURM-USER-TOKEN", "eyJ" + "A" * (20 * 1024))],
        "binary": [("X-SLURM-USER-TOKEN", bytes(range(128, 256)))],
        "both": [("X-SLURM-USER-TOKEN", good), ("Authorization", f"Bearer {good}")],
        "mismatch": [("X-SLURM-USER-TOKEN", good), ("X-SLURM-USER-NAME", "bob")],
        "bearer": [("Authorization", "Bearer abc.def.ghi")],
    }
    for name, headers in bad.items():
        status, body = tcp_get(daemon, headers)
        assert status == 401, (name, body)
        document = json.loads(body)
        assert document["errors"][0]["error_number"] == 9008, name
        assert "pings" not in document
        for _, value in headers:
            if isinstance(value, str) and len(value) > 8:
                assert value.split()[-1].encode() not in body, name
    # Beyond the HTTP layer's 64 KiB header block: 431 before any plugin.
    status, _ = tcp_get(daemon, [("X-SLURM-USER-TOKEN", "a" * (64 * 1024))])
    assert status in (401, 431)
    # Control characters the HTTP parser lets through are refused by the plugin.
    for block in (b"X-SLURM-USER-TOKEN: " + good.encode() + b"\x0bx\r\n",
                  b"X-SLURM-USER-TOKEN: " + good.encode() + b"\rX-SLURM-USER-NAME: root\r\n",
                  b"X-SLURM-USER-NAME: alice\x01\r\nX-SLURM-USER-TOKEN: "
                  + good.encode() + b"\r\n"):
        assert raw_status(daemon, block) in (400, 401)


def test_daemon_accepts_good_tokens_and_proxies(cluster, daemon):
    status, body = tcp_get(daemon, [("X-SLURM-USER-TOKEN", cluster.token("alice"))])
    assert status == 200, body
    assert json.loads(body)["echo"]["user"] == "alice"
    status, body = tcp_get(daemon, [("Authorization", f"Bearer {cluster.token('bob')}")])
    assert (status, json.loads(body)["echo"]["user"]) == (200, "bob")
    status, body = tcp_get(daemon, [("X-SLURM-USER-TOKEN", cluster.token("slurm")),
                                    ("X-SLURM-USER-NAME", "alice")])
    assert (status, json.loads(body)["echo"]["user"]) == (200, "alice")
    # No credential at all over TCP: 401 as well (rest_auth/local does not apply).
    status, body = tcp_get(daemon, [])
    assert status == 401 and "Authentication required" in body.decode()


def test_daemon_never_logs_tokens(cluster, key, daemon):
    tokens = [cluster.token("alice"), mint(key, sun=None), mint(secrets.token_bytes(32))]
    for token in tokens:
        tcp_get(daemon, [("X-SLURM-USER-TOKEN", token)])
    stderr = daemon.stderr()
    assert "rest_auth/jwt: HS256 tokens: verified with jwt_key" in stderr
    for token in tokens:
        assert token not in stderr
        assert token.split(".")[2] not in stderr


def test_daemon_stays_bounded_under_a_flood_of_bad_tokens(key, daemon):
    connection = http.client.HTTPConnection("127.0.0.1", daemon.port, timeout=30)
    try:
        def flood(count):
            for number in range(count):
                token = (mint(secrets.token_bytes(32), jti=str(number)) if number % 2
                         else mint(key, sun=None, jti=str(number)))
                status, _ = tcp_get(daemon, [("X-SLURM-USER-TOKEN", token)], connection)
                assert status == 401
        flood(200)  # warm up: allocator pools, caches of the interpreter
        before = daemon.status()
        flood(2000)
        after = daemon.status()
    finally:
        connection.close()
    assert after["fds"] <= before["fds"] + 2, (before, after)
    assert after["rss_kb"] - before["rss_kb"] < 8 * 1024, (before, after)
    assert daemon.process.poll() is None


def test_daemon_logs_each_privileged_request_with_its_peer(cluster, daemon):
    token = cluster.token("slurm")
    status, body = tcp_get(daemon, [("X-SLURM-USER-TOKEN", token), ("X-SLURM-USER-NAME", "bob")])
    assert (status, json.loads(body)["echo"]["user"]) == (200, "bob")
    stderr = daemon.stderr()
    assert re.search(r"NOTICE: rest_auth/jwt: token of SlurmUser from \[127\.0\.0\.1\]:\d+"
                     r"\(fd:\d+\), acting as bob", stderr), stderr
    assert token not in stderr


def test_daemon_with_privileged_unix_only(cluster):
    running = AuthDaemon(cluster).start(options=("--privileged-unix-only",))
    try:
        root, slurm, alice = (cluster.token(user) for user in ("root", "slurm", "alice"))
        status, body = tcp_get(running, [("X-SLURM-USER-TOKEN", root)])
        assert status == 401
        error = json.loads(body)["errors"][0]
        assert "--privileged-unix-only" in error["description"] and root not in body.decode()
        status, body = tcp_get(running, [("X-SLURM-USER-TOKEN", alice)])
        assert (status, json.loads(body)["echo"]["user"]) == (200, "alice")
        # The unix socket, from any local user holding the token: accepted and logged.
        status, body = unix_get(running.socket, running.echo_path(), user="alice",
                                headers={"X-SLURM-USER-TOKEN": slurm, "X-SLURM-USER-NAME": "bob"})
        assert (status, body["echo"]["user"]) == (200, "bob")
        stderr = running.stderr()
        alice_uid = pwd.getpwnam("alice").pw_uid
        assert re.search(r"NOTICE: rest_auth/jwt: token of SlurmUser from \[unix:\S+\]\(fd:\d+\) "
                         rf"pid \d+ uid {alice_uid}, acting as bob", stderr), stderr
        assert "NOTICE: rest_auth/jwt: refused a token of root from [127.0.0.1]:" in stderr
        for token in (root, slurm, alice):
            assert token not in stderr
    finally:
        running.cleanup()
