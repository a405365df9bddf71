"""Where log lines go, and the access log.

Logs go to stderr, or to syslog with RESTD_LOG=syslog. The access log writes one
line per answer: method, path (never the query string), status, user, bytes sent
and duration; -v adds the client. Never headers, query strings nor bodies: tokens
(X-SLURM-USER-TOKEN, ?token=...) and job scripts travel there.
"""
from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from typing import Optional

from restd.config import VERBOSE
from restd.http.messages import Request, Response

ACCESS_LOGGER = "restd.access"
SYSLOG_SOCKET = "/dev/log"

# syslog's "notice": above info, below warning (privileged requests are logged at it).
NOTICE = 25
logging.addLevelName(NOTICE, "NOTICE")

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
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(
            "%(asctime)s restd[%(process)d]: %(levelname)s: %(message)s"))
    root = logging.getLogger()
    for previous in root.handlers[:]:
        root.removeHandler(previous)
    root.addHandler(handler)
    root.setLevel(level)
    if syslog and not use_syslog:
        logging.getLogger(__name__).warning("%s not found: logging to stderr", SYSLOG_SOCKET)


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
        logger.info("%s", line)
