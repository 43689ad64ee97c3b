"""One table from exceptions to the contract's JSON answers."""

import inspect
import logging

from flask import Flask, Response, current_app, request
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from flask_service.app.responses import json_response
from shared.contract.errors import (
    MALFORMED_JSON_TYPES,
    MalformedJSON,
    error_for_status,
    validation_error_body,
)
from shared.core.errors import ServiceError

logger = logging.getLogger(__name__)


def error_response(error: ServiceError) -> Response:
    return json_response(error.body(), error.status_code)


def handle_service_error(error: ServiceError) -> Response:
    return error_response(error)


def request_part(error: ValidationError) -> str:
    """Where the invalid input came from: "body", "query" or "path", as FastAPI's `loc` says.

    flask-openapi3 names a view's parameters after the part they read (`body: Patient`,
    `query: PageQuery`), and the error's title is the model that failed: the signature says where.
    """
    view = current_app.view_functions[request.endpoint]
    for part, parameter in inspect.signature(view).parameters.items():
        if getattr(parameter.annotation, "__name__", None) == error.title:
            return part
    return "body"


def handle_validation_error(error: ValidationError) -> Response:
    """flask-openapi3's callback for input that breaks the schema. Its `loc` has no part
    ("body", "query", ...) in front: added here. Without input and context each issue is plain
    JSON (`error.json()` fails on a lone surrogate, which is malformed JSON text to us)."""
    issues = error.errors(include_input=False, include_context=False, include_url=False)
    if any(issue["type"] in MALFORMED_JSON_TYPES for issue in issues):
        return error_response(MalformedJSON())
    return json_response(validation_error_body(issues, (request_part(error),)), 422)


def handle_http_error(error: HTTPException) -> Response:
    """Werkzeug's own errors (unknown path, wrong method, unreadable or oversized body)."""
    response = error_response(error_for_status(error.code or 500))
    if error.response is None:
        response.headers.update(error.get_headers())
        response.headers["Content-Type"] = "application/json"
    return response


def handle_unexpected_error(error: Exception) -> Response:
    logger.exception("unhandled error on %s %s", request.method, request.path, exc_info=error)
    return error_response(ServiceError())


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(ServiceError, handle_service_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected_error)
