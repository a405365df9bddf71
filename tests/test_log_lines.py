"""The stderr log: lines of one event loop turn written together, in order, and the
same text as logging's own Formatter gives. No cluster needed."""
import asyncio
import logging
import os
import threading

from restd import accesslog

FORMAT = "%(asctime)s restd[%(process)d]: %(levelname)s: %(message)s"


class CountingStream:
    def __init__(self):
        self.writes: list[str] = []

    def write(self, text: str) -> None:
        self.writes.append(text)

    def flush(self) -> None:
        pass


def batched_logger(name: str) -> tuple[logging.Logger, CountingStream, logging.Handler]:
    stream = CountingStream()
    handler = accesslog.BatchedStreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger(name)
    logger.handlers = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger, stream, handler


def test_lines_of_one_loop_turn_are_one_write_at_its_end():
    logger, stream, _ = batched_logger("test.batched.turn")

    async def answer_three():
        for number in range(3):
            logger.info("answer %d", number)
        written_during_turn = list(stream.writes)
        await asyncio.sleep(0)  # the turn ends: the scheduled write runs
        await asyncio.sleep(0)
        return written_during_turn

    during = asyncio.run(answer_three())
    assert during == []
    assert stream.writes == ["answer 0\nanswer 1\nanswer 2\n"]


def test_a_line_from_another_thread_is_written_at_once_after_those_waiting():
    logger, stream, _ = batched_logger("test.batched.thread")

    async def loop_then_thread():
        logger.info("from the loop")
        thread = threading.Thread(target=logger.info, args=("from a thread",))
        thread.start()
        thread.join()
        written = list(stream.writes)
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        return written

    written_before_the_turn_ended = asyncio.run(loop_then_thread())
    assert written_before_the_turn_ended == ["from the loop\nfrom a thread\n"]
    assert stream.writes == ["from the loop\nfrom a thread\n"]  # nothing written twice


def test_a_loop_left_before_its_write_does_not_hold_the_next_loops_lines():
    logger, stream, _ = batched_logger("test.batched.left")
    first = asyncio.new_event_loop()

    async def log_then_exit():
        logger.info("in the first loop")
        raise SystemExit(0)  # leaves run_until_complete before the loop's next callback

    try:
        first.run_until_complete(log_then_exit())
    except SystemExit:
        pass
    finally:
        first.close()
    assert stream.writes == []  # its write was scheduled on the first loop, never run

    async def log_and_end_turn():
        logger.info("in the second loop")
        await asyncio.sleep(0)
        await asyncio.sleep(0)

    asyncio.run(log_and_end_turn())
    assert stream.writes == ["in the first loop\nin the second loop\n"]


def test_outside_a_loop_each_line_is_written_at_once():
    logger, stream, _ = batched_logger("test.batched.noloop")
    logger.info("starting")
    assert stream.writes == ["starting\n"]
    logger.info("listening")
    assert stream.writes == ["starting\n", "listening\n"]


def test_a_busy_turn_writes_every_batch_lines():
    logger, stream, _ = batched_logger("test.batched.busy")

    async def many():
        for number in range(accesslog.BATCH_LINES + 1):
            logger.info("%d", number)
        return list(stream.writes)

    during = asyncio.run(many())
    assert len(during) == 1 and during[0].count("\n") == accesslog.BATCH_LINES


def test_a_flush_writes_what_waits():
    # what logging.shutdown() does to every handler, at exit (each worker process
    # calls it before os._exit): a line of the last turn is not lost
    logger, stream, handler = batched_logger("test.batched.flush")

    async def log_and_flush():
        logger.info("last words")
        handler.flush()
        return list(stream.writes)

    assert asyncio.run(log_and_flush()) == ["last words\n"]


def test_lines_waiting_at_a_fork_are_written_once(tmp_path):
    # workers are forked from the parent: what waited is the parent's to write
    path = tmp_path / "log"
    with open(path, "a") as stream:
        handler = accesslog.BatchedStreamHandler(stream)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger = logging.getLogger("test.batched.fork")
        logger.handlers = [handler]
        logger.propagate = False
        logger.setLevel(logging.INFO)

        async def log_then_fork():
            logger.info("before the fork")
            pid = os.fork()
            if pid == 0:
                handler.flush()
                os._exit(0)
            os.waitpid(pid, 0)
            handler.flush()

        asyncio.run(log_then_fork())
    assert path.read_text() == "before the fork\n"


def test_the_formatter_writes_what_logging_formatter_writes():
    ours = accesslog.SecondFormatter(FORMAT)
    theirs = logging.Formatter(FORMAT)
    for created in (1764763200.0, 1764763200.5, 1764763200.999, 1764763201.001,
                    1764763260.25, 1764763200.25):
        record = logging.makeLogRecord({"msg": "GET /slurm/v0.0.42/ping 200",
                                        "levelname": "INFO", "levelno": logging.INFO})
        record.created = created
        record.msecs = int((created - int(created)) * 1000) + 0.0
        assert ours.format(record) == theirs.format(record)


