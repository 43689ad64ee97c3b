"""Where flask-cors and Starlette's CORSMiddleware disagreed, Flask is brought to Starlette's side.

- Origins match exactly, as a browser serialises them: flask-cors compared them ignoring case and
  echoed `HTTPS://DASHBOARD.EXAMPLE` back as allowed.
- `Vary: Origin` on every answer to a request that carries an Origin: the answer depends on it,
  and a cache must not hand one origin's answer to another. flask-cors added it only when more
  than one origin is configured (`vary_header=False` leaves it to this module).
- A preflight (`OPTIONS` with `Access-Control-Request-Method`) is answered for any path, as the
  CORS policy is the same for every path: 200 when allowed (the real request then gets its own
  answer, a 404 the page can read), 400 in the contract's JSON when not. Flask answered 404 to
  a preflight for an unknown path, and 200 to a refused one.
"""

import re

from flask import Flask, Response, current_app, request
from flask_cors import CORS

from flask_service.app.errors import error_response
from shared.contract.errors import CORSPreflightRefused
from shared.contract.web import (
    CORS_EXPOSED_HEADERS,
    CORS_METHODS,
    CORS_REQUEST_HEADERS,
    cors_preflight_allowed,
)


def exact_origins(origins: list[str]) -> list[re.Pattern[str]]:
    """flask-cors takes a compiled pattern as is, without its case-insensitive comparison."""
    return [re.compile(re.escape(origin) + r"\Z") for origin in origins]


def answer_preflight() -> Response | None:
    method = request.headers.get("Access-Control-Request-Method")
    if request.method != "OPTIONS" or method is None or "Origin" not in request.headers:
        return None
    allowed = cors_preflight_allowed(
        current_app.extensions["settings"].cors_origins,
        request.headers["Origin"],
        method,
        request.headers.get("Access-Control-Request-Headers", ""),
    )
    if not allowed:
        return error_response(CORSPreflightRefused())
    return Response("OK", status=200, mimetype="text/plain")  # flask-cors adds its headers


def vary_on_origin(response: Response) -> Response:
    if "Origin" in request.headers:
        response.vary.add("Origin")
    return response


def install_cors(app: Flask, origins: list[str]) -> None:
    """flask-cors for these origins, with the hooks above."""
    CORS(
        app,
        origins=exact_origins(origins),
        methods=CORS_METHODS,
        allow_headers=CORS_REQUEST_HEADERS,
        expose_headers=CORS_EXPOSED_HEADERS,
        vary_header=False,  # added by `vary_on_origin` to every answer that depends on it
    )
    app.before_request(answer_preflight)
    app.after_request(vary_on_origin)
