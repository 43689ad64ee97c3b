"""Your service, its FastAPI twin: one step more with each lesson (lessons/exercises/README.md)."""

import os
from pathlib import Path

import joblib
from fastapi import FastAPI

from shared.core.schemas import FEATURES, Patient

MODEL_PATH = Path(os.environ.get("MODEL_PATH", "models/diabetes.joblib"))

model = joblib.load(MODEL_PATH)
app = FastAPI()


@app.get("/health")
def health() -> dict:
    return {"status": "ok"}


@app.post("/predict")
def predict(patient: Patient) -> dict:  # FastAPI validates the body: a mistake is a 422
    row = [[getattr(patient, name) for name in FEATURES]]
    return {"prediction": float(model.predict(row)[0])}


# TODO (step 1): GET /features, answering {"features": [{"name", "train_min", "train_max"},
#   ...]}, one entry per feature of the model card, in order. The card is the JSON file beside
#   the model: json.loads(MODEL_PATH.with_suffix(".json").read_text()), read once, at import.
