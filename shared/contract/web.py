"""HTTP concerns both services share, written once and free of any web framework.

The adapters call these from their own idioms (FastAPI dependencies and ASGI middleware, Flask
request hooks), so both services answer the same way.
"""

import atexit
import json
import logging
import queue
import re
import secrets
import threading
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from logging.handlers import QueueHandler
from typing import Any

from shared.contract.errors import (
    EmptyBody,
    HeadersTooLarge,
    UnsupportedContentEncoding,
    UnsupportedMediaType,
    URITooLong,
)

REQUEST_ID_HEADER = "X-Request-ID"
# A client's request id is echoed only when short and plain, so it is safe in logs and headers.
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})

# Limits on the request head (URL and headers), gunicorn's defaults (--limit-request-line,
# --limit-request-fields, --limit-request-field_size): gunicorn enforces them itself, uvicorn has
# no such flags, so both apps check them too and answer the same 414 / 431 JSON.
MAX_URL_BYTES = 4094
MAX_HEADER_FIELDS = 100
MAX_HEADER_FIELD_BYTES = 8190

# CORS, when origins are configured: what a browser page on another origin may send and read.
CORS_METHODS = ["GET", "POST", "PUT", "DELETE"]
CORS_REQUEST_HEADERS = ["Content-Type", "X-API-Key", "X-Request-ID"]
CORS_EXPOSED_HEADERS = ["Location", "X-Request-ID"]

# Request headers a browser may send without asking (Starlette's CORSMiddleware allows them too).
CORS_SAFELISTED_HEADERS = ["Accept", "Accept-Language", "Content-Language", "Content-Type"]

# The pages a browser renders (`/`, `/docs`): their scripts, styles and calls come from this
# origin only, no other site may frame them (clickjacking), and a browser must trust the
# Content-Type rather than guess one from the bytes. Swagger UI's stylesheet draws its icons from
# data: URIs, and the UI sets some styles inline.
PAGE_SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
    "style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
}

access_logger = logging.getLogger("access")


def cors_preflight_allowed(
    origins: list[str], origin: str, method: str, requested_headers: str
) -> bool:
    """Starlette's rule for a preflight: the exact origin, an allowed method, allowed headers."""
    allowed_headers = {name.lower() for name in CORS_SAFELISTED_HEADERS + CORS_REQUEST_HEADERS}
    headers = {name.strip().lower() for name in requested_headers.split(",") if name.strip()}
    return origin in origins and method in CORS_METHODS and headers <= allowed_headers


def request_id_from(header_value: str | None) -> str:
    """The client's X-Request-ID when it is safe to echo, otherwise a fresh one."""
    # Surrounding spaces are not part of a header's value (RFC 9110, 5.5); one server strips
    # them, the other does not, so both services strip them here.
    header_value = (header_value or "").strip(" \t")
    if _SAFE_REQUEST_ID.fullmatch(header_value):
        return header_value
    return secrets.token_hex(16)  # 32 hex digits, as uuid4().hex, without building a UUID


def is_json_content_type(content_type: str | None) -> bool:
    """`application/json` or an `application/*+json` type, parameters (charset) ignored."""
    mimetype = (content_type or "").split(";", 1)[0].strip().lower()
    return mimetype == "application/json" or (
        mimetype.startswith("application/") and mimetype.endswith("+json")
    )


def check_request_head(target_length: int, headers: Iterable[tuple[str, str]]) -> None:
    """Refuse a URL (path and query) or headers over the limits, and a body in an encoding the
    services do not read, before anything else runs."""
    if target_length > MAX_URL_BYTES:
        raise URITooLong()
    headers = list(headers)
    if len(headers) > MAX_HEADER_FIELDS or any(
        len(name) + len(value) + 2 > MAX_HEADER_FIELD_BYTES for name, value in headers
    ):
        raise HeadersTooLarge()
    check_content_encoding(value for name, value in headers if name.lower() == "content-encoding")


def check_content_encoding(values: Iterable[str]) -> None:
    """A body is read as it arrives: one labelled gzip (or any coding but identity) would be
    parsed as if it were not, so it is refused (415), as RFC 9110 (8.4) advises."""
    codings = (coding.strip().lower() for value in values for coding in value.split(","))
    if any(coding not in ("", "identity") for coding in codings):
        raise UnsupportedContentEncoding()


