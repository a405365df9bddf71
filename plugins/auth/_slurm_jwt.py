"""Slurm's JSON Web Tokens, shared by rest_auth/jwt and rest_auth/local (a helper,
not a plugin: its name starts with "_").

Where the keys come from: slurm.conf's ``AuthAltParameters`` (comma-separated):
``jwt_key=PATH`` (HS256 shared secret, the file's bytes as they are, as Slurm reads
it), ``jwks=PATH`` (RS256 public keys, a JSON Web Key Set, chosen by the token's
``kid``) and ``userclaimfield=NAME`` (the claim naming the user; by default Slurm's
``sun``, then ``username``). Include files are not followed.

For each algorithm restd is in one of three modes, decided once at start:
  verify  the key is configured and readable by the daemon's user: signature,
          ``exp`` (required), ``nbf`` and ``iat`` are checked here (leeway 0);
  pass    the key is configured but not readable (or slurm.conf names no key, or
          cannot be read): the token is decoded without verification only to learn
          its user and is handed to slurmctld, which verifies it;
  refuse  slurm.conf names a key for the other algorithm only: slurmctld would
          refuse such a token too.
Algorithms other than HS256 and RS256 (``none`` included) are always refused.
"""
from __future__ import annotations

import grp
import hashlib
import json
import logging
import os
import pwd
import re
import stat
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Optional

import jwt

from restd.config import Config, read_slurm_user
from restd.plugin_api import AuthError, Identity

log = logging.getLogger("restd.plugins.auth")

from restd.accesslog import NOTICE  # noqa: F401 (the auth plugins log privileged requests at it)

MAX_TOKEN_CHARS = 16 * 1024
MAX_NAME_CHARS = 256
HS256, RS256 = "HS256", "RS256"
DEFAULT_USER_CLAIMS = ("sun", "username")  # Slurm's order
VERIFY, PASS, REFUSE = "verify", "pass", "refuse"

# A JWS in compact form: three base64url segments (the last empty for alg "none").
_COMPACT_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*", re.ASCII)
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")  # HTAB is legal inside a field value


# --- slurm.conf ---------------------------------------------------------------------

def read_auth_alt_parameters(slurm_conf: str) -> Optional[dict[str, str]]:
    """AuthAltParameters of slurm.conf as {name: value} (names lower-cased; bare
    flags map to ""); {} when not set; None when slurm.conf cannot be read."""
    value = None
    try:
        with open(slurm_conf, encoding="utf-8", errors="replace") as conf:
            for line in conf:
                key, sep, rest = line.split("#", 1)[0].partition("=")
                if sep and key.strip().lower() == "authaltparameters":
                    value = rest.strip()  # the last one wins
    except OSError:
        return None
    parameters: dict[str, str] = {}
    for item in (value or "").split(","):
        name, _, setting = item.strip().partition("=")
        if name:
            parameters[name.strip().lower()] = setting.strip()
    return parameters


# --- who the daemon is ----------------------------------------------------------------

@dataclass(frozen=True)
class DaemonIds:
    """The user and groups the daemon serves requests as (after -u / -g)."""

    uid: int
    gid: int
    groups: frozenset[int]
    user: str  # name, or the number when the uid has no passwd entry


def _number_or(value: str, lookup, field_name: str) -> int:
    if value.isdigit():
        return int(value)
    return getattr(lookup(value), field_name)  # KeyError: the CLI reports it


def daemon_ids(config: Config) -> DaemonIds:
    """Who the daemon will be once it serves: -u / -g when given (init runs before
    the CLI drops privileges), else the current effective ids."""
    if config.run_as_user is None and config.run_as_group is None:
        uid, gid, groups = os.geteuid(), os.getegid(), frozenset(os.getgroups())
    else:
        uid = (_number_or(config.run_as_user, pwd.getpwnam, "pw_uid")
               if config.run_as_user is not None else os.geteuid())
        if config.run_as_group is not None:
            gid = _number_or(config.run_as_group, grp.getgrnam, "gr_gid")
        else:
            try:
                gid = pwd.getpwuid(uid).pw_gid
            except KeyError:
                gid = os.getegid()
        groups = frozenset({gid})  # the CLI keeps no other group (setgroups([gid]))
    try:
        user = pwd.getpwuid(uid).pw_name
    except KeyError:
        user = str(uid)
    return DaemonIds(uid, gid, groups, user)


