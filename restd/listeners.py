"""Where connections come from: listening sockets, systemd-passed sockets, stdin/stdout.

Listeners are small classes in aiohttp's style: ``open()`` binds (before privileges are
dropped), ``sockets`` are then handed to the server's accept loop, ``close()`` releases
them (and removes the unix socket file we created). ``parse_listen_address`` is a plain
function. Every failure is a ``ListenError`` with a message fit for the command line.
"""
from __future__ import annotations

import asyncio
import errno
import logging
import os
import select
import socket
import stat
from dataclasses import dataclass
from typing import Callable, Optional, Union

logger = logging.getLogger("restd.listeners")

SD_LISTEN_FDS_START = 3


class ListenError(Exception):
    """A listen address that is malformed or cannot be bound; the message says which and why."""


@dataclass(frozen=True)
class UnixAddress:
    path: str

    def __str__(self) -> str:
        return f"unix:{self.path}"


@dataclass(frozen=True)
class TcpAddress:
    host: Optional[str]  # None: every interface, IPv4 and IPv6
    port: int

    def __str__(self) -> str:
        if self.host is None:
            return f":{self.port}"
        return _format_host_port(self.host, self.port)


ListenAddress = Union[UnixAddress, TcpAddress]


def parse_listen_address(text: str) -> ListenAddress:
    """``unix:/path``, ``host:port``, ``[v6-address]:port`` or ``:port`` (every interface)."""
    if text.startswith("unix:"):
        path = text[len("unix:"):]
        if not path:
            raise ListenError(f"listen address {text!r}: the unix socket path is empty")
        return UnixAddress(path)
    if text.startswith("["):
        host, bracket, rest = text[1:].partition("]")
        if not bracket or not host or not rest.startswith(":"):
            raise ListenError(f"listen address {text!r}: expected [IPv6-address]:port")
        port_text = rest[1:]
    else:
        host, colon, port_text = text.rpartition(":")
        if not colon:
            raise ListenError(
                f"listen address {text!r}: expected host:port, :port, [IPv6]:port or unix:/path"
            )
        if ":" in host:
            raise ListenError(f"listen address {text!r}: put an IPv6 address in brackets, [{host}]:port")
    if not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
        raise ListenError(f"listen address {text!r}: port {port_text!r} is not a number in 0-65535")
    return TcpAddress(host or None, int(port_text))


class Listener:
    """Bound listening sockets for one configured address."""

    def __init__(self) -> None:
        self.sockets: list[socket.socket] = []

    def open(self) -> None:
        raise NotImplementedError

    @property
    def addresses(self) -> list[str]:
        return [_describe_bound(sock) for sock in self.sockets]

    def close(self) -> None:
        for sock in self.sockets:
            sock.close()
        self.sockets = []


class TcpListener(Listener):
    """Every address ``host`` resolves to (deduplicated); ``None`` binds 0.0.0.0 and ::.

    With port 0 the first address picks a free port and the others reuse it, so
    ``:0`` and ``localhost:0`` listen on one port number.
    """

    def __init__(self, address: TcpAddress) -> None:
        super().__init__()
        self.address = address

    def open(self) -> None:
        try:
            infos = socket.getaddrinfo(
                self.address.host,
                self.address.port,
                type=socket.SOCK_STREAM,
                flags=socket.AI_PASSIVE,
            )
        except socket.gaierror as exc:
            raise ListenError(f"cannot listen on {self.address}: {exc.strerror}") from None
        port = self.address.port
        seen = set()
        try:
            for family, _, _, _, sockaddr in infos:
                host = sockaddr[0]
                if (family, host) in seen:
                    continue
                seen.add((family, host))
                try:
                    sock = _bind_tcp(family, host, port)
                except OSError as exc:
                    if self.address.host is None and exc.errno in (errno.EAFNOSUPPORT, errno.EADDRNOTAVAIL):
                        # "every interface" on a machine without that address family
                        logger.warning("not listening on [%s]:%d: %s", host, port, exc.strerror)
                        continue
                    raise ListenError(
                        f"cannot listen on {_format_host_port(host, port)}: {exc.strerror}"
                    ) from None
                self.sockets.append(sock)
                port = sock.getsockname()[1]
            if not self.sockets:
                raise ListenError(f"cannot listen on {self.address}: no usable address")
        except BaseException:
            self.close()
            raise


