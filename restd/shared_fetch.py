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
too: each participant gets its own view (:meth:`Outcome.result_for_participant`,
its own ``close`` and warnings), each batch is rendered (converted and, for the
app's streamed lists, serialized) once for all views (:class:`_SharedBatches`),
and Slurm's records are released once the last view is closed, or when the
fetch ends with nobody left waiting for it.
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
    # set by SharedFetches: the participants, each of which takes one view of each list
    _participants: int = 1
    _batches: dict[str, "_SharedBatches"] = field(default_factory=dict)
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
            batches = self._batches.get(key)
            if batches is None:
                batches = self._batches[key] = _SharedBatches(stream, self._participants)
            result[key] = batches.view(self._release)
        self._release()
        return result

    def _release(self) -> None:
        self._references -= 1
        if self._references == 0:
            for batches in self._batches.values():
                batches.clear()
            for stream in self.streams().values():
                stream.close()


class _SharedBatches:
    """The batches of a shared ListStream, rendered once for all its views.

    Views go through the list in the same order at different speeds: the first to
    reach a batch renders it, and when more views are to take it, it is kept until
    each of them has (a view closed early, its client gone, leaves its share kept
    until the list is released: never more than the list). The warnings a batch
    adds go to every view that takes it: each answer carries the warnings of what
    it wrote."""

    def __init__(self, stream: ListStream, views: int):
        self.stream = stream
        self.views = views
        # start -> [what render gave, its warnings, views still to take it]
        self._kept: dict[int, list] = {}
        # one render at a time: the shared stream's warnings are read back after it
        self._lock = threading.Lock()
        self.rendered = 0  # batches rendered (tests of restd itself)

    def view(self, release: Callable[[], None]) -> ListStream:
        view = ListStream(self.stream.count,
                          lambda start, stop: self._take(start, stop, view.warnings),
                          release, batch=self.stream.batch)
        return view

    def _take(self, start: int, stop: int, warnings: list) -> Any:
        with self._lock:
            entry = self._kept.get(start)
            if entry is None:
                before = len(self.stream.warnings)
                items = self.stream.render_range(start, stop)
                entry = [items, self.stream.warnings[before:], self.views]
                del self.stream.warnings[before:]
                self.rendered += 1
                if self.views > 1:
                    self._kept[start] = entry
            entry[2] -= 1
            if entry[2] <= 0:
                self._kept.pop(start, None)
        warnings.extend(entry[1])
        return entry[0]

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()


class _Fetch:
    def __init__(self, started: float, task: "asyncio.Future[Outcome]"):
        self.started = started
        self.task = task
        self.waiting = 0  # participants that have not taken the outcome yet
        self.finished = False  # its end counted the participants (SharedFetches._finished)


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
            if not entry.finished:
                entry.waiting -= 1  # not counted at the end (the task may be done already)
            elif not entry.task.cancelled() and entry.task.exception() is None:
                entry.task.result()._release()  # its reference, counted at the end
            raise
        return outcome, outcome.result_for_participant()

    def _finished(self, key: Optional[Hashable], entry: _Fetch) -> None:
        if key is not None and self._in_flight.get(key) is entry:
            del self._in_flight[key]
        entry.finished = True
        if entry.task.cancelled() or entry.task.exception() is not None:
            return
        outcome = entry.task.result()
        outcome._participants = entry.waiting
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
