"""uvicorn's HTTP protocol with a deadline per request, a bound on pipelined requests, and the
contract's error answers.

The launcher (launcher.py) gives it to uvicorn as its `http` protocol class. Three things change,
nothing else:

- A deadline. uvicorn times out only the wait between two requests (keep-alive); a client that
  sends half a head or half a body, or a byte a second, holds its connection for ever. Here a
  request must have arrived whole `REQUEST_TIMEOUT_SECONDS` after its first byte (or after the
  connection opened); otherwise it gets a 408 and the connection closes.
- A bound on pipelining. HTTP/1.1 lets a client send requests before reading the answers;
  uvicorn parses all it has received and queues them, so a client that never reads grows the
  worker without end. Here at most MAX_QUEUED_REQUESTS wait behind the running one; the rest stay
  unparsed bytes, and the worker stops reading from that client until the queue drains, as a
  blocking server does without trying.
- A request uvicorn cannot parse got `400 text/plain "Invalid HTTP request received."`; it gets
  the contract's JSON, an X-Request-ID, an access line and a count in `/metrics`.
"""

import asyncio
import time
from functools import cache
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from shared.contract.errors import MalformedRequest, RequestTimeout
from shared.contract.metrics import ServiceMetrics
from shared.contract.server_errors import (
    REQUEST_ID_STATE,
    SERVER_ANSWER,
    record_server_error,
    request_id_in,
    server_error_answer,
)
from shared.core.errors import ServiceError
from shared.core.settings import Settings

MAX_QUEUED_REQUESTS = 8  # pipelined requests parsed ahead of the one running
PARSE_BYTES = 16 * 1024  # parsed at a time, so one read cannot queue thousands of requests


@cache
def request_timeout_seconds() -> float:
    """Read once per process, from the same environment as the app's settings."""
    return Settings().request_timeout_seconds


def find_metrics(app: Any) -> ServiceMetrics | None:
    """The FastAPI app's metrics, under the middleware uvicorn wraps around it."""
    while app is not None and not hasattr(app, "state"):
        app = getattr(app, "app", None)
    return getattr(getattr(app, "state", None), "metrics", None)


class DeadlineHttpToolsProtocol(HttpToolsProtocol):
    """One instance per connection, as uvicorn's own."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deadline: asyncio.TimerHandle | None = None
        self.request_started = time.perf_counter()
        self.unparsed = bytearray()  # received, not parsed yet: the queue is full

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.arm_deadline()  # a connection that never sends a byte is a stalled request too

    def data_received(self, data: bytes) -> None:
        if not self.unparsed and len(data) <= PARSE_BYTES and not self.pipeline:
            super().data_received(data)  # the usual case: one request, nothing queued
            return
        self.unparsed += data
        self.parse_while_queue_has_room()

    def on_response_complete(self) -> None:
        super().on_response_complete()  # starts the next queued request
        self.parse_while_queue_has_room()

    def parse_while_queue_has_room(self) -> None:
        """Parse what was received, a slice at a time, while the queue has room; otherwise stop
        reading from this client until an answer has gone out."""
        while self.unparsed and len(self.pipeline) < MAX_QUEUED_REQUESTS:
            if self.transport.is_closing():
                self.unparsed.clear()
                return
            piece = bytes(self.unparsed[:PARSE_BYTES])
            del self.unparsed[:PARSE_BYTES]
            super().data_received(piece)
        if self.unparsed or len(self.pipeline) >= MAX_QUEUED_REQUESTS:
            self.flow.pause_reading()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.arm_deadline()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self.disarm_deadline()  # the whole request is here; the app takes its time

    def connection_lost(self, exc: Exception | None) -> None:
        self.disarm_deadline()
        super().connection_lost(exc)

    def arm_deadline(self) -> None:
        if self.deadline is None:
            self.request_started = time.perf_counter()
            self.deadline = self.loop.call_later(request_timeout_seconds(), self.on_deadline)

    def disarm_deadline(self) -> None:
        if self.deadline is not None:
            self.deadline.cancel()
            self.deadline = None

    def on_deadline(self) -> None:
        self.deadline = None
        if self.transport.is_closing():
            return
        if self.cycle is not None and self.cycle.response_started:
            self.transport.close()  # the app answered early (a 413, say): nothing left to say
            return
        self.answer_and_close(RequestTimeout())

    def send_400_response(self, msg: str) -> None:
        self.disarm_deadline()
        self.answer_and_close(MalformedRequest())

    def answer_and_close(self, error: ServiceError) -> None:
        """Answer for the server and close. If the app already holds the request (its head had
        arrived), the app stops waiting for the body, and its middleware, which logs and counts
        every request it sees, records this answer with its own request id."""
        # The headers as far as they arrived (httptools hands them over as bytes).
        parsed = [(name.decode("latin-1"), v.decode("latin-1")) for name, v in self.headers or []]
        request_id = request_id_in(parsed)
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete:
            state = cycle.scope["state"]
            state[SERVER_ANSWER] = error.status_code
            request_id = state.setdefault(REQUEST_ID_STATE, request_id)  # one id for both
            self.transport.write(server_error_answer(error, request_id))
            self.transport.close()
            cycle.disconnected = True
            cycle.message_event.set()  # wakes the app's pending receive(): http.disconnect
            return
        self.transport.write(server_error_answer(error, request_id))
        self.transport.close()
        scope = self.scope or {}
        record_server_error(
            find_metrics(self.app),
            request_id,
            scope.get("method"),
            scope.get("path"),
            error.status_code,
            self.request_started,
        )
