"""Your service, its Flask twin: one step more with each lesson (lessons/exercises/README.md)."""

import json
import os
from pathlib import Path
from typing import Any

import joblib
from flask import Flask, current_app, request
from pydantic import ValidationError
from schemas import PatientRequest, Prediction, echoed_fields

from shared.contract.errors import validation_error_body

MODEL_PATH = Path(os.environ.get("MODEL_PATH", "models/diabetes.joblib"))


def get_model() -> Any:
    """The model of the app serving this request: the one its factory was given or loaded."""
    return current_app.extensions["model"]


def create_app(model: Any = None) -> Flask:
    """The app, with the model loaded once, here, unless a test hands in its own."""
    app = Flask(__name__)
    app.extensions["model"] = joblib.load(MODEL_PATH) if model is None else model
    card = json.loads(MODEL_PATH.with_suffix(".json").read_text())  # the model card, lesson 02

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

    return app


# TODO (step 1): in create_app, `store = MemoryStore()` (from memory_store), and an exception
#   handler for ServiceError (from shared.core.errors) answering error.body() with its
#   error.status_code: the store raises PredictionNotFound, a 404.
# TODO (step 2): POST /predictions: predict, store.add(prediction), answer the record with 201
#   and its URL in the Location header, /predictions/<id>.
# TODO (step 3): GET /predictions/<id> answers store.get(id); DELETE answers 204, empty.
