"""RESTD_LOG=syslog: each level reaches syslog with its own priority (NOTICE as notice,
not as warning), through a datagram socket standing in for /dev/log."""
import logging
import socket

import pytest

from restd import accesslog

DAEMON = 3  # LOG_DAEMON


@pytest.fixture
def syslog_socket(tmp_path, monkeypatch):
    path = tmp_path / "log"
    receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    receiver.bind(str(path))
    receiver.settimeout(5)
    monkeypatch.setattr(accesslog, "SYSLOG_SOCKET", str(path))
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    yield receiver
    for handler in root.handlers[:]:
        root.removeHandler(handler)
        handler.close()
    root.handlers[:], root.level = saved[0], saved[1]
    receiver.close()


@pytest.mark.parametrize("level, priority", [
    (logging.INFO, 6), (accesslog.NOTICE, 5), (logging.WARNING, 4), (logging.ERROR, 3)])
def test_level_reaches_syslog_with_its_priority(syslog_socket, level, priority):
    accesslog.setup_logging(logging.INFO, syslog=True)
    logging.getLogger("restd.test").log(level, "a line")
    datagram = syslog_socket.recv(4096).decode()
    assert datagram.startswith(f"<{DAEMON * 8 + priority}>"), datagram
    assert logging.getLevelName(level) in datagram
