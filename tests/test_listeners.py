"""Listeners and the Server over real loopback and unix sockets, stdin pipes, and systemd
socket activation (systemd-socket-activate), in process and as subprocesses running
tests/http_echo_app.py. Only "did not hang" bounds, never timing assertions.
"""
from __future__ import annotations

import asyncio
import json
import os
import resource
import select
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import uvloop

from restd.http.limits import Limits
from restd.http.messages import Request, Response
from restd.listeners import (
    ListenError,
    TcpAddress,
    TcpListener,
    UnixAddress,
    UnixListener,
    parse_listen_address,
    systemd_sockets,
)
from restd.server import Server

REPO = Path(__file__).resolve().parent.parent
HANG_BOUND = 10.0  # seconds; only reached when something hangs
SOCKET_ACTIVATE = "/usr/bin/systemd-socket-activate"
pytestmark = pytest.mark.timeout(60)


def has_ipv6_loopback() -> bool:
    try:
        with open("/proc/net/if_inet6") as table:
            return any(line.split()[0] == "0" * 31 + "1" for line in table)
    except FileNotFoundError:
        return False


needs_ipv6 = pytest.mark.skipif(not has_ipv6_loopback(), reason="no IPv6 loopback (::1) on this machine")


async def echo(request: Request) -> Response:
    if request.path == "/slow":
        await asyncio.sleep(float(request.query))
    body = json.dumps({"path": request.path, "kind": request.client.kind}).encode()
    return Response(200, body, content_type="application/json")


def open_sockets() -> int:
    """Our open socket descriptors (the loop may open others, e.g. libuv's /dev/null reserve)."""
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            count += os.readlink(f"/proc/self/fd/{fd}").startswith("socket:")
        except FileNotFoundError:  # the descriptor listdir itself used
            pass
    return count


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# ---------------------------------------------------------------------- parse_listen_address


@pytest.mark.parametrize(
    "text, expected",
    [
        ("unix:/run/restd.sock", UnixAddress("/run/restd.sock")),
        ("unix:relative.sock", UnixAddress("relative.sock")),
        ("localhost:8080", TcpAddress("localhost", 8080)),
        ("127.0.0.1:6820", TcpAddress("127.0.0.1", 6820)),
        (":6820", TcpAddress(None, 6820)),
        ("[::1]:6820", TcpAddress("::1", 6820)),
        ("[::]:0", TcpAddress("::", 0)),
    ],
)
def test_parse_listen_address(text, expected):
    assert parse_listen_address(text) == expected
    assert str(expected) == text


@pytest.mark.parametrize(
    "text, complaint",
    [
        ("unix:", "path is empty"),
        ("8080", "expected host:port"),
        ("localhost", "expected host:port"),
        ("host:http", "not a number"),
        ("host:65536", "not a number"),
        ("host:", "not a number"),
        ("::1:80", "brackets"),
        ("[::1]80", "[IPv6-address]:port"),
        ("[::1", "[IPv6-address]:port"),
    ],
)
def test_parse_listen_address_errors(text, complaint):
    with pytest.raises(ListenError) as error:
        parse_listen_address(text)
    assert repr(text) in str(error.value) and complaint in str(error.value)


# ---------------------------------------------------------------------- listeners alone


def test_unix_listener_replaces_stale_socket_and_removes_its_file(tmp_path):
    path = tmp_path / "restd.sock"
    stale = socket.socket(socket.AF_UNIX)
    stale.bind(str(path))
    stale.close()  # the file stays, nobody listens: stale
    listener = UnixListener(UnixAddress(str(path)))
    listener.open()
    assert listener.addresses == [f"unix:{path}"]
    listener.close()
    assert not path.exists()


def test_unix_listener_refuses_a_path_that_is_not_a_socket(tmp_path):
    path = tmp_path / "precious.txt"
    path.write_text("data")
    with pytest.raises(ListenError, match="exists and is not a socket"):
        UnixListener(UnixAddress(str(path))).open()
    assert path.read_text() == "data"


def test_unix_listener_refuses_a_socket_in_use(tmp_path):
    path = tmp_path / "busy.sock"
    first = UnixListener(UnixAddress(str(path)))
    first.open()
    try:
        with pytest.raises(ListenError, match="another server is listening"):
            UnixListener(UnixAddress(str(path))).open()
    finally:
        first.close()


def test_port_in_use_is_a_clear_error():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ListenError, match=f"cannot listen on 127.0.0.1:{port}: Address already in use"):
            TcpListener(TcpAddress("127.0.0.1", port)).open()


def test_unresolvable_name_is_a_clear_error():
    with pytest.raises(ListenError, match="cannot listen on no-such-host.invalid:80"):
        TcpListener(TcpAddress("no-such-host.invalid", 80)).open()


