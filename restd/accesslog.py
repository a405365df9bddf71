"""Where log lines go, and the access log.

Logs go to stderr, or to syslog with RESTD_LOG=syslog. The access log writes one
line per answer: method, path (never the query string), status, user, bytes sent
and duration; -v adds the client. Never headers, query strings nor bodies: tokens
(X-SLURM-USER-TOKEN, ?token=...) and job scripts travel there.
"""
from __future__ import annotations

import asyncio
import logging
import logging.handlers
import os
import re
import sys
import threading
import time
import weakref
from typing import Optional

from restd.config import VERBOSE
from restd.http.messages import Request, Response

ACCESS_LOGGER = "restd.access"
SYSLOG_SOCKET = "/dev/log"

# syslog's "notice": above info, below warning (privileged requests are logged at it).
NOTICE = 25
logging.addLevelName(NOTICE, "NOTICE")

# A log line costs a LogRecord, its formatting and a write: for the access log's line per
# answer, at thousands of answers a second, these were a tenth of restd's CPU time
# (cProfile of GET ping at 64 connections). Where each call was made from is never
# written (no %(funcName)s, %(lineno)d...): not looked up (the logging HOWTO's
# "Optimization"). The thread and process names are never written either.
logging._srcfile = None
logging.logThreads = False
logging.logMultiprocessing = False

# The most lines a stream handler keeps before writing them (BatchedStreamHandler)
BATCH_LINES = 256

# Control characters of a (percent-decoded) path, escaped so that a request
# cannot forge or split log lines.
_ESCAPES = {code: f"\\x{code:02x}" for code in [*range(0x20), 0x7f]}


def setup_logging(level: int, syslog: bool) -> None:
    """Send every log record of ``level`` and above to stderr or syslog."""
    use_syslog = syslog and os.path.exists(SYSLOG_SOCKET)
    if use_syslog:
        handler: logging.Handler = logging.handlers.SysLogHandler(
            SYSLOG_SOCKET, facility=logging.handlers.SysLogHandler.LOG_DAEMON)
        # logging's own map knows no NOTICE and would send it as "warning"
        handler.priority_map = dict(handler.priority_map, NOTICE="notice")
        handler.setFormatter(logging.Formatter("restd[%(process)d]: %(levelname)s: %(message)s"))
    else:
        handler = BatchedStreamHandler(sys.stderr)
        handler.setFormatter(SecondFormatter(
            "%(asctime)s restd[%(process)d]: %(levelname)s: %(message)s"))
    root = logging.getLogger()
    for previous in root.handlers[:]:
        root.removeHandler(previous)
    root.addHandler(handler)
    root.setLevel(level)
    if syslog and not use_syslog:
        logging.getLogger(__name__).warning("%s not found: logging to stderr", SYSLOG_SOCKET)


# The fields a line written without a LogRecord may name (SecondFormatter.format_line)
LINE_FIELDS = frozenset({"asctime", "process", "levelname", "message"})


class SecondFormatter(logging.Formatter):
    """logging.Formatter with the date and time part of asctime made once a second.

    Its ``format_line`` gives the text ``format`` gives a record of that level, time
    and message, without making the record, when its format names only LINE_FIELDS
    (``formats_lines``): the access log's line per answer is written that way."""

    def __init__(self, fmt: str):
        super().__init__(fmt)
        self._second: Optional[int] = None
        self._second_text = ""
        self.formats_lines = (isinstance(self._style, logging.PercentStyle)
                              and set(re.findall(r"%\((\w+)\)", fmt)) <= LINE_FIELDS)

    def formatTime(self, record: logging.LogRecord, datefmt: Optional[str] = None) -> str:
        if datefmt is not None:
            return super().formatTime(record, datefmt)
        return self._asctime(record.created, record.msecs)

    def _asctime(self, created: float, msecs: float) -> str:
        second = int(created)
        if second != self._second:
            self._second_text = time.strftime(self.default_time_format,
                                              self.converter(created))
            self._second = second
        return self.default_msec_format % (self._second_text, msecs)

    def format_line(self, levelno: int, message: str, created: float) -> str:
        """What ``format`` gives a record of ``levelno``, ``message`` (no arguments,
        no exception) made at ``created`` in this process; only if ``formats_lines``."""
        return self._style._fmt % {
            "asctime": self._asctime(created, int((created - int(created)) * 1000) + 0.0),
            "process": _process_id, "levelname": logging.getLevelName(levelno),
            "message": message}


# os.getpid() is a system call: made once per process (a forked worker makes its own)
_process_id = os.getpid()


def _forked() -> None:
    global _process_id
    _process_id = os.getpid()


os.register_at_fork(after_in_child=_forked)


