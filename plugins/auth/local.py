"""rest_auth/local: clients the kernel vouches for (unix sockets, inetd mode).

Who is accepted:
  * on a unix socket (and a unix socket handed over on fd 0 or by systemd
    Accept=yes), the peer's uid from SO_PEERCRED:
      - the daemon's own user: the request runs as the daemon itself (Identity
        ``credential`` None: no per-request token, libslurm's own authentication,
        MUNGE, as the daemon's user);
      - root: as root, or as the user named in X-SLURM-USER-NAME (each such request
        logged at notice level with the peer's pid);
      - anyone else: refused (401). They may send a token instead: a request that
        carries X-SLURM-USER-TOKEN or ``Authorization: Bearer`` is left to
        rest_auth/jwt (None), whatever the order of -a.
  * in inetd mode on a pipe, character device or file (kind "pipe"): the daemon's
    own user, when fd 0 is owned by that user, has no setuid/setgid bit and no
    access for others (otherwise anyone could have written the request);
  * TCP: not this plugin's business (None).

Acting as a user other than the daemon's own (root, or the user root names) needs
that user's credential: restd mints a 60-second HS256 token for the user with
slurm.conf's ``jwt_key`` (the claims of ``scontrol token``: ``sun``, ``exp``,
``iat``) and that token is the Identity's credential, handed to libslurm as with
rest_auth/jwt. Without a readable key such requests are refused ("acting as
another user needs the JWT key").

With ``SLURM_JWT=daemon`` (libslurm authenticating with auth/jwt, as the packaged
units run restd) every RPC needs a token, the daemon's own included: the daemon's
user then gets a minted token too, and is refused when the key cannot be read.
So credential None only ever reaches a content plugin when libslurm uses MUNGE.

Not supported: ``SLURMRESTD_SECURITY=become_user``, slurmrestd's mode in which the
daemon, started as root, switches to the peer's user for the connection. restd
refuses it at start (restd.config); minted tokens replace it.
"""
from __future__ import annotations

import logging
import os
import stat
from typing import Optional

from restd.config import Config
from restd.http.messages import Request
from restd.plugin_api import AuthError, Identity
from restd.plugins.auth import _slurm_jwt as slurm_jwt

NAME = "local"

log = logging.getLogger(__name__)

TOKEN_LIFESPAN = 60  # seconds: a minted token serves one request

_keys: Optional[slurm_jwt.SlurmJwt] = None
_daemon: Optional[slurm_jwt.DaemonIds] = None
_jwt_daemon = False  # SLURM_JWT=daemon: every RPC needs a token


def init(config: Config) -> None:
    global _keys, _daemon, _jwt_daemon
    _daemon = slurm_jwt.daemon_ids(config)
    _keys = slurm_jwt.load(config)
    _jwt_daemon = config.jwt_daemon
    who = "root" if _daemon.uid == 0 else f"{_daemon.user} and root"
    if _keys.signing_key is not None:
        log.info("rest_auth/local: accepting %s on unix sockets; root may act as any "
                 "user (tokens minted with the HS256 key)", who)
    elif _jwt_daemon:
        log.warning("rest_auth/local: SLURM_JWT=daemon and no HS256 key to make tokens "
                    "with (%s): unix socket requests without a token will be refused",
                    _keys.hs256.cause)
    else:
        log.info("rest_auth/local: accepting %s on unix sockets; acting as another "
                 "user than %s is refused (%s)", who, _daemon.user, _keys.hs256.cause)


def fini() -> None:
    global _keys, _daemon, _jwt_daemon
    _keys = _daemon = None
    _jwt_daemon = False


def stdin_problem(info: os.stat_result, daemon_uid: int) -> Optional[str]:
    """Why fd 0 (``fstat(0)``) cannot vouch for the daemon's user, or None."""
    mode = info.st_mode
    if not (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode) or stat.S_ISREG(mode)):
        return "standard input is not a pipe, character device or file"
    if info.st_uid != daemon_uid:
        return "standard input is not owned by the daemon's user"
    if mode & (stat.S_ISUID | stat.S_ISGID):
        return "standard input has a setuid or setgid bit"
    if mode & stat.S_IRWXO:
        return "standard input is accessible to other users"
    return None


def _peer_uid(request: Request, daemon_uid: int) -> Optional[int]:
    client = request.client
    if client.kind == "pipe":
        problem = stdin_problem(os.fstat(0), daemon_uid)
        if problem:
            raise AuthError(f"local authentication refused: {problem}")
        return daemon_uid
    if client.kind in ("unix", "socket") and client.credentials is not None:
        return client.credentials.uid
    return None  # TCP, or a TCP socket on fd 0: nothing vouches for the peer


def _daemon_identity(daemon: slurm_jwt.DaemonIds) -> Identity:
    """The daemon itself (credential None), even for a uid without a passwd entry."""
    try:
        return slurm_jwt.identity_for(daemon.user, None)
    except AuthError:
        return Identity(user=daemon.user, group=str(daemon.gid), uid=daemon.uid,
                        gid=daemon.gid, credential=None)


def _acting(daemon: slurm_jwt.DaemonIds, keys: slurm_jwt.SlurmJwt, user: str) -> Identity:
    if user == daemon.user and not _jwt_daemon:
        return _daemon_identity(daemon)
    key = keys.signing_key
    if key is None:
        if user == daemon.user:
            raise AuthError("with SLURM_JWT=daemon every request needs a token, and "
                            "restd cannot read the JWT key to make one; send a token")
        raise AuthError("acting as another user needs the JWT key, which restd cannot "
                        "read; connect as the daemon's user or send a token")
    identity = slurm_jwt.identity_for(user, None)  # "user unknown" before minting
    return Identity(user=identity.user, group=identity.group, uid=identity.uid,
                    gid=identity.gid,
                    credential=slurm_jwt.mint(key, identity.user, TOKEN_LIFESPAN))


async def authenticate(request: Request) -> Optional[Identity]:
    if request.client.kind == "tcp" or slurm_jwt.has_token(request):
        return None
    if _daemon is None or _keys is None:  # the plugin loader calls init()
        init(Config())
    daemon, keys = _daemon, _keys
    peer = _peer_uid(request, daemon.uid)
    if peer is None:
        return None
    name = slurm_jwt.user_name_header(request)
    if peer == 0:
        identity = _acting(daemon, keys, name or "root")
        log.log(slurm_jwt.NOTICE, "rest_auth/local: root from %s, acting as %s",
                slurm_jwt.describe_source(request.client), identity.user)
        return identity
    if peer == daemon.uid:
        if name is not None and name != daemon.user:
            raise AuthError("X-SLURM-USER-NAME: only root may act for another user")
        return _acting(daemon, keys, daemon.user)
    raise AuthError("local authentication accepts only the daemon's own user and root; "
                    "other users must send a token")