def test_name_with_repeated_addresses_binds_each_once():
    # /etc/hosts may list localhost more than once; each address is bound once
    listener = TcpListener(TcpAddress("localhost", 0))
    listener.open()
    try:
        addresses = listener.addresses
        assert len(addresses) == len(set(addresses)) >= 1
        assert len({address.rsplit(":", 1)[1] for address in addresses}) == 1  # one port
    finally:
        listener.close()


@needs_ipv6
def test_every_interface_binds_ipv4_and_ipv6_on_one_port():
    listener = TcpListener(TcpAddress(None, 0))
    listener.open()
    try:
        families = sorted(sock.family for sock in listener.sockets)
        assert families == sorted([socket.AF_INET, socket.AF_INET6])
        ports = {sock.getsockname()[1] for sock in listener.sockets}
        assert len(ports) == 1
    finally:
        listener.close()


def test_systemd_sockets_ignores_variables_meant_for_another_process(monkeypatch):
    monkeypatch.setenv("LISTEN_PID", str(os.getpid() + 1))
    monkeypatch.setenv("LISTEN_FDS", "1")
    monkeypatch.setenv("LISTEN_FDNAMES", "http")
    assert systemd_sockets() is None
    assert "LISTEN_FDS" not in os.environ and "LISTEN_FDNAMES" not in os.environ


def test_systemd_sockets_absent():
    assert "LISTEN_FDS" not in os.environ
    assert systemd_sockets() is None


# ---------------------------------------------------------------------- Server in process


async def http_get(open_connection, path: str = "/", *, close: bool = True) -> tuple[int, dict]:
    reader, writer = await open_connection
    connection = "Connection: close\r\n" if close else ""
    writer.write(f"GET {path} HTTP/1.1\r\n{connection}\r\n".encode())
    data = await asyncio.wait_for(reader.read() if close else reader.readuntil(b"}"), HANG_BOUND)
    writer.close()
    await writer.wait_closed()
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


async def started(server: Server, listen: list[str], **kwargs) -> asyncio.Task:
    server.open(listen, **kwargs)
    serving = asyncio.ensure_future(server.run_forever())
    await asyncio.wait_for(server.started.wait(), HANG_BOUND)
    return serving


def test_server_serves_a_mix_of_listeners_and_cleans_up(tmp_path):
    path = tmp_path / "restd.sock"
    listen = [f"unix:{path}", "127.0.0.1:0"]
    if has_ipv6_loopback():
        listen += ["[::1]:0", ":0"]  # ":0" binds 0.0.0.0 and [::]
    loopback_for = {"0.0.0.0": "127.0.0.1", "::": "::1"}

    async def main():
        fds_before = open_sockets()
        server = Server(echo)
        serving = await started(server, listen)
        addresses = server.bound_addresses
        assert addresses[0] == f"unix:{path}"
        if has_ipv6_loopback():
            every_interface = sorted(addresses[3:])  # ["0.0.0.0:P", "[::]:P"], one port
            port = every_interface[0].rsplit(":", 1)[1]
            assert every_interface == [f"0.0.0.0:{port}", f"[::]:{port}"]
        assert await http_get(asyncio.open_unix_connection(str(path))) == (200, {"path": "/", "kind": "unix"})
        for address in addresses[1:]:
            host, port = address.rsplit(":", 1)
            host = loopback_for.get(host.strip("[]"), host.strip("[]"))
            status, document = await http_get(asyncio.open_connection(host, int(port)))
            assert (status, document["kind"]) == (200, "tcp")
        server.stop()
        assert await asyncio.wait_for(serving, HANG_BOUND) == 0
        assert not path.exists()
        assert open_sockets() == fds_before

    uvloop.run(main())


def test_stop_signal_between_open_and_serving_is_a_clean_shutdown(tmp_path):
    """A supervisor may signal restd as soon as its socket exists, before the loop
    runs (the daemon still drops privileges and starts its loop then): that SIGTERM
    must give the clean shutdown (exit 0, socket file removed), not death by SIGTERM."""
    path = tmp_path / "restd.sock"
    server = Server(echo)
    previous = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        server.open([f"unix:{path}"])
        assert path.exists()
        os.kill(os.getpid(), signal.SIGTERM)  # handled now, in the main thread

        async def main():
            return await asyncio.wait_for(server.run_forever(), HANG_BOUND)

        assert uvloop.run(main()) == 0
        assert not path.exists()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def test_server_open_failure_leaves_nothing_open(tmp_path):
    fds_before = open_sockets()
    server = Server(echo)
    with pytest.raises(ListenError):
        server.open([f"unix:{tmp_path}/ok.sock", "bad-address"])
    assert not (tmp_path / "ok.sock").exists()
    assert open_sockets() == fds_before


