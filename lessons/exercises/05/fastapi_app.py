"""Exercise 05: the FastAPI twin. TODO: add GET /features (see README.md)."""

from fastapi import FastAPI

from shared.core.model import Predictor
from shared.core.schemas import Patient, PredictionResponse


def create_app(predictor: Predictor) -> FastAPI:
    app = FastAPI()

    @app.get("/health")
    def health() -> dict:
        return {"status": "ok"}

    @app.post("/predict")
    def predict(patient: Patient) -> PredictionResponse:
        return predictor.predict_one(patient)

    return app
