"""Your service, its Flask twin: one step more with each lesson (lessons/exercises/README.md)."""

import json
import os
from pathlib import Path
from typing import Any

import joblib
from flask import Flask, current_app, request
from memory_store import MemoryStore
from pydantic import SecretStr, ValidationError
from schemas import PatientRequest, Prediction, echoed_fields

from shared.contract.errors import Unauthorized, validation_error_body
from shared.contract.security import API_KEY_HEADER, check_api_key
from shared.core.errors import ServiceError

MODEL_PATH = Path(os.environ.get("MODEL_PATH", "models/diabetes.joblib"))
OPEN_PATHS = {"/health"}  # what a load balancer probes without a key


def get_model() -> Any:
    """The model of the app serving this request: the one its factory was given or loaded."""
    return current_app.extensions["model"]


def create_app(model: Any = None) -> Flask:
    """The app, with the model loaded once, here, unless a test hands in its own."""
    app = Flask(__name__)
    app.extensions["model"] = joblib.load(MODEL_PATH) if model is None else model
    card = json.loads(MODEL_PATH.with_suffix(".json").read_text())  # the model card, lesson 02
    key = SecretStr(os.environ.get("API_KEY", ""))  # none configured: every request is refused

    @app.before_request
    def require_api_key():
        """Flask's middleware for one app: a hook before every request's route. A response
        returned here is the answer, and the route never runs."""
        if request.path not in OPEN_PATHS:
            try:
                check_api_key(key, request.headers.getlist(API_KEY_HEADER))
            except Unauthorized as error:
                return error.body(), error.status_code
        return None

    @app.get("/health")
    def health() -> dict:
        return {"status": "ok"}

    @app.post("/predict")
    def predict():
        try:
            patient = PatientRequest.model_validate(request.get_json())
        except ValidationError as error:  # the client's mistake: say which field, with 422
            return validation_error_body(error.errors(), ("body",)), 422
        value = float(get_model().predict(patient.row())[0])
        return Prediction(prediction=value, **echoed_fields(patient)).model_dump()

    @app.get("/features")
    def features() -> dict:
        names = ("name", "train_min", "train_max")
        return {"features": [{name: item[name] for name in names} for item in card["features"]]}

    store = MemoryStore()  # the predictions resource (the project keeps it in a database)

    @app.errorhandler(ServiceError)
    def service_error(error: ServiceError):
        """The domain's errors (PredictionNotFound: 404) in the contract's shape."""
        return error.body(), error.status_code

    @app.post("/predictions")
    def create_prediction():
        try:
            patient = PatientRequest.model_validate(request.get_json())
        except ValidationError as error:
            return validation_error_body(error.errors(), ("body",)), 422
        record = store.add(float(get_model().predict(patient.row())[0]))
        return record, 201, {"Location": f"/predictions/{record['id']}"}

    @app.get("/predictions/<int:prediction_id>")
    def get_prediction(prediction_id: int) -> dict:
        return store.get(prediction_id)

    @app.delete("/predictions/<int:prediction_id>")
    def delete_prediction(prediction_id: int):
        store.delete(prediction_id)
        return "", 204

    return app