def test_max_connections_makes_new_clients_wait_for_a_free_slot():
    async def main():
        fds_before = open_sockets()
        server = Server(echo, max_connections=2)
        serving = await started(server, ["127.0.0.1:0"])
        port = int(server.bound_addresses[0].rsplit(":", 1)[1])
        holders = [await asyncio.open_connection("127.0.0.1", port) for _ in range(2)]
        for reader, writer in holders:  # both slots busy: headers still arriving
            writer.write(b"GET /hold HTTP/1.1\r\n")
        await asyncio.wait_for(_until(lambda: server.connection_count == 2 and not server._idle), HANG_BOUND)

        waiting = asyncio.ensure_future(http_get(asyncio.open_connection("127.0.0.1", port), "/third"))
        done, _ = await asyncio.wait([waiting], timeout=0.3)
        assert not done, "a third connection was served while every slot was busy"
        assert server.connection_count == 2

        holders[0][1].close()  # a slot frees
        assert await asyncio.wait_for(waiting, HANG_BOUND) == (200, {"path": "/third", "kind": "tcp"})
        holders[1][1].close()
        server.stop()
        assert await asyncio.wait_for(serving, HANG_BOUND) == 0
        assert open_sockets() == fds_before

    uvloop.run(main())


async def _closed_by_server(reader: asyncio.StreamReader) -> bool:
    """True when the server closed the connection (EOF), False if it is still open."""
    try:
        return await asyncio.wait_for(reader.read(1), 0.5) == b""
    except asyncio.TimeoutError:
        return False


def test_at_the_cap_idle_connections_are_closed_oldest_first():
    async def main():
        fds_before = open_sockets()
        server = Server(echo, max_connections=3)
        serving = await started(server, ["127.0.0.1:0"])
        port = int(server.bound_addresses[0].rsplit(":", 1)[1])
        # Idle, in this order: one that never sent anything, then two keep-alive
        # connections, each after an answered request.
        silent = await asyncio.open_connection("127.0.0.1", port)
        await asyncio.wait_for(_until(lambda: len(server._idle) == 1), HANG_BOUND)
        kept = []
        for _ in range(2):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"GET /first HTTP/1.1\r\n\r\n")
            await asyncio.wait_for(reader.readuntil(b"}"), HANG_BOUND)
            kept.append((reader, writer))
        assert server.connection_count == 3

        # Two newcomers, staying connected, take the slots of the two oldest idle ones.
        newcomers = []
        for path in ("/fourth", "/fifth"):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(f"GET {path} HTTP/1.1\r\n\r\n".encode())
            assert f'"{path}"'.encode() in await asyncio.wait_for(reader.readuntil(b"}"), HANG_BOUND)
            newcomers.append((reader, writer))
        assert await _closed_by_server(silent[0])
        assert await _closed_by_server(kept[0][0])
        # The youngest idle connection is still open and usable.
        reader, writer = kept[1]
        writer.write(b"GET /again HTTP/1.1\r\n\r\n")
        assert b'"/again"' in await asyncio.wait_for(reader.readuntil(b"}"), HANG_BOUND)
        assert server.counts()["shed"] == 2
        for _, writer in (silent, *kept, *newcomers):
            writer.close()
        server.stop()
        assert await asyncio.wait_for(serving, HANG_BOUND) == 0
        assert open_sockets() == fds_before

    uvloop.run(main())


def test_a_busy_connection_is_never_closed_for_a_newcomer():
    async def main():
        server = Server(echo, max_connections=1)
        serving = await started(server, ["127.0.0.1:0"])
        port = int(server.bound_addresses[0].rsplit(":", 1)[1])
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /busy HTTP/1.1\r\n")  # headers still arriving: busy
        await asyncio.wait_for(_until(lambda: server.connection_count == 1), HANG_BOUND)
        waiting = asyncio.ensure_future(http_get(asyncio.open_connection("127.0.0.1", port), "/next"))
        done, _ = await asyncio.wait([waiting], timeout=0.3)
        assert not done
        writer.write(b"\r\n")  # the busy request completes: its answer is sent in full
        assert b'"/busy"' in await asyncio.wait_for(reader.readuntil(b"}"), HANG_BOUND)
        # Now idle: the waiting client takes its slot.
        assert await asyncio.wait_for(waiting, HANG_BOUND) == (200, {"path": "/next", "kind": "tcp"})
        assert await _closed_by_server(reader)
        server.stop()
        assert await asyncio.wait_for(serving, HANG_BOUND) == 0

    uvloop.run(main())