class UnixListener(Listener):
    """A unix socket file; a stale one (nobody answers on it) is replaced."""

    def __init__(self, address: UnixAddress) -> None:
        super().__init__()
        self.address = address
        self._created: Optional[tuple[int, int]] = None  # (st_dev, st_ino) of our socket file

    def open(self) -> None:
        path = self.address.path
        self._remove_stale(path)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.bind(path)
            sock.listen(socket.SOMAXCONN)
            sock.setblocking(False)
            created = os.stat(path)
        except OSError as exc:
            sock.close()
            raise ListenError(f"cannot listen on unix:{path}: {exc.strerror}") from None
        self._created = (created.st_dev, created.st_ino)
        self.sockets.append(sock)

    def close(self) -> None:
        super().close()
        if self._created is None:
            return
        path = self.address.path
        # Only our own file: another server may have replaced it since.
        try:
            current = os.stat(path)
            if (current.st_dev, current.st_ino) == self._created:
                os.unlink(path)
        except FileNotFoundError:
            pass
        except PermissionError:
            # After -u/-g the daemon may no longer reach the directory it bound in
            # (a root-only /run/restd): the file stays, and the next start replaces it
            # as stale. Shutting down must not fail over it.
            logger.warning("could not remove unix:%s after dropping privileges", path)
        self._created = None

    @staticmethod
    def _remove_stale(path: str) -> None:
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            return
        except OSError as exc:
            raise ListenError(f"cannot listen on unix:{path}: {exc.strerror}") from None
        if not stat.S_ISSOCK(mode):
            raise ListenError(f"cannot listen on unix:{path}: the path exists and is not a socket")
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            probe.connect(path)
        except ConnectionRefusedError:
            os.unlink(path)  # stale: left behind by a server that is gone
            return
        except OSError as exc:
            raise ListenError(f"cannot listen on unix:{path}: {exc.strerror}") from None
        finally:
            probe.close()
        raise ListenError(f"cannot listen on unix:{path}: another server is listening there")


class InheritedListener(Listener):
    """An already listening socket (systemd socket activation); never unlinks anything."""

    def __init__(self, sock: socket.socket) -> None:
        super().__init__()
        self._inherited = sock

    def open(self) -> None:
        self._inherited.setblocking(False)
        self.sockets = [self._inherited]


def listener_for(text: str) -> Listener:
    address = parse_listen_address(text)
    if isinstance(address, UnixAddress):
        return UnixListener(address)
    return TcpListener(address)


def accepted_socket(listen: list[str], sockets: list[socket.socket]) -> Optional[socket.socket]:
    """The connected socket systemd passed (Accept=yes), to serve alone; None when
    ``sockets`` are listening ones (or none). Raises ListenError on a mix, or on a
    socket that is not a stream."""
    for sock in sockets:
        if sock.type != socket.SOCK_STREAM:
            raise ListenError(f"systemd passed fd {sock.fileno()}, which is not a stream socket")
    connected = [sock for sock in sockets if not is_listening(sock)]
    if not connected:
        return None
    if len(sockets) > 1 or listen:
        raise ListenError("a connected socket from systemd (Accept=yes) must be the only socket")
    return connected[0]


def open_listeners(listen: list[str], sockets: list[socket.socket]) -> list[Listener]:
    """Listening sockets passed by systemd (``sockets``), then each address of ``listen``
    bound and listening. Raises ListenError with nothing left open."""
    listeners: list[Listener] = []
    try:
        for listener in [*map(InheritedListener, sockets), *map(listener_for, listen)]:
            listener.open()
            listeners.append(listener)
    except BaseException:
        for listener in listeners:
            listener.close()
        raise
    return listeners


def is_listening(sock: socket.socket) -> bool:
    """False for a connected stream (systemd Accept=yes passes the accepted connection)."""
    return bool(sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN))


def systemd_sockets() -> Optional[list[socket.socket]]:
    """Sockets passed by systemd socket activation, or None when not socket-activated.

    Checks LISTEN_PID (the variables may be inherited by a child they were not meant
    for), takes LISTEN_FDS descriptors from fd 3, and clears the variables so our own
    children do not take them too. Any family: ``socket.socket(fileno=fd)`` asks the
    kernel.
    """
    pid = os.environ.pop("LISTEN_PID", None)
    count = os.environ.pop("LISTEN_FDS", None)
    os.environ.pop("LISTEN_FDNAMES", None)
    if pid is None or count is None:
        return None
    if not pid.isdigit() or int(pid) != os.getpid():
        return None
    if not count.isdigit():
        raise ListenError(f"systemd passed LISTEN_FDS={count!r}, not a number")
    sockets = []
    for fd in range(SD_LISTEN_FDS_START, SD_LISTEN_FDS_START + int(count)):
        os.set_inheritable(fd, False)
        try:
            sockets.append(socket.socket(fileno=fd))
        except OSError as exc:
            raise ListenError(f"systemd passed fd {fd}, which is not a socket: {exc.strerror}") from None
    return sockets


def _bind_tcp(family: int, host: str, port: int) -> socket.socket:
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            # "::" must not also claim IPv4: 0.0.0.0 is bound separately.
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind((host, port))
        sock.listen(socket.SOMAXCONN)
        sock.setblocking(False)
    except BaseException:
        sock.close()
        raise
    return sock


