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
- a chunked body gunicorn cannot parse is a 400 here, before the app reads it;
- the errors gunicorn answers itself are the contract's JSON with an X-Request-ID, an access line
  and a count in `/metrics`, like the app's own.
"""

import contextlib
import io
import time
from functools import cache
from typing import Any

import gevent
from gunicorn.http.errors import LimitRequestHeaders, LimitRequestLine, ParseException
from gunicorn.workers.ggevent import GeventWorker

from shared.contract.errors import (
    HeadersTooLarge,
    IncompleteBody,
    MalformedRequest,
    PayloadTooLarge,
    RequestTimeout,
    URITooLong,
)
from shared.contract.server_errors import record_server_error, request_id_in, server_error_answer
from shared.core.errors import ServiceError
from shared.core.settings import Settings

# gunicorn's parse errors that are the client's fault, and what the client is told.
CLIENT_ERRORS: tuple[tuple[type[Exception], type[ServiceError]], ...] = (
    (LimitRequestLine, URITooLong),
    (LimitRequestHeaders, HeadersTooLarge),
    (ParseException, MalformedRequest),
)
READ_SIZE = 64 * 1024
TURN_SECONDS = 1e-6  # gevent.sleep(0) may resume this greenlet before the loop looks for I/O


@cache
def server_settings() -> Settings:
    """Read once per worker, from the same environment as the app's settings."""
    return Settings()


class BodyTooLarge(Exception):
    """The body grew past MAX_BODY_BYTES while it was read."""


class BodyCutShort(Exception):
    """The connection ended before the Content-Length the request announced had arrived."""


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
        declared = getattr(req.body.reader, "length", None)  # None when chunked
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
