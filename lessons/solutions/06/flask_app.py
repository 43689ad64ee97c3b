"""The Flask twin, caught up: its answer is built from the schema too (solution)."""

from flask import Flask, jsonify, request
from pydantic import ValidationError
from schemas import PatientRequest, Prediction, echoed_fields

from shared.contract.errors import validation_error_body
from shared.core.model import Predictor


def create_app(predictor: Predictor) -> Flask:
    app = Flask(__name__)

    @app.post("/predict")
    def predict():
        try:
            patient = PatientRequest.model_validate(request.get_json())
        except ValidationError as error:
            return jsonify(validation_error_body(error.errors(), ("body",))), 422
        value = predictor.predict_one(patient).prediction
        return jsonify(Prediction(prediction=value, **echoed_fields(patient)).model_dump())

    return app
