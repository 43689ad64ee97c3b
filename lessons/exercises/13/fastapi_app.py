"""Exercise 13: the FastAPI twin. TODO: an API-key middleware (see README.md)."""

from fastapi import FastAPI, Request  # noqa: F401 (Request: you will use it)
from fastapi.responses import JSONResponse  # noqa: F401 (you will use it)
from pydantic import SecretStr

from shared.errors import Unauthorized  # noqa: F401 (you will use it)
from shared.model import Predictor
from shared.schemas import Patient, PredictionResponse
from shared.security import API_KEY_HEADER, check_api_key  # noqa: F401 (you will use them)

OPEN_PATHS = {"/health"}  # what a load balancer probes without a key


def create_app(predictor: Predictor, api_key: str) -> FastAPI:
    app = FastAPI()
    key = SecretStr(api_key)  # noqa: F841 (you will use it)

    # TODO: a middleware (@app.middleware("http")) that answers 401 {"detail": ...} to any request
    # outside OPEN_PATHS whose X-API-Key header is not `key`. check_api_key does the comparison.

    @app.get("/health")
    def health() -> dict:
        return {"status": "ok"}

    @app.post("/predict")
    def predict(patient: Patient) -> PredictionResponse:
        return predictor.predict_one(patient)

    return app
