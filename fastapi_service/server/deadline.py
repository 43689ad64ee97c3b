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
  the contract's JSON, an X-Request-ID, an access line and a count in `/metrics`. So does a
  request line the service does not serve (shared/contract/server_errors.py decides which, for
  both servers), and an upgrade offer is declined: the request is served as plain HTTP/1.1.
"""

import asyncio
import time
from functools import cache
from typing import Any

import httptools
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from shared.contract.errors import MalformedRequest, RequestTimeout, URITooLong
from shared.contract.metrics import ServiceMetrics
from shared.contract.server_errors import (
    MAX_REQUEST_LINE_BYTES,
    REQUEST_ID_STATE,
    SERVER_ANSWER,
    record_server_error,
    refused_request_line,
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


def with_path(url: bytes) -> bytes:
    """An absolute-form target without a path (`http://host` or `http://host?q`) has the path
    `/` (RFC 9112 3.2.2); httptools gives it none, which uvicorn cannot route."""
    if url.startswith(b"/"):
        return url  # origin-form, nearly every request
    parsed = httptools.parse_url(url)
    if parsed.schema is None or parsed.path is not None:
        return url
    authority, mark, query = url.partition(b"?")
    return authority + b"/" + mark + query


class UpgradeDecliningParser(httptools.HttpRequestParser):
    """httptools' parser, declining every upgrade offer (`Upgrade: h2c`, `websocket`), and
    refusing an HTTP/0.9 request line as soon as it ends.

    Given `Upgrade` and `Connection: upgrade`, httptools ends the request at its head, drops the
    body, and stops parsing the connection: the rest is "another protocol". The service speaks no
    other protocol, and HTTP lets a server ignore the offer: this parser hands the bytes after the
    head back to the protocol, which parses the request again without its `Upgrade` header.

    An HTTP/0.9 request is one line without a version (`GET /health`), and its client waits;
    httptools waits for headers that never come (a 408, where gunicorn answers 400 at once).
    """

    def __init__(self, protocol: "DeadlineHttpToolsProtocol") -> None:
        super().__init__(protocol)
        self.protocol = protocol
        self.set_dangerous_leniencies(lenient_data_after_close=True)  # as uvicorn's own parser

    def feed_data(self, data: bytes) -> None:
        try:
            super().feed_data(data)
        except httptools.HttpParserUpgrade as upgrade:
            self.protocol.parse_again_without_upgrade(bytes(data[upgrade.args[0] :]))
            return
        # A line ended inside a request's head and still no version: the request line had none.
        if data.endswith(b"\n") and self.protocol.in_head() and self.get_http_version() == "0.0":
            raise httptools.HttpParserError("HTTP/0.9 request")


class DeadlineHttpToolsProtocol(HttpToolsProtocol):
    """One instance per connection, as uvicorn's own."""

    refusal: ServiceError | None = None  # why the server refused the request, if it did
    refusal_pending = False  # to be written once the requests before it are answered
    running_cycle: Any = None  # the request the app is answering

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parser = UpgradeDecliningParser(self)
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

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        if len(self.url) > MAX_REQUEST_LINE_BYTES:  # refused before it is all buffered
            self.refuse(URITooLong())

    def on_headers_complete(self) -> None:
        method = self.scope["method"] = self.parser.get_method().decode("ascii")
        target = self.url.decode("latin-1")
        transfer_encoded = any(name == b"transfer-encoding" for name, _ in self.headers)
        version = self.parser.get_http_version()
        refusal = refused_request_line(method, target, version, transfer_encoded)
        if refusal is not None:
            self.refuse(refusal)
        self.url = with_path(self.url)
        super().on_headers_complete()

    def in_head(self) -> bool:
        """A request has begun and its head is not complete (on_headers_complete sets its
        method; on_message_begin starts a scope without one)."""
        return self.scope is not None and "method" not in self.scope

    def refuse(self, refusal: ServiceError) -> None:
        """Stop parsing: httptools turns the error into a parse error, which uvicorn answers
        with send_400_response, here with this refusal."""
        self.refusal = refusal
        raise refusal

    def _should_upgrade(self) -> bool:
        """uvicorn asks this when the parser takes a request for an upgrade; yes makes uvicorn
        leave that request alone (no app, no body), as UpgradeDecliningParser parses it again."""
        return True

    def parse_again_without_upgrade(self, rest: bytes) -> None:
        """The request as it arrived, but for its `Upgrade` header, and what followed it, fed to
        a fresh parser (httptools closes the connection's parser after an upgrade)."""
        method = self.parser.get_method()
        version = self.parser.get_http_version().encode("ascii")
        head = [method + b" " + self.url + b" HTTP/" + version]
        head += [name + b": " + value for name, value in self.headers if name != b"upgrade"]
        self.parser = UpgradeDecliningParser(self)
        self.parser.feed_data(b"\r\n".join(head) + b"\r\n\r\n" + rest)

    def _start_asgi_task(self, cycle: Any, app: Any) -> None:
        self.running_cycle = cycle  # uvicorn keeps only the newest request's, in self.cycle
        super()._start_asgi_task(cycle, app)

    def send_400_response(self, msg: str) -> None:
        self.disarm_deadline()
        if self.transport.is_closing() or self.refusal_pending:
            return
        refusal = self.refusal or MalformedRequest()
        if self.pipeline and self.pipeline[0][0] is self.cycle and self.cycle.more_body:
            self.pipeline.popleft()  # queued, and its own body is at fault: it never runs
            self.cycle = self.pipeline[0][0] if self.pipeline else self.running_cycle
        earlier = self.pipeline[0][0] if self.pipeline else self.running_cycle
        if earlier is None or earlier.response_complete or earlier.more_body:
            self.answer_and_close(refusal)  # nothing unanswered before it, or its body at fault
        else:
            self.refuse_after(earlier, refusal)

    def refuse_after(self, earlier: Any, refusal: ServiceError) -> None:
        """A pipelined request could not be read, behind requests that were: those are answered
        first, in order, and the refusal after the last of them. (Answered at once, it would
        replace the answer to a request the app is running: a stored prediction answered 400.)"""
        self.refusal_pending = True
        answered = earlier.on_response

        def then_refuse() -> None:
            answered()
            if not self.transport.is_closing():
                self.answer_and_close(refusal)

        earlier.on_response = then_refuse

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
