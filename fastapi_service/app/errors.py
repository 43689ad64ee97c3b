"""One table from exceptions to the contract's JSON answers."""

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect
from starlette.responses import Response
from starlette.routing import Match

from fastapi_service.app.responses import ContractJSONResponse
from shared.contract.errors import (
    MALFORMED_JSON_TYPES,
    IncompleteBody,
    MalformedJSON,
    MethodNotAllowed,
    error_for_status,
    validation_error_body,
)
from shared.core.errors import ServiceError

logger = logging.getLogger(__name__)


def error_response(error: ServiceError) -> ContractJSONResponse:
    return ContractJSONResponse(error.body(), status_code=error.status_code)


async def handle_service_error(request: Request, error: ServiceError) -> ContractJSONResponse:
    return error_response(error)


async def handle_validation_error(
    request: Request, error: RequestValidationError
) -> ContractJSONResponse:
    errors = error.errors()
    if any(issue["type"] in MALFORMED_JSON_TYPES for issue in errors):
        return error_response(MalformedJSON())
    return ContractJSONResponse(validation_error_body(errors), status_code=422)


HTTP_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")


def allowed_methods(request: Request) -> str:
    """Every method some route serves at this path. Starlette's own 405 names only the methods
    of the first route that matched the path: `GET /predictions` and `POST /predictions` are two
    routes, so it said `Allow: POST` (schemathesis' allow_header_conformance check found it)."""
    routes = request.app.router.routes
    return ", ".join(
        method
        for method in HTTP_METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes
        )
    )


async def handle_http_error(request: Request, error: HTTPException) -> ContractJSONResponse:
    """Starlette's own errors (unknown path, wrong method, unreadable or oversized body)."""
    response = error_response(error_for_status(error.status_code))
    response.headers.update(error.headers or {})
    if error.status_code == MethodNotAllowed.status_code and allowed_methods(request):
        response.headers["Allow"] = allowed_methods(request)
    return response


async def handle_client_disconnect(request: Request, error: ClientDisconnect) -> Response:
    """The client left before its body arrived whole: nothing was acted on. No traceback: a
    client's choice is not a fault of the service."""
    logger.warning("incomplete body on %s %s", request.method, request.url.path)
    return error_response(IncompleteBody())


async def handle_unexpected_error(request: Request, error: Exception) -> ContractJSONResponse:
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    return error_response(ServiceError())


def register_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ServiceError, handle_service_error)
    app.add_exception_handler(RequestValidationError, handle_validation_error)
    app.add_exception_handler(HTTPException, handle_http_error)
    app.add_exception_handler(ClientDisconnect, handle_client_disconnect)
    app.add_exception_handler(Exception, handle_unexpected_error)
