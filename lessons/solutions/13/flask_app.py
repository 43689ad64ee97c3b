"""Exercise 13, solved: the Flask twin guarded by an API-key request hook."""

import functools

from admin import ADMIN_KEY_HEADER, check_admin_key
from flask import Flask, jsonify, request
from pydantic import SecretStr, ValidationError

from shared.contract.errors import Unauthorized, validation_error_body
from shared.contract.security import API_KEY_HEADER, check_api_key
from shared.core.model import Predictor
from shared.core.schemas import Patient

OPEN_PATHS = {"/health"}  # what a load balancer probes without a key


def admin_only(route):
    """Flask's counterpart of a dependency on one route: a decorator that runs before it."""

    @functools.wraps(route)
    def guarded(*args, **kwargs):
        if not check_admin_key(request.headers.get(ADMIN_KEY_HEADER)):
            return jsonify({"detail": "Admin key required"}), 403
        return route(*args, **kwargs)

    return guarded


def create_app(predictor: Predictor, api_key: str) -> Flask:
    app = Flask(__name__)
    key = SecretStr(api_key)

    # Flask's middleware for one app: a hook that runs before every request's route. A response
    # returned here is the answer, and the route never runs.
    @app.before_request
    def require_api_key():
        if request.path not in OPEN_PATHS:
            try:
                check_api_key(key, request.headers.getlist(API_KEY_HEADER))
            except Unauthorized as error:
                return jsonify(error.body()), error.status_code
        return None

    @app.get("/health")
    def health():
        return jsonify({"status": "ok"})

    @app.post("/predict")
    def predict():
        try:
            patient = Patient.model_validate(request.get_json())
        except ValidationError as error:
            return jsonify(validation_error_body(error.errors(), ("body",))), 422
        return jsonify(predictor.predict_one(patient).model_dump())

    @app.post("/admin/reload")
    @admin_only
    def reload_model():
        return jsonify({"status": "reloaded"})

    return app