def test_setup_logging_to_stderr_uses_the_batched_handler(monkeypatch):
    root = logging.getLogger()
    kept = root.handlers[:], root.level
    try:
        accesslog.setup_logging(logging.INFO, syslog=False)
        (handler,) = root.handlers
        assert isinstance(handler, accesslog.BatchedStreamHandler)
        assert isinstance(handler.formatter, accesslog.SecondFormatter)
    finally:
        root.handlers[:] = kept[0]
        root.setLevel(kept[1])


def test_a_line_made_without_a_record_is_the_formatters_text():
    formatter = accesslog.SecondFormatter(FORMAT)
    assert formatter.formats_lines
    for created in (1764763200.0, 1764763200.5, 1764763200.999, 1764763260.25):
        record = logging.makeLogRecord({"msg": "GET /slurm/v0.0.42/ping 200",
                                        "levelname": "INFO", "levelno": logging.INFO,
                                        "process": os.getpid()})
        record.created = created
        record.msecs = int((created - int(created)) * 1000) + 0.0
        assert formatter.format_line(logging.INFO, "GET /slurm/v0.0.42/ping 200",
                                     created) == logging.Formatter(FORMAT).format(record)
    # a field a line without a record does not have: such a formatter formats records only
    assert not accesslog.SecondFormatter("%(name)s %(message)s").formats_lines


class _RequestStub:
    method = "GET"
    path = "/slurm/v0.0.42/ping"

    class client:
        source = "127.0.0.1:40000"


class _ResponseStub:
    user = "alice"


def access_logger(name: str, formatter: logging.Formatter):
    stream = CountingStream()
    handler = accesslog.BatchedStreamHandler(stream)
    handler.setFormatter(formatter)
    parent = logging.getLogger(name)
    parent.handlers = [handler]
    parent.propagate = False
    parent.setLevel(logging.INFO)
    logger = logging.getLogger(name + ".access")
    logger.handlers = []
    logger.propagate = True
    return logger, stream, handler


def test_the_access_line_is_written_without_a_record_when_one_handler_takes_it(monkeypatch):
    logger, stream, _ = access_logger("test.access.direct", accesslog.SecondFormatter(FORMAT))
    records = []
    made = logging.Logger.makeRecord
    monkeypatch.setattr(logging.Logger, "makeRecord",
                        lambda self, *args, **kw: records.append(args) or made(self, *args, **kw))
    accesslog.AccessLog(logger)(_RequestStub, _ResponseStub, 200, 120, 0.0015)
    assert records == []
    (line,) = stream.writes
    assert line.endswith(f" restd[{os.getpid()}]: INFO: GET /slurm/v0.0.42/ping 200 "
                         "user=alice bytes=120 0.002s\n")


def test_the_access_line_goes_through_logging_where_more_than_one_handler_or_a_filter_sees_it():
    logger, stream, handler = access_logger("test.access.shared",
                                            accesslog.SecondFormatter(FORMAT))
    others = CountingStream()
    other = logging.StreamHandler(others)
    other.setFormatter(logging.Formatter("%(name)s %(message)s"))
    logger.addHandler(other)  # as pytest's caplog, or a site's own handler
    accesslog.AccessLog(logger)(_RequestStub, _ResponseStub, 200, 120, 0.0015)
    assert others.writes == ["test.access.shared.access GET /slurm/v0.0.42/ping 200 "
                             "user=alice bytes=120 0.002s\n"]
    assert len(stream.writes) == 1
    logger.removeHandler(other)

    logger.addFilter(lambda record: False)  # a filter that drops every line
    accesslog.AccessLog(logger)(_RequestStub, _ResponseStub, 200, 120, 0.0015)
    assert len(stream.writes) == 1

    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))  # not a line's fields
    logger.filters.clear()
    accesslog.AccessLog(logger)(_RequestStub, _ResponseStub, 200, 120, 0.0015)
    assert stream.writes[1] == ("test.access.shared.access: GET /slurm/v0.0.42/ping 200 "
                                "user=alice bytes=120 0.002s\n")


def test_a_handler_whose_stream_is_closed_does_not_trouble_a_fork(tmp_path, monkeypatch):
    # a handler left with a closed stream (a test's, a site's reopened file) is still
    # flushed before each fork: the fork goes on and nothing is reported
    reported = []
    monkeypatch.setattr("sys.unraisablehook", reported.append)
    stream = open(tmp_path / "log", "a")
    handler = accesslog.BatchedStreamHandler(stream)
    stream.close()
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    assert reported == []
    del handler
