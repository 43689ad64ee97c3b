"""The FastAPI twin: it builds its answer from the schema, so it follows the schema's changes."""

from fastapi import FastAPI
from schemas import PatientRequest, Prediction, echoed_fields

from shared.core.model import Predictor


def create_app(predictor: Predictor) -> FastAPI:
    app = FastAPI()

    @app.post("/predict")
    def predict(patient: PatientRequest) -> Prediction:
        value = predictor.predict_one(patient).prediction
        return Prediction(prediction=value, **echoed_fields(patient))

    return app
