"""Request hooks: request id and access log for every request."""

import time

from flask import Flask, Response, g, request

from shared.web import REQUEST_ID_HEADER, check_request_head, log_access, request_id_from


def start_request() -> None:
    g.started = time.perf_counter()
    g.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
    check_request_head(len(request.path) + len(request.query_string), request.headers.items())


def finish_request(response: Response) -> Response:
    response.headers[REQUEST_ID_HEADER] = g.request_id
    log_access(g.request_id, request.method, request.path, response.status_code, g.started)
    return response


def register_request_hooks(app: Flask) -> None:
    app.before_request(start_request)
    app.after_request(finish_request)
