"""The daemon's configuration: command line options and environment, merged once
at start into a plain, immutable value. Nothing reads the environment later.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Optional, Sequence

DEFAULT_SLURM_CONF = "/etc/slurm/slurm.conf"
DEFAULT_THREADS = 20  # slurmrestd's default for -t
# --workers auto: one per usable CPU, but no more than this many. Each worker costs its
# memory (about 50 MB idle) and its own -t threads' Slurm connections, and past a few
# workers slurmctld, which serialises its RPCs on its locks, is what limits; a site
# that measured otherwise gives a number.
AUTO_MAX_WORKERS = 8

SECURITY_FLAGS = frozenset({"disable_unshare_sysv", "disable_unshare_files",
                            "disable_user_check"})

# Output formats with a compact form, by environment variable -> serializer name.
COMPACT_VARIABLES = {"SLURMRESTD_JSON": "json", "SLURMRESTD_YAML": "yaml"}

VERBOSE = 15  # Slurm's "verbose": between INFO and DEBUG
logging.addLevelName(VERBOSE, "VERBOSE")

# Slurm's log levels (SLURMRESTD_DEBUG takes either the number or the name) and
# the matching Python levels. -v raises the level by one from "info".
SLURM_LOG_LEVELS = ("quiet", "fatal", "error", "info", "verbose",
                    "debug", "debug2", "debug3", "debug4", "debug5")
_PYTHON_LEVELS = (logging.CRITICAL + 10, logging.CRITICAL, logging.ERROR, logging.INFO,
                  VERBOSE, logging.DEBUG, 9, 8, 7, 6)
_INFO = SLURM_LOG_LEVELS.index("info")


class ConfigError(ValueError):
    """A command line option or environment variable with a value restd refuses."""


@dataclass(frozen=True)
class Config:
    listen: tuple[str, ...] = ()
    # Plugin names as given; None: every plugin found (slurmrestd's default).
    auth_plugins: Optional[tuple[str, ...]] = None
    content_plugins: Optional[tuple[str, ...]] = None
    data_parsers: Optional[tuple[str, ...]] = None  # may carry "+flag" suffixes
    slurm_conf: str = DEFAULT_SLURM_CONF
    run_as_user: Optional[str] = None  # -u: name or number
    run_as_group: Optional[str] = None  # -g: name or number
    threads: int = DEFAULT_THREADS  # -t: per worker process
    # --workers / RESTD_WORKERS: processes serving the listeners (restd.workers); 1 is
    # a single process, as slurmrestd. The default stays 1: shared fetches, ETags'
    # 304s from slurmctld's change detection and the memory bound are per process
    # (N workers cost up to N RPCs for one burst of identical reads, and N times the
    # memory of large answers: about 50 MB each idle, hundreds at 10,000 jobs), and
    # restd's Slurm calls already run on other cores in its threads (cffi releases
    # the GIL). "auto" is one per CPU restd may run on (at most AUTO_MAX_WORKERS), for
    # CPU-bound loads of cheap endpoints.
    workers: int = 1
    # None: derived at start from the open files limit (restd.server.default_max_connections),
    # where slurmrestd has a fixed 124.
    max_connections: Optional[int] = None
    max_connections_per_peer: Optional[int] = None  # None: no cap per unix uid / TCP address
    privileged_unix_only: bool = False  # root's and SlurmUser's tokens refused over TCP
    log_level: int = logging.INFO
    syslog: bool = False
    compact: frozenset[str] = frozenset()  # serializers answering without whitespace
    security: frozenset[str] = frozenset()
    jwt_daemon: bool = False  # SLURM_JWT=daemon: talk to Slurm with JWT, not MUNGE
    enable_test_plugins: bool = False
    # RESTD_SHARED_FETCH_WINDOW: the oldest fetch in flight (seconds since it started)
    # that an identical GET may join instead of asking Slurm itself; 0: never shared
    shared_fetch_window: float = 1.0
    # RESTD_LAST_ANSWERS_MB: the bound of the last answers kept per sharing key for
    # slurmctld's change detection (restd.shared_fetch.LastAnswers), per process; 0: none
    last_answers_bytes: int = 32 << 20
    # RESTD_MALLOC_TRIM=0: memory is not handed back after large answers (restd/memory.py)
    malloc_trim: bool = True
    # RESTD_MALLOC_ARENAS: at most this many glibc malloc arenas per process (restd/memory.py);
    # 0: glibc's choice (8 per core)
    malloc_arenas: int = 2

    def pretty(self, serializer_name: str) -> bool:
        return serializer_name not in self.compact


def _names(value: Optional[str]) -> Optional[tuple[str, ...]]:
    if value is None:
        return None
    return tuple(name.strip() for name in value.split(",") if name.strip())


def _positive(value: str, what: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"{what}: expected a number, got {value!r}") from None
    if number < 1:
        raise ConfigError(f"{what}: expected a positive number, got {number}")
    return number


def workers_count(value: str, what: str) -> int:
    """A positive number of workers, or "auto": one per CPU this process may run on,
    at most AUTO_MAX_WORKERS."""
    if value.strip().lower() == "auto":
        from restd.workers import usable_cpus
        return min(usable_cpus(), AUTO_MAX_WORKERS)
    return _positive(value, what)


def slurm_log_level(value: str) -> int:
    """Python log level for a Slurm level given by number or name."""
    text = value.strip().lower()
    if text.isdigit():
        index = int(text)
        if index >= len(SLURM_LOG_LEVELS):
            raise ConfigError(f"SLURMRESTD_DEBUG: no log level {index}")
    elif text in SLURM_LOG_LEVELS:
        index = SLURM_LOG_LEVELS.index(text)
    else:
        raise ConfigError(f"SLURMRESTD_DEBUG: unknown log level {value!r}; expected a "
                          f"number or one of {', '.join(SLURM_LOG_LEVELS)}")
    return _PYTHON_LEVELS[index]


def _bounded(env: Callable[[str], Optional[str]], name: str, default: str,
             parse: Callable[[str], Any], low: Any, high: Any, expected: str) -> Any:
    """The number in environment variable ``name`` (``default`` when unset or empty),
    read by ``parse`` and within [low, high]; ConfigError saying ``expected`` otherwise."""
    text = env(name) or default
    try:
        value = parse(text)
    except (ValueError, OverflowError):  # not a number; "inf" megabytes
        value = None
    if value is None or not low <= value <= high:
        raise ConfigError(f"{name}: expected {expected}, got {text!r}")
    return value


def build_config(*, listen: Sequence[str] = (), auth: Optional[str] = None,
                 content: Optional[str] = None, data_parser: Optional[str] = None,
                 slurm_conf: Optional[str] = None, user: Optional[str] = None,
                 group: Optional[str] = None, threads: Optional[int] = None,
                 workers: Optional[str] = None,
                 max_connections: Optional[int] = None,
                 max_connections_per_peer: Optional[int] = None,
                 privileged_unix_only: bool = False, verbose: int = 0,
                 environ: Mapping[str, str]) -> Config:
    """Merge command line values (None: not given) with the environment; the
    command line wins. Plugin lists are comma-separated strings as typed."""
    env = environ.get
    listen = tuple(listen) + (_names(env("SLURMRESTD_LISTEN")) or ())

    if threads is not None and threads < 1:
        raise ConfigError(f"-t: expected a positive number of threads, got {threads}")
    if workers is not None:
        workers_value = workers_count(workers, "--workers")
    elif env("RESTD_WORKERS"):
        workers_value = workers_count(env("RESTD_WORKERS"), "RESTD_WORKERS")
    else:
        workers_value = 1
    if max_connections is None and env("SLURMRESTD_MAX_CONNECTIONS"):
        max_connections = _positive(env("SLURMRESTD_MAX_CONNECTIONS"),
                                    "SLURMRESTD_MAX_CONNECTIONS")
    elif max_connections is not None and max_connections < 1:
        raise ConfigError(f"--max-connections: expected a positive number, "
                          f"got {max_connections}")
    if max_connections_per_peer is not None and max_connections_per_peer < 1:
        raise ConfigError(f"--max-connections-per-peer: expected a positive number, "
                          f"got {max_connections_per_peer}")

    if verbose:
        log_level = _PYTHON_LEVELS[min(_INFO + verbose, len(_PYTHON_LEVELS) - 1)]
    elif env("SLURMRESTD_DEBUG"):
        log_level = slurm_log_level(env("SLURMRESTD_DEBUG"))
    else:
        log_level = logging.INFO

    compact = set()
    for variable, serializer in COMPACT_VARIABLES.items():
        style = (env(variable) or "pretty").strip().lower()
        if style not in ("compact", "pretty"):
            raise ConfigError(f"{variable}: expected compact or pretty, got {style!r}")
        if style == "compact":
            compact.add(serializer)

    security = frozenset(_names(env("SLURMRESTD_SECURITY")) or ())
    if "become_user" in security:
        # slurmrestd's root-only mode that switches to the unix socket peer's user;
        # restd keeps its own user and rest_auth/local mints a token for the peer.
        raise ConfigError("SLURMRESTD_SECURITY=become_user is not supported: restd does "
                          "not switch to the client's user; rest_auth/local acts for "
                          "unix socket peers instead (see restd.plugins.auth.local)")
    if security - SECURITY_FLAGS:
        raise ConfigError(f"SLURMRESTD_SECURITY: unknown flag(s) "
                          f"{', '.join(sorted(security - SECURITY_FLAGS))}; expected "
                          f"{', '.join(sorted(SECURITY_FLAGS))}")

    shared_fetch_window = _bounded(env, "RESTD_SHARED_FETCH_WINDOW", "1", float, 0, 60,
                                   "seconds from 0 to 60")
    last_answers_bytes = _bounded(env, "RESTD_LAST_ANSWERS_MB", "32",
                                  lambda text: int(float(text) * (1 << 20)), 0, 1 << 40,
                                  "megabytes from 0 to 1048576")
    malloc_arenas = _bounded(env, "RESTD_MALLOC_ARENAS", "2", int, 0, 1024,
                             "a count from 0 to 1024")

    log_target = (env("RESTD_LOG") or "stderr").strip().lower()
    if log_target not in ("stderr", "syslog"):
        raise ConfigError(f"RESTD_LOG: expected stderr or syslog, got {log_target!r}")

    return Config(
        listen=listen,
        auth_plugins=_names(auth if auth is not None else env("SLURMRESTD_AUTH_TYPES")),
        content_plugins=_names(content if content is not None
                               else env("SLURMRESTD_OPENAPI_PLUGINS")),
        data_parsers=_names(data_parser if data_parser is not None
                            else env("SLURMRESTD_DATA_PARSER_PLUGINS")),
        slurm_conf=slurm_conf or env("SLURM_CONF") or DEFAULT_SLURM_CONF,
        run_as_user=user,
        run_as_group=group,
        threads=threads or DEFAULT_THREADS,
        workers=workers_value,
        max_connections=max_connections,
        max_connections_per_peer=max_connections_per_peer,
        privileged_unix_only=privileged_unix_only,
        log_level=log_level,
        syslog=log_target == "syslog",
        compact=frozenset(compact),
        security=security,
        jwt_daemon=env("SLURM_JWT") == "daemon",
        enable_test_plugins=env("RESTD_ENABLE_TEST_PLUGINS") == "1",
        shared_fetch_window=shared_fetch_window,
        last_answers_bytes=last_answers_bytes,
        malloc_trim=env("RESTD_MALLOC_TRIM") != "0",
        malloc_arenas=malloc_arenas,
    )


def read_slurm_user(slurm_conf: str) -> Optional[str]:
    """SlurmUser from slurm.conf (simple ``key=value`` lines, key case-insensitive);
    None when the file is not readable or does not set it. Include files are not
    followed: SlurmUser belongs in the main file."""
    try:
        with open(slurm_conf, encoding="utf-8", errors="replace") as conf:
            for line in conf:
                key, sep, value = line.split("#", 1)[0].partition("=")
                if sep and key.strip().lower() == "slurmuser":
                    return value.strip() or None
    except OSError:
        return None
    return None