def _format_host_port(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _describe_bound(sock: socket.socket) -> str:
    if sock.family == socket.AF_UNIX:
        return f"unix:{sock.getsockname()}"
    host, port = sock.getsockname()[:2]
    return _format_host_port(host, port)


# ---------------------------------------------------------------------- inetd mode


class StdioTransport(asyncio.Transport):
    """stdin and stdout as one connection, for inetd mode on pipes, ttys and files.

    Descriptors the loop can watch (pipes, FIFOs, ttys) use the loop's pipe transports.
    Regular files and /dev/null cannot be watched (epoll refuses them and libuv aborts
    the process), so those are read in a worker thread and written directly: a file
    write does not block for long. The transport is lost when stdout is closed.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, protocol: asyncio.Protocol) -> None:
        super().__init__()
        self._loop = loop
        self._protocol = protocol
        self._reader: Optional[asyncio.ReadTransport] = None
        self._reader_task: Optional[asyncio.Task] = None
        self._read_allowed = asyncio.Event()
        self._read_allowed.set()
        self._writer: Optional[asyncio.WriteTransport] = None
        self._closing = False
        self._lost = False
        self._blocking_before = {fd: os.get_blocking(fd) for fd in (0, 1)}

    async def start(self) -> None:
        protocol = self._protocol
        if _pollable(1, select.EPOLLOUT):
            self._writer, _ = await self._loop.connect_write_pipe(
                lambda: _WriterEvents(protocol, self._connection_lost),
                open(1, "wb", buffering=0, closefd=False),
            )
        protocol.connection_made(self)
        if _pollable(0, select.EPOLLIN):
            self._reader, _ = await self._loop.connect_read_pipe(
                lambda: _ReaderEvents(protocol), open(0, "rb", buffering=0, closefd=False)
            )
        else:
            self._reader_task = self._loop.create_task(self._read_file())

    async def _read_file(self) -> None:
        while not self._closing:
            await self._read_allowed.wait()
            try:
                data = await self._loop.run_in_executor(None, os.read, 0, 65536)
            except OSError as exc:
                logger.warning("reading stdin failed: %s", exc.strerror)
                data = b""
            if self._closing:
                return
            if not data:
                self._protocol.eof_received()
                return
            self._protocol.data_received(data)

    # asyncio.Transport, as much as HttpProtocol uses

    def get_extra_info(self, name, default=None):
        return default

    def is_closing(self) -> bool:
        return self._closing

    def pause_reading(self) -> None:
        if self._reader is not None and not self._reader.is_closing():
            self._reader.pause_reading()
        self._read_allowed.clear()

    def resume_reading(self) -> None:
        if self._reader is not None and not self._reader.is_closing():
            self._reader.resume_reading()
        self._read_allowed.set()

    def write(self, data) -> None:
        if self._writer is not None:
            self._writer.write(data)
            return
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(1, view):]
        except OSError as exc:
            self._connection_lost(exc)

    def writelines(self, list_of_data) -> None:
        for data in list_of_data:
            self.write(data)

    def get_write_buffer_size(self) -> int:
        return self._writer.get_write_buffer_size() if self._writer is not None else 0

    def close(self) -> None:
        self._close(abort=False)

    def abort(self) -> None:
        self._close(abort=True)

    def _close(self, *, abort: bool) -> None:
        if self._closing:
            return
        self._closing = True
        self._read_allowed.set()  # let the file reader see it is over
        if self._reader is not None:
            self._reader.close()
        if self._writer is None:
            self._loop.call_soon(self._connection_lost, None)
        elif abort:
            self._writer.abort()
        else:
            self._writer.close()  # flushes, then _WriterEvents reports the loss

    def _connection_lost(self, exc: Optional[Exception]) -> None:
        if self._lost:
            return
        self._lost = True
        self._closing = True
        if self._reader is not None:
            self._reader.close()
        # Give the descriptors back as we found them: a shared tty or pipe left
        # non-blocking breaks the shell that started us.
        for fd, blocking in self._blocking_before.items():
            try:
                os.set_blocking(fd, blocking)
            except OSError:
                pass
        self._protocol.connection_lost(exc)


class _ReaderEvents(asyncio.Protocol):
    """Forwards stdin events to the HTTP protocol."""

    def __init__(self, protocol: asyncio.Protocol) -> None:
        self._protocol = protocol

    def data_received(self, data: bytes) -> None:
        self._protocol.data_received(data)

    def eof_received(self) -> None:
        self._protocol.eof_received()

    def connection_lost(self, exc: Optional[Exception]) -> None:
        if exc is not None:
            logger.warning("reading stdin failed: %s", exc)


class _WriterEvents(asyncio.Protocol):
    """Forwards stdout flow control to the HTTP protocol, and its loss to the transport."""

    def __init__(self, protocol: asyncio.Protocol, on_lost: Callable[[Optional[Exception]], None]) -> None:
        self._protocol = protocol
        self._on_lost = on_lost

    def pause_writing(self) -> None:
        self._protocol.pause_writing()

    def resume_writing(self) -> None:
        self._protocol.resume_writing()

    def connection_lost(self, exc: Optional[Exception]) -> None:
        self._on_lost(exc)


def _pollable(fd: int, events: int) -> bool:
    poller = select.epoll()
    try:
        poller.register(fd, events)
    except PermissionError:  # regular files, /dev/null
        return False
    finally:
        poller.close()
    return True
