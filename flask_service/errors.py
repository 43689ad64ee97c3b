"""One table from exceptions to the contract's JSON answers."""

import json
import logging

from flask import Flask, Response
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from shared.errors import ServiceError, error_for_status, validation_error_body
from shared.web import dumps

logger = logging.getLogger(__name__)


def json_response(content: object, status_code: int) -> Response:
    return Response(dumps(content), status=status_code, mimetype="application/json")


def error_response(error: ServiceError) -> Response:
    return json_response(error.body(), error.status_code)


def handle_service_error(error: ServiceError) -> Response:
    return error_response(error)


def handle_validation_error(error: ValidationError) -> Response:
    """flask-openapi3's callback for a body that breaks the schema. Its `loc` has no "body" part."""
    return json_response(validation_error_body(json.loads(error.json()), ("body",)), 422)


def handle_http_error(error: HTTPException) -> Response:
    """Werkzeug's own errors (unknown path, wrong method, unreadable or oversized body)."""
    response = error_response(error_for_status(error.code or 500))
    if error.response is None:
        response.headers.update(error.get_headers())
        response.headers["Content-Type"] = "application/json"
    return response


def handle_unexpected_error(error: Exception) -> Response:
    logger.exception("unhandled error", exc_info=error)
    return error_response(ServiceError())


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(ServiceError, handle_service_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected_error)
