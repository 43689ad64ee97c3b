"""Exercise 13: the Flask twin. TODO: the same API-key check, as a request hook (see README.md)."""

import functools  # noqa: F401 (part 2)

from admin import ADMIN_KEY_HEADER, check_admin_key  # noqa: F401 (part 2)
from flask import Flask, jsonify, request
from pydantic import SecretStr, ValidationError

from shared.contract.errors import Unauthorized, validation_error_body  # noqa: F401 you will use it
from shared.contract.security import API_KEY_HEADER, check_api_key  # noqa: F401 (you will use them)
from shared.core.model import Predictor
from shared.core.schemas import Patient

OPEN_PATHS = {"/health"}  # what a load balancer probes without a key


def create_app(predictor: Predictor, api_key: str) -> Flask:
    app = Flask(__name__)
    key = SecretStr(api_key)  # noqa: F841 (you will use it)

    # TODO: a function registered with @app.before_request that answers 401 {"detail": ...} to
    # any request outside OPEN_PATHS whose X-API-Key header is not `key` (return a response to
    # stop the request there).

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

    # TODO (part 2): only an admin may reload. Require X-Admin-Key on this route alone, with a
    # decorator of your own (@admin_only, under @app.post) that answers 403 when it is wrong.
    @app.post("/admin/reload")
    def reload_model():
        return jsonify({"status": "reloaded"})

    return app
