"""The server: listeners, the accept loop with its connection caps, signals, shutdown.

Typical use (what the CLI does)::

    fd_limit = raise_descriptor_limit()
    server = Server(app, limits=Limits(), max_connections=default_max_connections(fd_limit, 20))
    server.open(["unix:/run/restd.sock", ":6820"], sockets=systemd_sockets())
    ... drop privileges ...
    return run(server.run_forever())

``serve()`` is ``open()`` then ``run_forever()``; ``serve_inetd()`` answers one
conversation on stdin/stdout. Shutdown goes in phases, each waiting on an event: stop
accepting and remove the socket files, tell every connection to finish (idle ones close
now), wait up to ``Limits.shutdown_timeout``, then drop what is left.

Connections are bounded, and a slot is never held by a client that does nothing:
  * at ``max_connections`` a waiting client takes the slot of the oldest idle
    connection (a keep-alive connection between requests, or one that has sent nothing
    yet); only when every connection is busy does it wait in the kernel's backlog;
  * above ``Limits.loaded_fraction`` of the cap, headers must arrive within
    ``Limits.loaded_header_timeout`` and bodies within ``loaded_body_timeout``
    (connections already receiving them included);
  * ``max_connections_per_peer`` (off by default) bounds the connections of one unix
    socket user (SO_PEERCRED uid) or one TCP address; past it the peer's oldest idle
    connection is closed, or the new one is answered 429 and closed.

The accept loop is our own (``add_reader`` on the listening sockets), because neither
loop's server handles running out of descriptors well: asyncio's logs every EMFILE and
stops accepting for a second, and libuv (uvloop's ``create_server``) accepts and closes
the waiting connections without a word, through a reserved descriptor. Here, when
accept() fails with EMFILE or ENFILE: idle connections are closed first; if there are
none, a spare descriptor held for the purpose is released to accept the waiting client,
answer it 503 with a JSON error and close it; failing that, accepting pauses briefly.
The condition is logged once per interval with counts, never once per failure, and
accepting goes on normally once descriptors are free again.
"""
from __future__ import annotations

import asyncio
import collections
import errno
import logging
import math
import os
import resource
import signal
import socket
import stat
import struct
from typing import Callable, Coroutine, Optional

import uvloop

from restd.config import DEFAULT_THREADS
from restd.http.limits import Limits
from restd.http.messages import ClientInfo, PeerCredentials
from restd.http.protocol import AccessLog, App, HttpProtocol, error_response_bytes
from restd.listeners import (
    Listener,
    ListenError,
    StdioTransport,
    accepted_socket,
    open_listeners,
)

logger = logging.getLogger("restd.server")

# Connections accepted per wakeup of one listening socket, so that one busy listener
# cannot starve the others (or the connections already open).
ACCEPT_BATCH = 16
# accept() errors that mean "out of descriptors": the process's (EMFILE) or the system's.
OUT_OF_DESCRIPTORS = frozenset({errno.EMFILE, errno.ENFILE})
ACCEPT_RETRY_DELAY = 0.25
# Conditions that can repeat thousands of times a second are logged at most this often.
REPORT_INTERVAL = 10.0
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)

# Descriptors the daemon uses besides its connections: the loop's own (epoll, eventfd,
# signal pipe), listening sockets, log and configuration files, libraries, the spare.
# restd holds about 20 once serving; the rest is margin.
BASE_DESCRIPTORS = 48
# A worker thread in a Slurm call holds a connection to slurmctld or slurmdbd, and
# libslurm may open a file (slurm.conf, a key) while at it.
DESCRIPTORS_PER_THREAD = 2
# The derived default stays within these bounds: a few connections even under a tiny
# limit, and not millions under a huge one (each connection costs memory too).
MIN_DEFAULT_CONNECTIONS = 8
MAX_DEFAULT_CONNECTIONS = 16384
RETRY_AFTER_SECONDS = 1
# A connection refused without a slot (over its peer's cap, or out of descriptors) is
# answered when its first bytes arrive, or after this long: closing on a client that
# has not sent its request yet makes its write fail before it can read the answer. At
# most this many such refusals wait at once, beyond which they are answered at once.
REFUSAL_WAIT = 0.5
MAX_WAITING_REFUSALS = 64
_UCRED = struct.Struct("3i")

PeerKey = tuple[str, object]  # ("uid", 1000) or ("address", "192.0.2.7")


def run(coro: Coroutine) -> int:
    """Run the server coroutine on uvloop and return its exit status."""
    # A client that goes away must cost us an EPIPE on that connection, not the process.
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    return uvloop.run(coro)


