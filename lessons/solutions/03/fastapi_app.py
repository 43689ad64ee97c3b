"""Exercise 03, solved: a first FastAPI service. Run it from this folder:
`../../../.venv/bin/uvicorn fastapi_app:app --port 8000`.
"""

import os

import joblib
from fastapi import FastAPI

from shared.core.schemas import FEATURES, Patient

model = joblib.load(os.environ.get("MODEL_PATH", "models/diabetes.joblib"))
app = FastAPI()


@app.get("/health")
def health() -> dict:
    return {"status": "ok"}


@app.post("/predict")
def predict(patient: Patient) -> dict:
    row = [[getattr(patient, name) for name in FEATURES]]
    return {"prediction": float(model.predict(row)[0])}
