"""Your service, its FastAPI twin: one step more with each lesson (lessons/exercises/README.md).

Run it from the repository's folder:
`.venv/bin/uvicorn --app-dir work/service fastapi_app:app --port 8000`
"""

import os
from pathlib import Path

import joblib
from fastapi import FastAPI

from shared.core.schemas import FEATURES  # noqa: F401 (you will use it)

MODEL_PATH = Path(os.environ.get("MODEL_PATH", "models/diabetes.joblib"))

model = joblib.load(MODEL_PATH)
app = FastAPI()

# TODO (step 1): GET /health in fastapi_app.py and flask_app.py, answering {"status": "ok"}.
# TODO (step 2): POST /predict, taking the ten measurements as a JSON object (`patient: dict`)
#   and answering {"prediction": <number>}. The model wants one row in FEATURES order,
#   [[patient[name] for name in FEATURES]], and answers a numpy number: make it a float.
