"""Exercise 05, solved: the FastAPI twin with GET /features."""

from fastapi import FastAPI

from shared.core.model import Predictor
from shared.core.schemas import FeatureInfo, Patient, PredictionResponse


def feature_range(feature: FeatureInfo) -> dict:
    return feature.model_dump(include={"name", "train_min", "train_max"})


def create_app(predictor: Predictor) -> FastAPI:
    app = FastAPI()

    @app.get("/health")
    def health() -> dict:
        return {"status": "ok"}

    @app.post("/predict")
    def predict(patient: Patient) -> PredictionResponse:
        return predictor.predict_one(patient)

    @app.get("/features")
    def features() -> dict:
        return {"features": [feature_range(f) for f in predictor.card.features]}

    return app
