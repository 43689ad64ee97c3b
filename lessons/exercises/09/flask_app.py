"""Exercise 09: the Flask twin. TODO: add DELETE /predictions/<prediction_id> (see README.md)."""

from flask import Flask, jsonify, request
from memory_store import MemoryStore

from shared.core.errors import ServiceError
from shared.core.model import Predictor
from shared.core.schemas import Patient


def create_app(predictor: Predictor) -> Flask:
    app = Flask(__name__)
    store = MemoryStore()

    @app.errorhandler(ServiceError)
    def service_error(error: ServiceError):
        return jsonify(error.body()), error.status_code

    @app.post("/predictions")
    def create_prediction():
        patient = Patient.model_validate(request.get_json())
        record = store.add(predictor.predict_one(patient).prediction)
        return jsonify(record), 201, {"Location": f"/predictions/{record['id']}"}

    @app.get("/predictions/<int:prediction_id>")
    def get_prediction(prediction_id: int):
        return jsonify(store.get(prediction_id))

    return app