def test_loaded_server_tightens_the_receive_timeouts_of_waiting_and_new_connections():
    limits = Limits(header_timeout=30, body_timeout=30, loaded_header_timeout=0.2,
                    loaded_body_timeout=0.3, loaded_fraction=0.5)

    async def main():
        server = Server(echo, limits=limits, max_connections=6)
        serving = await started(server, ["127.0.0.1:0"])
        port = int(server.bound_addresses[0].rsplit(":", 1)[1])
        # 30 s for the rest of each, while the server is not loaded.
        early_head = await asyncio.open_connection("127.0.0.1", port)
        early_head[1].write(b"GET /early HTTP/1.1\r\n")
        early_body = await asyncio.open_connection("127.0.0.1", port)
        early_body[1].write(b"POST /early HTTP/1.1\r\nContent-Length: 10\r\n\r\nab")
        await asyncio.wait_for(_until(lambda: server.connection_count == 2), HANG_BOUND)
        assert not server.loaded
        late_head = await asyncio.open_connection("127.0.0.1", port)
        await asyncio.wait_for(_until(lambda: server.loaded), HANG_BOUND)  # 3 of 6
        late_head[1].write(b"GET /late HTTP/1.1\r\n")
        late_body = await asyncio.open_connection("127.0.0.1", port)
        late_body[1].write(b"POST /late HTTP/1.1\r\nContent-Length: 10\r\n\r\nab")
        expected = [(early_head, "request headers not received within 0.2 s"),
                    (late_head, "request headers not received within 0.2 s"),
                    (early_body, "request body not received within 0.3 s"),
                    (late_body, "request body not received within 0.3 s")]
        for (reader, _), description in expected:
            answer = await asyncio.wait_for(reader.read(), HANG_BOUND)
            head, _, body = answer.partition(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 408 ")
            assert json.loads(body)["errors"][0]["description"] == description
        for _, writer in (early_head, early_body, late_head, late_body):
            writer.close()
        await asyncio.wait_for(_until(lambda: server.connection_count == 0), HANG_BOUND)
        assert not server.loaded
        # Unloaded again: the full header timeout applies.
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /calm HTTP/1.1\r\n")
        done, _ = await asyncio.wait([asyncio.ensure_future(reader.read())], timeout=0.5)
        assert not done
        writer.close()
        server.stop()
        assert await asyncio.wait_for(serving, HANG_BOUND) == 0

    uvloop.run(main())


async def _refused(open_connection) -> tuple[int, dict, bytes]:
    reader, writer = await open_connection
    writer.write(b"GET /over HTTP/1.1\r\n\r\n")
    answer = await asyncio.wait_for(reader.read(), HANG_BOUND)
    writer.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body), head


def test_per_peer_cap_over_tcp_refuses_one_address_only():
    async def main():
        fds_before = open_sockets()
        server = Server(echo, max_connections=10, max_connections_per_peer=2)
        serving = await started(server, ["127.0.0.1:0"])
        port = int(server.bound_addresses[0].rsplit(":", 1)[1])
        holders = [await asyncio.open_connection("127.0.0.1", port) for _ in range(2)]
        for _, writer in holders:
            writer.write(b"GET /hold HTTP/1.1\r\n")  # busy
        await asyncio.wait_for(_until(lambda: server.connection_count == 2 and not server._idle), HANG_BOUND)

        status, body, head = await _refused(asyncio.open_connection("127.0.0.1", port))
        assert status == 429 and b"Retry-After: 1" in head and b"Connection: Close" in head
        error = body["errors"][0]
        assert error["description"] == "too many connections from address 127.0.0.1: at most 2 at a time"
        assert error["source"] == "connection limit per peer"
        assert server.connection_count == 2  # the refused one never took a slot

        # Another address is not affected.
        other = asyncio.open_connection("127.0.0.1", port, local_addr=("127.0.0.2", 0))
        assert await http_get(other, "/other") == (200, {"path": "/other", "kind": "tcp"})
        for _, writer in holders:
            writer.close()
        server.stop()
        assert await asyncio.wait_for(serving, HANG_BOUND) == 0
        assert open_sockets() == fds_before

    uvloop.run(main())


