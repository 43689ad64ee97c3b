"""Exercise 05: the Flask twin. TODO: add GET /features (see README.md)."""

from flask import Flask, jsonify, request
from pydantic import ValidationError

from shared.contract.errors import validation_error_body
from shared.core.model import Predictor
from shared.core.schemas import Patient


def create_app(predictor: Predictor) -> Flask:
    app = Flask(__name__)

    @app.get("/health")
    def health():
        return jsonify({"status": "ok"})

    @app.post("/predict")
    def predict():
        try:
            patient = Patient.model_validate(request.get_json())
        except ValidationError as error:
            return jsonify(validation_error_body(error.errors(), ("body",))), 422
        return jsonify(predictor.predict_one(patient).model_dump())

    return app