def read_as_daemon(path: str, ids: DaemonIds) -> bytes:
    """The file's bytes, if the daemon's user may read it. When restd still runs as
    root before switching to -u, the file's permission bits are checked for that
    user (the directories on the path are not: a site keeping the key there wants
    the daemon to have it). Raises OSError."""
    with open(path, "rb") as handle:
        if os.geteuid() == 0 and ids.uid != 0:
            info = os.fstat(handle.fileno())
            if info.st_uid == ids.uid:
                allowed = info.st_mode & stat.S_IRUSR
            elif info.st_gid in ids.groups or info.st_gid == ids.gid:
                allowed = info.st_mode & stat.S_IRGRP
            else:
                allowed = info.st_mode & stat.S_IROTH
            if not allowed:
                raise PermissionError(13, "Permission denied", path)
        return handle.read()


# --- keys -------------------------------------------------------------------------------

@dataclass(frozen=True)
class AlgorithmKey:
    mode: str  # VERIFY, PASS or REFUSE
    why: str  # for the start-up log line
    key: Any = field(default=None, repr=False)  # bytes (HS256) or {kid: PyJWK} (RS256)
    cause: str = ""  # why the key is not at hand (PASS, REFUSE)


@dataclass(frozen=True)
class SlurmJwt:
    """What restd knows of the cluster's JWT setup, read once at start."""

    hs256: AlgorithmKey
    rs256: AlgorithmKey
    user_claims: tuple[str, ...] = DEFAULT_USER_CLAIMS
    slurm_user_uid: Optional[int] = None  # SlurmUser: may act for others (proxy)

    def for_algorithm(self, alg: str) -> Optional[AlgorithmKey]:
        return {HS256: self.hs256, RS256: self.rs256}.get(alg)

    @property
    def signing_key(self) -> Optional[bytes]:
        """The HS256 key when the daemon holds it (to mint tokens), else None."""
        return self.hs256.key if self.hs256.mode == VERIFY else None

    def describe(self) -> str:
        return f"HS256 tokens: {self.hs256.why}; RS256 tokens: {self.rs256.why}"


def _load_jwks(data: bytes) -> dict[Optional[str], Any]:
    """RS256 keys of a JWKS by kid. Raises ValueError (or jwt.PyJWKError)."""
    document = json.loads(data)
    keys: dict[Optional[str], Any] = {}
    for entry in document.get("keys", []) if isinstance(document, dict) else []:
        if not isinstance(entry, dict) or entry.get("kty") != "RSA":
            continue
        if entry.get("alg", RS256) != RS256 or entry.get("use", "sig") != "sig":
            continue
        keys[entry.get("kid")] = jwt.PyJWK(entry, algorithm=RS256)
    if not keys:
        raise ValueError("no RS256 signing key in the set")
    return keys


def _algorithm_key(alg: str, path: Optional[str], ids: DaemonIds,
                   other_configured: bool, conf_read: bool) -> AlgorithmKey:
    option = "jwt_key" if alg == HS256 else "jwks"
    if not path:
        if conf_read and other_configured:
            return AlgorithmKey(REFUSE, f"refused (no {option} in AuthAltParameters)",
                                cause=f"no {option} in AuthAltParameters")
        return _passed("no key configured in a readable slurm.conf")
    try:
        data = read_as_daemon(path, ids)
    except OSError as error:
        return _passed(f"{option} {path} is not readable by {ids.user}: "
                       f"{error.strerror or error}")
    if alg == HS256:
        if not data:
            return _passed(f"{option} {path} is empty")
        return AlgorithmKey(VERIFY, f"verified with {option} {path}", data)
    try:
        return AlgorithmKey(VERIFY, f"verified with {option} {path}", _load_jwks(data))
    except (ValueError, jwt.PyJWTError) as error:
        # PyJWT needs the cryptography package for RSA keys.
        return _passed(f"{option} {path} cannot be used: {error}")


