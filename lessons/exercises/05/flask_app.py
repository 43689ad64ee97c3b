"""Your service, its Flask twin: one step more with each lesson (lessons/exercises/README.md)."""

import os
from pathlib import Path

import joblib
from flask import Flask, request
from pydantic import ValidationError

from shared.contract.errors import validation_error_body
from shared.core.schemas import FEATURES, Patient

MODEL_PATH = Path(os.environ.get("MODEL_PATH", "models/diabetes.joblib"))

model = joblib.load(MODEL_PATH)
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


# TODO (step 1): GET /features, answering {"features": [{"name", "train_min", "train_max"},
#   ...]}, one entry per feature of the model card, in order. The card is the JSON file beside
#   the model: json.loads(MODEL_PATH.with_suffix(".json").read_text()), read once, at import.
