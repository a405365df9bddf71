"""restd's command line, slurmrestd's, so that existing units and scripts keep
working: ``restd [options] [listen address...]``.

Exit status: 0 on success (and after -h, -V, "list"), 1 on any error, a bad option
included (slurmrestd's status, where argparse would give 2).
"""
from __future__ import annotations

import argparse
import ctypes
import grp
import logging
import os
import pwd
import sys
from typing import Mapping, Optional, Sequence

from restd import __version__
from restd.accesslog import AccessLog, setup_logging
from restd.config import Config, ConfigError, build_config, read_slurm_user
from restd.openapi import OpenAPIError, build_document, expand_operations
from restd.plugin_loader import PluginError, Plugins, available, load_plugins

# Families chosen on the command line (-a, -s, -d: options named after them), each
# of which answers "list".
CHOSEN_FAMILIES = ("auth", "content", "data_parser")

# unshare(2) flags (linux/sched.h): slurmrestd's lock down, which
# SLURMRESTD_SECURITY=disable_unshare_sysv / disable_unshare_files turn off.
CLONE_FILES = 0x00000400
CLONE_SYSVSEM = 0x00040000


class UsageError(Exception):
    """A command line argparse refuses."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        raise UsageError(message)


def _parser() -> _Parser:
    parser = _Parser(
        prog="restd",
        description="Slurm REST API daemon, compatible with slurmrestd (same options, "
                    "environment and API). Without a listen address and without "
                    "systemd socket activation, serves one connection on stdin/stdout "
                    "(inetd mode).",
        epilog="Environment: SLURMRESTD_LISTEN, SLURMRESTD_AUTH_TYPES, "
               "SLURMRESTD_OPENAPI_PLUGINS, SLURMRESTD_DATA_PARSER_PLUGINS, "
               "SLURMRESTD_MAX_CONNECTIONS, SLURMRESTD_DEBUG, SLURMRESTD_JSON, "
               "SLURMRESTD_YAML (compact|pretty), SLURMRESTD_SECURITY "
               "(disable_unshare_sysv, disable_unshare_files, disable_user_check; "
               "become_user is not supported), "
               "SLURM_CONF, SLURM_JWT, RESTD_LOG (stderr|syslog), RESTD_WORKERS. "
               "Options win.")
    parser.add_argument("listen", nargs="*", metavar="address",
                        help="host:port, :port, unix:/path (SLURMRESTD_LISTEN adds more)")
    parser.add_argument("-a", dest="auth", metavar="plugins",
                        help="authentication plugins, comma-separated, or 'list'")
    parser.add_argument("-s", dest="content", metavar="plugins",
                        help="content plugins (slurmctld, slurmdbd), comma-separated, "
                             "or 'list'")
    parser.add_argument("-d", dest="data_parser", metavar="plugins",
                        help="data_parser plugins with optional +flags "
                             "(v0.0.40+fast), comma-separated, or 'list'")
    parser.add_argument("-f", dest="slurm_conf", metavar="slurm.conf",
                        help="Slurm configuration file (sets SLURM_CONF)")
    parser.add_argument("-u", dest="user", metavar="user",
                        help="user (name or uid) to run as once the sockets are open")
    parser.add_argument("-g", dest="group", metavar="group",
                        help="group (name or gid) to run as once the sockets are open")
    parser.add_argument("-t", dest="threads", type=int, metavar="count",
                        help="threads for blocking Slurm calls, per worker process (default 20)")
    parser.add_argument("--workers", metavar="count|auto",
                        help="processes serving the listeners, each with its own -t "
                             "threads, libslurm and event loop; auto: one per CPU, at most 8 "
                             "(default 1; RESTD_WORKERS). inetd mode and systemd "
                             "Accept=yes serve in one process")
    parser.add_argument("-v", dest="verbose", action="count", default=0,
                        help="more logging; repeat for more")
    parser.add_argument("-V", dest="version", action="store_true",
                        help="print the version and exit")
    parser.add_argument("--max-connections", type=int, metavar="count",
                        help="simultaneous connections, unix and TCP together (default: "
                             "derived from the open files limit, which restd raises to "
                             "its hard limit: the limit less 48 and 2 per worker thread, "
                             "between 8 and 16384; slurmrestd's is 124). A larger value "
                             "is lowered to what the limit allows: libslurm must not run "
                             "out of descriptors. At the limit the connection idle the "
                             "longest makes way for a new one. With --workers: for the "
                             "whole daemon, shared evenly among the workers (the derived "
                             "default holds per worker, as the open files limit does)")
    parser.add_argument("--max-connections-per-peer", type=int, metavar="count",
                        help="simultaneous connections of one unix socket user (uid) or "
                             "one TCP address; past it the peer's own idle connection "
                             "makes way, or the new one is answered 429 (default: no "
                             "cap; with --workers, per worker)")
    parser.add_argument("--privileged-unix-only", action="store_true",
                        help="refuse tokens of root and SlurmUser on TCP connections "
                             "(401): administration only through the unix socket")
    parser.add_argument("--generate-openapi-spec", action="store_true",
                        help="print the OpenAPI document as JSON and exit")
    return parser


def _list_plugins(family: str, config: Config) -> None:
    names = list(available(family, include_test=config.enable_test_plugins))
    if names:
        print("\n".join(names))
    else:
        print(f"restd: no {family} plugins found", file=sys.stderr)


def _resolve(value: str, lookup, field: str, what: str) -> int:
    """A user or group id from its number or its name (via ``lookup``)."""
    if value.isdigit():
        return int(value)
    try:
        return getattr(lookup(value), field)
    except KeyError:
        raise ConfigError(f"unknown {what} {value!r}") from None


def _run_as(config: Config) -> tuple[Optional[int], Optional[int]]:
    """(uid, gid) that -u / -g ask for; -u alone implies the user's primary group."""
    uid = gid = None
    if config.run_as_user is not None:
        uid = _resolve(config.run_as_user, pwd.getpwnam, "pw_uid", "user")
        if config.run_as_group is None:
            try:
                gid = pwd.getpwuid(uid).pw_gid
            except KeyError:
                raise ConfigError(f"uid {uid} has no passwd entry: give -g") from None
    if config.run_as_group is not None:
        gid = _resolve(config.run_as_group, grp.getgrnam, "gr_gid", "group")
    return uid, gid