def test_per_peer_cap_closes_the_peers_own_idle_connection_first(tmp_path):
    path = tmp_path / "restd.sock"

    async def main():
        server = Server(echo, max_connections=10, max_connections_per_peer=2)
        serving = await started(server, [f"unix:{path}"])
        busy = await asyncio.open_unix_connection(str(path))
        busy[1].write(b"GET /hold HTTP/1.1\r\n")
        idle = await asyncio.open_unix_connection(str(path))
        idle[1].write(b"GET /first HTTP/1.1\r\n\r\n")
        await asyncio.wait_for(idle[0].readuntil(b"}"), HANG_BOUND)
        # Same uid (ours): the idle connection makes way, the busy one stays.
        assert await http_get(asyncio.open_unix_connection(str(path)), "/third") == (
            200, {"path": "/third", "kind": "unix"})
        assert await _closed_by_server(idle[0])
        assert not await _closed_by_server(busy[0])
        # Now both of the uid's slots are busy: refused, naming the uid.
        busy2 = await asyncio.open_unix_connection(str(path))
        busy2[1].write(b"GET /hold HTTP/1.1\r\n")
        await asyncio.wait_for(_until(lambda: server.connection_count == 2 and not server._idle), HANG_BOUND)
        status, body, _ = await _refused(asyncio.open_unix_connection(str(path)))
        assert status == 429
        assert body["errors"][0]["description"] == (
            f"too many connections from uid {os.getuid()}: at most 2 at a time")
        for _, writer in (busy, idle, busy2):
            writer.close()
        server.stop()
        assert await asyncio.wait_for(serving, HANG_BOUND) == 0

    uvloop.run(main())


@pytest.mark.parametrize(
    "request_bytes, status",
    [
        (b"GET /" + b"a" * 300 + b" HTTP/1.1\r\n\r\n", 414),
        (b"GET / HTTP/1.1\r\n" + b"X-Big: " + b"v" * 2000 + b"\r\n\r\n", 431),
        (b"POST / HTTP/1.1\r\nContent-Length: 5000\r\n\r\n", 413),
        (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + (b"400\r\n" + b"x" * 1024 + b"\r\n") * 5, 413),
        (b"POST / HTTP/1.1\r\n\r\n", 411),
        (b"GET / HTTP/1.1\r\nNo colon here\r\n\r\n", 400),
    ],
    ids=["414", "431", "413-length", "413-chunked", "411", "400"],
)
def test_limits_over_a_real_socket(request_bytes, status):
    limits = Limits(max_url_bytes=256, max_header_bytes=1024, max_body_bytes=4096)

    async def main():
        fds_before = open_sockets()
        server = Server(echo, limits=limits)
        serving = await started(server, ["127.0.0.1:0"])
        port = int(server.bound_addresses[0].rsplit(":", 1)[1])
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(request_bytes)
        answer = await asyncio.wait_for(reader.read(), HANG_BOUND)  # the server closes
        writer.close()
        await writer.wait_closed()
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.split(b"\r\n")[0].startswith(b"HTTP/1.1 %d " % status)
        assert b"Connection: Close" in head
        assert json.loads(body)["errors"][0]["error_number"]
        server.stop()
        assert await asyncio.wait_for(serving, HANG_BOUND) == 0
        assert open_sockets() == fds_before

    uvloop.run(main())


def test_shutdown_finishes_in_flight_request_and_closes_idle_ones():
    async def main():
        server = Server(echo, limits=Limits(shutdown_timeout=5))
        serving = await started(server, ["127.0.0.1:0"])
        port = int(server.bound_addresses[0].rsplit(":", 1)[1])
        idle_reader, idle_writer = await asyncio.open_connection("127.0.0.1", port)
        busy = asyncio.ensure_future(http_get(asyncio.open_connection("127.0.0.1", port), "/slow?0.3"))
        await asyncio.wait_for(_until(lambda: server.connection_count == 2), HANG_BOUND)
        await asyncio.sleep(0.05)  # let the slow request reach the application
        server.stop()
        assert await asyncio.wait_for(idle_reader.read(), HANG_BOUND) == b""  # idle: closed at once
        assert await asyncio.wait_for(busy, HANG_BOUND) == (200, {"path": "/slow", "kind": "tcp"})
        assert await asyncio.wait_for(serving, HANG_BOUND) == 0
        idle_writer.close()

    uvloop.run(main())


def test_shutdown_drops_requests_past_the_grace_period():
    async def main():
        server = Server(echo, limits=Limits(shutdown_timeout=0.2))
        serving = await started(server, ["127.0.0.1:0"])
        port = int(server.bound_addresses[0].rsplit(":", 1)[1])
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /slow?30 HTTP/1.1\r\n\r\n")
        await asyncio.wait_for(_until(lambda: server.connection_count == 1), HANG_BOUND)
        await asyncio.sleep(0.05)
        server.stop()
        assert await asyncio.wait_for(serving, HANG_BOUND) == 0
        assert await asyncio.wait_for(reader.read(), HANG_BOUND) == b""
        writer.close()

    uvloop.run(main())


