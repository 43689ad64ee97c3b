"""Exercise 03: your first Flask service. Run it from the repository's folder:
`.venv/bin/flask --app work/03/flask_app run --port 8001`
(or `make exercise N=03` to check it without a server).

TODO: the same two routes as fastapi_app.py: `GET /health` answering {"status": "ok"}, and
`POST /predict` reading `request.get_json()` and answering {"prediction": <number>}.
"""

import os

import joblib
from flask import Flask

from shared.core.schemas import FEATURES  # noqa: F401 (you will use it)

model = joblib.load(os.environ.get("MODEL_PATH", "models/diabetes.joblib"))
app = Flask(__name__)

# Your routes here. A row for the model: [[body[name] for name in FEATURES]]
