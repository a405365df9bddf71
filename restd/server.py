"""The server: listeners, the accept loop with its connection cap, signals, shutdown.

Typical use (what the CLI does)::

    server = Server(app, limits=Limits(), max_connections=124)
    server.open(["unix:/run/restd.sock", ":6820"], sockets=systemd_sockets())
    ... drop privileges ...
    return run(server.run_forever())

``serve()`` is ``open()`` then ``run_forever()``; ``serve_inetd()`` answers one
conversation on stdin/stdout. Shutdown goes in phases, each waiting on an event: stop
accepting and remove the socket files, tell every connection to finish (idle ones close
now), wait up to ``Limits.shutdown_timeout``, then drop what is left.
"""
from __future__ import annotations

import asyncio
import errno
import logging
import os
import signal
import socket
import stat
from typing import Coroutine, Optional

import uvloop

from restd.http.limits import Limits
from restd.http.messages import ClientInfo, PeerCredentials
from restd.http.protocol import AccessLog, App, HttpProtocol
from restd.listeners import (
    InheritedListener,
    Listener,
    ListenError,
    StdioTransport,
    is_listening,
    listener_for,
)

logger = logging.getLogger("restd.server")

# Connections accepted per wakeup of one listening socket, so that one busy listener
# cannot starve the others (or the connections already open).
ACCEPT_BATCH = 16
# Errors that mean "out of descriptors or memory right now": wait, then try again.
ACCEPT_RESOURCE_ERRORS = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM})
ACCEPT_RETRY_DELAY = 1.0
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def run(coro: Coroutine) -> int:
    """Run the server coroutine on uvloop and return its exit status."""
    # A client that goes away must cost us an EPIPE on that connection, not the process.
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    return uvloop.run(coro)


