"""Worker processes: the parent opens every listening socket once, then forks workers
that each run their own event loop on the inherited sockets (``restd --workers N``).

Pre-fork over shared sockets, not SO_REUSEPORT, because:
  * every kind of listener works the same way: unix sockets (SO_REUSEPORT balances
    only TCP and UDP), systemd-passed sockets (systemd hands over one socket per
    address, which its workers can only share) and TCP alike;
  * the parent binds once, as root if need be, sets up and removes the unix socket
    files once, and drops privileges before any worker exists;
  * the workers share one accept queue: a worker that dies, or sits at its connection
    cap, leaves its waiting clients to the others, where SO_REUSEPORT gives each socket
    its own queue and resets the connections queued on a socket that closes.
The cost is that every idle worker wakes for a new connection and one wins accept()
(the others get EAGAIN); at a few workers per host that is cheap.

Fork safety: the parent never loads the plugins, so libslurm (slurm_init, its
configuration, its auth plugins and, with auth/munge, libmunge), the thread pool and
the event loop only ever exist in a worker, made after its fork. The parent
has one thread and no event loop when it forks. libslurmfull is in the parent's
LD_PRELOAD (restd.native.library.ensure_preloaded) but only loaded: libslurm has no
constructors, and its pthread_atfork handlers are installed by log and configuration
initialisation, which happen in the workers.

The parent waits for signals and for the workers' "serving" messages on a pipe; it
never touches a client connection. SIGTERM or SIGINT to it: SIGTERM to every worker,
which finish their requests as a single restd does (the grace period), then the parent
removes the unix socket files and exits 0; workers still there after the grace period
and a margin are killed. A worker that exits on its own is logged and restarted, after
a delay that doubles with each quick death. A worker that fails before it first serves
(say a plugin that does not load) stops the whole daemon: the error is the
configuration's and would repeat. Each worker asks the kernel for SIGTERM should the
parent die, so that no worker outlives it.
"""
from __future__ import annotations

import ctypes
import errno
import logging
import os
import select
import signal
import socket
import time
from dataclasses import dataclass
from typing import Callable, Optional

logger = logging.getLogger("restd.workers")

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
# Signals the parent blocks around fork(): a worker installs its own handlers first.
FORK_BLOCKED = {signal.SIGINT, signal.SIGTERM, signal.SIGCHLD}
# A worker that ran at least this long before dying died of something new: its
# restart delay starts over.
STABLE_SECONDS = 30.0
FIRST_RESTART_DELAY = 0.5
MAX_RESTART_DELAY = 30.0
# Beyond the workers' own grace period, how long the parent waits before SIGKILL.
KILL_MARGIN = 5.0
PR_SET_PDEATHSIG = 1  # linux/prctl.h

# worker_main(index, sockets, announce_serving) -> exit status; runs in the child.
WorkerMain = Callable[[int, list[socket.socket], Callable[[], None]], int]


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity mask: cpusets, taskset, CPUAffinity=)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def describe_exit(status: int) -> str:
    """waitpid() status as words."""
    if os.WIFSIGNALED(status):
        signum = os.WTERMSIG(status)
        try:
            name = signal.Signals(signum).name
        except ValueError:
            name = str(signum)
        return f"killed by {name}"
    return f"exited with status {os.waitstatus_to_exitcode(status)}"


@dataclass
class _Slot:
    index: int  # 1..N, stable across restarts: log lines name the worker by it
    pid: Optional[int] = None
    started: float = 0.0  # time.monotonic() of the fork
    serving: bool = False  # the current process said it serves
    ever_served: bool = False
    quick_deaths: int = 0
    restart_at: Optional[float] = None