def raise_descriptor_limit() -> int:
    """Raise the soft RLIMIT_NOFILE to the hard limit; return the soft limit in force.

    Nothing in restd or libslurm uses select(), so descriptors above 1023 are safe.
    An unlimited hard limit is capped at the kernel's fs.nr_open, which setrlimit allows.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard
    if hard == resource.RLIM_INFINITY:
        try:
            with open("/proc/sys/fs/nr_open") as nr_open:
                target = int(nr_open.read())
        except (OSError, ValueError):
            target = 1 << 20
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (OSError, ValueError) as error:
            logger.warning("cannot raise the open files limit from %d to %d: %s", soft, target, error)
    return descriptor_limit()


def descriptor_limit() -> int:
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    return MAX_DEFAULT_CONNECTIONS * 4 if soft == resource.RLIM_INFINITY else soft


def connection_ceiling(fd_limit: int, threads: int) -> int:
    """Connections that fit in ``fd_limit`` descriptors next to the daemon's own and
    ``threads`` workers' Slurm connections (at least a few).

    A daemon must not go past it, whatever it is asked: libslurm does not survive running
    out of descriptors (Slurm 22.05's slurm_ping() dies of SIGSEGV when it cannot open
    its socket), so the workers' descriptors are kept free by never accepting into them.
    """
    room = fd_limit - BASE_DESCRIPTORS - DESCRIPTORS_PER_THREAD * threads
    return max(MIN_DEFAULT_CONNECTIONS, room)


def default_max_connections(fd_limit: int, threads: int) -> int:
    """The connection ceiling, and not millions under a huge limit."""
    return min(MAX_DEFAULT_CONNECTIONS, connection_ceiling(fd_limit, threads))


def peer_key(conn: socket.socket, address) -> PeerKey:
    """Whom a connection counts against for the per-peer cap: the uid of a unix socket
    peer, the address of a TCP one."""
    if conn.family == socket.AF_UNIX:
        _, uid, _ = _UCRED.unpack(conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, _UCRED.size))
        return ("uid", uid)
    return ("address", address[0])


def describe_peer(peer: PeerKey) -> str:
    kind, value = peer
    return f"uid {value}" if kind == "uid" else f"address {value}"


def answer_and_close(conn: socket.socket, answer: bytes) -> None:
    """Send a short answer on a just-accepted connection and close it, without a protocol.

    What the client has already sent is read first: closing with unread input makes the
    kernel reset the connection, and a reset may overtake the answer.
    """
    try:
        conn.setblocking(False)
        try:
            conn.recv(65536)
        except (BlockingIOError, InterruptedError):
            pass
        conn.send(answer)  # a few hundred bytes: the socket buffer takes them at once
        conn.shutdown(socket.SHUT_WR)
    except OSError:
        pass  # the client is gone: nothing to tell it
    finally:
        conn.close()


def open_spare_descriptor() -> Optional[int]:
    """A descriptor held only to be given back when accept() runs out (None: none free)."""
    try:
        return os.open(os.devnull, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None


class _Refusal:
    """A connection that takes no slot: waits for its first bytes (bounded in time),
    then answers and closes it, synchronously, so its descriptor is free at once."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        conn: socket.socket,
        answer: bytes,
        on_done: Callable[["_Refusal"], None],
    ) -> None:
        self._loop = loop
        self._conn: Optional[socket.socket] = conn
        self._answer = answer
        self._on_done = on_done
        conn.setblocking(False)
        loop.add_reader(conn.fileno(), self.finish)
        self._timer = loop.call_later(REFUSAL_WAIT, self.finish)

    def finish(self, *, answer: bool = True) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        self._loop.remove_reader(conn.fileno())
        self._timer.cancel()
        if answer:
            answer_and_close(conn, self._answer)
        else:
            conn.close()
        self._on_done(self)