def _passed(cause: str) -> AlgorithmKey:
    return AlgorithmKey(PASS, f"not verified here, passed to slurmctld ({cause})",
                        cause=cause)


def load(config: Config) -> SlurmJwt:
    """Read slurm.conf and the keys it names, as the daemon's user would."""
    ids = daemon_ids(config)
    parameters = read_auth_alt_parameters(config.slurm_conf)
    conf_read = parameters is not None
    parameters = parameters or {}
    jwt_key, jwks = parameters.get("jwt_key"), parameters.get("jwks")
    claim = parameters.get("userclaimfield")
    slurm_user = read_slurm_user(config.slurm_conf)
    slurm_user_uid = None
    if slurm_user:
        try:
            slurm_user_uid = _number_or(slurm_user, pwd.getpwnam, "pw_uid")
        except KeyError:
            log.warning("SlurmUser %s of %s is unknown on this host", slurm_user,
                        config.slurm_conf)
    return SlurmJwt(
        hs256=_algorithm_key(HS256, jwt_key, ids, bool(jwks), conf_read),
        rs256=_algorithm_key(RS256, jwks, ids, bool(jwt_key), conf_read),
        user_claims=(claim,) if claim else DEFAULT_USER_CLAIMS,
        slurm_user_uid=slurm_user_uid)


# --- header values and tokens ------------------------------------------------------

def header_value(request, name: str) -> Optional[str]:
    """The one value of header ``name`` (stripped), None when absent. Refuses a
    repeated header and control characters (CR, LF, NUL, ...)."""
    values = request.header_values(name)
    if not values:
        return None
    if len(values) > 1:
        raise AuthError(f"header {name} given more than once")
    if _CONTROL.search(values[0]):
        raise AuthError(f"header {name} contains control characters")
    return values[0].strip(" \t")


def user_name_header(request) -> Optional[str]:
    """X-SLURM-USER-NAME, None when absent or empty."""
    name = header_value(request, "x-slurm-user-name")
    if not name:
        return None
    if len(name) > MAX_NAME_CHARS:
        raise AuthError("X-SLURM-USER-NAME is too long")
    return name


def bearer_values(request) -> list[str]:
    """The credentials of ``Authorization: Bearer`` headers (other schemes are not ours)."""
    found = []
    for value in request.header_values("authorization"):
        if _CONTROL.search(value):
            raise AuthError("header authorization contains control characters")
        scheme, _, credential = value.strip(" \t").partition(" ")
        if scheme.lower() == "bearer":
            found.append(credential)
    return found


def has_token(request) -> bool:
    return bool(request.header_values("x-slurm-user-token") or bearer_values(request))


def check_token_text(token: str) -> str:
    """The token, stripped, if it can be a compact JWS; AuthError otherwise."""
    if _CONTROL.search(token):
        raise AuthError("token header contains control characters")
    token = token.strip(" \t")
    if not token:
        raise AuthError("empty token")
    if len(token) > MAX_TOKEN_CHARS:
        raise AuthError("token too long")
    if not _COMPACT_JWS.fullmatch(token):
        raise AuthError("malformed token")
    return token


_ERRORS = (  # most specific first: several are subclasses of others
    (jwt.ExpiredSignatureError, "token expired"),
    (jwt.ImmatureSignatureError, "token not yet valid"),
    (jwt.InvalidSignatureError, "invalid token signature"),
    (jwt.InvalidAlgorithmError, "token algorithm not allowed"),
    (jwt.MissingRequiredClaimError, "token has no expiry time"),
    (jwt.DecodeError, "malformed token"),
)


def _refusal(error: jwt.PyJWTError) -> AuthError:
    for kind, message in _ERRORS:
        if isinstance(error, kind):
            return AuthError(message)
    return AuthError("invalid token")


