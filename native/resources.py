"""What one request holds in libslurm, closed in one place.

A request's worker job opens slurmdbd connections, gets slurmctld answers
(controller.Message) and slurmdbd record lists (accounting.JobRecords): each is
registered with the request's :class:`Resources` as it is created, and the
scope closes it, whatever happens:

* when the worker job ends (returned, refused, raised): everything it still
  holds, most recent first (:meth:`Resources.end_job`);
* a resource an answer keeps after the job (a list written piece by piece) is
  handed on (:meth:`Resources.hand_over`): the answer closes it once written or
  cut short;
* when the request is abandoned (its task cancelled: the client went away or
  restd stops) while the job still runs, the job goes on in its thread and
  what it hands on is closed as soon as it ends (:meth:`Resources.abandon`).

Closing is idempotent for every resource kind here, so code that frees a
large answer early (``msg.close()`` once dumped) stays correct.
"""
from __future__ import annotations

import contextlib
import logging
import threading
from typing import Any, Callable, Iterator, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


def _close(resource: Any) -> None:
    try:
        resource.close()
    except Exception:  # one failing close must not keep the others open
        log.exception("closing %r failed", resource)


class Resources:
    """One request's native resources (anything with ``close()``)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: list[Any] = []  # closed when the job ends
        self._handed: list[Any] = []  # closed by the answer, or on abandon
        self._ended = False
        self._abandoned = False

    def own(self, resource: T) -> T:
        """Register ``resource``: closed when the job ends, unless handed on."""
        with self._lock:
            if not self._ended:
                self._held.append(resource)
                return resource
        # registered after the job ended (a programming error): not kept open
        _close(resource)
        raise RuntimeError("a resource was opened after its request's job ended")

    @contextlib.contextmanager
    def closing(self, resource: T) -> Iterator[T]:
        """``with resources.closing(x) as x:`` x is closed at the end of the
        block (its lifetime is shorter than the job's: a connection released
        before a lock is)."""
        self.own(resource)
        try:
            yield resource
        finally:
            with self._lock:
                if resource in self._held:
                    self._held.remove(resource)
            _close(resource)

    def hand_over(self, resource: Any) -> Callable[[], None]:
        """``resource`` outlives the job (the answer reads it while it is written).
        Returns the function that closes it, to be called by the answer (a
        ListStream's ``close``); it is closed on :meth:`abandon` too."""
        with self._lock:
            if resource in self._held:
                self._held.remove(resource)
            self._handed.append(resource)

        def close() -> None:
            with self._lock:
                if resource not in self._handed:
                    return
                self._handed.remove(resource)
            _close(resource)
        return close

    def end_job(self) -> None:
        """The worker job is over (called in its thread, on every path)."""
        with self._lock:
            self._ended = True
            held, self._held = self._held, []
            handed = self._take_handed() if self._abandoned else []
        for resource in reversed(held + handed):
            _close(resource)

    def abandon(self) -> None:
        """Nobody will use the job's answer: what it hands on is closed now if the
        job has ended, else when it ends."""
        with self._lock:
            self._abandoned = True
            handed = self._take_handed() if self._ended else []
        for resource in reversed(handed):
            _close(resource)

    @property
    def abandoned(self) -> bool:
        """True once the request was abandoned (the client went away): a job that waits
        on Slurm (a pending allocation) checks it to stop waiting."""
        return self._abandoned

    def _take_handed(self) -> list[Any]:
        handed, self._handed = self._handed, []
        return handed

    def open_count(self) -> int:
        """Resources not closed yet (held and handed on)."""
        with self._lock:
            return len(self._held) + len(self._handed)

    def calls(self, module: Any) -> "OwningCalls":
        """``module``'s functions, their results registered here (see OwningCalls)."""
        return OwningCalls(module, self)


class OwningCalls:
    """The functions of a native module (restd.native.controller) as seen by one
    request: every result that can be closed (a controller.Message) is registered
    with the request's Resources as it is returned. Other attributes (constants,
    classes) are the module's."""

    def __init__(self, module: Any, resources: Resources) -> None:
        self._module = module
        self._resources = resources

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._module, name)
        if not callable(attribute) or isinstance(attribute, type):
            return attribute
        resources = self._resources

        def call(*args: Any, **kwargs: Any) -> Any:
            result = attribute(*args, **kwargs)
            if callable(getattr(result, "close", None)):
                resources.own(result)
            return result
        call.__name__ = name
        call.__doc__ = attribute.__doc__
        return call
