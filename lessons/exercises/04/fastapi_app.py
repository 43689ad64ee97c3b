"""Your service, its FastAPI twin: one step more with each lesson (lessons/exercises/README.md)."""

import os
from pathlib import Path

import joblib
from fastapi import FastAPI

from shared.core.schemas import FEATURES

MODEL_PATH = Path(os.environ.get("MODEL_PATH", "models/diabetes.joblib"))

model = joblib.load(MODEL_PATH)
app = FastAPI()


@app.get("/health")
def health() -> dict:
    return {"status": "ok"}


@app.post("/predict")
def predict(patient: dict) -> dict:
    row = [[patient[name] for name in FEATURES]]
    return {"prediction": float(model.predict(row)[0])}


# TODO (step 1): validate the body: declare it `patient: Patient` (from shared.core.schemas)
#   instead of `patient: dict`, and read its fields with getattr(patient, name). FastAPI then
#   answers a mistake with 422 and a "detail" list whose "loc" names the field.
