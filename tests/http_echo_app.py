"""A tiny echo application around restd.server.Server, for subprocess-level tests.

    python -m tests.http_echo_app [LISTEN ...]

With listen addresses (or systemd sockets) it serves until SIGTERM/SIGINT and prints
"READY <address> ..." on stdout once listening; with neither it answers one
conversation on stdin/stdout (inetd mode). Paths:
  /slow?SECONDS  answers after that many seconds (graceful shutdown tests); when
                 listening, prints "SLOW /slow" on stdout as it starts waiting
  /stream        a chunked (iterator) body
  anything else  JSON echo of the request, without header values
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import sys

from restd.http.limits import Limits
from restd.http.messages import Request, Response
from restd.listeners import ListenError, systemd_sockets
from restd.server import Server, run


# stdout carries the conversation in inetd mode: announce only when listening
announce_slow_requests = False


async def echo_app(request: Request) -> Response:
    if request.path == "/slow":
        if announce_slow_requests:
            print("SLOW", request.path, flush=True)
        await asyncio.sleep(float(request.query or "1"))
    if request.path == "/stream":
        return Response(200, iter([b"first,", b"second,", b"third"]), content_type="text/plain")
    client = request.client
    document = {
        "method": request.method,
        "path": request.path,
        "query": request.query,
        "http_version": request.http_version,
        "header_names": [name for name, _ in request.headers],
        "body_length": len(request.body),
        "client_kind": client.kind,
        "client_source": client.source,
        "credentials": None
        if client.credentials is None
        else {"pid": client.credentials.pid, "uid": client.credentials.uid, "gid": client.credentials.gid},
    }
    return Response(200, json.dumps(document).encode(), content_type="application/json")


async def main(listen: list[str]) -> int:
    global announce_slow_requests
    # ECHO_MAX_CONNECTIONS: a cap above what the descriptor limit allows, to reach EMFILE.
    max_connections = os.environ.get("ECHO_MAX_CONNECTIONS")
    server = Server(echo_app, limits=Limits(shutdown_timeout=5.0),
                    max_connections=int(max_connections) if max_connections else None)
    sockets = systemd_sockets()
    if not listen and sockets is None:
        return await server.serve_inetd()
    try:
        server.open(listen, sockets)
    except ListenError as exc:
        print(f"http_echo_app: {exc}", file=sys.stderr)
        return 1
    serving = asyncio.ensure_future(server.run_forever())
    started = asyncio.ensure_future(server.started.wait())
    await asyncio.wait([serving, started], return_when=asyncio.FIRST_COMPLETED)
    if started.done() and server.bound_addresses:
        announce_slow_requests = True
        print("READY", *server.bound_addresses, flush=True)
    elif not started.done():
        started.cancel()
    return await serving


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(name)s: %(message)s")
    sys.exit(run(main(sys.argv[1:])))
