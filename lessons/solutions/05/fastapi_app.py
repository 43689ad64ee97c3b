"""Your service, its FastAPI twin: one step more with each lesson (lessons/exercises/README.md)."""

import json
import os
from pathlib import Path

import joblib
from fastapi import FastAPI

from shared.core.schemas import FEATURES, Patient

MODEL_PATH = Path(os.environ.get("MODEL_PATH", "models/diabetes.joblib"))

model = joblib.load(MODEL_PATH)
card = json.loads(MODEL_PATH.with_suffix(".json").read_text())  # the model card, lesson 02
app = FastAPI()


@app.get("/health")
def health() -> dict:
    return {"status": "ok"}


@app.post("/predict")
def predict(patient: Patient) -> dict:  # FastAPI validates the body: a mistake is a 422
    row = [[getattr(patient, name) for name in FEATURES]]
    return {"prediction": float(model.predict(row)[0])}


@app.get("/features")
def features() -> dict:
    names = ("name", "train_min", "train_max")
    return {"features": [{name: feature[name] for name in names} for feature in card["features"]]}
