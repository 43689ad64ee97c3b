"""The server layer's request hooks: the request limits, and request id, access log and metrics
for every request, installed by the app factory with `install_middleware`."""

import re
import time

from flask import Flask, Response, current_app, g, request

from flask_service.server.cors import install_cors
from shared.contract.errors import NotFound, PayloadTooLarge
from shared.contract.metrics import UNMATCHED_ROUTE
from shared.contract.web import REQUEST_ID_HEADER, check_request_head, log_access, request_id_from
from shared.core.settings import Settings

# `/static/<path:filename>` serves a folder: report its prefix, as FastAPI reports its Mount.
_FOLDER_SUFFIX = re.compile(r"/<path:[^>]+>$")
_RULE_VARIABLE = re.compile(r"<(?:[^:<>]+:)?([^:<>]+)>")


def route_template(rule: str | None) -> str:
    """The template of the route that handled the request, in FastAPI's spelling
    (`/predictions/<int:id>` becomes `/predictions/{id}`). No rule (404, 405): unmatched."""
    if rule is None:
        return UNMATCHED_ROUTE
    return _RULE_VARIABLE.sub(r"{\1}", _FOLDER_SUFFIX.sub("", rule))


def record_metrics(status: int, started: float) -> None:
    extensions = current_app.extensions
    predictor = extensions["predictor"]
    extensions["metrics"].observe_request(
        request.method,
        route_template(request.url_rule.rule if request.url_rule else None),
        status,
        time.perf_counter() - started,
        predictor.version if predictor else None,
        g.get("prediction_rows", 1),  # set on g by a route
    )


def check_chunked_body_size() -> None:
    """Werkzeug refuses a body whose Content-Length is over MAX_CONTENT_LENGTH (413), but stops
    reading a chunked one at the limit without an error: the truncated body would be "malformed
    JSON". (A chunked body of exactly the limit is refused too: Werkzeug cannot tell it apart.)"""
    limit = request.max_content_length
    chunked = request.content_length is None and limit is not None
    if chunked and len(request.get_data(cache=True)) >= limit:
        raise PayloadTooLarge()


def start_request() -> None:
    g.started = time.perf_counter()
    g.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
    check_request_head(len(request.path) + len(request.query_string), request.headers.items())
    # No route has a trailing slash, and the static files would serve `index.html/` as `index.html`.
    if request.path != "/" and request.path.endswith("/"):
        raise NotFound()
    ignore_range()
    check_chunked_body_size()


def ignore_range() -> None:
    """A `Range` header is ignored (RFC 9110 14.2 allows it): every answer is whole, 200, as in
    the FastAPI twin. Werkzeug's static files read it from the environ when they answer."""
    request.environ.pop("HTTP_RANGE", None)


def offer_no_ranges(response: Response) -> Response:
    response.headers.pop("Accept-Ranges", None)  # Werkzeug's static files offer them
    return response


def finish_request(response: Response) -> Response:
    response.headers[REQUEST_ID_HEADER] = g.request_id
    log_access(g.request_id, request.method, request.path, response.status_code, g.started)
    record_metrics(response.status_code, g.started)
    return response


def install_middleware(app: Flask, settings: Settings) -> None:
    """The hooks around every request, CORS's included when origins are configured. Flask runs
    `after_request` hooks in reverse order: the request context's, registered first, runs last
    and sees every answer."""
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.before_request(start_request)
    app.after_request(finish_request)
    app.after_request(offer_no_ranges)
    if settings.cors_origins:
        install_cors(app, settings.cors_origins)  # after the hooks: a preflight gets its id
