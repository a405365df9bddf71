"""rest_auth/jwt: requests carrying a Slurm JSON Web Token.

The token comes in ``X-SLURM-USER-TOKEN`` or ``Authorization: Bearer <token>`` (one
of them: both, or either twice, is refused). ``X-SLURM-USER-NAME`` is optional: it
may name another user only when the token belongs to SlurmUser (slurm.conf) or root
(an authenticating proxy acting for its users); anyone else may only repeat the
token's own user. A request without a token is not this plugin's (None: the next
plugin is tried, e.g. rest_auth/local for root naming a user over a unix socket).

Tokens are checked before any RPC when the daemon can read the key (see
restd.plugins.auth._slurm_jwt for the modes: HS256 with ``jwt_key``, RS256 with
``jwks``, both from slurm.conf's AuthAltParameters); without the key, the token is
only decoded to learn its user, and slurmctld verifies it. Refusals say why in
general terms ("token expired", "invalid token signature", ...), never with the
token, which is neither logged nor shown.

The Identity's ``credential`` is the token itself; ``user`` is the token's user or
the proxied X-SLURM-USER-NAME. A content plugin makes the request's RPCs with
``as_user(identity.credential, identity.user)`` (restd.native.identity), i.e.
``auth_g_thread_config(token, user)``: slurmctld checks the token again and, for a
proxied user, that the token's user may act for others.

Tokens of root and SlurmUser (slurm.conf) are privileged: they act as anyone. Each
request carrying one is logged at notice level with where it came from (peer
address, or unix peer pid and uid) and whom it acts as, never the token. With
``--privileged-unix-only`` they are refused (401) on TCP connections, for sites that
administer only through the unix socket.

Successful checks are remembered for up to 30 s (never past the token's expiry),
by a hash of the token and user name headers as received, for at most 1024 tokens
(a request sending the same headers is not checked again); refusals are not
remembered, so a flood of bad tokens costs CPU only.
"""
from __future__ import annotations

import logging
from typing import Optional

from restd.config import Config
from restd.http.messages import Request
from restd.plugin_api import AuthError, Identity
from restd.plugins.auth import _slurm_jwt as slurm_jwt

NAME = "jwt"

log = logging.getLogger(__name__)

CACHE_SIZE = 1024
CACHE_SECONDS = 30.0

_keys: Optional[slurm_jwt.SlurmJwt] = None
_privileged_unix_only = False
_cache = slurm_jwt.IdentityCache(CACHE_SIZE, CACHE_SECONDS)


def init(config: Config) -> None:
    global _keys, _privileged_unix_only
    _keys = slurm_jwt.load(config)
    _privileged_unix_only = config.privileged_unix_only
    _cache.clear()
    log.info("rest_auth/jwt: %s", _keys.describe())
    if _privileged_unix_only:
        log.info("rest_auth/jwt: tokens of root and SlurmUser are refused on TCP")
    if not config.jwt_daemon:
        log.warning("rest_auth/jwt without SLURM_JWT=daemon: libslurm hands the "
                    "clients' tokens to slurmctld only when it authenticates with "
                    "auth/jwt (SLURM_JWT=daemon, as restd's units set it)")


def fini() -> None:
    global _keys, _privileged_unix_only
    _keys = None
    _privileged_unix_only = False
    _cache.clear()


def _token(request: Request) -> Optional[str]:
    tokens = request.header_values("x-slurm-user-token")
    bearers = slurm_jwt.bearer_values(request)
    if not tokens and not bearers:
        return None
    if tokens and bearers:
        raise AuthError("two tokens given: send X-SLURM-USER-TOKEN or "
                        "Authorization: Bearer, not both")
    if len(tokens) + len(bearers) > 1:
        raise AuthError("more than one token given")
    return slurm_jwt.check_token_text((tokens or bearers)[0])


# The headers that decide who a request is: a success is remembered by their values as
# received, and a request sending the same ones is not checked again (the token's text
# was checked before each lookup: 8 microseconds a request, 3 without, measured)
_DECIDING_HEADERS = frozenset({"x-slurm-user-token", "authorization", "x-slurm-user-name"})


async def authenticate(request: Request) -> Optional[Identity]:
    deciding = [part for field in request.headers if field[0] in _DECIDING_HEADERS
                for part in field]
    if not deciding:
        return None
    cache_key = _cache.key(*deciding)
    decided = _cache.get(cache_key)
    if decided is None:
        token = _token(request)
        if token is None:
            return None
        name = slurm_jwt.user_name_header(request)
        if _keys is None:  # the plugin loader calls init(); a bare import did not
            init(Config())
        decided = _decide(token, name, _keys)
        _cache.put(cache_key, decided[:2], decided[2])
    identity, privileged = decided[:2]
    if privileged is not None:
        _privileged_request(request, privileged, identity)
    return identity


def _decide(token: str, name: Optional[str], keys: slurm_jwt.SlurmJwt
            ) -> tuple[Identity, Optional[str], float]:
    """(identity, "root" or "SlurmUser" for a privileged token else None, expiry)."""
    user, expires = slurm_jwt.decode(token, keys)
    try:
        token_uid: Optional[int] = slurm_jwt.uid_of(user)
    except AuthError:
        token_uid = None  # identity_for() refuses it below, unless it proxies
    privileged = ("root" if token_uid == 0
                  else "SlurmUser" if token_uid is not None and token_uid == keys.slurm_user_uid
                  else None)
    if name is not None and name != user:
        if token_uid is None:
            raise AuthError("user unknown")
        if privileged is None:
            raise AuthError("X-SLURM-USER-NAME differs from the token's user: only "
                            "tokens of SlurmUser or root may act for another user")
        user = name
    return slurm_jwt.identity_for(user, token), privileged, expires


def _privileged_request(request: Request, role: str, identity: Identity) -> None:
    """Log (never the token) or, with --privileged-unix-only on TCP, refuse."""
    source = slurm_jwt.describe_source(request.client)
    if _privileged_unix_only and slurm_jwt.over_tcp(request.client):
        log.log(slurm_jwt.NOTICE, "rest_auth/jwt: refused a token of %s from %s: "
                "privileged tokens are accepted only on unix sockets", role, source)
        raise AuthError(f"tokens of {role} are refused on TCP connections here "
                        f"(--privileged-unix-only): use the unix socket")
    log.log(slurm_jwt.NOTICE, "rest_auth/jwt: token of %s from %s, acting as %s",
            role, source, identity.user)


def cached() -> int:
    """How many identities are remembered (for the tests)."""
    return len(_cache)