@pytest.mark.parametrize("second, finished", [(signal.SIGTERM, True), (signal.SIGINT, False)])
def test_a_worker_takes_a_repeated_sigterm_as_the_same_stop(second, finished):
    """A worker (force_signals=(SIGINT,)) may get SIGTERM from its parent and from
    systemd: the second one still lets the request in flight finish; SIGINT again
    drops it, as for a single process."""
    async def main():
        server = Server(echo, limits=Limits(shutdown_timeout=5), force_signals=(signal.SIGINT,))
        serving = await started(server, ["127.0.0.1:0"])
        port = int(server.bound_addresses[0].rsplit(":", 1)[1])
        busy = asyncio.ensure_future(http_get(asyncio.open_connection("127.0.0.1", port), "/slow?0.3"))
        await asyncio.wait_for(_until(lambda: server.connection_count == 1), HANG_BOUND)
        await asyncio.sleep(0.05)  # let the slow request reach the application
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.sleep(0.01)
        os.kill(os.getpid(), second)
        assert await asyncio.wait_for(serving, HANG_BOUND) == 0
        if finished:
            assert await asyncio.wait_for(busy, HANG_BOUND) == (200, {"path": "/slow", "kind": "tcp"})
        else:
            with pytest.raises((ConnectionError, ValueError, IndexError, json.JSONDecodeError)):
                await asyncio.wait_for(busy, HANG_BOUND)

    uvloop.run(main())


async def _until(predicate) -> None:
    while not predicate():
        await asyncio.sleep(0.01)


# ---------------------------------------------------------------------- subprocesses


def echo_app_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LISTEN_")}
    env["PYTHONPATH"] = str(REPO)
    return env


ECHO_APP = [sys.executable, "-m", "tests.http_echo_app"]


def read_line(stream, what: str) -> str:
    ready, _, _ = select.select([stream], [], [], HANG_BOUND)
    assert ready, f"no {what} within {HANG_BOUND} s"
    return stream.readline()


def raw_request(sock: socket.socket, request: bytes) -> tuple[int, bytes]:
    """Send, half-close, read to EOF; (status, body) of the single response."""
    sock.settimeout(HANG_BOUND)
    sock.sendall(request)
    sock.shutdown(socket.SHUT_WR)
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def test_sigterm_finishes_in_flight_request_exits_0_and_removes_socket(tmp_path):
    path = tmp_path / "restd.sock"
    server = subprocess.Popen(
        [*ECHO_APP, f"unix:{path}"], cwd=REPO, env=echo_app_env(), stdout=subprocess.PIPE, text=True
    )
    try:
        assert read_line(server.stdout, "READY line").split() == ["READY", f"unix:{path}"]
        client = socket.socket(socket.AF_UNIX)
        client.connect(str(path))
        client.sendall(b"GET /slow?0.5 HTTP/1.1\r\nConnection: close\r\n\r\n")
        assert read_line(server.stdout, "slow request start") == "SLOW /slow\n"
        server.send_signal(signal.SIGTERM)
        status, body = raw_request(client, b"")
        client.close()
        assert status == 200 and json.loads(body)["path"] == "/slow"
        assert server.wait(HANG_BOUND) == 0
        assert not path.exists()
    finally:
        server.kill()
        server.wait()


def limit_descriptors(count: int):
    def apply():
        resource.setrlimit(resource.RLIMIT_NOFILE, (count, count))
    return apply


def test_default_cap_under_a_low_descriptor_limit_queues_clients_without_emfile():
    # The default cap is derived from the descriptor limit: with 48 descriptors it stays
    # well below them, so the 60 clients wait in the backlog and are all answered.
    server = subprocess.Popen(
        [*ECHO_APP, "127.0.0.1:0"], cwd=REPO, env=echo_app_env(), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, preexec_fn=limit_descriptors(48),
    )
    try:
        port = int(read_line(server.stdout, "READY line").rsplit(":", 1)[1])
        clients = [socket.create_connection(("127.0.0.1", port), timeout=HANG_BOUND) for _ in range(60)]
        for client in clients:
            client.sendall(b"GET /many HTTP/1.1\r\nConnection: close\r\n\r\n")
        statuses = []
        for client in clients:
            status, _ = raw_request(client, b"")
            statuses.append(status)
            client.close()
        assert statuses == [200] * 60
        server.send_signal(signal.SIGTERM)
        assert server.wait(HANG_BOUND) == 0
        assert "out of file descriptors" not in server.stderr.read()
    finally:
        server.kill()
        server.wait()


