"""Your service, its Flask twin: one step more with each lesson (lessons/exercises/README.md)."""

import json
import os
from pathlib import Path

import joblib
from flask import Flask, request
from pydantic import ValidationError
from schemas import PatientRequest, Prediction, echoed_fields

from shared.contract.errors import validation_error_body

MODEL_PATH = Path(os.environ.get("MODEL_PATH", "models/diabetes.joblib"))

model = joblib.load(MODEL_PATH)
card = json.loads(MODEL_PATH.with_suffix(".json").read_text())  # the model card, lesson 02
app = Flask(__name__)


@app.get("/health")
def health() -> dict:
    return {"status": "ok"}


@app.post("/predict")
def predict():
    try:
        patient = PatientRequest.model_validate(request.get_json())
    except ValidationError as error:  # the client's mistake: say which field, with 422
        return validation_error_body(error.errors(), ("body",)), 422
    value = float(model.predict(patient.row())[0])
    return Prediction(prediction=value, **echoed_fields(patient)).model_dump()


@app.get("/features")
def features() -> dict:
    names = ("name", "train_min", "train_max")
    return {"features": [{name: feature[name] for name in names} for feature in card["features"]]}


# TODO (step 1): a factory, in fastapi_app.py and flask_app.py: create_app(model=None) builds
#   and returns the app, loading the model there, once, unless one is handed in. Move the
#   routes into it, and delete the module's `model` and `app`.
# TODO (step 3): keep the model in app.extensions["model"], and have /predict ask get_model()
#   for it (current_app.extensions["model"]): Flask's dependency injection is the factory's
#   argument.
