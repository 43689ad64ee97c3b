"""What the launchers set up in each worker: the start-up objects frozen out of the garbage
collector's way, and the log written in batches (issue 23's tail and throughput)."""

import asyncio
import gc
import io
import logging
import queue

import pytest

from fastapi_service.server.launcher import LifespanThenFreeze, ServerConfig
from flask_service.server.launcher import FlaskServer
from shared.contract.launch import LaunchOptions
from shared.contract.web import LogWriter, OneLineFormatter


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()  # this test process collects its garbage as before


async def plain_asgi_app(scope, receive, send):
    """An app with a lifespan, as uvicorn drives it."""
    while True:
        message = await receive()
        await send({"type": message["type"] + ".complete"})
        if message["type"] == "lifespan.shutdown":
            return


def test_a_fastapi_worker_freezes_its_objects_once_started_and_thaws_them_at_shutdown(unfrozen):
    config = ServerConfig(plain_asgi_app, log_config=None)
    config.load()
    lifespan = config.lifespan_class(config)
    assert isinstance(lifespan, LifespanThenFreeze)

    async def start_then_stop() -> tuple[int, int]:
        await lifespan.startup()
        frozen_while_serving = gc.get_freeze_count()
        await lifespan.shutdown()
        return frozen_while_serving, gc.get_freeze_count()

    while_serving, after_shutdown = asyncio.run(start_then_stop())
    assert while_serving > 10_000  # the modules imported so far, at least
    assert after_shutdown == 0


def test_a_flask_worker_freezes_its_objects_once_its_app_is_loaded(unfrozen):
    server = FlaskServer(LaunchOptions("127.0.0.1", 8001, 1, None))
    server.cfg.post_worker_init(worker=None)  # as gunicorn calls it, after the worker's load()
    assert gc.get_freeze_count() > 10_000


class CountingStream(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


def test_the_log_writer_writes_a_burst_of_lines_in_a_few_writes_and_loses_none():
    """One write per batch, not per line: a thread woken for every line cost the FastAPI
    service about 7 % of its CPU per request on one core."""
    records: queue.SimpleQueue = queue.SimpleQueue()
    stream = CountingStream()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(OneLineFormatter())
    writer = LogWriter(records, handler)
    writer.start()
    for index in range(2000):
        records.put(logging.makeLogRecord({"msg": f"line {index}"}))
    writer.stop()
    assert stream.getvalue().splitlines() == [f"line {index}" for index in range(2000)]
    assert stream.writes <= 5