def test_running_out_of_descriptors_answers_503_logs_once_and_recovers():
    # A cap far above 48 descriptors: accept() fails with EMFILE. Busy clients keep
    # their descriptors; newcomers get a 503 through the spare descriptor, at once.
    env = {**echo_app_env(), "ECHO_MAX_CONNECTIONS": "1000"}
    server = subprocess.Popen(
        [*ECHO_APP, "127.0.0.1:0"], cwd=REPO, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, preexec_fn=limit_descriptors(48),
    )
    try:
        port = int(read_line(server.stdout, "READY line").rsplit(":", 1)[1])
        busy = []
        for _ in range(60):  # more than fit: the last ones are answered 503
            client = socket.create_connection(("127.0.0.1", port), timeout=HANG_BOUND)
            client.sendall(b"GET /busy HTTP/1.1\r\n")  # headers never finish
            busy.append(client)
        statuses = []
        for _ in range(20):
            client = socket.create_connection(("127.0.0.1", port), timeout=HANG_BOUND)
            status, body = raw_request(client, b"GET /late HTTP/1.1\r\n\r\n")
            client.close()
            statuses.append(status)
            if status == 503:
                error = json.loads(body)["errors"][0]
                assert error["description"] == "the server is out of file descriptors: try again shortly"
        assert statuses == [503] * 20
        for client in busy:
            client.close()
        # Descriptors free again (once the server has seen those clients go): answered
        # normally.
        deadline = time.monotonic() + HANG_BOUND
        while True:
            client = socket.create_connection(("127.0.0.1", port), timeout=HANG_BOUND)
            status, _ = raw_request(client, b"GET /after HTTP/1.1\r\n\r\n")
            client.close()
            if status == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert status == 200
        server.send_signal(signal.SIGTERM)
        assert server.wait(HANG_BOUND) == 0
        log = server.stderr.read()
        # One line when it starts, one with the rest at shutdown (the next would have
        # come 10 s later): never one per failure.
        assert 1 <= log.count("out of file descriptors (Too many open files") <= 2, log
    finally:
        server.kill()
        server.wait()


def test_running_out_of_descriptors_closes_idle_connections_first():
    env = {**echo_app_env(), "ECHO_MAX_CONNECTIONS": "1000"}
    server = subprocess.Popen(
        [*ECHO_APP, "127.0.0.1:0"], cwd=REPO, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, preexec_fn=limit_descriptors(48),
    )
    try:
        port = int(read_line(server.stdout, "READY line").rsplit(":", 1)[1])
        idle = []
        for _ in range(60):  # one after the other, each answered and then kept open idle:
            # more than 48 descriptors hold, so the later ones are served after the
            # earliest idle connections made way
            client = socket.create_connection(("127.0.0.1", port), timeout=HANG_BOUND)
            client.sendall(b"GET /idle HTTP/1.1\r\n\r\n")
            assert client.recv(65536).startswith(b"HTTP/1.1 200 ")
            idle.append(client)
        assert idle[0].recv(65536) == b""  # the oldest was closed by the server
        client = socket.create_connection(("127.0.0.1", port), timeout=HANG_BOUND)
        status, _ = raw_request(client, b"GET /new HTTP/1.1\r\n\r\n")
        client.close()
        assert status == 200
        for client in idle:
            client.close()
        server.send_signal(signal.SIGTERM)
        assert server.wait(HANG_BOUND) == 0
        assert "idle connection(s) closed" in server.stderr.read()
    finally:
        server.kill()
        server.wait()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_stop_signals_exit_0(signum):
    server = subprocess.Popen(
        [*ECHO_APP, "127.0.0.1:0"], cwd=REPO, env=echo_app_env(), stdout=subprocess.PIPE, text=True
    )
    try:
        assert read_line(server.stdout, "READY line").startswith("READY 127.0.0.1:")
        server.send_signal(signum)
        assert server.wait(HANG_BOUND) == 0
    finally:
        server.kill()
        server.wait()


def test_listen_error_exits_1_with_message(tmp_path):
    (tmp_path / "file").write_text("x")
    result = subprocess.run(
        [*ECHO_APP, f"unix:{tmp_path}/file"], cwd=REPO, env=echo_app_env(), capture_output=True,
        text=True, timeout=HANG_BOUND,
    )
    assert result.returncode == 1
    assert "exists and is not a socket" in result.stderr


def run_inetd(stdin, stdout=subprocess.PIPE) -> subprocess.CompletedProcess:
    return subprocess.run(
        ECHO_APP, cwd=REPO, env=echo_app_env(), stdin=stdin, stdout=stdout, stderr=subprocess.PIPE,
        timeout=HANG_BOUND,
    )


