"""How a route gets what it needs: small accessors over `current_app.extensions`, and the models
flask-openapi3 reads path parameters from."""

from flask import current_app, g, request
from pydantic import BaseModel, Field
from werkzeug.exceptions import BadRequest

from shared.contract.errors import BodyNotAnObject, MalformedJSON
from shared.contract.openapi import MODEL_NAME_DOC, MODEL_VERSION_DOC, PREDICTION_ID_DOC
from shared.contract.security import API_KEY_HEADER, check_api_key
from shared.contract.web import BODY_METHODS, check_json_request
from shared.core.errors import ModelNotReady
from shared.core.model import Predictor
from shared.core.settings import Settings
from shared.core.store import PredictionStore


def get_settings() -> Settings:
    return current_app.extensions["settings"]


def get_predictor() -> Predictor:
    predictor = current_app.extensions["predictor"]
    if predictor is None:
        raise ModelNotReady()
    return predictor


def find_predictor() -> Predictor | None:
    """The loaded model, or None: the V2 routes say "not loaded" in the protocol's error shape."""
    return current_app.extensions["predictor"]


def get_store() -> PredictionStore:
    """This request's store on the process's engine, made on first use and kept on `g`;
    `close_store` gives its connection back."""
    if "store" not in g:
        g.store = PredictionStore(current_app.extensions["store_engine"])
    return g.store


def close_store(error: BaseException | None = None) -> None:
    """Registered with `teardown_appcontext`: Flask calls it when every request ends, errors
    included, so the connection always goes back to the pool."""
    store = g.pop("store", None)
    if store is not None:
        store.close()


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


def require_api_key() -> None:
    """401 unless X-API-Key is the configured key (and always 401 when none is configured)."""
    check_api_key(get_settings().api_key, request.headers.getlist(API_KEY_HEADER))


# Path parameters. flask-openapi3 reads them from models; the FastAPI twin from the signature.
class PredictionPath(BaseModel):
    prediction_id: int = Field(**PREDICTION_ID_DOC)


class ModelPath(BaseModel):
    name: str = Field(**MODEL_NAME_DOC)


class ModelVersionPath(ModelPath):
    version: str = Field(**MODEL_VERSION_DOC)
