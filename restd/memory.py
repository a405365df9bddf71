"""Giving memory back after large answers.

A 10,000-job answer goes through megabytes of small allocations (libslurm's
message, the fast path's batches, the protocol's buffers). glibc keeps what is
freed in its arenas, so restd's RSS stayed near its peak after a burst of large
answers (issue 14: 58 MB before, 610-670 MB long after 16 concurrent GET jobs).
``malloc_trim(0)`` hands the free pages of every arena back to the kernel; it
is called in a worker thread ``TRIM_DELAY`` seconds after the first answer since
the last trim: one trim a second while restd answers, and one after its last
answer (a burst costs one trim). Small answers count too: a minute of 64
clients polling with If-None-Match (304s, after one whole jobs list each) left
10 to 27 MiB of freed memory in the heap when only answers of a MiB or more
were followed by a trim (perf/load.py, README "Under load"). A trim costs
well under a millisecond (0.1 ms measured with 100,000 small blocks and 40 MiB
just freed). ``RESTD_MALLOC_TRIM=0`` turns it off.

The number of arenas: glibc gives each thread that finds the others' arenas busy
a new one, up to 8 per core, and restd's -t threads (20) all allocate in
libslurm. malloc_trim does not give back what stays scattered over that many
arenas: after perf/load.py's matrix (ping, nodes, partitions and 10,000 jobs at
1, 16 and 64 connections) restd --workers 1 kept 3.68x its RSS from before it,
1.12x with 2 arenas, at the same requests/s (README, "Memory"). So restd sets
M_ARENA_MAX (mallopt) to ``RESTD_MALLOC_ARENAS`` (default 2; 0 leaves it to
glibc) at start, before its threads exist, unless ``MALLOC_ARENA_MAX`` or a
``glibc.malloc.arena_max`` tunable already chose it.
"""
from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import logging
import os
from concurrent.futures import Executor
from typing import Callable, Mapping, Optional

log = logging.getLogger(__name__)

TRIM_DELAY = 1.0  # seconds


def _malloc_trim() -> Optional[Callable[[int], int]]:
    """glibc's malloc_trim, None elsewhere (musl has none)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


M_ARENA_MAX = -8  # glibc's malloc.h


def arenas_chosen_by_environment(environ: Mapping[str, str]) -> bool:
    """Whether the environment already set glibc's arena count (which then wins)."""
    return "MALLOC_ARENA_MAX" in environ or \
        "glibc.malloc.arena_max" in environ.get("GLIBC_TUNABLES", "")


def limit_arenas(count: int, environ: Mapping[str, str] = os.environ) -> bool:
    """At most ``count`` malloc arenas from now on (0: glibc's choice); True when set."""
    if count <= 0 or arenas_chosen_by_environment(environ):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    if mallopt(M_ARENA_MAX, count) != 1:
        log.warning("mallopt(M_ARENA_MAX, %d) failed", count)
        return False
    return True


class Trimmer:
    """``answered()`` after each answer; trims as described above."""

    def __init__(self, executor: Executor, delay: float = TRIM_DELAY, enabled: bool = True):
        self._executor = executor
        self._delay = delay
        self._trim = _malloc_trim() if enabled else None
        self._pending: Optional[asyncio.TimerHandle] = None
        self.trims = 0

    def answered(self) -> None:
        if self._trim is None or self._pending is not None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # an answer's generator closed outside the loop
            return
        self._pending = loop.call_later(self._delay, self._start)

    def _start(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            future = loop.run_in_executor(self._executor, self._trim, 0)
        except RuntimeError:  # the executor is shut down: restd is stopping
            self._pending = None
            return
        future.add_done_callback(self._done)

    def _done(self, future: "asyncio.Future[int]") -> None:
        self._pending = None
        self.trims += 1
        if not future.cancelled() and future.exception() is not None:
            log.warning("malloc_trim failed: %s", future.exception())

    def close(self) -> None:
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
