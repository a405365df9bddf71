"""Plain request and response objects: what the protocol hands the application and
what the application hands back. No I/O here, so routing, negotiation, parsing and
dumping can be tested as plain functions.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import AsyncIterator, Callable, Iterable, Optional, Union


@dataclass(frozen=True)
class PeerCredentials:
    """SO_PEERCRED of a unix socket peer (or the owner of fd 0 in inetd mode)."""

    pid: int
    uid: int
    gid: int


@dataclass
class ClientInfo:
    """Who is on the other end of the connection.

    ``kind`` is one of "unix", "tcp", "pipe" (inetd mode on a pipe, character device or
    file) and "socket" (inetd mode or socket activation with Accept=yes on a socket).
    ``source`` is printable, in slurmrestd's style: "[localhost]:35870(fd:9)".
    ``credentials`` is set where the kernel can vouch for the peer (unix sockets; for
    "pipe", the owner of fd 0 as checked by the listener).
    """

    kind: str
    source: str
    credentials: Optional[PeerCredentials] = None


@dataclass
class Request:
    method: str  # "GET", "POST", ...
    path: str  # percent-decoded path, without the query string
    query: str  # raw query string, "" when absent
    headers: list[tuple[str, str]]  # names lower-cased, in arrival order
    body: bytes
    client: ClientInfo
    http_version: str = "1.1"
    # True once the client ended its input (closed the connection, or only its sending
    # side) or the connection is gone: a handler that waits on Slurm for long (a
    # pending allocation) gives up then. Callable from any thread.
    input_ended: Callable[[], bool] = field(default=lambda: False, compare=False)

    def header(self, name: str, default: Optional[str] = None) -> Optional[str]:
        """First value of a header (``name`` lower-case)."""
        for key, value in self.headers:
            if key == name:
                return value
        return default

    def header_values(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key == name]


Body = Union[bytes, Iterable[bytes], AsyncIterator[bytes]]


@dataclass
class Response:
    """What the application answers.

    ``body`` is bytes, or an iterable / async iterator of byte chunks for large answers:
    the protocol writes chunks as the client drains them. ``headers`` never carries
    Content-Length, Transfer-Encoding or Connection: the protocol sets those.
    ``user`` is filled in by the application once the request is authenticated, for the
    access log. ``close`` asks the protocol to close the connection after this answer.
    """

    status: int
    body: Body = b""
    content_type: Optional[str] = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    user: Optional[str] = None
    close: bool = False
