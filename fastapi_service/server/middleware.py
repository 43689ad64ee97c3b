"""The server layer's middleware: the request limits, and request id, access log and metrics for
every request, installed by the app factory with `install_middleware`.

Pure ASGI (not `BaseHTTPMiddleware`) because it wraps the app without copying each request into a
new task: it is the cheaper of the two, and it sees every response, errors included.
"""

import time

from fastapi import FastAPI
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute, Match, Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fastapi_service.app.errors import error_response
from fastapi_service.server.cors import ContractCORSMiddleware
from shared.contract.errors import NotFound, PayloadTooLarge
from shared.contract.metrics import UNMATCHED_ROUTE
from shared.contract.server_errors import REQUEST_ID_STATE, SERVER_ANSWER
from shared.contract.web import (
    CORS_EXPOSED_HEADERS,
    CORS_METHODS,
    CORS_REQUEST_HEADERS,
    REQUEST_ID_HEADER,
    check_request_head,
    log_access,
    request_id_from,
)
from shared.core.errors import ServiceError
from shared.core.settings import Settings


def route_template(scope: Scope) -> str:
    """The template of the route that handled the request, as the OpenAPI document spells it
    (`/predictions/{prediction_id}`: `path_format`, without the `:int` convertor that `path`
    keeps; a mount such as `/static` by its prefix), read after the app ran. A path that matched
    only without its method (405) counts as unmatched, as in Flask."""
    route = scope.get("route") or plain_route(scope)
    methods = getattr(route, "methods", None)
    if route is None or (methods and scope["method"] not in methods):
        return UNMATCHED_ROUTE
    return route.path if isinstance(route, Mount) else route.path_format


def plain_route(scope: Scope) -> BaseRoute | None:
    """FastAPI leaves the matched route in `scope["route"]` for its API routes only. A mount
    (`/static`) or a plain route (`/openapi.json`) is found again as the router found it, from
    the root path the request arrived with (a mount moves `root_path` to its own prefix)."""
    arrived = {**scope, "root_path": scope.get("app_root_path", scope.get("root_path", ""))}
    for route in scope["app"].routes:
        if isinstance(route, Mount | Route) and route.matches(arrived)[0] is Match.FULL:
            return route
    return None


def record_metrics(scope: Scope, status: int, started: float) -> None:
    state = scope["app"].state
    predictor = state.predictor
    state.metrics.observe_request(
        scope["method"],
        route_template(scope),
        status,
        time.perf_counter() - started,
        predictor.version if predictor else None,
        scope.get("state", {}).get("prediction_rows", 1),  # set on request.state by a route
    )


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = request_id_from(Headers(scope=scope).get(REQUEST_ID_HEADER))
        # One id for the request, should the server answer it itself (see deadline.py).
        request_id = scope.setdefault("state", {}).setdefault(REQUEST_ID_STATE, request_id)
        status = 500  # what the client gets if the app fails before it answers
        counted = False

        def count() -> None:
            nonlocal counted
            counted = True
            answered = scope["state"].get(SERVER_ANSWER, status)  # the server answered instead
            log_access(request_id, scope["method"], scope["path"], answered, started)
            record_metrics(scope, answered, started)

        async def send_with_request_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                # Counted before the last bytes leave, as Flask's after_request does: a client
                # that reads its answer and then scrapes /metrics finds its request there.
                count()
            await send(message)

        try:
            await self.app(scope, receive, send_with_request_id)
        finally:
            if not counted:  # the app failed, or the server answered for it (deadline.py)
                count()


class RequestLimitsMiddleware:
    """Refuse a URL or headers over the limits (414, 431), a path with a trailing slash (404: no
    route has one, and the static files would serve `index.html/` as `index.html`), then a body
    over the limit (413): at once when Content-Length says so, else while it streams. A `Range`
    header is ignored (RFC 9110 14.2 allows it): every answer is whole, 200, in both services.

    FastAPI has a `max_body_size` of its own, but it answers in plain text; the contract wants JSON.
    """

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        try:
            check_request_head(len(scope["path"]) + len(scope["query_string"]), headers.items())
        except ServiceError as error:
            await error_response(error)(scope, receive, send)
            return
        if scope["path"] != "/" and scope["path"].endswith("/"):
            await error_response(NotFound())(scope, receive, send)
            return
        # In place: the request context outside reads the route the router leaves in `scope`.
        scope["headers"] = [(name, value) for name, value in scope["headers"] if name != b"range"]
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            await error_response(PayloadTooLarge())(scope, receive, send)
            return
        received = 0

        async def receive_with_limit() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_body_bytes:
                # An HTTPException passes through FastAPI's body reading to our handlers.
                raise HTTPException(status_code=PayloadTooLarge.status_code)
            return message

        async def send_without_ranges(message: Message) -> None:
            if message["type"] == "http.response.start":
                del MutableHeaders(scope=message)["accept-ranges"]  # Starlette's static files
            await send(message)

        await self.app(scope, receive_with_limit, send_without_ranges)


def install_middleware(app: FastAPI, settings: Settings) -> None:
    """The middleware around every request. The last added is the outermost: the request
    context sees every answer, the limits' refusals and CORS's included."""
    if settings.cors_origins:
        app.add_middleware(
            ContractCORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=CORS_METHODS,
            allow_headers=CORS_REQUEST_HEADERS,
            expose_headers=CORS_EXPOSED_HEADERS,
        )
    app.add_middleware(RequestLimitsMiddleware, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(RequestContextMiddleware)
