"""gunicorn settings its command line cannot express (`make run-flask` passes `--config` this file).

1. gunicorn answers some requests itself, before the app sees them: a request line over
   --limit-request-line (414), too many or too long headers (431), a malformed request (400).
   It writes those as HTML through `gunicorn.util.write_error`, naming the limit it hit; we
   replace that one function so they are the contract's `{"detail": "..."}` JSON, as the app's.
2. gunicorn sends `Server: gunicorn` on every response and has no flag to stop it; uvicorn runs
   with --no-server-header. A server's name (and a version, elsewhere) helps only an attacker.

Both are small patches of gunicorn's own module attributes, applied here in the arbiter before
the workers fork, so every worker inherits them. gunicorn reads one config file only, so the
server hooks of the metrics are named here too: gunicorn finds a hook by its name in this module.
"""

import socket

from gunicorn import util
from gunicorn.http import wsgi

from flask_service.gunicorn_hooks import child_exit, on_exit  # noqa: F401 (hooks, by name)
from shared.errors import ERROR_FOR_STATUS, ServiceError
from shared.web import dumps

# The errors gunicorn raises itself; any other status it writes gets a generic detail.
SERVER_ERRORS = {status: ERROR_FOR_STATUS[status] for status in (414, 431)}


def write_json_error(sock: socket.socket, status_int: int, reason: str, mesg: str) -> None:
    """`util.write_error`'s signature; `mesg` (which may echo the request) is left out."""
    error_class = SERVER_ERRORS.get(status_int)
    error = error_class() if error_class else ServiceError(reason, status_code=status_int)
    body = dumps(error.body())
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin-1") + body)


class Response(wsgi.Response):
    """gunicorn's response without its `Server` header."""

    def default_headers(self) -> list[str]:
        return [line for line in super().default_headers() if not line.startswith("Server:")]


util.write_error = write_json_error
wsgi.Response = Response