def _uid_of(user: str) -> Optional[int]:
    """uid of a user name or number; None for an unknown name."""
    try:
        return _resolve(user, pwd.getpwnam, "pw_uid", "user")
    except ConfigError:
        return None


def user_check(uids: set[int], slurm_conf: str) -> Optional[str]:
    """Why restd must not run as one of ``uids``, or None. slurmrestd refuses root,
    SlurmUser and nobody: each would give every client its privileges."""
    why_not = "; set SLURMRESTD_SECURITY=disable_user_check to run anyway"
    if 0 in uids:
        return f"restd must not run as root: use -u and -g to give it its own user{why_not}"
    slurm_user = read_slurm_user(slurm_conf)
    if slurm_user and _uid_of(slurm_user) in uids:
        return (f"restd must not run as SlurmUser ({slurm_user}, from {slurm_conf}): "
                f"use -u and -g to give it its own user{why_not}")
    if _uid_of("nobody") in uids:
        return f"restd must not run as nobody: use -u and -g to give it its own user{why_not}"
    return None


def _unshare(config: Config) -> None:
    """slurmrestd's lock down: no System V semaphores shared with other processes,
    no file descriptor table shared with a parent (CLONE_FILES)."""
    flags = ((0 if "disable_unshare_sysv" in config.security else CLONE_SYSVSEM)
             | (0 if "disable_unshare_files" in config.security else CLONE_FILES))
    if flags and ctypes.CDLL(None, use_errno=True).unshare(flags) != 0:
        raise ConfigError(f"unshare() failed: {os.strerror(ctypes.get_errno())} (set "
                          f"SLURMRESTD_SECURITY=disable_unshare_sysv,disable_unshare_files "
                          f"to skip it)")


