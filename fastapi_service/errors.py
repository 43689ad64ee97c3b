"""One table from exceptions to the contract's JSON answers."""

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException

from fastapi_service.responses import JSONResponse
from shared.errors import (
    MALFORMED_JSON_TYPES,
    MalformedJSON,
    ServiceError,
    error_for_status,
    validation_error_body,
)

logger = logging.getLogger(__name__)


def error_response(error: ServiceError) -> JSONResponse:
    return JSONResponse(error.body(), status_code=error.status_code)


async def handle_service_error(request: Request, error: ServiceError) -> JSONResponse:
    return error_response(error)


async def handle_validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
    errors = error.errors()
    if any(issue["type"] in MALFORMED_JSON_TYPES for issue in errors):
        return error_response(MalformedJSON())
    return JSONResponse(validation_error_body(errors), status_code=422)


async def handle_http_error(request: Request, error: HTTPException) -> JSONResponse:
    """Starlette's own errors (unknown path, wrong method, unreadable or oversized body)."""
    response = error_response(error_for_status(error.status_code))
    response.headers.update(error.headers or {})
    return response


async def handle_unexpected_error(request: Request, error: Exception) -> JSONResponse:
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    return error_response(ServiceError())


def register_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ServiceError, handle_service_error)
    app.add_exception_handler(RequestValidationError, handle_validation_error)
    app.add_exception_handler(HTTPException, handle_http_error)
    app.add_exception_handler(Exception, handle_unexpected_error)