def check_json_request(method: str, content_type: str | None, body: bytes) -> None:
    """A request that carries a body must declare JSON and must not be empty."""
    if method not in BODY_METHODS:
        return
    if not is_json_content_type(content_type):
        raise UnsupportedMediaType()
    if not body:  # whitespace alone is not empty: it is malformed JSON, as in FastAPI
        raise EmptyBody()


def dumps(content: Any) -> bytes:
    """The one JSON encoding of both services: compact, UTF-8, and no NaN or Infinity (not JSON)."""
    return json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()


class JSONLine:
    """A log message encoded only when a handler writes it: in the log's writer thread, not the
    request's (see `configure_logging`)."""

    def __init__(self, fields: dict[str, Any]) -> None:
        self.fields = fields

    def __str__(self) -> str:
        return json.dumps(self.fields)


def log_access(request_id: str, method: str, path: str, status: int, started: float) -> None:
    """One JSON line per request. `started` is a `time.perf_counter()` reading."""
    record = {
        "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "request_id": request_id,
        "method": method,
        "path": path,
        "status": status,
        "duration_ms": round((time.perf_counter() - started) * 1000, 3),
    }
    access_logger.info("%s", JSONLine(record))


class RecordQueueHandler(QueueHandler):
    """Puts the record itself on the queue. The standard QueueHandler formats it first, in the
    caller's thread, so that it could cross to another process; ours stay in this one."""

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        return record


class LogWriter(threading.Thread):
    """Writes the queued records every WRITE_EVERY_SECONDS, all of them in one write.

    The standard library's QueueListener wakes for every record: under load that is a thread
    switch per request, each taking the interpreter from the event loop: about 7 % of the FastAPI
    service's CPU per request on one core (issue 23). Waking twenty times a second costs nothing
    measurable; a line reaches stderr at most that much later."""

    WRITE_EVERY_SECONDS = 0.05

    def __init__(self, records: queue.SimpleQueue, handler: logging.StreamHandler) -> None:
        super().__init__(name="log-writer", daemon=True)
        self.records = records
        self.handler = handler
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(self.WRITE_EVERY_SECONDS):
            self.write_queued()
        self.write_queued()  # stopped: what was queued until then is written too

    def write_queued(self) -> None:
        lines = []
        while True:
            try:
                record = self.records.get_nowait()
            except queue.Empty:
                break
            try:
                lines.append(self.handler.format(record) + "\n")
            except Exception:  # a record that cannot be formatted is reported, not fatal
                self.handler.handleError(record)
        if lines:
            try:
                self.handler.stream.write("".join(lines))
                self.handler.flush()
            except OSError:  # stderr is gone (a closed pipe): there is no one to tell
                pass

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=1)
        self.write_queued()  # should the thread be gone (stopped with its process's others)


class OneLineFormatter(logging.Formatter):
    """Messages as they are (access lines are JSON already), but a record that carries an
    exception becomes one JSON line with its traceback inside: a multi-line traceback in a stream
    of JSON lines breaks every log shipper that reads one line as one event."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if not record.exc_info:
            return message
        return json.dumps(
            {
                "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                    timespec="milliseconds"
                ),
                "level": record.levelname,
                "logger": record.name,
                "message": message,
                "traceback": self.formatException(record.exc_info),
            }
        )


def configure_logging(level: str) -> None:
    """Messages on stderr, one line each, at the configured level.

    A request only puts its log record on a queue; a writer thread (`LogWriter`) formats and
    writes the queued records in batches, so the encoding and the write to stderr leave the
    request's path: a stderr that blocks (a full pipe, a slow log collector) no longer stalls
    the event loop. At exit (`atexit`: a worker's normal end, after SIGTERM too) the writer
    writes what is still queued, then stops: no line is lost. Done once per process: when
    logging is already set up (by pytest, or by a first app in this process), this only sets the
    level, as `basicConfig` would.
    """
    root = logging.getLogger()
    if not root.handlers:
        records: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
        stderr = logging.StreamHandler()
        stderr.setFormatter(OneLineFormatter())
        writer = LogWriter(records, stderr)
        root.addHandler(RecordQueueHandler(records))
        writer.start()
        atexit.register(writer.stop)
    root.setLevel(level.upper())