class BatchedStreamHandler(logging.StreamHandler):
    """A StreamHandler that writes the lines logged during one turn of the event
    loop together, at the end of the turn (one write for the many answers of a busy
    turn, instead of a write and a flush each). Lines logged outside the loop's
    thread (worker threads, start and stop) are written at once, after those
    waiting, so that the order of lines is kept; logging.shutdown() (at exit, and
    in each worker before it exits) writes what waits, and so does a fork."""

    def __init__(self, stream=None):
        super().__init__(stream)
        self._waiting: list[str] = []
        # the loop a write of the waiting lines is scheduled on (a loop closed before
        # running it is not waited for: the next loop schedules its own)
        self._flush_loop: Optional[asyncio.AbstractEventLoop] = None
        self._flush_thread = 0  # the thread of _flush_loop
        _BATCHED_HANDLERS.add(self)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record) + self.terminator
        except Exception:
            self.handleError(record)
            return
        self._add(line)

    def write_line(self, levelno: int, message: str) -> bool:
        """Write what a record of ``levelno`` and ``message`` would give, without making
        the record; False (nothing written) when this handler cannot: its formatter is
        not a SecondFormatter that ``formats_lines``, or it has filters (which take
        records). The caller checks that the record would reach this handler only."""
        formatter = self.formatter
        if self.filters or not isinstance(formatter, SecondFormatter) \
                or not formatter.formats_lines:
            return False
        if levelno >= self.level:
            line = formatter.format_line(levelno, message, time.time()) + self.terminator
            # under the handler's lock, as Handler.handle() holds it around emit(): a
            # flush from another thread joins and clears the waiting lines under it
            with self.lock:
                self._add(line)
        return True

    def _add(self, line: str) -> None:
        self._waiting.append(line)
        flush_loop = self._flush_loop
        if flush_loop is not None and self._flush_thread == threading.get_ident() \
                and flush_loop.is_running():
            # the loop's write is scheduled already (asyncio.get_running_loop() costs a
            # system call per line on Python 3.11, for its fork check)
            if len(self._waiting) >= BATCH_LINES:
                self.flush()
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is None or len(self._waiting) >= BATCH_LINES:
            self.flush()
        elif flush_loop is not loop:
            self._flush_loop = loop
            self._flush_thread = threading.get_ident()
            loop.call_soon(self._flush_turn)

    def _flush_turn(self) -> None:
        self._flush_loop = None
        self.flush()

    def flush(self) -> None:
        with self.lock:
            if self._waiting:
                text = "".join(self._waiting)
                self._waiting.clear()
                try:
                    self.stream.write(text)
                except Exception:
                    # as StreamHandler.emit does for a line it cannot write
                    self.handleError(logging.makeLogRecord({"msg": text.rstrip()}))
            super().flush()


# A forked child (a worker) would write again what its parent had waiting: written
# before any fork instead.
_BATCHED_HANDLERS: "weakref.WeakSet[BatchedStreamHandler]" = weakref.WeakSet()


def _flush_before_fork() -> None:
    for handler in list(_BATCHED_HANDLERS):
        try:
            handler.flush()
        except (OSError, ValueError):
            pass  # its stream is closed or broken: a fork goes on without its lines


os.register_at_fork(before=_flush_before_fork)


class AccessLog:
    """The server's ``access_log`` hook:
    ``(request, response, status, bytes_sent, duration_s)``, request None when the
    bytes received never made a request."""

    def __init__(self, logger: Optional[logging.Logger] = None):
        self._logger = logger or logging.getLogger(ACCESS_LOGGER)

    def __call__(self, request: Optional[Request], response: Response, status: int,
                 bytes_sent: int, duration_s: float) -> None:
        logger = self._logger
        if not logger.isEnabledFor(logging.INFO):
            return
        if request is None:
            logger.info("- - %d user=- bytes=%d %.3fs", status, bytes_sent, duration_s)
            return
        line = (f"{request.method} {request.path.translate(_ESCAPES)} {status} "
                f"user={response.user or '-'} bytes={bytes_sent} {duration_s:.3f}s")
        if logger.isEnabledFor(VERBOSE):
            line += f" client={request.client.source}"
        handler = _sole_handler(logger, logging.INFO)
        if handler is None or not handler.write_line(logging.INFO, line):
            logger.info("%s", line)


def _sole_handler(logger: logging.Logger, levelno: int) -> Optional[BatchedStreamHandler]:
    """The BatchedStreamHandler a record of ``logger`` at ``levelno`` would go to when
    it is the only handler it would go to and no logger's filter would see it (the
    access log then writes its line without making a LogRecord: 5 microseconds a line
    instead of 14, measured); else None."""
    found: Optional[BatchedStreamHandler] = None
    current: Optional[logging.Logger] = logger
    while current is not None:
        if current.filters:
            return None
        for handler in current.handlers:
            if levelno < handler.level:
                continue
            if found is not None or not isinstance(handler, BatchedStreamHandler):
                return None
            found = handler
        if not current.propagate:
            break
        current = current.parent
    return found
