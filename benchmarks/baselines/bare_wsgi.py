"""The WSGI floor: no framework, only the protocol and the model's predict.

A Flask route adds routing, request parsing, validation and serialization on top of this; the
distance between the two is what the framework costs. Like the seed apps it loads the model with
joblib at import (no SHA-256 check, no validation): a floor, not a service.
Run: `gunicorn benchmarks.baselines.bare_wsgi:app`.
"""

import json
import os

import joblib

model = joblib.load(os.environ.get("MODEL_PATH", "models/diabetes.joblib"))
FEATURES = ["age", "sex", "bmi", "bp", "tc", "ldl", "hdl", "tch", "ltg", "glu"]


def answer(start_response, status: str, payload: dict) -> list[bytes]:
    body = json.dumps(payload).encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    start_response(status, headers)
    return [body]


def app(environ, start_response) -> list[bytes]:
    if environ["REQUEST_METHOD"] != "POST" or environ["PATH_INFO"] != "/predict":
        return answer(start_response, "404 Not Found", {"detail": "Not Found"})
    length = int(environ.get("CONTENT_LENGTH") or 0)
    data = json.loads(environ["wsgi.input"].read(length))
    prediction = model.predict([[data[name] for name in FEATURES]])[0]
    return answer(start_response, "200 OK", {"prediction": float(prediction)})
