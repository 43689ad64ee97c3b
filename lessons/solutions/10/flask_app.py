"""Exercise 10, solved: the Flask twin counts its predictions."""

from flask import Flask, Response, jsonify, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    generate_latest,
)
from pydantic import ValidationError

from shared.contract.errors import validation_error_body
from shared.core.model import Predictor
from shared.core.schemas import Patient


def create_app(predictor: Predictor) -> Flask:
    app = Flask(__name__)
    # One registry per app: two apps in one process would otherwise share (and clash on) metrics.
    registry = CollectorRegistry()
    model_loaded = Gauge("model_loaded", "1 when the model is loaded", registry=registry)
    model_loaded.set(1)
    predictions = Counter("model_predictions", "Predictions made", registry=registry)

    @app.post("/predict")
    def predict():
        try:
            patient = Patient.model_validate(request.get_json())
        except ValidationError as error:
            return jsonify(validation_error_body(error.errors(), ("body",))), 422
        result = predictor.predict_one(patient)
        predictions.inc()  # after the model answered: a refused or failed request is not counted
        return jsonify(result.model_dump())

    @app.get("/metrics")
    def metrics():
        return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)

    return app