class Supervisor:
    """The parent of ``count`` workers. Use as a context manager around opening the
    listeners (a stop signal from then on is a clean shutdown), then ``run()``."""

    def __init__(self, count: int, grace: float) -> None:
        self.count = count
        self.grace = grace  # the workers' shutdown grace period (Limits.shutdown_timeout)
        self._slots: list[_Slot] = []
        self._sockets: list[socket.socket] = []
        self._worker_main: Optional[WorkerMain] = None
        self._addresses = ""
        self._stopping = False
        self._stop_deadline: Optional[float] = None  # then SIGKILL
        self._killed = False
        self._startup_failed = False
        self._announced = False  # every worker has served once
        self._wake = (-1, -1)  # the signal wakeup pipe
        self._ready = (-1, -1)  # workers write their pid here once serving
        self._ready_buffer = b""
        self._previous_handlers: dict = {}
        self._previous_wakeup = -1

    def __enter__(self) -> "Supervisor":
        self._wake = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        self._ready = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        # The C-level handler writes the signal number to the pipe; the Python handlers
        # do nothing (a Python handler must be set for the wakeup fd to be written).
        self._previous_wakeup = signal.set_wakeup_fd(self._wake[1], warn_on_full_buffer=False)
        for signum in (*STOP_SIGNALS, signal.SIGCHLD):
            self._previous_handlers[signum] = signal.signal(signum, _note_signal)
        return self

    def __exit__(self, *exc_info) -> None:
        signal.set_wakeup_fd(self._previous_wakeup)
        for signum, handler in self._previous_handlers.items():
            signal.signal(signum, handler)
        for fd in (*self._wake, *self._ready):
            os.close(fd)

    def run(self, sockets: list[socket.socket], worker_main: WorkerMain,
            addresses: str = "") -> int:
        """Start the workers and keep them running until a stop signal; 0 after a
        clean stop, 1 when a worker failed before it first served."""
        self._addresses = addresses
        self._slots = [_Slot(index) for index in range(1, self.count + 1)]
        self._sockets = sockets
        self._worker_main = worker_main
        # A stop signal that came while the listeners were being opened.
        self._read_signals()
        if not self._stopping:
            for slot in self._slots:
                self._spawn(slot)
        while not self._stopping or self._live():
            self._wait(self._next_timeout())
            self._read_signals()
            self._read_ready()
            self._restart_due()
            self._kill_if_overdue()
        return 1 if self._startup_failed else 0

    # ------------------------------------------------------------------ the parent

    def _live(self) -> list[_Slot]:
        return [slot for slot in self._slots if slot.pid is not None]

    def _next_timeout(self) -> Optional[float]:
        times = [slot.restart_at for slot in self._slots
                 if slot.restart_at is not None and not self._stopping]
        if self._stop_deadline is not None and not self._killed:
            times.append(self._stop_deadline)
        return max(0.0, min(times) - time.monotonic()) if times else None

    def _wait(self, timeout: Optional[float]) -> None:
        try:
            select.select([self._wake[0], self._ready[0]], [], [], timeout)
        except InterruptedError:
            pass

    def _read_signals(self) -> None:
        try:
            received = os.read(self._wake[0], 4096)
        except BlockingIOError:
            return
        if signal.SIGCHLD in received:
            self._reap()
        for signum in STOP_SIGNALS:
            if signum in received:
                self._stop(signal.Signals(signum).name)

    def _stop(self, why: str) -> None:
        if not self._stopping:
            logger.info("%s: stopping %d worker(s)", why, len(self._live()))
            self._stopping = True
            self._stop_deadline = time.monotonic() + self.grace + KILL_MARGIN
            self._signal_all(signal.SIGTERM)
        else:
            # A repeated stop signal skips the workers' grace period, as it does for a
            # single process: workers take a repeated SIGTERM as the same request (they
            # may get one from the parent and one from systemd), a repeated SIGINT not.
            logger.info("%s again: workers drop what is in flight", why)
            self._signal_all(signal.SIGINT)

    def _signal_all(self, signum: int) -> None:
        for slot in self._live():
            try:
                os.kill(slot.pid, signum)
            except ProcessLookupError:
                pass

    def _kill_if_overdue(self) -> None:
        if (self._stop_deadline is None or self._killed
                or time.monotonic() < self._stop_deadline):
            return
        self._killed = True
        live = self._live()
        if live:
            logger.warning("killing %d worker(s) still running %.0f s after SIGTERM: %s",
                           len(live), self.grace + KILL_MARGIN,
                           ", ".join(f"worker {slot.index} (pid {slot.pid})" for slot in live))
            self._signal_all(signal.SIGKILL)

    def _reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            slot = next((slot for slot in self._slots if slot.pid == pid), None)
            if slot is not None:
                self._worker_exited(slot, status)

    def _worker_exited(self, slot: _Slot, status: int) -> None:
        pid, lived = slot.pid, time.monotonic() - slot.started
        slot.pid, slot.serving = None, False
        if self._stopping:
            level = logging.INFO if status == 0 else logging.WARNING
            logger.log(level, "worker %d (pid %d) %s", slot.index, pid, describe_exit(status))
            return
        if not slot.ever_served and not self._announced:
            logger.error("worker %d (pid %d) %s before serving: stopping", slot.index, pid,
                         describe_exit(status))
            self._startup_failed = True
            self._stop(f"worker {slot.index} failed")
            return
        slot.quick_deaths = 0 if lived >= STABLE_SECONDS else slot.quick_deaths + 1
        delay = 0.0 if slot.quick_deaths == 0 else min(
            MAX_RESTART_DELAY, FIRST_RESTART_DELAY * 2 ** (slot.quick_deaths - 1))
        logger.error("worker %d (pid %d) %s after %.1f s; restarting it in %.1f s",
                     slot.index, pid, describe_exit(status), lived, delay)
        slot.restart_at = time.monotonic() + delay

    def _restart_due(self) -> None:
        now = time.monotonic()
        for slot in self._slots:
            if slot.restart_at is not None and slot.restart_at <= now and not self._stopping:
                self._spawn(slot)

    def _read_ready(self) -> None:
        try:
            self._ready_buffer += os.read(self._ready[0], 4096)
        except BlockingIOError:
            return
        *lines, self._ready_buffer = self._ready_buffer.split(b"\n")
        for line in lines:
            slot = next((slot for slot in self._slots if str(slot.pid).encode() == line), None)
            if slot is None:
                continue  # a worker that has died since
            slot.serving = slot.ever_served = True
            logger.info("worker %d (pid %d) serving", slot.index, slot.pid)
        if not self._announced and all(slot.serving for slot in self._slots):
            self._announced = True
            logger.info("%d workers serving%s (pids %s)", self.count,
                        f" on {self._addresses}" if self._addresses else "",
                        " ".join(str(slot.pid) for slot in self._slots))

    def _spawn(self, slot: _Slot) -> None:
        slot.restart_at = None
        parent = os.getpid()
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, FORK_BLOCKED)
        try:
            pid = os.fork()
        except OSError as error:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
            logger.error("cannot start worker %d: %s; retrying", slot.index, error.strerror)
            slot.restart_at = time.monotonic() + MAX_RESTART_DELAY
            return
        if pid == 0:
            self._become_worker(slot.index, parent)  # never returns
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        slot.pid, slot.started, slot.serving = pid, time.monotonic(), False

    # ------------------------------------------------------------------ the child

    def _become_worker(self, index: int, parent: int) -> None:
        """Runs in the forked child, with the stop signals blocked: set up, run
        ``worker_main`` (which unblocks them once its handlers are in), and exit
        without ever returning into the parent's stack."""
        status = 1
        try:
            signal.set_wakeup_fd(-1)
            for signum in FORK_BLOCKED:
                signal.signal(signum, signal.SIG_DFL)
            os.close(self._wake[0])
            os.close(self._wake[1])
            os.close(self._ready[0])
            ready = self._ready[1]
            os.set_blocking(ready, True)
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
            if os.getppid() != parent:  # the parent died before prctl()
                os._exit(0)

            def announce_serving() -> None:
                try:
                    os.write(ready, b"%d\n" % os.getpid())
                except OSError as error:
                    if error.errno != errno.EPIPE:
                        raise

            status = self._worker_main(index, self._sockets, announce_serving)
        except SystemExit as leaving:
            status = leaving.code if isinstance(leaving.code, int) else 1
        except BaseException:
            logger.exception("worker %d failed", index)
        finally:
            logging.shutdown()
            os._exit(status)


def unblock_stop_signals() -> None:
    """For a worker, once its own stop signal handlers are installed."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, FORK_BLOCKED)


def _note_signal(signum, frame) -> None:
    """The parent's handler: the wakeup pipe carries the signal."""