def _drop_privileges(uid: Optional[int], gid: Optional[int]) -> None:
    """Become -u / -g for good (real, effective and saved ids, no other groups).
    Asking for the identity one already has is not an error, even unprivileged."""
    try:
        if gid is not None and (os.geteuid() == 0 or gid != os.getegid()):
            os.setgroups([gid])
            os.setgid(gid)
        if uid is not None and uid != os.geteuid():
            os.setuid(uid)
    except OSError as error:
        raise ConfigError(f"cannot switch to uid {uid} gid {gid}: {error.strerror}") from None


def _print_openapi(config: Config) -> None:
    plugins = load_plugins(config)
    try:
        json = next(s for s in plugins.serializers if s.NAME == "json")
        document = build_document(expand_operations(plugins), plugins)
        sys.stdout.buffer.write(json.dump(document, True) + b"\n")
        sys.stdout.flush()
    finally:
        plugins.fini()


def _daemon(config: Config) -> int:
    """Check who restd runs as, lock down, then serve: in this process, or in workers."""
    from restd.native.library import ensure_preloaded
    ensure_preloaded()  # may re-execute restd, as the first thing it does
    uid, gid = _run_as(config)
    if "disable_user_check" not in config.security:
        problem = user_check({uid} if uid is not None else {os.getuid(), os.geteuid()},
                             config.slurm_conf)
        if problem:
            raise ConfigError(problem)
    _unshare(config)  # while restd has a single thread: unshare(2) acts on the caller only
    from restd.listeners import ListenError, accepted_socket, systemd_sockets
    from restd.server import raise_descriptor_limit

    fd_limit = raise_descriptor_limit()  # before plugins and libslurm open anything
    try:
        sockets = systemd_sockets()
        listening = bool(config.listen or sockets) and accepted_socket(
            list(config.listen), sockets or []) is None
    except ListenError as error:
        raise ConfigError(str(error)) from None
    if config.workers > 1:
        if listening:
            return _serve_workers(config, uid, gid, fd_limit, sockets or [])
        logging.getLogger("restd").info(
            "one connection to serve (inetd mode or systemd Accept=yes): one process, "
            "not %d workers", config.workers)
    plugins = load_plugins(config)
    try:
        return _serve(config, plugins, uid, gid, fd_limit, sockets)
    finally:
        plugins.fini()


