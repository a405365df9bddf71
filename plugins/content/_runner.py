"""Running one request's libslurm work: shared by content/slurmctld and content/slurmdbd.

:func:`run` makes the request's calls in ONE worker job (``ctx.run_blocking``),
as the request's identity (``as_user``: the token is per thread), with a
:class:`restd.native.resources.Resources` scope that owns whatever the job opens
in libslurm (slurmdbd connections, slurmctld answers, record lists) and closes
it when the job ends, on success, refusal or exception, or, for what the answer
keeps (a streamed list), once the answer is written, cut short or abandoned (a
cancelled request). Handlers never close native resources themselves.

It also answers, for both plugins, what is not Slurm's answer: libslurm that
cannot be loaded (502), and restd out of file descriptors (503: a connection to
slurmctld or slurmdbd cannot be opened; checked before the job, so libslurm is
not left retrying for seconds, and after a failed call, to tell it from an
unreachable daemon).
"""
from __future__ import annotations

import asyncio
import errno
import os
import socket
from typing import Any, Callable, Optional, TypeVar

from restd.plugin_api import RequestFailed

T = TypeVar("T")

# no descriptor for one more socket: the process's (EMFILE) or the system's (ENFILE)
DESCRIPTORS_EXHAUSTED = frozenset({errno.EMFILE, errno.ENFILE})
SLURM_ERROR = -1


def descriptors_exhausted() -> Optional[int]:
    """EMFILE or ENFILE when this process cannot open one more socket now, else None."""
    try:
        socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).close()
    except OSError as error:
        if error.errno in DESCRIPTORS_EXHAUSTED:
            return error.errno
    return None


def exhausted_failure(number: int, source: str) -> RequestFailed:
    """503: restd cannot open a connection to Slurm for lack of file descriptors."""
    reason = os.strerror(number)
    return RequestFailed(
        503, f"restd cannot open a connection to Slurm now ({reason}): retry later",
        error_number=number, error=reason, source=source)


def check_descriptors(source: str) -> None:
    """Raise the 503 when no socket can be opened (see exhausted_failure)."""
    number = descriptors_exhausted()
    if number is not None:
        raise exhausted_failure(number, source)


async def run(ctx, job: Callable[[Any], T], *, load: Callable[[], Any], source: str) -> T:
    """``job(resources)`` in one worker job as ``ctx.identity``; its native resources
    closed by ``resources`` (restd.native.resources.Resources). ``load()`` loads
    libslurm (the plugin's configuration) before anything else. ``source`` names the
    plugin in the errors answered here."""
    identity = ctx.identity
    from restd.native.resources import Resources
    resources = Resources()

    def in_worker() -> T:
        load()
        check_descriptors(source)
        if identity is None or identity.credential is None:
            return job_then_close()
        from restd.native.identity import as_user
        with as_user(identity.credential, identity.user):
            # closed inside as_user: a connection's last messages go out as the user
            return job_then_close()

    def job_then_close() -> T:
        try:
            return job(resources)
        finally:
            resources.end_job()

    try:
        return await ctx.run_blocking(in_worker)
    except asyncio.CancelledError:
        resources.abandon()  # the job may still run: what it hands on is closed when it ends
        raise
    except Exception as error:
        from restd.native.library import SlurmLoadError
        if isinstance(error, SlurmLoadError):
            raise RequestFailed(502, f"Unable to load libslurm: {error}",
                                error_number=SLURM_ERROR, error="Unspecified error",
                                source=source) from None
        raise
