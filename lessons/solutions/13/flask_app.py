"""Exercise 13, solved: the Flask twin guarded by an API-key request hook."""

from flask import Flask, jsonify, request
from pydantic import SecretStr, ValidationError

from shared.errors import Unauthorized, validation_error_body
from shared.model import Predictor
from shared.schemas import Patient
from shared.security import API_KEY_HEADER, check_api_key

OPEN_PATHS = {"/health"}  # what a load balancer probes without a key


def create_app(predictor: Predictor, api_key: str) -> Flask:
    app = Flask(__name__)
    key = SecretStr(api_key)

    # Flask's middleware for one app: a hook that runs before every request's route. A response
    # returned here is the answer, and the route never runs.
    @app.before_request
    def require_api_key():
        if request.path not in OPEN_PATHS:
            try:
                check_api_key(key, request.headers.get(API_KEY_HEADER))
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

    return app
