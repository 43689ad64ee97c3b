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
