"""Exercise 07: the Flask twin. The factory takes the predictor: Flask's dependency injection."""

from flask import Flask, current_app, jsonify, request

from shared.core.model import Predictor
from shared.core.schemas import Patient
from shared.core.settings import Settings


def get_predictor() -> Predictor:
    return current_app.extensions["predictor"]


def create_app(predictor: Predictor | None = None) -> Flask:
    """The real model unless a test passes its own predictor."""
    if predictor is None:
        settings = Settings()
        predictor = Predictor.load(settings.model_path, settings.card_path)
    app = Flask(__name__)
    app.extensions["predictor"] = predictor

    @app.post("/predict")
    def predict():
        patient = Patient.model_validate(request.get_json())
        return jsonify(get_predictor().predict_one(patient).model_dump())

    return app