def _connection_cap(config: Config, fd_limit: int, workers: int) -> int:
    """Connections one serving process takes at most: --max-connections shared evenly
    among the workers (the descriptors' ceiling holds per process, as RLIMIT_NOFILE
    does), or the default derived from the open files limit, per process."""
    from restd.server import connection_ceiling, default_max_connections

    if config.max_connections:
        max_connections = max(1, config.max_connections // workers)
    else:
        max_connections = default_max_connections(fd_limit, config.threads)
    ceiling = connection_ceiling(fd_limit, config.threads)
    if max_connections > ceiling:
        logging.getLogger("restd").warning(
            "--max-connections %d: the open files limit (%d) leaves room for %d next "
            "to %d worker threads' Slurm connections; serving at most %d at once%s "
            "(raise the hard limit, e.g. LimitNOFILE= in the unit)",
            config.max_connections, fd_limit, ceiling, config.threads, ceiling,
            " per worker" if workers > 1 else "")
        max_connections = ceiling
    return max_connections


def _log_cap(fd_limit: int, max_connections: int, config: Config, workers: int) -> None:
    logging.getLogger("restd").info(
        "open files limit %d: up to %d connections%s%s", fd_limit, max_connections,
        f" in each of {workers} workers" if workers > 1 else "",
        f", {config.max_connections_per_peer} per peer" if config.max_connections_per_peer
        else "")


def _serve(config: Config, plugins: Plugins, uid: Optional[int], gid: Optional[int],
           fd_limit: int, sockets) -> int:
    # The server (uvloop, httptools) is imported only when serving: -V, "list" and
    # --generate-openapi-spec do not need it.
    from restd.app import build_app
    from restd.listeners import ListenError
    from restd.server import Server, run

    app = build_app(config, plugins)
    try:
        max_connections = _connection_cap(config, fd_limit, 1)
        _log_cap(fd_limit, max_connections, config, 1)
        server = Server(app, max_connections=max_connections,
                        max_connections_per_peer=config.max_connections_per_peer,
                        access_log=AccessLog())
        try:
            if config.listen or sockets:
                server.open(list(config.listen), sockets)
        except ListenError as error:
            raise ConfigError(str(error)) from None
        _drop_privileges(uid, gid)
        if config.listen or sockets:
            return run(server.run_forever())
        return run(server.serve_inetd())
    finally:
        app.close()


def _serve_workers(config: Config, uid: Optional[int], gid: Optional[int], fd_limit: int,
                   sockets: list) -> int:
    """The parent of --workers processes: it opens the listeners (and removes the unix
    socket files at the end), drops privileges, and forks the workers, each of which
    loads the plugins (libslurm) itself, after its fork (see restd.workers)."""
    import functools

    from restd.http.limits import Limits
    from restd.listeners import ListenError, open_listeners
    from restd.workers import Supervisor

    max_connections = _connection_cap(config, fd_limit, config.workers)
    _log_cap(fd_limit, max_connections, config, config.workers)
    with Supervisor(config.workers, grace=Limits().shutdown_timeout) as supervisor:
        try:
            listeners = open_listeners(list(config.listen), sockets)
        except ListenError as error:
            raise ConfigError(str(error)) from None
        try:
            _drop_privileges(uid, gid)
            return supervisor.run(
                [sock for listener in listeners for sock in listener.sockets],
                functools.partial(_worker, config, max_connections),
                ", ".join(address for listener in listeners
                          for address in listener.addresses))
        finally:
            for listener in listeners:
                listener.close()


def _worker(config: Config, max_connections: int, index: int, sockets: list,
            announce_serving) -> int:
    """One worker process, just forked: libslurm, the app and a server of its own on
    the inherited listening sockets. Returns its exit status."""
    import asyncio
    import signal

    from restd.app import build_app
    from restd.server import Server, run
    from restd.workers import unblock_stop_signals

    try:
        plugins = load_plugins(config)
    except (ConfigError, PluginError, OpenAPIError) as error:
        print(f"restd: worker {index}: {error}", file=sys.stderr)
        return 1
    try:
        app = build_app(config, plugins)
        try:
            server = Server(app, max_connections=max_connections,
                            max_connections_per_peer=config.max_connections_per_peer,
                            access_log=AccessLog(), force_signals=(signal.SIGINT,))
            server.open([], sockets)  # each one an InheritedListener: never unlinked here
            unblock_stop_signals()

            async def serve() -> int:
                serving = asyncio.ensure_future(server.run_forever())
                started = asyncio.ensure_future(server.started.wait())
                await asyncio.wait([serving, started], return_when=asyncio.FIRST_COMPLETED)
                if started.done():
                    announce_serving()
                else:
                    started.cancel()
                return await serving

            return run(serve())
        finally:
            app.close()
    finally:
        plugins.fini()


def main(argv: Optional[Sequence[str]] = None,
         environ: Optional[Mapping[str, str]] = None) -> int:
    environ = os.environ if environ is None else environ
    try:
        options = _parser().parse_intermixed_args(argv)
    except UsageError as error:
        _parser().print_usage(sys.stderr)
        print(f"restd: error: {error}", file=sys.stderr)
        return 1
    if options.version:
        print(f"restd {__version__} (slurmrestd-compatible)")
        return 0
    try:
        config = build_config(
            listen=options.listen, auth=options.auth, content=options.content,
            data_parser=options.data_parser, slurm_conf=options.slurm_conf,
            user=options.user, group=options.group, threads=options.threads,
            workers=options.workers,
            max_connections=options.max_connections,
            max_connections_per_peer=options.max_connections_per_peer,
            privileged_unix_only=options.privileged_unix_only, verbose=options.verbose,
            environ=environ)
        setup_logging(config.log_level, config.syslog)
        if options.slurm_conf:
            os.environ["SLURM_CONF"] = options.slurm_conf  # for libslurm
        listed = [family for family in CHOSEN_FAMILIES if getattr(options, family) == "list"]
        for family in listed:
            _list_plugins(family, config)
        if listed:
            return 0
        if options.generate_openapi_spec:
            _print_openapi(config)
            return 0
        return _daemon(config)
    except (ConfigError, PluginError, OpenAPIError) as error:
        print(f"restd: {error}", file=sys.stderr)
        return 1

