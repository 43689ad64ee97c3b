"""The Flask twin: it validates with the same schema, but writes its answer by hand.

TODO (step 3): once `make exercise N=06` says this twin lags, build its answer the way the
FastAPI twin does, from the schema.
"""

from flask import Flask, jsonify, request
from pydantic import ValidationError
from schemas import PatientRequest

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
        return jsonify({"prediction": value})

    return app
