"""Your service, its Flask twin: one step more with each lesson (lessons/exercises/README.md)."""

import os
from pathlib import Path

import joblib
from flask import Flask, request

from shared.core.schemas import FEATURES

MODEL_PATH = Path(os.environ.get("MODEL_PATH", "models/diabetes.joblib"))

model = joblib.load(MODEL_PATH)
app = Flask(__name__)


@app.get("/health")
def health() -> dict:
    return {"status": "ok"}


@app.post("/predict")
def predict() -> dict:
    patient = request.get_json()
    row = [[patient[name] for name in FEATURES]]
    return {"prediction": float(model.predict(row)[0])}


# TODO (step 2): validate the body: `Patient.model_validate(request.get_json())`, and answer
#   its ValidationError (from pydantic) with validation_error_body(error.errors(), ("body",))
#   (from shared.contract.errors) and 422. Then read its fields with getattr(patient, name).
