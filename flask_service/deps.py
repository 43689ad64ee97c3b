"""How a route gets what it needs: small accessors over `current_app.extensions`."""

from flask import current_app, request
from werkzeug.exceptions import BadRequest

from shared.errors import BodyNotAnObject, MalformedJSON, ModelNotReady
from shared.model import Predictor
from shared.settings import Settings
from shared.web import BODY_METHODS, check_json_request


def get_settings() -> Settings:
    return current_app.extensions["settings"]


def get_predictor() -> Predictor:
    predictor = current_app.extensions["predictor"]
    if predictor is None:
        raise ModelNotReady()
    return predictor


def require_json_body() -> None:
    """Refuse a body that is not declared JSON (415), is empty (400) or is not JSON (400)
    before validation."""
    check_json_request(request.method, request.content_type, request.get_data(cache=True))
    if request.method in BODY_METHODS:
        try:
            body = request.get_json()  # parsed once here; the route's validation reuses the cache
        except (BadRequest, RecursionError) as error:
            raise MalformedJSON() from error
        if not isinstance(body, dict):
            # flask-openapi3 would parse a JSON string body a second time, as JSON text.
            raise BodyNotAnObject()
