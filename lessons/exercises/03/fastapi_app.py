"""Exercise 03: your first FastAPI service. Run it from the repository's folder:
`.venv/bin/uvicorn --app-dir work/03 fastapi_app:app --port 8000`
(or `make exercise N=03` to check it without a server).

TODO: add `GET /health` answering {"status": "ok"}, and `POST /predict` that takes the ten
measurements as a JSON object (use `Patient` from shared.core.schemas) and answers
{"prediction": <number>}.
"""

import os

import joblib
from fastapi import FastAPI

from shared.core.schemas import FEATURES, Patient  # noqa: F401 (you will use it)

model = joblib.load(os.environ.get("MODEL_PATH", "models/diabetes.joblib"))
app = FastAPI()

# Your routes here. A row for the model: [[getattr(patient, name) for name in FEATURES]]
