"""Answers the HTTP servers write themselves, made the app's: JSON, a request id, a log line.

Some requests never reach the app: uvicorn and gunicorn answer a request they cannot parse, and
(with fastapi_service/server/deadline.py and flask_service/server/deadline.py) one that does not
arrive in time. Left alone, those answers were plain text or HTML, without `X-Request-ID`, absent
from the access log and from `/metrics`: the errors a hostile client causes were the ones nobody
saw. Both servers' hooks call these two functions, so both services answer and record them alike.
"""

import time
from collections.abc import Iterable
from http import HTTPStatus

from shared.contract.errors import MalformedRequest, URITooLong
from shared.contract.metrics import UNMATCHED_ROUTE, ServiceMetrics
from shared.contract.web import (
    MAX_URL_BYTES,
    REQUEST_ID_HEADER,
    dumps,
    log_access,
    request_id_from,
)
from shared.core.errors import ServiceError

SERVER_ANSWER = "server_answer"
"""Where the server notes, in a request's `scope["state"]`, the status it answered itself while
the app still held the request (a body that stopped arriving): the app's middleware records that
status instead of the one the app tried to send to a client that was gone."""


REQUEST_ID_STATE = "request_id"
"""The request id the app's middleware chose, in `scope["state"]` (Starlette's `request.state`),
so that the server's own answer to that request carries the same one."""


# gunicorn's limit on the request line (`--limit-request-line`, method, target and version);
# uvicorn has none, so fastapi_service/server/deadline.py applies the same number.
MAX_REQUEST_LINE_BYTES = MAX_URL_BYTES
SERVED_HTTP_VERSIONS = frozenset({"1.0", "1.1"})
# The registered methods httptools, uvicorn's parser, can read. Any other token never reaches
# FastAPI's app (uvicorn answers 400), so Flask refuses it too; a method read but not served
# (TRACE, PROPFIND) is the app's 405, as on any route. CONNECT is left out: its target is a
# host:port for a proxy, and this is no proxy.
READABLE_METHOD_NAMES = (
    "DELETE GET HEAD POST PUT OPTIONS TRACE PATCH COPY LOCK MKCOL MOVE PROPFIND PROPPATCH SEARCH "
    "UNLOCK BIND REBIND UNBIND ACL REPORT MKACTIVITY CHECKOUT MERGE M-SEARCH NOTIFY SUBSCRIBE "
    "UNSUBSCRIBE PURGE MKCALENDAR LINK UNLINK SOURCE QUERY"
)
READABLE_METHODS = frozenset(READABLE_METHOD_NAMES.split())


def refused_request_line(
    method: str, target: str, version: str, transfer_encoded: bool
) -> ServiceError | None:
    """The refusal, if any, of a request HTTP allows or tolerates but the service does not serve,
    decided once for both servers, which call this before the app runs (README, "Protocol edges,
    decided alike"). `version` is "1.1"; `transfer_encoded`: a Transfer-Encoding header came."""
    if len(f"{method} {target} HTTP/{version}") > MAX_REQUEST_LINE_BYTES:
        return URITooLong()
    if version not in SERVED_HTTP_VERSIONS:  # HTTP/0.9, 1.2, 2.0 as text: not HTTP/1.x
        return MalformedRequest()
    if method not in READABLE_METHODS:  # CONNECT, made-up tokens
        return MalformedRequest()
    if target == "*" and method != "OPTIONS":  # asterisk-form is for OPTIONS only (RFC 9112)
        return MalformedRequest()
    if version == "1.0" and transfer_encoded:  # no chunked framing in HTTP/1.0 (RFC 9112 6.1)
        return MalformedRequest()
    return None


def request_id_in(headers: Iterable[tuple[str, str]]) -> str:
    """The client's X-Request-ID among raw headers (as far as they were parsed), or a new one."""
    wanted = REQUEST_ID_HEADER.lower()
    return request_id_from(next((v for name, v in headers if name.lower() == wanted), None))


def server_error_answer(error: ServiceError, request_id: str) -> bytes:
    """A complete HTTP/1.1 answer, ready for the socket. It closes the connection: after a
    request the server could not read, nothing on that connection can be trusted."""
    body = dumps(error.body())
    head = (
        f"HTTP/1.1 {error.status_code} {HTTPStatus(error.status_code).phrase}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        f"{REQUEST_ID_HEADER}: {request_id}\r\nConnection: close\r\n\r\n"
    )
    return head.encode("latin-1") + body


def record_server_error(
    metrics: ServiceMetrics | None,
    request_id: str,
    method: str | None,
    path: str | None,
    status: int,
    started: float,
) -> None:
    """The access line and the count the app's own middleware would have written. Its route is
    "unmatched": no route saw the request. `started` is a `time.perf_counter()` reading."""
    log_access(request_id, method or "-", path or "-", status, started)
    if metrics is not None:
        duration = time.perf_counter() - started
        metrics.observe_request(method or "-", UNMATCHED_ROUTE, status, duration, None)
