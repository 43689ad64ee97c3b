# Exercise 04: the seed Flask app. TODO: answer 422, not 500, to a body that is not a patient.
import os

import joblib
from flask import Flask, jsonify, request

app = Flask(__name__)
model = joblib.load(os.environ.get("MODEL_PATH", "models/diabetes.joblib"))
FEATURES = ["age", "sex", "bmi", "bp", "tc", "ldl", "hdl", "tch", "ltg", "glu"]


@app.route("/predict", methods=["POST"])
def predict():
    data = request.get_json()
    prediction = model.predict([[data[name] for name in FEATURES]])[0]
    return jsonify({"prediction": prediction})