def test_inetd_on_a_pipe():
    result = subprocess.run(
        ECHO_APP, cwd=REPO, env=echo_app_env(), input=b"GET /openapi/v3 HTTP/1.1\r\n\r\n",
        capture_output=True, timeout=HANG_BOUND,
    )
    assert result.returncode == 0, result.stderr
    head, _, body = result.stdout.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n")
    document = json.loads(body)
    assert (document["path"], document["client_kind"]) == ("/openapi/v3", "pipe")
    assert document["credentials"] == {"pid": 0, "uid": os.getuid(), "gid": os.getgid()}


def test_inetd_on_a_pipe_answers_echo_style_input_and_pipelined_requests():
    # echo -e 'GET /x HTTP/1.1\r\n' ends the head with "\r\n\n"
    requests = b"GET /x HTTP/1.1\r\n\n" + b"GET /y HTTP/1.1\r\n\r\n"
    result = subprocess.run(ECHO_APP, cwd=REPO, env=echo_app_env(), input=requests, capture_output=True,
                            timeout=HANG_BOUND)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(b"HTTP/1.1 200 OK") == 2
    assert result.stdout.index(b'"/x"') < result.stdout.index(b'"/y"')


def test_inetd_malformed_input_exits_non_zero():
    result = subprocess.run(ECHO_APP, cwd=REPO, env=echo_app_env(), input=b"HELLO\r\n\r\n",
                            capture_output=True, timeout=HANG_BOUND)
    assert result.returncode == 1
    assert result.stdout.startswith(b"HTTP/1.1 400 Bad Request\r\n")


def test_inetd_on_regular_files(tmp_path):
    (tmp_path / "request").write_bytes(b"GET /from-file HTTP/1.1\r\n\r\n")
    with open(tmp_path / "request", "rb") as stdin, open(tmp_path / "response", "wb") as stdout:
        result = run_inetd(stdin, stdout)
    assert result.returncode == 0, result.stderr
    assert b'"/from-file"' in (tmp_path / "response").read_bytes()


def test_inetd_on_dev_null():
    with open(os.devnull, "rb") as stdin:
        result = run_inetd(stdin)
    assert result.returncode == 0 and result.stdout == b""


def test_inetd_on_a_socket():
    ours, theirs = socket.socketpair()
    server = subprocess.Popen(ECHO_APP, cwd=REPO, env=echo_app_env(), stdin=theirs, stdout=subprocess.DEVNULL)
    theirs.close()
    try:
        status, body = raw_request(ours, b"GET /via-socket HTTP/1.1\r\n\r\n")
        assert status == 200
        document = json.loads(body)
        assert (document["path"], document["client_kind"]) == ("/via-socket", "socket")
        assert document["credentials"]["pid"] == os.getpid()  # SO_PEERCRED of the unix peer
        assert server.wait(HANG_BOUND) == 0
    finally:
        ours.close()
        server.kill()
        server.wait()


def socket_activate(*options: str, port: int) -> subprocess.Popen:
    activator = subprocess.Popen(
        [SOCKET_ACTIVATE, "-l", f"127.0.0.1:{port}", *options, "-E", f"PYTHONPATH={REPO}", *ECHO_APP],
        cwd=REPO, env=echo_app_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert "Listening on" in read_line(activator.stderr, "systemd-socket-activate banner")
    return activator


def tcp_get(port: int, path: str) -> tuple[int, dict]:
    with socket.create_connection(("127.0.0.1", port), timeout=HANG_BOUND) as sock:
        status, body = raw_request(sock, f"GET {path} HTTP/1.1\r\n\r\n".encode())
    return status, json.loads(body)


def test_socket_activation_with_listening_socket():
    port = free_port()
    activator = socket_activate(port=port)
    try:
        status, document = tcp_get(port, "/activated")
        assert (status, document["path"], document["client_kind"]) == (200, "/activated", "tcp")
        assert read_line(activator.stdout, "READY line") == f"READY 127.0.0.1:{port}\n"
        assert tcp_get(port, "/again")[0] == 200  # the same process keeps serving
        activator.send_signal(signal.SIGTERM)  # the activator exec'd into our server
        assert activator.wait(HANG_BOUND) == 0
    finally:
        activator.kill()
        activator.wait()


@pytest.mark.parametrize("style", ["--accept", "--inetd"])
def test_socket_activation_per_connection(style):
    port = free_port()
    options = ["--accept"] if style == "--accept" else ["--accept", "--inetd"]
    activator = socket_activate(*options, port=port)
    try:
        for path in ("/first", "/second"):  # one server process per connection
            status, document = tcp_get(port, path)
            assert (status, document["path"], document["client_kind"]) == (200, path, "socket")
    finally:
        activator.terminate()
        activator.wait(HANG_BOUND)
