"""My first model service, in Flask: GET /health and POST /predict."""

import os

import joblib
from flask import Flask, request

# Loaded once, when the server imports this file, and shared by every request.
model = joblib.load(os.environ.get("MODEL_PATH", "models/diabetes.joblib"))
FEATURES = ["age", "sex", "bmi", "bp", "tc", "ldl", "hdl", "tch", "ltg", "glu"]

app = Flask(__name__)


@app.get("/health")
def health():
    return {"status": "ok"}


@app.post("/predict")
def predict():
    patient = request.get_json()
    row = [[patient[name] for name in FEATURES]]
    return {"prediction": float(model.predict(row)[0])}