def decode(token: str, keys: SlurmJwt) -> tuple[str, float]:
    """(user, expiry) of a token checked by :func:`check_token_text`: verified in
    VERIFY mode, merely decoded (``exp``, ``nbf``, ``iat`` still checked) in PASS
    mode. Raises AuthError with a general reason, never the token."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise AuthError("malformed token") from None
    alg = header.get("alg")
    algorithm_key = keys.for_algorithm(alg) if isinstance(alg, str) else None
    if algorithm_key is None or algorithm_key.mode == REFUSE:
        raise AuthError("token algorithm not allowed")
    checks = {"require": ["exp"], "verify_exp": True, "verify_nbf": True,
              "verify_iat": True, "verify_aud": False, "verify_iss": False}
    try:
        if algorithm_key.mode == VERIFY:
            if alg == HS256:
                key = algorithm_key.key
            else:
                by_kid = algorithm_key.key
                kid = header.get("kid")
                if not isinstance(kid, (str, type(None))) or kid not in by_kid:
                    if kid is None and len(by_kid) == 1:
                        kid = next(iter(by_kid))
                    else:
                        raise AuthError("token signed with an unknown key")
                key = by_kid[kid]
            claims = jwt.decode(token, key, algorithms=[alg], options=checks, leeway=0)
        else:
            claims = jwt.decode(token, algorithms=[alg], leeway=0,
                                options={**checks, "verify_signature": False})
    except jwt.PyJWTError as error:
        raise _refusal(error) from None
    for name in keys.user_claims:
        user = claims.get(name)
        if user is not None:
            break
    else:
        raise AuthError("token has no user claim")
    if (not isinstance(user, str) or not user or len(user) > MAX_NAME_CHARS
            or _CONTROL.search(user) or user != user.strip()):
        raise AuthError("token user claim is not a valid user name")
    return user, float(claims["exp"])


def mint(key: bytes, user: str, lifespan: int = 60) -> str:
    """An HS256 token for ``user`` with the claims of ``scontrol token``."""
    now = int(time.time())
    return jwt.encode({"exp": now + lifespan, "iat": now, "sun": user}, key,
                      algorithm=HS256)


# --- identities ---------------------------------------------------------------------------

def identity_for(user: str, credential: Optional[str]) -> Identity:
    """The Identity of a user of this host; AuthError "user unknown" otherwise."""
    try:
        entry = pwd.getpwnam(user)
    except (KeyError, ValueError):
        raise AuthError("user unknown") from None
    try:
        group = grp.getgrgid(entry.pw_gid).gr_name
    except KeyError:
        group = str(entry.pw_gid)
    return Identity(user=entry.pw_name, group=group, uid=entry.pw_uid, gid=entry.pw_gid,
                    credential=credential)


def over_tcp(client) -> bool:
    """A TCP peer (a listener, or a TCP socket handed over on fd 0 or by systemd)."""
    return client.kind == "tcp" or (client.kind == "socket" and client.credentials is None)


def describe_source(client) -> str:
    """Where a request comes from, for the log: the peer, and its process and user when
    the kernel tells them (unix sockets)."""
    credentials = client.credentials
    if credentials is None:
        return client.source
    return f"{client.source} pid {credentials.pid} uid {credentials.uid}"


def uid_of(user: str) -> int:
    try:
        return pwd.getpwnam(user).pw_uid
    except (KeyError, ValueError):
        raise AuthError("user unknown") from None


class IdentityCache:
    """Recent successes only, bounded (least recently used out), keyed by a hash of
    what decided them; an entry lives ``ttl`` seconds, never past the token's expiry."""

    def __init__(self, size: int = 1024, ttl: float = 30.0):
        self.size = size
        self.ttl = ttl
        self._entries: OrderedDict[bytes, tuple[float, Any]] = OrderedDict()

    @staticmethod
    def key(*parts: str) -> bytes:
        digest = hashlib.sha256()
        for part in parts:
            digest.update(part.encode("utf-8", "surrogatepass"))
            digest.update(b"\0")
        return digest.digest()

    def get(self, key: bytes) -> Optional[Any]:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry[0] <= time.time():
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return entry[1]

    def put(self, key: bytes, identity: Any, expires: float) -> None:
        expires = min(expires, time.time() + self.ttl)
        self._entries[key] = (expires, identity)
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        self._entries.clear()
