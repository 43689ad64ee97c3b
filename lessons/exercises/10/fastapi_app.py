"""Exercise 10: the FastAPI twin. TODO: count predictions in a metric (see README.md)."""

from fastapi import FastAPI, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Gauge, generate_latest

from shared.core.model import Predictor
from shared.core.schemas import Patient, PredictionResponse


def create_app(predictor: Predictor) -> FastAPI:
    app = FastAPI()
    # One registry per app: two apps in one process would otherwise share (and clash on) metrics.
    registry = CollectorRegistry()
    model_loaded = Gauge("model_loaded", "1 when the model is loaded", registry=registry)
    model_loaded.set(1)

    @app.post("/predict")
    def predict(patient: Patient) -> PredictionResponse:
        return predictor.predict_one(patient)

    @app.get("/metrics")
    def metrics() -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return app
