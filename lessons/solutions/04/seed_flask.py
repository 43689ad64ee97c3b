# Exercise 04, solved: the seed Flask app, validating its body with the shared schema.
import os

import joblib
from flask import Flask, jsonify, request
from pydantic import ValidationError

from shared.contract.errors import validation_error_body
from shared.core.schemas import FEATURES, Patient

app = Flask(__name__)
model = joblib.load(os.environ.get("MODEL_PATH", "models/diabetes.joblib"))


@app.route("/predict", methods=["POST"])
def predict():
    try:
        patient = Patient.model_validate(request.get_json())
    except ValidationError as error:  # the client's mistake: say which field, with 422
        return jsonify(validation_error_body(error.errors(), ("body",))), 422
    prediction = model.predict([[getattr(patient, name) for name in FEATURES]])[0]
    return jsonify({"prediction": prediction})
