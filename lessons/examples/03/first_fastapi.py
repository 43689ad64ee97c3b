"""My first model service, in FastAPI: GET /health and POST /predict."""

import os

import joblib
from fastapi import FastAPI

# Loaded once, when uvicorn imports this file, and shared by every request.
model = joblib.load(os.environ.get("MODEL_PATH", "models/diabetes.joblib"))
FEATURES = ["age", "sex", "bmi", "bp", "tc", "ldl", "hdl", "tch", "ltg", "glu"]

app = FastAPI()


@app.get("/health")
def health():
    return {"status": "ok"}


@app.post("/predict")
def predict(patient: dict):
    row = [[patient[name] for name in FEATURES]]
    return {"prediction": float(model.predict(row)[0])}