class RateLimitedReport:
    """Counts of a repeating condition, logged when it first happens and then at most
    once per ``interval`` while it goes on (and once more for the last interval)."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        emit: Callable[[collections.Counter], None],
        interval: float = REPORT_INTERVAL,
    ) -> None:
        self._loop = loop
        self._emit = emit
        self._interval = interval
        self._counts: collections.Counter = collections.Counter()
        self._timer: Optional[asyncio.TimerHandle] = None
        self.totals: collections.Counter = collections.Counter()

    def add(self, **counts: int) -> None:
        self._counts.update(counts)
        self.totals.update(counts)
        if self._timer is None:
            self._flush()
            self._timer = self._loop.call_later(self._interval, self._tick)

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._counts:
            self._flush()

    def _tick(self) -> None:
        self._timer = None
        if self._counts:
            self._flush()
            self._timer = self._loop.call_later(self._interval, self._tick)

    def _flush(self) -> None:
        counts, self._counts = self._counts, collections.Counter()
        try:
            self._emit(counts)
        except Exception:
            logger.exception("report failed")


class Server:
    def __init__(
        self,
        app: App,
        *,
        limits: Limits = Limits(),
        max_connections: Optional[int] = None,
        max_connections_per_peer: Optional[int] = None,
        access_log: Optional[AccessLog] = None,
        force_signals: tuple[int, ...] = STOP_SIGNALS,
    ) -> None:
        """``force_signals``: the stop signals that, repeated, skip the grace period. A
        worker process (restd.workers) keeps only SIGINT: it may get SIGTERM twice for
        one stop, from its parent and from systemd's control group."""
        if max_connections is None:
            max_connections = default_max_connections(descriptor_limit(), DEFAULT_THREADS)
        if max_connections < 1:
            raise ValueError(f"max_connections must be at least 1, not {max_connections}")
        if max_connections_per_peer is not None and max_connections_per_peer < 1:
            raise ValueError(
                f"max_connections_per_peer must be at least 1, not {max_connections_per_peer}"
            )
        self._app = app
        self._limits = limits
        self._max_connections = max_connections
        self._max_per_peer = max_connections_per_peer
        # Loaded from this many connections on; no longer loaded below _unload_below.
        self._load_threshold = max(1, math.ceil(limits.loaded_fraction * max_connections))
        self._unload_below = max(1, self._load_threshold - max(1, self._load_threshold // 10))
        self._loaded = False
        self._access_log = access_log
        self._force_signals = force_signals
        self._listeners: list[Listener] = []
        self._early_stop_signal: Optional[int] = None  # between open() and run_forever()
        # systemd Accept=yes: one connected socket to serve instead of listening
        self._accepted_socket: Optional[socket.socket] = None
        self._connections: set[HttpProtocol] = set()
        # Idle connections, oldest first (a dict keeps insertion order).
        self._idle: dict[HttpProtocol, None] = {}
        # Closed to free their slot, but not gone yet: their slots count as free.
        self._shed: set[HttpProtocol] = set()
        self._peer_of: dict[HttpProtocol, PeerKey] = {}
        self._peer_counts: collections.Counter = collections.Counter()
        self._spare_descriptor: Optional[int] = None
        self._retry_timer: Optional[asyncio.TimerHandle] = None
        self._reports: list[RateLimitedReport] = []
        self._descriptor_error = ""
        self._refusals: set[_Refusal] = set()
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

    @property
    def max_connections(self) -> int:
        return self._max_connections

    @property
    def loaded(self) -> bool:
        return self._loaded

    def counts(self) -> dict[str, int]:
        """What the caps did so far (for tests and diagnostics)."""
        totals: collections.Counter = collections.Counter()
        for report in self._reports:
            totals.update(report.totals)
        return dict(totals)

    # ------------------------------------------------------------------ public API

    async def serve(self, listen: list[str], *, sockets: Optional[list[socket.socket]] = None) -> int:
        self.open(listen, sockets)
        return await self.run_forever()

    def open(self, listen: list[str], sockets: Optional[list[socket.socket]] = None) -> None:
        """Bind and listen (no accepting yet), so the caller can drop privileges after.

        Raises ListenError, with nothing left open, when an address cannot be used.
        """
        sockets = sockets or []
        # Once a socket is bound, a client or a supervisor may act on it (systemd, a
        # test or a script waiting for the socket file); a SIGINT/SIGTERM before the
        # loop's handlers are installed must still mean a clean shutdown, not death by
        # the default action. Noted here, acted on by run_forever().
        for signum in STOP_SIGNALS:
            signal.signal(signum, self._note_early_stop_signal)
        connected = accepted_socket(listen, sockets)
        if connected is not None:
            self._accepted_socket = connected
            return
        self._listeners = open_listeners(listen, sockets)

    async def run_forever(self) -> int:
        """Serve until SIGINT/SIGTERM (or ``stop()``), then shut down; returns the exit status."""
        self._loop = asyncio.get_running_loop()
        self._install_signal_handlers()
        if self._early_stop_signal is not None:
            self._on_stop_signal(self._early_stop_signal)
        try:
            if self._accepted_socket is not None:
                return await self._serve_one_socket(self._accepted_socket)
            if not self._listeners:
                raise ListenError("nothing to listen on")
            self._set_up_reports()
            self._spare_descriptor = open_spare_descriptor()
            self._resume_accepting()
            self.started.set()
            logger.info("listening on %s", ", ".join(self.bound_addresses))
            await self._stop_requested.wait()
            await self._shutdown()
            return 0
        finally:
            self._close_listeners()
            self._release_accept_state()
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

    def _listening_sockets(self) -> list[socket.socket]:
        return [sock for listener in self._listeners for sock in listener.sockets]

    def _slots_taken(self) -> int:
        return len(self._connections) - len(self._shed)

    def _resume_accepting(self) -> None:
        if self._accepting or self._stopping or self._retry_timer is not None:
            return
        if self._slots_taken() >= self._max_connections and not self._idle:
            return  # every slot busy: new clients wait in the backlog
        self._accepting = True
        for sock in self._listening_sockets():
            self._loop.add_reader(sock.fileno(), self._accept_ready, sock)

    def _pause_accepting(self) -> None:
        if not self._accepting:
            return
        self._accepting = False
        for sock in self._listening_sockets():
            self._loop.remove_reader(sock.fileno())

    def _accept_ready(self, listening: socket.socket) -> None:
        for attempt in range(ACCEPT_BATCH):
            if self._slots_taken() >= self._max_connections:
                # The first attempt knows a client is waiting (the socket woke us); later
                # ones leave it to the next wakeup rather than close a connection for nobody.
                if attempt > 0:
                    return
                if not self._shed_oldest_idle():
                    self._pause_accepting()  # every slot busy: wait in the backlog
                    return
                self._cap_report.add(shed=1)
            try:
                conn, address = listening.accept()
            except (BlockingIOError, InterruptedError):
                return
            except ConnectionAbortedError:
                continue
            except OSError as exc:
                if exc.errno in OUT_OF_DESCRIPTORS:
                    self._out_of_descriptors(listening, exc)
                else:
                    self._accept_failed(exc)
                return
            self._admit(conn, address)

    def _admit(self, conn: socket.socket, address) -> None:
        peer = None
        if self._max_per_peer is not None:
            try:
                peer = peer_key(conn, address)
            except OSError:  # gone already
                conn.close()
                return
            if self._peer_counts[peer] >= self._max_per_peer and not self._shed_oldest_idle(peer):
                self._refuse(conn, error_response_bytes(
                    429,
                    f"too many connections from {describe_peer(peer)}: at most "
                    f"{self._max_per_peer} at a time",
                    "connection limit per peer",
                    (("Retry-After", str(RETRY_AFTER_SECONDS)),),
                ))
                self._peer_report.add(**{describe_peer(peer): 1})
                return
        protocol = self._adopt(conn)
        if peer is not None:
            self._peer_of[protocol] = peer
            self._peer_counts[peer] += 1

    def _refuse(
        self,
        conn: socket.socket,
        answer: bytes,
        *,
        on_done: Optional[Callable[[], None]] = None,
        always_wait: bool = False,
    ) -> None:
        """Answer and close a connection that takes no slot; ``on_done`` once it is gone."""
        if len(self._refusals) >= MAX_WAITING_REFUSALS and not always_wait:
            answer_and_close(conn, answer)
            return

        def done(refusal: _Refusal) -> None:
            self._refusals.discard(refusal)
            if on_done is not None:
                on_done()

        self._refusals.add(_Refusal(self._loop, conn, answer, done))

    def _shed_oldest_idle(self, peer: Optional[PeerKey] = None) -> bool:
        """Close the connection idle the longest (of ``peer``); False when there is none."""
        victim = next(
            (p for p in self._idle if p not in self._shed and (peer is None or self._peer_of.get(p) == peer)),
            None,
        )
        if victim is None:
            return False
        self._shed.add(victim)
        victim.close_if_idle()
        return True

    def _out_of_descriptors(self, listening: socket.socket, exc: OSError) -> None:
        self._descriptor_error = exc.strerror
        # 1. Idle connections give their descriptors back: accepting resumes as they go.
        shed = 0
        while shed < ACCEPT_BATCH and self._shed_oldest_idle():
            shed += 1
        if shed:
            self._descriptor_report.add(failures=1, shed=shed)
            self._pause_accepting()
            return
        # 2. Nothing idle: the spare descriptor lets us tell one waiting client (once its
        # request is in); the spare comes back when that client is gone.
        if self._spare_descriptor is not None:
            os.close(self._spare_descriptor)
            self._spare_descriptor = None
            try:
                conn, _ = listening.accept()
            except OSError:
                conn = None
            if conn is not None:
                self._descriptor_report.add(failures=1, answered_503=1)
                self._pause_accepting()
                self._refuse(conn, error_response_bytes(
                    503,
                    "the server is out of file descriptors: try again shortly",
                    "restd",
                    (("Retry-After", str(RETRY_AFTER_SECONDS)),),
                ), on_done=self._spare_returned, always_wait=True)
                return
            self._spare_descriptor = open_spare_descriptor()
        self._descriptor_report.add(failures=1)
        # 3. Nothing to give back: try again in a moment.
        self._retry_later()

    def _spare_returned(self) -> None:
        self._spare_descriptor = open_spare_descriptor()
        if self._spare_descriptor is None:
            self._retry_later()
        elif not self._stopping:
            self._resume_accepting()

    def _accept_failed(self, exc: OSError) -> None:
        self._failure_report.add(**{str(exc): 1})
        self._retry_later()

    def _retry_later(self) -> None:
        self._pause_accepting()
        if self._retry_timer is None and not self._stopping:
            self._retry_timer = self._loop.call_later(ACCEPT_RETRY_DELAY, self._retry_accepting)

    def _retry_accepting(self) -> None:
        self._retry_timer = None
        if self._spare_descriptor is None:
            self._spare_descriptor = open_spare_descriptor()
        self._resume_accepting()

    def _set_up_reports(self) -> None:
        def descriptors(counts: collections.Counter) -> None:
            logger.error(
                "out of file descriptors (%s; limit %d, %d connections): %d accept failure(s), "
                "%d idle connection(s) closed, %d client(s) answered 503",
                self._descriptor_error, descriptor_limit(), len(self._connections), counts["failures"],
                counts["shed"], counts["answered_503"],
            )

        def at_cap(counts: collections.Counter) -> None:
            logger.info(
                "at the connection limit (%d): closed %d idle connection(s) for waiting clients",
                self._max_connections, counts["shed"],
            )

        def per_peer(counts: collections.Counter) -> None:
            logger.warning(
                "over the per-peer connection limit (%d): refused %s",
                self._max_per_peer,
                ", ".join(f"{count} from {peer}" for peer, count in counts.most_common()),
            )

        def failures(counts: collections.Counter) -> None:
            logger.error(
                "accepting connections failed: %s; retrying",
                ", ".join(f"{error} ({count}x)" for error, count in counts.items()),
            )

        self._descriptor_report = RateLimitedReport(self._loop, descriptors)
        self._cap_report = RateLimitedReport(self._loop, at_cap)
        self._peer_report = RateLimitedReport(self._loop, per_peer)
        self._failure_report = RateLimitedReport(self._loop, failures)
        self._reports = [self._descriptor_report, self._cap_report, self._peer_report, self._failure_report]

    def _release_accept_state(self) -> None:
        for refusal in list(self._refusals):
            refusal.finish(answer=False)
        if self._retry_timer is not None:
            self._retry_timer.cancel()
            self._retry_timer = None
        if self._spare_descriptor is not None:
            os.close(self._spare_descriptor)
            self._spare_descriptor = None
        for report in self._reports:
            report.close()

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
            on_idle=self._on_idle,
            loaded=lambda: self._loaded,
            **kwargs,
        )
        self._connections.add(protocol)
        self._all_closed.clear()
        if not self._loaded and len(self._connections) >= self._load_threshold:
            self._loaded = True
            logger.debug("loaded: %d connections; headers and bodies now due within %g and %g s",
                         len(self._connections), self._limits.loaded_header_timeout,
                         self._limits.loaded_body_timeout)
            for other in self._connections:
                other.tighten_deadlines()
        return protocol

    def _on_idle(self, protocol: HttpProtocol, idle: bool) -> None:
        self._idle.pop(protocol, None)
        if idle and protocol in self._connections:
            self._idle[protocol] = None  # the newest idle one comes last
            if not self._accepting and not self._stopping:
                self._resume_accepting()  # a waiting client may now take its slot

    def _forget(self, protocol: HttpProtocol) -> None:
        self._connections.discard(protocol)
        self._idle.pop(protocol, None)
        self._shed.discard(protocol)
        peer = self._peer_of.pop(protocol, None)
        if peer is not None:
            self._peer_counts[peer] -= 1
            if not self._peer_counts[peer]:
                del self._peer_counts[peer]
        if self._loaded and len(self._connections) < self._unload_below:
            self._loaded = False
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

    def _note_early_stop_signal(self, signum: int, frame) -> None:
        self._early_stop_signal = signum

    def _on_stop_signal(self, signum: int) -> None:
        if self._stop_requested.is_set() and signum not in self._force_signals:
            return  # the same request again
        logger.info("%s: shutting down", signal.Signals(signum).name)
        self.stop()
