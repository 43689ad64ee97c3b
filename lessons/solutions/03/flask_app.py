"""Exercise 03, solved: a first Flask service. Run it from this folder:
`../../../.venv/bin/flask --app flask_app run --port 8001`.
"""

import os

import joblib
from flask import Flask, request

from shared.core.schemas import FEATURES

model = joblib.load(os.environ.get("MODEL_PATH", "models/diabetes.joblib"))
app = Flask(__name__)


@app.get("/health")
def health() -> dict:
    return {"status": "ok"}


@app.post("/predict")
def predict() -> dict:
    body = request.get_json()
    row = [[body[name] for name in FEATURES]]
    return {"prediction": float(model.predict(row)[0])}
