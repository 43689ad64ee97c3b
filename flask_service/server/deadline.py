"""gunicorn's gevent worker, reading each request whole, within a deadline, before the app runs.

The launcher (launcher.py) makes it gunicorn's worker class.

Why gevent: each connection is a greenlet, so a client that sends half a request and stalls holds
a few kilobytes, not one of a handful of threads, and the others keep being served (lesson 13
shows what stalled clients did to a threaded worker). On top of gunicorn's gevent worker, which
already gives a head `keepalive` seconds to arrive:

- each request first gives the event loop a turn, so keep-alive clients that never pause do
  not starve new connections;
- the body is read here, whole, within `REQUEST_TIMEOUT_SECONDS` (else 408), and at most
  MAX_BODY_BYTES of it (else 413): the app then reads it from memory, never from a slow socket;
- a chunked body gunicorn cannot parse is a 400 here, before the app reads it, and so is a chunk
  size no 64-bit length can hold (gunicorn would wait for that many bytes);
- `Expect: 100-continue` is answered `100 Continue` before the body is read (gunicorn sends its
  100 when the app starts, after that read), and not at all before a 413;
- a request line the service does not serve is refused and an upgrade offer declined, as the
  FastAPI twin does (shared/contract/server_errors.py decides which, for both servers);
- the errors gunicorn answers itself are the contract's JSON with an X-Request-ID, an access line
  and a count in `/metrics`, like the app's own.
"""

import contextlib
import io
import time
from functools import cache
from typing import Any

import gevent
from gunicorn.http.body import Body, ChunkedReader
from gunicorn.http.errors import (
    InvalidChunkSize,
    LimitRequestHeaders,
    LimitRequestLine,
    ParseException,
)
from gunicorn.workers.ggevent import GeventWorker

from shared.contract.errors import (
    HeadersTooLarge,
    IncompleteBody,
    MalformedRequest,
    PayloadTooLarge,
    RequestTimeout,
    URITooLong,
)
from shared.contract.server_errors import (
    record_server_error,
    refused_request_line,
    request_id_in,
    server_error_answer,
)
from shared.core.errors import ServiceError
from shared.core.settings import Settings

# gunicorn's parse errors that are the client's fault, and what the client is told.
CLIENT_ERRORS: tuple[tuple[type[Exception], type[ServiceError]], ...] = (
    (LimitRequestLine, URITooLong),
    (LimitRequestHeaders, HeadersTooLarge),
    (ParseException, MalformedRequest),
)
READ_SIZE = 64 * 1024
MAX_CHUNK_SIZE = 2**64 - 1  # the largest uvicorn's parser (llhttp) reads; larger is a 400 there
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
TURN_SECONDS = 1e-6  # gevent.sleep(0) may resume this greenlet before the loop looks for I/O


@cache
def server_settings() -> Settings:
    """Read once per worker, from the same environment as the app's settings."""
    return Settings()


class BodyTooLarge(Exception):
    """The body grew past MAX_BODY_BYTES while it was read."""


class BodyCutShort(Exception):
    """The connection ended before the Content-Length the request announced had arrived."""


class BoundedChunkedReader(ChunkedReader):
    """gunicorn's chunked reader, refusing at once a chunk size beyond MAX_CHUNK_SIZE."""

    def parse_chunk_size(self, unreader: Any, data: bytes | None = None) -> tuple[int, Any]:
        size, rest = super().parse_chunk_size(unreader, data)
        if size > MAX_CHUNK_SIZE:
            raise InvalidChunkSize(b"%x" % size)
        return size, rest


def serve_as_plain_http(req: Any) -> None:
    """Decline an upgrade offer (`Upgrade: h2c`, `websocket`): the request is served as if it had
    not made one (Werkzeug would refuse a WebSocket offer to a plain route with a 400). An
    absolute-form target without a path (`http://host`) has the path `/` (RFC 9112 3.2.2), not a
    redirect to it. An HTTP/1.0 connection closes after its answer, as uvicorn closes it."""
    req.headers = [(name, value) for name, value in req.headers if name != "UPGRADE"]
    if "://" in req.uri and not req.path:
        req.path = "/"
    if req.version < (1, 1):
        req.must_close = True