class Server:
    def __init__(
        self,
        app: App,
        *,
        limits: Limits = Limits(),
        max_connections: int = 124,
        access_log: Optional[AccessLog] = None,
    ) -> None:
        if max_connections < 1:
            raise ValueError(f"max_connections must be at least 1, not {max_connections}")
        self._app = app
        self._limits = limits
        self._max_connections = max_connections
        self._access_log = access_log
        self._listeners: list[Listener] = []
        # systemd Accept=yes: one connected socket to serve instead of listening
        self._accepted_socket: Optional[socket.socket] = None
        self._connections: set[HttpProtocol] = set()
        self._accepting = False
        self._stopping = False
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._stop_requested = asyncio.Event()
        self._force_stop = asyncio.Event()
        self._all_closed = asyncio.Event()
        self.started = asyncio.Event()  # set once connections are being accepted

    @property
    def bound_addresses(self) -> list[str]:
        return [address for listener in self._listeners for address in listener.addresses]

    @property
    def connection_count(self) -> int:
        return len(self._connections)

    # ------------------------------------------------------------------ public API

    async def serve(self, listen: list[str], *, sockets: Optional[list[socket.socket]] = None) -> int:
        self.open(listen, sockets)
        return await self.run_forever()

    def open(self, listen: list[str], sockets: Optional[list[socket.socket]] = None) -> None:
        """Bind and listen (no accepting yet), so the caller can drop privileges after.

        Raises ListenError, with nothing left open, when an address cannot be used.
        """
        sockets = sockets or []
        try:
            for sock in sockets:
                if sock.type != socket.SOCK_STREAM:
                    raise ListenError(f"systemd passed fd {sock.fileno()}, which is not a stream socket")
            connected = [sock for sock in sockets if not is_listening(sock)]
            if connected:
                if len(sockets) > 1 or listen:
                    raise ListenError(
                        "a connected socket from systemd (Accept=yes) must be the only socket"
                    )
                self._accepted_socket = connected[0]
                return
            for sock in sockets:
                self._open_listener(InheritedListener(sock))
            for address in listen:
                self._open_listener(listener_for(address))
        except BaseException:
            self._close_listeners()
            raise

    async def run_forever(self) -> int:
        """Serve until SIGINT/SIGTERM (or ``stop()``), then shut down; returns the exit status."""
        self._loop = asyncio.get_running_loop()
        self._install_signal_handlers()
        try:
            if self._accepted_socket is not None:
                return await self._serve_one_socket(self._accepted_socket)
            if not self._listeners:
                raise ListenError("nothing to listen on")
            self._resume_accepting()
            self.started.set()
            logger.info("listening on %s", ", ".join(self.bound_addresses))
            await self._stop_requested.wait()
            await self._shutdown()
            return 0
        finally:
            self._close_listeners()
            self._remove_signal_handlers()

    async def serve_inetd(self) -> int:
        """One conversation on stdin/stdout; 0 when every request was answered."""
        self._loop = asyncio.get_running_loop()
        self._install_signal_handlers()
        try:
            if stat.S_ISSOCK(os.fstat(0).st_mode):
                return await self._serve_one_socket(socket.socket(fileno=0))
            return await self._serve_stdio()
        finally:
            self._remove_signal_handlers()

    def stop(self) -> None:
        """Begin a graceful shutdown, as SIGTERM does; a second call skips the grace period."""
        if self._stop_requested.is_set():
            self._force_stop.set()
        self._stop_requested.set()

    # ------------------------------------------------------------------ accept loop

    def _open_listener(self, listener: Listener) -> None:
        listener.open()
        self._listeners.append(listener)

    def _listening_sockets(self) -> list[socket.socket]:
        return [sock for listener in self._listeners for sock in listener.sockets]

    def _resume_accepting(self) -> None:
        if self._accepting or self._stopping or len(self._connections) >= self._max_connections:
            return
        self._accepting = True
        for sock in self._listening_sockets():
            self._loop.add_reader(sock.fileno(), self._accept_ready, sock)

    def _pause_accepting(self) -> None:
        # At the cap, new clients wait in the kernel's backlog until a slot frees.
        if not self._accepting:
            return
        self._accepting = False
        for sock in self._listening_sockets():
            self._loop.remove_reader(sock.fileno())

    def _accept_ready(self, listening: socket.socket) -> None:
        for _ in range(ACCEPT_BATCH):
            if len(self._connections) >= self._max_connections:
                self._pause_accepting()
                return
            try:
                conn, _ = listening.accept()
            except (BlockingIOError, InterruptedError):
                return
            except ConnectionAbortedError:
                continue
            except OSError as exc:
                self._pause_accepting()
                if exc.errno in ACCEPT_RESOURCE_ERRORS:
                    logger.error(
                        "cannot accept connections: %s; retrying in %g s",
                        exc.strerror,
                        ACCEPT_RETRY_DELAY,
                    )
                else:
                    logger.exception("accepting a connection failed; retrying in %g s", ACCEPT_RETRY_DELAY)
                self._loop.call_later(ACCEPT_RETRY_DELAY, self._resume_accepting)
                return
            self._adopt(conn)

    def _adopt(self, conn: socket.socket, client_kind: Optional[str] = None) -> HttpProtocol:
        conn.setblocking(False)
        protocol = self._new_protocol(client_kind=client_kind)
        task = self._loop.create_task(self._loop.connect_accepted_socket(lambda: protocol, conn))
        task.add_done_callback(lambda done: self._adopted(done, protocol, conn))
        return protocol

    def _adopted(self, task: asyncio.Task, protocol: HttpProtocol, conn: socket.socket) -> None:
        if task.cancelled() or task.exception() is not None:
            # No transport took the socket: close it ourselves, it counts no more.
            if not task.cancelled():
                logger.warning("could not set up a connection: %s", task.exception())
            conn.close()
            protocol.aborted = True
            self._forget(protocol)

    def _new_protocol(self, **kwargs) -> HttpProtocol:
        protocol = HttpProtocol(
            self._app,
            limits=self._limits,
            access_log=self._access_log,
            on_close=self._forget,
            **kwargs,
        )
        self._connections.add(protocol)
        self._all_closed.clear()
        return protocol

    def _forget(self, protocol: HttpProtocol) -> None:
        self._connections.discard(protocol)
        if not self._connections:
            self._all_closed.set()
        if not self._stopping:
            self._resume_accepting()

    # ------------------------------------------------------------------ one conversation

    async def _serve_one_socket(self, sock: socket.socket) -> int:
        """inetd on a socket, or systemd Accept=yes: one connection, then exit."""
        protocol = self._adopt(sock, client_kind="socket")
        return await self._converse(protocol)

    async def _serve_stdio(self) -> int:
        owner = os.fstat(0)
        client = ClientInfo(
            "pipe", "[stdin](fd:0)", PeerCredentials(pid=0, uid=owner.st_uid, gid=owner.st_gid)
        )
        protocol = self._new_protocol(client=client, lenient_line_endings=True)
        await StdioTransport(self._loop, protocol).start()
        return await self._converse(protocol)

    async def _converse(self, protocol: HttpProtocol) -> int:
        self.started.set()
        stop = self._loop.create_task(self._stop_requested.wait())
        closed = self._loop.create_task(self._all_closed.wait())
        await asyncio.wait([stop, closed], return_when=asyncio.FIRST_COMPLETED)
        stop.cancel()
        closed.cancel()
        await self._shutdown()
        clean = protocol.refusal is None and not protocol.aborted
        return 0 if clean else 1

    # ------------------------------------------------------------------ shutdown

    async def _shutdown(self) -> None:
        # Phase 1: no new connections, socket files gone.
        self._stopping = True
        self._pause_accepting()
        self._close_listeners()
        if not self._connections:
            return
        # Phase 2: idle connections close now, busy ones after their answers.
        logger.info("finishing %d connection(s)", len(self._connections))
        for protocol in list(self._connections):
            protocol.shutdown()
        finished = self._loop.create_task(self._all_closed.wait())
        forced = self._loop.create_task(self._force_stop.wait())
        await asyncio.wait(
            [finished, forced], timeout=self._limits.shutdown_timeout, return_when=asyncio.FIRST_COMPLETED
        )
        forced.cancel()
        if finished.done():
            return
        # Phase 3: the grace period is over.
        logger.warning("dropping %d connection(s) still busy", len(self._connections))
        for protocol in list(self._connections):
            protocol.abort()
        # An aborted transport reports its loss on the next loop iteration; the bound
        # covers a connection whose transport was still being set up.
        await asyncio.wait([finished], timeout=1.0)
        finished.cancel()

    def _close_listeners(self) -> None:
        for listener in self._listeners:
            listener.close()

    def _install_signal_handlers(self) -> None:
        for signum in STOP_SIGNALS:
            self._loop.add_signal_handler(signum, self._on_stop_signal, signum)

    def _remove_signal_handlers(self) -> None:
        for signum in STOP_SIGNALS:
            self._loop.remove_signal_handler(signum)

    def _on_stop_signal(self, signum: int) -> None:
        logger.info("%s: shutting down", signal.Signals(signum).name)
        self.stop()
