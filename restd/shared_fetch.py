"""Shared fetches: concurrent identical reads are answered from one fetch.

Dashboards poll the same lists from many browsers at once; without sharing,
each poll is its own slurmctld RPC and its own copy of the answer in memory.
:class:`SharedFetches` keeps the fetches in flight by key (restd.app builds
the key from everything that can change an answer: method, path, query,
data_parser, output format and layout, and the identity). A request whose key
matches a fetch in flight that started at most ``window`` seconds ago joins it
instead of starting its own; nothing is kept once a fetch is over, so a request
never receives data fetched before it arrived, except by joining a fetch that
was in flight when it arrived (and started within ``window``).

A fetch's :class:`Outcome` is shared by everyone who joined it and must be read
only. Its lists written piece by piece (restd.plugin_api.ListStream) are shared
too: each participant gets its own view (:meth:`Outcome.streams_for`, its own
``close`` and warnings), and Slurm's records are released once the last view
is closed, or when the fetch ends with nobody left waiting for it.
"""
from __future__ import annotations

import asyncio
import collections
import logging
import threading
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Hashable, Optional

from restd.plugin_api import ListStream

log = logging.getLogger(__name__)

DEFAULT_WINDOW = 1.0  # seconds: the oldest in-flight fetch a request may join


@dataclass
class Outcome:
    """What a handler produced: its result (a dict, or a finished Response) and
    the envelope's status, errors and warnings."""

    result: Any
    status: int
    errors: list[dict[str, Any]]
    warnings: list[dict[str, Any]]
    last_modified: Optional[int] = None  # the data's time, where Slurm gives one
    # the sharing key under which its dump is kept once made (restd.app; LastAnswers)
    keep_as: Optional[Hashable] = None
    # set by SharedFetches: views still to be taken by participants, plus views open
    _references: int = 0
    _render_lock: threading.Lock = field(default_factory=threading.Lock)
    # answers derived once from the outcome, by whoever needs them first (restd.app)
    derived: dict[Hashable, Any] = field(default_factory=dict)

    def streams(self) -> dict[str, ListStream]:
        if not isinstance(self.result, dict):
            return {}
        return {key: value for key, value in self.result.items()
                if isinstance(value, ListStream)}

    def result_for_participant(self) -> Any:
        """The result, with each ListStream replaced by a view of it owned by the
        caller (who must close it, as any ListStream). Takes the caller's reference."""
        streams = self.streams()
        if not streams:
            self._release()
            return self.result
        result = dict(self.result)
        # one reference per view; the caller's own reference is given up below
        self._references += len(streams)
        for key, stream in streams.items():
            result[key] = _view(stream, self._release, self._render_lock)
        self._release()
        return result

    def _release(self) -> None:
        self._references -= 1
        if self._references == 0:
            for stream in self.streams().values():
                stream.close()


def _view(stream: ListStream, release: Callable[[], None],
          lock: threading.Lock) -> ListStream:
    """A participant's ListStream over ``stream``: its batches are rendered from
    the shared records, and the warnings a batch adds to ``stream`` go to this view
    (each participant's answer carries the warnings of what it rendered)."""
    def render(start: int, stop: int) -> list:
        with lock:  # the shared stream's warnings are read back by one view at a time
            before = len(stream.warnings)
            items = stream.render_range(start, stop)
            view.warnings.extend(stream.warnings[before:])
            del stream.warnings[before:]
        return items

    view = ListStream(stream.count, render, release, batch=stream.batch)
    return view


class _Fetch:
    def __init__(self, started: float, task: "asyncio.Future[Outcome]"):
        self.started = started
        self.task = task
        self.waiting = 0  # participants that have not taken the outcome yet


class SharedFetches:
    """The fetches in flight, by key; see the module's documentation."""

    def __init__(self, window: float = DEFAULT_WINDOW):
        self.window = window
        self._in_flight: dict[Hashable, _Fetch] = {}
        self.started = 0  # fetches started (for the debug log and tests of restd itself)
        self.joined = 0  # requests that joined a fetch started by another

    def __len__(self) -> int:
        return len(self._in_flight)

    async def run(self, key: Optional[Hashable],
                  fetch: Callable[[], Awaitable[Outcome]]) -> tuple[Outcome, Any]:
        """``(outcome, result)``: the outcome of the fetch in flight for ``key`` (or
        of ``fetch()``, started now) and this participant's result (its own views of
        the outcome's lists). ``key`` None: never shared."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        entry = self._in_flight.get(key) if key is not None else None
        if entry is None or now - entry.started > self.window:
            entry = _Fetch(now, asyncio.ensure_future(fetch()))
            self.started += 1
            if key is not None:
                self._in_flight[key] = entry
            entry.task.add_done_callback(
                lambda task, key=key, entry=entry: self._finished(key, entry))
        else:
            self.joined += 1
        entry.waiting += 1
        try:
            # shielded: a participant that goes away (its client closed) does not
            # cancel the fetch the others wait for
            outcome = await asyncio.shield(entry.task)
        except asyncio.CancelledError:
            if entry.task.done() and not entry.task.cancelled() \
                    and entry.task.exception() is None:
                entry.task.result()._release()  # its reference, counted at the end
            else:
                entry.waiting -= 1
            raise
        return outcome, outcome.result_for_participant()

    def _finished(self, key: Optional[Hashable], entry: _Fetch) -> None:
        if key is not None and self._in_flight.get(key) is entry:
            del self._in_flight[key]
        if entry.task.cancelled() or entry.task.exception() is not None:
            return
        outcome = entry.task.result()
        # each participant still waiting takes one reference; one more is held
        # here and given up now, so an outcome nobody waits for is released
        outcome._references = entry.waiting + 1
        outcome._release()


@dataclass
class LastAnswer:
    """The last answer of a sharing key whose data Slurm can tell unchanged: the time
    slurmctld wrote it (its Last-Modified) and its dump (restd.app.Template)."""

    last_modified: int
    template: Any
    size: int


class LastAnswers:
    """The last answer per sharing key, least recently used first out, at most
    ``limit`` bytes of dumps in all (an answer larger than that is not kept).

    A kept answer is never served on its own: restd asks Slurm whether anything
    changed since it was written (a load with update_time), and reuses it only
    when Slurm says no (SLURM_NO_CHANGE_IN_DATA), instead of converting and
    dumping the same data again."""

    def __init__(self, limit: int):
        self.limit = limit
        self.size = 0
        self._answers: "collections.OrderedDict[Hashable, LastAnswer]" = \
            collections.OrderedDict()
        self.kept = 0  # answers stored (for the debug log and tests of restd itself)
        self.reused = 0  # answers served again after Slurm reported no change

    def __len__(self) -> int:
        return len(self._answers)

    def get(self, key: Hashable) -> Optional[LastAnswer]:
        answer = self._answers.get(key)
        if answer is not None:
            self._answers.move_to_end(key)
        return answer

    def put(self, key: Hashable, last_modified: int, template: Any, size: int) -> None:
        self.discard(key)
        if size > self.limit:
            return
        while self._answers and self.size + size > self.limit:
            _, oldest = self._answers.popitem(last=False)
            self.size -= oldest.size
        self._answers[key] = LastAnswer(last_modified, template, size)
        self.size += size
        self.kept += 1

    def discard(self, key: Hashable) -> None:
        answer = self._answers.pop(key, None)
        if answer is not None:
            self.size -= answer.size
