"""Your service, its Flask twin: one step more with each lesson (lessons/exercises/README.md)."""

import json
import os
from pathlib import Path

import joblib
from flask import Flask, request
from pydantic import ValidationError

from shared.contract.errors import validation_error_body
from shared.core.schemas import FEATURES, Patient

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
        patient = Patient.model_validate(request.get_json())
    except ValidationError as error:  # the client's mistake: say which field, with 422
        return validation_error_body(error.errors(), ("body",)), 422
    row = [[getattr(patient, name) for name in FEATURES]]
    return {"prediction": float(model.predict(row)[0])}


@app.get("/features")
def features() -> dict:
    names = ("name", "train_min", "train_max")
    return {"features": [{name: feature[name] for name in names} for feature in card["features"]]}


# TODO (step 2): validate with PatientRequest (from schemas), and answer
#   Prediction(prediction=..., **echoed_fields(patient)).model_dump().