def answer_expectation(sock: Any, req: Any, reads_body: bool) -> None:
    """`Expect: 100-continue`: `100 Continue` now, when the body is about to be read, and never
    before a 413. gunicorn notes the expectation (HTTP/1.1 only) and would answer it when the app
    starts: after the body was read here, too late for a client that waits for it."""
    if req._expected_100_continue and reads_body:
        sock.sendall(CONTINUE)
    req._expected_100_continue = False  # answered here, or not to be answered


def read_body(request: Any, limit: int, declared: int | None) -> bytes:
    """The whole body, refused once it grows past `limit` (a chunked body says no length), or
    when the client stops sending before the length it declared."""
    chunks, size = [], 0
    while chunk := request.body.read(READ_SIZE):
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge()
        chunks.append(chunk)
    if declared is not None and size < declared:
        raise BodyCutShort()
    return b"".join(chunks)


class RequestDeadlineWorker(GeventWorker):
    def handle_request(self, listener_name: Any, req: Any, sock: Any, addr: Any) -> Any:
        started = time.perf_counter()
        # A keep-alive client whose next request is always waiting never makes this greenlet
        # block, so it would never let the others run: a new connection then waited seconds to
        # be accepted. A sleep of any length above 0 runs the event loop once (accepts, other
        # clients) before this request goes on.
        gevent.sleep(TURN_SECONDS)
        settings = server_settings()
        self.refuse_or_serve_plainly(sock, req, started)
        declared = getattr(req.body.reader, "length", None)  # None when chunked
        within_limit = declared is None or declared <= settings.max_body_bytes
        answer_expectation(sock, req, reads_body=within_limit and declared != 0)
        # A declared length over the limit is left to the app, which answers 413 unread.
        if declared is None or declared <= settings.max_body_bytes:
            try:
                with gevent.Timeout(settings.request_timeout_seconds):
                    req.body = io.BytesIO(read_body(req, settings.max_body_bytes, declared))
            except gevent.Timeout:
                self.answer_and_close(sock, RequestTimeout(), req, started)
            except BodyTooLarge:
                self.answer_and_close(sock, PayloadTooLarge(), req, started)
            except BodyCutShort:
                self.answer_and_close(sock, IncompleteBody(), req, started)
        return super().handle_request(listener_name, req, sock, addr)

    def refuse_or_serve_plainly(self, sock: Any, req: Any, started: float) -> None:
        """Refuse a request line the service does not serve, as the FastAPI twin does; serve any
        other as plain HTTP/1.x, its chunk sizes bounded."""
        version = ".".join(map(str, req.version))
        transfer_encoded = any(name == "TRANSFER-ENCODING" for name, _ in req.headers)
        refusal = refused_request_line(req.method, req.uri, version, transfer_encoded)
        if refusal is not None:
            self.answer_and_close(sock, refusal, req, started)
        serve_as_plain_http(req)
        if isinstance(req.body.reader, ChunkedReader):  # nothing read from it yet
            req.body = Body(BoundedChunkedReader(req, req.unreader))

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        """A request gunicorn could not parse gets the contract's 4xx; a failure of the server
        itself is logged with its traceback and gets the contract's 500, never gunicorn's HTML."""
        error_class = next((error for kind, error in CLIENT_ERRORS if isinstance(exc, kind)), None)
        if error_class is None:
            self.log.exception("Error handling request from ip=%s", (addr or ("-",))[0])
            error_class = ServiceError
        else:
            self.log.warning("Invalid request from ip=%s: %s", (addr or ("-",))[0], exc)
        req = req or getattr(exc, "req", None)
        with contextlib.suppress(OSError):  # the client may be gone already
            self.write_answer(client, error_class(), req, time.perf_counter())

    def answer_and_close(self, sock: Any, error: ServiceError, req: Any, started: float) -> None:
        self.write_answer(sock, error, req, started)
        raise StopIteration()  # gunicorn's way to end the connection after this request

    def write_answer(self, sock: Any, error: ServiceError, req: Any, started: float) -> None:
        request_id = request_id_in(getattr(req, "headers", None) or [])
        sock.sendall(server_error_answer(error, request_id))
        record_server_error(
            getattr(self.wsgi, "extensions", {}).get("metrics"),  # any WSGI app may run here
            request_id,
            getattr(req, "method", None),
            getattr(req, "path", None),
            error.status_code,
            started,
        )
