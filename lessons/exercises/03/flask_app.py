"""Your service, its Flask twin: one step more with each lesson (lessons/exercises/README.md).

Run it from the repository's folder:
`.venv/bin/flask --app work/service/flask_app run --port 8001`
"""

import os
from pathlib import Path

import joblib
from flask import Flask, request  # noqa: F401 (you will use request)

from shared.core.schemas import FEATURES  # noqa: F401 (you will use it)

MODEL_PATH = Path(os.environ.get("MODEL_PATH", "models/diabetes.joblib"))

model = joblib.load(MODEL_PATH)
app = Flask(__name__)

# TODO (step 1): GET /health in fastapi_app.py and flask_app.py, answering {"status": "ok"}.
# TODO (step 2): POST /predict, reading the body with `request.get_json()` and answering
#   {"prediction": <number>}: the same row as in fastapi_app.py, the same float.
